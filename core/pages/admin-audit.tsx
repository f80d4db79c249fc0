/**
 * @module Instance admin: the organizations tab and the audit log (read only: newest first, 50 a
 * page with `?before=<id>`; filters by action prefix, actor email and days in the viewer's time zone,
 * kept in the query string; the filtered log as CSV at /admin/audit.csv). No route edits or deletes entries.
 */
import { AuditTable } from '../../views/audit-table.tsx'
import { Elysia } from 'elysia'
import { AdminOrgsTable } from './admin-orgs.tsx'
import { EMAIL_MAX } from '../auth/accounts.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import { csvLine } from '../http/csv.ts'
import { guard } from '../http/guard.ts'
import { errorFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { EmptyState, Field, FormError } from '../../views/components.tsx'
import { ACTION_MAX, actionChoices, auditFilterOf, auditQuery, filtered } from './admin-audit-filter.ts'
import { adminPage, positiveInt } from './admin-ui.tsx'
import { viewerZone } from './viewer-zone.ts'

const admin = { permission: INSTANCE_ADMIN } as const
const PAGE = 50
/** Entries read per query while the CSV streams. */
const CSV_BATCH = 200
const CSV_COLUMNS = ['id', 'at', 'actor', 'action', 'target', 'ip', 'organization', 'details']

/** The organizations and audit admin pages. */
export function adminAuditPages(deps: ServerDeps) {
  const { accounts, orgs } = deps.identity
  /** An organization's name by id (its id once it is deleted), for the log's Organization column. */
  const orgLabels = async () => {
    const names = new Map((await orgs.listAllOrgs()).map((o) => [o.id, o.name]))
    return (id: string | null): string => (id ? (names.get(id) ?? id) : '—')
  }

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
        const zone = viewerZone(request)
        const { values, filter, errors } = auditFilterOf(url.searchParams, zone)
        const bad = Object.values(errors).some(Boolean)
        const rows = bad ? [] : await accounts.listAudit({ ...filter, before, limit: PAGE + 1 })
        const more = rows.length > PAGE
        const entries = rows.slice(0, PAGE)
        const orgLabel = await orgLabels()
        const next = more ? `/admin/audit${auditQuery(values, { before: String(entries[entries.length - 1]!.id) })}` : undefined
        const any = filtered(values)
        const body = (
          <>
            <FormError message={bad ? 'Check the filters: nothing is listed until they are right.' : undefined} />
            <form method="get" action="/admin/audit" role="search" class="audit-filter">
              <Field name="action" id="audit-action" label="Action starts with" type="search" value={values.action} placeholder="user., auth." maxlength={ACTION_MAX} list="audit-actions" autocomplete="off" />
              <datalist id="audit-actions">
                {actionChoices(await accounts.auditActions()).map((a) => (
                  <option value={a} />
                ))}
              </datalist>
              <Field name="actor" id="audit-actor" label="Who (email contains)" type="search" value={values.actor} placeholder="ana@example.com" maxlength={EMAIL_MAX} autocomplete="off" />
              <Field name="from" id="audit-from" label="From day" type="date" value={values.from} error={errors.from} placeholder="YYYY-MM-DD" />
              <Field name="to" id="audit-to" label="To day (included)" type="date" value={values.to} error={errors.to} placeholder="YYYY-MM-DD" />
              <button type="submit" class="secondary outline">
                Filter
              </button>{' '}
              {any || before ? <a href="/admin/audit">Show all, newest first</a> : ''}
              <p class="audit-filter-zone muted" safe>
                {zone === 'UTC' ? 'Days are counted in UTC, like the times below.' : `Days are counted in your time zone, ${zone}, like the times below.`}
              </p>
            </form>
            {bad ? (
              ''
            ) : (
              <p>
                <a href={`/admin/audit.csv${auditQuery(values)}`}>
                  {any ? 'Download these entries (CSV)' : 'Download the audit log (CSV)'}
                </a>
              </p>
            )}
            {bad ? (
              ''
            ) : entries.length === 0 ? (
              <EmptyState title={any ? 'No entries match' : before ? 'No older entries' : 'The audit log is empty'}>
                {any ? <p>Try a shorter prefix, another email or a wider range of days, or clear the filters.</p> : ''}
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
        return adminPage(deps, request, auth, 'audit', { title: 'Audit log', body, status: bad ? 400 : undefined })
      },
      admin,
    )
    .get(
      '/admin/audit.csv',
      async ({ request }) => {
        const url = new URL(request.url)
        const { filter, errors } = auditFilterOf(url.searchParams, viewerZone(request))
        const problems = Object.entries(errors).filter(([, message]) => message)
        if (problems.length) {
          const message = problems.map(([field, text]) => `${field === 'from' ? 'From' : 'To'}: ${text}`).join(' ')
          return errorFor(url.pathname, 400, 'bad_filter', 'Check the filters', message)
        }
        const orgLabel = await orgLabels()
        const encoder = new TextEncoder()
        let before: number | undefined
        let header = true
        // A batch at a time, oldest id last: a long log is never held whole in memory.
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            let text = header ? csvLine(CSV_COLUMNS) : ''
            header = false
            const rows = await accounts.listAudit({ ...filter, before, limit: CSV_BATCH })
            for (const e of rows) {
              text += csvLine([e.id, e.at.toISOString(), e.actorEmail, e.action, e.target, e.ip, e.orgId ? orgLabel(e.orgId) : '', e.details ? JSON.stringify(e.details) : ''])
            }
            if (text) controller.enqueue(encoder.encode(text))
            if (rows.length < CSV_BATCH) controller.close()
            else before = rows[rows.length - 1]!.id
          },
        })
        return new Response(stream, {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
            'cache-control': 'no-store',
          },
        })
      },
      admin,
    )
}
