/**
 * Browser test of the calendar on a phone (SQLite, calendar plugin only): at 390 px the tabs offer
 * "3 days" in place of "Week", its three day columns show without sideways scrolling, each at least
 * ~100 px wide, Next moves three days (by the keyboard too) and a slot still opens the new-event form
 * at its time; a week opened on a phone shows three whole days per box width. At 1280 px the week
 * shows its seven columns and the tabs offer "Week". Screenshots go to
 * test/artifacts/calendar-three-days-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, pageApi, signIn } from '../../test/e2e/support.ts'
import calendar from './index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  const { post } = await pageApi(page, p.url, '/calendar')
  const calId = (await post('/api/v1/calendar/calendars', { name: 'Work' })).id
  await post('/api/v1/calendar/events', { calendarId: calId, title: 'Stand-up', timeZone: 'UTC', start: '2027-01-13T09:30', end: '2027-01-13T10:00' })
  await post('/api/v1/calendar/events', { calendarId: calId, title: 'Design critique', timeZone: 'UTC', start: '2027-01-14T11:00', end: '2027-01-14T12:00' })
  await post('/api/v1/calendar/events', { calendarId: calId, title: 'Offsite', timeZone: 'UTC', allDay: true, start: '2027-01-14', end: '2027-01-18' })
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

/** The grid's day columns (header cells) as drawn: left, right, width; and the grid box's scroll room. */
function measureColumns(): Promise<{ columns: { left: number; right: number; width: number; text: string }[]; boxLeft: number; boxRight: number; sideways: number; page: number }> {
  return page.locator('.cal-main .table-wrap').evaluate((wrap) => {
    const box = wrap.getBoundingClientRect()
    const columns = [...wrap.querySelectorAll('thead th:not(.cal-hour)')].map((th) => {
      const r = th.getBoundingClientRect()
      return { left: r.left, right: r.right, width: r.width, text: (th.textContent ?? '').trim() }
    })
    return { columns, boxLeft: box.left, boxRight: box.right, sideways: wrap.scrollWidth - wrap.clientWidth, page: document.documentElement.scrollWidth - window.innerWidth }
  })
}

/** The tab labels a person sees. */
function visibleTabs(): Promise<string[]> {
  return page.locator('.cal-toolbar .tabs a:visible').allInnerTexts()
}

describe('browser: the calendar on a phone shows 3 days [sqlite]', () => {
  test('390 px: "3 days" replaces "Week"; three columns of 100 px or more, no sideways scrolling; Next and slots work', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/calendar?view=month&date=2027-01-13&tz=UTC`)
      expect(await visibleTabs()).toEqual(['Month', '3 days', 'Day', 'Agenda'])
      await page.getByRole('link', { name: '3 days' }).click()
      await page.waitForURL(/view=3day&date=2027-01-13/)
      await page.screenshot({ path: `${ARTIFACTS}/calendar-three-days-390.png`, fullPage: true })
      const m = await measureColumns()
      expect(m.columns.map((c) => c.text)).toEqual(['Wed 13', 'Thu 14', 'Fri 15'])
      expect(m.sideways, 'the grid scrolls sideways').toBeLessThanOrEqual(1)
      expect(m.page, 'the page scrolls sideways').toBeLessThanOrEqual(0)
      for (const c of m.columns) {
        expect(c.width, c.text).toBeGreaterThanOrEqual(100)
        expect(c.right, `${c.text} is cut off`).toBeLessThanOrEqual(m.boxRight + 0.5)
      }
      // the offsite is one bar from Thursday on, going on past Friday
      const bar = page.locator('.cal-allday-row .cal-bar')
      await expect(bar.getAttribute('title')).resolves.toContain('Offsite')
      expect(await bar.innerText()).toContain('Offsite')
      expect(await page.locator('.cal-timed-row .cal-piece').allInnerTexts()).toEqual([expect.stringContaining('Stand-up'), expect.stringContaining('Design critique')])
      // Next moves three days, from the keyboard as from the button
      expect(await page.locator('a[rel="next"]').getAttribute('aria-label')).toBe('Next 3 days')
      await page.keyboard.press('ArrowRight')
      await page.waitForURL(/view=3day&date=2027-01-16/)
      expect((await measureColumns()).columns.map((c) => c.text)).toEqual(['Sat 16', 'Sun 17', 'Mon 18'])
      // a slot opens the new-event form at its day and time
      await page.getByRole('link', { name: 'New event on Sunday 17 January 2027 at 14:00' }).click()
      await page.waitForURL(/\/calendar\/new\?date=2027-01-17&time=14%3A00|\/calendar\/new\?date=2027-01-17&time=14:00/)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  }, T)

  test('390 px: a week opened on a phone shows three whole days per box width, and offers "3 days"', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
      expect(await visibleTabs()).toEqual(['Month', 'Week', '3 days', 'Day', 'Agenda'])
      await page.locator('.cal-main .table-wrap').evaluate((el) => el.scrollIntoView())
      await page.screenshot({ path: `${ARTIFACTS}/calendar-three-days-week-390.png` })
      const m = await measureColumns()
      expect(m.columns).toHaveLength(7)
      expect(m.page, 'the page scrolls sideways').toBeLessThanOrEqual(0)
      const shown = m.columns.filter((c) => c.left >= m.boxLeft - 0.5 && c.right <= m.boxRight + 0.5)
      expect(shown.map((c) => c.text)).toEqual(['Mon 11', 'Tue 12', 'Wed 13'])
      for (const c of m.columns) expect(c.width, c.text).toBeGreaterThanOrEqual(100)
      // no column is cut at the box's right edge: the fourth starts where the box ends
      expect(Math.abs(m.columns[3]!.left - m.boxRight)).toBeLessThanOrEqual(2)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  }, T)

  test('1280 px: the week shows its seven columns without scrolling; the tabs offer "Week", not "3 days"', async () => {
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
    expect(await visibleTabs()).toEqual(['Month', 'Week', 'Day', 'Agenda'])
    await page.screenshot({ path: `${ARTIFACTS}/calendar-three-days-week-1280.png` })
    const m = await measureColumns()
    expect(m.columns).toHaveLength(7)
    expect(m.sideways).toBeLessThanOrEqual(1)
    for (const c of m.columns) expect(c.right).toBeLessThanOrEqual(m.boxRight + 0.5)
    // a 3-day link (shared from a phone) still opens and keeps its tab
    await page.goto(`${p.url}/calendar?view=3day&date=2027-01-13&tz=UTC`)
    expect(await visibleTabs()).toEqual(['Month', 'Week', '3 days', 'Day', 'Agenda'])
    await page.screenshot({ path: `${ARTIFACTS}/calendar-three-days-1280.png` })
    expect((await measureColumns()).columns.map((c) => c.text)).toEqual(['Wed 13', 'Thu 14', 'Fri 15'])
  }, T)
})
