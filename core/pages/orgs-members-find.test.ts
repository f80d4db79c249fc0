/** The members page of a large organization: find by name (or email, for those who see emails) and 50 a page. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { newId } from '../auth/crypto.ts'

/** Member names in the members table, in order. */
const names = (html: string) => [...html.matchAll(/<tr>\s*<td><span>([^<]+)<\/span>/g)].map((m) => m[1]!)

eachDialect('members page: find and pages', (dialect) => {
  let p: TestPlatform
  let ada: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, [])
    ada = await p.adminClient()
    const { accounts, orgs } = p.deps.identity
    const member = (await orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!
    // rows straight into the store: 120 argon2 hashes would only slow the test down
    const users = Array.from({ length: 120 }, (_, i) => ({
      id: newId(),
      email: `person-${String(i).padStart(3, '0')}@${i % 10 === 0 ? 'tenth' : 'crowd'}.test`,
      name: `Person ${String(i).padStart(3, '0')}`,
      passwordHash: 'x',
      isAdmin: false,
      disabled: false,
      totpEnabled: false,
      createdAt: new Date(),
    }))
    await accounts.store.db.insert(accounts.t.users).values(users)
    for (const u of users) await orgs.addMember(p.org!.id, u.id, member.id)
  })
  afterAll(() => p.stop())

  test('50 a page by name with Previous/Next; a search by name or email keeps its query across pages; nothing found says so', async () => {
    const first = await ada.get('/orgs/members')
    expect(first.html).toContain('121 members')
    expect(names(first.html)).toHaveLength(50)
    expect(names(first.html)[0]).toBe('Ada Admin')
    expect(first.html).toContain('Page 1 of 3 (121 members)')
    expect(first.html).toContain('href="/orgs/members?page=2" rel="next"')
    const last = await ada.get('/orgs/members?page=3')
    expect(names(last.html)).toEqual(Array.from({ length: 21 }, (_, i) => `Person ${String(99 + i).padStart(3, '0')}`))
    expect(last.html).toContain('href="/orgs/members?page=2" rel="prev"')
    expect(names((await ada.get('/orgs/members?page=99')).html)).toEqual(names(last.html)) // past the end: the last page

    const byName = await ada.get('/orgs/members?q=person+01')
    expect(names(byName.html)).toEqual(Array.from({ length: 10 }, (_, i) => `Person 01${i}`))
    expect(byName.html).toContain('value="person 01"')
    expect(byName.html).toContain('href="/orgs/members">Show everyone</a>')
    const byEmail = await ada.get('/orgs/members?q=@tenth')
    expect(names(byEmail.html)).toHaveLength(12)
    const none = await ada.get('/orgs/members?q=%3Cb%3Enobody')
    expect(none.html).toContain('No member matches “&lt;b&gt;nobody”')
  })

  test('a guest, who sees no emails, cannot find people by email', async () => {
    const { client } = await p.member('guest')
    const page = await client.get('/orgs/members?q=@tenth')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('Find by name')
    expect(names(page.html)).toEqual([])
  })
})

eachDialect('members page: dead invitation links', (dialect) => {
  test("an open link whose creator can no longer invite with its role says it no longer works", async () => {
    const p = await startPlatform(dialect, [])
    try {
      const { orgs } = p.deps.identity
      const roles = await orgs.listRoles(p.org!.id)
      const { user: adam } = await p.member('admin')
      const member = roles.find((r) => r.builtin === 'member')!
      await orgs.createInvitation(p.org!.id, member.id, adam.id, 'new-hire@example.com')
      const ada = await p.adminClient()
      const row = () => ada.get('/orgs/members').then((r) => /<tr>\s*<td><span>new-hire@example.com<\/span>[\s\S]*?<\/tr>/.exec(r.html)![0])
      expect(await row()).not.toContain('No longer works')
      await orgs.setMemberRole(p.org!.id, adam.id, member.id) // Adam may no longer invite
      expect(await row()).toContain('No longer works')
    } finally {
      await p.stop()
    }
  })
})
