/**
 * Deleting from a recurring series: the sent-reminder records of the occurrences that are gone go
 * with them ("this", "this and following", the whole event), and deletes of different occurrences
 * made at the same time all stay (the write is a compare-and-set, retried). Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { definePlugin } from '../../core/plugins/contract.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

/** Lets the reminder pass send (it sends nothing without collaboration.notify). */
const notifyStub = definePlugin({
  id: 'cal-delete-notify',
  name: 'Notify stub',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.provide('collaboration.notify', { async notify() {} })
  },
})

const day = (n: number) => new Date(Date.UTC(2030, 0, 1 + n, 9)).toISOString()

eachDialect('calendar: deleting from a series', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, notifyStub])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Deletes' })).json.id
  })
  afterAll(() => p.stop())

  /** Original starts (ISO) of the event's sent-reminder records. */
  async function sentFor(id: string): Promise<string[]> {
    const rows = await p.store.query<{ occurrence_start: number | string | Date }>(`select occurrence_start from calendar_reminders_sent where event_id = ${dialect === 'postgres' ? '$1' : '?'}`, [id])
    return rows.map((r) => new Date(typeof r.occurrence_start === 'string' && /^\d+$/.test(r.occurrence_start) ? Number(r.occurrence_start) : r.occurrence_start).toISOString()).sort()
  }

  test('"this", "this and following" and the whole event take their sent reminders with them', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Daily check', timeZone: 'UTC', start: '2030-01-01T09:00', end: '2030-01-01T09:15', rrule: 'FREQ=DAILY;COUNT=10', reminders: [10] })
    expect(made.status).toBe(201)
    const id = made.json.id as string
    const reminders = p.host.service<{ runDue(now?: Date): Promise<number> }>('calendar.reminders')!
    // the reminders of the first six days go out (each pass five minutes before its day's start)
    for (let n = 0; n < 6; n++) expect(await reminders.runDue(new Date(Date.parse(day(n)) - 5 * 60_000))).toBe(1)
    expect(await sentFor(id)).toEqual([0, 1, 2, 3, 4, 5].map(day))

    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${id}?scope=this&occurrence=${day(2)}`)).status).toBe(200)
    expect(await sentFor(id)).toEqual([0, 1, 3, 4, 5].map(day))

    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${id}?scope=following&occurrence=${day(4)}`)).status).toBe(200)
    expect(await sentFor(id)).toEqual([0, 1, 3].map(day))
    const left = await api(ada, 'GET', `/api/v1/calendar/events/${id}`)
    expect(left.json.rrule).toBe('FREQ=DAILY;COUNT=4')
    expect(left.json.exdates).toEqual([day(2)])

    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${id}`)).status).toBe(200)
    expect(await sentFor(id)).toEqual([])
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).status).toBe(404)
  })

  test('deletes of different occurrences at the same time all stay', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Busy series', timeZone: 'UTC', start: '2030-01-01T09:00', end: '2030-01-01T09:15', rrule: 'FREQ=DAILY;COUNT=30' })
    expect(made.status).toBe(201)
    const id = made.json.id as string
    const gone = [3, 5, 7, 9, 11, 13]
    const results = await Promise.all([
      ...gone.map((n) => api(ada, 'DELETE', `/api/v1/calendar/events/${id}?scope=this&occurrence=${day(n)}`)),
      // and at the same time someone ends the series from the 21st day on
      api(ada, 'DELETE', `/api/v1/calendar/events/${id}?scope=following&occurrence=${day(20)}`),
    ])
    expect(results.map((r) => r.status)).toEqual(Array(gone.length + 1).fill(200))
    const now = await api(ada, 'GET', `/api/v1/calendar/events/${id}`)
    expect([...now.json.exdates].sort()).toEqual(gone.map(day))
    expect(now.json.rrule).toBe('FREQ=DAILY;COUNT=20')
    const occ = await api(ada, 'GET', `/api/v1/calendar/events?from=2030-01-01&to=2030-03-01`)
    const starts = (occ.json.items as any[]).filter((o) => o.eventId === id).map((o) => o.start)
    expect(starts).toEqual(Array.from({ length: 20 }, (_, n) => n).filter((n) => !gone.includes(n)).map(day))
  })

  test('a delete of an occurrence racing the deletion of the whole event is a 404, not a 500', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Short-lived', timeZone: 'UTC', start: '2030-01-01T09:00', end: '2030-01-01T09:15', rrule: 'FREQ=DAILY;COUNT=5' })
    const id = made.json.id as string
    const [one, all] = await Promise.all([api(ada, 'DELETE', `/api/v1/calendar/events/${id}?scope=this&occurrence=${day(2)}`), api(ada, 'DELETE', `/api/v1/calendar/events/${id}`)])
    expect(all.status).toBe(200)
    expect([200, 404]).toContain(one.status)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).status).toBe(404)
    expect(await sentFor(id)).toEqual([])
  })
})
