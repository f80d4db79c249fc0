/**
 * Browser test of the time grid's keyboard (SQLite, calendar plugin only): the week's hour slots are
 * one tab stop (a roving tabindex, public/calendar.js), held first by 09:00 of today's column, else
 * of the first; arrow keys move by an hour or a day, Home/End to 00:00 and 23:00, Up from 00:00 to the
 * day's all-day "+", the focused slot scrolls into view, Enter opens the new-event form at its day
 * and time (at 390 px too, where the week scrolls sideways), and the grid's Tab stops are its event
 * chips plus that one slot. Without JavaScript the
 * server's HTML leaves every slot in the tab order.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import { closeBrowserRig, openBrowserRig, pageApi, signIn } from '../../test/e2e/support.ts'
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
  const calendarId = (await post('/api/v1/calendar/calendars', { name: 'Work' })).id
  const event = (title: string, start: string, end: string, allDay = false) => post('/api/v1/calendar/events', { calendarId, title, timeZone: 'UTC', start, end, allDay })
  // the week of Monday 11 January 2027: timed events after 09:00 only
  await event('Stand-up', '2027-01-13T10:30', '2027-01-13T11:00')
  await event('Review', '2027-01-14T14:00', '2027-01-14T15:00')
  // the week of Monday 18 January 2027: an all-day event, an early one, and three at once
  await event('Offsite', '2027-01-19', '2027-01-21', true)
  await event('Early call', '2027-01-20T07:00', '2027-01-20T07:30')
  for (const title of ['A', 'B', 'C', 'D', 'E']) await event(`Clash ${title}`, '2027-01-22T12:00', '2027-01-22T13:00')
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

/** What has keyboard focus: a slot's date and time, or a chip's text. */
function focused(): Promise<{ slot: boolean; date?: string; time?: string; href?: string; text: string; inBody: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLAnchorElement
    const slot = el.matches('.cal-slot-link, .cal-allday-add')
    return { slot, date: el.dataset.date, time: el.dataset.time, href: el.getAttribute('href') ?? undefined, text: (el.textContent ?? '').trim(), inBody: !!el.closest('table.cal-timegrid tbody') }
  })
}

/** Focuses the last day name in the grid's header, then Tabs through the grid's body: each stop. */
async function tabStopsInGrid(): Promise<Awaited<ReturnType<typeof focused>>[]> {
  await page.locator('table.cal-timegrid thead th a').last().focus()
  const stops = []
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab')
    const f = await focused()
    if (!f.inBody) break
    stops.push(f)
  }
  return stops
}

/** The links in the grid's body that are not slots: event chips, bars and "+n more". */
function chipCount(): Promise<number> {
  return page.locator('table.cal-timegrid tbody a:not(.cal-slot-link, .cal-allday-add)').count()
}

/** Whether the focused element is drawn inside the grid's scroll box. */
function focusedInsideBox(): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement!.getBoundingClientRect()
    const box = document.activeElement!.closest('.table-wrap')!.getBoundingClientRect()
    const across = el.left >= box.left - 1 && el.right <= box.right + 1
    return across && el.top >= box.top - 1 && el.bottom <= box.bottom + 1 && el.top >= 0 && el.bottom <= window.innerHeight + 1
  })
}

describe('browser: the time grid is one tab stop with arrow keys [sqlite]', () => {
  test('without JavaScript every slot is reachable; 09:00 of today (else of the first day) is marked tabindex="0"', async () => {
    const grid = async (date: string) => (await (await page.request.get(`${p.url}/calendar?view=week&date=${date}&tz=UTC`)).text()).match(/<table class="cal-timegrid[\s\S]*<\/table>/)![0]
    const past = await grid('2027-01-13')
    expect(past.match(/class="cal-add cal-slot-link[^"]*"/g)).toHaveLength(7 * 24)
    expect(past.includes('tabindex="-1"'), 'a slot is out of the tab order without JavaScript').toBe(false)
    expect(past.match(/<a[^>]*tabindex="0"[^>]*>/g)).toEqual([expect.stringMatching(/data-date="2027-01-11" data-time="09:00"/)])
    const today = new Date().toISOString().slice(0, 10)
    const now = await grid(today)
    expect(now.match(/<a[^>]*tabindex="0"[^>]*>/g)).toEqual([expect.stringContaining(`data-date="${today}" data-time="09:00"`)])
  }, T)

  test('Tab lands on one slot; arrows, Home and End move it and scroll it into view; Enter opens the form there', async () => {
    await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
    const stops = await tabStopsInGrid()
    expect(stops[0]).toMatchObject({ slot: true, date: '2027-01-11', time: '09:00' })
    expect(stops.filter((s) => s.slot)).toHaveLength(1)
    expect(stops).toHaveLength((await chipCount()) + 1)
    expect(stops.map((s) => s.text)).toEqual(['+', expect.stringContaining('Stand-up'), expect.stringContaining('Review')])

    await page.locator('table.cal-timegrid thead th a').last().focus()
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowDown')
    expect(await focused()).toMatchObject({ slot: true, date: '2027-01-11', time: '10:00', href: '/calendar/new?date=2027-01-11&time=10:00' })
    await page.keyboard.press('ArrowRight')
    expect(await focused()).toMatchObject({ date: '2027-01-12', time: '10:00' })
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowUp')
    expect(await focused()).toMatchObject({ date: '2027-01-13', time: '09:00' })
    // the arrows move the slot, not the page to another week
    expect(page.url()).toContain('date=2027-01-13')
    await page.keyboard.press('End')
    expect(await focused()).toMatchObject({ date: '2027-01-13', time: '23:00' })
    expect(await focusedInsideBox()).toBe(true)
    await page.keyboard.press('ArrowDown') // the day's last slot: focus stays
    expect(await focused()).toMatchObject({ date: '2027-01-13', time: '23:00' })
    await page.keyboard.press('Home')
    expect(await focused()).toMatchObject({ date: '2027-01-13', time: '00:00' })
    expect(await focusedInsideBox()).toBe(true)
    await page.keyboard.press('ArrowUp') // above 00:00: the day's all-day "+"
    expect(await focused()).toMatchObject({ slot: true, date: '2027-01-13', time: undefined, href: '/calendar/new?date=2027-01-13&allDay=1' })
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowLeft')
    expect(await focused()).toMatchObject({ date: '2027-01-12', time: '00:00' })
    // one slot holds the tab stop: Shift+Tab out of the grid and Tab back returns to it
    expect(await page.locator('table.cal-timegrid [tabindex="0"]').count()).toBe(1)
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    expect(await focused()).toMatchObject({ date: '2027-01-14', time: '03:00' })
    expect(await focusedInsideBox()).toBe(true)
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/calendar\/new\?date=2027-01-14&time=03(%3A|:)00/)
    expect(await page.locator('input[name="startTime"]').inputValue()).toBe('03:00')
  }, T)

  test('a week with all-day items, an early event and "+n more": Tab stops are the chips plus one slot', async () => {
    await page.goto(`${p.url}/calendar?view=week&date=2027-01-20&tz=UTC`)
    const chips = await chipCount()
    expect(chips).toBeGreaterThanOrEqual(4) // the offsite's bar, the early call, clashes and "+n more"
    const stops = await tabStopsInGrid()
    expect(stops).toHaveLength(chips + 1)
    expect(stops.filter((s) => s.slot)).toEqual([expect.objectContaining({ date: '2027-01-18', time: '09:00' })])
  }, T)

  test('390 px: Right moves to the next day of a week wider than the box and scrolls it into view', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
      await page.locator('.cal-slot-link[tabindex="0"]').focus()
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight')
      expect(await focused()).toMatchObject({ date: '2027-01-16', time: '09:00' })
      expect(await focusedInsideBox()).toBe(true)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  }, T)

  test('the day view: one tab stop at 09:00; Left and Right stay in its one column', async () => {
    await page.goto(`${p.url}/calendar?view=day&date=2027-01-13&tz=UTC`)
    const stops = await tabStopsInGrid()
    expect(stops.filter((s) => s.slot)).toEqual([expect.objectContaining({ date: '2027-01-13', time: '09:00' })])
    expect(stops).toHaveLength((await chipCount()) + 1)
    await page.locator('.cal-slot-link[tabindex="0"]').focus()
    await page.keyboard.press('ArrowRight')
    expect(await focused()).toMatchObject({ date: '2027-01-13', time: '09:00' })
    expect(page.url()).toContain('date=2027-01-13')
  }, T)
})
