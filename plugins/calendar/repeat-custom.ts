/**
 * @module The Repeat select's "Custom…" fields (every N days, weeks, months or years; on which weekdays;
 * monthly on the start's day or its nth weekday; ending never, on a date or after N times) turned into an
 * RRULE on the server, and a stored rule read back into them when it fits. The rule then goes through the
 * same checks as a typed one (time.ts, rrule-impossible.ts, rule-budget.ts).
 */
import { InputError } from '../../core/auth/accounts.ts'
import { DAY, fromWall, icsUtc, inYearRange, isValidZone, longDate, parseDate, parseTime, untilDay, yearRangeText } from './time.ts'

/** The units "every N" counts in, as FREQ names them. */
export const UNITS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const
/** The weekdays as BYDAY names them, Monday first. */
export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const
/** The most "every N" may be. */
export const MAX_INTERVAL = 99
/** The most occurrences "after N times" may be (two years of days, as Google Calendar allows). */
export const MAX_COUNT = 730

const UNIT_WORDS: Record<string, string> = { DAILY: 'days', WEEKLY: 'weeks', MONTHLY: 'months', YEARLY: 'years' }

/** The custom fields as posted (strings, as typed: a refused form shows them again). */
export interface CustomRepeat {
  every: string
  /** One of UNITS. */
  unit: string
  /** Weekly: the ticked weekdays (WEEKDAY_CODES). */
  days: string[]
  /** Monthly: 'day' (the start's day of the month), 'nth' (its nth weekday: the 2nd Tuesday) or 'last' (the last Tuesday). */
  monthly: string
  /** 'never', 'until' or 'count'. */
  ends: string
  /** `YYYY-MM-DD`: the last day an occurrence may start on. */
  until: string
  count: string
}

/** What the rule is built against: the event's start and zone. */
export interface CustomStart {
  startDate: string
  startTime: string
  timeZone: string
  allDay: boolean
}

/** The fields' starting values: weekly on the start's weekday, without end. */
export function defaultCustom(startDate: string): CustomRepeat {
  const day = parseDate(startDate)
  return { every: '1', unit: 'WEEKLY', days: day === undefined ? [] : [weekdayCode(day)], monthly: 'day', ends: 'never', until: '', count: '10' }
}

/** The custom fields of a posted form (named repeatEvery, repeatUnit, ...), bounded in length. */
export function customFromBody(one: Record<string, string>, all: Record<string, string[]>): CustomRepeat {
  const short = (s: string | undefined, n = 12) => (s ?? '').trim().slice(0, n)
  return {
    every: short(one.repeatEvery),
    unit: short(one.repeatUnit),
    days: WEEKDAY_CODES.filter((d) => (all.repeatDays ?? []).includes(d)),
    monthly: short(one.repeatMonthly),
    ends: short(one.repeatEnds),
    until: short(one.repeatUntil),
    count: short(one.repeatCount),
  }
}

/** BYDAY's name of a wall day's weekday. */
function weekdayCode(wallDay: number): string {
  return WEEKDAY_CODES[(new Date(wallDay).getUTCDay() + 6) % 7]!
}

/** Which of its month's weekdays a day is: the 2nd Tuesday (n 2), and whether it is the month's last one. */
export function nthWeekday(wallDay: number): { n: number; code: string; last: boolean } {
  const d = new Date(wallDay)
  const length = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  return { n: Math.ceil(d.getUTCDate() / 7), code: weekdayCode(wallDay), last: d.getUTCDate() + 7 > length }
}

/** The RRULE the fields describe, from the event's start; InputError on the field to fix (repeatEvery, repeatUntil, ...). */
export function buildCustomRule(c: CustomRepeat, ev: CustomStart): string {
  const unit = (UNITS as readonly string[]).includes(c.unit) ? c.unit : undefined
  const words = unit ? UNIT_WORDS[unit] : 'days, weeks, months or years'
  const every = /^\d{1,2}$/.test(c.every) ? Number(c.every) : 0
  if (every < 1 || every > MAX_INTERVAL) throw new InputError(`Repeat every 1 to ${MAX_INTERVAL} ${words}.`, 'repeatEvery')
  if (!unit) throw new InputError('Choose days, weeks, months or years.', 'repeatUnit')
  const parts = [`FREQ=${unit}`]
  if (every > 1) parts.push(`INTERVAL=${every}`)
  const start = parseDate(ev.startDate)
  if (unit === 'WEEKLY' && c.days.length) parts.push(`BYDAY=${WEEKDAY_CODES.filter((d) => c.days.includes(d)).join(',')}`)
  if (unit === 'MONTHLY' && c.monthly !== 'day') {
    if (c.monthly !== 'nth' && c.monthly !== 'last') throw new InputError('Choose on which day of the month it repeats.', 'repeatMonthly')
    if (start === undefined) throw new InputError('Enter the start date as YYYY-MM-DD.', 'startDate')
    const nth = nthWeekday(start)
    if (c.monthly === 'last' && !nth.last) throw new InputError(`${longDate(start)} is not the last of its weekday in its month: choose another day of the month.`, 'repeatMonthly')
    parts.push(`BYDAY=${c.monthly === 'last' ? -1 : nth.n}${nth.code}`)
  }
  if (c.ends === 'count') {
    const count = /^\d{1,4}$/.test(c.count) ? Number(c.count) : 0
    if (count < 1 || count > MAX_COUNT) throw new InputError(`End after 1 to ${MAX_COUNT} occurrences.`, 'repeatCount')
    parts.push(`COUNT=${count}`)
  } else if (c.ends === 'until') {
    const until = parseDate(c.until)
    if (until === undefined) throw new InputError('Enter the day the repetition ends as YYYY-MM-DD.', 'repeatUntil')
    if (!inYearRange(until)) throw new InputError(`${yearRangeText('an end date')}.`, 'repeatUntil')
    if (start !== undefined && until < start) throw new InputError(`End the repetition on or after the start date (${ev.startDate}).`, 'repeatUntil')
    // the end of that day in the event's zone (all-day events keep UTC wall days)
    const zone = ev.allDay || !isValidZone(ev.timeZone) ? 'UTC' : ev.timeZone
    parts.push(`UNTIL=${icsUtc(fromWall(until + DAY - 1000, zone))}`)
  } else if (c.ends !== 'never') throw new InputError('Choose when the repetition ends.', 'repeatEnds')
  return parts.join(';')
}

/**
 * The custom fields of a stored rule, when they can say it exactly (from the event's start: a monthly
 * BYMONTHDAY or nth weekday must be the start's own); undefined for the rules only the RRULE box can
 * hold (BYMONTH, BYSETPOS, several month days, COUNT past MAX_COUNT, ...).
 */
export function fitCustom(rule: string, ev: CustomStart): CustomRepeat | undefined {
  if (!rule.trim()) return undefined
  const p = new Map<string, string>()
  for (const part of rule.trim().replace(/^RRULE:/i, '').split(';').filter(Boolean)) {
    const [k, v] = part.split('=')
    if (!k || !v || p.has(k.toUpperCase())) return undefined
    p.set(k.trim().toUpperCase(), v.trim().toUpperCase())
  }
  if ([...p.keys()].some((k) => !['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL'].includes(k))) return undefined
  const unit = p.get('FREQ') ?? ''
  if (!(UNITS as readonly string[]).includes(unit)) return undefined
  const every = p.get('INTERVAL') ?? '1'
  if (!/^\d{1,2}$/.test(every) || Number(every) < 1) return undefined
  const start = parseDate(ev.startDate)
  const out: CustomRepeat = { ...defaultCustom(ev.startDate), unit, every: String(Number(every)) }
  const byday = p.get('BYDAY')
  const bymonthday = p.get('BYMONTHDAY')
  if (unit === 'WEEKLY') {
    if (bymonthday) return undefined
    if (byday) {
      const days = byday.split(',')
      if (!days.every((d) => (WEEKDAY_CODES as readonly string[]).includes(d)) || new Set(days).size !== days.length) return undefined
      out.days = WEEKDAY_CODES.filter((d) => days.includes(d))
    }
  } else if (unit === 'MONTHLY') {
    if (byday && bymonthday) return undefined
    if (bymonthday && (start === undefined || Number(bymonthday) !== new Date(start).getUTCDate())) return undefined
    if (byday) {
      if (start === undefined) return undefined
      const nth = nthWeekday(start)
      if (byday === `${nth.n}${nth.code}` || byday === `+${nth.n}${nth.code}`) out.monthly = 'nth'
      else if (byday === `-1${nth.code}` && nth.last) out.monthly = 'last'
      else return undefined
    }
  } else if (byday || bymonthday) return undefined
  const count = p.get('COUNT')
  const until = p.get('UNTIL')
  if (count !== undefined && until !== undefined) return undefined
  if (count !== undefined) {
    if (!/^\d{1,4}$/.test(count) || Number(count) < 1 || Number(count) > MAX_COUNT) return undefined
    out.ends = 'count'
    out.count = String(Number(count))
  } else if (until !== undefined) {
    const day = untilDay(until, { timeZone: ev.timeZone, allDay: ev.allDay, startTime: parseTime(ev.startTime) ?? 0 })
    if (day === undefined) return undefined
    out.ends = 'until'
    out.until = new Date(day).toISOString().slice(0, 10)
  }
  return out
}
