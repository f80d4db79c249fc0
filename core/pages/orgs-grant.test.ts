import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import type { Client } from '../../test/helpers/client.ts'
import { definePlugin } from '../plugins/contract.ts'
import { guard } from '../http/guard.ts'
import { limits } from '../auth/rate-limit.ts'
import type { Role } from '../auth/orgs.ts'

/** A plugin with an owner-only permission (its routes do not matter here). */
const vault = definePlugin({
  id: 'fixture-vault',
  name: 'Vault',
  version: '1.0.0',
  api: 1,
  permissions: { 'fixture-vault.vault.own': { description: 'Own the vault', grant: 'owner' } },
  setup: () => new Elysia({ name: 'plugin:fixture-vault' }).use(guard).get('/fixture-vault', () => 'vault', { permission: 'fixture-vault.vault.own' }),
})

eachDialect('granting roles while a plugin is off', (dialect) => {
  let p: TestPlatform
  let owner: Client
  let keeper: Role
  beforeAll(async () => {
    p = await startPlatform(dialect, [...fixturePlugins, vault])
    owner = await p.adminClient()
    await owner.get('/orgs/roles')
    expect((await owner.post('/orgs/roles', { name: 'Vault keeper', permissions: ['core.members.read', 'fixture-vault.vault.own'] })).status).toBe(303)
    keeper = (await p.deps.identity.orgs.listRoles(p.org!.id)).find((r) => r.name === 'Vault keeper')!
  })
  afterAll(() => p.stop())

  const plugin = (action: 'enable' | 'disable') =>
    fetch(`${p.url}/api/v1/admin/plugins/fixture-vault/${action}`, { method: 'POST', headers: { authorization: p.serviceAuth, 'content-type': 'application/json' }, body: '{}' })

  test('an admin cannot invite with, assign, or take away a custom role holding an owner-level permission, whether its plugin is on or off; the owner can', async () => {
    limits.inviteCreate.clear()
    limits.inviteCreateAddress.clear()
    const { orgs } = p.deps.identity
    const { client: admin } = await p.member('admin')
    const { user: target } = await p.member('member')
    const { user: holder } = await p.member('member')
    await owner.get('/orgs/members')
    expect((await owner.post(`/orgs/members/${holder.id}/role`, { role: keeper.id })).status).toBe(303)

    const refusedEverything = async () => {
      const page = await admin.get('/orgs/members')
      expect(page.res.status).toBe(200)
      expect(page.html).not.toContain(`<option value="${keeper.id}"`)
      expect(page.html).not.toContain(`/orgs/members/${holder.id}/remove`)
      const invite = await admin.post('/orgs/invitations', { role: keeper.id, email: 'vault@example.com' })
      expect(invite.status).toBe(422)
      expect(await invite.text()).toContain('This role holds permissions you do not hold.')
      expect((await admin.post(`/orgs/members/${target.id}/role`, { role: keeper.id })).status).toBe(403)
      expect((await admin.post(`/orgs/members/${holder.id}/role`, { role: (await orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!.id })).status).toBe(403)
      expect((await admin.post(`/orgs/members/${holder.id}/remove`)).status).toBe(403)
      expect((await orgs.listInvitations(p.org!.id)).filter((i) => i.email === 'vault@example.com')).toEqual([])
      const members = await orgs.listMembers(p.org!.id)
      expect(members.find((m) => m.user.id === target.id)!.role.builtin).toBe('member')
      expect(members.find((m) => m.user.id === holder.id)!.role.id).toBe(keeper.id)
    }

    await refusedEverything()
    expect((await plugin('disable')).status).toBe(200)
    try {
      await refusedEverything()
      // the owner would hold the permission with the plugin on: the role stays theirs to give
      await owner.get('/orgs/members')
      expect((await owner.post(`/orgs/members/${target.id}/role`, { role: keeper.id })).status).toBe(303)
      expect((await orgs.listMembers(p.org!.id)).find((m) => m.user.id === target.id)!.role.id).toBe(keeper.id)
      expect((await owner.post(`/orgs/members/${target.id}/role`, { role: (await orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!.id })).status).toBe(303)
    } finally {
      expect((await plugin('enable')).status).toBe(200)
    }
    await refusedEverything()
  })

  test('while a plugin is off, an admin still gives the roles whose permissions they hold (built-in member, a custom role of core permissions)', async () => {
    limits.inviteCreate.clear()
    limits.inviteCreateAddress.clear()
    const { orgs } = p.deps.identity
    await owner.get('/orgs/roles')
    expect((await owner.post('/orgs/roles', { name: 'Reader', permissions: ['core.members.read'] })).status).toBe(303)
    const reader = (await orgs.listRoles(p.org!.id)).find((r) => r.name === 'Reader')!
    const { client: admin } = await p.member('admin')
    const { user: target } = await p.member('guest')
    expect((await plugin('disable')).status).toBe(200)
    try {
      await admin.get('/orgs/members')
      expect((await admin.post(`/orgs/members/${target.id}/role`, { role: reader.id })).status).toBe(303)
      expect((await admin.post(`/orgs/members/${target.id}/role`, { role: (await orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!.id })).status).toBe(303)
      expect((await admin.post('/orgs/invitations', { role: reader.id })).status).toBe(201)
    } finally {
      expect((await plugin('enable')).status).toBe(200)
    }
  })
})
