/**
 * The reminder pass among many events: it reads only the events that can have a reminder due (one-off
 * events of the window, recurring series begun by its end), and each due reminder fires once, at its
 * time, never early and never again.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Client } from './helpers/client.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'
import collaboration from '../plugins/collaboration/index.ts'
import calendar from '../plugins/calendar/index.ts'
import { api } from './helpers/calendar-api.ts'

/** The pass's clock: far enough ahead that the real one-minute timer never finds these events due. */
const NOW = Date.parse('2031-02-03T10:00:00Z')
const MIN = 60_000
const iso = (t: number) => new Date(t).toISOString()

eachDialect('calendar reminders among many events', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let cal = ''
  const pass = (at: number) => p.host.service<{ pass(now?: Date): Promise<{ events: number; sent: number }> }>('calendar.reminders')!.pass(new Date(at))
  /** Reminder titles in Ada's inbox, with how often each came. */
  const received = async () => {
    const { json } = await api(ada, 'GET', '/api/v1/collaboration/notifications?limit=100')
    const out = new Map<string, number>()
    for (const x of json.items as { kind: string; title: string }[]) if (x.kind === 'reminder') out.set(x.title, (out.get(x.title) ?? 0) + 1)
    return out
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, collaboration])
    ada = await p.adminClient()
    await ada.get('/calendar')
    cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Busy' })).json.id
    const specs: Record<string, unknown>[] = []
    const one = (title: string, start: number, reminders: number[], extra: Record<string, unknown> = {}) =>
      specs.push({ calendarId: cal, title, timeZone: 'UTC', start: iso(start), end: iso(start + 30 * MIN), reminders, ...extra })
    // not looked at: past, beyond the longest reminder, no reminders
    for (let i = 0; i < 80; i++) one(`Past ${i}`, NOW - 2 * 86_400_000 - i * 3_600_000, [10])
    for (let i = 0; i < 80; i++) one(`Far ${i}`, NOW + 30 * 86_400_000 + i * 3_600_000, [10, 60])
    for (let i = 0; i < 20; i++) one(`Quiet ${i}`, NOW + i * 10 * MIN, [])
    // looked at, nothing due yet
    for (let i = 0; i < 20; i++) one(`Later ${i}`, NOW + 86_400_000 + i * MIN, [10])
    // due now: 10 minutes before
    for (let i = 0; i < 5; i++) one(`Due ${i}`, NOW + 10 * MIN, [10])
    // two reminders each: 30 minutes before is due now, 5 minutes before later
    for (let i = 0; i < 5; i++) one(`Twice ${i}`, NOW + 30 * MIN, [5, 30])
    // missed by 25 minutes (within the hour a pass catches up on), and one that started 10 minutes ago
    one('Missed', NOW + 5 * MIN, [30])
    one('Started', NOW - 10 * MIN, [0])
    // a daily series since 2030 whose occurrence today is due; a series that ended in 2030
    one('Daily', Date.parse('2030-01-01T10:10:00Z'), [10], { rrule: 'FREQ=DAILY' })
    one('Ended weekly', Date.parse('2030-01-01T10:10:00Z'), [10], { rrule: 'FREQ=WEEKLY;UNTIL=20300301T000000Z' })
    for (let i = 0; i < specs.length; i += 20) {
      const made = await Promise.all(specs.slice(i, i + 20).map((s) => api(ada, 'POST', '/api/v1/calendar/events', s)))
      for (const m of made) expect(m.status).toBe(201)
    }
  }, 120_000)
  afterAll(() => p.stop())

  test('a pass reads only the events that can have a reminder due, and sends only the due ones, once', async () => {
    const first = await pass(NOW)
    // Later (20), Due (5), Twice (5), Missed, Started, Daily, Ended weekly
    expect(first.events).toBe(34)
    expect(first.sent).toBe(5 + 5 + 1 + 1 + 1)
    const got = await received()
    for (let i = 0; i < 5; i++) {
      expect(got.get(`Reminder: Due ${i}`)).toBe(1)
      expect(got.get(`Reminder: Twice ${i}`)).toBe(1)
    }
    expect(got.get('Reminder: Missed')).toBe(1)
    expect(got.get('Reminder: Started')).toBe(1)
    expect(got.get('Reminder: Daily')).toBe(1)
    expect([...got.keys()].filter((t) => /Past|Far|Quiet|Later|Ended/.test(t))).toEqual([])

    // the same pass again, and a minute later: nothing new
    expect((await pass(NOW)).sent).toBe(0)
    expect((await pass(NOW + MIN)).sent).toBe(0)
    // 25 minutes on, the second reminder of "Twice" is due (5 minutes before), once
    expect((await pass(NOW + 25 * MIN)).sent).toBe(5)
    expect((await pass(NOW + 26 * MIN)).sent).toBe(0)
    const later = await received()
    for (let i = 0; i < 5; i++) expect(later.get(`Reminder: Twice ${i}`)).toBe(2)
    expect(later.get('Reminder: Daily')).toBe(1)
    // a day on: the daily series' next occurrence, and the "Later" events starting within 10 minutes
    // (Later 0 to Later 10; their reminders are 10 minutes before)
    const tomorrow = await pass(NOW + 86_400_000)
    expect(tomorrow.sent).toBe(1 + 11)
    const day = await received()
    expect(day.get('Reminder: Daily')).toBe(2)
    expect(day.get('Reminder: Later 10')).toBe(1)
    expect(day.get('Reminder: Later 11')).toBeUndefined()
  }, 60_000)
})
