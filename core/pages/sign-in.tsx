/** @module First-run setup, sign-in (with the two-factor step) and sign-out. */
import { Elysia } from 'elysia'
import { BusyError, PASSWORD_MAX, passwordProblem } from '../auth/passwords.ts'
import { countPasswordAttempt, limits, signedInFrom, waitText, type Verdict } from '../auth/rate-limit.ts'
import { randomToken } from '../auth/crypto.ts'
import { EMAIL_MAX, InputError, normalizeEmail, SESSION_ABSOLUTE_MS, type User } from '../auth/accounts.ts'
import { cookie, csrfCookieName, readCookie, sessionCookieName } from '../http/cookies.ts'
import { guard } from '../http/guard.ts'
import { clientIp, limitAddress, redirect } from '../http/render.ts'
import { requestMeta } from '../http/request-meta.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { actorOf, readForm, safeNext } from './context.ts'
import { fieldSentence, sentence } from './sentence.ts'
import { dropSetupToken, fromLoopback, setupTokenProblem } from './setup-token.ts'

/** The anonymous CSRF token (cookie), creating one when the visitor has none. */
export function anonymousCsrf(request: Request): { token: string; setCookie?: string } {
  const existing = readCookie(request, csrfCookieName(request))
  if (existing && existing.length >= 20) return { token: existing }
  const token = randomToken(24)
  return { token, setCookie: cookie(request, csrfCookieName(request), token, 24 * 3600) }
}

/** The Set-Cookie that starts a browser session. */
export function sessionCookie(request: Request, token: string): string {
  return cookie(request, sessionCookieName(request), token, Math.floor(SESSION_ABSOLUTE_MS / 1000))
}

/** `askToken`: the visitor is not on the server itself, so the one-time setup token is asked for (core/pages/setup-token.ts). */
function SetupForm(p: { csrf: string; values: Record<string, string>; errors: FieldErrors; error?: string; askToken: boolean }) {
  return (
    <>
      <h1>Set up Coder IDE</h1>
      <p class="muted">Create the first administrator account and your organization. This page disappears afterwards.</p>
      <FormError message={p.error} />
      <form method="post" action="/setup">
        <CsrfField token={p.csrf} />
        {p.askToken ? (
          <Field name="token" label="Setup token" value={p.values.token} error={p.errors.token} required autocomplete="off" maxlength={200} hint="The server printed it in its log at start (…/setup?token=…); it is also in the file setup-token in the data directory." />
        ) : (
          ''
        )}
        <Field name="name" label="Your name" value={p.values.name} error={p.errors.name} required autocomplete="name" autofocus maxlength={100} />
        <Field name="email" label="Email" type="email" value={p.values.email} error={p.errors.email} required autocomplete="email" />
        <Field name="password" label="Password" type="password" error={p.errors.password} required autocomplete="new-password" minlength={8} maxlength={256} hint="8 to 256 characters." />
        <Field name="org" label="Organization name" value={p.values.org} error={p.errors.org} required maxlength={80} placeholder="Acme" />
        <button type="submit">Create account and organization</button>
      </form>
    </>
  )
}

/** `forgot`: link "Forgot your password?" (only when mail is on: the link is emailed); else who to ask. */
function LoginForm(p: { csrf: string; email?: string; next: string; error?: string; forgot: boolean }) {
  return (
    <>
      <h1>Sign in</h1>
      <FormError message={p.error} />
      <form method="post" action="/login">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="next" value={p.next} />
        <Field name="email" label="Email" type="email" value={p.email} required autocomplete="username" autofocus={!p.email} />
        <Field name="password" label="Password" type="password" required autocomplete="current-password" autofocus={!!p.email} />
        <button type="submit">Sign in</button>
      </form>
      {p.forgot ? (
        <p>
          <a href="/forgot-password">Forgot your password?</a>
        </p>
      ) : (
        <p class="muted">Forgot your password? Ask an instance admin for a set-password link.</p>
      )}
    </>
  )
}

function TwoFactorForm(p: { csrf: string; next: string; error?: string }) {
  return (
    <>
      <h1>Two-factor sign-in</h1>
      <p class="muted">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      <FormError message={p.error} />
      <form method="post" action="/login/2fa">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="next" value={p.next} />
        <Field name="code" label="Code" required autocomplete="one-time-code" inputmode="text" autofocus maxlength={20} />
        <button type="submit">Verify</button>
      </form>
      <form method="post" action="/logout" class="inline-form">
        <CsrfField token={p.csrf} />
        <button type="submit" class="link-button">
          Cancel and sign in as someone else
        </button>
      </form>
    </>
  )
}

/** Setup, sign-in and sign-out routes. */
export function signInPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts, orgs, twoFactor } = identity
  const forgot = deps.config.mail !== undefined

  const card = async (request: Request, title: string, body: (csrf: string) => string, status = 200, headers: Record<string, string> = {}) => {
    const session = await requestMeta(request).session?.()
    const csrf = session ? { token: session.csrf, setCookie: undefined } : anonymousCsrf(request)
    return renderer.card(request, { title, body: body(csrf.token), csrf: csrf.token, status, headers: csrf.setCookie ? { ...headers, 'set-cookie': csrf.setCookie } : headers })
  }

  /**
   * A 429 inside the sign-in card: the form again (the email kept) with what is used up and how
   * long to wait in words, and `Retry-After` in seconds. The same whether the email has an account.
   */
  const signInLimited = (request: Request, email: string, next: string, verdict: Verdict, why: string) =>
    card(request, 'Sign in', (csrf) => LoginForm({ forgot, csrf, email, next, error: `${why} Try again ${waitText(verdict.retryAfter)}.` }) as string, 429, { 'retry-after': String(verdict.retryAfter) })

  /** A 429 inside the two-factor card: the code form again with the reason (and how long to wait). */
  const codeLimited = (request: Request, next: string, verdict: Verdict, error: string) =>
    card(request, 'Two-factor sign-in', (csrf) => TwoFactorForm({ csrf, next, error }) as string, 429, { 'retry-after': String(verdict.retryAfter) })

  /** What the two-factor step says while the account's day of wrong codes is used up. */
  const locked = (seconds: number) =>
    `Too many wrong codes for this account: two-factor sign-in is locked. Try again ${waitText(seconds)}, or ask an administrator to reset your two-factor sign-in.`
  const wait = (why: string, verdict: Verdict) => `${why} Try again ${waitText(verdict.retryAfter)}.`

  /** Starts a full session and leads on. */
  const signedIn = async (request: Request, user: User, next: string, method: string) => {
    const { token } = await accounts.createSession(user.id, { ip: clientIp(request), userAgent: request.headers.get('user-agent') ?? '' })
    await accounts.audit({ userId: user.id, email: user.email, ip: clientIp(request) }, 'auth.sign_in', user.email, { method })
    signedInFrom(user.email, limitAddress(request))
    return redirect(request, safeNext(next), undefined, [sessionCookie(request, token)])
  }

  /** True while a POST /setup runs (see there). */
  let settingUp = false

  /** First-run setup: the administrator and the organization, or the form again with what to fix. */
  const setup = async (request: Request, form: Record<string, string>, setUpAlready: () => Response, askToken: boolean) => {
    if ((await accounts.countUsers()) > 0) return setUpAlready()
    // Check every field first, so the form shows all problems at once.
    const errors: FieldErrors = {}
    if (!form.org?.trim()) errors.org = 'Enter the name of your organization.'
    if (!form.name?.trim()) errors.name = 'Enter your name.'
    try {
      normalizeEmail(form.email ?? '')
    } catch (err) {
      errors.email = sentence((err as Error).message)
    }
    const problem = passwordProblem(form.password ?? '')
    if (problem) errors.password = sentence(problem)
    let user: User | undefined
    try {
      if (Object.keys(errors).length === 0) user = await accounts.createUser({ email: form.email ?? '', name: form.name ?? '', password: form.password ?? '', isAdmin: true, onlyFirst: true })
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      if (err.field === 'setup') return setUpAlready() // an account appeared meanwhile (another process)
      errors[err.field ?? 'email'] = fieldSentence(err.message)
    }
    if (!user) return card(request, 'Set up', (csrf) => SetupForm({ csrf, values: form, errors, askToken }) as string, 422)
    const org = await orgs.createOrg({ name: form.org! }, user.id)
    deps.needsSetup = false
    dropSetupToken(deps.config)
    await accounts.audit({ userId: user.id, email: user.email, ip: clientIp(request), orgId: org.id }, 'instance.setup', org.name)
    return signedIn(request, user, '/', 'setup')
  }

  return new Elysia({ name: 'core:sign-in' })
    .use(guard)
    .get(
      '/setup',
      async ({ request, query }) => {
        // An account made elsewhere (`coder-ide admin create` while this server runs) ends setup:
        // look again whenever the flag still says setup (only then, and it is one count).
        if (deps.needsSetup && (await accounts.countUsers()) > 0) {
          deps.needsSetup = false
          dropSetupToken(deps.config)
          return redirect(request, '/login', { kind: 'ok', text: 'This instance is set up: sign in.' })
        }
        if (!deps.needsSetup) return renderer.card(request, { title: 'Setup is done', csrf: '', status: 404, body: '<h1>Setup is done</h1><p>This instance is set up. <a href="/login">Sign in</a>.</p>' })
        const askToken = !fromLoopback(request, deps.config)
        const token = askToken && typeof query.token === 'string' ? query.token.slice(0, 200) : ''
        return card(request, 'Set up', (csrf) => SetupForm({ csrf, values: { token }, errors: {}, askToken }) as string)
      },
      { public: true },
    )
    .post(
      '/setup',
      async ({ request }) => {
        const setUpAlready = () => {
          deps.needsSetup = false
          return redirect(request, '/login', { kind: 'error', text: 'This instance is set up already: sign in.' })
        }
        if (!deps.needsSetup) return setUpAlready()
        const form = await readForm(request)
        // From another machine only with the setup token (checked before anything else is).
        const askToken = !fromLoopback(request, deps.config)
        const wrongToken = askToken ? setupTokenProblem(request, deps.config, form.token) : undefined
        if (wrongToken) return card(request, 'Set up', (csrf) => SetupForm({ csrf, values: form, errors: { token: wrongToken }, askToken }) as string, 403)
        // One setup at a time: the flag is checked and taken with no await between, so a second
        // request posted at the same moment cannot count no accounts as well (createUser checks
        // again, for other processes).
        if (settingUp) {
          return card(request, 'Set up', (csrf) => SetupForm({ csrf, values: form, errors: {}, error: 'Setup is running in another request. Wait a moment, then reload this page.', askToken }) as string, 409)
        }
        settingUp = true
        try {
          return await setup(request, form, setUpAlready, askToken)
        } finally {
          settingUp = false
        }
      },
      { public: true },
    )
    .get(
      '/login',
      async ({ request, query }) => {
        if (await requestMeta(request).auth?.()) return redirect(request, safeNext(query.next))
        return card(request, 'Sign in', (csrf) => LoginForm({ forgot, csrf, next: safeNext(query.next) }) as string)
      },
      { public: true },
    )
    .post(
      '/login',
      async ({ request }) => {
        const form = await readForm(request)
        const email = (form.email ?? '').trim().toLowerCase()
        const password = form.password ?? ''
        const next = safeNext(form.next)
        const ip = limitAddress(request) // an IPv6 client counts by its /64
        // One message for unknown email, wrong password, disabled account and input longer than any
        // account's: no enumeration.
        const wrong = (shown: string) => card(request, 'Sign in', (csrf) => LoginForm({ forgot, csrf, email: shown, next, error: 'The email or password is not right.' }) as string, 401)
        // Longer than any email or password can be: wrong, before any hash, count or audit entry.
        if (email.length > EMAIL_MAX || password.length > PASSWORD_MAX) return wrong('')
        // The attempt counts now, before the password is hashed, so parallel attempts cannot all pass
        // the check; it is given back when the password is right or the server is too busy to check.
        // Per account it counts from this address (10) and from all addresses (100): one address
        // guessing locks only itself out, not the owner signing in from elsewhere.
        // Right passwords count per address too (60 a minute), so one address cannot sign in (and
        // start sessions) without end: a slot is taken now and given back when the password is wrong.
        const signIns = limits.signInSuccessAddress.hit(ip)
        if (!signIns.ok) return signInLimited(request, email, next, signIns, 'Too many sign-ins from your address.')
        const attempt = countPasswordAttempt(email, ip)
        if (attempt.blocked) {
          limits.signInSuccessAddress.refund(ip)
          const { by, verdict } = attempt.blocked
          return signInLimited(request, email, next, verdict, by === 'address' ? 'Too many sign-in attempts from your address.' : 'Too many attempts for this account.')
        }
        let user
        try {
          user = email && password ? await accounts.checkPassword(email, password) : undefined
        } catch (err) {
          if (!(err instanceof BusyError)) throw err
          attempt.giveBack()
          limits.signInSuccessAddress.refund(ip)
          return signInLimited(request, email, next, { ok: false, retryAfter: 5 }, 'The server is checking too many sign-ins at once.')
        }
        if (!user) {
          limits.signInSuccessAddress.refund(ip)
          await accounts.audit({ userId: null, email: email || null, ip: clientIp(request) }, 'auth.sign_in_failed', email || undefined)
          return wrong(email)
        }
        attempt.giveBack()
        if (user.totpEnabled) {
          const { token } = await accounts.createSession(user.id, { ip: clientIp(request), userAgent: request.headers.get('user-agent') ?? '', stage: 'mfa' })
          return redirect(request, `/login/2fa?next=${encodeURIComponent(next)}`, undefined, [sessionCookie(request, token)])
        }
        return signedIn(request, user, next, 'password')
      },
      { public: true },
    )
    .get(
      '/login/2fa',
      async ({ request, query }) => {
        const session = await requestMeta(request).session?.()
        if (!session || session.stage !== 'mfa') return redirect(request, '/login')
        const day = limits.twoFactorDay.check(session.user.id)
        const error = day.ok ? undefined : locked(day.retryAfter)
        return card(request, 'Two-factor sign-in', (csrf) => TwoFactorForm({ csrf, next: safeNext(query.next), error }) as string)
      },
      { public: true },
    )
    .post(
      '/login/2fa',
      async ({ request }) => {
        const session = await requestMeta(request).session?.()
        if (!session || session.stage !== 'mfa') return redirect(request, '/login', { kind: 'error', text: 'Your sign-in expired: start again.' })
        const form = await readForm(request)
        const next = safeNext(form.next)
        const userId = session.user.id
        const address = limitAddress(request)
        // Per address first (wrong codes from anywhere), then the account's day (wrong codes, TOTP
        // and recovery alike), then per account (every attempt counts).
        const byAddress = limits.twoFactorAddress.check(address)
        if (!byAddress.ok) return codeLimited(request, next, byAddress, wait('Too many wrong codes from your address.', byAddress))
        const day = limits.twoFactorDay.check(userId)
        if (!day.ok) return codeLimited(request, next, day, locked(day.retryAfter))
        const verdict = limits.twoFactor.hit(userId)
        if (!verdict.ok) return codeLimited(request, next, verdict, wait('Too many codes tried for this account.', verdict))
        // The day's count takes this attempt now (given back when the code is right), so parallel
        // wrong codes cannot pass it, and exactly one attempt is the one that fills it.
        limits.twoFactorDay.hit(userId)
        const fills = limits.twoFactorDay.count(userId) === limits.twoFactorDay.limit
        const method = await twoFactor.verify(userId, form.code ?? '')
        if (method === 'unreadable') {
          // The server's key does not open this account's secret: not a wrong guess, so the day's count is given back.
          limits.twoFactorDay.refund(userId)
          await accounts.audit(actorOf(request, { user: session.user, permissions: new Set() }), 'auth.two_factor_failed', session.user.email, { reason: 'secret unreadable' })
          const error = 'Codes from your authenticator app cannot be checked on this server right now (its key changed). Sign in with one of your recovery codes, or ask an administrator to reset your two-factor sign-in.'
          return card(request, 'Two-factor sign-in', (csrf) => TwoFactorForm({ csrf, next, error }) as string, 401)
        }
        if (!method) {
          limits.twoFactorAddress.hit(address)
          const actor = actorOf(request, { user: session.user, permissions: new Set() })
          await accounts.audit(actor, 'auth.two_factor_failed', session.user.email)
          if (fills) {
            const lockedFor = limits.twoFactorDay.check(userId).retryAfter
            await accounts.audit(actor, 'auth.two_factor_locked', session.user.email, { failures: limits.twoFactorDay.limit, seconds: lockedFor })
            return card(request, 'Two-factor sign-in', (csrf) => TwoFactorForm({ csrf, next, error: `That code is not right. ${locked(lockedFor)}` }) as string, 401)
          }
          return card(request, 'Two-factor sign-in', (csrf) => TwoFactorForm({ csrf, next, error: 'That code is not right. Try the current code, or a recovery code.' }) as string, 401)
        }
        limits.twoFactorDay.refund(userId)
        await accounts.endSession(userId, session.id)
        limits.twoFactor.reset(userId)
        return signedIn(request, session.user, next, method === 'recovery' ? 'password+recovery-code' : 'password+totp')
      },
      { public: true },
    )
    .post(
      '/logout',
      async ({ request }) => {
        const session = await requestMeta(request).session?.()
        if (session) {
          await accounts.endSession(session.user.id, session.id)
          await accounts.audit({ userId: session.user.id, email: session.user.email, ip: clientIp(request) }, 'auth.sign_out', session.user.email)
        }
        return redirect(request, '/login', { kind: 'ok', text: 'You are signed out.' }, [cookie(request, sessionCookieName(request), '', 0)])
      },
      { public: true },
    )
}
