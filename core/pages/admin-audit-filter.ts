/**
 * @module The instance audit log's filters, read from a query string (the page and its CSV export
 * take the same ones): action prefix, actor email, and a range of days in the viewer's time zone
 * (the zone the page shows its times in: see viewer-zone.ts).
 */
import { EMAIL_MAX } from '../auth/accounts.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { dayStartIn } from './viewer-zone.ts'

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
  /** Inclusive: the start of the `from` day in the viewer's zone. */
  from?: Date
  /** Exclusive: the end of the `to` day in the viewer's zone. */
  to?: Date
}

/** The longest action prefix taken (longer is cut, as the filter always did). */
export const ACTION_MAX = 100
const DAY_MS = 86_400_000
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const FIRST_INSTANT = new Date('0001-01-01T00:00:00Z').getTime()
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** The midnight of a YYYY-MM-DD day written as UTC, or undefined when it is not a real day (2026-02-30). */
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
 * The filters of a query string: the values as typed, the filter to apply (days from midnight to
 * midnight in `tz`, an IANA zone), and an error per field for a malformed date or a range that ends
 * before it starts (then nothing is to be listed).
 */
export function auditFilterOf(params: URLSearchParams, tz = 'UTC'): { values: AuditFilterValues; filter: AuditFilter; errors: FieldErrors } {
  const text = (name: string, max: number) => (params.get(name) ?? '').trim().slice(0, max)
  const values: AuditFilterValues = { action: text('action', ACTION_MAX), actor: text('actor', EMAIL_MAX), from: text('from', 20), to: text('to', 20) }
  const errors: FieldErrors = {}
  const filter: AuditFilter = { action: values.action || undefined, actor: values.actor || undefined }
  // never before year 1 nor past year 9999, whatever the zone's offset (see utcDay)
  const inRange = (t: number) => new Date(Math.min(Math.max(t, FIRST_INSTANT), LAST_INSTANT))
  if (values.from) {
    const day = utcDay(values.from)
    if (day) filter.from = inRange(dayStartIn(day.getTime(), tz))
    else errors.from = `Enter a date as YYYY-MM-DD, like 2026-03-01: "${values.from}" is not one.`
  }
  if (values.to) {
    const day = utcDay(values.to)
    // the end of the day: the start of the next one
    if (day) filter.to = inRange(dayStartIn(day.getTime() + DAY_MS, tz))
    else errors.to = `Enter a date as YYYY-MM-DD, like 2026-03-31: "${values.to}" is not one.`
  }
  if (filter.from && filter.to && filter.to.getTime() <= filter.from.getTime()) errors.to = 'The end date is before the start date: swap them.'
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
