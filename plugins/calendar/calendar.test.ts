import { afterAll, beforeAll, expect, test } from 'bun:test'
import ICAL from 'ical.js'
import { definePlugin } from '../../core/plugins/contract.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

const notified: { orgId: string; userIds: string[]; title: string; text?: string; href?: string }[] = []

/** Provides collaboration.notify and records calls. */
const notifyPlugin = definePlugin({
  id: 'cal-test-notify',
  name: 'Notify stub',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.provide('collaboration.notify', {
      async notify(input: (typeof notified)[number]) {
        notified.push(input)
      },
    })
  },
})

/** A calendar.source layer with one item on 2026-11-25. */
const sourcePlugin = definePlugin({
  id: 'cal-test-source',
  name: 'Source stub',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.contribute('calendar.source', {
      id: 'due',
      label: 'Due dates',
      color: '#ff0000',
      async items(range) {
        const at = new Date('2026-11-25T12:00:00Z')
        return at >= range.from && at < range.to ? [{ id: 'x1', title: 'Layer item WEB-1', start: at, allDay: false, href: '/planning/x1' }] : []
      },
    })
  },
})

function idFrom(res: Response): string {
  const loc = res.headers.get('location') ?? ''
  const m = /\/calendar\/events\/([^?/]+)/.exec(loc)
  if (!m) throw new Error(`no event id in ${loc} (status ${res.status})`)
  return m[1]!
}

const EVENT = {
  title: 'Weekly sync',
  timeZone: 'Europe/Berlin',
  startDate: '2026-11-23',
  startTime: '09:00',
  endDate: '2026-11-23',
  endTime: '09:30',
  repeat: 'custom',
  rrule: 'FREQ=WEEKLY;BYDAY=MO,WE',
  location: 'Room 1',
  description: '',
  reminders: '',
}

async function range(c: Client, from: string, to: string, title?: string) {
  const r = await api(c, 'GET', `/api/v1/calendar/events?from=${from}&to=${to}`)
  expect(r.status).toBe(200)
  return (r.json.items as any[]).filter((i) => !title || i.title.startsWith(title))
}

eachDialect('calendar plugin', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let member: { user: { id: string; name: string }; client: Client }
  let other: { user: { id: string; name: string }; client: Client }
  let guest: { user: { id: string }; client: Client }
  let calId: string
  let weeklyId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, notifyPlugin, sourcePlugin])
    ada = await p.adminClient()
    member = await p.member('member')
    other = await p.member('member')
    guest = await p.member('guest')
    for (const c of [ada, member.client, other.client, guest.client]) await c.get('/calendar')
    const r = await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Work', color: '#2563eb' })
    expect(r.status).toBe(201)
    calId = r.json.id
  })
  afterAll(async () => {
    await p.stop()
  })

  test('a weekly event shows up in the week view and the JSON range (09:00 Berlin = 08:00Z in winter)', async () => {
    await ada.get('/calendar/new?date=2026-11-23&time=09:00')
    const res = await ada.post('/calendar/events', { ...EVENT, calendarId: calId })
    expect(res.status).toBe(303)
    weeklyId = idFrom(res)
    const { res: page, html } = await ada.get('/calendar?view=week&date=2026-11-25&tz=Europe/Berlin')
    expect(page.status).toBe(200)
    expect(html.split('>Weekly sync<').length - 1).toBe(2)
    // (a half-hour piece is one row: its end is in a span shown on hover, "Weekly sync 09:00" fits a column)
    expect(html).toContain('<span class="cal-time">09:00<span class="cal-end">&ndash;09:30</span></span>')
    // each slot is a link to the form, prefilled
    expect(html).toContain(`href="/calendar/new?date=2026-11-25&time=09:00"`)
    const occ = await range(ada, '2026-11-23', '2026-12-07', 'Weekly sync')
    expect(occ.map((o) => o.start)).toEqual(['2026-11-23T08:00:00.000Z', '2026-11-25T08:00:00.000Z', '2026-11-30T08:00:00.000Z', '2026-12-02T08:00:00.000Z'])
    expect(occ[0].end).toBe('2026-11-23T08:30:00.000Z')
    expect(occ[0].timeZone).toBe('Europe/Berlin')
    // in summer the same wall time is 07:00Z
    const summer = await range(ada, '2027-06-07', '2027-06-10', 'Weekly sync')
    expect(summer[0].start).toBe('2027-06-07T07:00:00.000Z')
    // month, day and agenda views render too
    for (const view of ['month', 'day', 'agenda']) {
      const { res: r, html: h } = await ada.get(`/calendar?view=${view}&date=2026-11-25&tz=Europe/Berlin`)
      expect(r.status).toBe(200)
      expect(h).toContain('Weekly sync')
    }
  })

  test('EXDATE removes one occurrence; an override changes one', async () => {
    await ada.get(`/calendar/events/${weeklyId}?occurrence=2026-11-25T08:00:00.000Z`)
    const del = await ada.post(`/calendar/events/${weeklyId}/delete`, { scope: 'this', occurrence: '2026-11-25T08:00:00.000Z' })
    expect(del.status).toBe(303)
    let occ = await range(ada, '2026-11-23', '2026-12-07', 'Weekly sync')
    expect(occ.map((o) => o.start)).toEqual(['2026-11-23T08:00:00.000Z', '2026-11-30T08:00:00.000Z', '2026-12-02T08:00:00.000Z'])
    const { html } = await ada.get(`/calendar/events/${weeklyId}/edit?occurrence=2026-11-30T08:00:00.000Z`)
    expect(html).toContain('value="2026-11-30"')
    const res = await ada.post(`/calendar/events/${weeklyId}`, { ...EVENT, calendarId: calId, scope: 'this', occurrence: '2026-11-30T08:00:00.000Z', title: 'Weekly sync (moved)', startDate: '2026-11-30', endDate: '2026-11-30', startTime: '11:00', endTime: '11:30' })
    expect(res.status).toBe(303)
    occ = await range(ada, '2026-11-23', '2026-12-07', 'Weekly sync')
    expect(occ.map((o) => [o.start, o.title, o.overridden])).toEqual([
      ['2026-11-23T08:00:00.000Z', 'Weekly sync', false],
      ['2026-11-30T10:00:00.000Z', 'Weekly sync (moved)', true],
      ['2026-12-02T08:00:00.000Z', 'Weekly sync', false],
    ])
    expect(occ[1].originalStart).toBe('2026-11-30T08:00:00.000Z')
    const ev = await api(ada, 'GET', `/api/v1/calendar/events/${weeklyId}`)
    expect(ev.json.exdates).toEqual(['2026-11-25T08:00:00.000Z'])
    expect(ev.json.overrides).toHaveLength(1)
  })

  test('the subscription feed parses back with RRULE, EXDATE and the override; revoked -> 404', async () => {
    await ada.get('/calendar/calendars')
    const made = await ada.post('/calendar/feed-token')
    expect(made.status).toBe(200)
    const html = await made.text()
    const m = /https?:\/\/[^<\s]+\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(html)
    expect(m).not.toBeNull()
    expect(html).toContain('webcal://')
    const token = m![1]!
    const anon = p.client()
    const feed = await anon.request(`/calendar/feed/${token}.ics`)
    expect(feed.status).toBe(200)
    expect(feed.headers.get('content-type')).toContain('text/calendar')
    const text = await feed.text()
    const root = new ICAL.Component(ICAL.parse(text) as never)
    for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz)
    const vevents = root.getAllSubcomponents('vevent').filter((v) => String(v.getFirstPropertyValue('summary')).startsWith('Weekly sync'))
    const masterComp = vevents.find((v) => !v.hasProperty('recurrence-id'))!
    expect(String(masterComp.getFirstPropertyValue('rrule'))).toContain('FREQ=WEEKLY')
    expect(String(masterComp.getFirstPropertyValue('rrule'))).toContain('BYDAY=MO,WE')
    expect(masterComp.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Berlin')
    const exdate = masterComp.getFirstPropertyValue('exdate') as unknown as InstanceType<typeof ICAL.Time>
    expect(exdate.toJSDate().toISOString()).toBe('2026-11-25T08:00:00.000Z')
    const master = new ICAL.Event(masterComp)
    for (const v of vevents) if (v.hasProperty('recurrence-id')) master.relateException(new ICAL.Event(v))
    const it = master.iterator()
    const seen: string[] = []
    for (let next = it.next(); next && seen.length < 10; next = it.next()) {
      const d = master.getOccurrenceDetails(next)
      const start = d.startDate.toJSDate()
      if (start.getTime() >= Date.parse('2026-12-07')) break
      seen.push(`${start.toISOString()} ${d.item.summary}`)
    }
    expect(seen).toEqual(['2026-11-23T08:00:00.000Z Weekly sync', '2026-11-30T10:00:00.000Z Weekly sync (moved)', '2026-12-02T08:00:00.000Z Weekly sync'])
    // regenerate: the old address stops working
    const again = await ada.post('/calendar/feed-token')
    const token2 = /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(await again.text())![1]!
    expect((await anon.request(`/calendar/feed/${token}.ics`)).status).toBe(404)
    expect((await anon.request(`/calendar/feed/${token2}.ics`)).status).toBe(200)
    await ada.get('/calendar/calendars')
    expect((await ada.post('/calendar/feed-token/delete')).status).toBe(303)
    expect((await anon.request(`/calendar/feed/${token2}.ics`)).status).toBe(404)
    expect((await anon.request('/calendar/feed/nonsense.ics')).status).toBe(404)
  })

  test('"this and following" splits the series', async () => {
    const created = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Split me', timeZone: 'UTC', start: '2026-11-02T10:00', end: '2026-11-02T10:30', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR' })
    expect(created.status).toBe(201)
    const id = created.json.id
    await ada.get(`/calendar/events/${id}/edit?occurrence=2026-11-13T10:00:00.000Z`)
    const res = await ada.post(`/calendar/events/${id}`, { ...EVENT, calendarId: calId, timeZone: 'UTC', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', title: 'Split me v2', scope: 'following', occurrence: '2026-11-13T10:00:00.000Z', startDate: '2026-11-13', endDate: '2026-11-13', startTime: '11:00', endTime: '11:30' })
    expect(res.status).toBe(303)
    const newId = idFrom(res)
    expect(newId).not.toBe(id)
    const occ = await range(ada, '2026-11-02', '2026-11-21', 'Split me')
    expect(occ.map((o) => `${o.start.slice(5, 16)} ${o.title}`)).toEqual([
      '11-02T10:00 Split me',
      '11-04T10:00 Split me',
      '11-06T10:00 Split me',
      '11-09T10:00 Split me',
      '11-11T10:00 Split me',
      '11-13T11:00 Split me v2',
      '11-16T11:00 Split me v2',
      '11-18T11:00 Split me v2',
      '11-20T11:00 Split me v2',
    ])
    const old = await api(ada, 'GET', `/api/v1/calendar/events/${id}`)
    expect(old.json.rrule).toContain('UNTIL=20261113T095959Z')
    const fresh = await api(ada, 'GET', `/api/v1/calendar/events/${newId}`)
    expect(fresh.json.seriesId).toBe(id)
    // deleting "this and following" ends the new series
    const del = await api(ada, 'DELETE', `/api/v1/calendar/events/${newId}?scope=following&occurrence=2026-11-18T11:00:00.000Z`)
    expect(del.status).toBe(200)
    const after = await range(ada, '2026-11-13', '2026-11-30', 'Split me v2')
    expect(after.map((o) => o.start.slice(5, 10))).toEqual(['11-13', '11-16'])
    // "all" moves every occurrence
    const all = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'all', occurrence: '2026-11-04T10:00:00.000Z', start: '2026-11-04T12:00', end: '2026-11-04T12:30' })
    expect(all.status).toBe(200)
    const moved = await range(ada, '2026-11-02', '2026-11-07', 'Split me')
    expect(moved.map((o) => o.start.slice(5, 16))).toEqual(['11-02T12:00', '11-04T12:00', '11-06T12:00'])
  })

  test('all-day events are dates; timed ones carry their zone', async () => {
    const r = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Offsite', allDay: true, start: '2026-12-07', end: '2026-12-09' })
    expect(r.status).toBe(201)
    const occ = await range(ada, '2026-12-01', '2026-12-31', 'Offsite')
    expect(occ).toHaveLength(1)
    expect(occ[0]).toMatchObject({ allDay: true, start: '2026-12-07T00:00:00.000Z', end: '2026-12-09T00:00:00.000Z', startDate: '2026-12-07', endDate: '2026-12-09' })
    // an all-day event stays on its date in any viewer zone
    const { html } = await ada.get('/calendar?view=week&date=2026-12-08&tz=America/Los_Angeles')
    // (one bar across Monday and Tuesday in the week's all-day row)
    expect(html.split('>Offsite<').length - 1).toBe(1)
    expect(html).toMatch(/class="cal-item cal-bar cal-span-2" [^>]*title="Offsite, Monday 7 December 2026 to Tuesday 8 December 2026 \(/)
    const timed = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'NY call', timeZone: 'America/New_York', start: '2026-12-10T09:00', end: '2026-12-10T10:00' })
    expect(timed.json.start).toBe('2026-12-10T14:00:00.000Z')
  })

  test('import of a valid .ics creates events; a broken file is a 422', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:imp-1@test',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;TZID=America/New_York:20261102T090000',
      'DTEND;TZID=America/New_York:20261102T100000',
      'RRULE:FREQ=DAILY;COUNT=3',
      'EXDATE;TZID=America/New_York:20261103T090000',
      'SUMMARY:Imported daily',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:imp-2@test',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;VALUE=DATE:20261105',
      'SUMMARY:Imported holiday',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:imp-3@test',
      'SUMMARY:Imported without start',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n')
    const upload = async (content: string) => {
      await ada.get('/calendar/calendars')
      const form = new FormData()
      form.set('_csrf', ada.csrf)
      form.set('calendarId', calId)
      form.set('timeZone', 'UTC')
      form.set('file', new File([content], 'cal.ics', { type: 'text/calendar' }))
      const res = await ada.request('/calendar/import', { method: 'POST', body: form })
      return { status: res.status, html: await res.text() }
    }
    const ok = await upload(ics)
    expect(ok.status).toBe(200)
    expect(ok.html).toContain('2 imported, 1 skipped')
    expect(ok.html).toContain('Imported without start')
    const occ = await range(ada, '2026-11-01', '2026-11-10', 'Imported')
    expect(occ.map((o) => `${o.start} ${o.title}`)).toEqual(['2026-11-02T14:00:00.000Z Imported daily', '2026-11-04T14:00:00.000Z Imported daily', '2026-11-05T00:00:00.000Z Imported holiday'])
    const again = await upload(ics)
    expect(again.html).toContain('0 imported, 3 skipped')
    const bad = await upload('this is not a calendar at all')
    expect(bad.status).toBe(422)
    expect(bad.html).toContain('not an iCalendar file')
    const empty = await upload('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n')
    expect(empty.status).toBe(422)
    expect(empty.html).toContain('no events')
  })

  test('attendees answer for themselves; invited events show up for them', async () => {
    const r = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Planning', timeZone: 'UTC', start: '2026-12-14T10:00', end: '2026-12-14T11:00', attendees: [member.user.id] })
    expect(r.status).toBe(201)
    expect(r.json.attendees).toEqual([{ userId: member.user.id, name: member.user.name, rsvp: 'needs-action' }])
    const id = r.json.id
    expect((await range(member.client, '2026-12-14', '2026-12-15', 'Planning')).length).toBe(1)
    const { html } = await member.client.get(`/calendar/events/${id}`)
    expect(html).toContain('Going?')
    const res = await member.client.post(`/calendar/events/${id}/rsvp`, { rsvp: 'accepted' })
    expect(res.status).toBe(303)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).json.attendees[0].rsvp).toBe('accepted')
    // not invited: no answer; invited but not an editor: cannot change the event
    expect((await api(other.client, 'POST', `/api/v1/calendar/events/${id}/rsvp`, { rsvp: 'accepted' })).status).toBe(404)
    expect((await api(member.client, 'PATCH', `/api/v1/calendar/events/${id}`, { title: 'Hijack' })).status).toBe(403)
    expect((await api(member.client, 'POST', `/api/v1/calendar/events/${id}/rsvp`, { rsvp: 'maybe' })).status).toBe(422)

    // on a weekly series, answering on the third occurrence comes back to that occurrence
    const weekly = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Weekly sync', timeZone: 'UTC', start: '2026-12-14T09:00', end: '2026-12-14T09:30', rrule: 'FREQ=WEEKLY;COUNT=4', attendees: [member.user.id] })
    expect(weekly.status).toBe(201)
    const third = '2026-12-28T09:00:00.000Z'
    const page = await member.client.get(`/calendar/events/${weekly.json.id}?occurrence=${encodeURIComponent(third)}`)
    expect(page.html).toContain(`name="occurrence" value="${third}"`)
    const answered = await member.client.post(`/calendar/events/${weekly.json.id}/rsvp`, { rsvp: 'tentative', occurrence: third })
    expect(answered.status).toBe(303)
    expect(answered.headers.get('location')).toBe(`/calendar/events/${weekly.json.id}?occurrence=${encodeURIComponent(third)}`)
  })

  test('reminders notify the right users once, and nothing breaks without collaboration.notify', async () => {
    const start = new Date(Date.now() + 5 * 60_000).toISOString()
    const end = new Date(Date.now() + 35 * 60_000).toISOString()
    const r = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Soon', timeZone: 'UTC', start, end, attendees: [member.user.id, other.user.id], reminders: [10] })
    expect(r.status).toBe(201)
    await api(other.client, 'POST', `/api/v1/calendar/events/${r.json.id}/rsvp`, { rsvp: 'declined' })
    const reminders = p.host.service<{ runDue(now?: Date): Promise<number> }>('calendar.reminders')!
    notified.length = 0
    expect(await reminders.runDue()).toBe(1)
    expect(notified).toHaveLength(1)
    expect(notified[0]!.title).toBe('Reminder: Soon')
    expect(notified[0]!.orgId).toBe(p.org!.id)
    expect(notified[0]!.userIds.sort()).toEqual([p.admin!.id, member.user.id].sort())
    expect(notified[0]!.href).toContain(`/calendar/events/${r.json.id}`)
    expect(await reminders.runDue()).toBe(0)
    await p.host.disable('cal-test-notify')
    try {
      await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Soon 2', timeZone: 'UTC', start, end, reminders: [10] })
      expect(await reminders.runDue()).toBe(0)
    } finally {
      await p.host.enable('cal-test-notify')
    }
  })

  test('a calendar.source layer shows up and can be toggled off', async () => {
    let { html } = await ada.get('/calendar?view=week&date=2026-11-25&tz=UTC')
    expect(html).toContain('Layer item WEB-1')
    expect(html).toContain('data-color="#ff0000"')
    expect(html).toContain('value="src:cal-test-source:due"')
    const res = await ada.post('/calendar/layers', { all: ['src:cal-test-source:due', `cal:${calId}`], shown: [`cal:${calId}`], back: '/calendar?view=week&date=2026-11-25' })
    expect(res.status).toBe(303)
    ;({ html } = await ada.get('/calendar?view=week&date=2026-11-25&tz=UTC'))
    expect(html).not.toContain('Layer item WEB-1')
    expect(html).toContain('Weekly sync')
    await ada.post('/calendar/layers', { all: ['src:cal-test-source:due', `cal:${calId}`], shown: ['src:cal-test-source:due'] })
    ;({ html } = await ada.get('/calendar?view=week&date=2026-11-25&tz=UTC'))
    expect(html).toContain('Layer item WEB-1')
    expect(html).not.toContain('>Weekly sync<')
    await ada.post('/calendar/layers', { all: ['src:cal-test-source:due', `cal:${calId}`], shown: ['src:cal-test-source:due', `cal:${calId}`] })
  })

  test('sharing: read lets a member see, edit lets them change', async () => {
    expect((await range(other.client, '2026-11-23', '2026-11-24', 'Weekly sync')).length).toBe(0)
    expect((await api(ada, 'POST', `/api/v1/calendar/calendars/${calId}/shares`, { userId: other.user.id, access: 'read' })).status).toBe(200)
    expect((await range(other.client, '2026-11-23', '2026-11-24', 'Weekly sync')).length).toBe(1)
    expect((await api(other.client, 'PATCH', `/api/v1/calendar/events/${weeklyId}`, { location: 'Room 2' })).status).toBe(403)
    await api(ada, 'POST', `/api/v1/calendar/calendars/${calId}/shares`, { userId: other.user.id, access: 'edit' })
    const ok = await api(other.client, 'PATCH', `/api/v1/calendar/events/${weeklyId}`, { location: 'Room 2' })
    expect(ok.status).toBe(200)
    expect(ok.json.location).toBe('Room 2')
    // the owner's calendar list marks it shared for the other member
    const list = await api(other.client, 'GET', '/api/v1/calendar/calendars')
    expect(list.json.items.find((c: any) => c.id === calId)).toMatchObject({ shared: true, canEdit: true, canManage: false })
  })

  test('guests read but cannot write (403); organization calendars need admins', async () => {
    const g = guest.client
    expect((await g.get('/calendar')).res.status).toBe(200)
    expect((await api(g, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'x', timeZone: 'UTC', start: '2026-12-01T10:00', end: '2026-12-01T11:00' })).status).toBe(403)
    expect((await g.post('/calendar/events', { ...EVENT, calendarId: calId })).status).toBe(403)
    expect((await g.get('/calendar/new')).res.status).toBe(403)
    expect((await api(member.client, 'POST', '/api/v1/calendar/calendars', { name: 'Company', ownerKind: 'org' })).status).toBe(403)
    const org = await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Company', ownerKind: 'org' })
    expect(org.status).toBe(201)
    // organization calendars are visible to guests and writable by members
    const gl = await api(g, 'GET', '/api/v1/calendar/calendars')
    expect(gl.json.items.map((c: any) => c.id)).toContain(org.json.id)
    expect((await api(member.client, 'POST', '/api/v1/calendar/events', { calendarId: org.json.id, title: 'All hands', timeZone: 'UTC', start: '2026-12-01T10:00', end: '2026-12-01T11:00' })).status).toBe(201)
    expect((await range(g, '2026-12-01', '2026-12-02', 'All hands')).length).toBe(1)
  })

  test("another organization's calendars and events are 404", async () => {
    const { accounts, orgs } = p.deps.identity
    const boss = await accounts.createUser({ email: `globex-${dialect}@example.com`, name: 'Gina Globex', password: 'member password 1' })
    await orgs.createOrg({ name: 'Globex' }, boss.id)
    const g = p.client()
    await g.signIn(`globex-${dialect}@example.com`, 'member password 1')
    await g.get('/calendar')
    const cal = await api(g, 'POST', '/api/v1/calendar/calendars', { name: 'Globex cal' })
    expect(cal.status).toBe(201)
    const ev = await api(g, 'POST', '/api/v1/calendar/events', { calendarId: cal.json.id, title: 'Secret', timeZone: 'UTC', start: '2026-12-01T10:00', end: '2026-12-01T11:00' })
    expect(ev.status).toBe(201)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${ev.json.id}`)).status).toBe(404)
    expect((await ada.get(`/calendar/events/${ev.json.id}`)).res.status).toBe(404)
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${ev.json.id}`, { title: 'x' })).status).toBe(404)
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${ev.json.id}`)).status).toBe(404)
    expect((await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal.json.id, title: 'x', timeZone: 'UTC', start: '2026-12-01T10:00', end: '2026-12-01T11:00' })).status).toBe(404)
    expect((await api(ada, 'POST', `/api/v1/calendar/calendars/${cal.json.id}/shares`, { userId: member.user.id, access: 'read' })).status).toBe(404)
    expect((await range(ada, '2026-12-01', '2026-12-02', 'Secret')).length).toBe(0)
    await ada.get('/calendar/calendars')
    expect((await ada.post(`/calendar/calendars/${cal.json.id}/delete`)).status).toBe(404)
  })

  test('bad input is a 422 with the values kept', async () => {
    await ada.get('/calendar/new')
    const endBefore = await ada.post('/calendar/events', { ...EVENT, calendarId: calId, title: 'Backwards <b>', startTime: '10:00', endTime: '09:00', rrule: '', repeat: '' })
    expect(endBefore.status).toBe(422)
    const h1 = await endBefore.text()
    expect(h1).toContain('The end must be after the start: choose a later end.')
    expect(h1).toContain('value="Backwards <b>"')
    const badZone = await ada.post('/calendar/events', { ...EVENT, calendarId: calId, timeZone: 'Mars/Olympus' })
    expect(badZone.status).toBe(422)
    const h2 = await badZone.text()
    expect(h2).toContain('value="Mars/Olympus"')
    expect(h2).toContain('is not a time zone')
    const badRule = await ada.post('/calendar/events', { ...EVENT, calendarId: calId, rrule: 'FREQ=SOMETIMES' })
    expect(badRule.status).toBe(422)
    const h3 = await badRule.text()
    expect(h3).toContain('value="FREQ=SOMETIMES"')
    expect(h3).toContain('value="Weekly sync"')
    const j1 = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'x', timeZone: 'Nowhere/City', start: '2026-12-01T10:00', end: '2026-12-01T11:00' })
    expect(j1.status).toBe(422)
    expect(j1.json.error.field).toBe('timeZone')
    const j2 = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'x', timeZone: 'UTC', start: '2026-12-01T10:00', end: '2026-12-01T09:00' })
    expect(j2.status).toBe(422)
    const j3 = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'x', timeZone: 'UTC', start: '2026-12-01T10:00', rrule: 'BYDAY=MO' })
    expect(j3.status).toBe(422)
    expect(j3.json.error.field).toBe('rrule')
    expect((await api(ada, 'GET', '/api/v1/calendar/events?from=2026-12-01&to=2026-11-01')).status).toBe(422)
    expect((await api(ada, 'GET', '/api/v1/calendar/events?from=nope&to=2026-11-01')).status).toBe(422)
    expect((await ada.get('/calendar?tz=Mars/Olympus')).res.status).toBe(422)
    const unknownOcc = await api(ada, 'DELETE', `/api/v1/calendar/events/${weeklyId}?scope=this&occurrence=2026-11-24T08:00:00.000Z`)
    expect(unknownOcc.status).toBe(404)
  })

  test('search, entity link and the upcoming widget', async () => {
    const search = await ada.get('/search?q=weekly')
    expect(search.html).toContain('Weekly sync')
    // an invitee finds the event without seeing its calendar; nobody else does; % and _ are literal
    const privateCal = await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Private' })
    expect(privateCal.status).toBe(201)
    const interview = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: privateCal.json.id, title: 'Interview xq7', timeZone: 'UTC', start: '2026-12-15T10:00', end: '2026-12-15T11:00', attendees: [member.user.id] })
    expect(interview.status).toBe(201)
    expect((await ada.get('/search?q=xq7')).html).toContain('Interview xq7')
    expect((await member.client.get('/search?q=xq7')).html).toContain('Interview xq7')
    expect((await other.client.get('/search?q=xq7')).html).not.toContain('Interview xq7')
    expect((await ada.get('/search?q=%25')).html).not.toContain('Interview xq7')
    expect((await ada.get('/search?q=x_7')).html).not.toContain('Interview xq7')
    const link = p.host.contributions('entity.link').find((l) => l.type === 'calendar.event')!
    expect(link).toBeDefined()
    const widget = p.host.contributions('dashboard.widget').find((w) => w.id === 'upcoming')!
    expect(widget.title).toBe('Upcoming')
    expect(p.host.contributions('demo.seed').some((s) => s.order === 20)).toBe(true)
  })

  // (the richer demo, its calendars, answers and exceptions: seed.test.ts)
  test('demo seed: a shared calendar with a weekday stand-up, a review and an offsite', async () => {
    const seed = p.host.contributions('demo.seed').find((s) => s.order === 20)!
    const summary = await seed.run({ orgId: p.org!.id, people: [{ id: p.admin!.id, name: 'Ada Admin', email: 'admin@example.com' }, { id: member.user.id, name: member.user.name, email: 'm@example.com' }], now: new Date('2026-11-25T12:00:00Z') })
    expect(summary).toContain('3 calendars (1 shared, 2 personal)')
    const occ = await range(ada, '2026-11-23', '2026-12-21')
    const standups = occ.filter((o) => o.title === 'Stand-up')
    // four weeks of weekdays, one of them moved (renamed) and one cancelled
    expect(standups.length).toBe(18)
    expect(standups[0].start).toBe('2026-11-23T08:30:00.000Z')
    expect(occ.some((o) => o.title === 'Sprint review')).toBe(true)
    expect(occ.find((o) => o.title === 'Team offsite')?.allDay).toBe(true)
  })
})
