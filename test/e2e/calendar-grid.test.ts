/**
 * Browser test of the calendar's week and day grids (SQLite, calendar plugin only): an event drawn
 * over its whole duration, one crossing midnight on two days, overlapping ones side by side, an
 * all-day one in the all-day row (one of several days a bar across them); reachable and opened with
 * the keyboard; readable at 390 px with no sideways page scroll. Screenshots go to
 * test/artifacts/calendar-grid-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import calendar from '../../plugins/calendar/index.ts'
import { ADMIN, type TestPlatform } from '../helpers/platform.ts'
import { closeBrowserRig, openBrowserRig, screenshot, signIn } from './support.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

type Box = { x: number; y: number; width: number; height: number }
const box = async (l: Locator): Promise<Box> => (await l.boundingBox())!
const piece = (title: string) => page.locator('.cal-timed-row .cal-piece', { hasText: title })
const hourLabel = (hh: string) => page.locator('.cal-hour-label', { hasText: hh })

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(`${p.url}${path}`, { data, headers: { 'x-csrf-token': await csrf() } })
    expect(res.status()).toBe(201)
    return (await res.json()) as { id: string }
  }
  const csrf = async () => {
    await page.goto(`${p.url}/calendar`)
    return (await page.locator('body').getAttribute('hx-headers:inherited'))!.match(/"X-CSRF-Token":"([^"]+)"/)![1]!
  }
  const cal = await post('/api/v1/calendar/calendars', { name: 'Work' })
  const ev = (title: string, start: string, end: string, extra: Record<string, unknown> = {}) => post('/api/v1/calendar/events', { calendarId: cal.id, title, timeZone: 'UTC', start, end, ...extra })
  await ev('Planning', '2027-01-12T09:00', '2027-01-12T11:30')
  await ev('Night deploy', '2027-01-13T22:00', '2027-01-14T02:00')
  await ev('Overlap A', '2027-01-15T10:00', '2027-01-15T12:00')
  await ev('Overlap B', '2027-01-15T11:00', '2027-01-15T12:00')
  await ev('Holiday', '2027-01-16', '2027-01-17', { allDay: true })
  await ev('Stand-up', '2027-01-14T08:30', '2027-01-14T08:45')
  await ev('Offsite', '2027-01-14', '2027-01-20', { allDay: true })
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: calendar week and day grids [sqlite]', () => {
  test('an event covers its duration; midnight, overlaps and all-day events stay readable', async () => {
    await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
    // 09:00–11:30: from the 09:00 line to half way through the 11:00 hour
    const planning = await box(piece('Planning'))
    const nine = await box(hourLabel('09:00'))
    const eleven = await box(hourLabel('11:00'))
    const hour = eleven.y - (await box(hourLabel('10:00'))).y
    expect(hour).toBeGreaterThan(30)
    expect(Math.abs(planning.y - nine.y)).toBeLessThan(4)
    expect(Math.abs(planning.y + planning.height - (eleven.y + hour / 2))).toBeLessThan(4)

    // 22:00–02:00: the end of Wednesday and the start of Thursday, one column apart
    const night = piece('Night deploy')
    expect(await night.count()).toBe(2)
    const [wed, thu] = [await box(night.nth(0)), await box(night.nth(1))]
    expect(thu.x).toBeGreaterThan(wed.x)
    const plane = await box(page.locator('.cal-timed-row .cal-plane').first())
    expect(Math.abs(wed.y + wed.height - (plane.y + plane.height))).toBeLessThan(4) // to midnight
    expect(Math.abs(thu.y - (await box(hourLabel('00:00'))).y)).toBeLessThan(4)

    // side by side: no overlap, both wide enough to read
    const [a, b] = [await box(piece('Overlap A')), await box(piece('Overlap B'))]
    expect(a.x + a.width).toBeLessThanOrEqual(b.x + 1)
    expect(Math.min(a.width, b.width)).toBeGreaterThan(40)
    expect(await piece('Overlap B').innerText()).toContain('Overlap B')

    // all day: in the all-day row above the hours
    expect(await page.locator('.cal-allday-row .cal-item', { hasText: 'Holiday' }).count()).toBe(1)
    expect(await page.locator('.cal-timed-row .cal-item', { hasText: 'Holiday' }).count()).toBe(0)
    expect(await screenshot(page, 'calendar-grid-week')).toEqual({ 1280: 0, 390: 0 })
  }, T)

  test('keyboard: the event comes right after its hour in the tab order and Enter opens it', async () => {
    await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
    await page.getByRole('link', { name: 'New event on Tuesday 12 January 2027 at 09:00' }).focus()
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '')
    expect(focused).toContain('Planning')
    expect(focused).toContain('09:00–11:30')
    await Promise.all([page.waitForURL((u) => /^\/calendar\/events\/[^/]+$/.test(u.pathname)), page.keyboard.press('Enter')])
    expect(await page.locator('main h1').innerText()).toBe('Planning')
  }, T)

  test('390 px: the day view fits the phone and its events read in full', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/calendar?view=day&date=2027-01-15&tz=UTC`)
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      const [a, b] = [await box(piece('Overlap A')), await box(piece('Overlap B'))]
      expect(a.x + a.width).toBeLessThanOrEqual(b.x + 1)
      expect(b.x + b.width).toBeLessThanOrEqual(390)
      expect(Math.min(a.width, b.width)).toBeGreaterThan(100)
      for (const title of ['Overlap A', 'Overlap B']) {
        const l = piece(title).locator('.cal-title')
        expect(await l.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
      }
      // the week view scrolls inside its box, not the page
      await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      expect((await box(piece('Planning'))).width).toBeGreaterThan(60)
      // a 15-minute event is one line in a ~70px column: its title comes first and shows, the time
      // gets what is left (it showed "08:30–08:..." and no title)
      const standup = await box(piece('Stand-up'))
      const title = await box(piece('Stand-up').locator('.cal-title'))
      expect(title.x - standup.x).toBeLessThanOrEqual(10)
      expect(title.width).toBeGreaterThan(30)
      expect(title.x + title.width).toBeLessThanOrEqual(standup.x + standup.width)
      expect(Math.abs(title.y - (await box(piece('Stand-up').locator('.cal-time'))).y)).toBeLessThan(4)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
    await page.goto(`${p.url}/calendar?view=day&date=2027-01-15&tz=UTC`)
    expect(await screenshot(page, 'calendar-grid-day')).toEqual({ 1280: 0, 390: 0 })
  }, T)

  test('390 px: the layer checkboxes fold into "Calendars and layers" above the grid; wide screens show them open', async () => {
    const layer = page.locator('.cal-layers input[type=checkbox]').first()
    const summary = page.locator('.cal-layer-panel > summary')
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
      expect(await summary.isVisible()).toBe(true)
      expect(await layer.isVisible()).toBe(false)
      // the grid starts right under the folded panel (it was ~700 px further down)
      const gridTop = (await box(page.locator('.cal-timegrid'))).y - (await box(summary)).y
      expect(gridTop).toBeLessThan(250)
      // the keyboard meets the summary first, then (opened) the checkboxes, in visual order
      await summary.focus()
      await page.keyboard.press('Enter')
      expect(await layer.isVisible()).toBe(true)
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('checkbox')
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
    await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
    expect(await summary.isVisible()).toBe(false)
    expect(await layer.isVisible()).toBe(true)
  }, T)

  test('week all-day row: an item of several days is one bar across its days, named with its dates; one-day items sit under it', async () => {
    await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
    const row = page.locator('.cal-allday-row')
    const col = (n: number) => page.locator('.cal-timegrid thead th').nth(n + 1) // after the hours column
    const bars = row.locator('a.cal-bar', { hasText: 'Offsite' })
    expect(await bars.count()).toBe(1) // Thursday 14 to Sunday 17 in this week
    expect(await page.getByRole('link', { name: /^Offsite\s?, Thursday 14 January 2027 to Tuesday 19 January 2027 \(Work\), continues the week after$/ }).count()).toBe(1)
    for (const n of [4, 5, 6]) expect(await row.locator('td').nth(n).getByText('Offsite').count(), `day ${n}`).toBe(0)
    const check = async () => {
      const bar = await box(bars)
      const [thu, sun] = [await box(col(3)), await box(col(6))]
      expect(Math.abs(bar.x - thu.x)).toBeLessThan(8)
      expect(Math.abs(bar.x + bar.width - (sun.x + sun.width))).toBeLessThan(12) // the pointed end
      const holiday = await box(row.locator('.cal-item', { hasText: 'Holiday' }))
      expect(holiday.y).toBeGreaterThanOrEqual(bar.y + bar.height - 1)
      const title = await box(bars.locator('.cal-title'))
      expect(title.width).toBeGreaterThan(30)
      // Friday's "+" stays on top of the bar that crosses its day
      const add = row.locator('td').nth(4).locator('.cal-add')
      const plus = await box(add)
      expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.getAttribute('aria-label'), [plus.x + plus.width / 2, plus.y + plus.height / 2])).toBe('New all-day event on Friday 15 January 2027')
    }
    await check()
    expect(await bars.getAttribute('class')).toContain('cal-bar-after')
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.reload()
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      await bars.scrollIntoViewIfNeeded()
      await check()
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
    await page.reload()
    expect(await screenshot(page, 'calendar-grid-week-allday')).toEqual({ 1280: 0, 390: 0 })
  }, T)

  test('month: an item of several days is one bar per week row, its dates in its name; one-day items sit under it', async () => {
    await page.goto(`${p.url}/calendar?view=month&date=2027-01-13&tz=UTC`)
    const cell = (n: number) => page.locator('.cal-month td').nth(n) // the grid starts on Monday 28 December
    const bars = page.locator('.cal-month a.cal-bar', { hasText: 'Offsite' })
    expect(await bars.count()).toBe(2) // Thursday 14 to Sunday 17, then Monday 18 and Tuesday 19
    expect(await page.getByRole('link', { name: /^Offsite\s?, Thursday 14 January 2027 to Tuesday 19 January 2027 \(Work\), continues the week after$/ }).count()).toBe(1)
    expect(await page.getByRole('link', { name: /^Offsite\s?, Thursday 14 January 2027 to Tuesday 19 January 2027 \(Work\), continued from the week before$/ }).count()).toBe(1)
    // not repeated on the days it crosses: one link, and nothing a screen reader reads in the other cells
    for (const n of [18, 19, 20, 22]) expect(await cell(n).getByText('Offsite').count(), `cell ${n}`).toBe(0)
    const check = async () => {
      const [first, second] = [await box(bars.nth(0)), await box(bars.nth(1))]
      const [thu, sun, mon, tue] = [await box(cell(17)), await box(cell(20)), await box(cell(21)), await box(cell(22))]
      expect(Math.abs(first.x - thu.x)).toBeLessThan(8)
      expect(Math.abs(first.x + first.width - (sun.x + sun.width))).toBeLessThan(8)
      expect(Math.abs(second.x - mon.x)).toBeLessThan(8)
      expect(Math.abs(second.x + second.width - (tue.x + tue.width))).toBeLessThan(8)
      // the one-day Holiday on Saturday sits under the bar, not over it
      const holiday = await box(cell(19).locator('.cal-item', { hasText: 'Holiday' }))
      expect(holiday.y).toBeGreaterThanOrEqual(first.y + first.height - 1)
      // the title reads in full on the bar (in one day's cell at 390 px it was cut to 'Of...')
      const title = await box(bars.nth(0).locator('.cal-title'))
      expect(title.width).toBeGreaterThan(30)
      expect(title.x + title.width).toBeLessThanOrEqual(first.x + first.width)
    }
    await check()
    expect(await bars.nth(0).getAttribute('class')).toContain('cal-bar-after')
    expect(await bars.nth(1).getAttribute('class')).toContain('cal-bar-before')
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.reload()
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      await check()
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
    await page.reload()
    expect(await screenshot(page, 'calendar-grid-month')).toEqual({ 1280: 0, 390: 0 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.reload()
    await screenshot(page, 'calendar-grid-month-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  }, T)

  test('month keyboard: the days are one tab stop; arrows, Home and End move, Enter opens the day, c makes an event there', async () => {
    const month = `${p.url}/calendar?view=month&date=2027-01-13&tz=UTC`
    await page.goto(month)
    const active = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? '')
    // one day link in the tab order (the 1st: today is not in this month), no "+" link
    expect(await page.locator('.cal-month .cal-daynum[tabindex="0"]').count()).toBe(1)
    expect(await page.locator('.cal-month :is(.cal-daynum, .cal-add):not([tabindex="-1"])').count()).toBe(1)
    await page.getByRole('button', { name: 'Show selected' }).focus()
    await page.keyboard.press('Tab')
    expect(await active()).toBe('Friday 1 January 2027')
    const steps: [string, string][] = [
      ['ArrowRight', 'Saturday 2 January 2027'],
      ['ArrowDown', 'Saturday 9 January 2027'],
      ['Home', 'Monday 4 January 2027'],
      ['End', 'Sunday 10 January 2027'],
      ['ArrowUp', 'Sunday 3 January 2027'],
      ['ArrowUp', 'Sunday 3 January 2027'], // the grid's edge: stays (the page's arrows must not turn the month)
      ['ArrowLeft', 'Saturday 2 January 2027'],
    ]
    for (const [key, day] of steps) {
      await page.keyboard.press(key)
      expect(await active(), key).toBe(day)
    }
    expect(page.url()).toBe(month)
    // Tab leaves the days for the events; Shift+Tab comes back to the day last focused
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.matches('.cal-daynum, .cal-add'))).toBe(false)
    expect(await active()).toContain('Planning')
    await page.keyboard.press('Shift+Tab')
    expect(await active()).toBe('Saturday 2 January 2027')
    expect(await screenshot(page, 'calendar-grid-month-focus')).toEqual({ 1280: 0, 390: 0 })
    await Promise.all([page.waitForURL((u) => u.searchParams.get('view') === 'day'), page.keyboard.press('Enter')])
    expect(new URL(page.url()).searchParams.get('date')).toBe('2027-01-02')
    // c on a focused day: a new event on that day; elsewhere c keeps making one on the shown date
    await page.goto(month)
    await page.locator('.cal-month .cal-daynum[aria-label="Wednesday 20 January 2027"]').focus()
    await Promise.all([page.waitForURL((u) => u.pathname === '/calendar/new'), page.keyboard.press('c')])
    expect(new URL(page.url()).searchParams.get('date')).toBe('2027-01-20')
    await page.goto(month)
    await Promise.all([page.waitForURL((u) => u.pathname === '/calendar/new'), page.keyboard.press('c')])
    expect(new URL(page.url()).searchParams.get('date')).toBe('2027-01-13')
  }, T)

  test('month keyboard without JavaScript: every day number and "+" link stays in the tab order', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await ctx.storageState() })
    try {
      const np = await plain.newPage()
      await np.goto(`${p.url}/calendar?view=month&date=2027-01-13&tz=UTC`)
      expect(await np.locator('.cal-month [tabindex]').count()).toBe(0)
      expect(await np.locator('.cal-month .cal-daynum').count()).toBe(42)
      expect(await np.locator('.cal-month .cal-add').count()).toBe(42)
    } finally {
      await plain.close()
    }
  }, T)
})
