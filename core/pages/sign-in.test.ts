import { afterAll, beforeAll, expect, spyOn, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import type { Client } from '../../test/helpers/client.ts'
import { limits } from '../auth/rate-limit.ts'
import { currentCode } from '../auth/two-factor.ts'

/** Every request in these tests comes from the loopback address. */
const IP = '127.0.0.1'
const PASSWORD = 'two factor password 1'

eachDialect('sign-in', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  /** A user with two-factor sign-in on (through the services); returns the TOTP secret. */
  const twoFactorUser = async (email: string) => {
    const { accounts, twoFactor } = p.deps.identity
    const user = await accounts.createUser({ email, name: 'Tess', password: PASSWORD })
    const { secret } = await twoFactor.begin(user.id)
    const codes = await twoFactor.confirm(user.id, currentCode(secret))
    return { user, secret, codes }
  }

  /** The password step: the client then holds the pending (mfa) session. */
  const passwordStep = async (c: Client, email: string) => {
    await c.get('/login')
    const res = await c.post('/login', { email, password: PASSWORD, next: '/' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toStartWith('/login/2fa')
    await c.get('/login/2fa')
  }

  /** A code that is certainly wrong now. */
  const wrongCode = (secret: string) => (['000000', '111111', '222222'].find((c) => c !== currentCode(secret) && c !== currentCode(secret, 1) && c !== currentCode(secret, -1)))!

  /** `next` values a browser would take to another site (the tab and newline are dropped by browsers, the backslash is a slash). */
  const HOSTILE = ['/\t/evil.com', '/\n/evil.com', '/\r\n/evil.com', '//evil.com', '/\\evil.com', '/\\/evil.com', '\\\\evil.com', 'https://evil.com/', 'http:/evil.com', '/x\\..\\\\evil.com', ' //evil.com', '\x00//evil.com', '/\x7f/evil.com']

  test('next: hostile values lead to / on GET /login (signed in), POST /login and the two-factor step; local paths are kept', async () => {
    const ada = await p.adminClient()
    for (const next of HOSTILE) {
      const res = await ada.request(`/login?next=${encodeURIComponent(next)}`)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe('/')
    }
    expect((await ada.request('/login?next=/%09/evil.com')).headers.get('location')).toBe('/')
    expect((await ada.request(`/login?next=${encodeURIComponent('/orgs/members?x=1#top')}`)).headers.get('location')).toBe('/orgs/members?x=1#top')
    // beyond ASCII: percent-encoded, never a 500 (a header cannot carry it as typed)
    const unicode = await ada.request(`/login?next=${encodeURIComponent('/search?q=✓ café')}`)
    expect(unicode.status).toBe(303)
    expect(unicode.headers.get('location')).toBe('/search?q=%E2%9C%93%20caf%C3%A9')
    expect((await ada.request(`/login?next=${encodeURIComponent('/..//evil.com/✓')}`)).headers.get('location')).toBe('/')

    const anon = p.client()
    const { html } = await anon.get('/login?next=/%09/evil.com')
    expect(html).toContain('name="next" value="/"')
    for (const next of HOSTILE) {
      const c = p.client()
      await c.get('/login')
      const res = await c.post('/login', { email: ADMIN.email, password: ADMIN.password, next })
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe('/')
    }
    const kept = p.client()
    await kept.get('/login')
    expect((await kept.post('/login', { email: ADMIN.email, password: ADMIN.password, next: '/account' })).headers.get('location')).toBe('/account')

    const { user, codes } = await twoFactorUser('tess-next@example.com')
    for (const [i, next] of ['/\t/evil.com', '/\\evil.com', '//evil.com'].entries()) {
      const c = p.client()
      await c.get('/login')
      const step = await c.post('/login', { email: user.email, password: PASSWORD, next })
      expect(step.headers.get('location')).toBe('/login/2fa?next=%2F')
      const form = await c.get(`/login/2fa?next=${encodeURIComponent(next)}`)
      expect(form.html).toContain('name="next" value="/"')
      const done = await c.post('/login/2fa', { code: codes[i]!, next })
      expect(done.status).toBe(303)
      expect(done.headers.get('location')).toBe('/')
    }
  })

  test('a recovery code works once even when two sign-ins send it at the same moment; different codes at once both work', async () => {
    limits.twoFactorAddress.reset(IP)
    const { user, codes } = await twoFactorUser('tess-race@example.com')
    const atCodeStep = async () => {
      const c = p.client()
      await passwordStep(c, user.email)
      return c
    }
    const [a, b] = await Promise.all([atCodeStep(), atCodeStep()])
    const answers = await Promise.all([a, b].map((c) => c.post('/login/2fa', { code: codes[0]!, next: '/' })))
    expect(answers.map((r) => r.status).sort()).toEqual([303, 401])
    expect(await p.deps.identity.twoFactor.recoveryLeft(user.id)).toBe(9)

    // the service, many at once: one use of a code; two different codes both count
    const { twoFactor } = p.deps.identity
    const same = await Promise.all(Array.from({ length: 5 }, () => twoFactor.verify(user.id, codes[1]!)))
    expect(same.filter((r) => r === 'recovery').length).toBe(1)
    const different = await Promise.all([codes[2]!, codes[3]!, codes[4]!].map((c) => twoFactor.verify(user.id, c)))
    expect(different).toEqual(['recovery', 'recovery', 'recovery'])
    expect(await twoFactor.recoveryLeft(user.id)).toBe(5)
    expect(await twoFactor.verify(user.id, codes[3]!)).toBe(false)
  })

  test('a burst of 30 parallel wrong sign-ins for one account: at most the limit reach a password check (401), the rest are 429 with Retry-After', async () => {
    limits.signInAddress.reset(IP)
    const { accounts } = p.deps.identity
    const email = 'burst@example.com'
    await accounts.createUser({ email, name: 'Burst', password: PASSWORD })
    const clients = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const c = p.client()
        await c.get('/login')
        return c
      }),
    )
    const answers = await Promise.all(clients.map((c) => c.post('/login', { email, password: 'not the password 1', next: '/' })))
    const statuses = answers.map((r) => r.status)
    const checked = statuses.filter((s) => s === 401).length
    expect(checked).toBeLessThanOrEqual(limits.signInAccountAddress.limit)
    expect(checked + statuses.filter((s) => s === 429).length).toBe(30)
    for (const r of answers.filter((r) => r.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    const failed = (await accounts.listAudit({ action: 'auth.sign_in_failed', limit: 200 })).filter((a) => a.target === email)
    expect(failed.length).toBe(checked)
    // now even the right password waits
    const right = p.client()
    await right.get('/login')
    expect((await right.post('/login', { email, password: PASSWORD })).status).toBe(429)
    limits.signInAddress.reset(IP)
  })

  test('a right password gives its attempt back: with two-factor pending, right passwords do not use up the account’s limit', async () => {
    limits.signInAddress.reset(IP)
    const { user } = await twoFactorUser('giveback@example.com')
    const c = p.client()
    await c.get('/login')
    for (let i = 0; i < limits.signInAccountAddress.limit - 1; i++) expect((await c.post('/login', { email: user.email, password: 'wrong password 1' })).status).toBe(401)
    for (let i = 0; i < 3; i++) {
      const step = p.client()
      await step.get('/login')
      expect((await step.post('/login', { email: user.email, password: PASSWORD, next: '/' })).headers.get('location')).toStartWith('/login/2fa')
    }
    expect((await c.post('/login', { email: user.email, password: 'wrong password 1' })).status).toBe(401) // the 10th failure
    expect((await c.post('/login', { email: user.email, password: 'wrong password 1' })).status).toBe(429)
    limits.signInAddress.reset(IP)
  })

  test('an email over 254 or a password over 256 characters: the same 401 as a wrong password, before any hash, count or audit entry', async () => {
    limits.signInAddress.reset(IP)
    const { accounts } = p.deps.identity
    const auditBefore = (await accounts.listAudit({ limit: 200 })).length
    const longEmail = `${'a'.repeat(250)}@example.com`
    const verify = spyOn(Bun.password, 'verify')
    const hash = spyOn(Bun.password, 'hash')
    try {
      const c = p.client()
      await c.get('/login')
      for (const fields of [
        { email: longEmail, password: PASSWORD },
        { email: ADMIN.email, password: 'x'.repeat(257) },
        { email: ADMIN.email, password: `${ADMIN.password}${'x'.repeat(300)}` },
        { email: 'b'.repeat(100_000), password: 'y'.repeat(100_000) },
      ]) {
        const res = await c.post('/login', { ...fields, next: '/' })
        expect(res.status).toBe(401)
        const html = await res.text()
        expect(html).toContain('The email or password is not right.')
        expect(html).not.toContain('aaaaaaaaaa')
        expect(html).not.toContain('bbbbbbbbbb')
      }
      expect(verify).not.toHaveBeenCalled()
      expect(hash).not.toHaveBeenCalled()
    } finally {
      verify.mockRestore()
      hash.mockRestore()
    }
    expect((await accounts.listAudit({ limit: 200 })).length).toBe(auditBefore)
    expect(limits.signInAccount.check(ADMIN.email).ok).toBe(true)
    // the service refuses them the same way, whoever calls it
    expect(await accounts.checkPassword(longEmail, PASSWORD)).toBeUndefined()
    expect(await accounts.checkPassword(ADMIN.email, 'x'.repeat(257))).toBeUndefined()
    // 254 and 256 are still checked: the right password of a 256-character account signs in
    const edge = `${'e'.repeat(242)}@example.com`
    expect(edge.length).toBe(254)
    await accounts.createUser({ email: edge, name: 'Edge', password: 'p'.repeat(256) })
    expect((await p.client().signIn(edge, 'p'.repeat(256))).status).toBe(303)
  })

  test(
    'sign-in per address: 50 failures from one address, each for another account, then 429 with Retry-After even for the right password',
    async () => {
      limits.signInAddress.reset(IP)
      const c = p.client()
      await c.get('/login')
      for (let batch = 0; batch < limits.signInAddress.limit; batch += 10) {
        const round = Array.from({ length: 10 }, (_, i) => c.post('/login', { email: `spray-${batch + i}@example.com`, password: 'sprayed password 1' }))
        expect((await Promise.all(round)).map((r) => r.status)).toEqual(Array(10).fill(401))
      }
      // the admin's account has no failures of its own: only the address is used up
      expect(limits.signInAccount.check(ADMIN.email).ok).toBe(true)
      const blocked = await c.post('/login', { email: ADMIN.email, password: ADMIN.password })
      expect(blocked.status).toBe(429)
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
      const text = await blocked.text()
      expect(text).toContain('from your address')
      expect(c.cookies.has('sid')).toBe(false)
      // another client on the same address is blocked too: the limit is the address, not the cookie jar
      const other = p.client()
      await other.get('/login')
      expect((await other.post('/login', { email: ADMIN.email, password: ADMIN.password })).status).toBe(429)
      limits.signInAddress.reset(IP)
      expect((await other.post('/login', { email: ADMIN.email, password: ADMIN.password })).status).toBe(303)
    },
    60_000,
  )

  test('two-factor per address: wrong codes from one address (any account) count; past the limit even the right code is 429', async () => {
    limits.twoFactorAddress.reset(IP)
    const { user, secret } = await twoFactorUser('tess-limit@example.com')
    const c = p.client()
    await passwordStep(c, user.email)
    // earlier wrong codes from this address, for other accounts
    for (let i = 0; i < limits.twoFactorAddress.limit - 1; i++) limits.twoFactorAddress.hit(IP)
    expect((await c.post('/login/2fa', { code: wrongCode(secret), next: '/' })).status).toBe(401) // the last one allowed, counted
    const blocked = await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await blocked.text()).toContain('from your address')
    expect((await c.request('/account')).status).toBe(303) // not signed in
    // the account's own limit is far from used up (2 of 5): the address is what stopped it
    expect(limits.twoFactor.check(user.id).ok).toBe(true)
    limits.twoFactorAddress.reset(IP)
    const done = await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' })
    expect(done.status).toBe(303)
    expect((await c.get('/account')).res.status).toBe(200)
  })

  test('audit: auth.sign_in and auth.two_factor_failed carry the client address of the real request', async () => {
    limits.signInAddress.reset(IP)
    limits.twoFactorAddress.reset(IP)
    const { accounts } = p.deps.identity
    const c = p.client()
    expect((await c.signIn(ADMIN.email, ADMIN.password)).status).toBe(303)
    const signIn = (await accounts.listAudit({ action: 'auth.sign_in', limit: 200 })).find((a) => a.action === 'auth.sign_in' && a.target === ADMIN.email)!
    expect(signIn).toBeDefined()
    expect(signIn.ip).toBe(IP)
    expect(signIn.actorEmail).toBe(ADMIN.email)
    expect(signIn.details).toEqual({ method: 'password' })

    const { user, secret } = await twoFactorUser('tess-audit@example.com')
    const t = p.client()
    await passwordStep(t, user.email)
    expect((await t.post('/login/2fa', { code: wrongCode(secret), next: '/' })).status).toBe(401)
    const failed = (await accounts.listAudit({ action: 'auth.two_factor_failed', limit: 200 })).find((a) => a.target === user.email)!
    expect(failed).toBeDefined()
    expect(failed.action).toBe('auth.two_factor_failed')
    expect(failed.ip).toBe(IP)
    expect(failed.actorId).toBe(user.id)
    expect((await t.post('/login/2fa', { code: currentCode(secret, 1), next: '/' })).status).toBe(303)
    const twoFactorSignIn = (await accounts.listAudit({ action: 'auth.sign_in', limit: 200 })).find((a) => a.action === 'auth.sign_in' && a.target === user.email)!
    expect(twoFactorSignIn.ip).toBe(IP)
    expect(twoFactorSignIn.details).toEqual({ method: 'password+totp' })
  })
})
