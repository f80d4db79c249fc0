/**
 * @module The audit log table, shared by the organization's and the instance admin's audit pages,
 * and the masking of email addresses in entries for viewers who may not see emails (the
 * organization's log, page and API).
 */
import { formatDate } from './components.tsx'
import type { Identity } from '../core/auth/index.ts'

/** One audit entry as the table shows it. */
export interface AuditEntry {
  id: number
  at: Date
  actorEmail: string | null
  /** Shown instead of `actorEmail` when set (the actor's name, for viewers who may not see emails). */
  actorName?: string | null
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
                {e.actorName ?? e.actorEmail ?? '—'}
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
                <OrgCell label={props.orgLabel(e.orgId)} />
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

/** An organization's name: on one line when short (a name like "Demo 2026-11-26" broke at its hyphen), else wrapping. */
function OrgCell(props: { label: string }) {
  return (
    <td data-label="Organization" class={props.label.length <= 24 ? 'nowrap' : undefined} safe>
      {props.label}
    </td>
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

/**
 * An email address inside any text (a target, a detail, an error message): the same shape sign-up
 * accepts (`normalizeEmail`: anything but spaces and "@" either side), so an address in any script
 * or with "/" or "!" in it is caught whole, not just its ASCII tail. Group 1 is opening punctuation
 * before it ("<", "(", a quote), kept as text; trailing punctuation is trimmed off the domain in
 * `emailParts`. Matching the whole non-space run masks too much rather than too little.
 */
const EMAIL_IN_TEXT = /([<(\[{"'‘“]*)([^\s@]+@[^\s@]+)/gu
/** Punctuation that ends a sentence or closes a bracket after an address ("… to sam@example.com."). */
const TRAILING_PUNCTUATION = /[.,;:!?>)\]}"'’”]+$/u

/** Splits a match of EMAIL_IN_TEXT into the address and the punctuation after it (kept as text). */
function emailParts(match: string): { email: string; after: string } {
  const at = match.indexOf('@')
  const domain = match.slice(at + 1)
  const trimmed = domain.replace(TRAILING_PUNCTUATION, '')
  // a domain of punctuation only is still a domain: the local part must be masked all the same
  if (!trimmed) return { email: match, after: '' }
  return { email: match.slice(0, at + 1) + trimmed, after: domain.slice(trimmed.length) }
}

/**
 * An email address as someone who may not see emails reads it: the first character of the local
 * part, three dots, the domain ("s•••@example.com"). The domain stays: it says which company
 * without naming the person. Characters, not UTF-16 units: an emoji is not cut in half. Text
 * without "@" (no address) comes back as it is.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 0) return email
  const [first = ''] = email.slice(0, at)
  return `${first}•••${email.slice(at)}`
}

/** Every email address in `text` (lower-cased, as accounts store them). */
function emailsIn(text: string): string[] {
  return [...text.matchAll(EMAIL_IN_TEXT)].map((m) => emailParts(m[2]!).email.toLowerCase())
}

/** Names the viewer may see in place of emails: by user id (actors) and by lower-cased email (members). */
export interface AuditNames {
  byId: Map<string, string>
  byEmail: Map<string, string>
}

/**
 * The names for a page of the organization's log: every actor's (by id, even one who has since
 * left) and those of the org's members whose email appears in a target or a detail. An email of
 * anyone else (an invitee, a former member) stays masked. `actorsOnly`: skip the emails (for a
 * viewer who sees them anyway).
 */
export async function auditNames(
  identity: Identity,
  orgId: string,
  entries: { actorId: string | null; target: string | null; details: unknown }[],
  actorsOnly = false,
): Promise<AuditNames> {
  const actorIds = entries.map((e) => e.actorId).filter((id): id is string => !!id)
  const actors = await identity.accounts.usersByIds(actorIds)
  const byId = new Map(actors.map((u) => [u.id, u.name]))
  const emails = new Set<string>()
  if (actorsOnly) return { byId, byEmail: new Map() }
  for (const e of entries) for (const text of textsOf([e.target, e.details])) for (const email of emailsIn(text)) emails.add(email)
  const byEmail = new Map<string, string>()
  const wanted = [...emails].map((e) => e.toLowerCase())
  // the page's actors by their emails, then the org's members in one query, however many emails the page holds
  for (const u of actors) if (wanted.includes(u.email)) byEmail.set(u.email, u.name)
  for (const m of await identity.orgs.membersByEmails(orgId, wanted)) byEmail.set(m.user.email, m.user.name)
  return { byId, byEmail }
}

/** Every string inside a value (arrays and objects walked). */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(textsOf)
  if (value && typeof value === 'object') return Object.values(value).flatMap(textsOf)
  return []
}

/** `text` with each email replaced by its owner's name when known, else masked (`maskEmail`). */
export function withoutEmails(text: string, names?: AuditNames): string {
  return text.replace(EMAIL_IN_TEXT, (_, before: string, match: string) => {
    const { email, after } = emailParts(match)
    return before + (names?.byEmail.get(email.toLowerCase()) ?? maskEmail(email)) + after
  })
}

/** A detail value with the emails in its strings replaced, arrays and objects walked. */
function detailWithoutEmails(value: unknown, names: AuditNames): unknown {
  if (typeof value === 'string') return withoutEmails(value, names)
  if (Array.isArray(value)) return value.map((v) => detailWithoutEmails(v, names))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, detailWithoutEmails(v, names)]))
  return value
}

/**
 * An entry as a viewer who may not see emails gets it: `actorName` the actor's name (or the masked
 * email when the account is unknown), `actorEmail` masked as a whole (the field is an address: no
 * pattern decides what of it to hide), and every email in the target and the details (strings in
 * arrays and objects too) replaced by its owner's name or masked.
 */
export function maskedAuditEntry<T extends { actorId: string | null; actorEmail: string | null; target: string | null; details: Record<string, unknown> | null }>(
  entry: T,
  names: AuditNames,
): T & { actorName: string | null } {
  const actorEmail = entry.actorEmail === null ? null : maskEmail(entry.actorEmail)
  const actorName = (entry.actorId ? names.byId.get(entry.actorId) : undefined) ?? actorEmail
  return {
    ...entry,
    actorEmail,
    actorName,
    target: entry.target === null ? null : withoutEmails(entry.target, names),
    details: entry.details === null ? null : (detailWithoutEmails(entry.details, names) as Record<string, unknown>),
  }
}
