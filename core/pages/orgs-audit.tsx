/**
 * @module The audit log of the current organization, newest first, a page at a time. A viewer who
 * may not see emails (`seesEmails`) reads names instead, and masked addresses for non-members.
 */
import { AuditTable, auditNames, maskedAuditEntry } from '../../views/audit-table.tsx'
import { seesEmails } from '../auth/permissions.ts'
import { Elysia } from 'elysia'
import { guard } from '../http/guard.ts'
import type { ServerDeps } from '../http/server.ts'
import { EmptyState } from '../../views/components.tsx'
import { OrgHeader, orgOf } from './orgs-ui.tsx'

const AUDIT_PAGE = 50

/** The organization's audit log page. */
export function orgAuditPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts } = identity

  return new Elysia({ name: 'core:orgs-audit' })
    .use(guard)
    .get(
      '/orgs/audit',
      async ({ request, auth, query }) => {
        const org = orgOf(auth)
        const raw = typeof query.before === 'string' ? query.before : ''
        const before = /^\d{1,15}$/.test(raw) ? Number(raw) : undefined
        const rows = await accounts.listAudit({ orgId: org.id, before, limit: AUDIT_PAGE + 1 })
        const page = rows.slice(0, AUDIT_PAGE)
        const names = seesEmails(auth.permissions) ? undefined : await auditNames(identity, org.id, page)
        const entries = names ? page.map((e) => maskedAuditEntry(e, names)) : page
        const older = rows.length > AUDIT_PAGE ? entries[entries.length - 1]?.id : undefined
        const body = (
          <>
            <OrgHeader auth={auth} current="/orgs/audit" subtitle="What happened in this organization, newest first" />
            {entries.length === 0 ? (
              <EmptyState title={before ? 'No older entries' : 'Nothing logged yet'}>
                {before ? (
                  <p>
                    <a href="/orgs/audit">Back to the newest entries</a>
                  </p>
                ) : (
                  <p>Changes to members, teams, roles and invitations appear here.</p>
                )}
              </EmptyState>
            ) : (
              <AuditTable entries={entries} />
            )}
            <nav class="pager" aria-label="Audit log pages">
              {before ? <a href="/orgs/audit">Newest</a> : ''}
              {older !== undefined ? <a href={`/orgs/audit?before=${older}`}>Older entries →</a> : ''}
            </nav>
          </>
        ) as string
        return renderer.page(request, auth, { title: `Audit log · ${org.name}`, body })
      },
      { permission: 'core.audit.read' },
    )
}
