/**
 * An instance admin's view of one account's sessions and API tokens (/admin/users/:id/access):
 * listing them, revoking one or all (the user's next request is signed out, the token stops at
 * once), audit entries naming the account, 404 for another account's ids and unknown ones, 403
 * for non-admins and without CSRF, 409 on the admin's own account. Real HTTP, both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import type { User } from '../auth/accounts.ts'

/** A token straight through the service (the account page's password gate is tested elsewhere). */
async function makeToken(p: TestPlatform, user: User, name: string) {
  return p.deps.identity.tokens.create({ userId: user.id, orgId: p.org!.id, name, permissions: ['core.members.read'], expiresInDays: 30 })
}

/** GET /api/v1/me with a token: its status. */
async function me(p: TestPlatform, secret: string): Promise<number> {
  const res = await fetch(`${p.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })
  await res.arrayBuffer()
  return res.status
}

/** The latest audit entry with `action`. */
async function lastAudit(p: TestPlatform, action: string) {
  return (await p.deps.identity.accounts.listAudit({ action, limit: 1 }))[0]
}

eachDialect('admin: an account’s sessions and tokens', (dialect) => {
  let p: TestPlatform
  let ada: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, [])
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  test('the page lists sessions (device, address, times) and tokens (name, scopes, expiry, last used), escaped; the users list links to it', async () => {
    const { user, client } = await p.member('member')
    const laptop = p.client()
    const ua = { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15' }
    await laptop.get('/login', ua)
    expect((await laptop.post('/login', { email: user.email, password: 'member password 1', next: '/' }, ua)).status).toBe(303)
    const { secret } = await makeToken(p, user, '<script>alert(1)</script> deploys')
    expect(await me(p, secret)).toBe(200) // "last used" is set

    const list = await ada.get(`/admin/users?q=${encodeURIComponent(user.email)}`)
    expect(list.html).toContain(`action="/admin/users/${user.id}/access"`)
    const { res, html } = await ada.get(`/admin/users/${user.id}/access`)
    expect(res.status).toBe(200)
    expect(html).toContain(`/admin/users/${user.id}/sessions/${client.sessionId()}/revoke`)
    expect(html).toContain(`/admin/users/${user.id}/sessions/${laptop.sessionId()}/revoke`)
    expect(html).toContain('Safari on macOS')
    expect(html).toContain('<td data-label="IP address">127.0.0.1</td>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; deploys')
    expect(html).not.toMatch(/>[^<"]*<script>alert\(1\)/) // never as markup (inside a quoted attribute it is text)
    expect(html).toContain('<code>core.members.read</code>')
    expect(html).not.toMatch(/<td data-label="Last used" class="nowrap">Never<\/td>/)
    expect(html).toContain('Sign out everywhere')
    expect(html).toContain('Revoke all tokens')
    expect(html).not.toContain(secret)
  })

  test('revoking one session signs that device out at once (its next request), the others stay; audited with the account as target', async () => {
    const { user, client: phone } = await p.member('member')
    const desk = p.client()
    await desk.signIn(user.email, 'member password 1')
    expect((await phone.get('/account')).res.status).toBe(200)
    await ada.get(`/admin/users/${user.id}/access`)
    const res = await ada.post(`/admin/users/${user.id}/sessions/${phone.sessionId()}/revoke`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/admin/users/${user.id}/access`)
    const gone = await phone.get('/account')
    expect(gone.res.status).toBe(303)
    expect(gone.res.headers.get('location')).toStartWith('/login')
    expect((await desk.get('/account')).res.status).toBe(200)
    const entry = await lastAudit(p, 'session.revoked_by_admin')
    expect(entry).toMatchObject({ actorEmail: ADMIN.email, target: user.email, orgId: null })
    expect(entry!.details).toMatchObject({ ip: '127.0.0.1' })
    // the flash says so on the page the admin lands on
    expect((await ada.get(`/admin/users/${user.id}/access`)).html).toContain('signed out on that device')
    // the same session again: gone already
    expect((await ada.post(`/admin/users/${user.id}/sessions/${phone.sessionId()}/revoke`)).status).toBe(404)
  })

  test('"Sign out everywhere" ends every session of the account; "Revoke all tokens" stops every token; both audited with the count', async () => {
    const { user, client: one } = await p.member('member')
    const two = p.client()
    await two.signIn(user.email, 'member password 1')
    const a = await makeToken(p, user, 'ci')
    const b = await makeToken(p, user, 'backup')
    await ada.get(`/admin/users/${user.id}/access`)

    expect((await ada.post(`/admin/users/${user.id}/sessions/end`)).status).toBe(303)
    for (const c of [one, two]) expect((await c.get('/account')).res.status).toBe(303)
    expect(await p.deps.identity.accounts.listSessions(user.id)).toEqual([])
    expect((await lastAudit(p, 'session.all_revoked_by_admin'))).toMatchObject({ target: user.email, details: { count: 2 } })

    expect(await me(p, a.secret)).toBe(200)
    expect((await ada.post(`/admin/users/${user.id}/tokens/revoke`)).status).toBe(303)
    expect(await me(p, a.secret)).toBe(401)
    expect(await me(p, b.secret)).toBe(401)
    expect((await lastAudit(p, 'token.all_revoked_by_admin'))).toMatchObject({ target: user.email, details: { count: 2 } })
    const after = await ada.get(`/admin/users/${user.id}/access`)
    expect(after.html).toContain('No active sessions')
    expect(after.html).toContain('No API tokens')
    expect(after.html).not.toContain('Sign out everywhere')
  })

  test('revoking one token stops it at once and leaves the others; audited with its name', async () => {
    const { user } = await p.member('member')
    const keep = await makeToken(p, user, 'keep')
    const drop = await makeToken(p, user, 'drop')
    await ada.get(`/admin/users/${user.id}/access`)
    const res = await ada.post(`/admin/users/${user.id}/tokens/${drop.token.id}/revoke`)
    expect(res.status).toBe(303)
    expect(await me(p, drop.secret)).toBe(401)
    expect(await me(p, keep.secret)).toBe(200)
    expect(await lastAudit(p, 'token.revoked_by_admin')).toMatchObject({ actorEmail: ADMIN.email, target: user.email, details: { id: drop.token.id, name: 'drop' } })
    expect((await ada.post(`/admin/users/${user.id}/tokens/${drop.token.id}/revoke`)).status).toBe(404)
  })

  test("another account's session or token id on this account's URL is 404 and touches nothing; unknown accounts and ids are 404", async () => {
    const { user: ana } = await p.member('member')
    const { user: bo, client: boClient } = await p.member('member')
    const boToken = await makeToken(p, bo, 'bo token')
    await ada.get(`/admin/users/${ana.id}/access`)
    const before = (await p.deps.identity.accounts.listAudit({ limit: 1 }))[0]!.id

    expect((await ada.post(`/admin/users/${ana.id}/sessions/${boClient.sessionId()}/revoke`)).status).toBe(404)
    expect((await ada.post(`/admin/users/${ana.id}/tokens/${boToken.token.id}/revoke`)).status).toBe(404)
    expect((await boClient.get('/account')).res.status).toBe(200)
    expect(await me(p, boToken.secret)).toBe(200)

    const unknown = '00000000-0000-7000-8000-000000000000'
    expect((await ada.get(`/admin/users/${unknown}/access`)).res.status).toBe(404)
    expect((await ada.post(`/admin/users/${unknown}/sessions/end`)).status).toBe(404)
    expect((await ada.post(`/admin/users/${unknown}/tokens/revoke`)).status).toBe(404)
    expect((await ada.post(`/admin/users/${ana.id}/sessions/${'x'.repeat(500)}/revoke`)).status).toBe(404)
    expect((await ada.post(`/admin/users/${ana.id}/tokens/nope/revoke`)).status).toBe(404)
    // nothing was audited
    expect((await p.deps.identity.accounts.listAudit({ limit: 1 }))[0]!.id).toBe(before)
  })

  test('non-admins get 403 (page and every action), anonymous is sent to sign in, no CSRF token is 403; nothing ends', async () => {
    const { user: target, client: targetClient } = await p.member('member')
    const token = await makeToken(p, target, 'target token')
    const { client: orgAdmin } = await p.member('admin')
    const { client: member } = await p.member('member')
    const posts = [`/sessions/${targetClient.sessionId()}/revoke`, '/sessions/end', `/tokens/${token.token.id}/revoke`, '/tokens/revoke'].map((rest) => `/admin/users/${target.id}${rest}`)
    for (const c of [orgAdmin, member]) {
      expect((await c.get(`/admin/users/${target.id}/access`)).res.status).toBe(403)
      for (const path of posts) expect((await c.post(path)).status).toBe(403)
    }
    const anon = p.client()
    const page = await anon.get(`/admin/users/${target.id}/access`)
    expect(page.res.status).toBe(303)
    expect(page.res.headers.get('location')).toStartWith('/login')
    await ada.get(`/admin/users/${target.id}/access`)
    for (const path of posts) expect((await ada.post(path, { _csrf: 'wrong' })).status).toBe(403)
    expect((await targetClient.get('/account')).res.status).toBe(200)
    expect(await me(p, token.secret)).toBe(200)
  })

  test("the admin's own account: the page points to the account pages and the actions are refused (409), the session stays", async () => {
    const self = p.admin!
    const { html } = await ada.get(`/admin/users/${self.id}/access`)
    expect(html).toContain('This is your own account')
    expect(html).toContain('href="/account/sessions"')
    expect(html).not.toContain('Sign out everywhere')
    expect(html).not.toContain(`/sessions/${ada.sessionId()}/revoke`)
    const res = await ada.post(`/admin/users/${self.id}/sessions/end`)
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('use your account pages')
    expect((await ada.post(`/admin/users/${self.id}/sessions/${ada.sessionId()}/revoke`)).status).toBe(409)
    expect((await ada.post(`/admin/users/${self.id}/tokens/revoke`)).status).toBe(409)
    expect((await ada.get('/admin/users')).res.status).toBe(200)
  })
})
