/**
 * @module Refuses at once RRULEs that can never match: rrule would search them for thousands of years
 * before giving up (about a second of CPU each, after the 7600-year shift in time.ts). Each check is
 * conservative: it refuses only what no year allows, and says what to pick instead.
 */
import { InputError } from '../../core/auth/accounts.ts'

/** What rrule's `parseString` gives for the parts these checks read (a single value or a list). */
export interface RuleParts {
  freq?: number | null
  bymonth?: number | number[] | null
  bymonthday?: number | number[] | null
  byyearday?: number | number[] | null
  byweekno?: number | number[] | null
  bysetpos?: number | number[] | null
  byweekday?: unknown
  byhour?: number | number[] | null
  byminute?: number | number[] | null
  bysecond?: number | number[] | null
}

/** rrule's frequencies (RRule.YEARLY ... RRule.DAILY). */
const YEARLY = 0
const MONTHLY = 1
const WEEKLY = 2
const DAILY = 3

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** Longest length of each month (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function listOf<T>(v: T | T[] | null | undefined): T[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]
}

/** The days of the year (1-based) month `m` (1-12) covers, in a leap year or not. */
function monthSpan(m: number, leap: boolean): [number, number] {
  let first = 1
  for (let i = 1; i < m; i++) first += i === 2 && !leap ? 28 : MONTH_DAYS[i - 1]!
  const length = m === 2 && !leap ? 28 : MONTH_DAYS[m - 1]!
  return [first, first + length - 1]
}

/** The month (1-12) holding day `d` of the year (negative: counted from its end), if the year has it. */
function monthOfYearDay(d: number, leap: boolean): number | undefined {
  const length = leap ? 366 : 365
  const day = d > 0 ? d : length + 1 + d
  if (day < 1 || day > length) return undefined
  for (let m = 1; m <= 12; m++) if (day <= monthSpan(m, leap)[1]) return m
  return undefined
}

/** "January, February" for month numbers. */
const monthNames = (months: Iterable<number>) => [...months].map((m) => MONTH_NAMES[m - 1]).join(', ')

/** All checks below, in the order a reader would fix them. */
export function refuseImpossibleRule(o: RuleParts): void {
  impossibleMonthDays(o)
  impossibleYearDays(o)
  impossibleWeekNumbers(o)
  impossibleSetPositions(o)
}

/**
 * A day of the month that none of the rule's months has (BYMONTH=2;BYMONTHDAY=30,
 * BYMONTH=4,6;BYMONTHDAY=31, BYMONTHDAY=32).
 */
export function impossibleMonthDays(o: RuleParts): void {
  const days = listOf(o.bymonthday)
  if (!days.length) return
  const months = listOf(o.bymonth)
  const longest = Math.max(...(months.length ? months.map((m) => MONTH_DAYS[m - 1] ?? 31) : MONTH_DAYS))
  if (days.every((d) => Math.abs(d) > longest)) {
    const which = months.length ? ` in BYMONTH=${months.join(',')}` : ''
    throw new InputError(`This rule never repeats: no month${which} has day ${days.join(', ')} (BYMONTHDAY). Pick days up to ${longest}.`, 'rrule')
  }
}

/**
 * A day of the year outside 1..366 (or -1..-366), or days of the year none of the rule's months hold
 * in any year (BYMONTH=1;BYYEARDAY=200): leap and common years are both tried, from either end.
 */
export function impossibleYearDays(o: RuleParts): void {
  const days = listOf(o.byyearday)
  if (!days.length) return
  const bad = days.filter((d) => d === 0 || Math.abs(d) > 366)
  if (bad.length) throw new InputError(`BYYEARDAY=${bad.join(',')} is not a day of the year: use 1 to 366, or -1 to -366 counted from the year's end.`, 'rrule')
  const months = listOf(o.bymonth)
  if (!months.length) return
  const held = new Set(days.flatMap((d) => [monthOfYearDay(d, false), monthOfYearDay(d, true)]))
  if (months.some((m) => held.has(m))) return
  const spans = months.map((m) => `${MONTH_NAMES[m - 1]}: days ${monthSpan(m, false)[0]} to ${monthSpan(m, true)[1]}`).join('; ')
  throw new InputError(`This rule never repeats: no day in BYYEARDAY=${days.join(',')} falls in BYMONTH=${months.join(',')} (${spans}). Pick days of those months, or leave out BYMONTH.`, 'rrule')
}

/**
 * A week number outside 1..53 (or -1..-53), or weeks none of the rule's months overlap
 * (BYMONTH=6;BYWEEKNO=1). Week N holds about days (N-1)*7-3 to N*7+3 of its year, whatever the weekday
 * the year starts on and WKST; week 1 may also hold the last days of December (the year before), and
 * the last week (52, 53 or -1) the first days of January: those are allowed, so only rules that no
 * year can match are refused.
 */
export function impossibleWeekNumbers(o: RuleParts): void {
  const weeks = listOf(o.byweekno)
  if (!weeks.length) return
  const bad = weeks.filter((w) => w === 0 || Math.abs(w) > 53)
  if (bad.length) throw new InputError(`BYWEEKNO=${bad.join(',')} is not a week of the year: use 1 to 53, or -1 to -53 counted from the year's end.`, 'rrule')
  const months = listOf(o.bymonth)
  if (!months.length) return
  const possible = new Set<number>()
  for (const w of weeks) {
    // a year has 52 or 53 weeks: -1 is week 52 or 53
    const numbers = w > 0 ? [w] : [53 + 1 + w, 52 + 1 + w].filter((n) => n >= 1)
    for (const n of numbers) {
      const [from, to] = [Math.max(1, (n - 1) * 7 - 3), Math.min(366, n * 7 + 3)]
      for (let m = 1; m <= 12; m++) if (monthSpan(m, false)[0] <= to && monthSpan(m, true)[1] >= from) possible.add(m)
    }
    if (w === 1) possible.add(12)
    if (w === -1 || w >= 52) possible.add(1)
  }
  if (months.some((m) => possible.has(m))) return
  const sorted = [...possible].sort((a, b) => a - b)
  throw new InputError(`This rule never repeats: week ${weeks.join(', ')} of the year (BYWEEKNO) is never in BYMONTH=${months.join(',')}. Pick months those weeks fall in (${monthNames(sorted)}), or leave out BYMONTH.`, 'rrule')
}

/**
 * A BYSETPOS larger than the set one period of the rule can hold (FREQ=WEEKLY;BYDAY=MO;BYSETPOS=9:
 * a week holds one Monday). Only the simple shapes are bounded, and only positions from the start; the
 * others are left to the expansion.
 */
export function impossibleSetPositions(o: RuleParts): void {
  const positions = listOf(o.bysetpos)
  if (!positions.length) return
  const most = periodSize(o)
  // (only positions counted from the start: rrule reads one past the set's size from its end as its first)
  if (most === undefined || positions.some((p) => p <= most)) return
  const period = o.freq === DAILY ? 'day' : o.freq === WEEKLY ? 'week' : o.freq === MONTHLY ? 'month' : 'year'
  const use = most === 1 ? 'Use BYSETPOS=1 or -1' : `Use BYSETPOS from 1 to ${most}, or -1 to -${most}`
  throw new InputError(`This rule never repeats: a ${period} holds at most ${most} of its times, so BYSETPOS=${positions.join(',')} picks none. ${use}.`, 'rrule')
}

/** At most how many times one period of the rule holds, for the simple shapes; undefined otherwise. */
function periodSize(o: RuleParts): number | undefined {
  const times = Math.max(1, new Set(listOf(o.byhour)).size) * Math.max(1, new Set(listOf(o.byminute)).size) * Math.max(1, new Set(listOf(o.bysecond)).size)
  const weekdays = listOf(o.byweekday as { weekday: number; n?: number | null } | { weekday: number; n?: number | null }[])
  const monthDays = new Set(listOf(o.bymonthday)).size
  const yearDays = new Set(listOf(o.byyearday)).size
  const months = new Set(listOf(o.bymonth)).size
  if (listOf(o.byweekno).length) return undefined
  // each plain weekday occurs at most 5 times a month (53 a year), an nth weekday (2TU) once
  const distinct = [...new Map(weekdays.map((w) => [`${w.weekday}:${w.n ?? 0}`, w])).values()]
  const weekdaysIn = (plain: number) => distinct.reduce((sum, w) => sum + (w.n ? 1 : plain), 0)
  let days: number | undefined
  if (o.freq === DAILY) days = 1
  else if (o.freq === WEEKLY) days = monthDays || yearDays ? 7 : weekdays.length ? new Set(weekdays.map((w) => w.weekday)).size : 1
  else if (o.freq === MONTHLY) {
    if (yearDays) return undefined
    // neither: the start's day of the month
    days = !monthDays && !weekdays.length ? 1 : Math.min(monthDays || 31, weekdays.length ? weekdaysIn(5) : 31)
  } else if (o.freq === YEARLY) {
    if (yearDays) days = yearDays
    else if (monthDays) days = monthDays * (months || 12)
    else if (weekdays.length) days = months ? months * weekdaysIn(5) : weekdaysIn(53)
    // neither: the start's day, in each of BYMONTH (else the start's month)
    else days = Math.max(1, months)
  }
  return days === undefined ? undefined : days * times
}
