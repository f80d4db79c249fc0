/** @module What the calendar's route groups share: error answers, the view zone, scopes, the empty form and the occurrence lookup. */
import { InputError } from '../../core/auth/accounts.ts'
import { readCookie } from '../../core/http/cookies.ts'
import { errorFor, jsonError } from '../../core/http/respond.ts'
import type { FieldErrors } from '../../views/components.tsx'
import type { CalendarService, EventForm, Scope, Viewer } from './service.ts'
import { RuleBudgetError } from './rule-budget.ts'
import { firstStart, isValidZone } from './time.ts'

export const SCRIPT = '<script src="/public/calendar/calendar.js" defer></script>'

/** The zone to show times in: ?tz=, then the browser's (cookie set by calendar.js), then UTC. */
export function viewZone(request: Request, tzParam: string | undefined): { tz: string; error?: string } {
  if (tzParam) return isValidZone(tzParam) ? { tz: tzParam } : { tz: 'UTC', error: `"${tzParam}" is not a time zone; use an IANA name such as Europe/Berlin.` }
  const c = readCookie(request, 'cal_tz')
  return { tz: c && isValidZone(c) ? c : 'UTC' }
}

export function emptyForm(calendarId = ''): EventForm {
  return { calendarId, title: '', description: '', location: '', allDay: false, timeZone: 'UTC', startDate: '', startTime: '', endDate: '', endTime: '', rrule: '', attendeeIds: [], reminders: '' }
}

export function scopeOf(s: unknown): Scope {
  if (s === undefined || s === null || s === '') return 'all'
  if (s === 'this' || s === 'following' || s === 'all') return s
  throw new InputError('Choose the scope: this, following or all.', 'scope')
}

/** An InputError as a JSON answer. */
export function apiError(err: unknown): Response {
  if (err instanceof InputError) {
    const code = err.status === 404 ? 'not_found' : err.status === 403 ? 'forbidden' : err.status === 409 ? 'conflict' : err.status === 429 ? 'rate_limited' : 'invalid'
    const headers = err instanceof RuleBudgetError ? { 'retry-after': String(err.retryAfter) } : undefined
    const res = jsonError(err.status, code, err.message, headers)
    return err.field ? Response.json({ error: { code, message: err.message, field: err.field } }, { status: err.status, headers }) : res
  }
  throw err
}

/** An InputError that is not about a form field as a page (404 / 403 / 422). */
export function pageError(request: Request, err: unknown): Response {
  if (err instanceof InputError) {
    const title = err.status === 404 ? 'Not found' : err.status === 403 ? 'Not allowed' : 'Cannot do that'
    return errorFor(new URL(request.url).pathname, err.status, 'calendar', title, err.message)
  }
  throw err
}

/**
 * An InputError a form shows beside its field: a 422, or the 429 of a used-up rule budget (with the
 * seconds to wait, for Retry-After).
 */
export function formError(err: unknown): { errors: FieldErrors; error?: string; status: number; retryAfter?: number } | undefined {
  if (err instanceof RuleBudgetError) return { errors: { rrule: err.message }, error: err.message, status: 429, retryAfter: err.retryAfter }
  if (!(err instanceof InputError) || err.status !== 422) return undefined
  return err.field ? { errors: { [err.field]: err.message }, error: 'Please correct the marked field.', status: 422 } : { errors: {}, error: err.message, status: 422 }
}

/**
 * Finds the occurrence shown on the event page: the one named, else the series' first that was not
 * deleted (its stored start may be neither: one deleted, or a start its rule skips, stored before
 * such starts were moved onto the first occurrence).
 */
export async function occurrenceFor(svc: CalendarService, v: Viewer, id: string, occurrence: string | undefined) {
  const detail = await svc.event(v, id)
  const e = detail.event
  let orig = (e.rrule ? firstStart(e) : undefined) ?? e.startAt.getTime()
  if (e.rrule && occurrence) {
    orig = Date.parse(occurrence)
    if (Number.isNaN(orig)) throw new InputError('This event has no such occurrence: open it from the calendar again.', 'occurrence', 404)
  }
  const ov = detail.overrides.find((o) => o.originalStart.getTime() === orig)
  const start = ov?.startAt.getTime() ?? orig
  const end = ov?.endAt.getTime() ?? orig + (e.endAt.getTime() - e.startAt.getTime())
  const list = await svc.expand([e], new Date(Math.min(start, orig) - 1), new Date(Math.max(end, orig) + 1), () => detail.calendar)
  const occ = list.find((o) => o.originalStart.getTime() === orig)
  if (!occ) throw new InputError('This event has no such occurrence: open it from the calendar again.', 'occurrence', 404)
  return { ...detail, occ }
}
