/**
 * The calendar with the real collaboration plugin: reminders land in the inbox of the people they
 * are for (once), and a private event's comment thread stays with the people who may see the event.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import collaboration from '../plugins/collaboration/index.ts'
import calendar from '../plugins/calendar/index.ts'

async function api(c: Client, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

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
      expect(html).toContain('Starts in 10 minutes')
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
