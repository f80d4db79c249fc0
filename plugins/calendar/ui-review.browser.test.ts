/**
 * Browser test (SQLite) of a UI review's calendar findings: the month grid dims only the days of the
 * previous and next month (their background and day number), never their items, and every text in it
 * reads at 4.5:1 or more in the light and the dark theme; on the calendars page "Not shared" lines up
 * with the "Share…" button beside it; the week's scrolling box at 1280x800 ends on an hour line, so no
 * hour label is cut in half. Screenshots go to test/artifacts/calendar-ui-review-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { definePlugin } from '../../core/plugins/contract.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, pageApi, signIn } from '../../test/e2e/support.ts'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import { drawnTextContrasts } from '../../test/helpers/contrast.ts'
import calendar from './index.ts'
import { COLORS } from './service-types.ts'

const T = 60_000

/** A layer like planning's cycles: bars that start on a day of the month before (30 November) and go on into the next. */
const cycles = definePlugin({
  id: 'cal-test-review-cycles',
  name: 'Cycles stub',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.contribute('calendar.source', {
      id: 'cycles',
      label: 'Cycles',
      color: '#0d9488',
      async items() {
        const day = (d: string) => new Date(`${d}T00:00:00Z`)
        return [
          { id: 'c1', title: 'WEB Cycle 1', start: day('2026-11-30'), end: day('2026-12-14'), allDay: true },
          { id: 'c2', title: 'OPS Cycle 2', start: day('2026-12-28'), end: day('2027-01-11'), allDay: true },
          { id: 'd1', title: 'API-4 due', start: new Date('2026-11-30T16:00:00Z'), allDay: false },
          { id: 'd2', title: 'API-5 due', start: new Date('2026-12-02T16:00:00Z'), allDay: false },
        ]
      },
    })
  },
})

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar, cycles]))
  await p.member('member')
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  const { post } = await pageApi(page, p.url, '/calendar')
  // a calendar of every color, each with a 09:30 meeting on a day of December and one of January
  // (shown in December's grid as a day of the next month), and one on 30 November
  for (const [i, color] of COLORS.entries()) {
    const cal = (await post('/api/v1/calendar/calendars', { name: `Cal ${i}`, color })).id
    for (const date of [`2026-12-0${i + 1}`, `2027-01-0${i + 1}`]) await post('/api/v1/calendar/events', { calendarId: cal, title: `Stand-up ${i}`, timeZone: 'UTC', start: `${date}T09:30`, end: `${date}T09:45` })
    if (i === 1) await post('/api/v1/calendar/events', { calendarId: cal, title: 'Stand-up', timeZone: 'UTC', start: '2026-11-30T09:30', end: '2026-11-30T09:45' })
  }
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: a UI review of the calendar [sqlite]', () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${scheme}: the month dims the other months' days, not the items on them; every text is 4.5:1 or more`, async () => {
      await page.emulateMedia({ colorScheme: scheme })
      try {
        await page.goto(`${p.url}/calendar?view=month&date=2026-12-09&tz=UTC`)
        await page.waitForTimeout(500) // the theme's color transitions
        await page.locator('table.cal-month').screenshot({ path: `${ARTIFACTS}/calendar-ui-review-month-${scheme}.png` })
        const texts = await drawnTextContrasts(page, 'table.cal-month *', '.visually-hidden, caption')
        // the cycle bars (from 30 November, into January), the meetings on days of both months, the day numbers
        for (const t of ['WEB Cycle 1', 'OPS Cycle 2', 'Stand-up', 'Stand-up 0', 'Stand-up 7', '09:30', '30', '10']) expect(texts.some((x) => x.text === t), t).toBe(true)
        expect(texts.filter((t) => t.opacity < 1)).toEqual([])
        const low = texts.filter((t) => t.ratio < 4.5).map((t) => `${t.text} ${t.ratio.toFixed(2)}`)
        expect(low).toEqual([])
        // the other month's days still differ: their day number and background are not the month's own
        const look = (label: string) =>
          page.locator(`a.cal-daynum[aria-label="${label}"]`).evaluate((a) => ({ color: getComputedStyle(a).color, background: getComputedStyle(a.closest('td')!).backgroundColor }))
        const other = await look('Monday 30 November 2026')
        const own = await look('Tuesday 1 December 2026')
        expect(other.color).not.toBe(own.color)
        expect(other.background).not.toBe(own.background)
        // the bar that starts on 30 November is drawn as the one that starts in the month
        const bar = (title: string) => page.locator('.cal-bar', { hasText: title }).first().evaluate((a) => getComputedStyle(a).color)
        expect(await bar('WEB Cycle 1')).toBe(await bar('OPS Cycle 2'))
      } finally {
        await page.emulateMedia({ colorScheme: 'light' })
      }
    }, T)
  }

  for (const width of [1280, 1024]) {
    test(`${width} px: "Not shared" lines up with the "Share…" button beside it`, async () => {
      await page.setViewportSize({ width, height: 900 })
      try {
        await page.goto(`${p.url}/calendar/calendars`)
        const cell = page.locator('td.cal-shared', { has: page.locator('details.cal-share-add') }).first()
        await cell.scrollIntoViewIfNeeded()
        await cell.screenshot({ path: `${ARTIFACTS}/calendar-ui-review-not-shared-${width}.png` })
        const text = (await cell.locator('> span.muted').boundingBox())!
        const button = (await cell.locator('details.cal-share-add > summary').boundingBox())!
        expect(await cell.locator('> span.muted').innerText()).toBe('Not shared')
        // side by side, their middles on one line
        expect(text.x + text.width).toBeLessThanOrEqual(button.x)
        expect(Math.abs(text.y + text.height / 2 - (button.y + button.height / 2))).toBeLessThanOrEqual(1.5)
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }

  for (const [view, width, height] of [['week', 1280, 800], ['week', 1280, 900], ['day', 1280, 720], ['3day', 390, 844]] as const) {
    test(`${view} at ${width}x${height}: the scrolling box ends on an hour line, no hour label cut in half`, async () => {
      await page.setViewportSize({ width, height })
      try {
        await page.goto(`${p.url}/calendar?view=${view}&date=2026-12-09&tz=UTC`)
        const wrap = page.locator('.cal-main .table-wrap')
        await page.screenshot({ path: `${ARTIFACTS}/calendar-ui-review-${view}-${width}x${height}.png` })
        const cut = await wrap.evaluate((w) => {
          const box = w.getBoundingClientRect()
          const bottom = box.top + w.clientTop + w.clientHeight
          const labels = [...w.querySelectorAll('.cal-hour-label')].map((l) => ({ text: l.textContent!.trim(), rect: l.getBoundingClientRect() }))
          return {
            scrolls: w.scrollHeight > w.clientHeight + 1,
            inBox: box.height <= window.innerHeight,
            last: labels.filter((l) => l.rect.bottom <= bottom + 0.5).pop()?.text,
            cut: labels.filter((l) => l.rect.top < bottom - 0.5 && l.rect.bottom > bottom + 0.5).map((l) => l.text),
          }
        })
        expect(cut.scrolls).toBe(true)
        expect(cut.inBox).toBe(true)
        expect(cut.cut).toEqual([])
        expect(cut.last).toBeDefined()
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 })
      }
    }, T)
  }
})
