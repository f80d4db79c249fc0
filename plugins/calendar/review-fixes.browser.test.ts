/**
 * Browser test (SQLite, calendar plugin only) of a designer's review: on an occurrence's edit form the
 * series' own fields are disabled while "This event" is chosen (back to their values), enabled by "All
 * events", and a save of "This event" still sends them unchanged; a focused time slot in the week is a
 * light tint with its time and "+" readable in the light and the dark theme. Screenshots go to
 * test/artifacts/calendar-review-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import { colourContrast } from '../../test/helpers/contrast.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, pageApi, signIn } from '../../test/e2e/support.ts'
import calendar from './index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
let eventId: string

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  const api = await pageApi(page, p.url, '/calendar')
  const cal = await api.post('/api/v1/calendar/calendars', { name: 'Work' })
  eventId = (await api.post('/api/v1/calendar/events', { calendarId: cal.id, title: 'Stand-up', timeZone: 'UTC', start: '2027-01-11T08:30', end: '2027-01-11T08:45', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', reminders: [10] })).id
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: a designer review of the calendar [sqlite]', () => {
  test('"This event" disables the series\' own fields (back to their values); "All events" enables them; saving one occurrence works', async () => {
    const occurrence = '2027-01-13T08:30:00.000Z'
    await page.goto(`${p.url}/calendar/events/${eventId}/edit?occurrence=${encodeURIComponent(occurrence)}`)
    const series = ['select[name="calendarId"]', 'input[name="allDay"]', 'input[name="timeZone"]', 'select[name="repeat"]', 'input[name="reminders"][value="10"]', 'input[name="reminders"][value="60"]']
    const disabled = () => Promise.all(series.map((s) => page.locator(s).isDisabled()))
    expect(await page.locator('input[name="scope"][value="this"]').isChecked()).toBe(true)
    expect(await disabled()).toEqual(series.map(() => true))
    expect(await page.locator('input[name="title"]').isDisabled()).toBe(false)
    expect(await page.locator('input[name="startTime"]').isDisabled()).toBe(false)
    expect(await page.locator('#cal-series-note').isVisible()).toBe(true)
    await page.locator('.cal-scope').screenshot({ path: `${ARTIFACTS}/calendar-review-occurrence-scope.png` })
    await page.screenshot({ path: `${ARTIFACTS}/calendar-review-occurrence-form.png`, fullPage: true })

    // "All events": the fields can be changed; back to "This event", they show the series' values again
    await page.getByLabel('All events').check()
    expect(await disabled()).toEqual(series.map(() => false))
    expect(await page.locator('#cal-series-note').isVisible()).toBe(false)
    await page.locator('input[name="reminders"][value="60"]').check()
    await page.getByLabel('This event').check()
    expect(await page.locator('input[name="reminders"][value="60"]').isChecked()).toBe(false)
    expect(await page.locator('input[name="reminders"][value="10"]').isChecked()).toBe(true)
    expect(await disabled()).toEqual(series.map(() => true))

    // a change to this occurrence saves; the disabled fields were sent unchanged (no 422, no 409)
    await page.locator('input[name="title"]').fill('Stand-up (demo day)')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.waitForURL(new RegExp(`/calendar/events/${eventId}\\?occurrence=`))
    expect(await page.locator('h1').innerText()).toContain('Stand-up (demo day)')
    const series2 = await page.request.get(`${p.url}/api/v1/calendar/events/${eventId}`)
    const row = (await series2.json()) as { title: string; reminders: number[]; timeZone: string }
    expect(row.title).toBe('Stand-up')
    expect(row.reminders).toEqual([10])
    expect(row.timeZone).toBe('UTC')
  }, T)

  for (const scheme of ['light', 'dark'] as const) {
    test(`${scheme}: a focused time slot is a light tint with its time and "+" readable`, async () => {
      await page.emulateMedia({ colorScheme: scheme })
      try {
        await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC#x`)
        const slot = page.locator('.cal-slot-link[data-time="10:00"]').nth(2)
        await page.locator('.cal-slot-link[data-time="09:00"]').nth(2).focus()
        await page.keyboard.press('Tab') // keyboard focus, so :focus-visible applies
        await slot.focus()
        await page.waitForTimeout(500) // the theme's color transitions
        const style = await slot.evaluate((el) => {
          const cs = getComputedStyle(el)
          const before = getComputedStyle(el, '::before')
          const page = getComputedStyle(document.documentElement).backgroundColor
          return { color: cs.color, background: cs.backgroundColor, outline: cs.outlineStyle, before: before.content, page }
        })
        expect(style.before).toBe('"10:00 "')
        expect(style.outline).toBe('solid')
        // the text over the tint over the page
        expect(await colourContrast(page, style.color, style.background, style.page), `time and "+" on the tint (${style.color} on ${style.background} over ${style.page})`).toBeGreaterThanOrEqual(4.5)
        // a tint, not a solid block: close to the page's own background
        expect(await colourContrast(page, style.background, style.page, style.page)).toBeLessThan(1.8)
        await slot.evaluate((el) => el.closest('td')!.scrollIntoView({ block: 'center' }))
        await page.screenshot({ path: `${ARTIFACTS}/calendar-review-slot-focus-${scheme}.png` })
      } finally {
        await page.emulateMedia({ colorScheme: 'light' })
      }
    }, T)
  }
})
