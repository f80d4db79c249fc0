/** Admin → Users → "Invite a user" offers the organization the admin is working in, not the first one. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'

/** The selected option of the invitation form's organization-and-role select. */
function selectedTarget(html: string): string | undefined {
  const select = /<select[^>]*name="target"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? ''
  return /<option value="([^"]+)" selected>/.exec(select)?.[1]
}

eachDialect('admin users: invitation default', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  const memberRole = async (orgId: string) => (await p.deps.identity.orgs.listRoles(orgId)).find((r) => r.builtin === 'member')!

  test('the Member role of the current organization is chosen; switching organizations changes it', async () => {
    const admin = await p.adminClient()
    const acme = p.org!
    const other = await p.deps.identity.orgs.createOrg({ name: 'Zeta Works' }, p.admin!.id)

    const before = await admin.get('/admin/users')
    expect(selectedTarget(before.html)).toBe(`${acme.id}:${(await memberRole(acme.id)).id}`)

    const switched = await admin.post('/orgs/switch', { org: other.id })
    expect(switched.status).toBe(303)
    const after = await admin.get('/admin/users')
    expect(selectedTarget(after.html)).toBe(`${other.id}:${(await memberRole(other.id)).id}`)
    expect(after.html).toContain('Acme — Member') // the other organizations stay on offer
  })

  test('a value sent back with an error stays chosen over the default', async () => {
    const admin = await p.adminClient()
    const acme = p.org!
    const guest = (await p.deps.identity.orgs.listRoles(acme.id)).find((r) => r.builtin === 'guest')!
    await admin.get('/admin/users')
    const res = await admin.post('/admin/users/invite', { target: `${acme.id}:${guest.id}`, email: 'not an email' })
    expect(res.status).toBe(422)
    expect(selectedTarget(await res.text())).toBe(`${acme.id}:${guest.id}`)
  })
})
