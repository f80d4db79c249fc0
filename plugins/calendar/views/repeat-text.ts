/** @module Recurrence rules in words ("Every weekday (Mon to Fri), until 6 Dec 2026"), for the event page and form. */
import { DAY, toWall, untilDay, type RuleEvent } from '../time.ts'

const DAY_NAMES: Record<string, string> = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' }
const LONG_DAY_NAMES: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' }
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const ORDINALS: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '5': 'fifth', '-1': 'last', '-2': 'second to last' }
const UNITS: Record<string, [string, string]> = { DAILY: ['day', 'days'], WEEKLY: ['week', 'weeks'], MONTHLY: ['month', 'months'], YEARLY: ['year', 'years'] }
const WEEKDAYS = 'MO,TU,WE,TH,FR'

/** The RuleEvent of a stored event. */
export function ruleEventOf(e: { startAt: Date; allDay: boolean; timeZone: string }): RuleEvent {
  const wall = e.allDay ? e.startAt.getTime() : toWall(e.startAt.getTime(), e.timeZone)
  return { timeZone: e.timeZone, allDay: e.allDay, startTime: ((wall % DAY) + DAY) % DAY }
}

/** The parts of a rule (`FREQ=WEEKLY;COUNT=3`), upper-cased keys; later duplicates win. */
function partsOf(rule: string): Map<string, string> {
  const parts = new Map<string, string>()
  for (const part of rule.trim().replace(/^RRULE:/i, '').split(';')) {
    const [k, v] = part.split('=')
    if (k && v !== undefined) parts.set(k.trim().toUpperCase(), v.trim().toUpperCase())
  }
  return parts
}

/** The rule without its end (COUNT and UNTIL), as the presets are written: `FREQ=WEEKLY;BYDAY=MO`. */
export function ruleWithoutEnd(rule: string): string {
  return rule
    .split(';')
    .filter((p) => !/^\s*(COUNT|UNTIL)\s*=/i.test(p))
    .join(';')
}

/** "6 Dec 2026" of a wall-clock day (milliseconds at its midnight). */
function shortDate(wallDay: number): string {
  const d = new Date(wallDay)
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

/** "Mon, Wed and Fri" of BYDAY=MO,WE,FR (plain weekdays only), else undefined. */
function dayList(byday: string): string | undefined {
  const days = byday.split(',')
  if (!days.every((d) => d in DAY_NAMES)) return undefined
  const names = days.map((d) => DAY_NAMES[d]!)
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/** "Every weekday (Mon to Fri)", "Weekly on Mon and Wed", "Every 2 weeks on Fri", ... or undefined. */
function howOften(p: Map<string, string>): string | undefined {
  const freq = p.get('FREQ') ?? ''
  const unit = UNITS[freq]
  if (!unit) return undefined
  const interval = Number(p.get('INTERVAL') ?? '1')
  if (!Number.isInteger(interval) || interval < 1) return undefined
  const every = interval === 1 ? `Every ${unit[0]}` : `Every ${interval} ${unit[1]}`
  const byday = p.get('BYDAY')
  const bymonthday = p.get('BYMONTHDAY')
  if (freq === 'WEEKLY' && byday) {
    if (byday === WEEKDAYS && interval === 1) return 'Every weekday (Mon to Fri)'
    const days = dayList(byday)
    if (!days) return undefined
    return interval === 1 ? `Weekly on ${days}` : `${every} on ${days}`
  }
  if (freq === 'MONTHLY' && byday && !bymonthday) {
    const m = /^([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)$/.exec(byday)
    const nth = m ? ORDINALS[m[1]!.replace('+', '')] : undefined
    return nth ? `${every} on the ${nth} ${LONG_DAY_NAMES[m![2]!]}` : undefined
  }
  if (freq === 'MONTHLY' && bymonthday && !byday) {
    if (!/^-?\d{1,2}(,-?\d{1,2})*$/.test(bymonthday)) return undefined
    const days = bymonthday.split(',')
    if (days.includes('-1') && days.length === 1) return `${every} on the last day`
    if (days.some((d) => Number(d) < 1)) return undefined
    return `${every} on day${days.length > 1 ? 's' : ''} ${days.join(', ')}`
  }
  return byday || bymonthday ? undefined : every
}

/**
 * A rule in words: how often, then its end ("Every weekday (Mon to Fri), until 6 Dec 2026",
 * "Weekly on Mon and Wed, 10 times", "Every 2 weeks on Fri"); undefined for a rule with parts it
 * cannot say (BYSETPOS, BYMONTH, ...), which the page then shows as written. `ev` places an UNTIL in
 * the event's zone (see untilDay); without it the UNTIL's UTC date is shown.
 */
export function describeRule(rule: string, ev?: RuleEvent): string | undefined {
  const p = partsOf(rule)
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL', 'WKST'])
  if ([...p.keys()].some((k) => !known.has(k))) return undefined
  const often = howOften(p)
  if (!often) return undefined
  const count = p.get('COUNT')
  if (count !== undefined) {
    if (!/^\d{1,6}$/.test(count)) return undefined
    return Number(count) === 1 ? `${often}, once` : `${often}, ${Number(count)} times`
  }
  const until = p.get('UNTIL')
  if (until !== undefined) {
    const day = untilDay(until, ev)
    return day === undefined ? undefined : `${often}, until ${shortDate(day)}`
  }
  return often
}
