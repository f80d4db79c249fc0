import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import type { Client } from '../../test/helpers/client.ts'
import type { User } from '../auth/accounts.ts'
import { AdminOrgsTable } from './admin-orgs.tsx'

eachDialect('instance admin: one organization', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let n = 0
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  const ids = () => p.deps.identity
  const newUser = (name: string): Promise<User> => ids().accounts.createUser({ email: `${name.toLowerCase().replace(/\W+/g, '-')}-${++n}@example.com`, name, password: 'member password 1' })

  test('the page: name, address, members with roles; instance admins only; unknown ids 404', async () => {
    const boss = await newUser('Boss <b>')
    const org = await ids().orgs.createOrg({ name: 'Orphan & Co' }, boss.id)
    const worker = await newUser('Worker')
    await ids().orgs.addMember(org.id, worker.id, (await ids().orgs.listRoles(org.id)).find((r) => r.builtin === 'member')!.id)
    const page = await ada.get(`/admin/orgs/${org.id}`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('<h2>Orphan &amp; Co</h2>')
    expect(page.html).toContain('<code>orphan-co</code>')
    expect(page.html).toContain('Boss &lt;b&gt;')
    expect(page.html).toContain(boss.email)
    expect(page.html).toContain('<td data-label="Role">Owner</td>')
    expect(page.html).toContain('<td data-label="Role">Member</td>')
    expect(page.html).toContain(`action="/admin/orgs/${org.id}/claim"`)
    expect(page.html).toContain(`action="/admin/orgs/${org.id}/delete"`)
    expect(page.html).toContain('aria-current="page">Organizations</a>')
    expect(page.html).not.toContain('no active owner')

    const missing = await ada.get('/admin/orgs/00000000-0000-7000-8000-000000000000')
    expect(missing.res.status).toBe(404)
    expect(missing.html).toContain('No such organization')
    for (const path of ['/claim', '/delete', '']) {
      expect((await ada.post(`/admin/orgs/00000000-0000-7000-8000-000000000000${path}`, { confirm: 'x', name: 'x', slug: 'x' })).status).toBe(404)
    }

    // the org's own owner is no instance admin
    const c = p.client()
    await c.signIn(boss.email, 'member password 1')
    expect((await c.get(`/admin/orgs/${org.id}`)).res.status).toBe(403)
    expect((await c.post(`/admin/orgs/${org.id}/claim`)).status).toBe(403)
    expect((await c.post(`/admin/orgs/${org.id}/delete`, { confirm: 'Orphan & Co' })).status).toBe(403)
    expect(await ids().orgs.getOrg(org.id)).toBeDefined()
  })

  test('"Add me as owner" takes over an org whose only owner is disabled; audited; not twice', async () => {
    const gone = await newUser('Gone')
    const org = await ids().orgs.createOrg({ name: 'Abandoned' }, gone.id)
    await ids().accounts.setDisabled(gone.id, true)
    const page = await ada.get(`/admin/orgs/${org.id}`)
    expect(page.html).toContain('no active owner')
    expect(page.html).toContain('badge-danger">Disabled</span>')
    const claimed = await ada.post(`/admin/orgs/${org.id}/claim`)
    expect(claimed.status).toBe(303)
    expect(claimed.headers.get('location')).toBe(`/admin/orgs/${org.id}`)
    expect((await ids().orgs.membership(p.admin!.id, org.id))?.role.builtin).toBe('owner')
    const after = await ada.get(`/admin/orgs/${org.id}`)
    expect(after.html).toContain('You are an owner')
    expect(after.html).not.toContain('no active owner')
    expect(after.html).not.toContain(`action="/admin/orgs/${org.id}/claim"`)
    const [entry] = await ids().accounts.listAudit({ orgId: org.id, action: 'org.owner_claimed' })
    expect(entry).toMatchObject({ actorEmail: 'admin@example.com', target: 'admin@example.com', details: { org: 'Abandoned', previousRole: null } })
    const again = await ada.post(`/admin/orgs/${org.id}/claim`)
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('You are an owner of this organization already.')
  })

  test('rename and delete from the admin page: the typed values come back on errors; delete is audited and announced', async () => {
    const boss = await newUser('Boss')
    const org = await ids().orgs.createOrg({ name: 'Renamed Later' }, boss.id)
    const member = await newUser('Member')
    await ids().orgs.addMember(org.id, member.id, (await ids().orgs.listRoles(org.id)).find((r) => r.builtin === 'member')!.id)
    await ada.get(`/admin/orgs/${org.id}`)

    const taken = await ada.post(`/admin/orgs/${org.id}`, { name: 'Renamed Later', slug: 'acme' })
    expect(taken.status).toBe(409)
    expect(await taken.text()).toContain('value="acme"')
    const renamed = await ada.post(`/admin/orgs/${org.id}`, { name: 'Renamed Now', slug: 'renamed-now' })
    expect(renamed.status).toBe(303)
    expect(await ids().orgs.getOrg(org.id)).toMatchObject({ name: 'Renamed Now', slug: 'renamed-now' })
    const [renamedEntry] = await ids().accounts.listAudit({ orgId: org.id, action: 'org.renamed' })
    expect(renamedEntry).toMatchObject({ actorEmail: 'admin@example.com', target: 'Renamed Now' })

    const heard: unknown[] = []
    const off = p.host.bus.on('test', 'core.org.deleted', (e) => void heard.push(e))
    const wrong = await ada.post(`/admin/orgs/${org.id}/delete`, { confirm: 'Renamed Later' })
    expect(wrong.status).toBe(422)
    const wrongHtml = await wrong.text()
    expect(wrongHtml).toContain('value="Renamed Later"')
    expect(wrongHtml).toContain('Type Renamed Now to confirm')
    expect(await ids().orgs.getOrg(org.id)).toBeDefined()
    const deleted = await ada.post(`/admin/orgs/${org.id}/delete`, { confirm: 'Renamed Now' })
    expect(deleted.status).toBe(303)
    expect(deleted.headers.get('location')).toBe('/admin/orgs')
    off()
    expect(await ids().orgs.getOrg(org.id)).toBeUndefined()
    expect(await ids().orgs.orgsOf(member.id)).toEqual([])
    expect(heard).toEqual([{ id: org.id, name: 'Renamed Now', slug: 'renamed-now' }])
    const [entry] = await ids().accounts.listAudit({ orgId: org.id, action: 'org.deleted' })
    expect(entry).toMatchObject({ actorEmail: 'admin@example.com', target: 'Renamed Now', details: { members: 2, by: 'instance admin' } })
    expect((await ada.get(`/admin/orgs/${org.id}`)).res.status).toBe(404)
    // Acme (the admin's own org) is untouched
    expect(await ids().orgs.getOrg(p.org!.id)).toBeDefined()
  })

  test('the organizations table links each name to its page', async () => {
    const html = AdminOrgsTable({ orgs: [{ id: 'o-1', slug: 'x-y', name: 'X & <Y>', createdAt: new Date(0), members: 3 }] }) as string
    expect(html).toContain('<a href="/admin/orgs/o-1">X &amp; &lt;Y&gt;</a>')
    expect(html).toContain('<code>x-y</code>')
  })
})
