/**
 * @module The signed-in user's own account: profile, password, sessions, two-factor sign-in and
 * personal API tokens. Every page needs a browser session (API tokens cannot manage the account).
 */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import { BusyError } from '../auth/passwords.ts'
import { limits } from '../auth/rate-limit.ts'
import { INSTANCE_ADMIN, SIGNED_IN } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { TOKEN_DEFAULT_DAYS, TOKEN_EXPIRY_DAYS, TOKEN_MAX_DAYS, type ApiToken } from '../auth/tokens.ts'
import { cookie, sessionCookieName } from '../http/cookies.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { errorFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, PageHeader, Select, formatDate, type FieldErrors } from '../../views/components.tsx'
import { actorOf, hitLimits, readForm, readFormAll, tooMany } from './context.ts'

type Tab = 'profile' | 'password' | 'sessions' | '2fa' | 'tokens'

const TABS: { id: Tab; href: string; label: string }[] = [
  { id: 'profile', href: '/account', label: 'Profile' },
  { id: 'password', href: '/account/password', label: 'Password' },
  { id: 'sessions', href: '/account/sessions', label: 'Sessions' },
  { id: '2fa', href: '/account/2fa', label: 'Two-factor' },
  { id: 'tokens', href: '/account/tokens', label: 'API tokens' },
]

/** Every token expires: these are the lifetimes offered (no "never"). */
const EXPIRY_OPTIONS = TOKEN_EXPIRY_DAYS.map((d) => ({ value: String(d), label: `${d} days` }))

/** Why the submitted expiry is refused, or undefined when it is one of the offered lifetimes. */
function expiryProblem(value: string): string | undefined {
  if (EXPIRY_OPTIONS.some((o) => o.value === value)) return undefined
  if (!value.trim()) return 'choose when the token expires'
  const days = Number(value)
  if (value === 'never' || (Number.isFinite(days) && days > TOKEN_MAX_DAYS)) return `tokens expire after at most ${TOKEN_MAX_DAYS} days: choose one of the offered times`
  return 'choose one of the offered expiry times'
}

/** Pages that show a secret once are never cached. */
const NO_STORE = { 'cache-control': 'no-store' }

function Tabs(props: { active: Tab }) {
  return (
    <ul class="tabs" aria-label="Account sections">
      {TABS.map((t) => (
        <li>
          <a href={t.href} aria-current={t.id === props.active ? 'page' : undefined} safe>
            {t.label}
          </a>
        </li>
      ))}
    </ul>
  )
}

// ---- profile

function ProfileView(p: {
  auth: Auth
  values: { name?: string }
  errors: FieldErrors
  orgs: { id: string; name: string; role: string }[]
}) {
  const csrf = p.auth.session?.csrf
  return (
    <>
      <section class="section">
        <h2>Profile</h2>
        <form method="post" action="/account" class="narrow-form">
          <CsrfField token={csrf} />
          <Field name="name" label="Name" value={p.values.name ?? p.auth.user.name} error={p.errors.name} required maxlength={100} autocomplete="name" />
          <label for="f-email">
            <span>Email</span>
            <input id="f-email" type="email" value={p.auth.user.email} readonly aria-describedby="f-email-hint" />
            <small id="f-email-hint">Your sign-in address. An instance admin can change it.</small>
          </label>
          <button type="submit">Save name</button>
        </form>
      </section>
      <section class="section">
        <h2>Organizations</h2>
        {p.orgs.length === 0 ? (
          <EmptyState title="You belong to no organization yet">
            <p>
              <a href="/orgs/new">Create an organization</a>, or ask an admin for an invitation.
            </p>
          </EmptyState>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Organization</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {p.orgs.map((o) => (
                  <tr>
                    <td>
                      <span safe>{o.name}</span>
                      {o.id === p.auth.org?.id ? <span class="badge">current</span> : ''}
                    </td>
                    <td safe>{o.role}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="section">
        <h2>Two-factor sign-in</h2>
        <p>
          {p.auth.user.totpEnabled ? <span class="badge badge-ok">On</span> : <span class="badge badge-danger">Off</span>}{' '}
          <a href="/account/2fa">{p.auth.user.totpEnabled ? 'Manage two-factor sign-in' : 'Turn on two-factor sign-in'}</a>
        </p>
      </section>
    </>
  )
}

// ---- password

function PasswordView(p: { auth: Auth; errors: FieldErrors; error?: string }) {
  return (
    <section class="section">
      <h2>Change your password</h2>
      <p class="muted">Your other sessions are signed out; this one stays signed in.</p>
      <FormError message={p.error} />
      <form method="post" action="/account/password" class="narrow-form">
        <CsrfField token={p.auth.session?.csrf} />
        <Field name="current" label="Current password" type="password" error={p.errors.current} required autocomplete="current-password" maxlength={256} />
        <Field name="password" label="New password" type="password" error={p.errors.password} required autocomplete="new-password" minlength={8} maxlength={256} hint="8 to 256 characters." />
        <button type="submit">Change password</button>
      </form>
    </section>
  )
}

// ---- sessions

type SessionRow = { id: string; createdAt: Date; lastSeenAt: Date; ip: string; userAgent: string }

function SessionsView(p: { auth: Auth; sessions: SessionRow[] }) {
  const csrf = p.auth.session?.csrf
  return (
    <section class="section">
      <h2>Where you are signed in</h2>
      {p.sessions.length === 0 ? (
        <EmptyState title="No sessions">You are signed in nowhere else.</EmptyState>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last seen</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {p.sessions.map((s) => {
                const current = s.id === p.auth.session?.id
                return (
                  <tr>
                    <td class="session-device">
                      <span safe>{s.userAgent || 'Unknown browser'}</span>
                      {current ? <span class="badge badge-ok">This device</span> : ''}
                    </td>
                    <td data-label="IP address" safe>{s.ip || '—'}</td>
                    <td data-label="Signed in" class="nowrap" safe>{formatDate(s.createdAt)}</td>
                    <td data-label="Last seen" class="nowrap" safe>{formatDate(s.lastSeenAt)}</td>
                    <td class="row-actions">
                      <ActionButton
                        action={`/account/sessions/${encodeURIComponent(s.id)}/revoke`}
                        csrf={csrf}
                        label={current ? 'Sign out' : 'Revoke'}
                        confirm={current ? 'Sign out on this device?' : 'End this session?'}
                      />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

// ---- two-factor

type Enrollment = { secret: string; qrSvg: string }

function TwoFactorView(p: {
  auth: Auth
  enabled: boolean
  recoveryLeft?: number
  enrollment?: Enrollment
  recoveryCodes?: string[]
  errors?: FieldErrors
  error?: string
}) {
  const csrf = p.auth.session?.csrf
  const errors = p.errors ?? {}
  if (p.recoveryCodes) {
    return (
      <section class="section">
        <h2>Two-factor sign-in is on</h2>
        <p>
          <strong>Store these recovery codes now, somewhere safe (a password manager).</strong> Each works once, in place of a code from
          your app, if you lose your phone. They are shown only this once.
        </p>
        <ul id="recovery-codes" class="secret recovery-codes">
          {p.recoveryCodes.map((c) => (
            <li>
              <code safe>{c}</code>
              {'\n'}
            </li>
          ))}
        </ul>
        <p>
          <button type="button" class="secondary" data-copy="#recovery-codes">
            Copy codes
          </button>{' '}
          <a href="/account/2fa">I have stored them</a>
        </p>
      </section>
    )
  }
  if (p.enabled) {
    const left = p.recoveryLeft ?? 0
    return (
      <section class="section">
        <h2>Two-factor sign-in</h2>
        <p>
          <span class="badge badge-ok">On</span> Signing in asks for a code from your authenticator app.
        </p>
        <p class={left <= 2 ? 'form-error' : 'muted'}>
          {left} recovery code{left === 1 ? '' : 's'} left.
          {left <= 2 ? ' Turn two-factor sign-in off and on again for new ones.' : ''}
        </p>
        <h3>Turn it off</h3>
        <FormError message={p.error} />
        <form method="post" action="/account/2fa/disable" class="narrow-form">
          <CsrfField token={csrf} />
          <Field name="password" label="Current password" type="password" error={errors.password} required autocomplete="current-password" maxlength={256} />
          <button type="submit" class="secondary" data-confirm="Turn off two-factor sign-in?">
            Turn off two-factor sign-in
          </button>
        </form>
      </section>
    )
  }
  if (p.enrollment) {
    const safeQr = p.enrollment.qrSvg
    return (
      <section class="section">
        <h2>Set up two-factor sign-in</h2>
        <FormError message={p.error} />
        <ol>
          <li>Scan this QR code with an authenticator app (such as Aegis, 1Password or Google Authenticator).</li>
        </ol>
        <div class="qr" role="img" aria-label="QR code for your authenticator app">
          {safeQr}
        </div>
        <p>Or enter this key by hand:</p>
        <p>
          <code id="totp-secret" class="secret" safe>
            {p.enrollment.secret}
          </code>{' '}
          <button type="button" class="secondary outline" data-copy="#totp-secret">
            Copy key
          </button>
        </p>
        <ol start={2}>
          <li>Enter the 6-digit code the app shows, and your password.</li>
        </ol>
        <form method="post" action="/account/2fa/confirm" class="narrow-form">
          <CsrfField token={csrf} />
          <Field name="code" label="Code" error={errors.code} required autocomplete="one-time-code" inputmode="numeric" maxlength={10} autofocus={!errors.password} />
          <Field name="password" label="Current password" type="password" error={errors.password} required autocomplete="current-password" maxlength={256} autofocus={!!errors.password} />
          <button type="submit">Turn on</button>
        </form>
      </section>
    )
  }
  return (
    <section class="section">
      <h2>Two-factor sign-in</h2>
      <p>
        <span class="badge badge-danger">Off</span> Signing in needs only your password. With two-factor sign-in, it also asks for a code
        from an app on your phone.
      </p>
      <FormError message={p.error} />
      <form method="post" action="/account/2fa/begin">
        <CsrfField token={csrf} />
        <button type="submit">Set up two-factor sign-in</button>
      </form>
    </section>
  )
}

// ---- API tokens

type Scope = { name: string; description: string; group: string; groupName: string }

function TokensView(p: {
  auth: Auth
  tokens: ApiToken[]
  orgNames: Map<string, string>
  scopes: Scope[]
  values: { name?: string; permissions?: string[]; expires?: string }
  errors: FieldErrors
  created?: { token: ApiToken; secret: string }
}) {
  const csrf = p.auth.session?.csrf
  const chosen = new Set(p.values.permissions ?? [])
  const groups = new Map<string, { name: string; scopes: Scope[] }>()
  for (const s of p.scopes) {
    const g = groups.get(s.group) ?? { name: s.groupName, scopes: [] }
    g.scopes.push(s)
    groups.set(s.group, g)
  }
  return (
    <>
      {p.created ? (
        <section class="section" aria-labelledby="new-token-title">
          <h2 id="new-token-title">
            Your new token “<span safe>{p.created.token.name}</span>”
          </h2>
          <p>
            <strong>Copy it now: it is shown only this once.</strong> Send it as <code>{'Authorization: Bearer &lt;token&gt;'}</code>.
          </p>
          <p id="token-secret" class="secret" safe>
            {p.created.secret}
          </p>
          <button type="button" data-copy="#token-secret">
            Copy token
          </button>
        </section>
      ) : (
        ''
      )}
      <section class="section">
        <h2>Your API tokens</h2>
        {p.tokens.length === 0 ? (
          <EmptyState title="No API tokens yet">
            <p>Create one below to use the API from scripts and tools.</p>
          </EmptyState>
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Organization</th>
                  <th scope="col">Permissions</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.tokens.map((t) => (
                  <tr>
                    <td safe>{t.name}</td>
                    <td data-label="Organization" safe>{p.orgNames.get(t.orgId) ?? '—'}</td>
                    <td data-label="Permissions" class="token-perms">
                      {t.permissions.map((perm) => (
                        <>
                          <code safe>{perm}</code>{' '}
                        </>
                      ))}
                    </td>
                    <td data-label="Created" class="nowrap" safe>{formatDate(t.createdAt)}</td>
                    <td data-label="Expires">
                      <span safe>{formatDate(t.expiresAt)}</span>
                      {t.expiresAt.getTime() <= Date.now() ? <span class="badge badge-danger">expired</span> : ''}
                    </td>
                    <td data-label="Last used" class="nowrap">{t.lastUsedAt ? formatDate(t.lastUsedAt) : 'Never'}</td>
                    <td class="row-actions">
                      <ActionButton action={`/account/tokens/${encodeURIComponent(t.id)}/revoke`} csrf={csrf} label="Revoke" confirm="Revoke this token? Tools using it stop working." />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="section">
        <h2>Create a token</h2>
        {!p.auth.org ? (
          <EmptyState title="Join an organization first">
            <p>A token acts in one organization, with permissions you hold there.</p>
          </EmptyState>
        ) : (
          <form method="post" action="/account/tokens" class="medium-form">
            <CsrfField token={csrf} />
            <p class="muted">
              The token acts in <strong safe>{p.auth.org.name}</strong>, with the permissions you choose (only ones you hold there).
            </p>
            <Field name="name" label="Name" value={p.values.name} error={p.errors.name} required maxlength={60} placeholder="CI deploys" />
            <fieldset aria-invalid={p.errors.permissions ? 'true' : undefined} aria-describedby={p.errors.permissions ? 'f-permissions-error' : undefined}>
              <legend>Permissions</legend>
              {groups.size === 0 ? <p class="muted">You hold no permissions to give a token here.</p> : ''}
              {[...groups.values()].map((g) => (
                <fieldset class="scope-group">
                  <legend safe>{g.name}</legend>
                  {g.scopes.map((s) => (
                    <label>
                      <input type="checkbox" name="permissions" value={s.name} checked={chosen.has(s.name)} />
                      <span safe>{s.description}</span> <code safe>{s.name}</code>
                    </label>
                  ))}
                </fieldset>
              ))}
              {p.errors.permissions ? (
                <small id="f-permissions-error" class="field-error" safe>
                  {p.errors.permissions}
                </small>
              ) : (
                ''
              )}
            </fieldset>
            <Select name="expires" label="Expires after" options={EXPIRY_OPTIONS} value={EXPIRY_OPTIONS.some((o) => o.value === p.values.expires) ? p.values.expires : String(TOKEN_DEFAULT_DAYS)} error={p.errors.expires} />
            <button type="submit">Create token</button>
          </form>
        )}
      </section>
    </>
  )
}

/** `/account/...`: the signed-in user's own settings. */
export function accountPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts, orgs, tokens, twoFactor } = identity

  const page = (request: Request, auth: Auth, tab: Tab, body: string, status = 200, headers?: Record<string, string>) =>
    renderer.page(request, auth, {
      title: `Account: ${TABS.find((t) => t.id === tab)!.label}`,
      status,
      headers,
      body: (
        <>
          <PageHeader title="Your account" subtitle={auth.user.email} />
          <Tabs active={tab} />
          {body as 'safe'}
        </>
      ) as string,
    })

  /** Account pages need a browser session: an API token cannot change passwords, sessions or tokens. */
  const sessionOnly = (request: Request, auth: Auth): Response | undefined =>
    auth.session ? undefined : errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not with an API token', 'Manage your account in the browser, signed in.')

  const notFound = (request: Request, what: string) =>
    errorFor(new URL(request.url).pathname, 404, 'not_found', `No such ${what}`, `This ${what} does not exist, or it is not yours. It may have ended already.`)

  /**
   * The start of every route that asks for the user's password again (changing it, turning
   * two-factor sign-in on or off), so a stolen session cannot do these things, nor guess the
   * password quickly: a browser session, then one attempt counted at once against the account's
   * sign-in limit (before any hashing, so parallel guesses cannot all pass the check), then the form.
   * `giveBack()` returns the attempt when the password proved right or was never checked.
   */
  const passwordGate = async (request: Request, auth: Auth): Promise<Response | { form: Record<string, string>; giveBack: () => void }> => {
    const refused = sessionOnly(request, auth)
    if (refused) return refused
    const limited = hitLimits(request, [[limits.signInAccount, auth.user.email, 'wrong passwords for this account']])
    if (limited) return limited
    const form = await readForm(request)
    return { form, giveBack: () => limits.signInAccount.refund(auth.user.email) }
  }

  /** 429 when the server has too many passwords to hash at once. */
  const busy = (request: Request) => tooMany(request, { ok: false, retryAfter: 5 }, 'password checks at once on this server')

  /**
   * Whether `password` is the user's (after `passwordGate`): a right or empty one gives the attempt
   * back; a wrong one keeps it. A response when the server is too busy to check.
   */
  const ownPassword = async (request: Request, auth: Auth, gate: { giveBack: () => void }, password: string): Promise<boolean | Response> => {
    let ok = false
    if (password) {
      try {
        ok = !!(await accounts.checkPassword(auth.user.email, password))
      } catch (err) {
        if (!(err instanceof BusyError)) throw err
        gate.giveBack()
        return busy(request)
      }
    }
    if (ok || !password) gate.giveBack()
    return ok
  }

  // ---- profile
  const profile = async (request: Request, auth: Auth, values: { name?: string } = {}, errors: FieldErrors = {}, status = 200) => {
    const memberships = await orgs.orgsOf(auth.user.id)
    return page(request, auth, 'profile', ProfileView({ auth, values, errors, orgs: memberships }) as string, status)
  }

  // ---- two-factor
  const twoFactorPage = async (request: Request, auth: Auth, extra: Partial<Parameters<typeof TwoFactorView>[0]> = {}, status = 200) => {
    const user = (await accounts.getUser(auth.user.id)) ?? auth.user
    const enabled = user.totpEnabled
    const recoveryLeft = enabled ? await twoFactor.recoveryLeft(user.id) : undefined
    const secretShown = !!(extra.enrollment || extra.recoveryCodes)
    return page(request, { ...auth, user }, '2fa', TwoFactorView({ auth: { ...auth, user }, enabled, recoveryLeft, ...extra }) as string, status, secretShown ? NO_STORE : undefined)
  }

  // ---- tokens
  const allowedScopes = (auth: Auth): Scope[] => {
    const held = identity.resolver.catalog().filter((e) => auth.permissions.has(e.name))
    const out: Scope[] = held.map((e) => ({ name: e.name, description: e.description, group: e.group, groupName: e.groupName }))
    if (can(auth, INSTANCE_ADMIN)) out.push({ name: INSTANCE_ADMIN, description: 'Administer this instance (plugins, all organizations, users)', group: 'instance', groupName: 'Instance' })
    return out
  }
  const tokensPage = async (
    request: Request,
    auth: Auth,
    values: { name?: string; permissions?: string[]; expires?: string } = {},
    errors: FieldErrors = {},
    status = 200,
    created?: { token: ApiToken; secret: string },
  ) => {
    const [list, memberships] = await Promise.all([tokens.list(auth.user.id), orgs.orgsOf(auth.user.id)])
    const orgNames = new Map(memberships.map((o) => [o.id, o.name]))
    const body = TokensView({ auth, tokens: list, orgNames, scopes: allowedScopes(auth), values, errors, created }) as string
    return page(request, auth, 'tokens', body, status, created ? NO_STORE : undefined)
  }

  return new Elysia({ name: 'core:account' })
    .use(guard)
    .get('/account', async ({ request, auth }) => sessionOnly(request, auth) ?? profile(request, auth), { permission: SIGNED_IN })
    .post(
      '/account',
      async ({ request, auth }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        const form = await readForm(request)
        const name = form.name ?? ''
        try {
          const user = await accounts.renameUser(auth.user.id, name)
          if (user.name !== auth.user.name) await accounts.audit(actorOf(request, auth), 'user.renamed', auth.user.email, { from: auth.user.name, to: user.name })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return profile(request, auth, { name }, { name: err.message }, err.status === 404 ? 404 : 422)
        }
        return redirect(request, '/account', { kind: 'ok', text: 'Your name is saved.' })
      },
      { permission: SIGNED_IN },
    )
    .get(
      '/account/password',
      async ({ request, auth }) => sessionOnly(request, auth) ?? page(request, auth, 'password', PasswordView({ auth, errors: {} }) as string),
      { permission: SIGNED_IN },
    )
    .post(
      '/account/password',
      async ({ request, auth }) => {
        const gate = await passwordGate(request, auth)
        if (gate instanceof Response) return gate
        const current = gate.form.current ?? ''
        const next = gate.form.password ?? ''
        const errors: FieldErrors = {}
        if (!current) errors.current = 'enter your current password'
        if (!next) errors.password = 'enter a new password'
        if (!errors.current && !errors.password) {
          try {
            await accounts.changePassword(auth.user.id, current, next, auth.session!.id)
            gate.giveBack()
            await accounts.audit(actorOf(request, auth), 'auth.password_changed', auth.user.email)
            return redirect(request, '/account/password', { kind: 'ok', text: 'Your password is changed. Your other sessions are signed out.' })
          } catch (err) {
            // Only a wrong current password keeps the attempt.
            if (!(err instanceof InputError && err.field === 'current')) gate.giveBack()
            if (err instanceof BusyError) return busy(request)
            if (!(err instanceof InputError)) throw err
            errors[err.field === 'current' ? 'current' : 'password'] = err.message
          }
        } else gate.giveBack()
        return page(request, auth, 'password', PasswordView({ auth, errors }) as string, 422)
      },
      { permission: SIGNED_IN },
    )
    .get(
      '/account/sessions',
      async ({ request, auth }) => sessionOnly(request, auth) ?? page(request, auth, 'sessions', SessionsView({ auth, sessions: await accounts.listSessions(auth.user.id) }) as string),
      { permission: SIGNED_IN },
    )
    .post(
      '/account/sessions/:id/revoke',
      async ({ request, auth, params }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        const id = String(params.id ?? '')
        if (!id || id.length > 128 || !(await accounts.endSession(auth.user.id, id))) return notFound(request, 'session')
        const current = id === auth.session!.id
        await accounts.audit(actorOf(request, auth), 'auth.session_revoked', auth.user.email, { current })
        if (current) return redirect(request, '/login', { kind: 'ok', text: 'You are signed out.' }, [cookie(request, sessionCookieName(request), '', 0)])
        return redirect(request, '/account/sessions', { kind: 'ok', text: 'The session has ended.' })
      },
      { permission: SIGNED_IN },
    )
    .get('/account/2fa', async ({ request, auth }) => sessionOnly(request, auth) ?? twoFactorPage(request, auth), { permission: SIGNED_IN })
    .post(
      '/account/2fa/begin',
      async ({ request, auth }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        try {
          const enrollment = await twoFactor.begin(auth.user.id)
          return twoFactorPage(request, auth, { enrollment })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return twoFactorPage(request, auth, { error: err.message }, err.status)
        }
      },
      { permission: SIGNED_IN },
    )
    .post(
      '/account/2fa/confirm',
      async ({ request, auth }) => {
        const gate = await passwordGate(request, auth)
        if (gate instanceof Response) return gate
        const code = (gate.form.code ?? '').trim().slice(0, 20)
        // The password first: a stolen session must not turn two-factor on and lock the owner out.
        const password = gate.form.password ?? ''
        const ok = await ownPassword(request, auth, gate, password)
        if (ok instanceof Response) return ok
        if (!ok) {
          const problem = password ? 'the password is not right' : 'enter your current password'
          const enrollment = await twoFactor.pending(auth.user.id)
          if (!enrollment) return twoFactorPage(request, auth, { error: 'Start the setup first.' }, 409)
          return twoFactorPage(request, auth, { enrollment, errors: { password: problem } }, 422)
        }
        try {
          const recoveryCodes = await twoFactor.confirm(auth.user.id, code)
          await accounts.audit(actorOf(request, auth), 'auth.two_factor_enabled', auth.user.email)
          return twoFactorPage(request, auth, { recoveryCodes })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          const enrollment = await twoFactor.pending(auth.user.id)
          if (!enrollment) return twoFactorPage(request, auth, { error: err.message }, err.status)
          return twoFactorPage(request, auth, { enrollment, errors: { code: err.message } }, 422)
        }
      },
      { permission: SIGNED_IN },
    )
    .post(
      '/account/2fa/disable',
      async ({ request, auth }) => {
        const gate = await passwordGate(request, auth)
        if (gate instanceof Response) return gate
        const password = gate.form.password ?? ''
        const ok = await ownPassword(request, auth, gate, password)
        if (ok instanceof Response) return ok
        if (!ok) return twoFactorPage(request, auth, { errors: { password: password ? 'the password is not right' : 'enter your current password' } }, 422)
        await twoFactor.disable(auth.user.id)
        await accounts.audit(actorOf(request, auth), 'auth.two_factor_disabled', auth.user.email)
        return redirect(request, '/account/2fa', { kind: 'ok', text: 'Two-factor sign-in is off.' })
      },
      { permission: SIGNED_IN },
    )
    .get('/account/tokens', async ({ request, auth }) => sessionOnly(request, auth) ?? tokensPage(request, auth), { permission: SIGNED_IN })
    .post(
      '/account/tokens',
      async ({ request, auth }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        const { one, all } = await readFormAll(request)
        const values = { name: one.name ?? '', permissions: (all.permissions ?? []).slice(0, 500), expires: (one.expires ?? '').slice(0, 20) }
        if (!auth.org) return tokensPage(request, auth, values, { name: 'join an organization first: a token acts in one' }, 422)
        const errors: FieldErrors = {}
        const allowed = new Set(allowedScopes(auth).map((s) => s.name))
        const refusedScopes = values.permissions.filter((perm) => !allowed.has(perm))
        if (refusedScopes.length) errors.permissions = `you do not hold ${refusedScopes.slice(0, 3).join(', ')}${refusedScopes.length > 3 ? '…' : ''} here: a token can only have permissions you hold`
        else if (values.permissions.length === 0) errors.permissions = 'choose at least one permission'
        const badExpiry = expiryProblem(values.expires)
        if (badExpiry) errors.expires = badExpiry
        if (!values.name.trim() || values.name.trim().length > 60) errors.name = 'enter a token name of 1 to 60 characters'
        if (Object.values(errors).some(Boolean)) return tokensPage(request, auth, values, errors, 422)
        let created
        try {
          created = await tokens.create({
            userId: auth.user.id,
            orgId: auth.org.id,
            name: values.name,
            permissions: values.permissions,
            expiresInDays: Number(values.expires),
          })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return tokensPage(request, auth, values, { [err.field ?? 'name']: err.message }, 422)
        }
        const { token } = created
        await accounts.audit(actorOf(request, auth), 'token.created', token.name, { id: token.id, permissions: token.permissions, expiresAt: token.expiresAt.toISOString() })
        return tokensPage(request, auth, {}, {}, 200, created)
      },
      { permission: SIGNED_IN },
    )
    .post(
      '/account/tokens/:id/revoke',
      async ({ request, auth, params }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        let token
        try {
          token = await tokens.revoke(auth.user.id, String(params.id ?? '').slice(0, 128))
        } catch (err) {
          if (err instanceof InputError && err.status === 404) return notFound(request, 'token')
          throw err
        }
        await accounts.audit(actorOf(request, auth), 'token.revoked', token.name, { id: token.id })
        return redirect(request, '/account/tokens', { kind: 'ok', text: `The token “${token.name}” is revoked.` })
      },
      { permission: SIGNED_IN },
    )
}
