/**
 * @module The invitation link page, /invite/:token: shows which organization and role the link is
 * for; a signed-in visitor joins with one button, an anonymous one creates an account (or signs in
 * first). Links are single use and count only while their creator could still create them
 * (Orgs.findInvitation); accepts are rate-limited per client address, per signed-in account and
 * per link.
 */
import { Elysia } from 'elysia'
import { InputError, normalizeEmail, type User } from '../auth/accounts.ts'
import type { Org } from '../auth/orgs.ts'
import { permissionCatalog } from '../auth/permissions.ts'
import { limits } from '../auth/rate-limit.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { clientIp, limitAddress, redirect } from '../http/render.ts'
import { requestMeta } from '../http/request-meta.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { actorOf, hitLimits, readForm, tooMany, type LimitCheck } from './context.ts'
import { anonymousCsrf, sessionCookie } from './sign-in.tsx'
import { sentence } from './sentence.ts'

type Invitation = NonNullable<Awaited<ReturnType<ServerDeps['identity']['orgs']['findInvitation']>>>

const MAX_TOKEN = 200

/** What sign-up through a link answers when the address is taken: neither confirms nor denies an account. */
export const NOT_CREATED =
  'No new account was created for this address. If you have an account already, sign in first, then open this link again. Otherwise check the address.'

/** A service message as a sentence (pages import it from here too). */
export { sentence }

function invitePath(token: string): string {
  return `/invite/${encodeURIComponent(token)}`
}

function InvalidLink(props: { signedIn: boolean }) {
  return (
    <>
      <h1>This invitation link does not work</h1>
      <p>
        It may be mistyped, used already (each link works once), revoked, or expired (links last 7 days), or the person who created it may no longer invite
        people with this role.
      </p>
      <p>Ask someone in the organization for a new invitation.</p>
      <p>{props.signedIn ? <a href="/">Go to the start page</a> : <a href="/login">Sign in</a>}</p>
    </>
  )
}

function SignUpForm(p: { token: string; inv: Invitation; csrf: string; values: Record<string, string>; errors: FieldErrors; error?: string }) {
  const path = invitePath(p.token)
  return (
    <>
      <h1 safe>{`Join ${p.inv.org.name}`}</h1>
      <p class="muted">
        You are invited as <strong safe>{p.inv.role.name}</strong>. Create your account to join.
      </p>
      <FormError message={p.error} />
      <form method="post" action={path}>
        <CsrfField token={p.csrf} />
        <Field name="name" label="Your name" value={p.values.name} error={p.errors.name} required autocomplete="name" autofocus maxlength={100} />
        <Field
          name="email"
          label="Email"
          type="email"
          value={p.values.email ?? p.inv.email ?? undefined}
          error={p.errors.email}
          required
          autocomplete="email"
          hint={p.inv.email ? 'This invitation is for this address.' : undefined}
        />
        <Field name="password" label="Password" type="password" error={p.errors.password} required autocomplete="new-password" minlength={8} maxlength={256} hint="8 to 256 characters." />
        <button type="submit">Create account and join</button>
      </form>
      <p class="muted">
        Have an account already? <a href={`/login?next=${path}`}>Sign in first</a>, then open this link again.
      </p>
    </>
  )
}

function JoinForm(p: { token: string; inv: Invitation; csrf: string; user: User; member: boolean }) {
  return (
    <>
      <h1 safe>{`Join ${p.inv.org.name}`}</h1>
      {p.member ? (
        <>
          <p>
            You belong to <strong safe>{p.inv.org.name}</strong> already.
          </p>
          <form method="post" action="/orgs/switch">
            <CsrfField token={p.csrf} />
            <input type="hidden" name="org" value={p.inv.org.id} />
            <button type="submit" safe>
              {`Go to ${p.inv.org.name}`}
            </button>
          </form>
        </>
      ) : (
        <>
          <p>
            You are invited as <strong safe>{p.inv.role.name}</strong>. You are signed in as <span safe>{p.user.email}</span>.
          </p>
          <form method="post" action={invitePath(p.token)}>
            <CsrfField token={p.csrf} />
            <button type="submit" safe>
              {`Join ${p.inv.org.name}`}
            </button>
          </form>
        </>
      )}
      <form method="post" action="/logout" class="inline-form">
        <CsrfField token={p.csrf} />
        <button type="submit" class="link-button">
          Not you? Sign out
        </button>
      </form>
    </>
  )
}

function WrongAccount(p: { inv: Invitation; user: User; csrf: string }) {
  return (
    <>
      <h1>This invitation is for someone else</h1>
      <p>
        It is for <strong safe>{p.inv.email ?? ''}</strong>, and you are signed in as <span safe>{p.user.email}</span>.
      </p>
      <p>Sign out and open the link again, or ask for an invitation to your address.</p>
      <form method="post" action="/logout">
        <CsrfField token={p.csrf} />
        <button type="submit">Sign out</button>
      </form>
    </>
  )
}

/** `/invite/:token`. */
export function invitePages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts, orgs } = identity

  /** A card page with the session's CSRF token, or the anonymous one (set as a cookie when new). */
  const card = async (request: Request, title: string, body: (csrf: string) => string, status = 200) => {
    const session = await requestMeta(request).session?.()
    const csrf = session ? { token: session.csrf, setCookie: undefined } : anonymousCsrf(request)
    return renderer.card(request, { title, body: body(csrf.token), csrf: csrf.token, status, headers: csrf.setCookie ? { 'set-cookie': csrf.setCookie } : undefined })
  }

  /** Every declared permission (plugins off included): what the inviter must still hold is judged against it. */
  const declared = () => permissionCatalog(deps.host, { includeDisabled: true })
  const find = (token: string) => (token && token.length <= MAX_TOKEN ? orgs.findInvitation(token, declared()) : Promise.resolve(undefined))
  const invalid = (request: Request, auth: Auth | null) => card(request, 'Invitation not valid', () => InvalidLink({ signedIn: !!auth }) as string, 404)
  const wrongAccount = (inv: Invitation, auth: Auth) => !!inv.email && inv.email !== auth.user.email.toLowerCase()

  const joined = async (request: Request, auth: Auth | null, user: User, org: Org, inv: Invitation, newAccount: boolean) => {
    await accounts.audit({ ...actorOf(request, auth, org.id), userId: user.id, email: user.email }, 'org.member_joined', user.email, { role: inv.role.name, invitation: inv.id, newAccount })
  }

  return new Elysia({ name: 'core:invite' })
    .use(guard)
    .get(
      '/invite/:token',
      async ({ request, auth, params }) => {
        const inv = await find(params.token)
        if (!inv) return invalid(request, auth)
        const title = `Join ${inv.org.name}`
        if (auth) {
          if (wrongAccount(inv, auth)) return card(request, 'Invitation for someone else', (csrf) => WrongAccount({ inv, user: auth.user, csrf }) as string, 403)
          const member = !!(await orgs.membership(auth.user.id, inv.org.id))
          return card(request, title, (csrf) => JoinForm({ token: params.token, inv, csrf, user: auth.user, member }) as string)
        }
        return card(request, title, (csrf) => SignUpForm({ token: params.token, inv, csrf, values: {}, errors: {} }) as string)
      },
      { public: true },
    )
    .post(
      '/invite/:token',
      async ({ request, auth, params }) => {
        // Per address and, when signed in, per account, before the link is even looked up; then per
        // link, so one invitation cannot be tried over and over from many addresses.
        const checks: LimitCheck[] = [[limits.inviteAccept, limitAddress(request), 'invitation attempts from your address']]
        if (auth) checks.push([limits.inviteAcceptAccount, auth.user.id, 'invitation attempts for your account'])
        const limited = hitLimits(request, checks)
        if (limited) return limited
        const inv = await find(params.token)
        if (!inv) return invalid(request, auth)
        const byLink = limits.inviteAcceptLink.hit(inv.id)
        if (!byLink.ok) return tooMany(request, byLink, 'attempts with this invitation link')
        const title = `Join ${inv.org.name}`

        if (auth) {
          if (wrongAccount(inv, auth)) return card(request, 'Invitation for someone else', (csrf) => WrongAccount({ inv, user: auth.user, csrf }) as string, 403)
          if (await orgs.membership(auth.user.id, inv.org.id)) {
            if (auth.session) await accounts.setSessionOrg(auth.session.id, inv.org.id)
            return redirect(request, '/', { kind: 'ok', text: `You belong to ${inv.org.name} already.` })
          }
          let org: Org
          try {
            org = await orgs.acceptInvitation(params.token, auth.user.id, declared())
          } catch (err) {
            if (!(err instanceof InputError)) throw err
            return card(request, 'Invitation not valid', () => InvalidLink({ signedIn: true }) as string, err.status === 409 ? 409 : 404)
          }
          if (auth.session) await accounts.setSessionOrg(auth.session.id, org.id)
          await joined(request, auth, auth.user, org, inv, false)
          return redirect(request, '/', { kind: 'ok', text: `Welcome to ${org.name}.` })
        }

        const form = await readForm(request)
        const values = { name: form.name ?? '', email: (form.email ?? '').trim() }
        const again = (errors: FieldErrors, error?: string) =>
          card(request, title, (csrf) => SignUpForm({ token: params.token, inv, csrf, values, errors, error }) as string, 422)
        if (inv.email) {
          let email = ''
          try {
            email = normalizeEmail(values.email)
          } catch {
            // reported below as not the invited address
          }
          if (email !== inv.email) return again({ email: `This invitation is for ${inv.email}: use that address.` })
        }
        let user: User
        try {
          user = await accounts.createUser({ name: values.name, email: values.email, password: form.password ?? '' })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          // A taken address gets an answer that does not say whether an account exists (no enumeration).
          if (err.status === 409) return again({ email: NOT_CREATED })
          return again({ [err.field ?? 'email']: sentence(err.message) })
        }
        let org: Org | undefined
        let problem: string | undefined
        try {
          org = await orgs.acceptInvitation(params.token, user.id, declared())
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          problem = `Your account is created, but the invitation could not be used: ${err.message}.`
        }
        const { token } = await accounts.createSession(user.id, { ip: clientIp(request), userAgent: request.headers.get('user-agent') ?? '', orgId: org?.id ?? null })
        await accounts.audit({ userId: user.id, email: user.email, ip: clientIp(request), orgId: org?.id ?? null }, 'auth.sign_up', user.email, { invitation: inv.id })
        if (org) await joined(request, null, user, org, inv, true)
        const flash = org ? { kind: 'ok' as const, text: `Welcome to ${org.name}.` } : { kind: 'error' as const, text: problem ?? 'The invitation could not be used.' }
        return redirect(request, '/', flash, [sessionCookie(request, token)])
      },
      { public: true },
    )
}
