/**
 * Changing a series "this and following" is all or nothing: when the store fails at the last
 * write, neither the new series nor the shortened old one is left behind. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

eachDialect('calendar series changes are atomic', (dialect) => {
  let p: TestPlatform
  let ada: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  /** Makes the store refuse any update of the event `id` (a failing disk, a lost connection). */
  async function refuseUpdatesOf(id: string): Promise<() => Promise<void>> {
    if (dialect === 'sqlite') {
      await p.store.query(`create trigger refuse_update before update on calendar_events when old.id = '${id}' begin select raise(abort, 'store refused'); end`)
      return async () => void (await p.store.query('drop trigger refuse_update'))
    }
    await p.store.query(`create function refuse_update() returns trigger language plpgsql as $$ begin raise exception 'store refused'; end $$`)
    await p.store.query(`create trigger refuse_update before update on calendar_events for each row when (old.id = '${id}') execute function refuse_update()`)
    return async () => {
      await p.store.query('drop trigger refuse_update on calendar_events')
      await p.store.query('drop function refuse_update()')
    }
  }

  test('"this and following" that fails at its last write leaves the series as it was', async () => {
    const cal = await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Team' })
    expect(cal.status).toBe(201)
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal.json.id, title: 'Stand-up', timeZone: 'UTC', start: '2026-12-01T09:00', end: '2026-12-01T09:15', rrule: 'FREQ=DAILY;COUNT=10' })
    expect(made.status).toBe(201)
    const id = made.json.id as string
    const restore = await refuseUpdatesOf(id)
    try {
      const res = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'following', occurrence: '2026-12-05T09:00:00.000Z', title: 'Stand-up (new time)', start: '2026-12-05T10:00', end: '2026-12-05T10:15' })
      expect(res.status).toBe(500)
    } finally {
      await restore()
    }
    const rows = await p.store.query<{ id: string; title: string; rrule: string }>('select id, title, rrule from calendar_events order by created_at')
    expect(rows).toEqual([{ id, title: 'Stand-up', rrule: 'FREQ=DAILY;COUNT=10' }])

    // and when the store works, the split happens
    const ok = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'following', occurrence: '2026-12-05T09:00:00.000Z', title: 'Stand-up (new time)', start: '2026-12-05T10:00', end: '2026-12-05T10:15' })
    expect(ok.status).toBe(200)
    expect((await p.store.query('select id from calendar_events')).length).toBe(2)
  })
})
