import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import type { Client } from '../../test/helpers/client.ts'
import { limits, resetLimits } from '../auth/rate-limit.ts'
import { currentCode } from '../auth/two-factor.ts'

const PASSWORD = 'limits password 1'
/** Requests from an address (the platform trusts one proxy, so the right-most X-Forwarded-For entry is the client). */
const from = (address: string) => ({ 'x-forwarded-for': address })
const ATTACKER = '203.0.113.7'
const OWNER = '198.51.100.5'

eachDialect('sign-in limits', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins, { TRUST_PROXY: 'on' })
  })
  afterAll(() => p.stop())

  let n = 0
  const newUser = async (prefix: string) => p.deps.identity.accounts.createUser({ email: `${prefix}-${++n}@example.com`, name: 'Lim', password: PASSWORD })

  const twoFactorUser = async (prefix: string) => {
    const { twoFactor } = p.deps.identity
    const user = await newUser(prefix)
    const { secret } = await twoFactor.begin(user.id)
    const codes = await twoFactor.confirm(user.id, currentCode(secret))
    return { user, secret, codes }
  }

  const atLogin = async (headers: Record<string, string> = {}) => {
    const c = p.client()
    await c.get('/login', headers)
    return c
  }

  /** The password step from `address`: the client then holds the pending (mfa) session. */
  const passwordStep = async (email: string, address = OWNER) => {
    const c = await atLogin(from(address))
    const res = await c.post('/login', { email, password: PASSWORD, next: '/' }, from(address))
    expect(res.headers.get('location')).toStartWith('/login/2fa')
    await c.get('/login/2fa', from(address))
    return c
  }

  const wrongCode = (secret: string) => ['000000', '111111', '222222'].find((c) => c !== currentCode(secret) && c !== currentCode(secret, 1) && c !== currentCode(secret, -1))!

  const audits = async (action: string, target: string) => (await p.deps.identity.accounts.listAudit({ action, limit: 200 })).filter((a) => a.action === action && a.target === target)

  /** The 429 is the sign-in card: the form with the email kept and the wait in words. */
  const expectLimitedCard = async (res: Response, form: string, message: string) => {
    expect(res.status).toBe(429)
    const seconds = Number(res.headers.get('retry-after'))
    expect(seconds).toBeGreaterThan(0)
    const html = await res.text()
    expect(html).toContain(`<form method="post" action="${form}">`)
    expect(html).toContain('class="form-error" role="alert"')
    expect(html).toContain(message)
    return { html, seconds }
  }

  test('wrong passwords from one address lock only that address out of the account: the owner signs in from another; the 429 is the form with the email kept', async () => {
    resetLimits()
    const victim = await newUser('victim')
    const attacker = await atLogin(from(ATTACKER))
    for (let i = 0; i < limits.signInAccountAddress.limit; i++) expect((await attacker.post('/login', { email: victim.email, password: `wrong ${i} password` }, from(ATTACKER))).status).toBe(401)
    // the attacker's address waits, even with the right password; the card says so in words
    const blocked = await attacker.post('/login', { email: victim.email, password: PASSWORD, next: '/account' }, from(ATTACKER))
    const { html, seconds } = await expectLimitedCard(blocked, '/login', 'Too many attempts for this account. Try again in about 15 minutes.')
    expect(seconds).toBeLessThanOrEqual(900)
    expect(html).toContain(`name="email" type="email" value="${victim.email}"`)
    expect(html).toContain('name="next" value="/account"')
    expect(html).toContain('name="password" type="password"')
    expect(attacker.cookies.has('sid')).toBe(false)
    // the owner, elsewhere, is not locked out
    const owner = await atLogin(from(OWNER))
    const signedIn = await owner.post('/login', { email: victim.email, password: PASSWORD, next: '/' }, from(OWNER))
    expect(signedIn.status).toBe(303)
    expect((await owner.get('/account', from(OWNER))).res.status).toBe(200)
    // the owner's success forgets nothing of the attacker's address
    expect((await attacker.post('/login', { email: victim.email, password: PASSWORD }, from(ATTACKER))).status).toBe(429)
  })

  test('no enumeration: an unknown email is limited the same way, with the same words', async () => {
    resetLimits()
    const known = await newUser('known')
    const unknown = 'nobody-limits@example.com'
    const c = await atLogin(from(ATTACKER))
    const texts: string[] = []
    for (const email of [known.email, unknown]) {
      for (let i = 0; i < limits.signInAccountAddress.limit; i++) expect((await c.post('/login', { email, password: 'wrong password 1' }, from(ATTACKER))).status).toBe(401)
      const res = await c.post('/login', { email, password: 'wrong password 1' }, from(ATTACKER))
      const { html } = await expectLimitedCard(res, '/login', 'Too many attempts for this account.')
      texts.push(html.replaceAll(email, 'EMAIL').replace(/name="_csrf" value="[^"]*"/, ''))
    }
    expect(texts[0]).toBe(texts[1]!)
  })

  test('the account’s budget across all addresses (100 / 15 min): once used up, every address waits for that account, other accounts do not', async () => {
    resetLimits()
    const victim = await newUser('spread')
    // 99 failures from many addresses already (as a botnet would make them)
    for (let i = 0; i < limits.signInAccount.limit - 1; i++) limits.signInAccount.hit(victim.email)
    const last = await atLogin(from('192.0.2.50'))
    expect((await last.post('/login', { email: victim.email, password: 'wrong password 1' }, from('192.0.2.50'))).status).toBe(401) // the 100th
    const owner = await atLogin(from(OWNER))
    await expectLimitedCard(await owner.post('/login', { email: victim.email, password: PASSWORD }, from(OWNER)), '/login', 'Too many attempts for this account.')
    const other = await newUser('bystander')
    expect((await owner.post('/login', { email: other.email, password: PASSWORD }, from(OWNER))).status).toBe(303)
  })

  test('the per-address limit (50 / 15 min, any account) answers inside the card too; the typed email is kept, quoted', async () => {
    resetLimits()
    for (let i = 0; i < limits.signInAddress.limit; i++) limits.signInAddress.hit(ATTACKER)
    const c = await atLogin(from(ATTACKER))
    const typed = '"><b>x</b>@example.com'
    const res = await c.post('/login', { email: typed, password: 'wrong password 1' }, from(ATTACKER))
    const { html } = await expectLimitedCard(res, '/login', 'Too many sign-in attempts from your address. Try again in about 15 minutes.')
    // the quote is escaped, so the typed text stays inside the value attribute (where < and > are inert)
    expect(html).toContain('value="&#34;><b>x</b>@example.com"')
    expect(html.replace(/="[^"]*"/g, '=""')).not.toContain('<b>x</b>')
    resetLimits()
  })

  test('the password asked again on /account counts per account and address: a stolen session elsewhere does not lock the owner out', async () => {
    resetLimits()
    const user = await newUser('gate')
    const thief = await atLogin(from(ATTACKER))
    expect((await thief.post('/login', { email: user.email, password: PASSWORD, next: '/' }, from(ATTACKER))).status).toBe(303)
    await thief.get('/account/password', from(ATTACKER))
    for (let i = 0; i < limits.signInAccountAddress.limit; i++) {
      expect((await thief.post('/account/password', { current: `guess ${i} password`, password: 'a new password 9' }, from(ATTACKER))).status).toBe(422)
    }
    const blocked = await thief.post('/account/password', { current: PASSWORD, password: 'a new password 9' }, from(ATTACKER))
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    const owner = await atLogin(from(OWNER))
    expect((await owner.post('/login', { email: user.email, password: PASSWORD, next: '/' }, from(OWNER))).status).toBe(303)
  })

  test('two-factor: the 6th code in 5 minutes is a 429 inside the two-factor card, with Retry-After and the wait in words', async () => {
    resetLimits()
    const { user, secret } = await twoFactorUser('tf-burst')
    const c = await passwordStep(user.email)
    for (let i = 0; i < limits.twoFactor.limit; i++) expect((await c.post('/login/2fa', { code: wrongCode(secret), next: '/' }, from(OWNER))).status).toBe(401)
    const res = await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' }, from(OWNER))
    const { html } = await expectLimitedCard(res, '/login/2fa', 'Too many codes tried for this account. Try again in about 5 minutes.')
    expect(html).toContain('name="code"')
    expect(html).toContain('action="/logout"') // "sign in as someone else" stays
    // the address limit answers in the card as well
    for (let i = 0; i < limits.twoFactorAddress.limit; i++) limits.twoFactorAddress.hit(OWNER)
    await expectLimitedCard(await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' }, from(OWNER)), '/login/2fa', 'Too many wrong codes from your address.')
  })

  /** `count` wrong codes at the two-factor step (the 5-minute limit is reset between, as if time passed). */
  const wrongCodes = async (c: Client, secret: string, count: number, address = OWNER) => {
    const statuses: number[] = []
    for (let i = 0; i < count; i++) {
      if (i % limits.twoFactor.limit === 0) limits.twoFactor.clear()
      statuses.push((await c.post('/login/2fa', { code: wrongCode(secret), next: '/' }, from(address))).status)
    }
    limits.twoFactor.clear()
    return statuses
  }

  test('two-factor: 20 wrong codes in a day lock the step for the rest of the day (TOTP and recovery codes alike), audited once; an admin reset lets the user in', async () => {
    resetLimits()
    const { user, secret, codes } = await twoFactorUser('tf-day')
    const c = await passwordStep(user.email)
    expect(await wrongCodes(c, secret, limits.twoFactorDay.limit - 1)).toEqual(Array(19).fill(401))
    expect(await audits('auth.two_factor_locked', user.email)).toHaveLength(0)
    // the 20th: still "not right", and now it says the step is locked
    const twentieth = await c.post('/login/2fa', { code: wrongCode(secret), next: '/' }, from(OWNER))
    expect(twentieth.status).toBe(401)
    expect(await twentieth.text()).toContain('two-factor sign-in is locked')
    const locked = await audits('auth.two_factor_locked', user.email)
    expect(locked).toHaveLength(1)
    expect(locked[0]!.actorId).toBe(user.id)
    expect(locked[0]!.details).toMatchObject({ failures: 20 })
    // the right code, and a recovery code, wait; the recovery code is not used up
    const right = await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' }, from(OWNER))
    const { seconds } = await expectLimitedCard(right, '/login/2fa', 'Too many wrong codes for this account: two-factor sign-in is locked.')
    expect(seconds).toBeGreaterThan(23 * 3600)
    expect(seconds).toBeLessThanOrEqual(24 * 3600)
    await expectLimitedCard(await c.post('/login/2fa', { code: codes[0]!, next: '/' }, from(OWNER)), '/login/2fa', 'Try again in about 24 hours, or ask an administrator')
    expect(await p.deps.identity.twoFactor.recoveryLeft(user.id)).toBe(10)
    expect((await c.request('/account')).status).toBe(303)
    // from another address, in a new sign-in: still locked (it is the account's), shown on arrival; no second audit entry
    const elsewhere = await passwordStep(user.email, '192.0.2.77')
    expect((await elsewhere.get('/login/2fa', from('192.0.2.77'))).html).toContain('two-factor sign-in is locked')
    expect((await elsewhere.post('/login/2fa', { code: currentCode(secret, 2), next: '/' }, from('192.0.2.77'))).status).toBe(429)
    expect((await elsewhere.post('/login/2fa', { code: wrongCode(secret), next: '/' }, from('192.0.2.77'))).status).toBe(429)
    expect(await audits('auth.two_factor_locked', user.email)).toHaveLength(1)
    // an admin's reset turns two-factor off and forgets the count: the password alone signs in
    await p.deps.identity.twoFactor.disable(user.id)
    const back = await atLogin(from(OWNER))
    expect((await back.post('/login', { email: user.email, password: PASSWORD, next: '/' }, from(OWNER))).headers.get('location')).toBe('/')
    expect(limits.twoFactorDay.count(user.id)).toBe(0)
  })

  test('two-factor: a right code gives its day’s attempt back; parallel wrong codes at the edge pass at most the limit and audit the lock once', async () => {
    resetLimits()
    const { user, secret } = await twoFactorUser('tf-edge')
    const c = await passwordStep(user.email)
    expect(await wrongCodes(c, secret, 3)).toEqual([401, 401, 401])
    expect((await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' }, from(OWNER))).status).toBe(303)
    expect(limits.twoFactorDay.count(user.id)).toBe(3)

    const d = await passwordStep(user.email)
    expect(await wrongCodes(d, secret, limits.twoFactorDay.limit - 3 - 2)).toEqual(Array(15).fill(401)) // 18 in the day
    const answers = await Promise.all(Array.from({ length: 5 }, () => d.post('/login/2fa', { code: wrongCode(secret), next: '/' }, from(OWNER))))
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses).toEqual([401, 401, 429, 429, 429])
    expect(limits.twoFactorDay.count(user.id)).toBe(limits.twoFactorDay.limit)
    expect(await audits('auth.two_factor_locked', user.email)).toHaveLength(1)
    expect((await audits('auth.two_factor_failed', user.email)).length).toBe(20)
  })
  test('right passwords count per address too (60 a minute, any account): the 61st sign-in from one address is a 429 even with the right password; wrong ones do not use it up; another address signs in', async () => {
    resetLimits()
    const users = await Promise.all(Array.from({ length: 3 }, () => newUser('many')))
    const c = await atLogin(from(ATTACKER))
    // wrong passwords are counted by the failure limits, not by this one
    for (let i = 0; i < 5; i++) expect((await c.post('/login', { email: users[0]!.email, password: 'wrong password 1' }, from(ATTACKER))).status).toBe(401)
    expect(limits.signInSuccessAddress.count(ATTACKER)).toBe(0)
    for (let i = 0; i < 3; i++) {
      const res = await (await atLogin(from(ATTACKER))).post('/login', { email: users[i]!.email, password: PASSWORD, next: '/' }, from(ATTACKER))
      expect(res.status).toBe(303)
    }
    expect(limits.signInSuccessAddress.count(ATTACKER)).toBe(3)
    // the rest of the minute's sign-ins (as a script signing in again and again would make them)
    for (let i = 3; i < limits.signInSuccessAddress.limit; i++) limits.signInSuccessAddress.hit(ATTACKER)
    const sessionsBefore = (await Promise.all(users.map((u) => p.deps.identity.accounts.listSessions(u.id)))).flat().length
    const blocked = await c.post('/login', { email: users[0]!.email, password: PASSWORD, next: '/' }, from(ATTACKER))
    const { seconds } = await expectLimitedCard(blocked, '/login', 'Too many sign-ins from your address. Try again in about a minute.')
    expect(seconds).toBeLessThanOrEqual(60)
    expect((await c.post('/login', { email: users[1]!.email, password: 'wrong password 1' }, from(ATTACKER))).status).toBe(429) // any POST waits
    expect((await Promise.all(users.map((u) => p.deps.identity.accounts.listSessions(u.id)))).flat().length).toBe(sessionsBefore) // no session was made
    const elsewhere = await atLogin(from(OWNER))
    expect((await elsewhere.post('/login', { email: users[0]!.email, password: PASSWORD, next: '/' }, from(OWNER))).status).toBe(303)
    resetLimits()
  })
})
