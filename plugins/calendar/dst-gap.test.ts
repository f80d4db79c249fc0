/** A start or end at a time the clocks skip (02:30 Europe/Berlin on 29 March 2026) is refused with the reason, beside its field. Both dialects. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

eachDialect('calendar: DST gaps', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId = ''

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Gaps' })).json.id
  })
  afterAll(() => p.stop())

  const form = (o: Record<string, string>) => ({ calendarId: calId, title: 'Early train', location: 'Room 4', timeZone: 'Europe/Berlin', reminders: '', rrule: '', ...o })

  test('a start in a DST gap says that time does not exist there, on the form and the JSON API', async () => {
    const gap = { startDate: '2026-03-29', endDate: '2026-03-29', startTime: '02:30', endTime: '03:30', repeat: '' }
    const res = await ada.post('/calendar/events', form(gap))
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('02:30 does not exist on 29 March 2026 in Europe/Berlin (clocks go forward): choose another time.')
    expect(html).not.toContain('The end must be after the start')
    expect(html).toMatch(/name="startTime"[^>]*value="02:30"/)
    expect(html).toContain('value="Room 4"')
    // the end in the gap: the end field
    const end = await ada.post('/calendar/events', form({ ...gap, startTime: '01:30', endTime: '02:15' }))
    expect(end.status).toBe(422)
    expect(await end.text()).toContain('02:15 does not exist on 29 March 2026 in Europe/Berlin (clocks go forward): choose another time.')
    const j = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Gap', timeZone: 'Europe/Berlin', start: '2026-03-29T02:30', end: '2026-03-29T04:00' })
    expect(j.status).toBe(422)
    expect(j.json.error.message).toBe('02:30 does not exist on 29 March 2026 in Europe/Berlin (clocks go forward): choose another time.')
    // the hour the clocks repeat (autumn) exists: still taken
    const fall = await ada.post('/calendar/events', form({ ...gap, startDate: '2026-10-25', endDate: '2026-10-25', startTime: '02:30', endTime: '03:30' }))
    expect(fall.status).toBe(303)
  })})
