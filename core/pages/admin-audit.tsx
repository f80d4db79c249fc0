/**
 * @module Instance admin: the organizations tab and the audit log (read only: newest first, 50 a
 * page with `?before=<id>`, an optional `?action=` prefix filter). No route edits or deletes entries.
 */
import { AuditTable } from '../../views/audit-table.tsx'
import { Elysia } from 'elysia'
import { AdminOrgsTable } from './admin-orgs.tsx'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import { guard } from '../http/guard.ts'
import type { ServerDeps } from '../http/server.ts'
import { EmptyState, formatDate } from '../../views/components.tsx'
import { adminPage, positiveInt } from './admin-ui.tsx'

const admin = { permission: INSTANCE_ADMIN } as const
const PAGE = 50

/** The organizations and audit admin pages. */
export function adminAuditPages(deps: ServerDeps) {
  const { accounts, orgs } = deps.identity

  return new Elysia({ name: 'core:admin-audit' })
    .use(guard)
    .get(
      '/admin/orgs',
      async ({ request, auth }) => {
        const all = await orgs.listAllOrgs()
        const body = (
          <section class="section">
            {all.length === 0 ? (
              <EmptyState title="No organizations yet">
                <p>
                  <a href="/orgs/new">Create the first one</a>.
                </p>
              </EmptyState>
            ) : (
              <AdminOrgsTable orgs={all} />
            )}
          </section>
        ) as string
        return adminPage(deps, request, auth, 'orgs', { title: 'Organizations', body })
      },
      admin,
    )
    .get(
      '/admin/audit',
      async ({ request, auth }) => {
        const url = new URL(request.url)
        const before = positiveInt(url.searchParams.get('before'))
        const action = (url.searchParams.get('action') ?? '').trim().slice(0, 100)
        const rows = await accounts.listAudit({ before, action: action || undefined, limit: PAGE + 1 })
        const more = rows.length > PAGE
        const entries = rows.slice(0, PAGE)
        const orgNames = new Map((await orgs.listAllOrgs()).map((o) => [o.id, o.name]))
        const orgLabel = (id: string | null): string => (id ? (orgNames.get(id) ?? id) : '—')
        const next = more ? `/admin/audit?${new URLSearchParams({ ...(action ? { action } : {}), before: String(entries[entries.length - 1]!.id) })}` : undefined
        const body = (
          <>
            <form method="get" action="/admin/audit" role="search" class="audit-filter">
              <label for="audit-action">
                <span>Action starts with</span>
                <input id="audit-action" type="search" name="action" value={action} placeholder="plugin., user., auth.sign_in" maxlength={100} />
              </label>
              <button type="submit" class="secondary outline">
                Filter
              </button>{' '}
              {action || before ? <a href="/admin/audit">Show all, newest first</a> : ''}
            </form>
            {entries.length === 0 ? (
              <EmptyState title={action ? 'No entries match' : 'The audit log is empty'}>
                {action ? <p>Try a shorter prefix, or clear the filter.</p> : ''}
              </EmptyState>
            ) : (
              <AuditTable entries={entries} orgLabel={orgLabel} />
            )}
            {next ? (
              <p>
                <a href={next} rel="next">
                  Older entries →
                </a>
              </p>
            ) : (
              ''
            )}
          </>
        ) as string
        return adminPage(deps, request, auth, 'audit', { title: 'Audit log', body })
      },
      admin,
    )
}
