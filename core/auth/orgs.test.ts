import { afterEach, beforeEach, expect, test } from 'bun:test'
import { eachDialect, testStore, type TestStore } from '../../test/helpers/store.ts'
import { ensureMigrationTable, migratePlugin } from '../store/migrator.ts'
import { migrations } from '../store/migrations/index.ts'
import { PluginHost } from '../plugins/host.ts'
import { createIdentity, type Identity } from './index.ts'
import { coreCatalog } from './permissions.ts'

eachDialect('organizations service', (dialect) => {
  let t: TestStore
  let id: Identity
  beforeEach(async () => {
    t = await testStore(dialect)
    await ensureMigrationTable(t.store)
    await migratePlugin(t.store, 'core', migrations)
    id = createIdentity(t.store, new PluginHost(t.store))
  })
  afterEach(() => t.cleanup())

  test('an invitation is single use; a used one cannot be revoked away; a role with open invitations cannot be deleted', async () => {
    const owner = await id.accounts.createUser({ email: 'o@example.com', name: 'Owner', password: 'owner password' })
    const guest = await id.accounts.createUser({ email: 'g@example.com', name: 'Guest', password: 'guest password' })
    const org = await id.orgs.createOrg({ name: 'Acme' }, owner.id)
    const role = await id.orgs.createRole(org.id, 'Contractor', ['core.members.read'])
    const inv = await id.orgs.createInvitation(org.id, role.id, owner.id)
    await expect(id.orgs.deleteRole(org.id, role.id)).rejects.toThrow('open invitations grant this role')
    await id.orgs.acceptInvitation(inv.token, guest.id, coreCatalog())
    await expect(id.orgs.acceptInvitation(inv.token, guest.id, coreCatalog())).rejects.toThrow('invalid, used or expired')
    await expect(id.orgs.revokeInvitation(org.id, inv.id)).rejects.toThrow('no such invitation')
    expect((await id.orgs.membership(guest.id, org.id))?.role.name).toBe('Contractor')
  })

  test('identity changes bump the generation that session caches key on', async () => {
    const owner = await id.accounts.createUser({ email: 'o2@example.com', name: 'Owner', password: 'owner password' })
    const before = id.accounts.generation
    const org = await id.orgs.createOrg({ name: 'Beta' }, owner.id)
    const roles = await id.orgs.listRoles(org.id)
    const user = await id.accounts.createUser({ email: 'm@example.com', name: 'M', password: 'member password' })
    await id.orgs.addMember(org.id, user.id, roles.find((r) => r.builtin === 'member')!.id)
    await id.orgs.setMemberRole(org.id, user.id, roles.find((r) => r.builtin === 'guest')!.id)
    await id.accounts.setDisabled(user.id, true)
    expect(id.accounts.generation).toBeGreaterThanOrEqual(before + 4)
  })
})
