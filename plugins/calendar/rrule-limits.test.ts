/**
 * Repeat rules that never match cost the single-threaded server about a second each (rrule searches up
 * to the year 9999): the usual impossible combinations are refused at once (422 on `rrule`, saying
 * what to pick), and a user whose rule checks were slow five times in ten minutes gets 429 with
 * Retry-After on further rule checks (forced here by counting every check as slow), while other users
 * are unaffected. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { setSlowRuleCheckMs } from './rule-budget.ts'
import { api } from '../../test/helpers/calendar-api.ts'

eachDialect('calendar: impossible and costly repeat rules', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Rules' })).json.id
  })
  afterAll(async () => {
    setSlowRuleCheckMs(100)
    await p.stop()
  })

  const event = (c: Client, title: string, rrule: string, calendarId = calId) => api(c, 'POST', '/api/v1/calendar/events', { calendarId, title, timeZone: 'Europe/Berlin', start: '2027-01-04T09:00', end: '2027-01-04T10:00', rrule })

  test('combinations no year can match are refused at once, saying what to pick', async () => {
    const cases: [string, string][] = [
      ['FREQ=DAILY;BYMONTH=6;BYWEEKNO=1', 'This rule never repeats: week 1 of the year (BYWEEKNO) is never in BYMONTH=6. Pick months those weeks fall in (January, December), or leave out BYMONTH.'],
      ['FREQ=DAILY;BYMONTH=12;BYWEEKNO=-53', 'week -53 of the year (BYWEEKNO) is never in BYMONTH=12'],
      ['FREQ=YEARLY;BYWEEKNO=60', 'BYWEEKNO=60 is not a week of the year: use 1 to 53, or -1 to -53'],
      ['FREQ=DAILY;BYMONTH=1;BYYEARDAY=200', 'This rule never repeats: no day in BYYEARDAY=200 falls in BYMONTH=1 (January: days 1 to 31). Pick days of those months, or leave out BYMONTH.'],
      ['FREQ=DAILY;BYMONTH=3;BYYEARDAY=-1', 'no day in BYYEARDAY=-1 falls in BYMONTH=3 (March: days 60 to 91)'],
      ['FREQ=YEARLY;BYYEARDAY=400', 'BYYEARDAY=400 is not a day of the year: use 1 to 366, or -1 to -366'],
      ['FREQ=WEEKLY;BYDAY=MO;BYSETPOS=9', 'This rule never repeats: a week holds at most 1 of its times, so BYSETPOS=9 picks none. Use BYSETPOS=1 or -1.'],
      ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6', 'a month holds at most 5 of its times, so BYSETPOS=6 picks none. Use BYSETPOS from 1 to 5, or -1 to -5.'],
      ['FREQ=YEARLY;BYMONTH=1,7;BYSETPOS=3', 'a year holds at most 2 of its times'],
    ]
    for (const [rrule, message] of cases) {
      const r = await event(ada, 'Never', rrule)
      expect(r.status, rrule).toBe(422)
      expect(r.json.error.field, rrule).toBe('rrule')
      expect(r.json.error.message, rrule).toContain(message)
    }
    // the form shows it beside the rule, with what was typed
    await ada.get('/calendar/new')
    const res = await ada.post('/calendar/events', { calendarId: calId, title: 'Never', timeZone: 'UTC', startDate: '2027-01-04', startTime: '09:00', endDate: '2027-01-04', endTime: '10:00', repeat: 'custom', rrule: 'FREQ=DAILY;BYMONTH=6;BYWEEKNO=1' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('value="FREQ=DAILY;BYMONTH=6;BYWEEKNO=1"')
    expect(html).toContain('is never in BYMONTH=6')
  })

  test('the same parts in combinations some year matches are accepted', async () => {
    for (const rrule of [
      'FREQ=DAILY;BYMONTH=1;BYWEEKNO=1',
      // the last days of December can be in week 1 of the next year, the first of January in week 52 or 53
      'FREQ=DAILY;BYMONTH=12;BYWEEKNO=1',
      'FREQ=DAILY;BYMONTH=1;BYWEEKNO=53',
      'FREQ=DAILY;BYMONTH=2;BYYEARDAY=32',
      'FREQ=DAILY;BYMONTH=12;BYYEARDAY=-1',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=5',
      'FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=-2',
    ]) {
      const r = await event(ada, 'Sometimes', rrule)
      expect(r.status, rrule).toBe(201)
      expect(r.json.rrule, rrule).toBe(rrule)
    }
  })

  test("a user's sixth slow rule check in ten minutes is a 429 with Retry-After, before rrule runs; others are unaffected", async () => {
    setSlowRuleCheckMs(0) // every check counts as slow
    const ben = await p.member('member')
    const cleo = await p.member('member')
    for (const c of [ben.client, cleo.client]) await c.get('/calendar')
    const own = async (c: Client) => (await api(c, 'POST', '/api/v1/calendar/calendars', { name: 'Mine' })).json.id as string
    const [benCal, cleoCal] = [await own(ben.client), await own(cleo.client)]
    for (let i = 1; i <= 5; i++) expect((await event(ben.client, `Rule ${i}`, 'FREQ=WEEKLY;BYDAY=MO', benCal)).status).toBe(201)
    const sixth = await event(ben.client, 'Rule 6', 'FREQ=WEEKLY;BYDAY=MO', benCal)
    expect(sixth.status).toBe(429)
    expect(sixth.json.error).toEqual({ code: 'rate_limited', message: 'Too many complex repeat rules: try again in about 10 minutes.', field: 'rrule' })
    const retry = Number(sixth.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(500)
    expect(retry).toBeLessThanOrEqual(600)
    // the form comes back with the rule as typed, the reason beside it and Retry-After
    await ben.client.get('/calendar/new')
    const res = await ben.client.post('/calendar/events', { calendarId: benCal, title: 'Form rule', timeZone: 'UTC', startDate: '2027-01-04', startTime: '09:00', endDate: '2027-01-04', endTime: '10:00', repeat: 'custom', rrule: 'FREQ=MONTHLY' })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(500)
    const html = await res.text()
    expect(html).toContain('value="FREQ=MONTHLY"')
    expect(html).toContain('Too many complex repeat rules: try again in about 10 minutes.')
    // an .ics import skips its series and says why
    const form = new FormData()
    form.set('_csrf', ben.client.csrf)
    form.set('calendarId', benCal)
    form.set('timeZone', 'UTC')
    form.set('file', new File([['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:weekly@test', 'DTSTART:20270104T090000Z', 'DTEND:20270104T100000Z', 'RRULE:FREQ=WEEKLY', 'SUMMARY:Imported weekly', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')], 'cal.ics', { type: 'text/calendar' }))
    await ben.client.get('/calendar/calendars')
    const report = await (await ben.client.request('/calendar/import', { method: 'POST', body: form })).text()
    expect(report).toContain('0 imported, 1 skipped')
    expect(report).toContain('Too many complex repeat rules')
    // events without a rule are not limited; nothing of the refused ones was stored
    expect((await api(ben.client, 'POST', '/api/v1/calendar/events', { calendarId: benCal, title: 'Once', timeZone: 'UTC', start: '2027-01-05T09:00', end: '2027-01-05T10:00' })).status).toBe(201)
    const titles = (await api(ben.client, 'GET', `/api/v1/calendar/events?from=2027-01-01&to=2027-01-31&calendarId=${benCal}`)).json
    expect(JSON.stringify(titles)).toContain('Rule 5')
    expect(JSON.stringify(titles)).toContain('Once')
    expect(JSON.stringify(titles)).not.toContain('Rule 6')
    expect(JSON.stringify(titles)).not.toContain('Form rule')
    // another user has a budget of their own
    expect((await event(cleo.client, 'Cleo rule', 'FREQ=WEEKLY;BYDAY=MO', cleoCal)).status).toBe(201)
  })
})
