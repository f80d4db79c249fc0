/**
 * @module The set-password link page, /reset/:token: an instance admin creates the link on
 * /admin/users (or `coder-ide admin reset-password`) and hands it over or has it emailed, or the
 * account's owner asks for it by email on /forgot-password (when mail is on). GET shows a form (new
 * password twice); POST sets it (8 to 256 characters, hashed in the shared queue), ends every
 * session of the account, uses the link up and leads to sign-in. A link that is unknown, used,
 * expired or of a disabled account gets one page (404) saying to ask an admin for a new link, so
 * the answer tells nothing about which. POSTs are rate-limited per client address. The token is a
 * `:token` parameter of a public route, so the log shows `/reset/***` (core/http/redact.ts).
 */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import { BusyError, PASSWORD_MAX, PASSWORD_MIN } from '../auth/passwords.ts'
import { limits } from '../auth/rate-limit.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { clientIp, limitAddress, redirect } from '../http/render.ts'
import { requestMeta } from '../http/request-meta.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { hitLimits, readForm, tooMany } from './context.ts'
import { sentence } from './invite.tsx'
import { anonymousCsrf } from './sign-in.tsx'

/** The longest token looked up (real ones are 43 characters). */
const MAX_TOKEN = 200

/** Set-password attempts per client address (every POST counts, also a mistyped confirmation). */
const resetPasswordLimit = limits.passwordReset

/** Forgets the set-password attempts (tests start clean). */
export function resetPasswordLimits(): void {
  resetPasswordLimit.clear()
}

/** The path of a set-password link. */
export function resetPath(token: string): string {
  return `/reset/${encodeURIComponent(token)}`
}

function InvalidLink(props: { signedIn: boolean; mailOn: boolean }) {
  return (
    <>
      <h1>This link does not work</h1>
      <p>It may be mistyped, used already (each link works once) or expired (links last 24 hours).</p>
      {props.mailOn ? (
        <p>
          <a href="/forgot-password">Ask for a new link by email</a>, or ask an instance admin of this server for one.
        </p>
      ) : (
        <p>Ask an instance admin of this server for a new set-password link.</p>
      )}
      <p>{props.signedIn ? <a href="/">Go to the start page</a> : <a href="/login">Sign in</a>}</p>
    </>
  )
}

function ResetForm(p: { token: string; email: string; csrf: string; errors: FieldErrors; error?: string }) {
  return (
    <>
      <h1>Choose a new password</h1>
      <p class="muted">
        For <strong safe>{p.email}</strong>. Setting it signs this account out everywhere; then sign in with the new password.
      </p>
      <FormError message={p.error} />
      <form method="post" action={resetPath(p.token)}>
        <CsrfField token={p.csrf} />
        {/* for password managers: which account the new password belongs to */}
        <input type="email" name="username" value={p.email} autocomplete="username" hidden readonly />
        <Field
          name="password"
          label="New password"
          type="password"
          error={p.errors.password}
          required
          autocomplete="new-password"
          autofocus
          minlength={PASSWORD_MIN}
          maxlength={PASSWORD_MAX}
          hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`}
        />
        <Field name="confirm" label="New password again" type="password" error={p.errors.confirm} required autocomplete="new-password" minlength={PASSWORD_MIN} maxlength={PASSWORD_MAX} />
        <button type="submit">Set password</button>
      </form>
    </>
  )
}

/** `/reset/:token`. */
export function resetPasswordPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts } = identity

  /** A card page with the session's CSRF token, or the anonymous one (set as a cookie when new). */
  const card = async (request: Request, title: string, body: (csrf: string) => string, status = 200) => {
    const session = await requestMeta(request).session?.()
    const csrf = session ? { token: session.csrf, setCookie: undefined } : anonymousCsrf(request)
    // The card is no-store. The site's Referrer-Policy (same-origin) keeps the token from other
    // sites; no-referrer here would make Chromium send `Origin: null` with the form, which the
    // CSRF check refuses.
    return renderer.card(request, { title, body: body(csrf.token), csrf: csrf.token, status, headers: csrf.setCookie ? { 'set-cookie': csrf.setCookie } : undefined })
  }

  const find = (token: string) => (token && token.length <= MAX_TOKEN ? accounts.findPasswordReset(token) : Promise.resolve(undefined))
  const invalid = (request: Request, auth: Auth | null) => card(request, 'Link not valid', () => InvalidLink({ signedIn: !!auth, mailOn: deps.config.mail !== undefined }) as string, 404)

  return new Elysia({ name: 'core:reset-password' })
    .use(guard)
    .get(
      '/reset/:token',
      async ({ request, auth, params }) => {
        const reset = await find(params.token)
        if (!reset) return invalid(request, auth)
        return card(request, 'Choose a new password', (csrf) => ResetForm({ token: params.token, email: reset.user.email, csrf, errors: {} }) as string)
      },
      { public: true },
    )
    .post(
      '/reset/:token',
      async ({ request, auth, params }) => {
        // Every attempt counts, before the link is looked up, so tokens cannot be tried in bulk.
        const limited = hitLimits(request, [[resetPasswordLimit, limitAddress(request), 'attempts to set a password from your address']])
        if (limited) return limited
        const reset = await find(params.token)
        if (!reset) return invalid(request, auth)
        const form = await readForm(request)
        const password = form.password ?? ''
        const again = (errors: FieldErrors, status = 422) =>
          card(request, 'Choose a new password', (csrf) => ResetForm({ token: params.token, email: reset.user.email, csrf, errors }) as string, status)
        if (password.length >= PASSWORD_MIN && password.length <= PASSWORD_MAX && password !== (form.confirm ?? '')) {
          return again({ confirm: 'The two passwords differ: type the same new password twice.' })
        }
        try {
          await accounts.usePasswordReset(params.token, password)
        } catch (err) {
          if (err instanceof BusyError) {
            resetPasswordLimit.refund(limitAddress(request))
            return tooMany(request, { ok: false, retryAfter: 5 }, 'passwords being checked at once on this server')
          }
          if (!(err instanceof InputError)) throw err
          if (err.field === 'password') return again({ password: sentence(err.message.replace(/^password: /, '')) })
          return invalid(request, auth)
        }
        const user = reset.user
        await accounts.audit({ userId: user.id, email: user.email, ip: clientIp(request), orgId: null }, 'user.password_reset_used', user.email, { link: reset.id })
        return redirect(request, '/login', { kind: 'ok', text: 'Your password is set, and every earlier sign-in of this account has ended. Sign in with the new password.' })
      },
      { public: true },
    )
}
