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
      <table class="audit-log">
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
              <td safe>{e.actorEmail ?? '—'}</td>
              <td>
                <code safe>{e.action}</code>
              </td>
              <td safe>{e.target ?? '—'}</td>
              <td safe>{e.ip || '—'}</td>
              {props.orgLabel ? <td safe>{props.orgLabel(e.orgId)}</td> : ''}
              <td>{e.details && Object.keys(e.details).length ? <code safe>{JSON.stringify(e.details)}</code> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
