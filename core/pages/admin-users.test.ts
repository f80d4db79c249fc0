/**
 * The users tab of the instance admin pages: finding accounts (`?q=`, 50 a page, Next/Previous),
 * making and removing instance admins (never yourself, never the last active one; the target's
 * session sees it at once), and set-password links from creation on /admin/users to /reset/:token
 * (old sessions ended, single use, expiry, a disabled account, rate limit, the token masked in the
 * log). Real HTTP, both dialects.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { logged } from '../../test/helpers/log.ts'
import type { Client } from '../../test/helpers/client.ts'
import { newId, sha256 } from '../auth/crypto.ts'
import { resetPasswordLimits } from './reset-password.tsx'

/** The user rows of a users page, by email, in order. */
function emailsOn(html: string): string[] {
  return [...html.matchAll(/<td data-label="Email">([^<]*)<\/td>/g)].map((m) => m[1]!)
}

/** The href of the pager link with `rel`, unescaped, or undefined. */
function pagerLink(html: string, rel: 'next' | 'prev'): string | undefined {
  const m = new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html)
  return m ? m[1]!.replaceAll('&amp;', '&') : undefined
}

/** The set-password link shown after "Reset password", and its token. */
function shownLink(html: string): { link: string; token: string } {
  const m = /<p id="reset-link" class="secret">([^<]+)<\/p>/.exec(html)
  expect(m).not.toBeNull()
  const link = m![1]!
  return { link, token: decodeURIComponent(link.slice(link.lastIndexOf('/') + 1)) }
}

eachDialect('admin users', (dialect) => {
  let p: TestPlatform
  let ada: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, [])
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())
  beforeEach(() => resetPasswordLimits())

  test('search by email or name (any case, % literal), 50 a page with Next/Previous, the query kept; empty state', async () => {
    const { accounts } = p.deps.identity
    // rows straight into the store: 120 argon2 hashes would only slow the test down
    const base = Date.now()
    const rows = Array.from({ length: 120 }, (_, i) => ({
      id: newId(),
      email: `${i % 2 ? 'odd' : 'even'}-${String(i).padStart(3, '0')}@paging.test`,
      name: i === 7 ? '100% Pat' : `Pager ${String(i).padStart(3, '0')}`,
      passwordHash: 'x',
      isAdmin: false,
      disabled: false,
      totpEnabled: false,
      createdAt: new Date(base + i),
    }))
    await accounts.store.db.insert(accounts.t.users).values(rows)

    const first = await ada.get('/admin/users')
    expect(first.res.status).toBe(200)
    const page1 = emailsOn(first.html)
    expect(page1).toHaveLength(50)
    expect(page1[0]).toBe(ADMIN.email) // oldest first
    expect(pagerLink(first.html, 'prev')).toBeUndefined()
    const next1 = pagerLink(first.html, 'next')!
    expect(next1).toStartWith('/admin/users?after=')

    const second = await ada.get(next1)
    const page2 = emailsOn(second.html)
    expect(page2).toHaveLength(50)
    expect(page2.some((e) => page1.includes(e))).toBe(false)
    const third = await ada.get(pagerLink(second.html, 'next')!)
    const page3 = emailsOn(third.html)
    expect(page3).toHaveLength(121 - 100) // 120 + the admin
    expect(pagerLink(third.html, 'next')).toBeUndefined()
    // back from the last page: the same second page, then the first with no Previous
    const back = await ada.get(pagerLink(third.html, 'prev')!)
    expect(emailsOn(back.html)).toEqual(page2)
    const backAgain = await ada.get(pagerLink(back.html, 'prev')!)
    expect(emailsOn(backAgain.html)).toEqual(page1)
    expect(pagerLink(backAgain.html, 'prev')).toBeUndefined()
    expect(pagerLink(backAgain.html, 'next')).toBe(next1)

    // email or name, any case; the query stays in the box and in the pager links
    const odd = await ada.get('/admin/users?q=ODD-')
    expect(emailsOn(odd.html)).toHaveLength(50)
    expect(emailsOn(odd.html).every((e) => e.startsWith('odd-'))).toBe(true)
    expect(odd.html).toContain('value="ODD-"')
    const oddNext = pagerLink(odd.html, 'next')!
    expect(oddNext).toContain('q=ODD-')
    const oddRest = await ada.get(oddNext)
    expect(emailsOn(oddRest.html)).toHaveLength(10)
    expect(pagerLink(oddRest.html, 'next')).toBeUndefined()
    expect(pagerLink(oddRest.html, 'prev')).toContain('q=ODD-')
    expect(emailsOn((await ada.get('/admin/users?q=pager%20011')).html)).toEqual(['odd-011@paging.test'])
    expect(emailsOn((await ada.get('/admin/users?q=%25')).html)).toEqual(['odd-007@paging.test']) // % is literal
    expect(emailsOn((await ada.get('/admin/users?q=_')).html)).toEqual([]) // so is _

    const none = await ada.get('/admin/users?q=%3Cb%3Enobody')
    expect(none.res.status).toBe(200)
    expect(none.html).toContain('No user matches “&lt;b&gt;nobody”')
    expect(none.html).not.toContain('“<b>') // in the text, escaped (the search box's quoted value may keep it)
    expect(none.html).toContain('<a href="/admin/users">show everyone</a>')
    // nonsense paging values are ignored; past the end is an empty page that leads back
    expect(emailsOn((await ada.get('/admin/users?after=%27%20or%201%3D1')).html)).toEqual(page1)
    const past = await ada.get('/admin/users?after=zzzz')
    expect(past.html).toContain('No more accounts')

    await accounts.store.db.delete(accounts.t.users).where(eq(accounts.t.users.passwordHash, 'x'))
  })

  test('make and remove instance admin: audited, seen by the target at once; not yourself, not the last active one, not a disabled account', async () => {
    const { accounts } = p.deps.identity
    const { user, client } = await p.member('member')
    expect((await client.request('/admin/users')).status).toBe(403)
    const page = await ada.get(`/admin/users?q=${encodeURIComponent(user.email)}`)
    expect(page.html).toContain(`/admin/users/${user.id}/instance-admin/grant`)
    expect(page.html).toContain(`data-confirm="Make ${user.name} an instance admin?`)
    expect((await ada.get(`/admin/users?q=${encodeURIComponent(ADMIN.email)}`)).html).not.toContain(`/admin/users/${p.admin!.id}/instance-admin/revoke`) // not offered for yourself

    // without the CSRF token, or as a non-admin: refused
    expect((await ada.post(`/admin/users/${user.id}/instance-admin/grant`, { _csrf: 'nope' })).status).toBe(403)
    expect((await client.post(`/admin/users/${user.id}/instance-admin/grant`)).status).toBe(403)

    const granted = await ada.post(`/admin/users/${user.id}/instance-admin/grant`, { back: 'q=member' })
    expect(granted.status).toBe(303)
    expect(granted.headers.get('location')).toBe('/admin/users?q=member') // back to the list it came from
    expect((await ada.get('/admin/users?q=member')).html).toContain(`${user.name} is now an instance admin.`)
    expect((await client.request('/admin/users')).status).toBe(200) // at once, not after the identity cache expires
    expect((await accounts.listAudit({ limit: 5 })).find((a) => a.action === 'user.admin_granted')).toMatchObject({ target: user.email, actorEmail: ADMIN.email, orgId: null })

    // the new admin cannot remove their own rights either
    const selfRevoke = await client.post(`/admin/users/${user.id}/instance-admin/revoke`)
    expect(selfRevoke.status).toBe(409)
    expect(await selfRevoke.text()).toContain('You cannot remove your own instance admin rights: ask another instance admin.')

    expect((await ada.post(`/admin/users/${user.id}/instance-admin/revoke`)).status).toBe(303)
    expect((await client.request('/admin/users')).status).toBe(403)
    expect((await accounts.getUser(user.id))!.isAdmin).toBe(false)
    expect((await accounts.listAudit({ limit: 5 })).find((a) => a.action === 'user.admin_revoked')).toMatchObject({ target: user.email, actorEmail: ADMIN.email })

    // the last active instance admin keeps the rights (from the command line or the API, where the actor is nobody)
    await expect(accounts.setInstanceAdmin(p.admin!.id, false, null)).rejects.toMatchObject({ status: 409, message: `${ADMIN.name} is the last active instance admin: make someone else instance admin first` })
    // a disabled admin does not count
    const other = await p.member('member')
    await accounts.setInstanceAdmin(other.user.id, true, null)
    await accounts.setDisabled(other.user.id, true)
    await expect(accounts.setInstanceAdmin(p.admin!.id, false, null)).rejects.toMatchObject({ status: 409 })
    // a disabled account is not made admin
    const disabledGrant = await ada.post(`/admin/users/${other.user.id}/instance-admin/revoke`)
    expect(disabledGrant.status).toBe(303) // removing is fine
    const refused = await ada.post(`/admin/users/${other.user.id}/instance-admin/grant`)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain(`${other.user.name} is disabled: enable the account first.`)
    expect((await ada.post('/admin/users/nobody/instance-admin/grant')).status).toBe(404)

    // two admins removing each other at once: one wins, one admin is left
    const b = await p.member('member')
    await accounts.setInstanceAdmin(b.user.id, true, null)
    await b.client.get('/admin/users')
    const outcomes = await Promise.all([ada.post(`/admin/users/${b.user.id}/instance-admin/revoke`), b.client.post(`/admin/users/${p.admin!.id}/instance-admin/revoke`)])
    // the loser is refused: 409 (last active admin) or, when its rights were gone before it was checked, 403
    const statuses = outcomes.map((r) => r.status)
    expect(statuses.filter((s) => s === 303)).toHaveLength(1)
    expect([403, 409]).toContain(statuses.find((s) => s !== 303)!)
    const admins = (await accounts.listUsers()).filter((u) => u.isAdmin && !u.disabled)
    expect(admins).toHaveLength(1)
    if (!admins.some((u) => u.id === p.admin!.id)) await accounts.setInstanceAdmin(p.admin!.id, true, null) // for the next tests
    ada = await p.adminClient()
  })

  test('set-password link: shown once, stored hashed; the page sets the password, ends every session, works once; audited', async () => {
    const { accounts } = p.deps.identity
    const { user, client } = await p.member('member')
    const second = p.client()
    expect((await second.signIn(user.email, 'member password 1')).status).toBe(303)

    expect((await ada.get(`/admin/users?q=${encodeURIComponent(user.email)}`)).html).toContain(`/admin/users/${user.id}/password-reset`)
    expect((await ada.get(`/admin/users?q=${encodeURIComponent(ADMIN.email)}`)).html).not.toContain(`/admin/users/${p.admin!.id}/password-reset`)
    expect((await client.post(`/admin/users/${user.id}/password-reset`)).status).toBe(403) // not an instance admin
    expect((await ada.post(`/admin/users/${user.id}/password-reset`, { _csrf: 'nope' })).status).toBe(403)

    const made = await ada.post(`/admin/users/${user.id}/password-reset`)
    expect(made.status).toBe(200)
    expect(made.headers.get('cache-control')).toBe('no-store')
    const html = await made.text()
    expect(html).toContain(`Set-password link for ${user.name} (${user.email}) created.`)
    expect(html).toContain('data-copy="#reset-link"')
    const { link, token } = shownLink(html)
    expect(link).toBe(`${p.url}/reset/${token}`)
    expect(token.length).toBeGreaterThanOrEqual(43)
    // only the hash is stored, and the audit entry has no token
    const [row] = await accounts.store.db.select().from(accounts.t.passwordResets).where(eq(accounts.t.passwordResets.userId, user.id))
    expect(row!.tokenHash).toBe(sha256(token))
    expect(JSON.stringify(row)).not.toContain(token)
    const audit = (await accounts.listAudit({ limit: 5 })).find((a) => a.action === 'user.password_reset')!
    expect(audit).toMatchObject({ target: user.email, actorEmail: ADMIN.email })
    expect(JSON.stringify(audit)).not.toContain(token)
    expect((await ada.get('/admin/users')).html).not.toContain(token) // shown once

    // the page, anonymous: a form for that account
    const visitor = p.client()
    const form = await visitor.get(`/reset/${token}`)
    expect(form.res.status).toBe(200)
    expect(form.res.headers.get('cache-control')).toBe('no-store')
    expect(form.res.headers.get('referrer-policy')).toBe('same-origin') // the token goes to no other site
    expect(form.html).toContain('Choose a new password')
    expect(form.html).toContain(user.email)
    expect(form.html).toContain('autocomplete="new-password"')

    // bad input: 422, the error by its field, the link still good
    const differ = await visitor.post(`/reset/${token}`, { password: 'brand new password', confirm: 'brand new passw0rd' })
    expect(differ.status).toBe(422)
    const differHtml = await differ.text()
    expect(differHtml).toContain('The two passwords differ: type the same new password twice.')
    expect(differHtml).toContain('aria-describedby="f-confirm-error"')
    const short = await visitor.post(`/reset/${token}`, { password: 'short', confirm: 'short' })
    expect(short.status).toBe(422)
    expect(await short.text()).toContain('Use at least 8 characters.')
    const long = 'x'.repeat(257)
    expect((await visitor.post(`/reset/${token}`, { password: long, confirm: long })).status).toBe(422)
    expect((await client.request('/account')).status).toBe(200) // nothing changed yet

    const set = await visitor.post(`/reset/${token}`, { password: 'brand new password', confirm: 'brand new password' })
    expect(set.status).toBe(303)
    expect(set.headers.get('location')).toBe('/login')
    expect((await visitor.get('/login')).html).toContain('Your password is set')
    // every earlier session of the account has ended
    for (const c of [client, second]) {
      const res = await c.request('/account')
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toStartWith('/login')
    }
    expect((await p.client().signIn(user.email, 'member password 1')).status).toBe(401)
    expect((await p.client().signIn(user.email, 'brand new password')).status).toBe(303)
    const used = (await accounts.listAudit({ limit: 10 })).find((a) => a.action === 'user.password_reset_used')!
    expect(used).toMatchObject({ target: user.email, actorId: user.id, orgId: null })
    expect((await accounts.store.db.select().from(accounts.t.passwordResets).where(eq(accounts.t.passwordResets.id, row!.id)))[0]!.usedAt).toBeInstanceOf(Date)

    // single use: the page now says to ask for a new link, like an unknown token (no telling which)
    const again = await visitor.get(`/reset/${token}`)
    expect(again.res.status).toBe(404)
    expect(again.html).toContain('Ask an instance admin of this server for a new set-password link.')
    expect(again.html).not.toContain(user.email)
    expect((await visitor.post(`/reset/${token}`, { password: 'third password!', confirm: 'third password!' })).status).toBe(404)
    const unknown = await visitor.get('/reset/not-a-real-token')
    expect(unknown.res.status).toBe(404)
    expect(unknown.html.replace(/name="_csrf" value="[^"]+"/, '')).toBe(again.html.replace(/name="_csrf" value="[^"]+"/, ''))
    expect((await p.client().signIn(user.email, 'third password!')).status).toBe(401)
  })

  test('set-password link: expires, a newer one replaces it, none for a disabled account, disabling ends it; two posts at once use it once', async () => {
    const { accounts } = p.deps.identity
    const { user } = await p.member('member')
    const tokenFor = async () => shownLink(await (await ada.post(`/admin/users/${user.id}/password-reset`)).text()).token

    const old = await tokenFor()
    const newer = await tokenFor()
    expect((await p.client().get(`/reset/${old}`)).res.status).toBe(404) // replaced
    expect((await p.client().get(`/reset/${newer}`)).res.status).toBe(200)

    // expired (links last 24 hours)
    const [fresh] = await accounts.store.db.select().from(accounts.t.passwordResets).where(eq(accounts.t.passwordResets.tokenHash, sha256(newer)))
    expect(fresh!.expiresAt.getTime() - fresh!.createdAt.getTime()).toBe(24 * 3600_000)
    await accounts.store.db.update(accounts.t.passwordResets).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accounts.t.passwordResets.tokenHash, sha256(newer)))
    const visitor = p.client()
    expect((await visitor.get(`/reset/${newer}`)).res.status).toBe(404)
    expect((await visitor.post(`/reset/${newer}`, { password: 'expired password', confirm: 'expired password' })).status).toBe(404)
    expect((await p.client().signIn(user.email, 'expired password')).status).toBe(401)

    // disabling ends an open link; a disabled account gets none (and the page says so)
    const open = await tokenFor()
    expect((await ada.post(`/admin/users/${user.id}/disable`)).status).toBe(303)
    expect((await p.client().get(`/reset/${open}`)).res.status).toBe(404)
    const row = await ada.get(`/admin/users?q=${encodeURIComponent(user.email)}`)
    expect(row.html).toContain(`/admin/users/${user.id}/enable`)
    expect(row.html).not.toContain(`/admin/users/${user.id}/password-reset`)
    const refused = await ada.post(`/admin/users/${user.id}/password-reset`)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain(`${user.name} is disabled: enable the account first, then create a link.`)
    expect((await ada.post('/admin/users/nobody/password-reset')).status).toBe(404)
    expect((await ada.post(`/admin/users/${user.id}/enable`)).status).toBe(303)

    // two posts with one link at the same moment: one sets the password, the other finds it used
    const race = await tokenFor()
    const a = p.client()
    const b = p.client()
    await a.get(`/reset/${race}`)
    await b.get(`/reset/${race}`)
    const results = await Promise.all([
      a.post(`/reset/${race}`, { password: 'racing password A', confirm: 'racing password A' }),
      b.post(`/reset/${race}`, { password: 'racing password B', confirm: 'racing password B' }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([303, 404])
    const winner = results[0]!.status === 303 ? 'racing password A' : 'racing password B'
    expect((await p.client().signIn(user.email, winner)).status).toBe(303)
  })

  test('set-password POSTs are limited per address (429 with Retry-After); the token is masked in the log', async () => {
    const { user } = await p.member('member')
    const made = await ada.post(`/admin/users/${user.id}/password-reset`)
    const { token } = shownLink(await made.text())

    const { lines } = await logged(async () => {
      const v = p.client()
      expect((await v.get(`/reset/${token}`)).res.status).toBe(200)
      expect((await v.post(`/reset/${token}`, { password: 'x', confirm: 'x' })).status).toBe(422)
    })
    const requestLines = lines.filter((l) => l.includes('/reset/'))
    expect(requestLines.length).toBeGreaterThanOrEqual(2)
    expect(requestLines.every((l) => l.includes('/reset/***'))).toBe(true)
    expect(lines.join('\n')).not.toContain(token)

    resetPasswordLimits()
    const guesser = p.client()
    await guesser.get('/reset/guess')
    for (let i = 0; i < 10; i++) expect((await guesser.post(`/reset/guess-${i}`, { password: 'whatever 123', confirm: 'whatever 123' })).status).toBe(404)
    const limited = await guesser.post(`/reset/${token}`, { password: 'whatever 123', confirm: 'whatever 123' })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await p.client().signIn(user.email, 'whatever 123')).status).toBe(401) // the valid link was not used
    resetPasswordLimits()
  })
})

eachDialect('admin users: disabling an owner', (dialect) => {
  let p: TestPlatform
  afterAll(() => p.stop())

  test("disabling an organization's only active owner goes through and says the organization has no active owner now", async () => {
    p = await startPlatform(dialect, [])
    const ada = await p.adminClient()
    const { accounts, orgs } = p.deps.identity
    const olga = await accounts.createUser({ email: 'olga@example.com', name: 'Olga Owner', password: 'member password 1' })
    await orgs.createOrg({ name: 'Lonely Co' }, olga.id)
    const res = await ada.post(`/admin/users/${olga.id}/disable`)
    expect(res.status).toBe(303)
    const page = await ada.get(res.headers.get('location')!)
    expect(page.html).toContain('Olga Owner is disabled and signed out everywhere. Lonely Co has no active owner now: open it under Organizations and choose &quot;Add me as owner&quot;, or enable Olga Owner again.')
    // an owner who shares ownership: nothing more to say
    const bea = await accounts.createUser({ email: 'bea@example.com', name: 'Bea', password: 'member password 1' })
    const shared = await orgs.createOrg({ name: 'Shared Co' }, bea.id)
    const roles = await orgs.listRoles(shared.id)
    await orgs.addMember(shared.id, p.admin!.id, roles.find((r) => r.builtin === 'owner')!.id)
    const again = await ada.post(`/admin/users/${bea.id}/disable`)
    expect((await ada.get(again.headers.get('location')!)).html).not.toContain('no active owner')
  })
})

eachDialect('admin users: the last active instance admin', (dialect) => {
  test('two admins disabling each other at the same moment leave one active admin', async () => {
    const p = await startPlatform(dialect, [])
    try {
      const { accounts } = p.deps.identity
      const bob = await accounts.createUser({ email: 'bob-admin@example.com', name: 'Bob Admin', password: 'member password 1', isAdmin: true })
      const results = await Promise.allSettled([accounts.setDisabled(bob.id, true), accounts.setDisabled(p.admin!.id, true)])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
      expect(String(refused.reason.message)).toContain('is the last active instance admin')
      const active = (await accounts.listUsers()).filter((u) => u.isAdmin && !u.disabled)
      expect(active).toHaveLength(1)
    } finally {
      await p.stop()
    }
  })
})
