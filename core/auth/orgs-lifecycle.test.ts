import { afterEach, beforeEach, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { eachDialect, testStore, type TestStore } from '../../test/helpers/store.ts'
import { ensureMigrationTable, migratePlugin } from '../store/migrator.ts'
import { migrations } from '../store/migrations/index.ts'
import { PluginHost } from '../plugins/host.ts'
import { createIdentity, type Identity } from './index.ts'
import type { Org, Role } from './orgs.ts'
import { coreCatalog, type PermissionEntry } from './permissions.ts'

eachDialect('organizations: owners, rename, delete, invitations', (dialect) => {
  let t: TestStore
  let id: Identity
  let n = 0
  beforeEach(async () => {
    t = await testStore(dialect)
    await ensureMigrationTable(t.store)
    await migratePlugin(t.store, 'core', migrations)
    id = createIdentity(t.store, new PluginHost(t.store))
  })
  afterEach(() => t.cleanup())

  const user = (name: string, isAdmin = false) => id.accounts.createUser({ email: `${name.toLowerCase()}-${++n}@example.com`, name, password: 'a good password 1', isAdmin })
  const roleOf = async (org: Org, builtin: string): Promise<Role> => (await id.orgs.listRoles(org.id)).find((r) => r.builtin === builtin)!
  const builtinOf = async (userId: string, org: Org) => (await id.orgs.membership(userId, org.id))?.role.builtin ?? null

  test('the last active owner cannot leave or be demoted while only a disabled owner remains', async () => {
    const ana = await user('Ana')
    const org = await id.orgs.createOrg({ name: 'Acme' }, ana.id)
    const gone = await user('Gone')
    await id.orgs.addMember(org.id, gone.id, (await roleOf(org, 'owner')).id)
    await id.accounts.setDisabled(gone.id, true)
    await expect(id.orgs.setMemberRole(org.id, ana.id, (await roleOf(org, 'admin')).id)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('at least one active owner') })
    await expect(id.orgs.removeMember(org.id, ana.id)).rejects.toMatchObject({ status: 409 })
    expect(await builtinOf(ana.id, org)).toBe('owner')
    // the disabled owner can go: an active one stays
    await id.orgs.removeMember(org.id, gone.id)
    // with a second active owner, either may step down
    const bea = await user('Bea')
    await id.orgs.addMember(org.id, bea.id, (await roleOf(org, 'owner')).id)
    await id.orgs.setMemberRole(org.id, ana.id, (await roleOf(org, 'member')).id)
    expect(await builtinOf(ana.id, org)).toBe('member')
  })

  test('two owners demoting each other at once, or both leaving at once: one of them stays owner', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await user('A')
      const b = await user('B')
      const org = await id.orgs.createOrg({ name: `Pair ${round}` }, a.id)
      const owner = await roleOf(org, 'owner')
      const member = await roleOf(org, 'member')
      await id.orgs.addMember(org.id, b.id, owner.id)
      const demoted = await Promise.allSettled([id.orgs.setMemberRole(org.id, a.id, member.id), id.orgs.setMemberRole(org.id, b.id, member.id)])
      expect(demoted.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      expect((demoted.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ status: 409 })
      expect([await builtinOf(a.id, org), await builtinOf(b.id, org)].filter((r) => r === 'owner')).toHaveLength(1)

      // both owners again, both leave at once
      const demotedOne = (await builtinOf(a.id, org)) === 'owner' ? b : a
      await id.orgs.setMemberRole(org.id, demotedOne.id, owner.id)
      const left = await Promise.allSettled([id.orgs.removeMember(org.id, a.id), id.orgs.removeMember(org.id, b.id)])
      expect(left.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const owners = (await id.orgs.listMembers(org.id)).filter((m) => m.role.builtin === 'owner')
      expect(owners).toHaveLength(1)
    }
  })

  test('orgsOwnedAlone: orgs where the user is the only active owner', async () => {
    const ana = await user('Ana')
    const bea = await user('Bea')
    const solo = await id.orgs.createOrg({ name: 'Solo' }, ana.id)
    const shared = await id.orgs.createOrg({ name: 'Shared' }, ana.id)
    await id.orgs.addMember(shared.id, bea.id, (await roleOf(shared, 'owner')).id)
    const covered = await id.orgs.createOrg({ name: 'Covered only by a disabled owner' }, ana.id)
    const old = await user('Old')
    await id.orgs.addMember(covered.id, old.id, (await roleOf(covered, 'owner')).id)
    await id.accounts.setDisabled(old.id, true)
    const elsewhere = await id.orgs.createOrg({ name: 'Elsewhere' }, bea.id)
    await id.orgs.addMember(elsewhere.id, ana.id, (await roleOf(elsewhere, 'admin')).id)
    expect((await id.orgs.orgsOwnedAlone(ana.id)).map((o) => o.name)).toEqual(['Covered only by a disabled owner', 'Solo'])
    expect((await id.orgs.orgsOwnedAlone(bea.id)).map((o) => o.name)).toEqual(['Elsewhere'])
    expect(await id.orgs.orgsOwnedAlone((await user('Nobody')).id)).toEqual([])
    expect(solo.id).toBeTruthy()
  })

  test('rename: name and address checked; a taken name or address is 409 on its field', async () => {
    const ana = await user('Ana')
    const acme = await id.orgs.createOrg({ name: 'Acme' }, ana.id)
    await id.orgs.createOrg({ name: 'Globex' }, ana.id)
    await expect(id.orgs.renameOrg(acme.id, '  ')).rejects.toMatchObject({ field: 'name', status: 422 })
    await expect(id.orgs.renameOrg(acme.id, 'Acme', 'Not A Slug')).rejects.toMatchObject({ field: 'slug', status: 422 })
    await expect(id.orgs.renameOrg(acme.id, 'Acme', '-acme')).rejects.toMatchObject({ field: 'slug', status: 422 })
    await expect(id.orgs.renameOrg(acme.id, 'Acme', 'x'.repeat(41))).rejects.toMatchObject({ field: 'slug', status: 422 })
    await expect(id.orgs.renameOrg(acme.id, 'Acme', 'globex')).rejects.toMatchObject({ field: 'slug', status: 409 })
    await expect(id.orgs.renameOrg(acme.id, 'GLOBEX', 'acme')).rejects.toMatchObject({ field: 'name', status: 409 })
    await expect(id.orgs.renameOrg('nope', 'X')).rejects.toMatchObject({ status: 404 })
    const change = await id.orgs.renameOrg(acme.id, '  Acme Labs ', 'Acme-Labs')
    expect(change).toEqual({ from: { name: 'Acme', slug: 'acme' }, to: { name: 'Acme Labs', slug: 'acme-labs' } })
    expect(await id.orgs.getOrg(acme.id)).toMatchObject({ name: 'Acme Labs', slug: 'acme-labs' })
    // without a slug the address stays
    await id.orgs.renameOrg(acme.id, 'Acme & Co')
    expect(await id.orgs.getOrg(acme.id)).toMatchObject({ name: 'Acme & Co', slug: 'acme-labs' })
    // the old address is free again
    expect((await id.orgs.createOrg({ name: 'Acme' }, ana.id)).slug).toBe('acme')
  })

  test('delete: typed name, owners only (or an instance admin); core rows go in one transaction, sessions lose the org, other orgs stay', async () => {
    const ana = await user('Ana')
    const bea = await user('Bea')
    const root = await user('Root', true)
    const acme = await id.orgs.createOrg({ name: 'Acme' }, ana.id)
    const other = await id.orgs.createOrg({ name: 'Other' }, ana.id)
    await id.orgs.addMember(acme.id, bea.id, (await roleOf(acme, 'admin')).id)
    await id.orgs.addMember(other.id, bea.id, (await roleOf(other, 'member')).id)
    const team = await id.orgs.createTeam(acme.id, 'Platform')
    await id.orgs.addTeamMember(acme.id, team.id, bea.id)
    const otherTeam = await id.orgs.createTeam(other.id, 'Platform')
    await id.orgs.addTeamMember(other.id, otherTeam.id, bea.id)
    await id.orgs.createRole(acme.id, 'Reviewer', ['core.members.read'])
    await id.orgs.createInvitation(acme.id, (await roleOf(acme, 'member')).id, ana.id)
    await id.tokens.create({ userId: ana.id, orgId: acme.id, name: 'ci', permissions: ['core.members.read'], expiresInDays: 7 })
    const session = await id.accounts.createSession(bea.id, { ip: '127.0.0.1', userAgent: 'test', orgId: acme.id })
    const elsewhere = await id.accounts.createSession(bea.id, { ip: '127.0.0.1', userAgent: 'test', orgId: other.id })

    await expect(id.orgs.deleteOrg(acme.id, 'acme', ana.id)).rejects.toMatchObject({ field: 'confirm', status: 422 })
    await expect(id.orgs.deleteOrg(acme.id, 'Acme', bea.id)).rejects.toMatchObject({ status: 403 })
    await expect(id.orgs.deleteOrg(acme.id, 'Acme', bea.id, { asInstanceAdmin: true })).rejects.toMatchObject({ status: 403 })
    await expect(id.orgs.deleteOrg('nope', 'Acme', ana.id)).rejects.toMatchObject({ status: 404 })
    expect(await id.orgs.getOrg(acme.id)).toBeDefined()

    const before = id.accounts.generation
    const gone = await id.orgs.deleteOrg(acme.id, ' Acme ', ana.id)
    expect(gone).toMatchObject({ org: { id: acme.id, name: 'Acme' }, members: 2 })
    expect(id.accounts.generation).toBeGreaterThan(before)
    const tb = id.accounts.t
    const rows = async (table: typeof tb.roles | typeof tb.members | typeof tb.teams | typeof tb.invitations | typeof tb.apiTokens) =>
      (await t.store.db.select().from(table as typeof tb.roles).where(eq((table as typeof tb.roles).orgId, acme.id))).length
    expect(await id.orgs.getOrg(acme.id)).toBeUndefined()
    for (const table of [tb.roles, tb.members, tb.teams, tb.invitations, tb.apiTokens]) expect(await rows(table)).toBe(0)
    expect(await t.store.db.select().from(tb.teamMembers).where(eq(tb.teamMembers.teamId, team.id))).toEqual([])
    expect((await id.accounts.sessionFromToken(session.token))?.orgId).toBeNull()
    expect((await id.accounts.sessionFromToken(elsewhere.token))?.orgId).toBe(other.id)
    // the other organization is whole
    expect((await id.orgs.listMembers(other.id)).map((m) => m.user.name).sort()).toEqual(['Ana', 'Bea'])
    expect((await id.orgs.getTeam(other.id, otherTeam.id)).memberIds).toEqual([bea.id])
    expect(await id.orgs.listRoles(other.id)).toHaveLength(4)

    // an instance admin who is no member deletes with asInstanceAdmin
    await id.orgs.deleteOrg(other.id, 'Other', root.id, { asInstanceAdmin: true })
    expect(await id.orgs.getOrg(other.id)).toBeUndefined()
  })

  test('an instance admin makes themselves owner: joins, or is promoted; audited by the caller; not twice', async () => {
    const ana = await user('Ana')
    const root = await user('Root', true)
    const acme = await id.orgs.createOrg({ name: 'Acme' }, ana.id)
    await id.accounts.setDisabled(ana.id, true)
    expect(await id.orgs.claimOwnership(acme.id, root.id)).toEqual({ previousRole: null })
    expect(await builtinOf(root.id, acme)).toBe('owner')
    await expect(id.orgs.claimOwnership(acme.id, root.id)).rejects.toMatchObject({ status: 409 })
    const beta = await id.orgs.createOrg({ name: 'Beta' }, ana.id)
    await id.orgs.addMember(beta.id, root.id, (await roleOf(beta, 'guest')).id)
    expect(await id.orgs.claimOwnership(beta.id, root.id)).toEqual({ previousRole: 'Guest' })
    await expect(id.orgs.claimOwnership(beta.id, (await user('Plain')).id)).rejects.toMatchObject({ status: 403 })
    await expect(id.orgs.claimOwnership('nope', root.id)).rejects.toMatchObject({ status: 404 })
  })

  test("an invitation works only while its creator could still create it", async () => {
    const catalog: PermissionEntry[] = [
      ...coreCatalog(),
      { name: 'notes.note.write', description: 'Write notes', grant: 'member', group: 'notes', groupName: 'Notes' },
      { name: 'notes.note.admin', description: 'Administer notes', grant: 'admin', group: 'notes', groupName: 'Notes' },
    ]
    const ana = await user('Ana')
    const acme = await id.orgs.createOrg({ name: 'Acme' }, ana.id)
    const member = await roleOf(acme, 'member')
    const admin = await roleOf(acme, 'admin')
    const invite = async (by: string, roleId = member.id) => (await id.orgs.createInvitation(acme.id, roleId, by)).token
    const works = async (token: string) => !!(await id.orgs.findInvitation(token, catalog))

    // an admin's link dies when they are disabled, removed, or demoted
    const bea = await user('Bea')
    await id.orgs.addMember(acme.id, bea.id, admin.id)
    const byBea = await invite(bea.id)
    expect(await works(byBea)).toBe(true)
    await id.accounts.setDisabled(bea.id, true)
    expect(await works(byBea)).toBe(false)
    await id.accounts.setDisabled(bea.id, false)
    expect(await works(byBea)).toBe(true)
    await id.orgs.setMemberRole(acme.id, bea.id, member.id)
    expect(await works(byBea)).toBe(false)
    await id.orgs.setMemberRole(acme.id, bea.id, admin.id)
    await id.orgs.removeMember(acme.id, bea.id)
    expect(await works(byBea)).toBe(false)
    const joiner = await user('Joiner')
    await expect(id.orgs.acceptInvitation(byBea, joiner.id, catalog)).rejects.toMatchObject({ status: 404, message: expect.stringContaining('ask for a new one') })
    expect(await id.orgs.membership(joiner.id, acme.id)).toBeUndefined()

    // a custom role that manages members but lacks a permission of the invited role: not any more
    const hr = await id.orgs.createRole(acme.id, 'HR', ['core.members.read', 'core.emails.read', 'core.members.manage', 'notes.note.write'])
    const cara = await user('Cara')
    await id.orgs.addMember(acme.id, cara.id, hr.id)
    const byCara = await invite(cara.id)
    expect(await works(byCara)).toBe(true) // Member grants core.members.read, core.emails.read and notes.note.write; HR holds them all
    await id.orgs.updateRole(acme.id, hr.id, ['core.members.read', 'core.emails.read', 'core.members.manage'], catalog.map((e) => e.name))
    expect(await works(byCara)).toBe(false)
    // an invitation to a role above the creator's: never worked
    const byCaraAdmin = await invite(cara.id, admin.id)
    expect(await works(byCaraAdmin)).toBe(false)

    // an instance admin's link (the admin pages invite to any org) lives while they are an active instance admin
    const root = await user('Root', true)
    const byRoot = await invite(root.id)
    expect(await works(byRoot)).toBe(true)
    await t.store.db.update(id.accounts.t.users).set({ isAdmin: false }).where(eq(id.accounts.t.users.id, root.id))
    expect(await works(byRoot)).toBe(false)

    // a link that still works is used once
    const ok = await invite(ana.id)
    expect((await id.orgs.acceptInvitation(ok, joiner.id, catalog)).id).toBe(acme.id)
    expect(await builtinOf(joiner.id, acme)).toBe('member')
  })

  test('a link to an organization deleted meanwhile does not work', async () => {
    const ana = await user('Ana')
    const acme = await id.orgs.createOrg({ name: 'Acme' }, ana.id)
    const { token } = await id.orgs.createInvitation(acme.id, (await roleOf(acme, 'member')).id, ana.id)
    await id.orgs.deleteOrg(acme.id, 'Acme', ana.id)
    expect(await id.orgs.findInvitation(token, coreCatalog())).toBeUndefined()
    await expect(id.orgs.acceptInvitation(token, (await user('Late')).id, coreCatalog())).rejects.toMatchObject({ status: 404 })
  })
})
