import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { limits } from '../auth/rate-limit.ts'
import { hashingPeak, HASH_CONCURRENCY } from '../auth/passwords.ts'
import { sha256 } from '../auth/crypto.ts'
import { SESSION_IDLE_MS } from '../auth/accounts.ts'
import { Elysia } from 'elysia'
import { definePlugin } from '../plugins/contract.ts'
import { guard } from './guard.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'

/** A plugin that tries to loosen the policy on its own answers. */
const loosener = definePlugin({
  id: 'fixture-loose-csp',
  name: 'Loose CSP',
  version: '1.0.0',
  api: 1,
  setup() {
    return new Elysia({ name: 'plugin:fixture-loose-csp' }).use(guard).get(
      '/fixture-loose-csp',
      () => new Response('<p>hi</p>', { headers: { 'content-type': 'text/html', 'content-security-policy': "script-src * 'unsafe-inline' 'unsafe-eval'", 'x-frame-options': 'ALLOWALL' } }),
      { public: true },
    )
  },
})

eachDialect('security', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [...fixturePlugins, loosener])
    await p.host.enable('fixture-loose-csp')
  })
  afterAll(() => p.stop())

  test('every answer carries CSP without inline script or eval, nosniff, referrer policy, no framing', async () => {
    for (const path of ['/login', '/healthz', '/api/v1/nope', '/public/app.css', '/fixture-loose-csp']) {
      const res = await fetch(p.url + path)
      if (path === '/fixture-loose-csp') expect(await res.text()).toBe('<p>hi</p>')
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).not.toContain('unsafe-eval')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      // a plugin cannot loosen the CSP or framing (its own CSP above is replaced)
      if (path !== '/fixture-loose-csp') expect(res.headers.get('referrer-policy')).toBe('same-origin')
    }
  })

  test('the session cookie: HttpOnly, SameSite=Lax, a new 256-bit token at each sign-in, only its hash stored', async () => {
    const c = p.client()
    await c.get('/login')
    const res = await c.post('/login', { email: ADMIN.email, password: ADMIN.password })
    expect(res.status).toBe(303)
    const set = res.headers.getSetCookie().find((x) => x.startsWith('sid='))!
    expect(set).toContain('HttpOnly')
    expect(set).toContain('SameSite=Lax')
    expect(set).not.toContain('Secure') // plain http on loopback
    const token = decodeURIComponent(c.cookies.get('sid')!)
    expect(Buffer.from(token, 'base64url').length).toBe(32)
    const { sessions } = p.deps.identity.accounts.t
    expect(await p.store.db.select().from(sessions).where(eq(sessions.id, token))).toHaveLength(0)
    expect(await p.store.db.select().from(sessions).where(eq(sessions.id, sha256(token)))).toHaveLength(1)
    const again = p.client()
    await again.signIn(ADMIN.email, ADMIN.password)
    expect(again.cookies.get('sid')).not.toBe(c.cookies.get('sid'))
  })

  test('without TRUST_PROXY, X-Forwarded-Proto and X-Forwarded-For mean nothing', async () => {
    const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }
    const c = p.client()
    const page = await c.get('/login', forged)
    expect(page.res.headers.getSetCookie().some((x) => x.startsWith('csrf=') && !x.includes('Secure'))).toBe(true)
    // the Origin a browser on https would send does not match this plain-http origin
    const host = new URL(p.url).host
    expect((await c.post('/login', { email: ADMIN.email, password: 'wrong password 1' }, { ...forged, origin: `https://${host}` })).status).toBe(403)
    limits.signInAddress.clear()
    for (let i = 0; i < 50; i++) limits.signInAddress.hit('203.0.113.9')
    const res = await c.post('/login', { email: 'nobody@example.com', password: 'wrong password 1' }, forged)
    expect(res.status).toBe(401) // the forged address is not the one limited
    const audit = await p.deps.identity.accounts.listAudit({ limit: 20 })
    expect(audit.find((a) => a.action === 'auth.sign_in_failed' && a.target === 'nobody@example.com')!.ip).toBe('127.0.0.1')
    limits.signInAddress.clear()
  })

  test('CSRF: unsafe requests without the token, with a wrong one, or from another origin are 403', async () => {
    const c = await p.adminClient()
    const good = c.csrf
    expect((await c.post('/logout', { _csrf: '' })).status).toBe(403)
    expect((await c.post('/logout', { _csrf: 'x'.repeat(good.length) })).status).toBe(403)
    expect((await c.post('/logout', {}, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await c.post('/logout', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await c.get('/search')).res.status).toBe(200) // still signed in
    expect((await c.post('/logout')).status).toBe(303)
    // anonymous forms need the CSRF cookie's token
    const anon = p.client()
    const noCookie = await anon.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${ADMIN.email}&password=x` })
    expect(noCookie.status).toBe(403)
  })

  test('Bearer tokens count on the JSON API only: the service token and an admin-scoped API token cannot drive /admin pages or forms', async () => {
    const { secret } = await p.deps.identity.tokens.create({ userId: p.admin!.id, orgId: p.org!.id, name: 'automation', permissions: [INSTANCE_ADMIN, 'fixture-notes.note.write'], expiresInDays: 7 })
    for (const bearer of [p.serviceAuth, `Bearer ${secret}`]) {
      const as = (path: string, init: RequestInit = {}) => fetch(p.url + path, { redirect: 'manual', ...init, headers: { authorization: bearer, ...(init.headers as Record<string, string>) } })
      const form = { 'content-type': 'application/x-www-form-urlencoded' }
      // the API takes it, unsafe methods too, with no CSRF token
      expect((await as('/api/v1/admin/plugins')).status).toBe(200)
      expect((await as('/api/v1/admin/plugins/fixture-notes/enable', { method: 'POST' })).status).toBe(200)
      // pages do not take it: the caller is anonymous there, told so with a 403
      const page = await as('/admin/users')
      expect(page.status).toBe(403)
      expect(await page.text()).toContain('API tokens work on /api/v1/ only')
      expect((await as('/healthz')).status).toBe(200) // public routes still answer
      // forms need the CSRF token whatever the header says
      const toggle = await as('/admin/plugins/fixture-notes/toggle', { method: 'POST', headers: form, body: '' })
      expect(toggle.status).toBe(403)
      const invite = await as('/admin/users/invite', { method: 'POST', headers: form, body: 'email=mallory%40example.com' })
      expect(invite.status).toBe(403)
      expect(p.host.describe('fixture-notes').status).toBe('enabled')
    }
    expect((await p.deps.identity.accounts.listAudit({ limit: 50 })).some((a) => a.target === 'mallory@example.com')).toBe(false)
    // an API token with a plugin scope posts to the plugin's API without a CSRF token
    const note = await fetch(`${p.url}/api/v1/fixture-notes/notes`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{"title":"by token"}' })
    expect(note.status).toBe(201)
    // a signed-in browser sending a stray Authorization header on a page is still itself
    const ada = await p.adminClient()
    expect((await ada.request('/admin/users', { headers: { authorization: 'Bearer junk' } })).status).toBe(200)
    const noCsrf = await ada.request('/admin/plugins/fixture-notes/toggle', { method: 'POST', headers: { authorization: p.serviceAuth, 'content-type': 'application/x-www-form-urlencoded' }, body: '' })
    expect(noCsrf.status).toBe(403)
    expect(p.host.describe('fixture-notes').status).toBe('enabled')
  })

  test('sign-out ends the session on the server: the old cookie no longer works', async () => {
    const c = await p.adminClient()
    const sid = c.cookies.get('sid')!
    await c.post('/logout')
    const replay = await fetch(`${p.url}/search`, { headers: { cookie: `sid=${sid}` }, redirect: 'manual' })
    expect(replay.status).toBe(303)
    expect(replay.headers.get('location')).toStartWith('/login')
  })

  test('idle and absolute expiry end sessions', async () => {
    const { sessions } = p.deps.identity.accounts.t
    const idle = await p.adminClient()
    const idleId = idle.sessionId()
    await p.store.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - SESSION_IDLE_MS - 1000) }).where(eq(sessions.id, idleId))
    p.deps.identity.accounts.changed() // this test writes the store directly, past the services that mark identity changes
    expect((await idle.get('/search')).res.status).toBe(303)
    const old = await p.adminClient()
    const oldId = old.sessionId()
    await p.store.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, oldId))
    p.deps.identity.accounts.changed()
    expect((await old.get('/search')).res.status).toBe(303)
  })

  test('sign-in: one message for unknown email and wrong password; 429 with Retry-After per account', async () => {
    limits.signInAccount.reset('victim@example.com')
    await p.deps.identity.accounts.createUser({ email: 'victim@example.com', name: 'Victim', password: 'victim password 1' })
    const c = p.client()
    await c.get('/login')
    const unknown = await (await c.post('/login', { email: 'nobody@example.com', password: 'whatever123' })).text()
    const wrong = await (await c.post('/login', { email: 'victim@example.com', password: 'whatever123' })).text()
    const message = 'The email or password is not right.'
    expect(unknown).toContain(message)
    expect(wrong).toContain(message)
    for (let i = 0; i < 9; i++) await c.post('/login', { email: 'victim@example.com', password: `wrong ${i} password` })
    const blocked = await c.post('/login', { email: 'victim@example.com', password: 'victim password 1' })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    const audit = await p.deps.identity.accounts.listAudit({ limit: 200 })
    expect(audit.filter((a) => a.action === 'auth.sign_in_failed' && a.target === 'victim@example.com').length).toBeGreaterThanOrEqual(10)
    limits.signInAccount.reset('victim@example.com')
  })

  test('a login storm hashes at most a few passwords at once', async () => {
    limits.signInAddress.reset('127.0.0.1')
    const c = p.client()
    await c.get('/login')
    const storm = Array.from({ length: 12 }, (_, i) => c.post('/login', { email: `storm${i}@example.com`, password: 'storm password 1' }))
    const statuses = (await Promise.all(storm)).map((r) => r.status)
    expect(statuses.every((s) => s === 401)).toBe(true)
    expect(hashingPeak()).toBeLessThanOrEqual(HASH_CONCURRENCY)
    limits.signInAddress.reset('127.0.0.1')
  })

  test('passwords: 8 to 256 characters', async () => {
    const { accounts } = p.deps.identity
    await expect(accounts.createUser({ email: 'short@example.com', name: 'S', password: 'seven77' })).rejects.toThrow('at least 8')
    await expect(accounts.createUser({ email: 'long@example.com', name: 'L', password: 'x'.repeat(257) })).rejects.toThrow('at most 256')
    const ok = await accounts.createUser({ email: 'ok@example.com', name: 'O', password: 'x'.repeat(256) })
    expect(ok.email).toBe('ok@example.com')
  })

  test('setup is gone once an account exists', async () => {
    const res = await fetch(`${p.url}/setup`)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('Setup is done')
  })
})

test('first run: every page leads to /setup; setup creates the admin and the organization and signs in', async () => {
  const p = await startPlatform('sqlite', fixturePlugins, {}, { setup: false })
  try {
    const c = p.client()
    const home = await c.request('/')
    expect(home.status).toBe(303)
    expect(home.headers.get('location')).toBe('/setup')
    const api = await fetch(`${p.url}/api/v1/fixture-notes/notes`)
    expect(api.status).toBe(503)
    const form = await c.get('/setup')
    expect(form.html).toContain('Set up Coder IDE')
    const bad = await c.post('/setup', { name: 'Ana <b>', email: 'not-an-email', password: 'short', org: '' })
    expect(bad.status).toBe(422)
    const badHtml = await bad.text()
    expect(badHtml).toContain('value="Ana <b>"') // kept; quoted attribute values escape " and &
    expect(badHtml).toContain('Enter an email address like ana@example.com.')
    expect(badHtml).toContain('>Use at least 8 characters.</small>')
    expect(badHtml).toContain('Enter the name of your organization.')
    const ok = await c.post('/setup', { name: 'Ana', email: 'ana@example.com', password: 'ana password 1', org: 'Acme Labs' })
    expect(ok.status).toBe(303)
    const page = await c.get('/')
    expect(page.html).toContain('Welcome, Ana')
    expect(page.html).toContain('Acme Labs')
    expect((await fetch(`${p.url}/setup`)).status).toBe(404)
  } finally {
    await p.stop()
  }
})

eachDialect('security behind a trusted proxy (TRUST_PROXY=on)', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins, { TRUST_PROXY: 'on' })
  })
  afterAll(() => p.stop())

  test('over https (X-Forwarded-Proto) the cookies are __Host- prefixed and Secure, and https origins pass', async () => {
    const c = p.client()
    const https = { 'x-forwarded-proto': 'https', origin: `https://${new URL(p.url).host}` }
    const page = await c.get('/login', { 'x-forwarded-proto': 'https' })
    expect(page.res.headers.getSetCookie().some((x) => x.startsWith('__Host-csrf=') && x.includes('Secure'))).toBe(true)
    const res = await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, https)
    expect(res.status).toBe(303)
    const set = res.headers.getSetCookie().find((x) => x.startsWith('__Host-sid='))!
    expect(set).toContain('Secure')
    expect(set).toContain('Path=/')
    expect(set).not.toContain('Domain')
    // plain http through the same proxy: no prefix, no Secure
    const plain = await p.client().get('/login', { 'x-forwarded-proto': 'http' })
    expect(plain.res.headers.getSetCookie().some((x) => x.startsWith('csrf=') && !x.includes('Secure'))).toBe(true)
  })

  test('the client address is the right-most X-Forwarded-For entry: audit says it, rate limits count it, forged entries to its left do not count', async () => {
    limits.signInAddress.clear()
    const c = p.client()
    await c.get('/login')
    const from = (chain: string) => ({ 'x-forwarded-for': chain })
    expect((await c.post('/login', { email: 'nobody@example.com', password: 'wrong password 1' }, from('10.9.9.9, 198.51.100.23'))).status).toBe(401)
    const audit = await p.deps.identity.accounts.listAudit({ limit: 20 })
    expect(audit.find((a) => a.action === 'auth.sign_in_failed' && a.target === 'nobody@example.com')!.ip).toBe('198.51.100.23')

    for (let i = 0; i < 50; i++) limits.signInAddress.hit('198.51.100.23')
    const blocked = await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, from('198.51.100.23'))
    expect(blocked.status).toBe(429)
    // a client cannot escape by putting another address in front: the proxy's entry is the right-most
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, from('192.0.2.1, 198.51.100.23'))).status).toBe(429)
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, from('198.51.100.24'))).status).toBe(303)
    limits.signInAddress.clear()
  })

  test('IPv6 clients count by their /64 in the per-address limits (sign-in, two-factor, invitations); audit keeps the full address', async () => {
    limits.signInAddress.clear()
    const c = p.client()
    await c.get('/login')
    const from = (address: string) => ({ 'x-forwarded-for': address })
    expect((await c.post('/login', { email: 'nobody6@example.com', password: 'wrong password 1' }, from('2001:db8:1:2::17'))).status).toBe(401)
    const audit = await p.deps.identity.accounts.listAudit({ limit: 20 })
    expect(audit.find((a) => a.action === 'auth.sign_in_failed' && a.target === 'nobody6@example.com')!.ip).toBe('2001:db8:1:2::17')
    for (let i = 0; i < 50; i++) limits.signInAddress.hit('2001:db8:1:2::/64')
    // another address of the same /64 is the same client; the next /64 is not
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, from('2001:db8:1:2:ffff::1'))).status).toBe(429)
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, from('2001:db8:1:3::1'))).status).toBe(303)
    limits.signInAddress.clear()
  })
})

eachDialect('security with PUBLIC_URL behind a proxy that does not pass Host on', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins, { PUBLIC_URL: 'https://ide.example.com' })
  })
  afterAll(() => p.stop())

  test("CSRF: the Origin may be PUBLIC_URL's as well as the Host header's; any other origin is still 403", async () => {
    // The Host header names the upstream address (what the proxy connected to), the Origin the public one.
    const c = p.client()
    await c.get('/login')
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, { origin: 'http://ide.example.com' })).status).toBe(403)
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, { origin: 'https://ide.example.com' })).status).toBe(303)
    await c.get('/search')
    expect((await c.post('/logout', {}, { origin: 'https://ide.example.com' })).status).toBe(303)
    // the Host header's own origin still passes (the instance reached directly)
    const direct = p.client()
    await direct.get('/login')
    expect((await direct.post('/login', { email: ADMIN.email, password: ADMIN.password }, { origin: new URL(p.url).origin })).status).toBe(303)
  })
})

test('CSRF without PUBLIC_URL: an origin that is not the Host header\'s is refused, whatever it is', async () => {
  const p = await startPlatform('sqlite', fixturePlugins)
  try {
    const c = p.client()
    await c.get('/login')
    expect((await c.post('/login', { email: ADMIN.email, password: ADMIN.password }, { origin: 'https://ide.example.com' })).status).toBe(403)
  } finally {
    await p.stop()
  }
})
