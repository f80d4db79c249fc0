/**
 * Week and day grids: a timed event covers the half-hour rows of its whole duration, an event that
 * crosses midnight continues on the next day, overlapping events sit side by side (with a "more"
 * link past what fits), and all-day events (and timed ones of a day or more) sit in the all-day row,
 * where in a week an item of two days or more is one bar across its days.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { layoutDay } from './views/layout.ts'
import { compactRange } from './views/items.tsx'
import { layoutWeek } from './views/month-layout.ts'
import { api } from '../../test/helpers/calendar-api.ts'

const H = 3_600_000
const DAY = 24 * H
const D0 = Date.UTC(2027, 0, 11) // a Monday

describe('layoutDay', () => {
  const at = (h: number, m = 0) => D0 + h * H + m * 60_000
  test('an item covers the rows from its start to its end, at least one', () => {
    const { pieces, columns } = layoutDay([{ item: 'a', start: at(9), end: at(11, 30) }, { item: 'b', start: at(13, 10), end: at(13, 20) }, { item: 'c', start: at(15), end: at(15) }], D0, 3)
    expect(columns).toBe(1)
    expect(pieces.map((p) => [p.item, p.row, p.rows, p.column, p.width])).toEqual([
      ['a', 18, 5, 1, 1],
      ['b', 26, 1, 1, 1],
      ['c', 30, 1, 1, 1],
    ])
  })
  test('across midnight: a piece on each day, marked as continuing', () => {
    const spans = [{ item: 'night', start: at(22), end: at(24 + 2) }]
    const mon = layoutDay(spans, D0, 3).pieces
    const tue = layoutDay(spans, D0 + DAY, 3).pieces
    expect(mon.map((p) => [p.row, p.rows, p.before, p.after])).toEqual([[44, 4, false, true]])
    expect(tue.map((p) => [p.row, p.rows, p.before, p.after])).toEqual([[0, 4, true, false]])
    expect(layoutDay(spans, D0 + 2 * DAY, 3).pieces).toEqual([])
    // ends exactly at midnight: nothing on the next day
    expect(layoutDay([{ item: 'late', start: at(23), end: at(24) }], D0 + DAY, 3).pieces).toEqual([])
  })
  test('overlapping items share the width; a separate cluster keeps the full width', () => {
    const { pieces, columns } = layoutDay(
      [
        { item: 'a', start: at(10), end: at(12) },
        { item: 'b', start: at(11), end: at(12) },
        { item: 'c', start: at(11, 30), end: at(13) },
        { item: 'd', start: at(16), end: at(17) },
      ],
      D0,
      3,
    )
    expect(columns).toBe(3)
    expect(pieces.map((p) => [p.item, p.column, p.width])).toEqual([
      ['a', 1, 1],
      ['b', 2, 1],
      ['c', 3, 1],
      ['d', 1, 3],
    ])
  })
  test('past the lanes that fit, the last lane holds a "more" link', () => {
    const four = ['a', 'b', 'c', 'd'].map((item) => ({ item, start: at(14), end: at(15) }))
    const week = layoutDay(four, D0, 3)
    expect(week.pieces.map((p) => [p.item, p.column])).toEqual([
      ['a', 1],
      ['b', 2],
    ])
    expect(week.more).toEqual([{ items: ['c', 'd'], row: 28, rows: 2, column: 3, width: 1 }])
    const day = layoutDay(four, D0, 6)
    expect(day.pieces).toHaveLength(4)
    expect(day.more).toEqual([])
  })
})

describe('compactRange', () => {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`)
  test('says the month and year once when they are shared', () => {
    expect(compactRange(day('2026-12-25'), day('2026-12-31'))).toBe('25 &ndash; 31 Dec 2026')
    expect(compactRange(day('2026-11-25'), day('2026-12-24'))).toBe('25 Nov &ndash; 24 Dec 2026')
    expect(compactRange(day('2026-12-28'), day('2027-01-03'), ' to ')).toBe('28 Dec 2026 to 3 Jan 2027')
  })
})

describe('layoutWeek (month rows)', () => {
  const d = (n: number) => D0 + n * DAY
  const span = (id: string, first: number, last: number) => ({ id, first: d(first), last: d(last) })
  test('an item of two days or more is one bar per week row, one-day items are chips of their day', () => {
    const items = [span('trip', 3, 8), span('talk', 5, 5), span('cycle', -3, 1)]
    const week = layoutWeek(items, D0, 3)
    expect(week.bars.map((b) => [b.item.id, b.column, b.span, b.lane, b.before, b.after])).toEqual([
      ['cycle', 0, 2, 0, true, false],
      ['trip', 3, 4, 0, false, true],
    ])
    expect(week.chips.map((c) => c.map((i) => i.id))).toEqual([[], [], [], [], [], ['talk'], []])
    expect(week.lanes).toEqual([1, 1, 0, 1, 1, 1, 1])
    const next = layoutWeek(items, d(7), 3)
    expect(next.bars.map((b) => [b.item.id, b.column, b.span, b.before, b.after])).toEqual([['trip', 0, 2, true, false]])
  })
  test('overlapping bars take separate lanes; past maxLanes they are counted per day', () => {
    const week = layoutWeek([span('a', 0, 6), span('b', 1, 2), span('c', 3, 4), span('d', 1, 3), span('e', 2, 3)], D0, 2)
    expect(week.bars.map((b) => [b.item.id, b.lane])).toEqual([
      ['a', 0],
      ['d', 1],
    ])
    // b (lane 2), e (lane 3) and c (lane 2 again, after b) are not drawn: each day counts those covering it
    expect(week.hidden.map((h) => h.map((i) => i.id))).toEqual([[], ['b'], ['b', 'e'], ['e', 'c'], ['c'], [], []])
    expect(week.lanes).toEqual([1, 2, 2, 2, 1, 1, 1])
  })
  test('items `first` picks take the lanes before the others and lead their day', () => {
    const layer = (id: string, f: number, l: number) => ({ ...span(id, f, l), layer: true })
    const own = (id: string, f: number, l: number) => ({ ...span(id, f, l), layer: false })
    const items = [layer('cycle 1', -7, 10), layer('cycle 2', 0, 6), layer('cycle 3', 2, 12), own('offsite', 3, 5), layer('due', 4, 4), own('standup', 4, 4)]
    const week = layoutWeek(items, D0, 3, (s) => !s.layer)
    expect(week.bars.map((b) => [b.item.id, b.lane])).toEqual([
      ['offsite', 0],
      ['cycle 1', 1],
      ['cycle 2', 2],
    ])
    expect(week.hidden[4]!.map((i) => i.id)).toEqual(['cycle 3'])
    expect(week.chips[4]!.map((i) => i.id)).toEqual(['standup', 'due'])
    // without a preference the cycles, earlier, take every lane and the offsite is not drawn
    expect(layoutWeek(items, D0, 3).bars.map((b) => b.item.id)).not.toContain('offsite')
  })
})

/** The timed pieces of each day column of a week or day page: classes and text. */
function pieces(html: string): { day: number; cls: string; text: string }[][] {
  const row = html.slice(html.indexOf('<tr class="cal-timed-row">'))
  const cols = row.split('<td class="cal-daycol').slice(1)
  return cols.map((col, day) => [...col.matchAll(/<a class="([^"]*\bcal-piece\b[^"]*)"[^>]*>(.*?)<\/a>/g)].map((m) => ({ day, cls: m[1]!, text: m[2]!.replace(/<[^>]+>/g, '') })))
}
function allDayRow(html: string): string {
  const start = html.indexOf('<tr class="cal-allday-row">')
  return html.slice(start, html.indexOf('</tr>', start))
}

eachDialect('calendar week and day grids', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let cal: string
  const make = (title: string, start: string, end: string, extra: Record<string, unknown> = {}) => api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title, timeZone: 'UTC', start, end, ...extra })

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Grid' })).json.id
    expect((await make('Planning', '2027-01-12T09:00', '2027-01-12T11:30')).status).toBe(201)
    await make('Night deploy', '2027-01-13T22:00', '2027-01-14T02:00')
    await make('Overlap A', '2027-01-15T10:00', '2027-01-15T12:00')
    await make('Overlap B', '2027-01-15T11:00', '2027-01-15T12:00')
    await make('Holiday', '2027-01-16', '2027-01-17', { allDay: true })
    await make('Conference', '2027-01-11T09:00', '2027-01-13T17:00')
    for (const n of [1, 2, 3, 4]) await make(`Busy ${n}`, '2027-01-17T14:00', '2027-01-17T15:00')
  })
  afterAll(() => p.stop())

  test('week view: durations, midnight, overlaps, all-day row, "more"', async () => {
    const { res, html } = await ada.get('/calendar?view=week&date=2027-01-13&tz=UTC')
    expect(res.status).toBe(200)
    const days = pieces(html)
    expect(days).toHaveLength(7)
    const find = (day: number, title: string) => days[day]!.filter((p) => p.text.includes(title))

    // 09:00–11:30 covers rows 18..22 (09:00, 09:30, 10:00, 10:30, 11:00)
    const [planning] = find(1, 'Planning')
    expect(planning!.cls).toContain('cal-r-18 cal-h-5')
    expect(planning!.text).toContain('09:00&ndash;11:30')
    expect(days.flat().filter((p) => p.text.includes('Planning'))).toHaveLength(1)

    // 22:00–02:00 has a piece on Wednesday (to midnight) and on Thursday (from midnight)
    const [wed] = find(2, 'Night deploy')
    const [thu] = find(3, 'Night deploy')
    expect(wed!.cls).toContain('cal-r-44 cal-h-4')
    expect(wed!.cls).toContain('cal-cont-after')
    expect(wed!.text).toContain('continues on Thursday 14 January 2027')
    expect(thu!.cls).toContain('cal-r-0 cal-h-4')
    expect(thu!.cls).toContain('cal-cont-before')
    expect(thu!.text).toContain('until 02:00')

    // side by side on Friday
    const [a] = find(4, 'Overlap A')
    const [b] = find(4, 'Overlap B')
    expect(a!.cls).toContain('cal-c-1 cal-w-1')
    expect(b!.cls).toContain('cal-c-2 cal-w-1')
    expect(html).toContain('cal-plane cal-lanes-2')

    // all-day and multi-day timed events: the all-day row, not the hours
    const row = allDayRow(html)
    expect(row.split('>Holiday<').length - 1).toBe(1)
    // Conference (Monday 09:00 to Wednesday 17:00) is one bar across its three days, not a chip on each
    expect(row.split('>Conference<').length - 1).toBe(1)
    expect(row).toMatch(/<li class="cal-lane"><a class="cal-item cal-bar cal-span-3" [^>]*title="Conference, Monday 11 January 2027 09:00 to Wednesday 13 January 2027 17:00 \(Grid\)">/)
    expect(row.split('<li class="cal-lane" aria-hidden="true"></li>').length - 1).toBe(2)
    expect(days.flat().some((p) => p.text.includes('Holiday') || p.text.includes('Conference'))).toBe(false)

    // four at once on Sunday: two shown, the others behind a link to the day
    expect(find(6, 'Busy')).toHaveLength(2)
    expect(html).toMatch(/<a href="\/calendar\?view=day&date=2027-01-17&tz=UTC" class="cal-more cal-piece cal-r-28 cal-h-2 cal-c-3 cal-w-1" title="Busy 3, Busy 4">\+2 more<\/a>/)

    // the hour links stay: every hour of every day opens the form there
    expect(html.split('class="cal-add cal-slot-link').length - 1).toBe(7 * 24)
    expect(html).toContain('href="/calendar/new?date=2027-01-12&time=09:00"')
  })

  test('month view: Conference (Monday 09:00 to Wednesday 17:00) is one bar across three days, not a chip on each', async () => {
    const { res, html } = await ada.get('/calendar?view=month&date=2027-01-13&tz=UTC')
    expect(res.status).toBe(200)
    const links = [...html.matchAll(/<a class="([^"]*)"[^>]*>((?:(?!<\/a>).)*Conference(?:(?!<\/a>).)*)<\/a>/g)]
    expect(links).toHaveLength(1)
    expect(links[0]![1]).toContain('cal-bar cal-span-3')
    expect(links[0]![2]!.replace(/<[^>]+>/g, '')).toBe('09:00Conference, Monday 11 January 2027 09:00 to Wednesday 13 January 2027 17:00 (Grid)')
    // the cells it crosses keep its lane free with nothing to read
    expect(html.split('<li class="cal-lane" aria-hidden="true"></li>').length - 1).toBeGreaterThanOrEqual(2)
    // one-day items stay chips: Sunday's four fill its four lines, no "more"
    expect(html.split('>Busy ').length - 1).toBe(4)
    expect(html).not.toContain('class="cal-more"')
  })

  test('the agenda and week headings name their range compactly (the full dates in title and aria-label)', async () => {
    const heading = (html: string) => /<h2 class="cal-range"([^>]*)>([^<]*)<\/h2>/.exec(html)!
    const agenda = heading((await ada.get('/calendar?view=agenda&date=2026-11-25&tz=UTC')).html)
    expect(agenda[2]).toBe('25 Nov &ndash; 24 Dec 2026')
    expect(agenda[1]).toContain('aria-label="Wednesday 25 November 2026 to Thursday 24 December 2026"')
    const week = await ada.get('/calendar?view=week&date=2026-12-30&tz=UTC')
    expect(heading(week.html)[2]).toBe('28 Dec 2026 &ndash; 3 Jan 2027')
    expect(week.html).toContain('<title>Calendar: 28 Dec 2026 to 3 Jan 2027')
    // month and day headings are unchanged
    expect(heading((await ada.get('/calendar?view=month&date=2026-12-30&tz=UTC')).html)[2]).toBe('December 2026')
  })

  test('week all-day row: an item past the week\'s edge is one bar to it, continued the week after; the day view keeps one item', async () => {
    expect((await make('Trip', '2027-01-23', '2027-01-27', { allDay: true })).status).toBe(201)
    const bar = (html: string) => [...allDayRow(html).matchAll(/<a class="([^"]*)"[^>]*>((?:(?!<\/a>).)*Trip(?:(?!<\/a>).)*)<\/a>/g)].map((m) => [m[1], m[2]!.replace(/<[^>]+>/g, '')])
    // Saturday 23 to Tuesday 26 January: Saturday and Sunday of this week, Monday and Tuesday of the next
    expect(bar((await ada.get('/calendar?view=week&date=2027-01-20&tz=UTC')).html)).toEqual([['cal-item cal-bar cal-span-2 cal-bar-after', 'Trip, Saturday 23 January 2027 to Tuesday 26 January 2027 (Grid), continues the week after']])
    expect(bar((await ada.get('/calendar?view=week&date=2027-01-27&tz=UTC')).html)).toEqual([['cal-item cal-bar cal-span-2 cal-bar-before', 'Trip, Saturday 23 January 2027 to Tuesday 26 January 2027 (Grid), continued from the week before']])
    // one column: the day view draws it as before, an item in its all-day row
    const day = allDayRow((await ada.get('/calendar?view=day&date=2027-01-24&tz=UTC')).html)
    expect(day.split('>Trip<').length - 1).toBe(1)
    expect(day).not.toContain('cal-bar')
  })

  test('day view: room for more lanes; times follow the viewer zone', async () => {
    const sunday = pieces((await ada.get('/calendar?view=day&date=2027-01-17&tz=UTC')).html)
    expect(sunday).toHaveLength(1)
    expect(sunday[0]!.filter((p) => p.text.includes('Busy'))).toHaveLength(4)
    // in New York (UTC-5) Planning is 04:00–06:30
    const ny = pieces((await ada.get('/calendar?view=day&date=2027-01-12&tz=America/New_York')).html)
    const [planning] = ny[0]!.filter((p) => p.text.includes('Planning'))
    expect(planning!.cls).toContain('cal-r-8 cal-h-5')
    expect(planning!.text).toContain('04:00&ndash;06:30')
  })
})
