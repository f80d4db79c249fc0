/**
 * @module "Forgot your password?", /forgot-password, only when mail is on (SMTP_URL; otherwise both
 * routes answer 404 like any unknown path). The form takes an email; the answer is the same page
 * whether an account has it, is disabled or does not exist, and it comes before any lookup: the
 * account is looked up, the link made and the email sent afterwards, in the background, so neither
 * the page nor its timing tells which. The link is an ordinary set-password link (/reset/:token,
 * Accounts.createPasswordReset with selfService: single use, 24 hours; a request adds a link and
 * leaves earlier ones working, so nobody can void a link an admin handed over, and using any one ends the rest),
 * built on PUBLIC_URL, never on the request's Host header. Requests are limited per client address
 * and per email as typed (429 with Retry-After), and every one is audited.
 */
import { Elysia } from 'elysia'
import { EMAIL_MAX, normalizeEmail, PASSWORD_RESET_TTL_MS, type Accounts } from '../auth/accounts.ts'
import { limits, waitText, type Verdict } from '../auth/rate-limit.ts'
import type { Config } from '../config.ts'
import { guard } from '../http/guard.ts'
import { clientIp, limitAddress } from '../http/render.ts'
import { requestMeta } from '../http/request-meta.ts'
import { notFoundFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { createLogger } from '../log.ts'
import { mailerFor, type Mailer } from '../mail.ts'
import { CsrfField, Field, FormError } from '../../views/components.tsx'
import { readForm } from './context.ts'
import { sentence } from './invite.tsx'
import { resetPath } from './reset-password.tsx'
import { anonymousCsrf } from './sign-in.tsx'

/** The path of the form (linked from the sign-in page when mail is on). */
export const FORGOT_PATH = '/forgot-password'

const log = createLogger('core')

/** Requests still being handled in the background (tests wait for them). */
const pending = new Set<Promise<void>>()

/** Resolves when every request so far has been handled (its email sent or given up). */
export async function forgotPasswordSettled(): Promise<void> {
  while (pending.size) await Promise.allSettled([...pending])
}

function ForgotForm(p: { csrf: string; email?: string; error?: string; emailError?: string }) {
  return (
    <>
      <h1>Forgot your password?</h1>
      <p class="muted">Enter the email of your account. We send a link to it that lets you choose a new password.</p>
      <FormError message={p.error} />
      <form method="post" action={FORGOT_PATH}>
        <CsrfField token={p.csrf} />
        <Field name="email" label="Email" type="email" value={p.email} error={p.emailError} required autocomplete="username" autofocus maxlength={EMAIL_MAX} />
        <button type="submit">Send the link</button>
      </form>
      <p>
        <a href="/login">Back to sign-in</a>
      </p>
    </>
  )
}

function Requested(p: { email: string }) {
  return (
    <>
      <h1>Check your email</h1>
      <p safe>{`If ${p.email} belongs to an account here, a link to choose a new password is on its way to it. It works once, for ${PASSWORD_RESET_TTL_MS / 3600_000} hours.`}</p>
      <p class="muted">Nothing after a few minutes? Look in the spam folder, check the address, or ask an instance admin of this server for a set-password link.</p>
      <p>
        <a href="/login">Back to sign-in</a>
      </p>
    </>
  )
}

/** The email with the link: plain text only, so nothing in it needs escaping. */
export function resetEmail(name: string, link: string, reason: 'requested' | 'admin'): { subject: string; text: string } {
  const why = reason === 'requested' ? 'Someone (hopefully you) asked for a new password for your Coder IDE account.' : 'An instance admin of Coder IDE sent you a link to choose a password for your account.'
  return {
    subject: 'Choose a new password for Coder IDE',
    text: [
      `Hello ${name},`,
      '',
      why,
      'Open this link to choose it:',
      '',
      link,
      '',
      `The link works once, for ${PASSWORD_RESET_TTL_MS / 3600_000} hours. Setting the password signs the account out everywhere.`,
      reason === 'requested' ? 'If you did not ask for it, ignore this email: your password stays as it is.' : 'If you did not expect it, ignore this email.',
    ].join('\n'),
  }
}

/**
 * Handles one request after the page is answered: the account looked up, a link made and emailed
 * when it exists and is enabled, and an audit entry either way. Never throws (logged instead).
 */
async function handleRequest(accounts: Accounts, mailer: Mailer, config: Config, email: string, ip: string): Promise<void> {
  const actor = { userId: null, email, ip, orgId: null }
  try {
    const user = await accounts.findUserByEmail(email)
    if (!user || user.disabled) {
      await accounts.audit(actor, 'auth.password_reset_requested', email, { outcome: user ? 'account disabled: nothing sent' : 'no such account: nothing sent' })
      return
    }
    const reset = await accounts.createPasswordReset(user.id, null, { selfService: true })
    const { subject, text } = resetEmail(user.name, `${config.publicUrl}${resetPath(reset.token)}`, 'requested')
    const sent = await mailer.send({ to: user.email, subject, text })
    await accounts.audit({ ...actor, userId: user.id }, 'auth.password_reset_requested', user.email, { outcome: sent ? 'link emailed' : 'email failed', link: reset.id, expiresAt: reset.expiresAt.toISOString() })
  } catch (err) {
    log.error('forgot password: request not handled', { error: err })
  }
}

/** `/forgot-password` (GET the form, POST the request); 404 while mail is off. */
export function forgotPasswordPages(deps: ServerDeps) {
  const { identity, renderer, config } = deps
  const mailer = mailerFor(config)

  /** A card page with the session's CSRF token, or the anonymous one (set as a cookie when new). */
  const card = async (request: Request, title: string, body: (csrf: string) => string, status = 200, headers: Record<string, string> = {}) => {
    const session = await requestMeta(request).session?.()
    const csrf = session ? { token: session.csrf, setCookie: undefined } : anonymousCsrf(request)
    return renderer.card(request, { title, body: body(csrf.token), csrf: csrf.token, status, headers: csrf.setCookie ? { ...headers, 'set-cookie': csrf.setCookie } : headers })
  }
  const limited = (request: Request, email: string, verdict: Verdict, why: string) =>
    card(request, 'Forgot your password?', (csrf) => ForgotForm({ csrf, email, error: `${why} Try again ${waitText(verdict.retryAfter)}.` }) as string, 429, { 'retry-after': String(verdict.retryAfter) })

  return new Elysia({ name: 'core:forgot-password' })
    .use(guard)
    .get(
      FORGOT_PATH,
      ({ request }) => {
        if (!mailer) return notFoundFor(request, FORGOT_PATH)
        return card(request, 'Forgot your password?', (csrf) => ForgotForm({ csrf }) as string)
      },
      { public: true },
    )
    .post(
      FORGOT_PATH,
      async ({ request }) => {
        if (!mailer) return notFoundFor(request, FORGOT_PATH)
        const form = await readForm(request)
        const typed = (form.email ?? '').trim()
        let email: string
        try {
          email = normalizeEmail(typed)
        } catch (err) {
          return card(request, 'Forgot your password?', (csrf) => ForgotForm({ csrf, email: typed.slice(0, EMAIL_MAX), emailError: sentence((err as Error).message) }) as string, 422)
        }
        // Both limits count every request, known email or not, so a 429 says nothing about accounts.
        const address = limitAddress(request)
        const byAddress = limits.forgotPasswordAddress.check(address)
        if (!byAddress.ok) return limited(request, email, byAddress, 'Too many password requests from your address.')
        const byAccount = limits.forgotPasswordAccount.check(email)
        if (!byAccount.ok) return limited(request, email, byAccount, 'Too many password requests for this email.')
        limits.forgotPasswordAddress.hit(address)
        limits.forgotPasswordAccount.hit(email)
        const job = handleRequest(identity.accounts, mailer, config, email, clientIp(request))
        pending.add(job)
        void job.finally(() => pending.delete(job))
        return card(request, 'Check your email', () => Requested({ email }) as string)
      },
      { public: true },
    )
}
