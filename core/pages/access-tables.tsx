/**
 * @module The sessions and API tokens tables that a user's own account pages and an instance
 * admin's view of an account (/admin/users/:id/access) share; each page says what a row's button does.
 */
import type { Children } from '@kitajs/html'
import type { ApiToken } from '../auth/tokens.ts'
import { ActionButton, LocalTime } from '../../views/components.tsx'
import { describeUserAgent } from './user-agent.ts'

/** A session as the table shows it. */
export type SessionRow = { id: string; createdAt: Date; lastSeenAt: Date; ip: string; userAgent: string }

/** A row's button: where it posts, its label and its confirmation question. */
export type RowAction = { action: string; label: string; confirm: string }

/** A stacking table of rows with a last, unlabelled column of actions; `head` holds the other columns' headings. */
function RowsTable(p: { head: JSX.Element; children: Children }) {
  return (
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            {p.head as 'safe'}
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{p.children}</tbody>
      </table>
    </div>
  )
}

/** A row's button, or nothing for no button (an admin's own account). */
function RowActions(p: { csrf: string | undefined; button: RowAction | undefined }) {
  return <td class="row-actions">{p.button ? <ActionButton action={p.button.action} csrf={p.csrf} label={p.button.label} confirm={p.button.confirm} /> : ''}</td>
}

/** Where an account is signed in: device, address, times; `empty` stands instead when there is none. */
export function SessionTable(p: {
  sessions: SessionRow[]
  csrf: string | undefined
  empty: JSX.Element
  /** The viewer's own session, marked "This device". */
  current?: string
  revoke: (s: SessionRow) => RowAction | undefined
}) {
  if (p.sessions.length === 0) return p.empty
  return (
    <RowsTable
      head={
        <>
          <th scope="col">Device</th>
          <th scope="col">IP address</th>
          <th scope="col">Signed in</th>
          <th scope="col">Last seen</th>
        </>
      }
    >
      {p.sessions.map((s) => (
        <tr>
          <td class="session-device">
            <span title={s.userAgent || undefined} safe>
              {describeUserAgent(s.userAgent)}
            </span>
            {s.id === p.current ? <span class="badge badge-ok">This device</span> : ''}
          </td>
          <td data-label="IP address" safe>{s.ip || '—'}</td>
          <td data-label="Signed in" class="nowrap">
            <LocalTime at={s.createdAt} />
          </td>
          <td data-label="Last seen" class="nowrap">
            <LocalTime at={s.lastSeenAt} />
          </td>
          <RowActions csrf={p.csrf} button={p.revoke(s)} />
        </tr>
      ))}
    </RowsTable>
  )
}

/** API tokens: name, organization, scopes, (created,) expiry, last use; `empty` stands instead when there is none. */
export function TokenTable(p: {
  tokens: ApiToken[]
  csrf: string | undefined
  empty: JSX.Element
  /** The heading of the scopes column ("Permissions" on the account page). */
  scopesHeading: string
  /** Whether a Created column is shown. */
  created: boolean
  orgName: (t: ApiToken) => string
  /** A note under a token's scopes (rendered HTML), or ''. */
  note?: (t: ApiToken) => JSX.Element
  revoke: (t: ApiToken) => RowAction | undefined
}) {
  if (p.tokens.length === 0) return p.empty
  const safeNote = p.note ?? (() => '')
  return (
    <RowsTable
      head={
        <>
          <th scope="col">Name</th>
          <th scope="col">Organization</th>
          <th scope="col" safe>
            {p.scopesHeading}
          </th>
          {p.created ? <th scope="col">Created</th> : ''}
          <th scope="col">Expires</th>
          <th scope="col">Last used</th>
        </>
      }
    >
      {p.tokens.map((t) => (
        <tr>
          <td safe>{t.name}</td>
          <td data-label="Organization" safe>{p.orgName(t)}</td>
          <td data-label={p.scopesHeading} class="token-perms">
            {/* one child, so the stacked (narrow) layout wraps the chips instead of running them off the edge */}
            <div>
              {t.permissions.map((perm) => (
                <>
                  <code safe>{perm}</code>{' '}
                </>
              ))}
              {safeNote(t)}
            </div>
          </td>
          {p.created ? (
            <td data-label="Created" class="nowrap">
              <LocalTime at={t.createdAt} />
            </td>
          ) : (
            ''
          )}
          <td data-label="Expires">
            <LocalTime at={t.expiresAt} />
            {t.expiresAt.getTime() <= Date.now() ? <span class="badge badge-danger">Expired</span> : ''}
          </td>
          <td data-label="Last used" class="nowrap">{t.lastUsedAt ? <LocalTime at={t.lastUsedAt} /> : 'Never'}</td>
          <RowActions csrf={p.csrf} button={p.revoke(t)} />
        </tr>
      ))}
    </RowsTable>
  )
}
