/**
 * Guests see members' names, not their emails (core.emails.read is for members and up): also
 * through planning's JSON API and CSV export and calendar's subscription feed. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import planning from '../plugins/planning/index.ts'
import calendar from '../plugins/calendar/index.ts'
import { ADMIN } from './helpers/platform.ts'

eachDialect('guests and emails', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let guest: Client
  let member: Client
  let guestId: string
  let memberId: string
  const send = async (c: Client, method: string, path: string, body: unknown) => {
    const res = await c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: JSON.stringify(body) })
    return { status: res.status, json: (await res.json()) as any }
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning, calendar])
    ada = await p.adminClient()
    const g = await p.member('guest')
    const m = await p.member('member')
    guest = g.client
    member = m.client
    guestId = g.user.id
    memberId = m.user.id
    for (const c of [guest, member]) await c.get('/search')
    expect((await send(ada, 'POST', '/api/v1/planning/projects', { key: 'WEB', name: 'Website' })).status).toBe(201)
    expect((await send(ada, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Pricing page', assigneeId: p.admin!.id })).status).toBe(201)
    const made = await send(ada, 'POST', '/api/v1/calendar/events', { title: 'Review', timeZone: 'UTC', start: '2026-12-01T09:00', end: '2026-12-01T10:00', attendees: [guestId, memberId] })
    expect(made.status).toBe(201)
  })
  afterAll(() => p.stop())

  test("planning's API and CSV: the assignee's email for a member, null or empty for a guest", async () => {
    const of = async (c: Client) => ((await (await c.request('/api/v1/planning/tasks?project=WEB')).json()) as any).items[0].assignee
    expect(await of(member)).toEqual({ id: p.admin!.id, name: ADMIN.name, email: ADMIN.email })
    expect(await of(guest)).toEqual({ id: p.admin!.id, name: ADMIN.name, email: null })
    expect(((await (await guest.request('/api/v1/planning/tasks/WEB-1')).json()) as any).assignee.email).toBeNull()
    const csv = async (c: Client) => (await (await c.request('/planning/projects/WEB/export.csv')).text()).split('\r\n')[1]!
    expect(await csv(member)).toContain(`,${ADMIN.email},`)
    expect(await csv(guest)).not.toContain(ADMIN.email)
    expect(await csv(guest)).toStartWith('WEB-1,Pricing page,')
  })

  test("calendar's feed lists attendees (mailto:) only for someone who may see emails", async () => {
    const feed = async (c: Client) => {
      await c.get('/calendar/calendars')
      const res = await c.post('/calendar/feed-token')
      expect(res.status).toBe(200)
      const token = /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(await res.text())![1]!
      return (await (await fetch(`${p.url}/calendar/feed/${token}.ics`)).text()).replace(/\r\n /g, '')
    }
    const forMember = await feed(member)
    expect(forMember).toContain('SUMMARY:Review')
    expect(forMember).toMatch(/ATTENDEE[^\r\n]*MAILTO:guest-/)
    const forGuest = await feed(guest)
    expect(forGuest).toContain('SUMMARY:Review')
    expect(forGuest).not.toContain('ATTENDEE')
    expect(forGuest).not.toContain('@example.com')
  })
})
