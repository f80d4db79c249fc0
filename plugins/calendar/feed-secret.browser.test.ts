/**
 * Browser test (SQLite): a new subscription address on the calendars page. The sentence above the
 * addresses is in the page's font (the box's monospace is for the addresses), the addresses wrap
 * inside the screen, and the layers form below keeps a gap from the box.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { closeBrowserRig, openBrowserRig, signIn } from '../../test/e2e/support.ts'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import calendar from './index.ts'

const T = 60_000
let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

test('a new feed address: the sentence in the body font, the addresses in code, a gap before the form', async () => {
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  await page.goto(`${p.url}/calendar/calendars`)
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: /Make an address|Make a new address/ }).first().click()])
  const box = page.locator('.cal-feed-secret')
  await box.waitFor()
  const [sentence, address, body] = await Promise.all([
    box.locator('p').first().evaluate((el) => getComputedStyle(el).fontFamily),
    page.locator('#cal-feed-https').evaluate((el) => getComputedStyle(el).fontFamily),
    page.locator('main').evaluate((el) => getComputedStyle(el).fontFamily),
  ])
  expect(sentence).toBe(body)
  expect(address).not.toBe(body)
  const boxBottom = await box.evaluate((el) => el.getBoundingClientRect().bottom)
  const next = await box.evaluate((el) => el.nextElementSibling!.getBoundingClientRect().top)
  expect(next - boxBottom).toBeGreaterThanOrEqual(8)
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
}, T)
