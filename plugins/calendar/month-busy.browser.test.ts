/**
 * Browser test of a busy month row (SQLite): three planning-like cycle bars from a layer cross the week
 * of 11 January 2027 while the calendar has an offsite (Thursday to Friday) and three meetings on
 * Wednesday. The calendar's own events take the lanes and lines first, so the offsite bar and the
 * meetings are drawn and the row grows; at 390 px nothing widens the page. The agenda's heading (a
 * compact range) stays on one line. Screenshots go to test/artifacts/calendar-month-busy-*.png and
 * calendar-agenda-range-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { definePlugin } from '../../core/plugins/contract.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, pageApi, signIn } from '../../test/e2e/support.ts'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import calendar from './index.ts'

const T = 60_000

/** A layer of three cycles of two weeks and more, overlapping over the whole week, and a due date. */
const cycles = definePlugin({
  id: 'cal-test-cycles',
  name: 'Cycles stub',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.contribute('calendar.source', {
      id: 'cycles',
      label: 'Cycles',
      color: '#7c3aed',
      async items() {
        const day = (d: string) => new Date(`${d}T00:00:00Z`)
        return [
          { id: 'c1', title: 'Cycle 12 (Web)', start: day('2027-01-04'), end: day('2027-01-18'), allDay: true },
          { id: 'c2', title: 'Cycle 7 (Mobile)', start: day('2027-01-11'), end: day('2027-01-25'), allDay: true },
          { id: 'c3', title: 'Cycle 3 (Infra)', start: day('2027-01-06'), end: day('2027-01-20'), allDay: true },
          { id: 'd1', title: 'WEB-42 due', start: new Date('2027-01-13T17:00:00Z'), allDay: false },
        ]
      },
    })
  },
})

const MEETINGS: [title: string, start: string, end: string][] = [
  ['Design review', '2027-01-13T10:00', '2027-01-13T11:00'],
  ['1:1 with Ana', '2027-01-13T13:00', '2027-01-13T13:30'],
  ['Hiring sync', '2027-01-13T15:00', '2027-01-13T15:30'],
]

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar, cycles]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  const { post } = await pageApi(page, p.url, '/calendar')
  const calId = (await post('/api/v1/calendar/calendars', { name: 'Work' })).id
  await post('/api/v1/calendar/events', { calendarId: calId, title: 'Team offsite', timeZone: 'UTC', allDay: true, start: '2027-01-14', end: '2027-01-16' })
  for (const [title, start, end] of MEETINGS) await post('/api/v1/calendar/events', { calendarId: calId, title, timeZone: 'UTC', start, end })
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: a busy month row keeps the calendar\'s events [sqlite]', () => {
  for (const width of [1280, 390]) {
    test(`${width} px: the offsite bar and Wednesday's three meetings are drawn; the page does not widen`, async () => {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
      try {
        await page.goto(`${p.url}/calendar?view=month&date=2027-01-13&tz=UTC`)
        await page.screenshot({ path: `${ARTIFACTS}/calendar-month-busy-${width}.png`, fullPage: true })
        const titles = await page.locator('.cal-month a.cal-item').evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? el.textContent ?? ''))
        expect(titles.some((t) => t.startsWith('Team offsite'))).toBe(true)
        for (const [title] of MEETINGS) expect(titles.some((t) => t.includes(title)), title).toBe(true)
        const wednesday = page.locator('.cal-month td', { has: page.locator('a.cal-daynum[aria-label="Wednesday 13 January 2027"]') })
        // the layer's fourth cycle and its due date go into "more", not the meetings
        expect(await wednesday.locator('.cal-more').getAttribute('aria-label')).toBe('2 more on Wednesday 13 January 2027')
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        expect(overflow).toBeLessThanOrEqual(0)
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }
})

describe('browser: the agenda heading is one line [sqlite]', () => {
  for (const width of [1280, 390]) {
    test(`${width} px: "25 Nov – 24 Dec 2026" does not wrap`, async () => {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
      try {
        await page.goto(`${p.url}/calendar?view=agenda&date=2026-11-25&tz=UTC`)
        await page.screenshot({ path: `${ARTIFACTS}/calendar-agenda-range-${width}.png` })
        const h2 = page.locator('h2.cal-range')
        expect(await h2.innerText()).toBe('25 Nov \u2013 24 Dec 2026')
        const lines = await h2.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)))
        expect(lines).toBe(1)
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }
})
