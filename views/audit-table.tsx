/** @module The audit log table, shared by the organization's and the instance admin's audit pages. */
import { formatDate } from './components.tsx'

/** One audit entry as the table shows it. */
export interface AuditEntry {
  id: number
  at: Date
  actorEmail: string | null
  action: string
  target: string | null
  ip: string | null
  orgId: string | null
  details: Record<string, unknown> | null
}

/** Entries, newest first; `orgLabel` adds an Organization column (instance-wide log). */
export function AuditTable(props: { entries: AuditEntry[]; orgLabel?: (orgId: string | null) => string }) {
  return (
    <div class="table-wrap">
      <table class="audit-log stack">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">From</th>
            {props.orgLabel ? <th scope="col">Organization</th> : ''}
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr>
              <td>
                <time datetime={e.at.toISOString()} safe>
                  {formatDate(e.at)}
                </time>
              </td>
              <td data-label="Who" safe>
                {e.actorEmail ?? '—'}
              </td>
              <td data-label="Action">
                <code safe>{e.action}</code>
              </td>
              <td data-label="Target" safe>
                {e.target ?? '—'}
              </td>
              <td data-label="From" safe>
                {e.ip || '—'}
              </td>
              {props.orgLabel ? (
                <td data-label="Organization" safe>
                  {props.orgLabel(e.orgId)}
                </td>
              ) : (
                ''
              )}
              <td data-label="Details">
                <AuditDetails details={e.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** A detail value as text: lists joined by commas, nested objects as JSON, nothing as "—". */
export function detailText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(', ') : '—'
  if (typeof value === 'object') return JSON.stringify(value)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value)
}

/** An entry's details as "key: value" lines (escaped), or a dash when there are none. */
export function AuditDetails(props: { details: Record<string, unknown> | null }) {
  const entries = Object.entries(props.details ?? {})
  if (entries.length === 0) return <span class="muted">—</span>
  return (
    <dl class="audit-details">
      {entries.map(([key, value]) => (
        <div>
          <dt safe>{key}</dt>
          <dd safe>{detailText(value)}</dd>
        </div>
      ))}
    </dl>
  )
}
