/**
 * Browser test of the week grid's event chips (SQLite, calendar plugin only): an event that starts on
 * a half hour (09:30) shows its whole start time and the start of its title in its chip, at 390 px
 * (the week scrolls sideways inside its box, columns about 90 px wide) as at 1280 px, for half-hour,
 * one-hour and longer events and for two events side by side. Screenshots go to
 * test/artifacts/calendar-week-chips-*.png.
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

/** The week of Monday 11 January 2027: events starting at 09:30 of every length, and two side by side. */
const EVENTS: [title: string, start: string, end: string][] = [
  ['Planning review', '2027-01-12T09:30', '2027-01-12T10:30'],
  ['Stand-up', '2027-01-13T09:30', '2027-01-13T10:00'],
  ['Architecture deep dive', '2027-01-14T09:30', '2027-01-14T11:00'],
  ['Interview', '2027-01-15T09:30', '2027-01-15T10:30'],
  ['Sync', '2027-01-15T09:00', '2027-01-15T10:00'],
  ['Retro', '2027-01-11T14:30', '2027-01-11T15:30'],
]

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  const { post } = await pageApi(page, p.url, '/calendar')
  const calId = (await post('/api/v1/calendar/calendars', { name: 'Work' })).id
  for (const [title, start, end] of EVENTS) await post('/api/v1/calendar/events', { calendarId: calId, title, timeZone: 'UTC', start, end })
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

/**
 * For each chip: its time's text; whether its start time (the first five characters: an end that does
 * not fit may wrap below and be cut off) is drawn whole inside the chip, which clips what overflows; and
 * how many pixels of its title show inside the chip.
 */
function measureChips(): Promise<{ title: string; time: string; startInside: boolean; startWidth: number; titleShown: number }[]> {
  return page.locator('.cal-timed-row .cal-piece:not(.cal-more)').evaluateAll((els) =>
    els.map((el) => {
      const chip = el.getBoundingClientRect()
      const time = el.querySelector('.cal-time') as HTMLElement
      const title = el.querySelector('.cal-title') as HTMLElement
      const range = document.createRange()
      range.setStart(time.firstChild!, 0)
      range.setEnd(time.firstChild!, 5)
      const s = range.getBoundingClientRect()
      const n = title.getBoundingClientRect()
      const inside = (r: DOMRect) => r.left >= chip.left - 0.5 && r.right <= chip.right + 0.5 && r.top >= chip.top - 0.5 && r.bottom <= chip.bottom + 0.5
      // the part of the title inside the chip (0 when it was squeezed out or pushed below)
      const shownWidth = Math.max(0, Math.min(n.right, chip.right) - Math.max(n.left, chip.left))
      const shownHeight = Math.max(0, Math.min(n.bottom, chip.bottom) - Math.max(n.top, chip.top))
      return { title: title.textContent ?? '', time: time.innerText, startInside: inside(s), startWidth: s.width, titleShown: shownHeight >= 8 ? shownWidth : 0 }
    }),
  )
}

describe('browser: week chips show their start time [sqlite]', () => {
  for (const width of [390, 1280]) {
    test(`${width} px: a 09:30 event's chip shows "09:30" whole, inside the chip, and the start of its title`, async () => {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
      try {
        await page.goto(`${p.url}/calendar?view=week&date=2027-01-13&tz=UTC`)
        const wrap = page.locator('.cal-main .table-wrap')
        await wrap.evaluate((el) => el.scrollIntoView())
        await page.screenshot({ path: `${ARTIFACTS}/calendar-week-chips-${width}.png` })
        const chips = await measureChips()
        expect(chips.map((c) => c.title).sort()).toEqual(EVENTS.map((e) => e[0]).sort())
        for (const c of chips) {
          const start = EVENTS.find((e) => e[0] === c.title)![1].slice(11)
          expect(c.time, c.title).toStartWith(start)
          // (five digits and a colon are wider than 20 px: the range measured the drawn text)
          expect(c.startWidth, c.title).toBeGreaterThan(20)
          expect(c.startInside, `${c.title}: its start time ${start} is cut off`).toBe(true)
          // at least "Sta…", two or three letters
          expect(c.titleShown, `${c.title}: too little of the title shows`).toBeGreaterThanOrEqual(20)
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }
})
