/** @module The password tab, and the password check every form that asks for the password again starts with. */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import { BusyError } from '../auth/passwords.ts'
import { countPasswordAttempt } from '../auth/rate-limit.ts'
import { SIGNED_IN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { limitAddress, redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { accountPage, sessionOnly } from './account-ui.tsx'
import { actorOf, readForm, tooMany } from './context.ts'
import { fieldSentence } from './sentence.ts'

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

/**
 * The start of every route that asks for the user's password again (changing it, turning
 * two-factor sign-in on or off, new recovery codes), so a stolen session cannot do these things,
 * nor guess the password quickly: a browser session, then one attempt counted at once against the
 * account's sign-in limits (from this address, and from all addresses; before any hashing, so
 * parallel guesses cannot all pass the check), then the form. `giveBack()` returns the attempt
 * when the password proved right or was never checked.
 */
export async function passwordGate(request: Request, auth: Auth): Promise<Response | { form: Record<string, string>; giveBack: () => void }> {
  const refused = sessionOnly(request, auth)
  if (refused) return refused
  const attempt = countPasswordAttempt(auth.user.email, limitAddress(request), false)
  if (attempt.blocked) return tooMany(request, attempt.blocked.verdict, 'wrong passwords for this account')
  const form = await readForm(request)
  return { form, giveBack: attempt.giveBack }
}

/** 429 when the server has too many passwords to hash at once. */
export function busy(request: Request): Response {
  return tooMany(request, { ok: false, retryAfter: 5 }, 'password checks at once on this server')
}

/** The error under a current-password field that `ownPassword` refused: none typed, or a wrong one. */
export function currentPasswordError(typed: string): string {
  return typed ? 'That password is not right: enter your current password.' : 'Enter your current password.'
}

/**
 * Whether `password` is the user's (after `passwordGate`): a right or empty one gives the attempt
 * back; a wrong one keeps it. A response when the server is too busy to check.
 */
export async function ownPassword(deps: ServerDeps, request: Request, auth: Auth, gate: { giveBack: () => void }, password: string): Promise<boolean | Response> {
  let ok = false
  if (password) {
    try {
      ok = !!(await deps.identity.accounts.checkPassword(auth.user.email, password))
    } catch (err) {
      if (!(err instanceof BusyError)) throw err
      gate.giveBack()
      return busy(request)
    }
  }
  if (ok || !password) gate.giveBack()
  return ok
}

/** The password tab and the change-password form. */
export function accountPasswordPages(deps: ServerDeps) {
  const { accounts } = deps.identity

  return new Elysia({ name: 'core:account-password' })
    .use(guard)
    .get(
      '/account/password',
      async ({ request, auth }) => sessionOnly(request, auth) ?? accountPage(deps, request, auth, 'password', PasswordView({ auth, errors: {} }) as string),
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
        if (!current) errors.current = currentPasswordError('')
        if (!next) errors.password = 'Enter a new password.'
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
            errors[err.field === 'current' ? 'current' : 'password'] = fieldSentence(err.message)
          }
        } else gate.giveBack()
        return accountPage(deps, request, auth, 'password', PasswordView({ auth, errors }) as string, 422)
      },
      { permission: SIGNED_IN },
    )
}
