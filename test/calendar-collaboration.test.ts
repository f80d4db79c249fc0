/**
 * The calendar with the real collaboration plugin: reminders land in the inbox of the people they
 * are for (once), attendees added to an event get an invitation (removing is silent), and a private
 * event's comment thread stays with the people who may see the event. Without collaboration,
 * attendees are still saved and nothing breaks.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import collaboration from '../plugins/collaboration/index.ts'
import calendar from '../plugins/calendar/index.ts'
import { api } from './helpers/calendar-api.ts'

eachDialect('calendar with collaboration', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let bea: { user: { id: string; name: string }; client: Client }
  let cid: { user: { id: string; name: string }; client: Client }
  let dan: { user: { id: string; name: string }; client: Client }

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, collaboration])
    ada = await p.adminClient()
    bea = await p.member('member')
    cid = await p.member('member')
    dan = await p.member('member')
    for (const c of [ada, bea.client, cid.client, dan.client]) await c.get('/calendar')
  }, 30_000)
  afterAll(() => p.stop())

  const inbox = async (c: Client) => (await c.get('/collaboration/inbox')).html
  /** The invitations in a user's inbox about an event title. */
  const invitations = async (c: Client, title: string) => {
    const { json } = await api(c, 'GET', '/api/v1/collaboration/notifications?limit=100')
    return (json.items as { kind: string; title: string; text: string; href: string }[]).filter((x) => x.kind === 'invitation' && x.title.includes(title))
  }

  test('attendees added on create get an invitation with a working link; the organizer does not', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Invites' })).json.id
    const made = await api(ada, 'POST', '/api/v1/calendar/events', {
      calendarId: cal,
      title: 'Kick-off <i>',
      timeZone: 'Europe/Berlin',
      start: '2030-03-04T10:00',
      end: '2030-03-04T11:00',
      location: 'Room 1',
      attendees: [bea.user.id, cid.user.id, p.admin!.id],
    })
    expect(made.status).toBe(201)
    for (const who of [bea.client, cid.client]) {
      const got = await invitations(who, 'Kick-off')
      expect(got.length).toBe(1)
      expect(got[0]!.title).toBe('Ada Admin invited you to “Kick-off <i>”')
      expect(got[0]!.text).toBe('Mon 4 Mar 2030, 10:00 Europe/Berlin · Room 1')
      expect(got[0]!.href).toBe(`/calendar/events/${made.json.id}`)
      // the link opens the event for the attendee (its calendar is not shared with them)
      expect((await who.get(got[0]!.href)).res.status).toBe(200)
      expect(await inbox(who)).toContain('invited you to &#8220;Kick-off &lt;i&gt;&#8221;')
    }
    expect(await invitations(dan.client, 'Kick-off')).toEqual([])
    expect(await invitations(ada, 'Kick-off')).toEqual([])
  })

  test('an update tells only the attendees it adds; removing one is silent', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Updates' })).json.id
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Planning poker', timeZone: 'UTC', start: '2030-04-01T09:00', end: '2030-04-01T10:00', attendees: [bea.user.id, cid.user.id] })
    expect(made.status).toBe(201)
    const id = made.json.id
    // add dan, drop cid
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { attendees: [bea.user.id, dan.user.id] })).status).toBe(200)
    expect((await invitations(dan.client, 'Planning poker')).length).toBe(1)
    expect((await invitations(bea.client, 'Planning poker')).length).toBe(1)
    // cid, no longer an attendee, may no longer see the event: the invitation they had is hidden (read-time check)
    expect(await invitations(cid.client, 'Planning poker')).toEqual([])
    expect(await invitations(ada, 'Planning poker')).toEqual([])
    // a change that adds nobody tells nobody
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { title: 'Planning poker II' })).status).toBe(200)
    for (const c of [bea.client, dan.client]) expect((await invitations(c, 'Planning poker')).length).toBe(1)
    // cid (and the organizer) are added by someone else who may edit the calendar: cid hears of it again, from them
    await api(ada, 'POST', `/api/v1/calendar/calendars/${cal}/shares`, { userId: bea.user.id, access: 'edit' })
    expect((await api(bea.client, 'PATCH', `/api/v1/calendar/events/${id}`, { attendees: [bea.user.id, dan.user.id, cid.user.id, p.admin!.id] })).status).toBe(200)
    const again = await invitations(cid.client, 'Planning poker II')
    expect(again.length).toBe(1)
    expect(again[0]!.title).toBe(`${bea.user.name} invited you to “Planning poker II”`)
    // the organizer, added by someone else, is not invited to their own event
    expect(await invitations(ada, 'Planning poker')).toEqual([])
  })

  test('a recurring series changed from one occurrence on invites the attendees it adds', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Series' })).json.id
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Weekly sync', timeZone: 'UTC', start: '2030-05-06T09:00', end: '2030-05-06T09:30', rrule: 'FREQ=WEEKLY', attendees: [bea.user.id] })
    expect(made.status).toBe(201)
    const res = await api(ada, 'PATCH', `/api/v1/calendar/events/${made.json.id}`, { scope: 'following', occurrence: '2030-05-20T09:00:00.000Z', attendees: [bea.user.id, dan.user.id] })
    expect(res.status).toBe(200)
    const got = await invitations(dan.client, 'Weekly sync')
    expect(got.length).toBe(1)
    expect(got[0]!.text).toBe('Mon 20 May 2030, 09:00 UTC · repeats')
    expect(got[0]!.href).toBe(`/calendar/events/${res.json.id}`)
    expect((await invitations(bea.client, 'Weekly sync')).length).toBe(1)
  })

  test('no invitation for someone who may not read the calendar, or who turned invitations off', async () => {
    const { orgs, accounts } = p.deps.identity
    const role = await orgs.createRole(p.org!.id, `No calendar ${dialect}`, ['collaboration.comment.read', 'collaboration.notification.read'])
    const user = await accounts.createUser({ email: `no-cal-${dialect}@example.com`, name: 'No Calendar', password: 'no calendar password 1' })
    await orgs.addMember(p.org!.id, user.id, role.id)
    const noCal = p.client()
    await noCal.signIn(`no-cal-${dialect}@example.com`, 'no calendar password 1')
    const eve = await p.member('member')
    await eve.client.get('/collaboration/preferences')
    expect((await eve.client.post('/collaboration/preferences', { mentions: '1', comments: '1', changes: '1', reminders: '1', assignments: '1' })).status).toBe(303)
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Quiet' })).json.id
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Secret offsite', timeZone: 'UTC', start: '2030-06-01T09:00', end: '2030-06-01T10:00', attendees: [user.id, eve.user.id, bea.user.id] })
    expect(made.status).toBe(201)
    expect((await invitations(bea.client, 'Secret offsite')).length).toBe(1)
    expect(await invitations(eve.client, 'Secret offsite')).toEqual([])
    expect(await invitations(noCal, 'Secret offsite')).toEqual([])
  })

  test('a due reminder becomes a notification for the creator and the attendees who did not decline, once', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Team' })).json.id
    const start = new Date(Date.now() + 5 * 60_000)
    const made = await api(ada, 'POST', '/api/v1/calendar/events', {
      calendarId: cal,
      title: 'Design review <3',
      timeZone: 'UTC',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
      attendees: [bea.user.id, cid.user.id],
      reminders: [10],
    })
    expect(made.status).toBe(201)
    expect((await api(cid.client, 'POST', `/api/v1/calendar/events/${made.json.id}/rsvp`, { rsvp: 'declined' })).status).toBe(200)
    const reminders = p.host.service<{ runDue(now?: Date): Promise<number> }>('calendar.reminders')!
    expect(await reminders.runDue()).toBe(1)
    for (const c of [ada, bea.client]) {
      const html = await inbox(c)
      expect(html).toContain('Reminder: Design review &lt;3')
      expect(html).toContain(`href="/calendar/events/${made.json.id}?occurrence=`)
      // the time really left (the event starts in about 5 minutes; its reminder was set for 10)
      expect(html).toMatch(/Starts in [45] minutes/)
    }
    expect(await inbox(cid.client)).not.toContain('Reminder: Design review')
    expect(await inbox(dan.client)).not.toContain('Reminder: Design review')
    // the next pass sends nothing again
    expect(await reminders.runDue()).toBe(0)
    expect((await inbox(bea.client)).split('Reminder: Design review').length - 1).toBe(1)
  })

  test('a creator who can no longer see the calendar gets no reminder about its event', async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Ada private' })).json.id
    await api(ada, 'POST', `/api/v1/calendar/calendars/${cal}/shares`, { userId: dan.user.id, access: 'edit' })
    const start = new Date(Date.now() + 5 * 60_000)
    const made = await api(dan.client, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Therapy session', timeZone: 'UTC', start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString(), reminders: [10] })
    expect(made.status).toBe(201)
    expect((await api(ada, 'DELETE', `/api/v1/calendar/calendars/${cal}/shares/${dan.user.id}`)).status).toBe(200)
    const reminders = p.host.service<{ runDue(now?: Date): Promise<number> }>('calendar.reminders')!
    await reminders.runDue()
    expect(await inbox(dan.client)).not.toContain('Therapy session')
  })

  test("a private event's comment thread shows for its owner and not on another member's page", async () => {
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Private' })).json.id
    const ev = (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Doctor appointment', timeZone: 'UTC', start: '2027-06-01T09:00', end: '2027-06-01T09:30' })).json.id
    const page = await ada.get(`/calendar/events/${ev}`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('/collaboration/comments')
    // the thread's own address answers nothing for someone who may not see the event
    const other = await bea.client.get(`/collaboration/threads/calendar.event/${ev}`)
    expect(other.res.status).toBe(404)
    expect(other.html).not.toContain('Doctor appointment')
  })
})

eachDialect('calendar without collaboration', (dialect) => {
  let p: TestPlatform
  let ada: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
  }, 30_000)
  afterAll(() => p.stop())

  test('attendees are saved on create and update; nobody is notified and nothing breaks', async () => {
    const bea = await p.member('member')
    const dan = await p.member('member')
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Solo' })).json.id
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Standup', timeZone: 'UTC', start: '2030-03-04T09:00', end: '2030-03-04T09:15', attendees: [bea.user.id] })
    expect(made.status).toBe(201)
    const updated = await api(ada, 'PATCH', `/api/v1/calendar/events/${made.json.id}`, { attendees: [bea.user.id, dan.user.id] })
    expect(updated.status).toBe(200)
    expect(updated.json.attendees.map((a: { userId: string }) => a.userId).sort()).toEqual([bea.user.id, dan.user.id].sort())
    expect((await dan.client.get(`/calendar/events/${made.json.id}`)).res.status).toBe(200)
    expect(p.host.bus.failureCounts()).toEqual({})
  })
})
