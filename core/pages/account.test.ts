import { afterAll, beforeAll, expect, spyOn, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { Client } from '../../test/helpers/client.ts'
import { currentCode } from '../auth/two-factor.ts'
import { sha256 } from '../auth/crypto.ts'
import { eq } from 'drizzle-orm'
import { TOKEN_MAX_DAYS } from '../auth/tokens.ts'
import { SESSION_IDLE_MS } from '../auth/accounts.ts'

const PASSWORD = 'member password 1'

/** Signs in through the password step only (two-factor users stop at /login/2fa). */
async function passwordStep(c: Client, email: string, password: string): Promise<Response> {
  await c.get('/login')
  return c.post('/login', { email, password, next: '/' })
}

eachDialect('account pages', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  const actions = async () => (await p.deps.identity.accounts.listAudit({ limit: 200 })).map((a) => a.action)

  test('anonymous visitors are sent to sign in; API tokens cannot use the account pages', async () => {
    const res = await p.client().request('/account')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Faccount')
    const { user } = await p.member('member')
    const { secret } = await p.deps.identity.tokens.create({ userId: user.id, orgId: p.org!.id, name: 't', permissions: ['core.members.read'], expiresInDays: 30 })
    const viaToken = await fetch(`${p.url}/account/tokens`, { headers: { authorization: `Bearer ${secret}` } })
    expect(viaToken.status).toBe(403)
  })

  test('profile: tabs, email, organizations with role, two-factor status; renaming escapes and validates', async () => {
    const { user, client } = await p.member('member')
    const { res, html } = await client.get('/account')
    expect(res.status).toBe(200)
    expect(html).toContain('<ul class="tabs"')
    expect(html).toMatch(/<a href="\/account" aria-current="page">Profile<\/a>/)
    expect(html).toContain(user.email)
    expect(html).toContain('Acme')
    expect(html.toLowerCase()).toContain('member')
    expect(html).toContain('Off')
    const tabs = await client.get('/account/tokens')
    expect(tabs.html).toMatch(/<a href="\/account\/tokens" aria-current="page">API tokens<\/a>/)
    expect(tabs.html).not.toMatch(/<a href="\/account" aria-current="page">/)

    const empty = await client.post('/account', { name: '   ' })
    expect(empty.status).toBe(422)
    const emptyHtml = await empty.text()
    expect(emptyHtml).toContain('field-error')
    const renamed = await client.post('/account', { name: '<b>Bob</b> "q"' })
    expect(renamed.status).toBe(303)
    const after = await client.get('/account')
    expect(after.html).toContain('&lt;b&gt;Bob&lt;/b&gt;')
    expect(after.html).toContain('&#34;q&#34;') // the quote cannot leave the input's value attribute
    expect(after.html.replace(/="[^"]*"/g, '=""')).not.toContain('<b>Bob</b>') // text is escaped; attribute values are quoted
    expect((await p.deps.identity.accounts.getUser(user.id))!.name).toBe('<b>Bob</b> "q"')
    expect(await actions()).toContain('user.renamed')
  })

  test('password change: other sessions end, this one stays; new password works, old fails; wrong current is 422', async () => {
    const { user, client: a } = await p.member('member')
    const b = p.client()
    expect((await b.signIn(user.email, PASSWORD)).status).toBe(303)
    expect((await b.get('/account')).res.status).toBe(200)

    await a.get('/account/password')
    const wrong = await a.post('/account/password', { current: 'not my password', password: 'a new password 2' })
    expect(wrong.status).toBe(422)
    const wrongHtml = await wrong.text()
    expect(wrongHtml).toContain('The current password is not right.')
    expect(wrongHtml).toContain('id="f-current-error"')
    expect(wrongHtml).toContain('action="/account/password"')
    const short = await a.post('/account/password', { current: PASSWORD, password: 'short' })
    expect(short.status).toBe(422)
    expect(await short.text()).toContain('id="f-password-error"')

    const ok = await a.post('/account/password', { current: PASSWORD, password: 'a new password 2' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/account/password')
    const gone = await b.request('/account')
    expect(gone.status).toBe(303)
    expect(gone.headers.get('location')!.startsWith('/login')).toBe(true)
    expect((await a.get('/account')).res.status).toBe(200)

    const fresh = p.client()
    const signedIn = await fresh.signIn(user.email, 'a new password 2')
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe('/')
    expect((await p.client().signIn(user.email, PASSWORD)).status).toBe(401)
    expect(await actions()).toContain('auth.password_changed')
  })

  test('sessions: both listed, the other one revoked, another user’s session is 404, revoking this one signs out', async () => {
    const { user, client: a } = await p.member('member')
    const b = p.client()
    await b.signIn(user.email, PASSWORD)
    const { html } = await a.get('/account/sessions')
    expect(html.match(/\/account\/sessions\/[0-9a-f]+\/revoke/g)?.length).toBe(2)
    expect(html.match(/This device/g)?.length).toBe(1)
    expect(html).toContain(`/account/sessions/${a.sessionId()}/revoke`)
    expect(html).toContain(`/account/sessions/${b.sessionId()}/revoke`)

    const { client: stranger } = await p.member('member')
    const theirs = await a.post(`/account/sessions/${stranger.sessionId()}/revoke`)
    expect(theirs.status).toBe(404)
    expect((await stranger.get('/account')).res.status).toBe(200)
    expect((await a.post('/account/sessions/nope/revoke')).status).toBe(404)

    const revoked = await a.post(`/account/sessions/${b.sessionId()}/revoke`)
    expect(revoked.status).toBe(303)
    expect((await b.request('/account')).status).toBe(303)
    const list = await a.get('/account/sessions')
    expect(list.html.match(/\/account\/sessions\/[0-9a-f]+\/revoke/g)?.length).toBe(1)

    const self = await a.post(`/account/sessions/${a.sessionId()}/revoke`)
    expect(self.status).toBe(303)
    expect(self.headers.get('location')).toBe('/login')
    expect((await a.request('/account')).status).toBe(303)
    expect(await actions()).toContain('auth.session_revoked')
  })

  test('sessions: one idle past the idle limit is neither listed nor kept by pruning, like an expired one', async () => {
    const { user, client } = await p.member('member')
    const { accounts } = p.deps.identity
    const s = accounts.t.sessions
    const idle = await accounts.createSession(user.id, { ip: '192.0.2.1', userAgent: 'Idle browser' })
    const expired = await accounts.createSession(user.id, { ip: '192.0.2.2', userAgent: 'Expired browser' })
    const recent = await accounts.createSession(user.id, { ip: '192.0.2.3', userAgent: 'Recent browser' })
    const longAgo = new Date(Date.now() - SESSION_IDLE_MS - 60_000)
    await p.store.db.update(s).set({ lastSeenAt: longAgo, createdAt: longAgo }).where(eq(s.id, idle.id))
    await p.store.db.update(s).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(s.id, expired.id))
    await p.store.db.update(s).set({ lastSeenAt: new Date(Date.now() - SESSION_IDLE_MS + 3600_000) }).where(eq(s.id, recent.id))

    const { html } = await client.get('/account/sessions')
    expect(html).not.toContain('Idle browser')
    expect(html).not.toContain('Expired browser')
    expect(html).toContain('Recent browser')
    expect(html.match(/\/account\/sessions\/[0-9a-f]+\/revoke/g)?.length).toBe(2) // this one and the recent one
    expect((await accounts.listSessions(user.id)).map((x) => x.userAgent)).not.toContain('Idle browser')

    await accounts.pruneSessions()
    const left = (await p.store.db.select().from(s).where(eq(s.userId, user.id))).map((x) => x.id)
    expect(left).not.toContain(idle.id)
    expect(left).not.toContain(expired.id)
    expect(left).toContain(recent.id)
    expect(left).toContain(client.sessionId())
    expect((await client.get('/account')).res.status).toBe(200)
  })

  /** Turns two-factor on for a fresh member through the pages; returns the secret and recovery codes. */
  async function enroll() {
    const { user, client } = await p.member('member')
    await client.get('/account/2fa')
    const begun = await client.post('/account/2fa/begin')
    expect(begun.status).toBe(200)
    const page = await begun.text()
    expect(page).toContain('<svg')
    const secret = /id="totp-secret" class="secret">([A-Z2-7]+)</.exec(page)?.[1]
    expect(secret).toBeTruthy()
    const wrongCode = currentCode(secret!) === '000000' ? '111111' : '000000'
    const wrong = await client.post('/account/2fa/confirm', { code: wrongCode, password: PASSWORD })
    expect(wrong.status).toBe(422)
    const again = await wrong.text()
    expect(again).toContain('<svg')
    expect(again).toContain(secret!)
    expect(again).toContain('id="f-code-error"')
    const confirmed = await client.post('/account/2fa/confirm', { code: currentCode(secret!), password: PASSWORD })
    expect(confirmed.status).toBe(200)
    const codes = [...(await confirmed.text()).matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1]!)
    expect(codes.length).toBe(10)
    const status = await client.get('/account/2fa')
    expect(status.html).toContain('10 recovery codes left')
    expect(status.html).not.toContain(codes[0]!)
    return { user, client, secret: secret!, codes }
  }

  test('two-factor: enroll, then sign-in needs a code; TOTP works, a recovery code works once', async () => {
    const { user, codes, secret } = await enroll()
    expect(await actions()).toContain('auth.two_factor_enabled')

    const c = p.client()
    const step = await passwordStep(c, user.email, PASSWORD)
    expect(step.status).toBe(303)
    expect(step.headers.get('location')!.startsWith('/login/2fa')).toBe(true)
    const blocked = await c.request('/')
    expect(blocked.status).toBe(303)
    expect(blocked.headers.get('location')!.startsWith('/login')).toBe(true)
    expect((await c.request('/account')).status).toBe(303)
    await c.get('/login/2fa')
    // the code used to confirm enrollment cannot be replayed; the app's next code (within the window) works
    const replayed = await c.post('/login/2fa', { code: currentCode(secret), next: '/' })
    expect(replayed.status).toBe(401)
    const done = await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' })
    expect(done.status).toBe(303)
    expect((await c.get('/account')).res.status).toBe(200)

    const r = p.client()
    await passwordStep(r, user.email, PASSWORD)
    await r.get('/login/2fa')
    expect((await r.post('/login/2fa', { code: codes[0]!, next: '/' })).status).toBe(303)
    expect((await r.get('/account')).res.status).toBe(200)
    expect((await r.get('/account/2fa')).html).toContain('9 recovery codes left')

    const twice = p.client()
    await passwordStep(twice, user.email, PASSWORD)
    await twice.get('/login/2fa')
    expect((await twice.post('/login/2fa', { code: codes[0]!, next: '/' })).status).toBe(401)
    expect((await twice.request('/account')).status).toBe(303)
  })

  test('two-factor: turning it on asks for the password again; a session without it (stolen) cannot turn it on', async () => {
    const { user, client } = await p.member('member')
    await client.get('/account/2fa')
    const form = await client.post('/account/2fa/begin')
    const page = await form.text()
    expect(page).toMatch(/<form method="post" action="\/account\/2fa\/confirm"[^]*name="password" type="password" required autocomplete="current-password"/)
    const secret = /id="totp-secret" class="secret">([A-Z2-7]+)</.exec(page)![1]!
    for (const fields of [{ code: currentCode(secret) } as Record<string, string>, { code: currentCode(secret), password: '' }, { code: currentCode(secret), password: 'not my password' }, { code: currentCode(secret), password: 'x'.repeat(257) }]) {
      const refused = await client.post('/account/2fa/confirm', fields)
      expect(refused.status).toBe(422)
      const html = await refused.text()
      expect(html).toContain('id="f-password-error"')
      expect(html).toContain(secret) // the enrollment stays
      expect((await p.deps.identity.accounts.getUser(user.id))!.totpEnabled).toBe(false)
    }
    const enabled = async () => (await p.deps.identity.accounts.listAudit({ action: 'auth.two_factor_enabled', limit: 200 })).filter((a) => a.target === user.email).length
    expect(await enabled()).toBe(0)
    // the code was not used up by the refused attempts
    const on = await client.post('/account/2fa/confirm', { code: currentCode(secret), password: PASSWORD })
    expect(on.status).toBe(200)
    expect((await p.deps.identity.accounts.getUser(user.id))!.totpEnabled).toBe(true)
    expect(await enabled()).toBe(1)
  })

  test('password gate: 30 parallel wrong passwords (change password, turn two-factor off) reach at most the limit of checks, the rest 429 with Retry-After', async () => {
    const { user, client } = await enroll()
    await client.get('/account/password')
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 ? client.post('/account/password', { current: 'not my password', password: 'a new password 3' }) : client.post('/account/2fa/disable', { password: 'not my password' }),
      ),
    )
    const statuses = answers.map((r) => r.status)
    const checked = statuses.filter((s) => s === 422).length
    expect(checked).toBeLessThanOrEqual(10)
    expect(checked + statuses.filter((s) => s === 429).length).toBe(30)
    for (const r of answers.filter((r) => r.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    // used up: even the right password waits, for both routes and for sign-in
    expect((await client.post('/account/2fa/disable', { password: PASSWORD })).status).toBe(429)
    const limited = await client.post('/account/password', { current: PASSWORD, password: 'a new password 3' })
    expect(limited.status).toBe(429)
    expect(await limited.text()).toContain('Too many wrong passwords for this account. Try again in about 15 minutes.') // in words, not 900 seconds
    expect((await p.deps.identity.accounts.getUser(user.id))!.totpEnabled).toBe(true)
  })

  test('password gate: passwords over 256 characters are wrong without a hash; a right password gives its attempt back', async () => {
    const { user, client } = await enroll()
    await client.get('/account/password')
    const verify = spyOn(Bun.password, 'verify')
    try {
      for (const [path, fields, field] of [
        ['/account/password', { current: 'x'.repeat(257), password: 'a new password 3' }, 'current'],
        ['/account/2fa/disable', { password: 'x'.repeat(257) }, 'password'],
      ] as const) {
        const res = await client.post(path, fields)
        expect(res.status).toBe(422)
        expect(await res.text()).toContain(`id="f-${field}-error"`)
      }
      expect(verify).not.toHaveBeenCalled()
    } finally {
      verify.mockRestore()
    }
    // 2 wrong so far (over-long passwords are wrong guesses too), 7 more make 9
    for (let i = 0; i < 7; i++) expect((await client.post('/account/password', { current: 'not my password', password: 'a new password 3' })).status).toBe(422)
    // a right current password with a refused new one is checked and given back (twice, so a leak would show)
    for (let i = 0; i < 2; i++) {
      const short = await client.post('/account/password', { current: PASSWORD, password: 'short' })
      expect(short.status).toBe(422)
      expect(await short.text()).toContain('id="f-password-error"')
    }
    expect((await client.post('/account/2fa/disable', { password: 'not my password' })).status).toBe(422) // the 10th wrong one
    expect((await client.post('/account/2fa/disable', { password: PASSWORD })).status).toBe(429)
    expect((await p.deps.identity.accounts.getUser(user.id))!.totpEnabled).toBe(true)
  })

  test('two-factor: the 6th wrong code answers 429 with Retry-After', async () => {
    const { user, secret } = await enroll()
    const c = p.client()
    await passwordStep(c, user.email, PASSWORD)
    await c.get('/login/2fa')
    const wrongCode = currentCode(secret) === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++) expect((await c.post('/login/2fa', { code: wrongCode, next: '/' })).status).toBe(401)
    const limited = await c.post('/login/2fa', { code: currentCode(secret), next: '/' })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  test('two-factor: turning it off needs the right password', async () => {
    const { user, client } = await enroll()
    const wrong = await client.post('/account/2fa/disable', { password: 'not my password' })
    expect(wrong.status).toBe(422)
    expect(await wrong.text()).toContain('id="f-password-error"')
    expect((await client.post('/account/2fa/disable', {})).status).toBe(422)
    expect((await p.deps.identity.accounts.getUser(user.id))!.totpEnabled).toBe(true)
    const off = await client.post('/account/2fa/disable', { password: PASSWORD })
    expect(off.status).toBe(303)
    expect((await p.deps.identity.accounts.getUser(user.id))!.totpEnabled).toBe(false)
    expect(await actions()).toContain('auth.two_factor_disabled')
    const c = p.client()
    expect((await c.signIn(user.email, PASSWORD)).headers.get('location')).toBe('/')
  })

  test('two-factor: confirming without beginning, or beginning twice, is a 4xx', async () => {
    const { client } = await p.member('member')
    await client.get('/account/2fa')
    expect((await client.post('/account/2fa/confirm', { code: '123456' })).status).toBe(409)
    expect((await client.post('/account/2fa/confirm', { code: '123456', password: PASSWORD })).status).toBe(409)
    const { client: on } = await enroll()
    expect((await on.post('/account/2fa/begin')).status).toBe(409)
  })

  test('API tokens: the secret is shown once, scopes are enforced, revoking ends the token', async () => {
    const ada = await p.adminClient()
    const { html: form } = await ada.get('/account/tokens')
    expect(form).toContain('value="core.instance.admin"')
    expect(form).toContain('value="fixture-notes.note.write"')
    const created = await ada.post('/account/tokens', { name: 'CI <admin>', permissions: ['core.instance.admin'], expires: '30', current: ADMIN.password })
    expect(created.status).toBe(200)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const page = await created.text()
    const secret = /id="token-secret" class="secret">(cit_[^<]+)</.exec(page)?.[1]
    expect(secret).toBeTruthy()
    expect(page).toContain('data-copy="#token-secret"')
    expect(page).toContain('CI &lt;admin&gt;')

    const plugins = (auth: string) => fetch(`${p.url}/api/v1/admin/plugins`, { headers: { authorization: `Bearer ${auth}` } })
    expect((await plugins(secret!)).status).toBe(200)

    const narrow = await ada.post('/account/tokens', { name: 'read only', permissions: ['core.members.read'], expires: '7', current: ADMIN.password })
    const narrowSecret = /id="token-secret" class="secret">(cit_[^<]+)</.exec(await narrow.text())?.[1]
    expect((await plugins(narrowSecret!)).status).toBe(403)

    const list = await ada.get('/account/tokens')
    expect(list.html).not.toContain(secret!)
    expect(list.html).not.toContain(narrowSecret!)
    expect(list.html).toContain('CI &lt;admin&gt;')
    expect(list.html).toContain('core.instance.admin')

    const id = (await p.deps.identity.tokens.list(p.admin!.id)).find((t) => t.name === 'CI <admin>')!.id
    expect((await ada.post(`/account/tokens/${id}/revoke`)).status).toBe(303)
    expect((await plugins(secret!)).status).toBe(401)
    expect((await ada.post(`/account/tokens/${id}/revoke`)).status).toBe(404)
    const audit = await p.deps.identity.accounts.listAudit({ limit: 200 })
    expect(audit.map((a) => a.action)).toContain('token.created')
    expect(audit.map((a) => a.action)).toContain('token.revoked')
    expect(JSON.stringify(audit)).not.toContain(secret!)
  })

  test('API tokens: a member gets only permissions they hold; bad input is 422 with values kept; a member token writes notes', async () => {
    const { user, client } = await p.member('member')
    const { html: form } = await client.get('/account/tokens')
    expect(form).not.toContain('value="core.instance.admin"')
    expect(form).not.toContain('value="core.members.manage"')
    expect(form).toContain('No API tokens yet')

    for (const lacking of ['core.instance.admin', 'core.members.manage', 'no.such.permission']) {
      const refused = await client.post('/account/tokens', { name: 'sneaky', permissions: ['fixture-notes.note.write', lacking], expires: '30', current: PASSWORD })
      expect(refused.status).toBe(422)
      const html = await refused.text()
      expect(html).toContain('id="f-permissions-error"')
      expect(html).toContain('value="sneaky"')
      expect(html).toMatch(/value="fixture-notes.note.write" checked/)
    }
    expect((await client.post('/account/tokens', { name: 'x', permissions: [], expires: '30', current: PASSWORD })).status).toBe(422)
    expect((await client.post('/account/tokens', { name: 'x', permissions: ['fixture-notes.note.write'], expires: '9999', current: PASSWORD })).status).toBe(422)
    expect((await client.post('/account/tokens', { name: '', permissions: ['fixture-notes.note.write'], expires: '30', current: PASSWORD })).status).toBe(422)
    expect(await p.deps.identity.tokens.list(user.id)).toEqual([])

    const created = await client.post('/account/tokens', { name: 'notes bot', permissions: ['fixture-notes.note.write'], expires: '90', current: PASSWORD })
    expect(created.status).toBe(200)
    const secret = /id="token-secret" class="secret">(cit_[^<]+)</.exec(await created.text())?.[1]
    const note = await fetch(`${p.url}/api/v1/fixture-notes/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x' }),
    })
    expect(note.status).toBe(201)
    const read = await fetch(`${p.url}/api/v1/fixture-notes/seen`, { headers: { authorization: `Bearer ${secret}` } })
    expect(read.status).toBe(403) // not in the token's scopes
    const adminToken = (await p.deps.identity.tokens.list(p.admin!.id))[0]
    if (adminToken) expect((await client.post(`/account/tokens/${adminToken.id}/revoke`)).status).toBe(404)
  })
  test('API tokens must expire: no "never", a missing or too long expiry is 422 beside the field with the values kept', async () => {
    const { user, client } = await p.member('member')
    const { html: form } = await client.get('/account/tokens')
    expect(form).not.toContain('value="never"')
    for (const days of ['7', '30', '90', '365']) expect(form).toContain(`<option value="${days}"`)
    expect(form).toContain('<option value="30" selected>')
    const fields = { name: 'deploys <x>', permissions: ['fixture-notes.note.write'], current: PASSWORD }
    for (const [expires, message] of [
      ['never', `Tokens expire after at most ${TOKEN_MAX_DAYS} days: choose one of the offered times.`],
      ['400', `Tokens expire after at most ${TOKEN_MAX_DAYS} days: choose one of the offered times.`],
      ['', 'Choose when the token expires.'],
      [undefined, 'Choose when the token expires.'],
      ['soon', 'Choose one of the offered expiry times.'],
    ] as const) {
      const res = await client.post('/account/tokens', expires === undefined ? fields : { ...fields, expires })
      expect(res.status).toBe(422)
      const html = await res.text()
      expect(html).toMatch(/<select id="f-expires" name="expires" aria-invalid="true">/)
      expect(html).toMatch(new RegExp(`</select>\\s*<small class="field-error">${message}`))
      expect(html).toContain('value="deploys <x>"') // attribute values are quoted, not element text
      expect(html).toContain('<option value="30" selected>') // a refused value falls back to the default choice
      expect(html).toMatch(/value="fixture-notes.note.write" checked/)
    }
    expect(await p.deps.identity.tokens.list(user.id)).toEqual([])
    // the service refuses them too, whoever calls it
    const { tokens } = p.deps.identity
    const base = { userId: user.id, orgId: p.org!.id, name: 'svc', permissions: ['fixture-notes.note.write'] }
    for (const expiresInDays of [null, undefined, 0, TOKEN_MAX_DAYS + 1, 1.5] as unknown as number[]) {
      await expect(tokens.create({ ...base, expiresInDays })).rejects.toThrow('choose when the token expires')
    }
    const ok = await client.post('/account/tokens', { ...fields, expires: '7' })
    expect(ok.status).toBe(200)
    const [made] = await tokens.list(user.id)
    expect(Math.round((made!.expiresAt.getTime() - made!.createdAt.getTime()) / 86_400_000)).toBe(7)
  })

  test('API tokens: the store holds only the hash; expired tokens (and old ones stored without expiry, past the cap) are refused on /api/v1', async () => {
    const { user } = await p.member('member')
    const { tokens, accounts } = p.deps.identity
    const t = accounts.t.apiTokens
    const make = async (name: string) => tokens.create({ userId: user.id, orgId: p.org!.id, name, permissions: ['fixture-notes.note.write'], expiresInDays: 30 })
    const write = (secret: string) =>
      fetch(`${p.url}/api/v1/fixture-notes/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'from a token' }),
      })

    const live = await make('live')
    const [row] = await p.store.db.select().from(t).where(eq(t.id, live.token.id))
    expect(row!.tokenHash).toBe(sha256(live.secret))
    expect(JSON.stringify(row)).not.toContain(live.secret)
    expect(JSON.stringify(row)).not.toContain(live.secret.slice(4)) // not even without the prefix
    expect((await write(live.secret)).status).toBe(201)

    const expired = await make('expired')
    await p.store.db.update(t).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(t.id, expired.token.id))
    const refused = await write(expired.secret)
    expect(refused.status).toBe(401)
    expect((await refused.json()).error.code).toBe('unauthenticated')
    expect((await fetch(`${p.url}/api/v1/fixture-notes/seen`, { headers: { authorization: `Bearer ${expired.secret}` } })).status).toBe(401)

    // tokens stored before expiry was required have none: they last TOKEN_MAX_DAYS from creation
    const legacyNew = await make('legacy, recent')
    await p.store.db.update(t).set({ expiresAt: null, createdAt: new Date(Date.now() - 10 * 86_400_000) }).where(eq(t.id, legacyNew.token.id))
    expect((await write(legacyNew.secret)).status).toBe(201)
    const legacyOld = await make('legacy, old')
    await p.store.db.update(t).set({ expiresAt: null, createdAt: new Date(Date.now() - (TOKEN_MAX_DAYS + 1) * 86_400_000) }).where(eq(t.id, legacyOld.token.id))
    expect((await write(legacyOld.secret)).status).toBe(401)
    const listed = await tokens.list(user.id)
    const shown = listed.find((x) => x.id === legacyNew.token.id)!
    expect(shown.expiresAt.getTime()).toBe(shown.createdAt.getTime() + TOKEN_MAX_DAYS * 86_400_000)
  })
})
