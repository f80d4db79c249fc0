/**
 * Changing a whole recurring series ("all") or splitting it ("this and following") keeps its
 * per-occurrence overrides and EXDATEs: they move with their occurrences, and what was edited in
 * them stays.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

eachDialect('calendar series changes', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Series' })).json.id
  })
  afterAll(() => p.stop())

  /** "MM-DD HH:MM–HH:MM title [location] (overridden)" of each occurrence. */
  async function occurrences(from: string, to: string, prefix: string): Promise<string[]> {
    const r = await api(ada, 'GET', `/api/v1/calendar/events?from=${from}&to=${to}`)
    expect(r.status).toBe(200)
    return (r.json.items as any[])
      .filter((o) => o.title.startsWith(prefix) || o.location.startsWith(prefix))
      .map((o) => `${o.start.slice(5, 16).replace('T', ' ')}–${o.end.slice(11, 16)} ${o.title} [${o.location}]${o.overridden ? ' (overridden)' : ''}`)
  }

  test('"all": moving and renaming a weekly series keeps its overrides (moved along, own edits kept) and EXDATEs', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Reading group', location: 'Room 1', timeZone: 'UTC', start: '2027-01-04T10:00', end: '2027-01-04T10:30', rrule: 'FREQ=WEEKLY' })
    expect(made.status).toBe(201)
    const id = made.json.id
    // one occurrence gets a guest talk in the afternoon, another only another room; one is cancelled
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'this', occurrence: '2027-01-18T10:00:00.000Z', title: 'Reading group: guest talk', start: '2027-01-18T14:00', end: '2027-01-18T15:00' })).status).toBe(200)
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'this', occurrence: '2027-01-25T10:00:00.000Z', location: 'Room 9' })).status).toBe(200)
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${id}?scope=this&occurrence=2027-02-01T10:00:00.000Z`)).status).toBe(200)

    // the whole series an hour later, with a new title (edited from an ordinary occurrence)
    const all = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'all', occurrence: '2027-01-11T10:00:00.000Z', title: 'Book club', start: '2027-01-11T11:00', end: '2027-01-11T11:30' })
    expect(all.status).toBe(200)
    expect(all.json.start).toBe('2027-01-04T11:00:00.000Z')
    expect(all.json.exdates).toEqual(['2027-02-01T11:00:00.000Z'])
    expect(await occurrences('2027-01-01', '2027-02-10', 'Room')).toEqual([
      '01-04 11:00–11:30 Book club [Room 1]',
      '01-11 11:00–11:30 Book club [Room 1]',
      '01-18 15:00–16:00 Reading group: guest talk [Room 1] (overridden)',
      '01-25 11:00–11:30 Book club [Room 9] (overridden)',
      '02-08 11:00–11:30 Book club [Room 1]',
    ])
    const ev = await api(ada, 'GET', `/api/v1/calendar/events/${id}`)
    expect(ev.json.overrides.map((o: any) => o.originalStart).sort()).toEqual(['2027-01-18T11:00:00.000Z', '2027-01-25T11:00:00.000Z'])

    // edited from the overridden occurrence, "all" applies only what was changed there (the room)
    const fromOverride = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'all', occurrence: '2027-01-18T11:00:00.000Z', location: 'Room 2' })
    expect(fromOverride.status).toBe(200)
    expect(fromOverride.json).toMatchObject({ title: 'Book club', location: 'Room 2', start: '2027-01-04T11:00:00.000Z', end: '2027-01-04T11:30:00.000Z' })
    expect(await occurrences('2027-01-01', '2027-02-10', 'Room')).toEqual([
      '01-04 11:00–11:30 Book club [Room 2]',
      '01-11 11:00–11:30 Book club [Room 2]',
      '01-18 15:00–16:00 Reading group: guest talk [Room 2] (overridden)',
      '01-25 11:00–11:30 Book club [Room 9] (overridden)',
      '02-08 11:00–11:30 Book club [Room 2]',
    ])

    // a longer meeting: occurrences whose time was not edited take the new length
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'all', end: '2027-01-04T12:00' })).status).toBe(200)
    expect(await occurrences('2027-01-17', '2027-01-27', 'Room')).toEqual(['01-18 15:00–16:00 Reading group: guest talk [Room 2] (overridden)', '01-25 11:00–12:00 Book club [Room 9] (overridden)'])

    // another rule: overrides of occurrences that no longer exist go, the others stay
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'all', rrule: 'FREQ=WEEKLY;INTERVAL=2' })).status).toBe(200)
    const after = await api(ada, 'GET', `/api/v1/calendar/events/${id}`)
    expect(after.json.overrides.map((o: any) => o.originalStart)).toEqual(['2027-01-18T11:00:00.000Z'])
    // no longer repeating: overrides and EXDATEs go with the rule
    const single = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'all', rrule: null })
    expect(single.status).toBe(200)
    expect(single.json).toMatchObject({ rrule: null, exdates: [], overrides: [] })
  })

  test('"this and following": later overrides move to the new series (shifted with it), earlier ones stay', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Ops review', location: 'Ops', timeZone: 'Europe/Berlin', start: '2027-03-03T09:00', end: '2027-03-03T09:30', rrule: 'FREQ=WEEKLY' })
    expect(made.status).toBe(201)
    const id = made.json.id
    // Berlin is UTC+1 until 28 March 2027, UTC+2 after
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'this', occurrence: '2027-03-10T08:00:00.000Z', title: 'Ops review: early special' })).status).toBe(200)
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'this', occurrence: '2027-03-24T08:00:00.000Z', title: 'Ops review: late special', start: '2027-03-24T13:00', end: '2027-03-24T14:00' })).status).toBe(200)
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'this', occurrence: '2027-04-07T07:00:00.000Z', location: 'Ops lab' })).status).toBe(200)
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${id}?scope=this&occurrence=2027-03-31T07:00:00.000Z`)).status).toBe(200)

    const split = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'following', occurrence: '2027-03-17T08:00:00.000Z', start: '2027-03-17T10:00', end: '2027-03-17T10:30' })
    expect(split.status).toBe(200)
    const newId = split.json.id
    expect(newId).not.toBe(id)
    expect(split.json.seriesId).toBe(id)
    expect(split.json.exdates).toEqual(['2027-03-31T08:00:00.000Z'])
    expect(await occurrences('2027-03-01', '2027-04-15', 'Ops')).toEqual([
      '03-03 08:00–08:30 Ops review [Ops]',
      '03-10 08:00–08:30 Ops review: early special [Ops] (overridden)',
      '03-17 09:00–09:30 Ops review [Ops]',
      '03-24 13:00–14:00 Ops review: late special [Ops] (overridden)',
      '04-07 08:00–08:30 Ops review [Ops lab] (overridden)',
      '04-14 08:00–08:30 Ops review [Ops]',
    ])
    const old = await api(ada, 'GET', `/api/v1/calendar/events/${id}`)
    expect(old.json.overrides.map((o: any) => o.originalStart)).toEqual(['2027-03-10T08:00:00.000Z'])
    expect(old.json.exdates).toEqual([])
    const fresh = await api(ada, 'GET', `/api/v1/calendar/events/${newId}`)
    expect(fresh.json.overrides.map((o: any) => `${o.originalStart} ${o.title}`).sort()).toEqual(['2027-03-24T09:00:00.000Z Ops review: late special', '2027-04-07T08:00:00.000Z Ops review'])
  })

  test('the HTML form: "all" from an occurrence keeps the overrides too', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Form series', timeZone: 'UTC', start: '2027-05-03T08:00', end: '2027-05-03T09:00', rrule: 'FREQ=DAILY;COUNT=5' })
    const id = made.json.id
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'this', occurrence: '2027-05-05T08:00:00.000Z', title: 'Form series (special)' })).status).toBe(200)
    await ada.get(`/calendar/events/${id}/edit?occurrence=2027-05-04T08:00:00.000Z`)
    const res = await ada.post(`/calendar/events/${id}`, {
      calendarId: calId,
      title: 'Form series',
      timeZone: 'UTC',
      startDate: '2027-05-04',
      startTime: '07:30',
      endDate: '2027-05-04',
      endTime: '08:30',
      repeat: 'custom',
      rrule: 'FREQ=DAILY;COUNT=5',
      location: '',
      description: '',
      reminders: '',
      scope: 'all',
      occurrence: '2027-05-04T08:00:00.000Z',
    })
    expect(res.status).toBe(303)
    expect(await occurrences('2027-05-01', '2027-05-10', 'Form series')).toEqual([
      '05-03 07:30–08:30 Form series []',
      '05-04 07:30–08:30 Form series []',
      '05-05 07:30–08:30 Form series (special) [] (overridden)',
      '05-06 07:30–08:30 Form series []',
      '05-07 07:30–08:30 Form series []',
    ])
  })
})
