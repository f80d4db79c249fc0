/**
 * @module The instance audit log's filters, read from a query string (the page and its CSV export
 * take the same ones): action prefix, actor email, and a range of UTC days.
 */
import { EMAIL_MAX } from '../auth/accounts.ts'
import type { FieldErrors } from '../../views/components.tsx'

/** The filters as typed (kept in the form and in every link: paging, the CSV download). */
export interface AuditFilterValues {
  action: string
  actor: string
  from: string
  to: string
}

/** The filters as `Accounts.listAudit` takes them. */
export interface AuditFilter {
  action?: string
  actor?: string
  /** Inclusive: the start of the `from` day (UTC). */
  from?: Date
  /** Exclusive: the end of the `to` day (UTC). */
  to?: Date
}

/** The longest action prefix taken (longer is cut, as the filter always did). */
export const ACTION_MAX = 100
const DAY_MS = 86_400_000
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** The start of a YYYY-MM-DD day in UTC, or undefined when it is not a real day (2026-02-30). */
function utcDay(value: string): Date | undefined {
  const m = DAY.exec(value)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d) // not Date.UTC, which reads years below 100 as 19xx
  // year 0 and past 9999 are refused: PostgreSQL's timestamps have no year 0 and ISO text no year 10000
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : undefined
}

/**
 * The filters of a query string: the values as typed, the filter to apply, and an error per field
 * for a malformed date or a range that ends before it starts (then nothing is to be listed).
 */
export function auditFilterOf(params: URLSearchParams): { values: AuditFilterValues; filter: AuditFilter; errors: FieldErrors } {
  const text = (name: string, max: number) => (params.get(name) ?? '').trim().slice(0, max)
  const values: AuditFilterValues = { action: text('action', ACTION_MAX), actor: text('actor', EMAIL_MAX), from: text('from', 20), to: text('to', 20) }
  const errors: FieldErrors = {}
  const filter: AuditFilter = { action: values.action || undefined, actor: values.actor || undefined }
  if (values.from) {
    filter.from = utcDay(values.from)
    if (!filter.from) errors.from = `"${values.from}" is not a date: use YYYY-MM-DD, as in 2026-03-01`
  }
  if (values.to) {
    const day = utcDay(values.to)
    // the end of the day, but never past the last instant of year 9999 (see utcDay)
    if (day) filter.to = new Date(Math.min(day.getTime() + DAY_MS, LAST_INSTANT))
    else errors.to = `"${values.to}" is not a date: use YYYY-MM-DD, as in 2026-03-31`
  }
  if (filter.from && filter.to && filter.to.getTime() <= filter.from.getTime()) errors.to = 'the end date is before the start date: swap them'
  return { values, filter, errors }
}

/** The query string of the filters that are set (in form order), plus `extra` (paging); '' when none. */
export function auditQuery(values: AuditFilterValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...values, ...extra })) if (v) params.set(k, v)
  const qs = params.toString()
  return qs ? `?${qs}` : ''
}

/** Whether any filter is set. */
export function filtered(values: AuditFilterValues): boolean {
  return !!(values.action || values.actor || values.from || values.to)
}

/**
 * The choices the action field suggests: each noun prefix ("user.") before its actions, then the
 * actions the log holds.
 */
export function actionChoices(actions: string[]): string[] {
  const out: string[] = []
  let prefix = ''
  for (const action of actions) {
    const dot = action.indexOf('.')
    const noun = dot > 0 ? action.slice(0, dot + 1) : ''
    if (noun && noun !== prefix) {
      prefix = noun
      if (!actions.includes(noun)) out.push(noun)
    }
    out.push(action)
  }
  return out
}
