/**
 * @module The sessions tab: where the user is signed in (the device named from its User-Agent), and
 * ending a session (ending this one signs out) or every other one at once.
 */
import { Elysia } from 'elysia'
import { SIGNED_IN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { cookie, sessionCookieName } from '../http/cookies.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, EmptyState } from '../../views/components.tsx'
import { accountPage, notFound, sessionOnly } from './account-ui.tsx'
import { SessionTable, type SessionRow } from './access-tables.tsx'
import { actorOf } from './context.ts'

function SessionsView(p: { auth: Auth; sessions: SessionRow[] }) {
  const csrf = p.auth.session?.csrf
  const others = p.sessions.filter((s) => s.id !== p.auth.session?.id).length
  return (
    <section class="section">
      <h2>Where you are signed in</h2>
      {/* Above the list, which can be long: the way out of every other session is found first. */}
      {others > 0 ? (
        <div class="page-actions section-actions">
          <ActionButton
            action="/account/sessions/others/end"
            csrf={csrf}
            label="Sign out all other sessions"
            confirm={`Sign out ${others} other session${others === 1 ? '' : 's'}? This one stays signed in.`}
          />
        </div>
      ) : (
        ''
      )}
      <SessionTable
        sessions={p.sessions}
        csrf={csrf}
        empty={<EmptyState title="No sessions">You are signed in nowhere else.</EmptyState>}
        current={p.auth.session?.id}
        revoke={(s) => {
          const current = s.id === p.auth.session?.id
          return { action: `/account/sessions/${encodeURIComponent(s.id)}/revoke`, label: current ? 'Sign out' : 'Revoke', confirm: current ? 'Sign out on this device?' : 'End this session?' }
        }}
      />
    </section>
  )
}

/** The sessions tab, ending a session, and ending every other one. */
export function accountSessionPages(deps: ServerDeps) {
  const { accounts } = deps.identity

  return new Elysia({ name: 'core:account-sessions' })
    .use(guard)
    .get(
      '/account/sessions',
      async ({ request, auth }) => sessionOnly(request, auth) ?? accountPage(deps, request, auth, 'sessions', SessionsView({ auth, sessions: await accounts.listSessions(auth.user.id) }) as string),
      { permission: SIGNED_IN },
    )
    .post(
      '/account/sessions/others/end',
      async ({ request, auth }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        const current = auth.session!.id
        const count = (await accounts.listSessions(auth.user.id)).filter((s) => s.id !== current).length
        // Every other session of the user ends, pending two-factor steps included; this one stays.
        await accounts.endSessions(auth.user.id, current)
        await accounts.audit(actorOf(request, auth), 'auth.other_sessions_revoked', auth.user.email, { count })
        const text = count === 0 ? 'You were signed in nowhere else.' : `${count} other session${count === 1 ? ' has' : 's have'} ended. This one stays signed in.`
        return redirect(request, '/account/sessions', { kind: 'ok', text })
      },
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
}
