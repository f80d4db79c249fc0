/** @module Pieces the account pages share: the tab bar and page frame, the browser-session rule, the 404 page. */
import type { Auth } from '../auth/resolve.ts'
import { errorFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { PageHeader } from '../../views/components.tsx'

/** The account tabs' ids. */
export type AccountTab = 'profile' | 'password' | 'sessions' | '2fa' | 'tokens'

const TABS: { id: AccountTab; href: string; label: string }[] = [
  { id: 'profile', href: '/account', label: 'Profile' },
  { id: 'password', href: '/account/password', label: 'Password' },
  { id: 'sessions', href: '/account/sessions', label: 'Sessions' },
  { id: '2fa', href: '/account/2fa', label: 'Two-factor' },
  { id: 'tokens', href: '/account/tokens', label: 'API tokens' },
]

/** Pages that show a secret once are never cached. */
export const NO_STORE = { 'cache-control': 'no-store' }

function Tabs(props: { active: AccountTab }) {
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

/** Renders an account tab in the shell: heading, tab bar, then `body` (trusted, already rendered). */
export function accountPage(deps: ServerDeps, request: Request, auth: Auth, tab: AccountTab, body: string, status = 200, headers?: Record<string, string>): Promise<Response> {
  return deps.renderer.page(request, auth, {
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
}

/** Account pages need a browser session: an API token cannot change passwords, sessions or tokens. */
export function sessionOnly(request: Request, auth: Auth): Response | undefined {
  return auth.session ? undefined : errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not with an API token', 'Manage your account in the browser, signed in.')
}

/** A 404 page: no such `what` of this user's. */
export function notFound(request: Request, what: string): Response {
  return errorFor(new URL(request.url).pathname, 404, 'not_found', `No such ${what}`, `This ${what} does not exist, or it is not yours. It may have ended already.`)
}
