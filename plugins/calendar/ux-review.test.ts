/** The agenda lists an item of several days once, with its dates (it was a row on each of its days). */
import { describe, expect, test } from 'bun:test'
import { Agenda } from './views/agenda.tsx'
import type { Item } from './views/items.tsx'

const DAY = 86_400_000
const from = Date.UTC(2026, 10, 25)
const item = (title: string, start: number, end: number, allDay: boolean): Item => ({ key: title, title, href: `/x/${title}`, color: '#2563eb', allDay, start: new Date(start), end: new Date(end), source: 'Team', layer: false })

describe('agenda', () => {
  test('an item over several days is listed once, on its first day in range, with its dates', () => {
    const cycle = item('Cycle 1', Date.UTC(2026, 10, 23), Date.UTC(2026, 11, 7), true)
    const standup = item('Stand-up', from + 8.5 * 3_600_000, from + 8.75 * 3_600_000, false)
    const html = Agenda({ from, days: 30, items: [cycle, standup], tz: 'UTC' }) as string
    expect(html.split('>Cycle 1<').length - 1).toBe(1)
    expect(html).toContain('23 Nov &ndash; 6 Dec')
    expect(html.indexOf('Cycle 1')).toBeLessThan(html.indexOf('Thursday 26 November 2026') === -1 ? Infinity : html.indexOf('Thursday 26 November 2026'))
    expect(html).toContain('08:30&ndash;08:45')
  })
  test('a timed item over midnight is once, with both dates and times', () => {
    const late = item('Late deploy', from + 2 * DAY + 22 * 3_600_000, from + 3 * DAY + 2 * 3_600_000, false)
    const html = Agenda({ from, days: 30, items: [late], tz: 'UTC' }) as string
    expect(html.split('>Late deploy<').length - 1).toBe(1)
    expect(html).toContain('27 Nov 22:00 &ndash; 28 Nov 02:00')
  })
})
