import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { Client } from '../../test/helpers/client.ts'
import { currentCode } from '../auth/two-factor.ts'

const PASSWORD = 'member password 1'

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0'
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'

eachDialect('account security', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  const audits = async (action: string, target: string) => (await p.deps.identity.accounts.listAudit({ action, limit: 200 })).filter((a) => a.action === action && a.target === target)

  /** A member with two-factor on (through the services), signed in through both steps. */
  async function twoFactorMember() {
    const { user, client } = await p.member('member')
    const { twoFactor } = p.deps.identity
    const { secret } = await twoFactor.begin(user.id)
    const codes = await twoFactor.confirm(user.id, currentCode(secret))
    return { user, client, secret, codes }
  }

  /** Signs in with the password and a recovery code; the status of the code step. */
  async function signInWithCode(email: string, code: string): Promise<number> {
    const c = p.client()
    await c.get('/login')
    const step = await c.post('/login', { email, password: PASSWORD, next: '/' })
    expect(step.headers.get('location')).toStartWith('/login/2fa')
    await c.get('/login/2fa')
    return (await c.post('/login/2fa', { code, next: '/' })).status
  }

  test('recovery codes: new ones behind the password, shown once (no-store), the old ones stop working, audited', async () => {
    const { user, client, codes } = await twoFactorMember()
    const { html } = await client.get('/account/2fa')
    expect(html).toContain('<form method="post" action="/account/2fa/recovery" class="narrow-form">')
    expect(html).toContain('Get new recovery codes')
    expect(html).not.toContain('Turn two-factor sign-in off and on again')
    // each password field has its own id (two forms on one page)
    expect(html.match(/id="f-current"/g)?.length).toBe(1)
    expect(html.match(/id="f-password"/g)?.length).toBe(1)

    // no password, a wrong one: 422 beside the field, codes unchanged
    for (const fields of [{} as Record<string, string>, { current: 'not my password' }, { current: 'x'.repeat(257) }]) {
      const refused = await client.post('/account/2fa/recovery', fields)
      expect(refused.status).toBe(422)
      const page = await refused.text()
      expect(page).toContain('id="f-current-error"')
      expect(page).not.toMatch(/<code>[a-z0-9]{5}-[a-z0-9]{5}<\/code>/)
    }
    expect(await audits('auth.two_factor_recovery_regenerated', user.email)).toHaveLength(0)
    // without the CSRF token: 403
    expect((await client.post('/account/2fa/recovery', { current: PASSWORD, _csrf: '' })).status).toBe(403)

    const done = await client.post('/account/2fa/recovery', { current: PASSWORD })
    expect(done.status).toBe(200)
    expect(done.headers.get('cache-control')).toBe('no-store')
    const page = await done.text()
    expect(page).toContain('New recovery codes')
    expect(page).toContain('Your old recovery codes no longer work.')
    const fresh = [...page.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1]!)
    expect(fresh).toHaveLength(10)
    expect(new Set(fresh).size).toBe(10)
    for (const old of codes) expect(fresh).not.toContain(old)
    const entries = await audits('auth.two_factor_recovery_regenerated', user.email)
    expect(entries).toHaveLength(1)
    expect(entries[0]!.actorId).toBe(user.id)
    expect(JSON.stringify(entries[0])).not.toContain(fresh[0]!) // the codes are never in the log
    // shown once: the tab shows the count, not the codes
    const after = await client.get('/account/2fa')
    expect(after.html).toContain('10 recovery codes left')
    expect(after.html).not.toContain(fresh[0]!)

    expect(await signInWithCode(user.email, codes[1]!)).toBe(401)
    expect(await signInWithCode(user.email, fresh[0]!)).toBe(303)
    expect(await p.deps.identity.twoFactor.recoveryLeft(user.id)).toBe(9)
  })

  test('recovery codes: with two-factor off there is nothing to replace (409); an API token cannot (403)', async () => {
    const { user, client } = await p.member('member')
    await client.get('/account/2fa')
    const off = await client.post('/account/2fa/recovery', { current: PASSWORD })
    expect(off.status).toBe(409)
    expect(await off.text()).toContain('Two-factor sign-in is off: turn it on to get recovery codes.')
    await expect(p.deps.identity.twoFactor.regenerateRecovery(user.id)).rejects.toThrow('two-factor sign-in is off')
    const { secret } = await p.deps.identity.tokens.create({ userId: user.id, orgId: p.org!.id, name: 't', permissions: ['core.members.read'], expiresInDays: 30 })
    const viaToken = await fetch(`${p.url}/account/2fa/recovery`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' }, body: `current=${encodeURIComponent(PASSWORD)}` })
    expect(viaToken.status).toBe(403)
  })

  test('recovery codes: wrong passwords there count against the account like the other password forms', async () => {
    const { user, client } = await twoFactorMember()
    await client.get('/account/2fa')
    for (let i = 0; i < 10; i++) expect((await client.post('/account/2fa/recovery', { current: `wrong ${i} password` })).status).toBe(422)
    const limited = await client.post('/account/2fa/recovery', { current: PASSWORD })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await audits('auth.two_factor_recovery_regenerated', user.email)).toHaveLength(0)
  })

  test('sessions: devices are named from the User-Agent, the raw string in a title, quoted', async () => {
    const { user, client } = await p.member('member')
    const { accounts } = p.deps.identity
    await accounts.createSession(user.id, { ip: '192.0.2.1', userAgent: CHROME_LINUX })
    await accounts.createSession(user.id, { ip: '192.0.2.2', userAgent: FIREFOX_MAC })
    await accounts.createSession(user.id, { ip: '192.0.2.3', userAgent: SAFARI_IPHONE })
    await accounts.createSession(user.id, { ip: '192.0.2.4', userAgent: 'curl/8.5.0' })
    await accounts.createSession(user.id, { ip: '192.0.2.5', userAgent: '<img src=x onerror=alert(1)>"' })
    const { html } = await client.get('/account/sessions')
    expect(html).toContain(`<span title="${CHROME_LINUX}">Chrome on Linux</span>`)
    expect(html).toContain('>Firefox on macOS</span>')
    expect(html).toContain('>Safari on iPhone</span>')
    expect(html).toContain('<span title="curl/8.5.0">curl</span>')
    // the quote is escaped, so the raw string stays inside the attribute (where < and > are inert)
    expect(html).toContain('<span title="<img src=x onerror=alert(1)>&#34;">Unknown browser</span>')
    expect(html.replace(/="[^"]*"/g, '=""')).not.toContain('<img')
    expect(html).not.toContain(`>${CHROME_LINUX}<`) // the raw string is only in the title
  })

  test('sessions: "sign out all other sessions" ends every other one (pending two-factor steps too), keeps this one, is audited; others’ sessions untouched', async () => {
    const { user, client: a } = await p.member('member')
    const b = p.client()
    expect((await b.signIn(user.email, PASSWORD)).status).toBe(303)
    const c = p.client()
    expect((await c.signIn(user.email, PASSWORD)).status).toBe(303)
    const pending = await p.deps.identity.accounts.createSession(user.id, { ip: '192.0.2.9', userAgent: 'x', stage: 'mfa' })
    const { client: stranger } = await p.member('member')

    const { html } = await a.get('/account/sessions')
    expect(html).toContain('action="/account/sessions/others/end"')
    expect(html).toContain('Sign out all other sessions')
    expect(html).toContain('data-confirm="Sign out 2 other sessions? This one stays signed in."')
    // above the list (a long list had it at the very bottom)
    expect(html.indexOf('action="/account/sessions/others/end"')).toBeLessThan(html.indexOf('<table class="stack">'))

    expect((await a.post('/account/sessions/others/end', { _csrf: '' })).status).toBe(403)
    expect((await b.get('/account')).res.status).toBe(200)

    const done = await a.post('/account/sessions/others/end')
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe('/account/sessions')
    const list = await a.get('/account/sessions')
    expect(list.html).toContain('2 other sessions have ended. This one stays signed in.')
    expect(list.html.match(/\/account\/sessions\/[0-9a-f]+\/revoke/g)).toEqual([`/account/sessions/${a.sessionId()}/revoke`])
    expect(list.html).not.toContain('Sign out all other sessions') // nothing else to end
    expect((await a.get('/account')).res.status).toBe(200)
    expect((await b.request('/account')).status).toBe(303)
    expect((await c.request('/account')).status).toBe(303)
    expect((await p.deps.identity.accounts.sessionFromToken(pending.token))).toBeUndefined()
    expect((await stranger.get('/account')).res.status).toBe(200)
    const entries = await audits('auth.other_sessions_revoked', user.email)
    expect(entries).toHaveLength(1)
    expect(entries[0]!.details).toEqual({ count: 2 })
    expect(entries[0]!.actorId).toBe(user.id)

    // again, with nothing else: still fine, says so
    const again = await a.post('/account/sessions/others/end')
    expect(again.status).toBe(303)
    expect((await a.get('/account/sessions')).html).toContain('You were signed in nowhere else.')
  })
})
