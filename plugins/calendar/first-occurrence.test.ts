/**
 * A series whose rule skips its start's own weekday ("weekly on Tue and Thu" made on a Monday)
 * begins on the first day the rule matches, as in Google Calendar: the stored start moves there, so
 * the event page, its edit form, "this event" and "this and following", the grid and the feed's
 * DTSTART all agree; series stored before that (start on the skipped Monday) read the same way.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Client } from '../../test/helpers/client.ts'
import { api } from '../../test/helpers/calendar-api.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import calendar from './index.ts'

const MON = '2027-01-04'
const TUE = '2027-01-05T10:00:00.000Z'
const THU = '2027-01-07T10:00:00.000Z'

eachDialect('a series whose rule skips its start day', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Skips' })).json.id
  })
  afterAll(() => p.stop())

  /** Starts of the occurrences titled `title` in the first three weeks of 2027. */
  async function starts(title: string): Promise<string[]> {
    const r = await api(ada, 'GET', '/api/v1/calendar/events?from=2027-01-01&to=2027-01-22')
    expect(r.status).toBe(200)
    return (r.json.items as any[]).filter((o) => o.title === title).map((o) => o.start)
  }

  /** A Tue/Thu series made through the JSON API on Monday 4 January 10:00 UTC. */
  async function made(title: string, rrule = 'FREQ=WEEKLY;BYDAY=TU,TH'): Promise<any> {
    const r = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title, timeZone: 'UTC', start: `${MON}T10:00`, end: `${MON}T11:00`, rrule })
    expect(r.status).toBe(201)
    return r.json
  }

  /** The event's row moved back onto the Monday its rule skips, as series were stored before the fix. */
  async function storedOnMonday(id: string): Promise<void> {
    const back = dialect === 'sqlite' ? 'start_at = start_at - 86400000, end_at = end_at - 86400000' : "start_at = start_at - interval '1 day', end_at = end_at - interval '1 day'"
    await p.store.query(`update calendar_events set ${back} where id = '${id}'`)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).json.start).toBe(`${MON}T10:00:00.000Z`)
  }

  test('made on a Monday, "weekly on Tue and Thu" starts that Tuesday; COUNT counts from there', async () => {
    const e = await made('Lab')
    expect(e.start).toBe(TUE)
    expect(e.end).toBe('2027-01-05T11:00:00.000Z')
    expect(await starts('Lab')).toEqual([TUE, THU, '2027-01-12T10:00:00.000Z', '2027-01-14T10:00:00.000Z', '2027-01-19T10:00:00.000Z', '2027-01-21T10:00:00.000Z'])
    const three = await made('Lab x3', 'FREQ=WEEKLY;BYDAY=TU,TH;COUNT=3')
    expect(three.start).toBe(TUE)
    expect(await starts('Lab x3')).toEqual([TUE, THU, '2027-01-12T10:00:00.000Z'])
  })

  test('through the form ("Custom...": Tue and Thu from a Monday), the event page it leads to opens on the Tuesday', async () => {
    await ada.get('/calendar/new')
    const res = await ada.post('/calendar/events', {
      calendarId: calId, title: 'Studio', timeZone: 'Europe/Berlin', startDate: MON, startTime: '09:00', endDate: MON, endTime: '10:00',
      repeat: 'pick', repeatEvery: '1', repeatUnit: 'WEEKLY', repeatDays: ['TU', 'TH'], repeatMonthly: 'day', repeatEnds: 'never', repeatUntil: '', repeatCount: '10',
    })
    expect(res.status).toBe(303)
    const page = await ada.get(res.headers.get('location')!)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('Tuesday 5 January 2027')
    // the grid links the first occurrence, and that link opens too
    const week = await ada.get(`/calendar?view=week&date=${MON}&tz=Europe/Berlin`)
    const link = /href="(\/calendar\/events\/[^"?]+\?occurrence=2027-01-05T08%3A00%3A00.000Z)"/.exec(week.html)
    expect(link).not.toBeNull()
    expect(week.html).not.toContain('occurrence=2027-01-04')
    expect((await ada.get(link![1]!.replace(/&amp;/g, '&'))).res.status).toBe(200)
  })

  test('the first occurrence: its page, its edit form, and "this event" changes only it', async () => {
    const e = await made('Seminar')
    const occ = `?occurrence=${encodeURIComponent(TUE)}`
    expect((await ada.get(`/calendar/events/${e.id}`)).res.status).toBe(200)
    expect((await ada.get(`/calendar/events/${e.id}${occ}`)).res.status).toBe(200)
    const edit = await ada.get(`/calendar/events/${e.id}/edit${occ}`)
    expect(edit.res.status).toBe(200)
    expect(edit.html).toContain('value="2027-01-05"')
    const moved = await api(ada, 'PATCH', `/api/v1/calendar/events/${e.id}`, { scope: 'this', occurrence: TUE, title: 'Seminar (moved)', start: '2027-01-05T14:00', end: '2027-01-05T15:00' })
    expect(moved.status).toBe(200)
    expect(await starts('Seminar')).toEqual([THU, '2027-01-12T10:00:00.000Z', '2027-01-14T10:00:00.000Z', '2027-01-19T10:00:00.000Z', '2027-01-21T10:00:00.000Z'])
    expect(await starts('Seminar (moved)')).toEqual(['2027-01-05T14:00:00.000Z'])
  })

  test('changing the rule of all events from a Tuesday start to Wed and Fri starts the series that Wednesday, without moving it', async () => {
    const e = await made('Clinic')
    const r = await api(ada, 'PATCH', `/api/v1/calendar/events/${e.id}`, { scope: 'all', occurrence: THU, rrule: 'FREQ=WEEKLY;BYDAY=WE,FR' })
    expect(r.status).toBe(200)
    expect(r.json.start).toBe('2027-01-06T10:00:00.000Z')
    expect((await starts('Clinic')).slice(0, 3)).toEqual(['2027-01-06T10:00:00.000Z', '2027-01-08T10:00:00.000Z', '2027-01-13T10:00:00.000Z'])
  })

  test("the feed's DTSTART is the first occurrence (iCalendar counts DTSTART as one)", async () => {
    const e = await made('Feed lab')
    await storedOnMonday(e.id)
    const res = await ada.post('/calendar/feed-token')
    const token = /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(await res.text())![1]!
    const ics = await (await p.client().request(`/calendar/feed/${token}.ics`)).text()
    const vevent = ics.split('BEGIN:VEVENT').find((v) => v.includes('SUMMARY:Feed lab'))!
    expect(vevent).toContain('DTSTART:20270105T100000Z')
    expect(vevent).toContain('DTEND:20270105T110000Z')
    expect(vevent).not.toContain('20270104')
  })

  test('a series stored on the Monday its rule skips: its page opens on the Tuesday; "this and following" from there is the whole series', async () => {
    const e = await made('Old lab')
    await storedOnMonday(e.id)
    expect(await starts('Old lab')).toEqual([TUE, THU, '2027-01-12T10:00:00.000Z', '2027-01-14T10:00:00.000Z', '2027-01-19T10:00:00.000Z', '2027-01-21T10:00:00.000Z'])
    const page = await ada.get(`/calendar/events/${e.id}`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('Tuesday 5 January 2027')
    const r = await api(ada, 'PATCH', `/api/v1/calendar/events/${e.id}`, { scope: 'following', occurrence: TUE, title: 'Old lab, renamed' })
    expect(r.status).toBe(200)
    // the same event (not a split with an empty first half), now stored on its first occurrence
    expect(r.json.id).toBe(e.id)
    expect(r.json.start).toBe(TUE)
    expect(await starts('Old lab')).toEqual([])
    expect((await starts('Old lab, renamed')).length).toBe(6)
  })

  test('a series whose first occurrence was deleted opens on the next one, not a 404', async () => {
    const e = await made('Trimmed')
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${e.id}?scope=this&occurrence=${encodeURIComponent(TUE)}`)).status).toBe(200)
    const page = await ada.get(`/calendar/events/${e.id}`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('Thursday 7 January 2027')
  })
})
