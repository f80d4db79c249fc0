/**
 * @module Instance admin: one account's sessions and personal API tokens (/admin/users/:id/access),
 * ending a session or all of them (the user's next request is signed out) and revoking a token or
 * all of them. Each action is audited with the account as target. An admin's own account is
 * managed on their account pages instead.
 */
import { Elysia } from 'elysia'
import type { User } from '../auth/accounts.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { InputError } from '../auth/accounts.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { errorPageFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, EmptyState, FormError } from '../../views/components.tsx'
import { SessionTable, TokenTable } from './access-tables.tsx'
import { adminPage, instanceActor } from './admin-ui.tsx'
import { describeUserAgent } from './user-agent.ts'

const admin = { permission: INSTANCE_ADMIN } as const

/** The page of one account's sessions and tokens. */
export function accessPath(userId: string, rest = ''): string {
  return `/admin/users/${encodeURIComponent(userId)}/access${rest}`
}

function base(userId: string): string {
  return `/admin/users/${encodeURIComponent(userId)}`
}

/** One account's sessions and tokens, and the admin's actions on them. */
export function adminUserAccessPages(deps: ServerDeps) {
  const { accounts, orgs, tokens } = deps.identity

  const accessPage = async (request: Request, auth: Auth, user: User, options: { error?: string; status?: number } = {}) => {
    const [sessions, list, allOrgs] = await Promise.all([accounts.listSessions(user.id), tokens.list(user.id), orgs.listAllOrgs()])
    const orgNames = new Map(allOrgs.map((o) => [o.id, o.name]))
    const csrf = auth.session?.csrf
    const self = user.id === auth.user.id
    const body = (
      <>
        <p>
          <a href="/admin/users">← Back to the users</a>
        </p>
        <FormError message={options.error} />
        {self ? (
          <p class="muted">
            This is your own account: end your sessions on <a href="/account/sessions">your sessions page</a> and revoke your tokens on <a href="/account/tokens">your API tokens page</a>.
          </p>
        ) : (
          ''
        )}
        <section class="section" id="sessions">
          <h2 safe>{`Where ${user.name} (${user.email}) is signed in`}</h2>
          {!self && sessions.length > 0 ? (
            <div class="page-actions section-actions">
              <ActionButton
                action={`${base(user.id)}/sessions/end`}
                csrf={csrf}
                label="Sign out everywhere"
                confirm={`Sign ${user.name} out of ${sessions.length} session${sessions.length === 1 ? '' : 's'}? They can sign in again with their password.`}
              />
            </div>
          ) : (
            ''
          )}
          <SessionTable
            sessions={sessions}
            csrf={csrf}
            empty={<EmptyState title="No active sessions" />}
            revoke={(s) =>
              self ? undefined : { action: `${base(user.id)}/sessions/${encodeURIComponent(s.id)}/revoke`, label: 'Revoke', confirm: `End this session of ${user.name}? They are signed out on that device at once.` }
            }
          />
        </section>
        <section class="section" id="tokens">
          <h2 safe>{`API tokens of ${user.name}`}</h2>
          {!self && list.length > 0 ? (
            <div class="page-actions section-actions">
              <ActionButton
                action={`${base(user.id)}/tokens/revoke`}
                csrf={csrf}
                label="Revoke all tokens"
                confirm={`Revoke all ${list.length} API token${list.length === 1 ? '' : 's'} of ${user.name}? Tools using them stop working.`}
              />
            </div>
          ) : (
            ''
          )}
          <TokenTable
            tokens={list}
            csrf={csrf}
            empty={<EmptyState title="No API tokens" />}
            scopesHeading="Scopes"
            created={false}
            orgName={(t) => orgNames.get(t.orgId) ?? t.orgId}
            revoke={(t) =>
              self ? undefined : { action: `${base(user.id)}/tokens/${encodeURIComponent(t.id)}/revoke`, label: 'Revoke', confirm: `Revoke the token “${t.name}” of ${user.name}? Tools using it stop working.` }
            }
          />
        </section>
      </>
    ) as string
    return adminPage(deps, request, auth, 'users', { title: `Sessions and tokens of ${user.name}`, body, status: options.status })
  }

  const notFound = (request: Request, what: string, detail: string) => errorPageFor(request, new URL(request.url).pathname, 404, 'not_found', `No such ${what}`, detail)
  const noSuchUser = (request: Request) => notFound(request, 'user', 'There is no account with this id.')

  /** The account of the URL, and the refusal when there is none (404) or it is the admin's own (409). */
  const target = async (request: Request, auth: Auth, id: string): Promise<User | Response> => {
    const user = await accounts.getUser(String(id).slice(0, 128))
    if (!user) return noSuchUser(request)
    if (user.id === auth.user.id) return accessPage(request, auth, user, { status: 409, error: 'This is your own account: use your account pages to end your sessions and revoke your tokens.' })
    return user
  }

  const done = (request: Request, user: User, text: string) => redirect(request, accessPath(user.id), { kind: 'ok', text })

  return new Elysia({ name: 'core:admin-user-access' })
    .use(guard)
    .get(
      '/admin/users/:id/access',
      async ({ request, auth, params }) => {
        const user = await accounts.getUser(String(params.id).slice(0, 128))
        return user ? accessPage(request, auth, user) : noSuchUser(request)
      },
      admin,
    )
    .post(
      '/admin/users/:id/sessions/:sessionId/revoke',
      async ({ request, auth, params }) => {
        const user = await target(request, auth, params.id)
        if (user instanceof Response) return user
        const id = String(params.sessionId).slice(0, 128)
        const session = (await accounts.listSessions(user.id)).find((s) => s.id === id)
        // endSession matches the session on the user too: another account's session id is not found here
        if (!(await accounts.endSession(user.id, id))) return notFound(request, 'session', `${user.name} has no such session. It may have ended already.`)
        await accounts.audit(instanceActor(request, auth), 'session.revoked_by_admin', user.email, session ? { device: describeUserAgent(session.userAgent), ip: session.ip } : undefined)
        return done(request, user, `The session of ${user.name} has ended: they are signed out on that device.`)
      },
      admin,
    )
    .post(
      '/admin/users/:id/sessions/end',
      async ({ request, auth, params }) => {
        const user = await target(request, auth, params.id)
        if (user instanceof Response) return user
        const count = (await accounts.listSessions(user.id)).length
        await accounts.endSessions(user.id) // pending two-factor steps too
        await accounts.audit(instanceActor(request, auth), 'session.all_revoked_by_admin', user.email, { count })
        return done(request, user, count === 0 ? `${user.name} was signed in nowhere.` : `${user.name} is signed out everywhere (${count} session${count === 1 ? '' : 's'}).`)
      },
      admin,
    )
    .post(
      '/admin/users/:id/tokens/:tokenId/revoke',
      async ({ request, auth, params }) => {
        const user = await target(request, auth, params.id)
        if (user instanceof Response) return user
        let token
        try {
          // revoke matches the token on the user too: another account's token id is not found here
          token = await tokens.revoke(user.id, String(params.tokenId).slice(0, 128))
        } catch (err) {
          if (err instanceof InputError && err.status === 404) return notFound(request, 'token', `${user.name} has no such token. It may have been revoked already.`)
          throw err
        }
        await accounts.audit(instanceActor(request, auth), 'token.revoked_by_admin', user.email, { id: token.id, name: token.name })
        return done(request, user, `The token “${token.name}” of ${user.name} is revoked.`)
      },
      admin,
    )
    .post(
      '/admin/users/:id/tokens/revoke',
      async ({ request, auth, params }) => {
        const user = await target(request, auth, params.id)
        if (user instanceof Response) return user
        const count = await tokens.revokeAll(user.id)
        await accounts.audit(instanceActor(request, auth), 'token.all_revoked_by_admin', user.email, { count })
        return done(request, user, count === 0 ? `${user.name} had no API tokens.` : `${count} API token${count === 1 ? '' : 's'} of ${user.name} revoked.`)
      },
      admin,
    )
}
