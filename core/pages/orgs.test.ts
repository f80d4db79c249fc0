import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { Client } from '../../test/helpers/client.ts'
import { limits } from '../auth/rate-limit.ts'
import type { Org, Role } from '../auth/orgs.ts'
import type { User } from '../auth/accounts.ts'

const IP = '127.0.0.1'

/** Pages without a form (the invalid-invitation card) carry the anonymous CSRF token only in its cookie. */
function useCookieCsrf(c: Client): void {
  c.csrf = [...c.cookies].find(([name]) => name.endsWith('csrf'))?.[1] ?? ''
}

eachDialect('org pages', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let acme: Org
  let roles: Role[]
  const role = (builtin: string) => roles.find((r) => r.builtin === builtin)!

  beforeAll(async () => {
    limits.signInAddress.reset(IP)
    limits.inviteAccept.reset(IP)
    p = await startPlatform(dialect, fixturePlugins)
    acme = p.org!
    roles = await p.deps.identity.orgs.listRoles(acme.id)
    ada = await p.adminClient()
    await ada.get('/orgs/members')
  })
  afterAll(async () => {
    limits.inviteAccept.reset(IP)
    await p.stop()
  })

  const ids = () => p.deps.identity
  const audits = async (action: string) => (await ids().accounts.listAudit({ orgId: acme.id, limit: 200 })).filter((a) => a.action === action)
  const newUser = async (name: string): Promise<User> => ids().accounts.createUser({ email: `${name.toLowerCase().replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2, 8)}@example.com`, name, password: 'a good password 1' })
  const createInvite = async (fields: Record<string, string>): Promise<{ res: Response; html: string; token?: string }> => {
    const res = await ada.post('/orgs/invitations', fields)
    const html = await res.text()
    const m = /id="invite-link" class="secret">([^<]+)</.exec(html)
    return { res, html, token: m ? m[1]!.trim().split('/invite/')[1] : undefined }
  }

  test('create an organization, switch between organizations; another org is 404', async () => {
    const form = await ada.get('/orgs/new')
    expect(form.res.status).toBe(200)
    expect(form.html).toContain('action="/orgs/new"')
    const empty = await ada.post('/orgs/new', { name: '   ' })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('field-error')
    const taken = await ada.post('/orgs/new', { name: 'Acme' })
    expect(taken.status).toBe(422)
    const takenHtml = await taken.text()
    expect(takenHtml).toContain('value="Acme"')
    expect(takenHtml).toContain('exists already')

    const created = await ada.post('/orgs/new', { name: 'Beta <&> Co' })
    expect(created.status).toBe(303)
    expect(created.headers.get('location')).toBe('/orgs/members')
    const beta = (await ids().orgs.orgsOf(p.admin!.id)).find((o) => o.name === 'Beta <&> Co')!
    expect(beta.role).toBe('Owner')
    const inBeta = await ada.get('/orgs/members')
    expect(inBeta.html).toContain('<h1>Beta &lt;&amp;&gt; Co</h1>')
    expect(inBeta.html).not.toMatch(/>Beta <&> Co</)
    expect((await ids().accounts.listAudit({ orgId: beta.id })).map((a) => a.action)).toContain('org.created')

    const back = await ada.post('/orgs/switch', { org: acme.id })
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe('/')
    expect((await ada.get('/orgs/members')).html).toContain('<h1>Acme</h1>')

    const stranger = await newUser('Stranger')
    const foreign = await ids().orgs.createOrg({ name: 'Foreign' }, stranger.id)
    expect((await ada.post('/orgs/switch', { org: foreign.id })).status).toBe(404)
    expect((await ada.post('/orgs/switch', { org: 'nonsense' })).status).toBe(404)
    expect((await ada.post('/orgs/switch', {})).status).toBe(404)
    expect((await ada.get('/orgs/members')).html).toContain('<h1>Acme</h1>')
    // anonymous: sign in first
    const anon = p.client()
    expect((await anon.request('/orgs/new')).status).toBe(303)
  })

  test('members see, guests see but cannot change, members cannot manage; tabs follow permissions', async () => {
    const { client: member } = await p.member('member')
    const { user: guestUser, client: guest } = await p.member('guest')

    const seen = await guest.get('/orgs/members')
    expect(seen.res.status).toBe(200)
    expect(seen.html).toContain('<ul class="tabs">')
    expect(seen.html).toContain('href="/orgs/teams"')
    expect(seen.html).not.toContain('href="/orgs/roles"')
    expect(seen.html).not.toContain('href="/orgs/audit"')
    // guests see names, not emails (as on Plane and Linear); members see both
    expect(seen.html).toContain('Ada Admin')
    expect(seen.html).not.toContain('admin@example.com')
    expect(seen.html).not.toContain('<th>Email</th>')
    expect(seen.html).not.toContain('name="role"')
    expect(seen.html).not.toContain('/orgs/invitations')
    expect((await guest.get('/orgs/teams')).res.status).toBe(200)
    expect((await guest.get('/orgs/roles')).res.status).toBe(403)
    expect((await guest.get('/orgs/audit')).res.status).toBe(403)
    expect((await guest.post(`/orgs/members/${guestUser.id}/role`, { role: role('admin').id })).status).toBe(403)
    expect((await guest.post(`/orgs/members/${p.admin!.id}/remove`)).status).toBe(403)
    expect((await guest.post('/orgs/teams', { name: 'Guests' })).status).toBe(403)

    const memberView = await member.get('/orgs/members')
    expect(memberView.html).toContain('admin@example.com')
    expect(memberView.html).toContain(guestUser.email)
    expect((await member.post(`/orgs/members/${guestUser.id}/role`, { role: role('member').id })).status).toBe(403)
    expect((await member.post('/orgs/teams', { name: 'Members' })).status).toBe(403)
    expect((await member.post('/orgs/invitations', { role: role('member').id })).status).toBe(403)
    expect((await member.post('/orgs/roles', { name: 'X' })).status).toBe(403)
    expect((await ids().orgs.membership(guestUser.id, acme.id))!.role.builtin).toBe('guest')

    const owner = await ada.get('/orgs/members')
    for (const tab of ['/orgs/members', '/orgs/teams', '/orgs/roles', '/orgs/audit', '/orgs/settings']) expect(owner.html).toContain(`href="${tab}"`)
    expect(seen.html).not.toContain('href="/orgs/settings"')
    expect(memberView.html).not.toContain('href="/orgs/settings"')
    expect(owner.html).toContain(`action="/orgs/members/${guestUser.id}/role"`)
    expect(owner.html).toContain('No open invitations')
  })

  test("another organization's ids are 404 on every mutating route", async () => {
    const { orgs } = ids()
    const boss = await newUser('Boss')
    const globex = await orgs.createOrg({ name: 'Globex' }, boss.id)
    const gRoles = await orgs.listRoles(globex.id)
    const worker = await newUser('Worker')
    await orgs.addMember(globex.id, worker.id, gRoles.find((r) => r.builtin === 'member')!.id)
    const gTeam = await orgs.createTeam(globex.id, 'Globex team')
    await orgs.addTeamMember(globex.id, gTeam.id, worker.id)
    const gRole = await orgs.createRole(globex.id, 'Globex role', ['core.members.read'])
    const gInvite = await orgs.createInvitation(globex.id, gRoles.find((r) => r.builtin === 'member')!.id, boss.id)
    const acmeTeam = await orgs.createTeam(acme.id, 'Acme team')

    await ada.get('/orgs/members')
    const attempts: [string, Record<string, string>][] = [
      [`/orgs/members/${worker.id}/role`, { role: role('member').id }],
      [`/orgs/members/${p.admin!.id}/role`, { role: gRole.id }],
      [`/orgs/members/${worker.id}/remove`, {}],
      ['/orgs/invitations', { role: gRole.id }],
      [`/orgs/invitations/${gInvite.id}/revoke`, {}],
      [`/orgs/teams/${gTeam.id}/delete`, {}],
      [`/orgs/teams/${gTeam.id}/members`, { user: p.admin!.id }],
      [`/orgs/teams/${acmeTeam.id}/members`, { user: worker.id }],
      [`/orgs/teams/${gTeam.id}/members/${worker.id}/remove`, {}],
      [`/orgs/roles/${gRole.id}`, { permissions: 'core.members.manage' }],
      [`/orgs/roles/${gRole.id}/delete`, {}],
      ['/orgs/members/no-such-user/role', { role: role('member').id }],
    ]
    for (const [path, fields] of attempts) {
      const res = await ada.post(path, fields)
      expect(`${path} ${res.status}`).toBe(`${path} 404`)
    }
    expect((await ada.get(`/orgs/roles/${gRole.id}`)).res.status).toBe(404)
    // nothing changed over there
    expect((await orgs.membership(worker.id, globex.id))!.role.builtin).toBe('member')
    expect((await orgs.getTeam(globex.id, gTeam.id)).memberIds).toEqual([worker.id])
    expect((await orgs.getRole(globex.id, gRole.id)).permissions).toEqual(['core.members.read'])
    expect((await orgs.listInvitations(globex.id)).map((i) => i.id)).toEqual([gInvite.id])
    expect((await orgs.membership(p.admin!.id, acme.id))!.role.builtin).toBe('owner')
    expect(await orgs.membership(worker.id, acme.id)).toBeUndefined()
    await orgs.deleteTeam(acme.id, acmeTeam.id)
  })

  test('invitation link: shown once, anonymous sign-up joins with the role and signs in; then 404', async () => {
    await ada.get('/orgs/members')
    const noRole = await ada.post('/orgs/invitations', { email: 'x@example.com' })
    expect(noRole.status).toBe(422)
    expect(await noRole.text()).toContain('value="x@example.com"')
    const owner = await ada.post('/orgs/invitations', { role: role('owner').id })
    expect(owner.status).toBe(422)
    const badEmail = await createInvite({ role: role('member').id, email: 'not an email' })
    expect(badEmail.res.status).toBe(422)
    expect(badEmail.html).toContain('value="not an email"')

    const made = await createInvite({ role: role('member').id, email: '' })
    expect(made.res.status).toBe(201)
    expect(made.html).toContain('class="secret"')
    expect(made.html).toContain('<button type="button" class="secondary" data-copy="#invite-link">')
    expect(made.html).toContain(`${p.url}/invite/`)
    const token = made.token!
    expect(token.length).toBeGreaterThan(20)
    // shown once: the list has it, but not the link
    const listed = await ada.get('/orgs/members')
    expect(listed.html).toContain('Anyone with the link')
    expect(listed.html).not.toContain(token)
    expect((await audits('org.invitation_created')).length).toBeGreaterThan(0)

    const nina = p.client()
    const page = await nina.get(`/invite/${token}`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('Join Acme')
    expect(page.html).toContain('<strong>Member</strong>')
    expect(page.html).toContain(`href="/login?next=/invite/${token}"`)
    expect(nina.csrf).not.toBe('')
    const short = await nina.post(`/invite/${token}`, { name: 'Nina <b>', email: 'nina@example.com', password: 'short' })
    expect(short.status).toBe(422)
    const shortHtml = await short.text()
    expect(shortHtml).toContain('value="Nina <b>"')
    expect(shortHtml).toContain('value="nina@example.com"')
    // an address with an account: the same neutral answer as for any address not taken here, no "exists"
    const taken = await nina.post(`/invite/${token}`, { name: 'Nina', email: 'admin@example.com', password: 'a long password' })
    expect(taken.status).toBe(422)
    const takenHtml = await taken.text()
    expect(takenHtml).toContain('If you have an account already, sign in first, then open this link again.')
    expect(takenHtml).toContain('value="admin@example.com"')
    expect(takenHtml.toLowerCase()).not.toContain('exists')
    expect(takenHtml.toLowerCase()).not.toContain('already registered')
    expect(takenHtml).not.toContain('An account with this email')

    const joined = await nina.post(`/invite/${token}`, { name: 'Nina', email: 'nina@example.com', password: 'a long password' })
    expect(joined.status).toBe(303)
    expect(joined.headers.get('location')).toBe('/')
    const home = await nina.get('/')
    expect(home.res.status).toBe(200)
    expect(home.html).toContain('Welcome, Nina')
    expect(home.html).toContain('You are working in Acme')
    const user = (await ids().accounts.findUserByEmail('nina@example.com'))!
    expect((await ids().orgs.membership(user.id, acme.id))!.role.builtin).toBe('member')
    expect((await audits('org.member_joined')).map((a) => a.target)).toContain('nina@example.com')

    // single use
    const again = await p.client().get(`/invite/${token}`)
    expect(again.res.status).toBe(404)
    expect(again.html).toContain('This invitation link does not work')
    expect(again.html).toContain('Ask someone in the organization for a new invitation')
    const other = p.client()
    await other.get(`/invite/${token}`)
    useCookieCsrf(other)
    expect((await other.post(`/invite/${token}`, { name: 'Eve', email: 'eve@example.com', password: 'a long password' })).status).toBe(404)
    expect(await ids().accounts.findUserByEmail('eve@example.com')).toBeUndefined()
    expect((await p.client().get('/invite/garbage')).res.status).toBe(404)
  })

  test('invitations: bound to an email, expired, revoked; signed-in users join with a button', async () => {
    await ada.get('/orgs/members')
    const bound = await createInvite({ role: role('guest').id, email: 'Bound@Example.com' })
    expect(bound.res.status).toBe(201)
    const visitor = p.client()
    const page = await visitor.get(`/invite/${bound.token}`)
    expect(page.html).toContain('value="bound@example.com"')
    const wrong = await visitor.post(`/invite/${bound.token}`, { name: 'Mallory', email: 'mallory@example.com', password: 'a long password' })
    expect(wrong.status).toBe(422)
    expect(await wrong.text()).toContain('This invitation is for bound@example.com')
    expect(await ids().accounts.findUserByEmail('mallory@example.com')).toBeUndefined()

    // expired
    const { accounts, orgs } = ids()
    const old = await orgs.createInvitation(acme.id, role('member').id, p.admin!.id)
    const inv = accounts.t.invitations
    await p.store.db.update(inv).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(inv.id, old.id))
    const expired = await p.client().get(`/invite/${old.token}`)
    expect(expired.res.status).toBe(404)
    expect(expired.html).toContain('expired')

    // revoked
    const revocable = await createInvite({ role: role('member').id })
    const listed = await ada.get('/orgs/members')
    const id = (await orgs.listInvitations(acme.id)).filter((i) => i.email === null).at(-1)!.id
    expect(listed.html).toContain(`/orgs/invitations/${id}/revoke`)
    const revoke = await ada.post(`/orgs/invitations/${id}/revoke`)
    expect(revoke.status).toBe(303)
    expect((await p.client().get(`/invite/${revocable.token}`)).res.status).toBe(404)
    expect((await ada.post(`/orgs/invitations/${id}/revoke`)).status).toBe(404)
    expect((await audits('org.invitation_revoked')).length).toBe(1)

    // a signed-in user of another org joins with a button; the session moves to the new org
    const boss = await newUser('Other boss')
    const initech = await orgs.createOrg({ name: 'Initech' }, boss.id)
    const { user: peter, client: peterClient } = await p.member('member', initech)
    const forPeter = await createInvite({ role: role('guest').id })
    const offer = await peterClient.get(`/invite/${forPeter.token}`)
    expect(offer.res.status).toBe(200)
    expect(offer.html).toContain('Join Acme</button>')
    expect(offer.html).toContain(peter.email)
    const join = await peterClient.post(`/invite/${forPeter.token}`)
    expect(join.status).toBe(303)
    expect((await orgs.membership(peter.id, acme.id))!.role.builtin).toBe('guest')
    expect((await peterClient.get('/orgs/members')).html).toContain('<h1>Acme</h1>')
    // the bound invitation refuses a signed-in account with another address
    expect((await peterClient.get(`/invite/${bound.token}`)).res.status).toBe(403)
    expect((await peterClient.post(`/invite/${bound.token}`)).status).toBe(403)
  })

  test('invitation rate limits: the 11th accept from one address is 429; creating is limited per user', async () => {
    limits.inviteAccept.reset(IP)
    const c = p.client()
    const invalid = await c.get('/invite/not-a-real-token')
    expect(invalid.res.status).toBe(404)
    useCookieCsrf(c)
    expect(c.csrf).not.toBe('')
    for (let i = 0; i < 10; i++) expect((await c.post('/invite/not-a-real-token', { name: 'A', email: 'a@example.com', password: 'a long password' })).status).toBe(404)
    const limited = await c.post('/invite/not-a-real-token', { name: 'A', email: 'a@example.com', password: 'a long password' })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    limits.inviteAccept.reset(IP)

    for (let i = 0; i < limits.inviteCreate.limit; i++) limits.inviteCreate.hit(p.admin!.id)
    await ada.get('/orgs/members')
    const res = await ada.post('/orgs/invitations', { role: role('member').id })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBeTruthy()
    limits.inviteCreate.reset(p.admin!.id)
  })

  test('invitation rate limits per link, per signed-in account, and creating per address', async () => {
    limits.inviteAccept.reset(IP)
    await ada.get('/orgs/members')
    // one link, tried from many addresses: its own limit (the address limit is fresh here)
    const made = await createInvite({ role: role('member').id })
    const inv = (await ids().orgs.findInvitation(made.token!))!
    for (let i = 0; i < limits.inviteAcceptLink.limit; i++) limits.inviteAcceptLink.hit(inv.id)
    const c = p.client()
    await c.get(`/invite/${made.token}`)
    const byLink = await c.post(`/invite/${made.token}`, { name: 'Link', email: 'link-limit@example.com', password: 'a long password' })
    expect(byLink.status).toBe(429)
    expect(Number(byLink.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await byLink.text()).toContain('this invitation link')
    expect(await ids().accounts.findUserByEmail('link-limit@example.com')).toBeUndefined()
    limits.inviteAcceptLink.reset(inv.id)

    // a signed-in account, from many addresses: its own limit
    limits.inviteAccept.reset(IP)
    const { user, client } = await p.member('member', await ids().orgs.createOrg({ name: `Other ${Math.random()}` }, (await newUser('Boss')).id))
    for (let i = 0; i < limits.inviteAcceptAccount.limit; i++) limits.inviteAcceptAccount.hit(user.id)
    await client.get(`/invite/${made.token}`)
    const byAccount = await client.post(`/invite/${made.token}`)
    expect(byAccount.status).toBe(429)
    expect(Number(byAccount.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await ids().orgs.membership(user.id, acme.id)).toBeUndefined()
    limits.inviteAcceptAccount.reset(user.id)
    const joins = await client.post(`/invite/${made.token}`)
    expect(joins.status).toBe(303)
    limits.inviteAccept.reset(IP)

    // creating: per address too, whoever the user is
    for (let i = 0; i < limits.inviteCreateAddress.limit; i++) limits.inviteCreateAddress.hit(IP)
    await ada.get('/orgs/members')
    const byAddress = await ada.post('/orgs/invitations', { role: role('member').id })
    expect(byAddress.status).toBe(429)
    expect(Number(byAddress.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await byAddress.text()).toContain('from your address')
    expect(limits.inviteCreate.check(p.admin!.id).ok).toBe(true)
    limits.inviteCreateAddress.reset(IP)
    expect((await createInvite({ role: role('member').id })).res.status).toBe(201)
  })

  test('roles of members: the last owner stays; changes are audited with from/to; nobody hands out more than they hold', async () => {
    await ada.get('/orgs/members')
    const demote = await ada.post(`/orgs/members/${p.admin!.id}/role`, { role: role('admin').id })
    expect(demote.status).toBe(409)
    expect(await demote.text()).toContain('at least one active owner')
    const leave = await ada.post(`/orgs/members/${p.admin!.id}/remove`)
    expect(leave.status).toBe(409)
    expect((await ids().orgs.membership(p.admin!.id, acme.id))!.role.builtin).toBe('owner')

    const { user: bob } = await p.member('member')
    expect((await ada.post(`/orgs/members/${bob.id}/role`, {})).status).toBe(422)
    const promote = await ada.post(`/orgs/members/${bob.id}/role`, { role: role('admin').id })
    expect(promote.status).toBe(303)
    const changed = (await audits('org.role_changed')).find((a) => a.target === bob.email)!
    expect(changed.details).toEqual({ from: 'Member', to: 'Admin' })
    expect(changed.actorEmail).toBe('admin@example.com')

    // an org admin cannot touch the owner, nor make anyone owner
    const { user: alice, client: adminClient } = await p.member('admin')
    await adminClient.get('/orgs/members')
    expect((await adminClient.post(`/orgs/members/${p.admin!.id}/role`, { role: role('member').id })).status).toBe(403)
    expect((await adminClient.post(`/orgs/members/${p.admin!.id}/remove`)).status).toBe(403)
    expect((await adminClient.post(`/orgs/members/${alice.id}/role`, { role: role('owner').id })).status).toBe(403)
    expect((await adminClient.post(`/orgs/members/${bob.id}/role`, { role: role('guest').id })).status).toBe(303)
    expect((await ids().orgs.membership(bob.id, acme.id))!.role.builtin).toBe('guest')

    // removal
    const removed = await ada.post(`/orgs/members/${bob.id}/remove`)
    expect(removed.status).toBe(303)
    expect(await ids().orgs.membership(bob.id, acme.id)).toBeUndefined()
    expect((await audits('org.member_removed')).map((a) => a.target)).toContain(bob.email)
    expect((await ada.post(`/orgs/members/${bob.id}/remove`)).status).toBe(404)

    // the audit log page: newest first, paged by ?before
    const log = await ada.get('/orgs/audit')
    expect(log.res.status).toBe(200)
    expect(log.html).toContain('org.role_changed')
    expect(log.html).toContain('<dt>from</dt><dd>Member</dd>')
    expect(log.html).toContain('<dt>to</dt><dd>Admin</dd>')
    for (let i = 0; i < 60; i++) await ids().accounts.audit({ userId: null, email: null, ip: IP, orgId: acme.id }, 'test.filler', `filler ${i}`)
    const first = await ada.get('/orgs/audit')
    expect(first.html).toContain('filler 59')
    expect(first.html).not.toContain('filler 9<')
    const next = /href="\/orgs\/audit\?before=(\d+)"/.exec(first.html)
    expect(next).not.toBeNull()
    const second = await ada.get(`/orgs/audit?before=${next![1]}`)
    expect(second.res.status).toBe(200)
    expect(second.html).toContain('filler 9<')
    expect(second.html).not.toContain('filler 59')
    expect((await ada.get('/orgs/audit?before=abc')).res.status).toBe(200)
    expect((await ada.get('/orgs/audit?before=1')).html).toContain('No older entries')
  })

  test('teams: create, add and remove members, delete; values kept on error; escaped', async () => {
    await ada.get('/orgs/teams')
    const empty = await ada.get('/orgs/teams')
    expect(empty.html).toContain('No teams yet')
    const bad = await ada.post('/orgs/teams', { name: '', description: 'kept text' })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('value="kept text"')
    expect((await ada.post('/orgs/teams', { name: '<script>alert(1)</script>', description: 'Builds' })).status).toBe(303)
    const dup = await ada.post('/orgs/teams', { name: '<SCRIPT>alert(1)</SCRIPT>' })
    expect(dup.status).toBe(422)
    const listed = await ada.get('/orgs/teams')
    expect(listed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(listed.html).not.toMatch(/>\s*<script>alert/)
    const team = (await ids().orgs.listTeams(acme.id))[0]!
    expect(listed.html).toContain(`action="/orgs/teams/${team.id}/members"`)

    expect((await ada.post(`/orgs/teams/${team.id}/members`, {})).status).toBe(422)
    expect((await ada.post(`/orgs/teams/${team.id}/members`, { user: p.admin!.id })).status).toBe(303)
    expect((await ids().orgs.getTeam(acme.id, team.id)).memberIds).toEqual([p.admin!.id])
    expect((await ada.get('/orgs/teams')).html).toContain(`/orgs/teams/${team.id}/members/${p.admin!.id}/remove`)
    expect((await ada.post(`/orgs/teams/${team.id}/members/${p.admin!.id}/remove`)).status).toBe(303)
    expect((await ids().orgs.getTeam(acme.id, team.id)).memberIds).toEqual([])
    expect((await ada.post(`/orgs/teams/${team.id}/members/${p.admin!.id}/remove`)).status).toBe(404)
    expect((await ada.post(`/orgs/teams/${team.id}/delete`)).status).toBe(303)
    expect(await ids().orgs.listTeams(acme.id)).toEqual([])
    for (const action of ['team.created', 'team.member_added', 'team.member_removed', 'team.deleted']) expect((await audits(action)).length).toBe(1)
  })

  test('custom roles grant plugin permissions; a disabled plugin hides them in the editor and keeps them', async () => {
    const { user: gus, client: gusClient } = await p.member('guest')
    const postNote = () =>
      gusClient.request('/api/v1/fixture-notes/notes', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': gusClient.csrf }, body: '{"title":"x"}' })
    expect((await postNote()).status).toBe(403)

    const page = await ada.get('/orgs/roles')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('No custom roles yet')
    expect(page.html).toContain('<legend>Organization</legend>')
    expect(page.html).toContain('<legend>Notes</legend>')
    expect(page.html).toContain('value="fixture-notes.note.write"')
    const unknown = await ada.post('/orgs/roles', { name: 'Writer', permissions: ['core.nope'] })
    expect(unknown.status).toBe(422)
    expect(await unknown.text()).toContain('value="Writer"')
    const noName = await ada.post('/orgs/roles', { name: '', permissions: ['fixture-notes.note.write'] })
    expect(noName.status).toBe(422)
    expect(await noName.text()).toMatch(/value="fixture-notes.note.write" checked/)
    expect((await ada.post('/orgs/roles', { name: 'Admin', permissions: [] })).status).toBe(422)

    expect((await ada.post('/orgs/roles', { name: 'Writer', permissions: ['fixture-notes.note.write'] })).status).toBe(303)
    const writer = (await ids().orgs.listRoles(acme.id)).find((r) => r.name === 'Writer')!
    expect(writer.permissions).toEqual(['fixture-notes.note.write'])
    expect((await audits('role.created')).map((a) => a.target)).toContain('Writer')
    await ada.get('/orgs/members')
    expect((await ada.post(`/orgs/members/${gus.id}/role`, { role: writer.id })).status).toBe(303)
    expect((await postNote()).status).toBe(201)

    // disable the plugin: the editor hides its permissions; saving keeps them
    const plugin = (action: string) => fetch(`${p.url}/api/v1/admin/plugins/fixture-notes/${action}`, { method: 'POST', headers: { authorization: p.serviceAuth, 'content-type': 'application/json' }, body: '{}' })
    expect((await plugin('disable')).status).toBe(200)
    const editor = await ada.get(`/orgs/roles/${writer.id}`)
    expect(editor.res.status).toBe(200)
    expect(editor.html).not.toContain('fixture-notes.note.write')
    expect(editor.html).not.toContain('<legend>Notes</legend>')
    expect(editor.html).toContain('1 permission of disabled plugins')
    expect((await ada.post(`/orgs/roles/${writer.id}`, { permissions: ['core.members.read'] })).status).toBe(303)
    expect((await ids().orgs.getRole(acme.id, writer.id)).permissions.sort()).toEqual(['core.members.read', 'fixture-notes.note.write'])
    const updated = (await audits('role.updated')).at(-1)!
    expect(updated.details).toEqual({ id: writer.id, added: ['core.members.read'], removed: [] })
    expect((await plugin('enable')).status).toBe(200)
    expect((await postNote()).status).toBe(201)

    // unchecking it takes it away
    expect((await ada.get(`/orgs/roles/${writer.id}`)).html).toMatch(/value="fixture-notes.note.write" checked/)
    expect((await ada.post(`/orgs/roles/${writer.id}`, { permissions: ['core.members.read'] })).status).toBe(303)
    expect((await postNote()).status).toBe(403)

    // built-in roles are read-only; a role in use cannot be deleted
    const builtin = await ada.get(`/orgs/roles/${role('member').id}`)
    expect(builtin.res.status).toBe(200)
    expect(builtin.html).toContain('Built-in roles cannot be changed')
    expect((await ada.post(`/orgs/roles/${role('member').id}`, { permissions: [] })).status).toBe(409)
    expect((await ada.post(`/orgs/roles/${role('member').id}/delete`)).status).toBe(409)
    const inUse = await ada.post(`/orgs/roles/${writer.id}/delete`)
    expect(inUse.status).toBe(409)
    expect(await inUse.text()).toContain('Members still hold this role')
    await ada.get('/orgs/members')
    expect((await ada.post(`/orgs/members/${gus.id}/role`, { role: role('guest').id })).status).toBe(303)
    expect((await ada.post(`/orgs/roles/${writer.id}/delete`)).status).toBe(303)
    expect((await audits('role.deleted')).map((a) => a.target)).toContain('Writer')
    expect((await ada.get(`/orgs/roles/${writer.id}`)).res.status).toBe(404)
  })
})
