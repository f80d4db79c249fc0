/**
 * The event form's reminders (both dialects): checkboxes of common lead times instead of a free-text
 * "minutes, comma separated" field; an event's other lead times (set through the JSON API) show as
 * checked extra boxes so saving the form keeps them; "Other" adds one; a 422 comes back with the
 * user's choices; the JSON API still takes and gives the list of minutes.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { KEPT_REMINDERS, postedReminders, reminderLabel, splitReminders } from './views/reminders.tsx'
import { api } from '../../test/helpers/calendar-api.ts'

/** The reminder checkboxes of a form page: label -> checked. */
function reminderBoxes(html: string): Record<string, boolean> {
  const set = html.slice(html.indexOf('<fieldset class="cal-reminders"'), html.indexOf('</fieldset>', html.indexOf('<fieldset class="cal-reminders"')))
  const out: Record<string, boolean> = {}
  for (const m of set.matchAll(/<label><input type="checkbox" name="reminders" value="(\d+)"( checked)?\/?><span>([^<]+)<\/span><\/label>/g)) out[`${m[1]} ${m[3]}`] = !!m[2]
  return out
}

const FORM = { title: 'Review', timeZone: 'UTC', startDate: '2027-02-03', startTime: '10:00', endDate: '2027-02-03', endTime: '11:00' }

test('lead times read as people say them', () => {
  expect([0, 5, 60, 90, 1440, 2880, 10080, 10170].map(reminderLabel)).toEqual([
    'At time of event',
    '5 minutes before',
    '1 hour before',
    '1 hour 30 minutes before',
    '1 day before',
    '2 days before',
    '1 week before',
    '1 week 1 hour 30 minutes before',
  ])
  expect(splitReminders('60, 10 abc 10')).toEqual({ minutes: [10, 60], rest: 'abc', chosen: 2 })
  // a lead time past 4 weeks is not one: it stays as typed, for the refusal to name it
  expect(splitReminders('10 99999')).toEqual({ minutes: [10], rest: '99999', chosen: 1 })
})

test('a form keeps at most KEPT_REMINDERS distinct lead times, counting all it was sent', () => {
  const posted = Array.from({ length: 100_000 }, (_, i) => String(99_999 - i))
  const { value, chosen } = postedReminders([posted.join(','), ...posted])
  expect(chosen).toBe(40321) // 0 to 40320 minutes
  expect(value.split(', ').filter((p) => /^\d+$/.test(p))).toHaveLength(KEPT_REMINDERS)
  // the numbers past 40320 are kept as "Other" text (the first few), for the error to name one
  expect(value.split(', ').at(-1)).toBe('99999 99998 99997 99996 99995')
})

eachDialect('calendar reminder choices', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId = ''

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Work' })).json.id
  })
  afterAll(() => p.stop())

  test('the new-event form offers the common lead times, none ticked, and an "Other" box', async () => {
    const html = (await ada.get('/calendar/new')).html
    expect(reminderBoxes(html)).toEqual({
      '0 At time of event': false,
      '5 5 minutes before': false,
      '10 10 minutes before': false,
      '15 15 minutes before': false,
      '30 30 minutes before': false,
      '60 1 hour before': false,
      '1440 1 day before': false,
      '10080 1 week before': false,
    })
    expect(html).toContain('<span>Other (minutes before)</span><input type="number" name="reminders" value=""')
    expect(html).not.toContain('comma separated')
  })

  test('ticked boxes and "Other" save as the list of minutes; the edit form shows them ticked', async () => {
    await ada.get('/calendar/new')
    const res = await ada.post('/calendar/events', { ...FORM, calendarId: calId, reminders: ['10', '1440', '45', ''] })
    expect(res.status).toBe(303)
    const id = res.headers.get('location')!.split('/').pop()!
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).json.reminders).toEqual([10, 45, 1440])
    const boxes = reminderBoxes((await ada.get(`/calendar/events/${id}/edit`)).html)
    expect(boxes['10 10 minutes before']).toBe(true)
    expect(boxes['1440 1 day before']).toBe(true)
    // the typed 45 is now one of the event's own lead times: a ticked box of its own
    expect(boxes['45 45 minutes before']).toBe(true)
    expect(boxes['60 1 hour before']).toBe(false)
  })

  test("an event's other lead times (set through the API) are ticked extra boxes, and saving the form keeps them", async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Trip', timeZone: 'UTC', start: '2027-02-04T09:00', end: '2027-02-04T10:00', reminders: [90, 2880] })
    expect(made.status).toBe(201)
    expect(made.json.reminders).toEqual([90, 2880])
    const boxes = reminderBoxes((await ada.get(`/calendar/events/${made.json.id}/edit`)).html)
    expect(Object.entries(boxes).filter(([, on]) => on).map(([k]) => k)).toEqual(['90 1 hour 30 minutes before', '2880 2 days before'])
    expect(Object.keys(boxes)).toHaveLength(10)
    // a browser sends the ticked boxes back (and the empty "Other"), plus the one the user ticked
    const res = await ada.post(`/calendar/events/${made.json.id}`, { ...FORM, title: 'Trip', calendarId: calId, startDate: '2027-02-04', startTime: '09:00', endDate: '2027-02-04', endTime: '10:00', reminders: ['15', '90', '2880', ''] })
    expect(res.status).toBe(303)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${made.json.id}`)).json.reminders).toEqual([15, 90, 2880])
  })

  test('bad choices come back (422) with what the user ticked and typed, the error beside them', async () => {
    await ada.get('/calendar/new')
    let res = await ada.post('/calendar/events', { ...FORM, calendarId: calId, reminders: ['0', '5', '10', '15', '30', '60'] })
    expect(res.status).toBe(422)
    let html = await res.text()
    expect(html).toContain('<small id="f-reminders-error" class="field-error">Choose at most 5 reminders (6 chosen).</small>')
    const boxes = reminderBoxes(html)
    expect(Object.entries(boxes).filter(([, on]) => on).map(([k]) => k.split(' ')[0])).toEqual(['0', '5', '10', '15', '30', '60'])
    expect(html).toContain('value="Review"')
    // "Other" typed wrong: kept as typed (a text box, or the browser would drop it), 10 still ticked
    res = await ada.post('/calendar/events', { ...FORM, calendarId: calId, reminders: ['10', 'soon'] })
    expect(res.status).toBe(422)
    html = await res.text()
    expect(html).toContain('Enter each reminder as a whole number of minutes before the start, 0 to 40320 (4 weeks): &quot;soon&quot; is not one.')
    expect(html).toContain('<input type="text" name="reminders" value="soon"')
    expect(reminderBoxes(html)['10 10 minutes before']).toBe(true)
    // the same lead time ticked and typed counts once
    res = await ada.post('/calendar/events', { ...FORM, calendarId: calId, reminders: ['10', '10'] })
    expect(res.status).toBe(303)
  })

  test('a flood of lead times (one "10, 60"-style value or 50,000 boxes) is a small 422 saying at most 5, on the new and the edit form; past the 1 MB body limit a 413', async () => {
    // 50,000 boxes stay under the 1 MB limit on a form's body (core/http/body-limit.ts)
    const flood = Array.from({ length: 50_000 }, (_, i) => String(i))
    await ada.get('/calendar/new')
    const huge = Array.from({ length: 100_000 }, (_, i) => String(i))
    expect((await ada.post('/calendar/events', { ...FORM, calendarId: calId, reminders: huge })).status).toBe(413)
    for (const reminders of [flood.join(','), flood]) {
      const res = await ada.post('/calendar/events', { ...FORM, calendarId: calId, reminders })
      expect(res.status).toBe(422)
      const html = await res.text()
      expect(html.length).toBeLessThan(200_000)
      expect(html).toContain('<small id="f-reminders-error" class="field-error">Choose at most 5 reminders (40321 chosen).</small>')
      // every lead time from 0 to 40320 counts (the larger numbers are no lead times); the 8 common
      // ones and at most KEPT_REMINDERS others are drawn, the kept ones ticked
      const boxes = reminderBoxes(html)
      expect(Object.keys(boxes).length).toBeLessThanOrEqual(8 + KEPT_REMINDERS)
      expect(Object.values(boxes).filter(Boolean)).toHaveLength(KEPT_REMINDERS)
      expect(html).toContain('value="Review"')
    }
    // the edit form (every scope reads the same form) refuses it the same way, and saves nothing
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Weekly', timeZone: 'UTC', start: '2027-02-08T09:00', end: '2027-02-08T10:00', rrule: 'FREQ=WEEKLY', reminders: [10] })
    await ada.get(`/calendar/events/${made.json.id}/edit`)
    for (const scope of ['all', 'following', 'this']) {
      const res = await ada.post(`/calendar/events/${made.json.id}`, { ...FORM, title: 'Weekly', calendarId: calId, startDate: '2027-02-08', startTime: '09:00', endDate: '2027-02-08', endTime: '10:00', rrule: 'FREQ=WEEKLY', scope, occurrence: '2027-02-15T09:00:00.000Z', reminders: flood.join(',') })
      expect(res.status).toBe(422)
      const html = await res.text()
      expect(html.length).toBeLessThan(200_000)
      expect(html).toContain('Choose at most 5 reminders (40321 chosen).')
    }
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${made.json.id}`)).json.reminders).toEqual([10])
    // a few custom lead times still save and come back ticked
    const res = await ada.post(`/calendar/events/${made.json.id}`, { ...FORM, title: 'Weekly', calendarId: calId, startDate: '2027-02-08', startTime: '09:00', endDate: '2027-02-08', endTime: '10:00', rrule: 'FREQ=WEEKLY', scope: 'all', reminders: ['10', '45', '2880', '7'] })
    expect(res.status).toBe(303)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${made.json.id}`)).json.reminders).toEqual([7, 10, 45, 2880])
    const boxes = reminderBoxes((await ada.get(`/calendar/events/${made.json.id}/edit`)).html)
    expect(Object.entries(boxes).filter(([, on]) => on).map(([k]) => k)).toEqual(['7 7 minutes before', '10 10 minutes before', '45 45 minutes before', '2880 2 days before'])
  })

  test('the JSON API keeps taking the list of minutes and refusing what is not one', async () => {
    const bad = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'x', timeZone: 'UTC', start: '2027-02-05T09:00', end: '2027-02-05T10:00', reminders: '10, 60' })
    expect(bad.status).toBe(422)
    expect(bad.json.error.message).toBe('Send reminders as a list of minutes.')
    const good = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'x', timeZone: 'UTC', start: '2027-02-05T09:00', end: '2027-02-05T10:00', reminders: [60, 10] })
    expect(good.json.reminders).toEqual([10, 60])
  })
})
