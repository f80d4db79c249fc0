/** @module The two-factor tab: set up an authenticator app (recovery codes shown once), get new recovery codes, or turn it off. */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import { SIGNED_IN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { currentPasswordError, ownPassword, passwordGate } from './account-password.tsx'
import { sentence } from './sentence.ts'
import { NO_STORE, accountPage, sessionOnly } from './account-ui.tsx'
import { actorOf } from './context.ts'

type Enrollment = { secret: string; qrSvg: string }

function TwoFactorView(p: {
  auth: Auth
  enabled: boolean
  recoveryLeft?: number
  enrollment?: Enrollment
  recoveryCodes?: string[]
  /** The codes shown are a new set replacing the old (not the first set after enrolment). */
  regenerated?: boolean
  errors?: FieldErrors
  error?: string
}) {
  const csrf = p.auth.session?.csrf
  const errors = p.errors ?? {}
  if (p.recoveryCodes) {
    return (
      <section class="section">
        <h2>{p.regenerated ? 'New recovery codes' : 'Two-factor sign-in is on'}</h2>
        <p>
          <strong>Store these recovery codes now, somewhere safe (a password manager).</strong> Each works once, in place of a code from
          your app, if you lose your phone. They are shown only this once.
          {p.regenerated ? ' Your old recovery codes no longer work.' : ''}
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
        <FormError message={p.error} />
        <h3>Recovery codes</h3>
        <p class={left <= 2 ? 'form-error' : 'muted'}>
          {left} recovery code{left === 1 ? '' : 's'} left.
          {left <= 2 ? ' Get new ones below.' : ''}
        </p>
        <form method="post" action="/account/2fa/recovery" class="narrow-form">
          <CsrfField token={csrf} />
          <Field
            name="current"
            label="Current password"
            type="password"
            error={errors.current}
            required
            autocomplete="current-password"
            maxlength={256}
            hint="New codes replace all of your old ones, used or not."
          />
          <button type="submit" class="secondary" data-confirm="Replace your recovery codes? The old ones stop working.">
            Get new recovery codes
          </button>
        </form>
        <h3>Turn it off</h3>
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

/** The two-factor tab and its forms (begin, confirm, new recovery codes, disable). */
export function accountTwoFactorPages(deps: ServerDeps) {
  const { accounts, twoFactor } = deps.identity

  const twoFactorPage = async (request: Request, auth: Auth, extra: Partial<Parameters<typeof TwoFactorView>[0]> = {}, status = 200) => {
    const user = (await accounts.getUser(auth.user.id)) ?? auth.user
    const enabled = user.totpEnabled
    const recoveryLeft = enabled ? await twoFactor.recoveryLeft(user.id) : undefined
    const secretShown = !!(extra.enrollment || extra.recoveryCodes)
    return accountPage(deps, request, { ...auth, user }, '2fa', TwoFactorView({ auth: { ...auth, user }, enabled, recoveryLeft, ...extra }) as string, status, secretShown ? NO_STORE : undefined)
  }

  return new Elysia({ name: 'core:account-two-factor' })
    .use(guard)
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
          return twoFactorPage(request, auth, { error: sentence(err.message) }, err.status)
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
        const ok = await ownPassword(deps, request, auth, gate, password)
        if (ok instanceof Response) return ok
        if (!ok) {
          const problem = currentPasswordError(password)
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
          if (!enrollment) return twoFactorPage(request, auth, { error: sentence(err.message) }, err.status)
          return twoFactorPage(request, auth, { enrollment, errors: { code: sentence(err.message) } }, 422)
        }
      },
      { permission: SIGNED_IN },
    )
    .post(
      '/account/2fa/recovery',
      async ({ request, auth }) => {
        // The password first, as for turning it off: a stolen session must not read new codes.
        const gate = await passwordGate(request, auth)
        if (gate instanceof Response) return gate
        const password = gate.form.current ?? ''
        const ok = await ownPassword(deps, request, auth, gate, password)
        if (ok instanceof Response) return ok
        if (!ok) return twoFactorPage(request, auth, { errors: { current: currentPasswordError(password) } }, 422)
        try {
          const recoveryCodes = await twoFactor.regenerateRecovery(auth.user.id)
          await accounts.audit(actorOf(request, auth), 'auth.two_factor_recovery_regenerated', auth.user.email)
          return twoFactorPage(request, auth, { recoveryCodes, regenerated: true })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return twoFactorPage(request, auth, { error: sentence(err.message) }, err.status)
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
        const ok = await ownPassword(deps, request, auth, gate, password)
        if (ok instanceof Response) return ok
        if (!ok) return twoFactorPage(request, auth, { errors: { password: currentPasswordError(password) } }, 422)
        await twoFactor.disable(auth.user.id)
        await accounts.audit(actorOf(request, auth), 'auth.two_factor_disabled', auth.user.email)
        return redirect(request, '/account/2fa', { kind: 'ok', text: 'Two-factor sign-in is off.' })
      },
      { permission: SIGNED_IN },
    )
}
