/**
 * The audit log's day filter with a bad date, in Chromium at 1280 and 390 px: the error under the
 * field starts below the field (Pico pulls a field's hint up under it, and the filter's fields sit
 * flush), and the page keeps to the screen.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { fixturePlugins } from '../fixtures/index.ts'
import { ADMIN } from '../helpers/platform.ts'
import { closeBrowserRig, newContext, openBrowserRig, signIn, type BrowserRig } from './support.ts'

const T = 60_000
let rig: BrowserRig

beforeAll(async () => {
  rig = await openBrowserRig(fixturePlugins)
}, T)
afterAll(() => closeBrowserRig(rig), T)

for (const width of [1280, 390]) {
  test(`${width} px: a bad day's error sits below its field`, async () => {
    const context = await newContext(rig.browser, width)
    const page = await context.newPage()
    await signIn(page, rig.p.url, ADMIN.email, ADMIN.password)
    const res = await page.goto(`${rig.p.url}/admin/audit?from=2026-13-45`)
    expect(res!.status()).toBe(400)
    const field = (await page.locator('#audit-from').boundingBox())!
    const error = (await page.locator('#audit-from-error').boundingBox())!
    expect(error.y).toBeGreaterThanOrEqual(field.y + field.height)
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
    await context.close()
  }, T)
}
