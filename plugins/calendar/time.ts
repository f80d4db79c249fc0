/**
 * @module Time zones and recurrence without a zone library. Recurrence is expanded on "wall clock"
 * times (a zone's local time written as if it were UTC), then each wall time is turned back into an
 * instant in the event's zone, so a weekly 09:00 Europe/Berlin stays at 09:00 across DST.
 */
import type { RRule as RRuleClass } from 'rrule'

// rrule loads with the first recurring event, not at start-up.
let rruleClass: typeof RRuleClass | undefined
const rrule = () => (rruleClass ??= (require('rrule') as { RRule: typeof RRuleClass }).RRule)
import { InputError } from '../../core/auth/accounts.ts'
import { refuseImpossibleRule } from './rrule-impossible.ts'

const DAY = 86_400_000
const MAX_OCCURRENCES = 2000
const formatters = new Map<string, Intl.DateTimeFormat>()

/** True for a time zone this runtime knows (IANA name or UTC). */
export function isValidZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** The zone, or InputError(422) on `field`. */
export function checkZone(tz: string, field = 'timeZone'): string {
  const z = tz.trim()
  if (!isValidZone(z)) throw new InputError(`"${tz}" is not a time zone; use an IANA name such as Europe/Berlin.`, field)
  return z
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(tz, f)
  }
  return f
}

/** The wall-clock time of `instant` in `tz`, as milliseconds of a fake UTC date. */
export function toWall(instant: number, tz: string): number {
  if (tz === 'UTC') return instant
  const parts: Record<string, number> = {}
  for (const p of formatter(tz).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const ms = ((instant % 1000) + 1000) % 1000
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!) + ms
}

/** The instant at which the wall clock in `tz` shows `wall` (in a DST gap, the time after the jump). */
export function fromWall(wall: number, tz: string): number {
  if (tz === 'UTC') return wall
  const o1 = toWall(wall, tz) - wall
  let guess = wall - o1
  const o2 = toWall(guess, tz) - guess
  if (o2 !== o1) {
    const alt = wall - o2
    guess = toWall(alt, tz) === wall ? alt : Math.max(guess, alt)
  }
  return guess
}

/** `YYYY-MM-DD` of a wall time. */
export function wallDate(wall: number): string {
  return new Date(wall).toISOString().slice(0, 10)
}
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "29 March 2026" of a wall time. */
export function longDate(wall: number): string {
  const d = new Date(wall)
  return `${d.getUTCDate()} ${MONTH_NAMES[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

/** `HH:MM` of a wall time. */
export function wallTime(wall: number): string {
  return new Date(wall).toISOString().slice(11, 16)
}

/** Parses `YYYY-MM-DD` to a UTC midnight (wall) or undefined. */
export function parseDate(s: string | undefined): number | undefined {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined
  const t = Date.parse(s + 'T00:00:00Z')
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s ? undefined : t
}

/** The first and last year an event may start or end in (a typo like 0001 or 20255 is refused, not shown as 1900). */
export const FIRST_YEAR = 1900
export const LAST_YEAR = 2200
const FIRST_DAY = Date.UTC(FIRST_YEAR, 0, 1)
const AFTER_LAST_DAY = Date.UTC(LAST_YEAR + 1, 0, 1)

/** True when a wall date or instant lies in the years FIRST_YEAR..LAST_YEAR. */
export function inYearRange(t: number): boolean {
  return t >= FIRST_DAY && t < AFTER_LAST_DAY
}

/** The error text for a date outside FIRST_YEAR..LAST_YEAR. */
export function yearRangeText(what: string): string {
  return `Enter ${what} between ${FIRST_YEAR}-01-01 and ${LAST_YEAR}-12-31`
}

/** Parses `HH:MM` to milliseconds into the day, or undefined. */
export function parseTime(s: string | undefined): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s ?? '')
  if (!m) return undefined
  const h = Number(m[1])
  const min = Number(m[2])
  return h < 24 && min < 60 ? (h * 60 + min) * 60_000 : undefined
}

/** The day weeks start on, as `getUTCDay` counts: 1 Monday (ISO, the default), 0 Sunday, 6 Saturday. */
export type FirstDay = 0 | 1 | 6

/** The calendar setting `weekStartsOn` as a FirstDay. */
export function firstDayOf(setting: unknown): FirstDay {
  return setting === 'sunday' ? 0 : setting === 'saturday' ? 6 : 1
}

/** Start of the week holding a UTC-midnight wall date: the Monday on or before it, or `firstDay`. */
export function weekStart(wallDay: number, firstDay: FirstDay = 1): number {
  const dow = (new Date(wallDay).getUTCDay() - firstDay + 7) % 7
  return wallDay - dow * DAY
}

export { DAY }

/** What places an UNTIL: the event's zone, whether it is all day, and its start time (ms into the day, wall clock). */
export interface RuleEvent {
  timeZone: string
  allDay: boolean
  startTime: number
}

/**
 * The last day an UNTIL lets an occurrence start on, as a wall-clock day in the event's zone. A
 * split series ends one second before the occurrence it was split at (UNTIL=20261207T082959Z for a
 * 08:30 stand-up), which is still 7 December but before that day's start: the series ends on the 6th.
 */
export function untilDay(until: string, ev?: RuleEvent): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(until)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, z] = m
  const day = Date.UTC(Number(y), Number(mo) - 1, Number(d))
  if (h === undefined) return day // a DATE: that day itself
  const zone = ev && !ev.allDay ? ev.timeZone : 'UTC'
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  let wall: number
  try {
    wall = z ? toWall(at, zone) : at // no Z: already wall clock
  } catch {
    wall = at
  }
  const wallDay = wall - (((wall % DAY) + DAY) % DAY)
  const startOfDay = ev && !ev.allDay ? ev.startTime : 0
  return wall - wallDay < startOfDay ? wallDay - DAY : wallDay
}

// ---- RRULE

/** Normalizes and checks an RRULE ("FREQ=WEEKLY;BYDAY=MO,TU"), or InputError on `rrule`. */
export function checkRrule(input: string): string {
  let s = input.trim().replace(/^RRULE:/i, '').replace(/\s+/g, '')
  if (!s) throw new InputError('Enter a rule such as FREQ=WEEKLY;BYDAY=MO.', 'rrule')
  s = s.toUpperCase()
  if (/DTSTART|TZID/.test(s) || s.length > 500) throw new InputError('Write the rule without DTSTART or TZID, e.g. FREQ=WEEKLY;BYDAY=MO.', 'rrule')
  const known = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYYEARDAY', 'BYWEEKNO', 'BYSETPOS', 'WKST', 'BYHOUR', 'BYMINUTE', 'BYSECOND'])
  const parts = s.split(';').filter(Boolean)
  for (const p of parts) {
    const [k, v] = p.split('=')
    if (!k || !v || !known.has(k)) throw new InputError(`"${p}" is not part of a valid RRULE: write its parts as NAME=VALUE, e.g. FREQ=WEEKLY;BYDAY=MO.`, 'rrule')
  }
  let options
  try {
    options = rrule().parseString(s)
  } catch {
    throw new InputError('This RRULE cannot be read; try FREQ=WEEKLY;BYDAY=MO.', 'rrule')
  }
  if (options.freq === undefined || options.freq === null) throw new InputError('The rule needs a FREQ, e.g. FREQ=DAILY.', 'rrule')
  if (options.freq > rrule().DAILY) throw new InputError('Repeat at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY).', 'rrule')
  if (options.count !== undefined && options.count !== null && (options.count < 1 || options.count > 5000)) throw new InputError('Set COUNT between 1 and 5000.', 'rrule')
  if (options.until && Number.isNaN(options.until.getTime())) throw new InputError('Write UNTIL as a date, e.g. UNTIL=20261231 or UNTIL=20261231T235959Z.', 'rrule')
  if (options.until && options.until.getTime() >= AFTER_LAST_DAY) throw new InputError(`End the repetition by ${LAST_YEAR}-12-31 (UNTIL), or leave UNTIL out to repeat without end.`, 'rrule')
  if (options.interval !== undefined && (options.interval < 1 || options.interval > 1000)) throw new InputError('Set INTERVAL between 1 and 1000.', 'rrule')
  refuseImpossibleRule(options)
  try {
    new (rrule())({ ...options, dtstart: shifted(Date.UTC(2020, 0, 1)) }).all((_, i) => i < 2)
  } catch {
    throw new InputError('This RRULE cannot be expanded: try a simpler rule, e.g. FREQ=WEEKLY;BYDAY=MO.', 'rrule')
  }
  return s
}

/**
 * Years rules are checked ahead of their dates: 19 Gregorian cycles of 400 years (same weekdays, same
 * leap days), so LAST_YEAR lands just before 9999, where rrule's iteration stops. A rule that never
 * matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) is then given up on after a few hundred years instead
 * of eight thousand (seconds of CPU).
 */
const CHECK_SHIFT_YEARS = 7600

/** A wall time moved CHECK_SHIFT_YEARS ahead. */
function shifted(wall: number): Date {
  const d = new Date(wall)
  d.setUTCFullYear(d.getUTCFullYear() + CHECK_SHIFT_YEARS)
  return d
}

/**
 * Refuses (InputError on `rrule`) a rule that, starting at `startAt`, has no occurrence up to
 * LAST_YEAR-12-31 or whose COUNT takes it past that day: occurrences start in FIRST_YEAR..LAST_YEAR
 * like events, and expansion stops there, so such a COUNT could never be reached. A rule without end
 * is fine (it stops there too); UNTIL is checked by checkRrule.
 */
export function checkRuleInRange(rule: string, ev: { startAt: Date; allDay: boolean; timeZone: string }): void {
  const options = rrule().parseString(rule)
  const tz = ev.allDay ? 'UTC' : ev.timeZone
  if (options.until) options.until = shifted(toWall(options.until.getTime(), tz))
  const limit = shifted(AFTER_LAST_DAY).getTime()
  const wanted = options.count ?? 1
  // COUNT is at most 5000: listing them is cheap; without COUNT the first is enough
  const list = new (rrule())({ ...options, dtstart: shifted(toWall(ev.startAt.getTime(), tz)) }).all((_, i) => i < wanted)
  if (!list.length || list[0]!.getTime() >= limit) throw new InputError(`This rule has no occurrence from the start date to ${LAST_YEAR}-12-31: change the rule or the start date.`, 'rrule')
  if (!options.count || options.until) return
  const last = list.at(-1)!
  if (list.length < options.count || last.getTime() >= limit) {
    const when = list.length < options.count ? `after ${LAST_YEAR + 199}` : `in ${last.getUTCFullYear() - CHECK_SHIFT_YEARS}`
    throw new InputError(`With COUNT=${options.count} the last occurrence would be ${when}, past ${LAST_YEAR}-12-31: repeat fewer times, or end the repetition by then with UNTIL.`, 'rrule')
  }
}

/** Parts of an RRULE as an ordered map. */
function ruleParts(rule: string): Map<string, string> {
  return new Map(rule.split(';').filter(Boolean).map((p) => p.split('=') as [string, string]))
}
function joinParts(m: Map<string, string>): string {
  return [...m].map(([k, v]) => `${k}=${v}`).join(';')
}

/** `YYYYMMDDTHHMMSSZ` of an instant. */
export function icsUtc(instant: number): string {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

/** The rule ended just before `instant` (UNTIL one second earlier; COUNT and UNTIL removed). */
export function ruleUntil(rule: string, instant: number): string {
  const m = ruleParts(rule)
  m.delete('COUNT')
  m.set('UNTIL', icsUtc(instant - 1000))
  return joinParts(m)
}

/** The rule with COUNT set (UNTIL removed). */
export function ruleWithCount(rule: string, count: number): string {
  const m = ruleParts(rule)
  m.delete('UNTIL')
  m.set('COUNT', String(count))
  return joinParts(m)
}

/** The COUNT of a rule, if any. */
export function ruleCount(rule: string): number | undefined {
  const c = ruleParts(rule).get('COUNT')
  return c ? Number(c) : undefined
}

/** The rule written for an all-day event in iCalendar (UNTIL as a DATE). */
export function ruleForAllDay(rule: string): string {
  const m = ruleParts(rule)
  const u = m.get('UNTIL')
  if (u) m.set('UNTIL', u.slice(0, 8))
  return joinParts(m)
}

/** What recurrence needs to know about an event. */
export interface Recurring {
  startAt: Date
  endAt: Date
  allDay: boolean
  timeZone: string
  rrule: string | null
  exdates: string[]
}

/**
 * Original start instants of an event's occurrences that start before `to` and may end after
 * `from` (a non-recurring event has one). EXDATEs are left out.
 */
export function originalStarts(ev: Recurring, from: number, to: number, opts: { includeExdates?: boolean } = {}): number[] {
  const start = ev.startAt.getTime()
  const duration = Math.max(0, ev.endAt.getTime() - start)
  if (!ev.rrule) return start < to && start + duration >= from ? [start] : []
  const tz = ev.allDay ? 'UTC' : ev.timeZone
  const options = rrule().parseString(ev.rrule)
  if (options.until) options.until = new Date(toWall(options.until.getTime(), tz))
  const rule = new (rrule())({ ...options, dtstart: new Date(toWall(start, tz)) })
  const lo = new Date(toWall(from - duration, tz) - DAY)
  // no occurrence starts after LAST_YEAR (a rule without end, or stored before rules were checked for it)
  const hi = new Date(Math.min(toWall(to, tz) + DAY, AFTER_LAST_DAY - 1))
  if (lo >= hi) return []
  const ex = opts.includeExdates ? new Set<number>() : new Set(ev.exdates.map((d) => Date.parse(d)))
  const out: number[] = []
  for (const w of rule.between(lo, hi, true, (_, i) => i < MAX_OCCURRENCES)) {
    const s = fromWall(w.getTime(), tz)
    if (s < to && s + duration >= from && !ex.has(s)) out.push(s)
  }
  return out
}

/**
 * The first original start of a series: the first instant on or after its start that its rule
 * matches (EXDATEs skipped unless `includeExdates`), or undefined when it has none by LAST_YEAR. A
 * start the rule does not match is not an occurrence (rrule leaves it out, as Google Calendar does:
 * "weekly on Tue and Thu" from a Monday begins that Tuesday). A one-off event's is its start.
 */
export function firstStart(ev: Recurring, opts: { includeExdates?: boolean } = {}): number | undefined {
  const start = ev.startAt.getTime()
  if (!ev.rrule) return opts.includeExdates || !ev.exdates.includes(ev.startAt.toISOString()) ? start : undefined
  const tz = ev.allDay ? 'UTC' : ev.timeZone
  const options = rrule().parseString(ev.rrule)
  if (options.until) options.until = new Date(toWall(options.until.getTime(), tz))
  const rule = new (rrule())({ ...options, dtstart: new Date(toWall(start, tz)) })
  const ex = opts.includeExdates ? new Set<number>() : new Set(ev.exdates.map((d) => Date.parse(d)))
  let found: number | undefined
  // bounded by LAST_YEAR like every expansion: a rule that never matches gives up there
  rule.between(new Date(toWall(start, tz)), new Date(AFTER_LAST_DAY - 1), true, (w, i) => {
    const s = fromWall(w.getTime(), tz)
    if (!ex.has(s)) found = s
    return found === undefined && i < MAX_OCCURRENCES
  })
  return found
}

/**
 * A series' stored start and end moved to its first occurrence, so the stored start always is one
 * (the event page, "this and following" and the feed's DTSTART rely on it: RFC 5545 counts DTSTART as
 * an occurrence, so an unmatched one would show an extra day in other apps). The occurrences are the
 * same either way. A one-off event, or a series already on its first occurrence, comes back as it is.
 */
export function onFirstOccurrence<T extends Omit<Recurring, 'exdates'>>(ev: T): T {
  if (!ev.rrule) return ev
  let first: number | undefined
  try {
    first = firstStart({ ...ev, exdates: [] })
  } catch {
    return ev // a stored rule rrule cannot read (written before rules were checked) stays as it is
  }
  const start = ev.startAt.getTime()
  if (first === undefined || first === start) return ev
  return { ...ev, startAt: new Date(first), endAt: new Date(first + ev.endAt.getTime() - start) }
}

/** How many occurrences (EXDATEs included) start before `instant`. */
export function countBefore(ev: Recurring, instant: number): number {
  return originalStarts({ ...ev }, ev.startAt.getTime(), instant - 1, { includeExdates: true }).filter((s) => s < instant).length
}

/** Whether `instant` is one of the event's original starts (EXDATEs included). */
export function isOccurrence(ev: Recurring, instant: number): boolean {
  return originalStarts(ev, instant, instant + 1, { includeExdates: true }).includes(instant)
}
