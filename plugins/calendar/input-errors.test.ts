/**
 * Bad input on calendar events: a calendar gone or read-only while the form was open and dates
 * outside 1900-2200 bring the form back (422) with every value typed, on the form, the JSON API and
 * .ics import; reminders say the time really left. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { definePlugin } from '../../core/plugins/contract.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { startsText } from './service.ts'
import { whenText } from './event-fields.ts'
import { api } from '../../test/helpers/calendar-api.ts'

const notified: { title: string; text?: string }[] = []
const notifyPlugin = definePlugin({
  id: 'cal-input-notify',
  name: 'Notify stub',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.provide('collaboration.notify', {
      async notify(input: { title: string; text?: string }) {
        notified.push(input)
      },
    })
  },
})

const FORM = { title: 'Offsite <planning>', location: 'Lisbon office', description: 'Bring the roadmap', timeZone: 'Europe/Berlin', startDate: '2026-11-23', startTime: '09:00', endDate: '2026-11-23', endTime: '10:00', reminders: '' }

test('reminder texts say the time really left, rounded to the minute', () => {
  expect(startsText(150_000)).toBe('Starts in 3 minutes')
  expect(startsText(61_000)).toBe('Starts in 1 minute')
  expect(startsText(20_000)).toBe('Starting now')
  expect(startsText(-20_000)).toBe('Starting now')
  expect(startsText(-10 * 60_000)).toBe('Started 10 minutes ago')
  expect(startsText(90 * 60_000)).toBe('Starts in 1 hour 30 minutes')
  expect(startsText(2 * 3_600_000)).toBe('Starts in 2 hours')
  expect(startsText(1439.9 * 60_000)).toBe('Starts in 1 day')
  expect(startsText(26 * 3_600_000 + 10 * 60_000)).toBe('Starts in 1 day 2 hours')
})

test('notification times read "Thu 3 Dec, 14:00 Europe/Berlin", with the year only when it is not this one', () => {
  const now = new Date('2026-11-25T12:00:00Z')
  expect(whenText(false, new Date('2026-12-03T13:00:00Z'), 'Europe/Berlin', now)).toBe('Thu 3 Dec, 14:00 Europe/Berlin')
  expect(whenText(false, new Date('2027-01-04T09:00:00Z'), 'UTC', now)).toBe('Mon 4 Jan 2027, 09:00 UTC')
  expect(whenText(true, new Date('2026-12-04T00:00:00Z'), 'UTC', now)).toBe('Fri 4 Dec, all day')
  // the wall clock of the event's zone decides the day: 23:30 UTC is already Friday in Berlin
  expect(whenText(false, new Date('2026-12-03T23:30:00Z'), 'Europe/Berlin', now)).toBe('Fri 4 Dec, 00:30 Europe/Berlin')
})

eachDialect('calendar input errors', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let bea: { user: { id: string }; client: Client }
  let calId = ''

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, notifyPlugin])
    ada = await p.adminClient()
    bea = await p.member('member')
    for (const c of [ada, bea.client]) await c.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Work' })).json.id
  })
  afterAll(() => p.stop())

  const kept = (html: string) => {
    expect(html).toContain('value="Offsite <planning>"')
    expect(html).toContain('value="Lisbon office"')
    expect(html).toContain('Bring the roadmap</textarea>')
  }

  test('a calendar deleted, unshared or made read-only while the form was open: the form comes back (422) with the error on the calendar', async () => {
    await ada.get('/calendar/new')
    let res = await ada.post('/calendar/events', { ...FORM, calendarId: '01999999-0000-7000-8000-000000000000' })
    expect(res.status).toBe(422)
    let html = await res.text()
    kept(html)
    expect(html).toContain('<select id="f-calendarId" name="calendarId" aria-invalid="true">')
    expect(html).toContain('<small class="field-error">This calendar no longer exists or is not shared with you: choose another calendar.</small>')
    // shared with Bea for editing, then only for reading while her form was open
    expect((await api(ada, 'POST', `/api/v1/calendar/calendars/${calId}/shares`, { userId: bea.user.id, access: 'edit' })).status).toBeLessThan(300)
    await bea.client.get('/calendar/new')
    expect((await api(ada, 'POST', `/api/v1/calendar/calendars/${calId}/shares`, { userId: bea.user.id, access: 'read' })).status).toBeLessThan(300)
    res = await bea.client.post('/calendar/events', { ...FORM, calendarId: calId })
    expect(res.status).toBe(422)
    html = await res.text()
    kept(html)
    expect(html).toContain('<small class="field-error">You may not add events to this calendar: choose another calendar.</small>')
    // the JSON API: not found (another organization's ids are simply unknown), saying what to do
    const r = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: 'gone', title: 'x', timeZone: 'UTC', start: '2026-12-01T10:00', end: '2026-12-01T11:00' })
    expect(r.status).toBe(404)
    expect(r.json.error.message).toContain('choose another calendar')
  })

  test('dates outside 1900-2200 are refused on the form (values kept), the API and .ics import', async () => {
    await ada.get('/calendar/new')
    let res = await ada.post('/calendar/events', { ...FORM, calendarId: calId, startDate: '0001-01-01', endDate: '0001-01-01' })
    expect(res.status).toBe(422)
    let html = await res.text()
    kept(html)
    expect(html).toContain('value="0001-01-01"')
    expect(html).toContain('Enter a start date between 1900-01-01 and 2200-12-31.')
    res = await ada.post('/calendar/events', { ...FORM, calendarId: calId, endDate: '2201-01-01' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Enter an end date between 1900-01-01 and 2200-12-31.')
    for (const start of ['0001-01-01T10:00', '1899-12-31T23:00', '2201-01-01T00:00']) {
      const r = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Typo', timeZone: 'UTC', start, end: start.replace(/T.*/, 'T23:30') })
      expect(r.status, start).toBe(422)
      expect(r.json.error.message).toContain('1900-01-01 and 2200-12-31')
    }
    // the edges are fine
    expect((await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Edge', timeZone: 'UTC', start: '1900-01-01T10:00', end: '1900-01-01T11:00' })).status).toBe(201)
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:ancient@test',
      'DTSTART:00010101T100000Z',
      'DTEND:00010101T110000Z',
      'SUMMARY:Ancient typo',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:fine@test',
      'DTSTART:20261105T100000Z',
      'DTEND:20261105T110000Z',
      'SUMMARY:Fine import',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n')
    await ada.get('/calendar/calendars')
    const form = new FormData()
    form.set('_csrf', ada.csrf)
    form.set('calendarId', calId)
    form.set('timeZone', 'UTC')
    form.set('file', new File([ics], 'cal.ics', { type: 'text/calendar' }))
    res = await ada.request('/calendar/import', { method: 'POST', body: form })
    html = await res.text()
    expect(html).toContain('1 imported, 1 skipped')
    expect(html).toContain('Ancient typo')
    expect(html).toContain('between 1900-01-01 and 2200-12-31')
    const feed = await api(ada, 'GET', '/api/v1/calendar/events?from=1900-01-01&to=1900-12-31')
    expect(feed.status).toBe(200)
    expect((feed.json.items as { title: string }[]).map((i) => i.title)).toEqual(['Edge'])
  })

  test('a reminder of an event made 2.5 minutes before its start says "Starts in 3 minutes", not the reminder\'s 5', async () => {
    // made at 10:00:30 for 10:03 (times are to the minute), the reminder 5 minutes before is due at once
    const now = Date.parse('2031-05-05T10:00:30Z')
    const start = Date.parse('2031-05-05T10:03:00Z')
    const r = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Quick sync', timeZone: 'UTC', start: new Date(start).toISOString(), end: new Date(start + 1_800_000).toISOString(), reminders: [5] })
    expect(r.status).toBe(201)
    await p.host.service<{ pass(now?: Date): Promise<unknown> }>('calendar.reminders')!.pass(new Date(now))
    const sent = notified.filter((n) => n.title === 'Reminder: Quick sync')
    expect(sent.length).toBe(1)
    expect(sent[0]!.text).toStartWith('Starts in 3 minutes: ')
    notified.length = 0
  })
})
