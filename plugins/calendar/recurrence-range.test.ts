/**
 * Recurrence stays inside the supported years (1900-2200): an RRULE whose UNTIL or COUNT would take
 * it past 2200-12-31, or that has no occurrence up to then, is a 422 on `rrule` (form, JSON API and
 * .ics import); a rule without end, or one stored before these checks, expands to nothing past
 * 2200. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

eachDialect('calendar: recurrence within 1900-2200', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Far future' })).json.id
  })
  afterAll(() => p.stop())

  const event = (title: string, rrule: string, start = '2190-03-02T09:00') => api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title, timeZone: 'America/New_York', start, end: start.replace(/T.*/, 'T10:00'), rrule })

  test('UNTIL after 2200-12-31, a COUNT that runs past it, or no occurrence up to it: 422 on rrule, saying what to do', async () => {
    const cases: [string, string][] = [
      ['FREQ=WEEKLY;UNTIL=22010101T000000Z', 'End the repetition by 2200-12-31 (UNTIL), or leave UNTIL out to repeat without end.'],
      ['FREQ=YEARLY;COUNT=12', 'With COUNT=12 the last occurrence would be in 2201, past 2200-12-31: repeat fewer times, or end the repetition by then with UNTIL.'],
      ['FREQ=DAILY;COUNT=5000', 'With COUNT=5000 the last occurrence would be in 2203'],
      ['FREQ=WEEKLY;UNTIL=21000101T000000Z', 'This rule has no occurrence from the start date to 2200-12-31: change the rule or the start date.'],
      // never matches: refused at once, not after thousands of years of expansion
      ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'This rule never repeats: no month in BYMONTH=2 has day 30 (BYMONTHDAY). Pick days up to 29.'],
      ['FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31', 'no month in BYMONTH=4,6 has day 31'],
      ['FREQ=MONTHLY;BYMONTHDAY=32', 'no month has day 32'],
      // a rarer kind that never matches (day 32 of the year, 1 February, is never a 31st) still gets the
      // slower, bounded answer (impossible BYSETPOS, BYWEEKNO and BYYEARDAY: rrule-limits.test.ts)
      ['FREQ=DAILY;BYMONTHDAY=31;BYYEARDAY=32', 'This rule has no occurrence from the start date to 2200-12-31: change the rule or the start date.'],
    ]
    for (const [rrule, message] of cases) {
      const r = await event('Too far', rrule)
      expect(r.status, rrule).toBe(422)
      expect(r.json.error.field, rrule).toBe('rrule')
      expect(r.json.error.message, rrule).toContain(message)
    }
    // a day some months have is fine, from the start or from the end of the month
    expect((await event('Month ends', 'FREQ=MONTHLY;BYMONTHDAY=31', '2026-01-31T09:00')).status).toBe(201)
    expect((await event('Leap day', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-29', '2028-02-01T09:00')).status).toBe(201)
    // the edges: the 11th yearly occurrence is in 2200; UNTIL on the last day; no end at all
    expect((await event('Eleven years', 'FREQ=YEARLY;COUNT=11')).status).toBe(201)
    expect((await event('Until the end', 'FREQ=MONTHLY;UNTIL=22001231T235959Z')).status).toBe(201)
    expect((await event('Forever', 'FREQ=WEEKLY', '2200-12-01T09:00')).status).toBe(201)
    // nothing was stored for the refused ones
    expect((await p.store.query(`select title from calendar_events where title = 'Too far'`)).length).toBe(0)
  })

  test('the form comes back (422) with the rule and the error beside it', async () => {
    await ada.get('/calendar/new')
    const res = await ada.post('/calendar/events', { calendarId: calId, title: 'Far form', timeZone: 'UTC', startDate: '2200-06-01', startTime: '09:00', endDate: '2200-06-01', endTime: '10:00', repeat: 'custom', rrule: 'FREQ=MONTHLY;COUNT=12', reminders: '' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('value="FREQ=MONTHLY;COUNT=12"')
    expect(html).toContain('With COUNT=12 the last occurrence would be in 2201, past 2200-12-31')
  })

  test('a rule without end, or one stored before the checks, expands to nothing after 2200-12-31', async () => {
    const forever = await event('Weekly to the end', 'FREQ=WEEKLY', '2200-12-01T09:00')
    expect(forever.status).toBe(201)
    // a series stored with a COUNT that runs past the range (as before this check existed)
    const old = await event('Old daily', 'FREQ=DAILY', '2200-12-28T09:00')
    expect(old.status).toBe(201)
    await p.store.query(`update calendar_events set rrule = 'FREQ=DAILY;COUNT=20' where id = ${dialect === 'postgres' ? '$1' : '?'}`, [old.json.id])
    const r = await api(ada, 'GET', '/api/v1/calendar/events?from=2200-11-25&to=2201-02-01')
    expect(r.status).toBe(200)
    const starts = (title: string) => (r.json.items as { title: string; start: string }[]).filter((o) => o.title === title).map((o) => o.start)
    // 09:00 in New York is 14:00 UTC in winter
    expect(starts('Weekly to the end')).toEqual(['2200-12-01T14:00:00.000Z', '2200-12-08T14:00:00.000Z', '2200-12-15T14:00:00.000Z', '2200-12-22T14:00:00.000Z', '2200-12-29T14:00:00.000Z'])
    expect(starts('Old daily')).toEqual(['2200-12-28T14:00:00.000Z', '2200-12-29T14:00:00.000Z', '2200-12-30T14:00:00.000Z', '2200-12-31T14:00:00.000Z'])
    // a day view in 2201 shows none of them, and naming an occurrence past the range is a 404
    const page = await ada.get('/calendar?view=week&date=2201-01-05&tz=UTC')
    expect(page.res.status).toBe(200)
    expect(page.html).not.toContain('Weekly to the end')
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${forever.json.id}?scope=this&occurrence=2201-01-05T14:00:00.000Z`)).status).toBe(404)
  })

  test('.ics import skips a series that runs past 2200 and says why', async () => {
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:far@test', 'DTSTART:21900101T100000Z', 'DTEND:21900101T110000Z', 'RRULE:FREQ=YEARLY;COUNT=50', 'SUMMARY:Fifty years', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')
    await ada.get('/calendar/calendars')
    const form = new FormData()
    form.set('_csrf', ada.csrf)
    form.set('calendarId', calId)
    form.set('timeZone', 'UTC')
    form.set('file', new File([ics], 'cal.ics', { type: 'text/calendar' }))
    const html = await (await ada.request('/calendar/import', { method: 'POST', body: form })).text()
    expect(html).toContain('0 imported, 1 skipped')
    expect(html).toContain('With COUNT=50 the last occurrence would be in 2239')
  })
})
