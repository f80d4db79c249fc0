/**
 * The agenda: a layer's item of several days (a planning cycle) is listed once, with its dates; an event
 * of several days (an offsite) is a row on each of its days in range, "Day 2 of 3".
 */
import { describe, expect, test } from 'bun:test'
import { Agenda } from './views/agenda.tsx'
import type { Item } from './views/items.tsx'

const DAY = 86_400_000
const from = Date.UTC(2026, 10, 25)
const item = (title: string, start: number, end: number, allDay: boolean, layer = false): Item => ({ key: title, title, href: `/x/${title}`, color: '#2563eb', allDay, start: new Date(start), end: new Date(end), source: 'Team', layer })

describe('agenda', () => {
  test("a layer's item over several days is listed once, on its first day in range, with its dates", () => {
    const cycle = item('Cycle 1', Date.UTC(2026, 10, 23), Date.UTC(2026, 11, 7), true, true)
    const standup = item('Stand-up', from + 8.5 * 3_600_000, from + 8.75 * 3_600_000, false)
    const html = Agenda({ from, days: 30, items: [cycle, standup], tz: 'UTC' }) as string
    expect(html.split('>Cycle 1<').length - 1).toBe(1)
    expect(html).toContain('23 Nov &ndash; 6 Dec')
    expect(html.indexOf('Cycle 1')).toBeLessThan(html.indexOf('Thursday 26 November 2026') === -1 ? Infinity : html.indexOf('Thursday 26 November 2026'))
    expect(html).toContain('08:30&ndash;08:45')
  })
  test('an event over several days is a row on each of its days: its dates on the first, then "Day 2 of 3"', () => {
    const offsite = item('Offsite', from + DAY, from + 4 * DAY, true)
    const html = Agenda({ from, days: 30, items: [offsite], tz: 'UTC' }) as string
    const days = [...html.matchAll(/<h3>.*?>([^<]+)<\/a><\/h3><ul>(.*?)<\/ul>/g)].map((m) => [m[1], m[2]!.replace(/<[^>]+>/g, '')])
    expect(days).toEqual([
      ['Thursday 26 November 2026', '26 Nov &ndash; 28 Nov (day 1 of 3) Offsite (Team)'],
      ['Friday 27 November 2026', 'Day 2 of 3 Offsite (Team)'],
      ['Saturday 28 November 2026', 'Day 3 of 3 Offsite (Team)'],
    ])
  })
  test('an event that began before the range starts the range with its dates, counted from its first day', () => {
    const trip = item('Trip', from - 2 * DAY, from + 2 * DAY, true)
    const html = Agenda({ from, days: 30, items: [trip], tz: 'UTC' }) as string
    expect(html).toContain('23 Nov &ndash; 26 Nov <span class="cal-day-of">(day 3 of 4)</span>')
    expect(html).toContain('Day 4 of 4')
    expect(html.split('>Trip<').length - 1).toBe(2)
  })
  test('a timed event over midnight is on both days, with both dates and times, then "until" its end', () => {
    const late = item('Late deploy', from + 2 * DAY + 22 * 3_600_000, from + 3 * DAY + 2 * 3_600_000, false)
    const html = Agenda({ from, days: 30, items: [late], tz: 'UTC' }) as string
    expect(html.split('>Late deploy<').length - 1).toBe(2)
    expect(html).toContain('27 Nov 22:00 &ndash; 28 Nov 02:00')
    expect(html).toContain('Day 2 of 2, until 02:00')
  })
})
