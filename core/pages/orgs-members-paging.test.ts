/**
 * A large organization's members, searched and paged in the store: the members page (numbered
 * pages, totals) and GET /api/v1/org/members (cursor pages) agree with the whole list sorted by
 * (name, id); guests cannot find people by email; open invitations say "no longer works" for links
 * whose creator lost the right, in a fixed number of queries. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { newId } from '../auth/crypto.ts'
import type { Member } from '../auth/orgs.ts'
import { permissionCatalog } from '../auth/permissions.ts'
import type { Db } from '../store/connect.ts'

type Json = Record<string, any>

/**
 * The member ids of a members page, in order, read from the email cells (the only owner's row has no
 * Remove/Leave form to read an id from); `everyone` maps the emails back to ids.
 */
const rowIds = (html: string, everyone: Member[]) => {
  const idOf = new Map(everyone.map((m) => [m.user.email, m.user.id]))
  return [...html.matchAll(/<td data-label="Email">([^<]+)<\/td>/g)].map((m) => idOf.get(m[1]!) ?? m[1]!)
}

/** (name, id) in byte order: what both dialects sort by. */
const byNameThenId = (a: Member, b: Member) => (a.user.name < b.user.name ? -1 : a.user.name > b.user.name ? 1 : a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : 0)

/** Bulk account rows (no argon2 hashes: they would only slow the test down). */
const accountRows = (people: { name: string; email: string }[]) =>
  people.map((person) => ({ id: newId(), ...person, passwordHash: 'x', isAdmin: false, disabled: false, totpEnabled: false, createdAt: new Date() }))

eachDialect('members of a large organization: paged and searched in the store', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let guest: Client
  let member: Client
  /** Every member of Acme, sorted as the store sorts them: the oracle. */
  let everyone: Member[]

  /** The oracle filtered as a search for `q` filters it (emails only for those who see them). */
  const matching = (q: string, byEmail: boolean) =>
    everyone.filter((m) => m.user.name.toLowerCase().includes(q.toLowerCase()) || (byEmail && m.user.email.toLowerCase().includes(q.toLowerCase())))

  /** Every item of /api/v1/org/members with `params`, following nextCursor page by page. */
  const walkApi = async (client: Client, params: Record<string, string>, limit: number) => {
    const seen: Json[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await client.request(`/api/v1/org/members?${new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) })}`)
      expect(res.status).toBe(200)
      const page = (await res.json()) as Json
      expect(page.items.length).toBeLessThanOrEqual(limit)
      seen.push(...page.items)
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 200)
    return { seen, pages }
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, [])
    const { accounts, orgs } = p.deps.identity
    const acme = p.org!
    const memberRole = (await orgs.listRoles(acme.id)).find((r) => r.builtin === 'member')!
    // 300 people whose names repeat (ties broken by id) in two cases, every 25th with a vip address,
    // and two whose names hold LIKE's wildcards
    const people = Array.from({ length: 300 }, (_, i) => {
      const n = String(i % 120).padStart(3, '0')
      return { name: i % 7 === 0 ? `name ${n}` : `Name ${n}`, email: `user-${String(i).padStart(3, '0')}@${i % 25 === 0 ? 'vip' : 'bulk'}.test` }
    })
    people.push({ name: 'Percent 100% Sure', email: 'percent@bulk.test' }, { name: 'Under_score', email: 'under@bulk.test' })
    const rows = accountRows(people)
    await accounts.store.db.insert(accounts.t.users).values(rows)
    await accounts.store.db.insert(accounts.t.members).values(rows.map((u) => ({ orgId: acme.id, userId: u.id, roleId: memberRole.id, createdAt: new Date() })))
    // another organization with look-alikes: never shown
    const other = await orgs.createOrg({ name: 'Zeta Elsewhere' }, p.admin!.id)
    const otherRole = (await orgs.listRoles(other.id)).find((r) => r.builtin === 'member')!
    const strangers = accountRows(Array.from({ length: 5 }, (_, i) => ({ name: `Name 00${i}`, email: `stranger-${i}@vip.test` })))
    await accounts.store.db.insert(accounts.t.users).values(strangers)
    await accounts.store.db.insert(accounts.t.members).values(strangers.map((u) => ({ orgId: other.id, userId: u.id, roleId: otherRole.id, createdAt: new Date() })))
    accounts.changed()

    ada = await p.adminClient()
    guest = (await p.member('guest')).client
    member = (await p.member('member')).client
    everyone = (await orgs.listMembers(acme.id)).sort(byNameThenId)
    expect(everyone).toHaveLength(305) // 302 + Ada, the guest, the member
  })
  afterAll(() => p.stop())

  test('the page: 50 a page in (name, id) order, the right totals, every member exactly once across the pages', async () => {
    const seen: string[] = []
    for (let n = 1; n <= 7; n++) {
      const page = await ada.get(`/orgs/members${n > 1 ? `?page=${n}` : ''}`)
      expect(page.res.status).toBe(200)
      expect(page.html).toContain('305 members')
      expect(page.html).toContain(`Page ${n} of 7 (305 members)`)
      const ids = rowIds(page.html, everyone)
      expect(ids).toHaveLength(n < 7 ? 50 : 5)
      seen.push(...ids)
    }
    expect(seen).toEqual(everyone.map((m) => m.user.id))
    expect(new Set(seen).size).toBe(305)
    // the same page twice is the same page (ties between equal names broken by id)
    expect(rowIds((await ada.get('/orgs/members?page=4')).html, everyone)).toEqual(seen.slice(150, 200))
    // past the end: the last page
    expect(rowIds((await ada.get('/orgs/members?page=999')).html, everyone)).toEqual(seen.slice(300))
  })

  test('the page: search by name (any case) or email, paged with its totals; % and _ are literal', async () => {
    const q = 'NAME 0'
    const expected = matching(q, true).map((m) => m.user.id)
    expect(expected).toHaveLength(260)
    const seen: string[] = []
    for (let n = 1; n <= 6; n++) {
      const page = await ada.get(`/orgs/members?${new URLSearchParams({ q, ...(n > 1 ? { page: String(n) } : {}) })}`)
      expect(page.html).toContain('305 members') // the organization's size stays in the header
      expect(page.html).toContain(`Page ${n} of 6 (260 found)`)
      seen.push(...rowIds(page.html, everyone))
    }
    expect(seen).toEqual(expected)

    const vip = await ada.get('/orgs/members?q=%40VIP.test')
    expect(rowIds(vip.html, everyone)).toEqual(matching('@vip.test', true).map((m) => m.user.id))
    expect(rowIds(vip.html, everyone)).toHaveLength(12)
    expect(vip.html).not.toContain('class="pager"')

    const percent = await ada.get('/orgs/members?q=100%25')
    expect(rowIds(percent.html, everyone)).toEqual([everyone.find((m) => m.user.name === 'Percent 100% Sure')!.user.id])
    const underscore = await ada.get('/orgs/members?q=_')
    expect(rowIds(underscore.html, everyone)).toEqual([everyone.find((m) => m.user.name === 'Under_score')!.user.id])
  })

  test('the page: a guest finds people by name but not by email', async () => {
    const byEmail = await guest.get('/orgs/members?q=%40vip.test')
    expect(byEmail.res.status).toBe(200)
    expect(byEmail.html).toContain('Find by name')
    expect(byEmail.html).toContain('No member matches “@vip.test”')
    expect(byEmail.html).not.toContain('@vip.test</td>')
    const byName = await guest.get('/orgs/members?q=name+007')
    expect(byName.html).not.toContain('class="pager"')
    const names = [...byName.html.matchAll(/<tr>\s*<td><span>([^<]+)<\/span>/g)].map((m) => m[1])
    expect(names).toEqual(matching('name 007', false).map((m) => m.user.name))
    expect(names).toHaveLength(3)
  })

  test('the API: cursor pages in (name, id) order, nothing twice or skipped, searchable; q follows the email rule; a bad q is a 400', async () => {
    const all = await walkApi(ada, {}, 37)
    expect(all.seen.map((m) => m.id)).toEqual(everyone.map((m) => m.user.id))
    expect(all.pages).toBe(Math.ceil(305 / 37))
    // an exact multiple of the limit: the last full page says there is no next one
    expect((await walkApi(ada, {}, 61)).pages).toBe(5)

    const byName = await walkApi(ada, { q: 'name 0' }, 40)
    expect(byName.seen.map((m) => m.id)).toEqual(matching('name 0', true).map((m) => m.user.id))
    const byEmail = await walkApi(ada, { q: '@vip.test' }, 5)
    expect(byEmail.seen.map((m) => m.id)).toEqual(matching('@vip.test', true).map((m) => m.user.id))
    expect(byEmail.seen).toHaveLength(12) // the other organization's vip addresses never show
    expect((await walkApi(ada, { q: '_' }, 10)).seen.map((m) => m.name)).toEqual(['Under_score'])

    expect((await walkApi(member, { q: '@vip.test' }, 50)).seen).toHaveLength(12)
    expect((await walkApi(guest, { q: '@vip.test' }, 50)).seen).toEqual([])
    const guestByName = await walkApi(guest, { q: 'Name 007' }, 50)
    expect(guestByName.seen.map((m) => m.id)).toEqual(matching('name 007', false).map((m) => m.user.id))
    expect(guestByName.seen.every((m) => m.email === null)).toBe(true)

    const long = await ada.request(`/api/v1/org/members?q=${'x'.repeat(101)}`)
    expect(long.status).toBe(400)
    expect(((await long.json()) as Json).error.message).toBe('q must be at most 100 characters (got 101)')
  })
})

eachDialect('open invitations: which links no longer work', (dialect) => {
  test('each link is marked by what its creator may still do, in the same number of queries for 7 invitations or 19', async () => {
    const p = await startPlatform(dialect, [])
    try {
      const { accounts, orgs } = p.deps.identity
      const org = p.org!
      const roles = await orgs.listRoles(org.id)
      const role = (b: string) => roles.find((r) => r.builtin === b)!
      const reader = await orgs.createRole(org.id, 'Reader', ['core.members.read'])
      const recruiterRole = await orgs.createRole(org.id, 'Recruiter', ['core.members.read', 'core.members.manage'])
      const admin = async () => (await p.member('admin')).user
      const [keeps, demoted, removed, disabled] = [await admin(), await admin(), await admin(), await admin()]
      const { user: recruiter } = await p.member('member')
      await orgs.setMemberRole(org.id, recruiter.id, recruiterRole.id)

      const invite = (creatorId: string, roleId: string, email: string) => orgs.createInvitation(org.id, roleId, creatorId, email)
      await invite(keeps.id, role('member').id, 'keeps@example.com')
      await invite(demoted.id, role('member').id, 'demoted@example.com')
      await invite(removed.id, role('member').id, 'removed@example.com')
      await invite(disabled.id, role('guest').id, 'disabled@example.com')
      await invite(recruiter.id, reader.id, 'reader@example.com') // the recruiter holds all a reader may
      await invite(recruiter.id, role('member').id, 'too-much@example.com') // a member may more than a recruiter
      await invite(p.admin!.id, role('admin').id, 'by-instance-admin@example.com')
      await orgs.setMemberRole(org.id, demoted.id, role('member').id)
      await orgs.removeMember(org.id, removed.id)
      await accounts.setDisabled(disabled.id, true)

      const dead = { keeps: false, demoted: true, removed: true, disabled: true, reader: false, 'too-much': true, 'by-instance-admin': false }
      const ada = await p.adminClient()
      const html = (await ada.get('/orgs/members')).html
      for (const [who, isDead] of Object.entries(dead)) {
        const row = new RegExp(`<tr>\\s*<td><span>${who}@example.com</span>[\\s\\S]*?</tr>`).exec(html)![0]
        expect([who, row.includes('No longer works')]).toEqual([who, isDead])
      }

      // queries: count the selects listInvitations runs, with few and with many invitations
      const catalog = permissionCatalog(p.deps.host, { includeDisabled: true })
      const store = accounts.store as { db: Db }
      const realDb = store.db
      const selects = async () => {
        let n = 0
        store.db = new Proxy(realDb, { get: (target, key, receiver) => (key === 'select' ? (...args: unknown[]) => (n++, Reflect.apply(target.select, target, args)) : Reflect.get(target, key, receiver)) }) as Db
        try {
          const list = await orgs.listInvitations(org.id, catalog)
          return { n, list }
        } finally {
          store.db = realDb
        }
      }
      const few = await selects()
      expect(few.list.map((i) => [i.email, i.dead])).toEqual(Object.entries(dead).map(([who, isDead]) => [`${who}@example.com`, isDead]))
      const creators = [keeps, demoted, disabled, await admin(), await admin(), await admin()]
      for (let i = 0; i < 12; i++) await invite(creators[i % creators.length]!.id, role('guest').id, `more-${i}@example.com`)
      const many = await selects()
      expect(many.list).toHaveLength(19)
      expect(many.list.filter((i) => i.email?.startsWith('more-')).map((i) => i.dead)).toEqual(Array.from({ length: 12 }, (_, i) => i % 6 === 1 || i % 6 === 2)) // the demoted and the disabled creator's
      expect(many.n).toBe(few.n)
      expect(many.n).toBeLessThanOrEqual(2)
    } finally {
      await p.stop()
    }
  })
})
