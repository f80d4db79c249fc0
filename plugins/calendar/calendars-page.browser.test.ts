/**
 * Browser check of the calendars page (SQLite) at 1280 and 390 px: "Share…" is folded, opening it
 * shows the form (no person chosen) inside the page's width. Screenshots go to
 * test/artifacts/calendar-calendars-page-*.png (folded, then open).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, signIn } from '../../test/e2e/support.ts'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import calendar from './index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
  await p.member('member')
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  await page.goto(`${p.url}/calendar`)
  const token = (await page.locator('body').getAttribute('hx-headers:inherited'))!.match(/"X-CSRF-Token":"([^"]+)"/)![1]!
  const res = await page.request.post(`${p.url}/api/v1/calendar/calendars`, { data: { name: 'Work' }, headers: { 'x-csrf-token': token } })
  expect(res.status()).toBe(201)
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: calendars page sharing [sqlite]', () => {
  for (const width of [1280, 390]) {
    test(`${width} px: the share form is folded behind "Share…" and fits when open`, async () => {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
      try {
        await page.goto(`${p.url}/calendar/calendars`)
        const details = page.locator('details.cal-share-add').first()
        await details.scrollIntoViewIfNeeded()
        await page.screenshot({ path: `${ARTIFACTS}/calendar-calendars-page-${width}.png` })
        expect(await details.locator('form').isVisible()).toBe(false)
        await details.locator('summary').click()
        await page.screenshot({ path: `${ARTIFACTS}/calendar-calendars-page-${width}-open.png` })
        const form = details.locator('form')
        expect(await form.isVisible()).toBe(true)
        expect(await form.locator('select[name="userId"]').inputValue()).toBe('')
        const box = (await form.locator('button').boundingBox())!
        expect(box.x + box.width).toBeLessThanOrEqual(width)
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }
})
