/**
 * The subscription feed reads as its owner would right now: a role without calendar.event.read, a
 * removed member or a disabled user get 404; what it holds follows the owner's current role (an admin
 * sees team calendars they are not in, a member does not).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { User } from '../../core/auth/accounts.ts'
import type { Client } from '../../test/helpers/client.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

/** A new feed token of the signed-in user. */
async function feedToken(c: Client): Promise<string> {
  await c.get('/calendar/calendars')
  const res = await c.post('/calendar/feed-token')
  expect(res.status).toBe(200)
  return /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(await res.text())![1]!
}

eachDialect('calendar feed permissions', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let anon: Client
  let n = 0
  const roleId = async (builtin: string) => (await p.deps.identity.orgs.listRoles(p.org!.id)).find((r) => r.builtin === builtin)!.id
  const feed = async (token: string) => {
    const res = await anon.request(`/calendar/feed/${token}.ics`)
    return { status: res.status, text: await res.text() }
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    anon = p.client()
    const org = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'All hands', ownerKind: 'org' })).json.id
    expect((await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: org, title: 'Town hall', timeZone: 'UTC', start: '2030-01-10T16:00', end: '2030-01-10T17:00' })).status).toBe(201)
    const team = await p.deps.identity.orgs.createTeam(p.org!.id, 'Ops')
    const teamCal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Ops rota', ownerKind: 'team', ownerId: team.id })).json.id
    expect((await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: teamCal, title: 'Ops handover', timeZone: 'UTC', start: '2030-01-11T08:00', end: '2030-01-11T08:30' })).status).toBe(201)
  }, 30_000)
  afterAll(() => p.stop())

  test('a role without calendar.event.read makes the feed 404; the role back makes it answer again', async () => {
    const bea = await p.member('member')
    const token = await feedToken(bea.client)
    const before = await feed(token)
    expect(before.status).toBe(200)
    expect(before.text).toContain('SUMMARY:Town hall')
    const role = await p.deps.identity.orgs.createRole(p.org!.id, `No calendar ${++n}`, ['core.members.read'])
    await p.deps.identity.orgs.setMemberRole(p.org!.id, bea.user.id, role.id)
    const after = await feed(token)
    expect(after.status).toBe(404)
    expect(after.text).not.toContain('Town hall')
    await p.deps.identity.orgs.setMemberRole(p.org!.id, bea.user.id, await roleId('member'))
    expect((await feed(token)).status).toBe(200)
  })

  test("the feed holds what the owner's current role shows: team calendars for an admin, not once a member", async () => {
    const cid = await p.member('admin')
    const token = await feedToken(cid.client)
    const asAdmin = await feed(token)
    expect(asAdmin.status).toBe(200)
    expect(asAdmin.text).toContain('SUMMARY:Ops handover')
    await p.deps.identity.orgs.setMemberRole(p.org!.id, cid.user.id, await roleId('member'))
    const asMember = await feed(token)
    expect(asMember.status).toBe(200)
    expect(asMember.text).toContain('SUMMARY:Town hall')
    expect(asMember.text).not.toContain('Ops handover')
  })

  test('a removed member or a disabled user has no feed', async () => {
    const dan = await p.member('member')
    const eve: { user: User; client: Client } = await p.member('member')
    const danToken = await feedToken(dan.client)
    const eveToken = await feedToken(eve.client)
    await p.deps.identity.orgs.removeMember(p.org!.id, dan.user.id)
    expect((await feed(danToken)).status).toBe(404)
    await p.deps.identity.accounts.setDisabled(eve.user.id, true)
    expect((await feed(eveToken)).status).toBe(404)
  })
})
