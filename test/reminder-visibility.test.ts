/**
 * A reminder names its event, so the inbox shows it only while its reader may see the event: an
 * attendee of a private event gets the reminder, is taken off the event, and the reminder leaves
 * their inbox (and unread count) like an invitation would. Both dialects.
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

const NOW = Date.parse('2032-05-06T09:00:00Z')

eachDialect('reminders follow the event', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, collaboration])
  }, 30_000)
  afterAll(() => p.stop())

  test('a reminder leaves the inbox of an attendee taken off a private event', async () => {
    const ada = await p.adminClient()
    const bea = await p.member('member')
    for (const c of [ada, bea.client]) await c.get('/calendar')
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Private' })).json.id
    const made = await api(ada, 'POST', '/api/v1/calendar/events', {
      calendarId: cal,
      title: 'Salary review',
      timeZone: 'UTC',
      start: new Date(NOW + 10 * 60_000).toISOString(),
      end: new Date(NOW + 40 * 60_000).toISOString(),
      reminders: [10],
      attendees: [bea.user.id],
    })
    expect(made.status).toBe(201)
    const pass = p.host.service<{ pass(now?: Date): Promise<{ events: number; sent: number }> }>('calendar.reminders')!.pass
    expect((await pass(new Date(NOW))).sent).toBe(1)
    const reminders = async () => {
      const { json } = await api(bea.client, 'GET', '/api/v1/collaboration/notifications?limit=100')
      return { titles: (json.items as { kind: string; title: string }[]).filter((x) => x.kind === 'reminder').map((x) => x.title), unread: json.unread as number | undefined }
    }
    expect((await reminders()).titles).toEqual(['Reminder: Salary review'])
    expect((await bea.client.get('/collaboration/inbox')).html).toContain('Reminder: Salary review')

    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${made.json.id}`, { attendees: [] })).status).toBe(200)
    expect((await api(bea.client, 'GET', `/api/v1/calendar/events/${made.json.id}`)).status).toBe(404)
    expect((await reminders()).titles).toEqual([])
    expect((await bea.client.get('/collaboration/inbox')).html).not.toContain('Salary review')
  })
})
