import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import type { Client } from '../../test/helpers/client.ts'
import type { User } from '../auth/accounts.ts'
import type { Org, Role } from '../auth/orgs.ts'
import { limits } from '../auth/rate-limit.ts'

eachDialect('organization settings, owners, invitations, emails (pages)', (dialect) => {
  let p: TestPlatform
  let n = 0
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  const ids = () => p.deps.identity
  const roleOf = async (org: Org, builtin: string): Promise<Role> => (await ids().orgs.listRoles(org.id)).find((r) => r.builtin === builtin)!
  const newUser = (name: string): Promise<User> => ids().accounts.createUser({ email: `${name.toLowerCase().replace(/\W+/g, '-')}-${++n}@example.com`, name, password: 'member password 1' })
  const signedIn = async (user: User): Promise<Client> => {
    const c = p.client()
    expect((await c.signIn(user.email, 'member password 1')).status).toBe(303)
    return c
  }
  /** A new org owned by a new user, with that owner's client working in it. */
  const ownOrg = async (name: string) => {
    const owner = await newUser(`${name} Owner`)
    const org = await ids().orgs.createOrg({ name }, owner.id)
    const client = await signedIn(owner)
    await client.post('/orgs/switch', { org: org.id })
    await client.get('/orgs/settings')
    return { owner, org, client }
  }

  test('the Settings tab: owners only; rename keeps what was typed on 422/409 and is audited', async () => {
    const { org, client } = await ownOrg('Settled')
    await ids().orgs.createOrg({ name: 'Taken' }, (await newUser('Other')).id)
    const page = await client.get('/orgs/settings')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('aria-current="page"')
    expect(page.html).toContain('href="/orgs/settings"')
    expect(page.html).toContain('value="settled"')
    expect(page.html).toContain('action="/orgs/settings/delete"')
    // the slug is the organization's short name (not an "address": no mail, no link uses it)
    expect(page.html).toContain('<label for="f-slug"><span>Short name</span>')
    expect(page.html).toContain('The API and the audit log name the organization by it.')
    expect(page.html).not.toContain('Address')

    const empty = await client.post('/orgs/settings', { name: '  ', slug: 'my-slug' })
    expect(empty.status).toBe(422)
    const emptyHtml = await empty.text()
    expect(emptyHtml).toContain('value="my-slug"')
    expect(emptyHtml).toContain('field-error')

    const badSlug = await client.post('/orgs/settings', { name: 'Settled <b>', slug: 'Not a slug!' })
    expect(badSlug.status).toBe(422)
    const badHtml = await badSlug.text()
    expect(badHtml).toContain('value="Not a slug!"')
    expect(badHtml).toContain('value="Settled <b>"') // an attribute: quotes and ampersands are what need escaping there
    expect(badHtml).toContain('Enter a short name of 1 to 40 lowercase letters and digits, words joined by single dashes (like acme-labs).')

    const taken = await client.post('/orgs/settings', { name: 'Settled', slug: 'taken' })
    expect(taken.status).toBe(409)
    const takenHtml = await taken.text()
    expect(takenHtml).toContain('value="taken"')
    expect(takenHtml).toContain('The short name &quot;taken&quot; belongs to another organization: choose another.')
    const takenName = await client.post('/orgs/settings', { name: 'taken', slug: 'settled' })
    expect(takenName.status).toBe(409)
    expect(await takenName.text()).toContain('value="taken"')

    const ok = await client.post('/orgs/settings', { name: 'Settled & Co', slug: 'settled-co' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/orgs/settings')
    const after = await client.get('/orgs/settings')
    expect(after.html).toContain('<h1>Settled &amp; Co</h1>')
    expect(after.html).toContain('Saved: the organization is Settled &amp; Co.')
    expect(await ids().orgs.getOrg(org.id)).toMatchObject({ name: 'Settled & Co', slug: 'settled-co' })
    const [entry] = await ids().accounts.listAudit({ orgId: org.id, action: 'org.renamed' })
    expect(entry?.details).toEqual({ from: { name: 'Settled', slug: 'settled' }, to: { name: 'Settled & Co', slug: 'settled-co' } })
    // saving what is there changes nothing and logs nothing
    expect((await client.post('/orgs/settings', { name: 'Settled & Co', slug: 'settled-co' })).status).toBe(303)
    expect(await ids().accounts.listAudit({ orgId: org.id, action: 'org.renamed' })).toHaveLength(1)

    // admins, members and guests: no tab, 403
    for (const builtin of ['admin', 'member', 'guest'] as const) {
      const { client: c } = await p.member(builtin, org)
      await c.post('/orgs/switch', { org: org.id })
      const members = await c.get('/orgs/members')
      expect(members.html).not.toContain('href="/orgs/settings"')
      expect((await c.get('/orgs/settings')).res.status).toBe(403)
      expect((await c.post('/orgs/settings', { name: 'Hijacked', slug: 'hijacked' })).status).toBe(403)
      expect((await c.post('/orgs/settings/delete', { confirm: 'Settled & Co' })).status).toBe(403)
    }
    expect((await ids().orgs.getOrg(org.id))?.name).toBe('Settled & Co')
  })

  test('a custom role holding core.org.manage renames but cannot delete: only owners delete', async () => {
    const { org } = await ownOrg('Custom')
    const renamer = await ids().orgs.createRole(org.id, 'Renamer', ['core.members.read', 'core.org.manage'])
    const rita = await newUser('Rita')
    await ids().orgs.addMember(org.id, rita.id, renamer.id)
    const c = await signedIn(rita)
    await c.post('/orgs/switch', { org: org.id })
    const page = await c.get('/orgs/settings')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('Only an owner can delete the organization.')
    expect(page.html).not.toContain('action="/orgs/settings/delete"')
    expect((await c.post('/orgs/settings/delete', { confirm: 'Custom' })).status).toBe(403)
    expect(await ids().orgs.getOrg(org.id)).toBeDefined()
    expect((await c.post('/orgs/settings', { name: 'Custom Renamed', slug: 'custom' })).status).toBe(303)
  })

  test('delete: the typed name, then core rows go, members move to another org or none, plugins hear core.org.deleted', async () => {
    const { owner, org, client } = await ownOrg('Doomed')
    const heard: unknown[] = []
    const off = p.host.bus.on('test', 'core.org.deleted', (e) => void heard.push(e))
    const other = await ids().orgs.createOrg({ name: 'Lifeboat' }, owner.id)
    const both = await newUser('Both')
    await ids().orgs.addMember(org.id, both.id, (await roleOf(org, 'member')).id)
    await ids().orgs.addMember(other.id, both.id, (await roleOf(other, 'member')).id)
    const bothClient = await signedIn(both)
    await bothClient.post('/orgs/switch', { org: org.id })
    expect((await bothClient.get('/orgs/members')).html).toContain('<h1>Doomed</h1>')
    const only = await newUser('Only')
    await ids().orgs.addMember(org.id, only.id, (await roleOf(org, 'guest')).id)
    const onlyClient = await signedIn(only)
    await onlyClient.post('/orgs/switch', { org: org.id })
    await ids().orgs.createTeam(org.id, 'Crew')

    const page = await client.get('/orgs/settings')
    expect(page.html).toContain('Type Doomed to confirm')
    expect(page.html).toContain('3 memberships')
    const wrong = await client.post('/orgs/settings/delete', { confirm: 'doomed' })
    expect(wrong.status).toBe(422)
    const wrongHtml = await wrong.text()
    expect(wrongHtml).toContain('value="doomed"')
    expect(wrongHtml).toContain('exactly as shown')
    expect((await client.post('/orgs/settings/delete', {})).status).toBe(422)
    expect(await ids().orgs.getOrg(org.id)).toBeDefined()
    expect(heard).toEqual([])

    const gone = await client.post('/orgs/settings/delete', { confirm: 'Doomed' })
    expect(gone.status).toBe(303)
    expect(gone.headers.get('location')).toBe('/')
    expect(await ids().orgs.getOrg(org.id)).toBeUndefined()
    expect(heard).toEqual([{ id: org.id, name: 'Doomed', slug: 'doomed' }])
    off()
    const audit = (await ids().accounts.listAudit({ action: 'org.deleted' })).find((a) => a.orgId === org.id)
    expect(audit).toMatchObject({ target: 'Doomed', actorEmail: owner.email, details: { slug: 'doomed', members: 3, by: 'owner' } })
    expect(await ids().orgs.listTeams(org.id)).toEqual([])
    expect(await ids().orgs.listMembers(org.id)).toEqual([])

    // the owner and a member of both work in the other org now; a member of none has no org
    expect((await client.get('/orgs/members')).html).toContain('<h1>Lifeboat</h1>')
    expect((await bothClient.get('/orgs/members')).html).toContain('<h1>Lifeboat</h1>')
    expect((await onlyClient.get('/orgs/members')).res.status).toBe(403)
    expect((await onlyClient.get('/')).res.status).toBe(200)
  })

  test('two owners demoting each other at once over HTTP: one is refused (409), one owner stays', async () => {
    const { org, client: a, owner: ownerA } = await ownOrg('Duel')
    const { user: ownerB, client: b } = await p.member('owner', org)
    await b.post('/orgs/switch', { org: org.id })
    await b.get('/orgs/members')
    await a.get('/orgs/members')
    const member = await roleOf(org, 'member')
    const [ra, rb] = await Promise.all([a.post(`/orgs/members/${ownerB.id}/role`, { role: member.id }), b.post(`/orgs/members/${ownerA.id}/role`, { role: member.id })])
    // The loser is refused by the owner check (409), or, when the winner's change landed before its
    // request was even resolved, as the member it has become (403). Never both 303.
    const statuses = [ra.status, rb.status].sort()
    expect(statuses[0]).toBe(303)
    expect([403, 409]).toContain(statuses[1]!)
    const owners = (await ids().orgs.listMembers(org.id)).filter((m) => m.role.builtin === 'owner')
    expect(owners).toHaveLength(1)
    const refused = ra.status === 303 ? rb : ra
    if (refused.status === 409) expect(await refused.text()).toContain('at least one active owner')
  })

  test('a disabled owner does not count: the last active owner cannot leave', async () => {
    const { org, client, owner } = await ownOrg('Lonely')
    const { user: ghost } = await p.member('owner', org)
    await ids().accounts.setDisabled(ghost.id, true)
    await client.get('/orgs/members')
    const leave = await client.post(`/orgs/members/${owner.id}/remove`)
    expect(leave.status).toBe(409)
    expect(await leave.text()).toContain('at least one active owner')
    expect((await ids().orgs.membership(owner.id, org.id))?.role.builtin).toBe('owner')
  })

  test("an invitation link dies with its creator's rights: the link page says to ask for a new one", async () => {
    limits.inviteAccept.reset('127.0.0.1')
    const { org } = await ownOrg('Inviting')
    const { user: adam, client: adamClient } = await p.member('admin', org)
    await adamClient.post('/orgs/switch', { org: org.id })
    await adamClient.get('/orgs/members')
    const made = await adamClient.post('/orgs/invitations', { role: (await roleOf(org, 'member')).id })
    expect(made.status).toBe(201)
    const token = /id="invite-link" class="secret">[^<]*\/invite\/([^<\s]+)/.exec(await made.text())![1]!
    expect((await p.client().get(`/invite/${token}`)).res.status).toBe(200)
    await ids().orgs.setMemberRole(org.id, adam.id, (await roleOf(org, 'member')).id)
    const dead = await p.client().get(`/invite/${token}`)
    expect(dead.res.status).toBe(404)
    expect(dead.html).toContain('Ask someone in the organization for a new invitation')
    // accepting it: the same answer, and nobody joins
    const visitor = p.client()
    await visitor.get(`/invite/${token}`)
    visitor.csrf = [...visitor.cookies].find(([name]) => name.endsWith('csrf'))?.[1] ?? ''
    const tried = await visitor.post(`/invite/${token}`, { name: 'Late', email: 'late-joiner@example.com', password: 'a long password' })
    expect(tried.status).toBe(404)
    expect(await ids().accounts.findUserByEmail('late-joiner@example.com')).toBeUndefined()
    // back to admin: the link works again (it was never used)
    await ids().orgs.setMemberRole(org.id, adam.id, (await roleOf(org, 'admin')).id)
    expect((await p.client().get(`/invite/${token}`)).res.status).toBe(200)
    limits.inviteAccept.reset('127.0.0.1')
  })

  test('guests see names but no emails on the members and teams pages; members and admins see emails', async () => {
    const { org, owner } = await ownOrg('Names')
    const team = await ids().orgs.createTeam(org.id, 'Crew')
    await ids().orgs.addTeamMember(org.id, team.id, owner.id)
    const seen: Record<string, { members: string; teams: string }> = {}
    for (const builtin of ['guest', 'member', 'admin'] as const) {
      const { client } = await p.member(builtin, org)
      await client.post('/orgs/switch', { org: org.id })
      seen[builtin] = { members: (await client.get('/orgs/members')).html, teams: (await client.get('/orgs/teams')).html }
    }
    expect(seen.guest!.members).toContain('Names Owner')
    expect(seen.guest!.members).not.toContain(owner.email)
    expect(seen.guest!.teams).toContain('Names Owner')
    expect(seen.guest!.teams).not.toContain(owner.email)
    for (const builtin of ['member', 'admin']) {
      expect(seen[builtin]!.members).toContain(owner.email)
      expect(seen[builtin]!.teams).toContain(owner.email)
    }
  })
})
