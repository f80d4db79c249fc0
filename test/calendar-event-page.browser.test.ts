/**
 * Browser test (SQLite) of an event's page with collaboration on: the comment thread's "Activity (n)"
 * disclosure ends the thread, and the "Danger zone" under it keeps a section's space above its heading
 * (it sat right on it), at 1280 and 390 px. Screenshots go to test/artifacts/calendar-event-page-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, pageApi, signIn } from './e2e/support.ts'
import { ADMIN, type TestPlatform } from './helpers/platform.ts'
import calendar from '../plugins/calendar/index.ts'
import collaboration from '../plugins/collaboration/index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
let eventId: string

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar, collaboration]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  const { post } = await pageApi(page, p.url, '/calendar')
  const cal = (await post('/api/v1/calendar/calendars', { name: 'Team' })).id
  eventId = (await post('/api/v1/calendar/events', { calendarId: cal, title: 'Team offsite', timeZone: 'UTC', allDay: true, start: '2026-12-09', end: '2026-12-11', location: 'Lakeside lodge' })).id
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: the event page with its comment thread [sqlite]', () => {
  for (const width of [1280, 390]) {
    test(`${width} px: "Activity (n)" does not sit on the "Danger zone" heading`, async () => {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
      try {
        await page.goto(`${p.url}/calendar/events/${eventId}`)
        const activity = page.locator('details.collab-entity-activity > summary')
        const heading = page.locator('.cal-danger-zone > h2')
        expect(await activity.innerText()).toContain('Activity (1)')
        expect(await heading.innerText()).toBe('Danger zone')
        await page.screenshot({ path: `${ARTIFACTS}/calendar-event-page-${width}.png`, fullPage: true })
        const above = (await activity.boundingBox())!
        const below = (await heading.boundingBox())!
        const gap = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))
        // at least two lines' worth of space between them (a section's margin), in this order
        expect(below.y - (above.y + above.height)).toBeGreaterThanOrEqual(2 * gap)
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }
})
