/**
 * Core's JSON API (/api/v1/me, /api/v1/org/members|teams|audit), what the token form offers (only
 * permissions some /api/v1 route checks), and what a 403 says (the permission's description and
 * whom to ask). Real HTTP, both dialects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { routeTable } from './server.ts'
import { deniedMessage, deniedPageMessage } from './guard.ts'
import { apiScopes, INSTANCE_ADMIN_SCOPE } from '../auth/tokens.ts'
import type { Auth } from '../auth/resolve.ts'
import { CORE_PERMISSIONS } from '../auth/permissions.ts'

type Json = Record<string, any>

/** A core permission's description as the role editor labels it. */
const said = (name: string) => CORE_PERMISSIONS[name]!.description

/** Whether this checkout has the emails permission (guests see names only). */
const EMAILS = 'core.emails.read' in CORE_PERMISSIONS

eachDialect('core JSON API', (dialect) => {
  let p: TestPlatform
  let ada: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  const token = async (userId: string, permissions: string[], orgId = p.org!.id) =>
    (await p.deps.identity.tokens.create({ userId, orgId, name: `t-${permissions.join('+')}`, permissions, expiresInDays: 7 })).secret
  const bearer = (secret: string, path: string) => fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${secret}` } })
  const json = async (res: Response) => (await res.json()) as Json

  test('GET /api/v1/me: the user, current org, role and permissions, for a session, a token and the service token', async () => {
    const anon = await fetch(`${p.url}/api/v1/me`)
    expect(anon.status).toBe(401)
    expect((await json(anon)).error.code).toBe('unauthenticated')

    const bySession = await ada.request('/api/v1/me')
    expect(bySession.status).toBe(200)
    const me = await json(bySession)
    expect(me.user).toEqual({ id: p.admin!.id, name: 'Ada Admin', email: 'admin@example.com', isAdmin: true })
    expect(me.org).toEqual({ id: p.org!.id, slug: p.org!.slug, name: 'Acme' })
    expect(me.role.builtin).toBe('owner')
    expect(me.permissions).toContain('core.roles.manage')
    expect(me.permissions).toContain('core.instance.admin')
    expect(me.via).toEqual({ kind: 'session' })

    const { user } = await p.member('member')
    const secret = await token(user.id, ['core.members.read', 'core.roles.manage']) // a member does not hold roles.manage
    const byToken = await json(await bearer(secret, '/api/v1/me'))
    expect(byToken.user.id).toBe(user.id)
    expect(byToken.org.name).toBe('Acme')
    expect(byToken.role.builtin).toBe('member')
    expect(byToken.permissions).toEqual(['core.members.read']) // the token's scopes that the role still holds
    expect(byToken.via.kind).toBe('token')
    expect(byToken.via.name).toBe('t-core.members.read+core.roles.manage')
    expect(Date.parse(byToken.via.expiresAt)).toBeGreaterThan(Date.now())

    const service = await json(await fetch(`${p.url}/api/v1/me`, { headers: { authorization: p.serviceAuth } }))
    expect(service.via).toEqual({ kind: 'service' })
    expect(service.org).toBeNull()
    expect(service.permissions).toEqual(['core.instance.admin'])

    expect((await bearer('cit_nope', '/api/v1/me')).status).toBe(401)
  })

  test('GET /api/v1/org/members: cursor pages in name order, same permission as the members page, bad limit or cursor is a 400', async () => {
    const { orgs, accounts } = p.deps.identity
    const other = await orgs.createOrg({ name: 'Elsewhere' }, p.admin!.id)
    const stranger = await accounts.createUser({ email: 'stranger@example.com', name: 'Aaron Stranger', password: 'member password 1' })
    await orgs.addMember(other.id, stranger.id, (await orgs.listRoles(other.id)).find((r) => r.builtin === 'member')!.id)
    for (const name of ['Zoe', 'Bob', 'Bob', 'Carla']) await p.member('guest', p.org!, `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 6)}@example.com`)

    const secret = await token(p.admin!.id, ['core.members.read', 'core.emails.read'])
    const everyone = (await orgs.listMembers(p.org!.id)).map((m) => m.user.id)
    const seen: Json[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: Json = await json(await bearer(secret, `/api/v1/org/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`))
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items)
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 50)
    expect(seen.map((m) => m.id).sort()).toEqual([...everyone].sort())
    expect(new Set(seen.map((m) => m.id)).size).toBe(seen.length)
    const keys = seen.map((m) => [m.name, m.id].join('\u0000'))
    expect(keys).toEqual([...keys].sort())
    expect(seen.some((m) => m.id === stranger.id)).toBe(false) // another organization's members never show
    const first = seen.find((m) => m.id === p.admin!.id)!
    expect(first).toEqual({ id: p.admin!.id, name: 'Ada Admin', email: EMAILS ? 'admin@example.com' : null, role: { id: expect.any(String), name: 'Owner', builtin: 'owner' }, joinedAt: expect.any(String) })

    const all = await json(await bearer(secret, '/api/v1/org/members'))
    expect(all.items.length).toBe(everyone.length)
    expect(all.nextCursor).toBeNull()

    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'cursor=nope!', `cursor=${Buffer.from('{"x":1}').toString('base64url')}`]) {
      const res = await bearer(secret, `/api/v1/org/members?${q}`)
      expect(res.status).toBe(400)
      const body = await json(res)
      expect(body.error.code).toBe('invalid')
      expect(body.error.message).toMatch(/^(limit must be a whole number from 1 to 100|the cursor is not valid)/)
    }

    // a guest reads members (as on /orgs/members), names only; a member sees emails; a role without core.members.read reads nothing
    const { client: guest } = await p.member('guest')
    const byGuest = await guest.request('/api/v1/org/members')
    expect(byGuest.status).toBe(200)
    expect((await json(byGuest)).items.every((m: Json) => m.email === null)).toBe(EMAILS)
    const { client: member } = await p.member('member')
    expect((await json(await member.request('/api/v1/org/members'))).items.find((m: Json) => m.id === p.admin!.id).email).toBe('admin@example.com')
    const namesOnly = await token(p.admin!.id, ['core.members.read']) // the admin's role would show emails; the token's scopes do not
    expect((await json(await bearer(namesOnly, '/api/v1/org/members'))).items.every((m: Json) => m.email === null)).toBe(EMAILS)
    const manager = await token(p.admin!.id, ['core.members.read', 'core.members.manage']) // an older token: managing members shows emails, as on the page
    expect((await json(await bearer(manager, '/api/v1/org/members'))).items.find((m: Json) => m.id === p.admin!.id).email).toBe('admin@example.com')
    const notes = await token(p.admin!.id, ['fixture-notes.note.write'])
    const refused = await bearer(notes, '/api/v1/org/members')
    expect(refused.status).toBe(403)
    expect((await json(refused)).error.message).toContain('This API token does not grant "core.members.read". Create a token that includes it on /account/tokens')
    expect((await json(await bearer(notes, '/api/v1/org/members'))).error.message).toContain(`listed there as “${CORE_PERMISSIONS['core.members.read']!.description}”`)
  })

  test('GET /api/v1/org/teams: teams of the current organization with their member ids, paged', async () => {
    const { orgs } = p.deps.identity
    const a = await orgs.createTeam(p.org!.id, 'Platform', 'keeps the lights on')
    await orgs.createTeam(p.org!.id, 'Design')
    await orgs.addTeamMember(p.org!.id, a.id, p.admin!.id)
    const other = await orgs.createOrg({ name: 'Teams Elsewhere' }, p.admin!.id)
    await orgs.createTeam(other.id, 'Hidden')

    const secret = await token(p.admin!.id, ['core.members.read'])
    const one = await json(await bearer(secret, '/api/v1/org/teams?limit=1'))
    expect(one.items).toEqual([{ id: expect.any(String), name: 'Design', description: '', memberIds: [] }])
    expect(typeof one.nextCursor).toBe('string')
    const two = await json(await bearer(secret, `/api/v1/org/teams?limit=1&cursor=${one.nextCursor}`))
    expect(two.items).toEqual([{ id: a.id, name: 'Platform', description: 'keeps the lights on', memberIds: [p.admin!.id] }])
    expect(two.nextCursor).toBeNull()
    const all = await json(await bearer(secret, '/api/v1/org/teams'))
    expect(all.items.map((t: Json) => t.name)).toEqual(['Design', 'Platform'])
  })

  test('GET /api/v1/org/audit: newest first, cursor pages, this organization only, core.audit.read', async () => {
    const { accounts, orgs } = p.deps.identity
    const other = await orgs.createOrg({ name: 'Audit Elsewhere' }, p.admin!.id)
    for (let i = 0; i < 5; i++) await accounts.audit({ userId: p.admin!.id, email: 'admin@example.com', orgId: p.org!.id, ip: '127.0.0.1' }, 'test.happened', `t${i}`, { i })
    await accounts.audit({ userId: p.admin!.id, email: 'admin@example.com', orgId: other.id, ip: '' }, 'test.elsewhere', 'x')

    const secret = await token(p.admin!.id, ['core.audit.read'])
    const first = await json(await bearer(secret, '/api/v1/org/audit?limit=3'))
    expect(first.items.map((e: Json) => e.target)).toEqual(['t4', 't3', 't2'])
    // a token without core.emails.read gets the actor's name and a masked email
    expect(first.items[0]).toEqual({ id: expect.any(Number), at: expect.any(String), actor: { id: p.admin!.id, name: 'Ada Admin', email: 'a•••@example.com' }, action: 'test.happened', target: 't4', ip: '127.0.0.1', details: { i: 4 } })
    const withEmails = await json(await bearer(await token(p.admin!.id, ['core.audit.read', 'core.emails.read']), '/api/v1/org/audit?limit=1'))
    expect(withEmails.items[0].actor).toEqual({ id: p.admin!.id, name: 'Ada Admin', email: 'admin@example.com' })
    const second = await json(await bearer(secret, `/api/v1/org/audit?limit=3&cursor=${first.nextCursor}`))
    expect(second.items.slice(0, 2).map((e: Json) => e.target)).toEqual(['t1', 't0'])
    let all: Json[] = []
    let cursor: string | null = null
    do {
      const page: Json = await json(await bearer(secret, `/api/v1/org/audit?limit=100${cursor ? `&cursor=${cursor}` : ''}`))
      all = all.concat(page.items)
      cursor = page.nextCursor
    } while (cursor)
    expect(all.some((e) => e.action === 'test.elsewhere')).toBe(false)
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((x, y) => y - x))
    expect((await bearer(secret, `/api/v1/org/audit?cursor=${Buffer.from('["1"]').toString('base64url')}`)).status).toBe(400)
    expect((await bearer(secret, `/api/v1/org/audit?cursor=${Buffer.from('[-5]').toString('base64url')}`)).status).toBe(400)

    // a member's role does not hold core.audit.read: the message says what it allows and whom to ask
    const { client: member } = await p.member('member')
    const res = await member.request('/api/v1/org/audit')
    expect(res.status).toBe(403)
    expect((await json(res)).error.message).toBe(
      `You need the permission “${said('core.audit.read')}” (core.audit.read) here. Your role in Acme (Member) does not include it: ask an owner or admin of Acme to give it to you.`,
    )
  })

  test('unknown paths under core API segments are JSON 404s; unknown plugins still say so', async () => {
    const res = await ada.request('/api/v1/org/nope')
    expect(res.status).toBe(404)
    expect((await json(res)).error.code).toBe('not_found')
    expect((await json(await fetch(`${p.url}/api/v1/ghost/items`))).error.code).toBe('unknown_plugin')
  })

  test('the token form offers only permissions some /api/v1 route checks, says tokens work on /api/v1 only; old tokens keep working', async () => {
    const scopes = apiScopes(routeTable(p.deps))
    expect([...scopes].filter((s) => s.startsWith('core.')).sort()).toEqual(['core.audit.read', 'core.instance.admin', 'core.members.read'])
    expect(scopes.has('fixture-notes.note.write')).toBe(true)

    const { html } = await ada.get('/account/tokens')
    for (const offered of ['core.members.read', 'core.audit.read', 'core.instance.admin', 'fixture-notes.note.write', 'fixture-notes.note.read']) expect(html).toContain(`value="${offered}"`)
    for (const gone of ['core.members.manage', 'core.teams.manage', 'core.roles.manage', 'core.org.manage']) expect(html).not.toContain(`value="${gone}"`)
    if (EMAILS) expect(html).toContain('value="core.emails.read"') // checked inside the members API, not by its route
    expect(html).toContain('Tokens work on the JSON API (<code>/api/v1/</code>) only')
    expect(html).toContain(INSTANCE_ADMIN_SCOPE)
    expect(html).not.toContain('all organizations, users')
    // grouped by plugin, as before
    expect(html).toMatch(/<legend>Organization<\/legend>[\s\S]*value="core.members.read"/)
    expect(html).toMatch(/<legend>Notes<\/legend>[\s\S]*value="fixture-notes.note.write"/)

    const refused = await ada.post('/account/tokens', { name: 'roles bot', permissions: ['core.members.read', 'core.roles.manage'], expires: '30', current: ADMIN.password })
    expect(refused.status).toBe(422)
    const page = await refused.text()
    expect(page).toContain('No API route checks core.roles.manage, so a token cannot use it: choose among the offered permissions.')
    expect(page).toContain('value="roles bot"')
    expect(page).toMatch(/value="core.members.read" checked/)

    // a token made before (with a scope no route checks) keeps working for the rest, and the list says which scope grants nothing
    const old = await token(p.admin!.id, ['core.members.read', 'core.roles.manage'])
    expect((await bearer(old, '/api/v1/org/members')).status).toBe(200)
    const list = await ada.get('/account/tokens')
    expect(list.html).toContain('No API route checks core.roles.manage: it grants nothing.')
    await token(p.admin!.id, ['core.members.read', 'core.members.manage'])
    expect((await ada.get('/account/tokens')).html).not.toContain('No API route checks core.members.manage')
  })

  test('403 pages name what the permission allows and whom to ask', async () => {
    const { orgs } = p.deps.identity
    const { user, client } = await p.member('member')
    const page = await client.get('/orgs/roles')
    expect(page.res.status).toBe(403)
    // one short sentence; the permission id and the role folded away for admins debugging
    expect(page.html).toContain('<p>You need permission to create and edit custom roles in Acme. Ask an owner or admin.</p>')
    expect(page.html).toMatch(/<details class="error-details"><summary>Details<\/summary><p>Missing permission: core\.roles\.manage \(“Create and edit custom roles”\)\. Your role: Member\.<\/p><\/details>/)
    expect(page.html).not.toContain('does not include it')
    expect(page.html).toContain('id="main-nav"') // inside the shell
    // the JSON API keeps the long message
    expect((await json(await client.request('/api/v1/org/audit'))).error.message).toContain('(core.audit.read) here. Your role in Acme (Member) does not include it')

    // a role with nothing: a plugin permission, described from the plugin's manifest
    const nothing = await orgs.createRole(p.org!.id, 'Nothing <b>', [])
    await orgs.setMemberRole(p.org!.id, user.id, nothing.id)
    const api = await client.request('/api/v1/fixture-notes/seen')
    expect(api.status).toBe(403)
    expect((await json(api)).error.message).toBe('You need the permission “Read notes” (fixture-notes.note.read) here. Your role in Acme (Nothing <b>) does not include it: ask an owner or admin of Acme to give it to you.')
    const html = await client.get('/orgs/members')
    expect(html.html).toContain('Nothing &lt;b&gt;')
    expect(html.html).not.toContain('Nothing <b>')

    // no organization at all: join or create one
    const lone = await p.deps.identity.accounts.createUser({ email: 'lone@example.com', name: 'Lone', password: 'member password 1' })
    const c = p.client()
    await c.signIn(lone.email, 'member password 1')
    const none = await c.get('/orgs/members')
    expect(none.res.status).toBe(403)
    expect(none.html).toContain('You need permission to see members and teams, and you belong to no organization yet. Create one on /orgs/new, or ask to be invited.')
    expect(none.html).toContain('Missing permission: core.members.read')
  })

  describe('deniedPageMessage', () => {
    const auth = (extra: Partial<Auth>): Auth =>
      ({ user: { id: 'u', name: 'U', email: 'u@x', isAdmin: false, disabled: false, totpEnabled: false, createdAt: new Date() }, permissions: new Set(), ...extra }) as Auth
    const org = { id: 'o', slug: 'o', name: 'Demo 2026-11-25', createdAt: new Date() }
    const member = { id: 'r', orgId: 'o', name: 'Member', builtin: 'member' as const, permissions: [] }
    test('one sentence naming what is missing and whom to ask; the id in the details', () => {
      expect(deniedPageMessage(auth({ org, role: member }), 'core.org.manage')).toEqual({
        text: 'You need permission to rename the organization in Demo 2026-11-25. Ask an owner.',
        details: 'Missing permission: core.org.manage (“Rename the organization (owners also delete it)”). Your role: Member.',
      })
      expect(deniedPageMessage(auth({ org }), 'ghost.thing.read')).toEqual({ text: 'You need a permission you do not have in Demo 2026-11-25. Ask an owner or admin.', details: 'Missing permission: ghost.thing.read.' })
      expect((deniedPageMessage(auth({ org }), 'core.instance.admin') as { text: string }).text).toBe('Only instance admins may do this. Ask an instance admin.')
    })
  })

  describe('deniedMessage', () => {
    const auth = (extra: Partial<Auth>): Auth =>
      ({ user: { id: 'u', name: 'U', email: 'u@x', isAdmin: false, disabled: false, totpEnabled: false, createdAt: new Date() }, permissions: new Set(), ...extra }) as Auth
    const org = { id: 'o', slug: 'o', name: 'Acme', createdAt: new Date() }

    test('an owner-level permission: ask an owner', () => {
      expect(deniedMessage(auth({ org, role: { id: 'r', orgId: 'o', name: 'Admin', builtin: 'admin', permissions: [] } }), 'core.org.manage')).toMatch(/^You need the permission “Rename the organization.*” \(core\.org\.manage\) here\. Your role in Acme \(Admin\) does not include it: ask an owner of Acme to give it to you\.$/)
    })
    test('an unknown permission falls back to its name', () => {
      expect(deniedMessage(auth({ org }), 'ghost.thing.read')).toBe('You need the permission "ghost.thing.read" here. Your role in Acme does not include it: ask an owner or admin of Acme to give it to you.')
    })
    test('instance admin: only instance admins; the service token: admin API only; a token whose org is gone', () => {
      expect(deniedMessage(auth({ org }), 'core.instance.admin')).toContain('Only instance admins may do this')
      expect(deniedMessage(auth({ tokenId: 'service-token' }), 'core.members.read')).toContain('The service token acts as an instance admin on the admin API only')
      expect(deniedMessage(auth({ tokenId: 't1' }), 'core.members.read')).toContain("This API token's organization no longer counts you as a member")
      expect(deniedMessage(auth({ tokenId: 't1', org, user: { ...auth({}).user, isAdmin: true } }), 'core.instance.admin')).toBe(
        `This API token does not grant "core.instance.admin". Create a token that includes it on /account/tokens (your role in the organization must hold it too): it is listed there as “${INSTANCE_ADMIN_SCOPE}”.`,
      )
    })
  })
})
