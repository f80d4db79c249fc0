/**
 * What the calendar tells other plugins and what its management pages do: the bus events of every
 * change (imports and calendar deletions included), the `calendar.event` entity link that keeps
 * private events out of other people's activity, the Upcoming widget, deleting, unsharing, renaming
 * and recoloring calendars, team calendars, and .ics imports of changed and cancelled occurrences.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test'
import type { Auth } from '../../core/auth/resolve.ts'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { ActivityFact } from '../../core/plugins/points.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

type Fact = { id?: string; calendarId: string; title?: string; scope?: string; eventIds?: string[]; activity?: ActivityFact }
const facts: { name: string; payload: Fact }[] = []

/** Records the calendar's bus events and lends the tests identities (ctx.people.authFor). */
const recorder = definePlugin({
  id: 'cal-test-recorder',
  name: 'Recorder',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.bus.onAny((name, payload) => {
      if (name.startsWith('calendar.')) facts.push({ name, payload: payload as Fact })
    })
    ctx.provide('cal-test.auth', { authFor: (userId: string, orgId: string) => ctx.people.authFor(userId, orgId) })
  },
})

function upload(c: Client, calendarId: string, ics: string) {
  const form = new FormData()
  form.set('_csrf', c.csrf)
  form.set('calendarId', calendarId)
  form.set('timeZone', 'UTC')
  form.set('file', new File([ics], 'cal.ics', { type: 'text/calendar' }))
  return c.request('/calendar/import', { method: 'POST', body: form }).then(async (res) => ({ status: res.status, html: await res.text() }))
}

const vcal = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events.flatMap((e) => ['BEGIN:VEVENT', 'DTSTAMP:20270101T000000Z', ...e, 'END:VEVENT']), 'END:VCALENDAR', ''].join('\r\n')

eachDialect('calendar facts, links and management', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let bea: { user: { id: string; name: string }; client: Client }
  let cid: { user: { id: string; name: string }; client: Client }
  let gus: { user: { id: string; name: string }; client: Client }
  let adaCal: string
  const authOf = async (userId: string): Promise<Auth> => (await p.host.service<{ authFor(u: string, o: string): Promise<Auth | undefined> }>('cal-test.auth')!.authFor(userId, p.org!.id))!
  const link = () => p.host.contributions('entity.link').find((l) => l.type === 'calendar.event')!
  const resolveFor = async (userId: string, eventId: string) => link().resolve(eventId, await authOf(userId))
  const named = (name: string) => facts.filter((f) => f.name === name)

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, recorder])
    ada = await p.adminClient()
    bea = await p.member('member')
    cid = await p.member('member')
    gus = await p.member('guest')
    for (const c of [ada, bea.client, cid.client, gus.client]) await c.get('/calendar')
    adaCal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Ada private' })).json.id
  })
  afterAll(() => p.stop())
  beforeEach(() => {
    facts.length = 0
  })

  test('created, updated and deleted are emitted with an activity that names nothing but the title', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: adaCal, title: 'Doctor appointment', location: 'Clinic on Elm Street', description: 'blood test', timeZone: 'UTC', start: '2027-02-01T09:00', end: '2027-02-01T09:30' })
    expect(made.status).toBe(201)
    const id = made.json.id
    expect(facts.map((f) => f.name)).toEqual(['calendar.event.created'])
    const created = facts[0]!.payload
    expect(created).toMatchObject({ id, calendarId: adaCal, title: 'Doctor appointment' })
    expect(created.activity).toMatchObject({ orgId: p.org!.id, actor: { id: p.admin!.id }, entity: { type: 'calendar.event', id, title: 'Doctor appointment', href: `/calendar/events/${id}` }, text: 'created the event “Doctor appointment”' })

    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { location: 'Clinic on Oak Street' })).status).toBe(200)
    expect(named('calendar.event.updated').map((f) => f.payload.activity!.text)).toEqual(['changed the event “Doctor appointment”'])

    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${id}`)).status).toBe(200)
    const deleted = named('calendar.event.deleted')
    expect(deleted).toHaveLength(1)
    expect(deleted[0]!.payload).toMatchObject({ id, calendarId: adaCal, title: 'Doctor appointment' })
    expect(deleted[0]!.payload.scope).toBeUndefined()
    // a deleted event keeps its entity (so feeds can hide it) but has no page any more
    expect(deleted[0]!.payload.activity!.entity).toEqual({ type: 'calendar.event', id, title: 'Doctor appointment', href: undefined })
    for (const f of facts) expect(f.payload.activity!.text).not.toMatch(/Elm|Oak|blood|2027/)
  })

  test('an answer reads "declined “Team offsite”" (accepted, tentatively accepted), linked to the event', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: adaCal, title: 'Team offsite', timeZone: 'UTC', start: '2027-03-01T09:00', end: '2027-03-01T17:00', attendees: [bea.user.id] })
    expect(made.status).toBe(201)
    const id = made.json.id
    facts.length = 0
    for (const answer of ['declined', 'accepted', 'tentative']) expect((await bea.client.post(`/calendar/events/${id}/rsvp`, { rsvp: answer })).status).toBe(303)
    const answers = named('calendar.event.updated').map((f) => f.payload.activity!)
    expect(answers.map((a) => a.text)).toEqual(['declined “Team offsite”', 'accepted “Team offsite”', 'tentatively accepted “Team offsite”'])
    for (const a of answers) expect(a).toMatchObject({ actor: { id: bea.user.id, name: bea.user.name }, entity: { type: 'calendar.event', id, title: 'Team offsite', href: `/calendar/events/${id}` } })
  })

  test('entity link: a private event resolves for its owner and attendees only, a shared one for the share', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: adaCal, title: 'Doctor appointment', timeZone: 'UTC', start: '2027-02-02T09:00', end: '2027-02-02T09:30' })
    const id = made.json.id
    expect(await resolveFor(p.admin!.id, id)).toEqual({ title: 'Doctor appointment', href: `/calendar/events/${id}` })
    // another member and a guest of the same organization: nothing, so activity about it stays hidden
    expect(await resolveFor(bea.user.id, id)).toBeUndefined()
    expect(await resolveFor(gus.user.id, id)).toBeUndefined()
    expect(await link().resolve('no-such-event', await authOf(p.admin!.id))).toBeUndefined()
    // shared (read): visible; unshared: hidden again
    expect((await api(ada, 'POST', `/api/v1/calendar/calendars/${adaCal}/shares`, { userId: bea.user.id, access: 'read' })).status).toBe(200)
    expect(await resolveFor(bea.user.id, id)).toMatchObject({ title: 'Doctor appointment' })
    expect((await api(ada, 'DELETE', `/api/v1/calendar/calendars/${adaCal}/shares/${bea.user.id}`)).status).toBe(200)
    expect(await resolveFor(bea.user.id, id)).toBeUndefined()
    // invited: they see the event (its page, its comments, its activity)
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { attendees: [cid.user.id] })).status).toBe(200)
    expect(await resolveFor(cid.user.id, id)).toMatchObject({ title: 'Doctor appointment' })
    expect(await resolveFor(bea.user.id, id)).toBeUndefined()
    // an organization calendar's events resolve for everyone who reads calendars, guests included
    const org = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Company', ownerKind: 'org' })).json.id
    const pub = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: org, title: 'All hands', timeZone: 'UTC', start: '2027-02-03T09:00', end: '2027-02-03T10:00' })).json.id
    expect(await resolveFor(gus.user.id, pub)).toMatchObject({ title: 'All hands' })
    // deleted: nobody
    await api(ada, 'DELETE', `/api/v1/calendar/events/${id}`)
    expect(await resolveFor(p.admin!.id, id)).toBeUndefined()
  })

  test('deleting a recurring series with scope "all", and "following" from its first occurrence, deletes it', async () => {
    const weekly = (title: string) => api(ada, 'POST', '/api/v1/calendar/events', { calendarId: adaCal, title, timeZone: 'UTC', start: '2027-03-01T09:00', end: '2027-03-01T09:30', rrule: 'FREQ=WEEKLY' })
    const a = (await weekly('Series to delete')).json.id
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${a}`, { scope: 'this', occurrence: '2027-03-08T09:00:00.000Z', title: 'Moved one', start: '2027-03-09T09:00', end: '2027-03-09T09:30' })).status).toBe(200)
    facts.length = 0
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${a}?scope=all&occurrence=2027-03-15T09:00:00.000Z`)).status).toBe(200)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${a}`)).status).toBe(404)
    const left = await api(ada, 'GET', '/api/v1/calendar/events?from=2027-03-01&to=2027-04-01')
    expect(left.json.items.filter((o: any) => o.eventId === a)).toEqual([])
    expect(facts.map((f) => [f.name, f.payload.id, f.payload.scope])).toEqual([['calendar.event.deleted', a, 'all']])
    expect(facts[0]!.payload.activity!.text).toBe('deleted the event “Series to delete”')

    const b = (await weekly('Series from the start')).json.id
    facts.length = 0
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${b}?scope=following&occurrence=2027-03-01T09:00:00.000Z`)).status).toBe(200)
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${b}`)).status).toBe(404)
    expect(facts.map((f) => f.name)).toEqual(['calendar.event.deleted'])
  })

  test('deleting a one-off event through its page; members without edit rights get 403', async () => {
    const id = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: adaCal, title: 'One-off', timeZone: 'UTC', start: '2027-03-02T09:00', end: '2027-03-02T09:30' })).json.id
    await api(ada, 'POST', `/api/v1/calendar/calendars/${adaCal}/shares`, { userId: bea.user.id, access: 'read' })
    await bea.client.get(`/calendar/events/${id}`)
    expect((await bea.client.post(`/calendar/events/${id}/delete`)).status).toBe(403)
    expect((await api(bea.client, 'DELETE', `/api/v1/calendar/events/${id}`)).status).toBe(403)
    const { html } = await ada.get(`/calendar/events/${id}`)
    expect(html).toContain(`action="/calendar/events/${id}/delete"`)
    expect(html).not.toContain('name="scope"') // no "this / following / all" for a one-off event
    facts.length = 0
    const res = await ada.post(`/calendar/events/${id}/delete`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/calendar')
    expect((await ada.get(`/calendar/events/${id}`)).res.status).toBe(404)
    expect(facts.map((f) => [f.name, f.payload.id])).toEqual([['calendar.event.deleted', id]])
    await api(ada, 'DELETE', `/api/v1/calendar/calendars/${adaCal}/shares/${bea.user.id}`)
  })

  test('unsharing through the calendars page: the member no longer sees the calendar or its events', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Shared then not' })).json.id
    const ev = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Shared event', timeZone: 'UTC', start: '2027-03-03T09:00', end: '2027-03-03T10:00' })).json.id
    await api(ada, 'POST', `/api/v1/calendar/calendars/${cal}/shares`, { userId: bea.user.id, access: 'edit' })
    expect((await bea.client.get(`/calendar/events/${ev}`)).res.status).toBe(200)
    const page = await ada.get('/calendar/calendars')
    expect(page.html).toContain(`action="/calendar/calendars/${cal}/shares/${bea.user.id}/delete"`)
    // only who manages the calendar may unshare (Bea has edit access, not ownership)
    await bea.client.get('/calendar/calendars')
    expect((await bea.client.post(`/calendar/calendars/${cal}/shares/${bea.user.id}/delete`)).status).toBe(403)
    const res = await ada.post(`/calendar/calendars/${cal}/shares/${bea.user.id}/delete`)
    expect(res.status).toBe(303)
    expect((await bea.client.get(`/calendar/events/${ev}`)).res.status).toBe(404)
    const list = await api(bea.client, 'GET', '/api/v1/calendar/calendars')
    expect(list.json.items.map((c: any) => c.id)).not.toContain(cal)
    const range = await api(bea.client, 'GET', '/api/v1/calendar/events?from=2027-03-01&to=2027-03-10')
    expect(range.json.items.map((o: any) => o.eventId)).not.toContain(ev)
    expect((await api(bea.client, 'PATCH', `/api/v1/calendar/events/${ev}`, { title: 'x' })).status).toBe(404)
  })

  test('deleting a calendar deletes its events and shares and emits one calendar.event.deleted per event', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Doomed' })).json.id
    const one = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Doomed one-off', timeZone: 'UTC', start: '2027-04-01T09:00', end: '2027-04-01T10:00' })).json.id
    const series = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Doomed series', timeZone: 'UTC', start: '2027-04-01T11:00', end: '2027-04-01T12:00', rrule: 'FREQ=DAILY;COUNT=3', attendees: [cid.user.id] })).json.id
    const keep = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: adaCal, title: 'Survivor', timeZone: 'UTC', start: '2027-04-01T09:00', end: '2027-04-01T10:00' })).json.id
    await api(ada, 'POST', `/api/v1/calendar/calendars/${cal}/shares`, { userId: bea.user.id, access: 'edit' })
    // an editor of the calendar may not delete it
    await bea.client.get('/calendar/calendars')
    expect((await bea.client.post(`/calendar/calendars/${cal}/delete`)).status).toBe(403)
    expect((await api(bea.client, 'DELETE', `/api/v1/calendar/calendars/${cal}`)).status).toBe(403)
    facts.length = 0
    await ada.get('/calendar/calendars')
    const res = await ada.post(`/calendar/calendars/${cal}/delete`)
    expect(res.status).toBe(303)
    for (const id of [one, series]) expect((await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).status).toBe(404)
    expect((await api(cid.client, 'GET', `/api/v1/calendar/events/${series}`)).status).toBe(404) // the invitation went too
    expect((await api(ada, 'GET', `/api/v1/calendar/events/${keep}`)).status).toBe(200)
    expect((await api(bea.client, 'GET', '/api/v1/calendar/calendars')).json.items.map((c: any) => c.id)).not.toContain(cal)
    const deleted = named('calendar.event.deleted').map((f) => f.payload)
    expect(deleted.map((f) => f.id).sort()).toEqual([one, series].sort())
    expect(deleted.every((f) => f.calendarId === cal)).toBe(true)
    expect(deleted.find((f) => f.id === series)!.scope).toBe('all')
    expect(deleted.map((f) => f.activity!.text).sort()).toEqual(['deleted the event “Doomed one-off” with its calendar', 'deleted the event “Doomed series” with its calendar'])
    expect((await api(ada, 'DELETE', `/api/v1/calendar/calendars/${cal}`)).status).toBe(404)

    // a big calendar: still one fact per event, but no activity row for each
    const big = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Big' })).json.id
    for (let i = 0; i < 12; i++) await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: big, title: `Big ${i}`, timeZone: 'UTC', start: '2027-04-02T09:00', end: '2027-04-02T10:00' })
    facts.length = 0
    expect((await api(ada, 'DELETE', `/api/v1/calendar/calendars/${big}`)).status).toBe(200)
    expect(named('calendar.event.deleted')).toHaveLength(12)
    expect(facts.every((f) => f.payload.activity === undefined)).toBe(true)
  })

  test('renaming and recoloring a calendar: page, form errors with the values kept, permissions, API', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Old name', color: '#2563eb' })).json.id
    const list = await ada.get('/calendar/calendars')
    expect(list.html).toContain(`href="/calendar/calendars/${cal}/edit"`)
    const page = await ada.get(`/calendar/calendars/${cal}/edit`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('value="Old name"')
    expect(page.html).toContain('<option value="#2563eb" selected>Blue</option>')

    const empty = await ada.post(`/calendar/calendars/${cal}`, { name: '  ', color: '#16a34a' })
    expect(empty.status).toBe(422)
    const h1 = await empty.text()
    expect(h1).toContain('Enter a name of 1 to 80 characters.')
    expect(h1).toContain('<option value="#16a34a" selected>Green</option>')
    const badColor = await ada.post(`/calendar/calendars/${cal}`, { name: 'New <name>', color: 'javascript:red' })
    expect(badColor.status).toBe(422)
    const h2 = await badColor.text()
    expect(h2).toContain('Choose a color like #2563eb.')
    expect(h2).toContain('value="New <name>"') // attribute values are quoted and escaped

    const ok = await ada.post(`/calendar/calendars/${cal}`, { name: 'New <name>', color: '#dc2626' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/calendar/calendars')
    const after = (await api(ada, 'GET', '/api/v1/calendar/calendars')).json.items.find((c: any) => c.id === cal)
    expect(after).toMatchObject({ name: 'New <name>', color: '#dc2626' })
    const shown = await ada.get('/calendar/calendars')
    expect(shown.html).toContain('New &lt;name&gt;')
    expect(shown.html.replace(/"[^"]*"/g, '""')).not.toContain('New <name>') // in text, not attributes

    // JSON
    const patched = await api(ada, 'PATCH', `/api/v1/calendar/calendars/${cal}`, { color: '#0891B2' })
    expect(patched.status).toBe(200)
    expect(patched.json).toMatchObject({ id: cal, name: 'New <name>', color: '#0891b2' })
    const bad = await api(ada, 'PATCH', `/api/v1/calendar/calendars/${cal}`, { name: '' })
    expect(bad.status).toBe(422)
    expect(bad.json.error.field).toBe('name')
    expect((await api(ada, 'PATCH', `/api/v1/calendar/calendars/${cal}`, { color: 12 })).status).toBe(422)

    // others: an editor 403, a member who cannot see it 404, a guest 403 (no write permission)
    await api(ada, 'POST', `/api/v1/calendar/calendars/${cal}/shares`, { userId: bea.user.id, access: 'edit' })
    expect((await bea.client.get(`/calendar/calendars/${cal}/edit`)).res.status).toBe(403)
    expect((await bea.client.post(`/calendar/calendars/${cal}`, { name: 'Mine now', color: '#dc2626' })).status).toBe(403)
    expect((await api(bea.client, 'PATCH', `/api/v1/calendar/calendars/${cal}`, { name: 'Mine now' })).status).toBe(403)
    expect((await cid.client.get(`/calendar/calendars/${cal}/edit`)).res.status).toBe(404)
    expect((await api(cid.client, 'PATCH', `/api/v1/calendar/calendars/${cal}`, { name: 'x' })).status).toBe(404)
    expect((await gus.client.get(`/calendar/calendars/${cal}/edit`)).res.status).toBe(403)
    expect((await api(ada, 'GET', '/api/v1/calendar/calendars')).json.items.find((c: any) => c.id === cal).name).toBe('New <name>')
  })

  test('team calendars: members of the team see theirs, other members do not, admins do', async () => {
    const { orgs } = p.deps.identity
    const team = await orgs.createTeam(p.org!.id, `Support ${dialect}`)
    await orgs.addTeamMember(p.org!.id, team.id, bea.user.id)
    const made = await api(bea.client, 'POST', '/api/v1/calendar/calendars', { name: 'Support rota', ownerKind: 'team', ownerId: team.id })
    expect(made.status).toBe(201)
    // a member outside the team can neither make nor see it
    expect((await api(cid.client, 'POST', '/api/v1/calendar/calendars', { name: 'Not my team', ownerKind: 'team', ownerId: team.id })).status).toBe(403)
    const ids = async (c: Client) => (await api(c, 'GET', '/api/v1/calendar/calendars')).json.items.map((c: any) => c.id)
    expect(await ids(bea.client)).toContain(made.json.id)
    expect(await ids(cid.client)).not.toContain(made.json.id)
    expect(await ids(ada)).toContain(made.json.id)
    // the form offers the team only to who may use it
    expect((await bea.client.get('/calendar/calendars')).html).toContain(`Support ${dialect}`)
    expect((await cid.client.get('/calendar/calendars')).html).not.toContain(`Support ${dialect}`)
  })

  test('the Upcoming widget lists the viewer\'s next 7 days (escaped, linked), and says so when empty', async () => {
    const widget = p.host.contributions('dashboard.widget').find((w) => w.id === 'upcoming')!
    const hour = 3_600_000
    const day = 24 * hour
    const at = (ms: number) => new Date(Math.floor((Date.now() + ms) / 60_000) * 60_000).toISOString()
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Soon' })).json.id
    const soon = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Dentist <b>& co', timeZone: 'UTC', start: at(2 * day), end: at(2 * day + hour) })).json.id
    const daily = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Daily check', timeZone: 'UTC', start: at(3 * day), end: at(3 * day + hour), rrule: 'FREQ=DAILY;COUNT=2' })).json.id
    await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Far away', timeZone: 'UTC', start: at(9 * day), end: at(9 * day + hour) })
    const html = await widget.render(new Request(`${p.url}/dashboard`), await authOf(p.admin!.id))
    expect(html).toContain('Dentist &lt;b&gt;&amp; co')
    expect(html).not.toContain('<b>&')
    expect(html).toContain(`href="/calendar/events/${soon}"`)
    expect(html.split(`/calendar/events/${daily}?occurrence=`).length - 1).toBe(2)
    expect(html).not.toContain('Far away')
    expect(html.indexOf('Dentist')).toBeLessThan(html.indexOf('Daily check'))
    // the zone once, under the list (not on every line)
    expect(html.split('UTC').length - 1).toBe(1)
    expect(html).toContain('<small>Times in UTC</small>')
    const berlin = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Berlin call', timeZone: 'Europe/Berlin', start: at(4 * day), end: at(4 * day + hour) })).json.id
    // an event kept in another zone shows in the viewer's zone too (the grid's: no cookie, UTC), as on the grid
    const mixed = await widget.render(new Request(`${p.url}/dashboard`), await authOf(p.admin!.id))
    expect(mixed).toMatch(/Berlin call<\/a> <small class="muted">\d{4}-\d\d-\d\d \d\d:\d\d<\/small>/)
    expect(mixed).not.toContain('Europe/Berlin')
    expect(mixed.split('UTC').length - 1).toBe(1)
    // a viewer whose calendar runs in Europe/Berlin (the calendar's zone cookie): every time in it, said once
    const inBerlin = await widget.render(new Request(`${p.url}/dashboard`, { headers: { cookie: 'cal_tz=Europe/Berlin' } }), await authOf(p.admin!.id))
    expect(inBerlin.split('Europe/Berlin').length - 1).toBe(1)
    expect(inBerlin).toContain('<small>Times in Europe/Berlin</small>')
    expect(inBerlin).not.toContain('UTC')
    expect((await api(ada, 'DELETE', `/api/v1/calendar/events/${berlin}`)).status).toBe(200)
    // someone who cannot see that calendar: the empty state (Cid has nothing in these 7 days)
    const empty = await widget.render(new Request(`${p.url}/dashboard`), await authOf(cid.user.id))
    expect(empty).not.toContain('Dentist')
    expect(empty).toContain('Nothing in the next 7 days')
    expect(empty).toContain('href="/calendar"')
  })

  test('.ics import emits calendar.event.created per event; a big import adds one summary activity', async () => {
    await ada.get('/calendar/calendars')
    const small = await upload(ada, adaCal, vcal(['UID:f-1@test', 'DTSTART:20270501T090000Z', 'DTEND:20270501T100000Z', 'SUMMARY:Imported A'], ['UID:f-2@test', 'DTSTART;VALUE=DATE:20270502', 'SUMMARY:Imported B']))
    expect(small.html).toContain('2 imported, 0 skipped')
    const created = named('calendar.event.created').map((f) => f.payload)
    expect(created.map((f) => f.title).sort()).toEqual(['Imported A', 'Imported B'])
    expect(created.every((f) => f.calendarId === adaCal && typeof f.id === 'string')).toBe(true)
    expect(created.map((f) => f.activity!.text).sort()).toEqual(['imported the event “Imported A”', 'imported the event “Imported B”'])
    const done = named('calendar.import.completed')
    expect(done).toHaveLength(1)
    expect(done[0]!.payload.eventIds!.sort()).toEqual(created.map((f) => f.id!).sort())
    expect(done[0]!.payload.activity).toBeUndefined()

    facts.length = 0
    const many = Array.from({ length: 12 }, (_, i) => [`UID:bulk-${i}@test`, `DTSTART:202706${String(i + 1).padStart(2, '0')}T090000Z`, `DTEND:202706${String(i + 1).padStart(2, '0')}T093000Z`, `SUMMARY:Bulk ${i}`])
    const big = await upload(ada, adaCal, vcal(...many))
    expect(big.html).toContain('12 imported, 0 skipped')
    expect(named('calendar.event.created')).toHaveLength(12)
    expect(named('calendar.event.created').every((f) => f.payload.activity === undefined)).toBe(true)
    const summary = named('calendar.import.completed')[0]!.payload
    expect(summary.eventIds).toHaveLength(12)
    expect(summary.activity).toMatchObject({ entity: { type: 'calendar.event', id: summary.eventIds![0] }, text: 'imported 12 events: “Bulk 0” and 11 more' })
    // the summary is about an event in the private calendar: it resolves for the owner only
    expect(await resolveFor(p.admin!.id, summary.activity!.entity!.id)).toBeDefined()
    expect(await resolveFor(bea.user.id, summary.activity!.entity!.id)).toBeUndefined()
  })

  test('.ics import: a changed occurrence (RECURRENCE-ID) becomes an override, STATUS:CANCELLED an EXDATE', async () => {
    await ada.get('/calendar/calendars')
    const ics = vcal(
      ['UID:rid-1@test', 'DTSTART;TZID=Europe/Berlin:20270503T100000', 'DTEND;TZID=Europe/Berlin:20270503T110000', 'RRULE:FREQ=WEEKLY;COUNT=4', 'SUMMARY:Imported weekly', 'LOCATION:Hall'],
      ['UID:rid-1@test', 'RECURRENCE-ID;TZID=Europe/Berlin:20270510T100000', 'DTSTART;TZID=Europe/Berlin:20270511T150000', 'DTEND;TZID=Europe/Berlin:20270511T160000', 'SUMMARY:Imported weekly (moved)', 'LOCATION:Annex'],
      ['UID:rid-1@test', 'RECURRENCE-ID;TZID=Europe/Berlin:20270517T100000', 'DTSTART;TZID=Europe/Berlin:20270517T100000', 'STATUS:CANCELLED', 'SUMMARY:Imported weekly'],
      ['UID:rid-orphan@test', 'RECURRENCE-ID:20270510T080000Z', 'DTSTART:20270510T090000Z', 'SUMMARY:Orphan change'],
    )
    const res = await upload(ada, adaCal, ics)
    expect(res.status).toBe(200)
    expect(res.html).toContain('1 imported, 1 skipped')
    expect(res.html).toContain('Orphan change: A changed occurrence of an event not in this file: import it with its series.')
    const occ = await api(ada, 'GET', '/api/v1/calendar/events?from=2027-05-01&to=2027-06-01')
    const mine = (occ.json.items as any[]).filter((o) => o.title.startsWith('Imported weekly'))
    expect(mine.map((o) => `${o.start} ${o.title} ${o.location} ${o.overridden}`)).toEqual([
      '2027-05-03T08:00:00.000Z Imported weekly Hall false',
      '2027-05-11T13:00:00.000Z Imported weekly (moved) Annex true',
      '2027-05-24T08:00:00.000Z Imported weekly Hall false',
    ])
    expect(mine[1].originalStart).toBe('2027-05-10T08:00:00.000Z')
    const ev = await api(ada, 'GET', `/api/v1/calendar/events/${mine[0].eventId}`)
    expect(ev.json.exdates).toEqual(['2027-05-17T08:00:00.000Z'])
    expect(ev.json.overrides).toHaveLength(1)
  })
})
