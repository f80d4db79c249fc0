/**
 * Acting on something marks your notifications about it read, as GitHub does for an issue you
 * comment on: an attendee who answers an invitation no longer has it unread in the inbox (or the
 * bell's count), while an invitation to another event stays unread and other people's notifications
 * are untouched. Works for any plugin's entity through its activity facts. Both dialects.
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

eachDialect('acting on an entity marks its notifications read', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, collaboration])
  }, 30_000)
  afterAll(() => p.stop())

  test('answering an invitation marks it read; another invitation and other people stay unread', async () => {
    const ada = await p.adminClient()
    const bea = await p.member('member')
    const cid = await p.member('member')
    for (const c of [ada, bea.client, cid.client]) await c.get('/calendar')
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Team', owner: 'org' })).json.id
    const event = async (title: string) =>
      (await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title, timeZone: 'UTC', start: '2031-03-04T10:00', end: '2031-03-04T11:00', attendees: [bea.user.id, cid.user.id] })).json.id as string
    const review = await event('Design review')
    await event('Retro')
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()
    const inbox = async (c: Client) => {
      const { json } = await api(c, 'GET', '/api/v1/collaboration/notifications?limit=50')
      return { unread: json.unread as number, unreadTitles: (json.items as { title: string; readAt: string | null }[]).filter((x) => !x.readAt).map((x) => x.title).sort() }
    }
    expect((await inbox(bea.client)).unread).toBe(2)

    expect((await api(bea.client, 'POST', `/api/v1/calendar/events/${review}/rsvp`, { rsvp: 'accepted' })).status).toBeLessThan(300)
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()
    const after = await inbox(bea.client)
    expect(after.unread).toBe(1)
    expect(after.unreadTitles).toEqual([expect.stringContaining('Retro')])
    // Cid did nothing: both of theirs are still unread
    expect((await inbox(cid.client)).unread).toBe(2)
  })
})
