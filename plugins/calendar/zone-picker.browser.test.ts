/**
 * Browser test of the calendar page's time zone control (SQLite, calendar plugin only): folded, it is
 * one line under the heading ("Time zone: UTC") and the toolbar is one row at 1280 px; opened from the
 * keyboard, its form changes the zone, and at 390 px it fits without sideways scrolling. Screenshots
 * go to test/artifacts/calendar-zone-picker-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, signIn } from '../../test/e2e/support.ts'
import calendar from './index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: the time zone control [sqlite]', () => {
  for (const width of [390, 1280]) {
    test(`${width} px: one folded line; opened with the keyboard it changes the zone and fits the screen`, async () => {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
      try {
        await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
        const summary = page.locator('.cal-tz > summary')
        expect(await summary.innerText()).toContain('Time zone: UTC')
        expect(await page.locator('#cal-view-tz').isVisible()).toBe(false)
        if (width > 600) {
          // the toolbar is one row: navigation, range and tabs side by side
          const tops = await page.locator('.cal-toolbar > *').evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().top)))
          expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(20)
        }
        await summary.focus()
        await page.keyboard.press('Enter')
        await page.keyboard.press('Tab')
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('cal-view-tz')
        // the suggestions arrive when the control is first opened
        await page.locator('datalist#cal-zones option[value="Europe/Berlin"]').waitFor({ state: 'attached' })
        expect(await page.locator('datalist#cal-zones option').count()).toBeGreaterThan(100)
        await page.screenshot({ path: `${ARTIFACTS}/calendar-zone-picker-open-${width}.png` })
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 'the page scrolls sideways').toBeLessThanOrEqual(0)
        const show = await page.getByRole('button', { name: 'Show' }).boundingBox()
        expect(show!.x + show!.width).toBeLessThanOrEqual(width)
        await page.keyboard.press('ControlOrMeta+a')
        await page.keyboard.type('Europe/Berlin')
        await page.keyboard.press('Enter')
        await page.waitForURL(/tz=Europe%2FBerlin/)
        expect(await page.locator('.cal-tz > summary').innerText()).toContain('Time zone: Europe/Berlin')
        expect(await page.locator('.cal-tz').getAttribute('open')).toBeNull()
        expect(new URL(page.url()).searchParams.get('view')).toBe('week')
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }
})
