/** @module Event values: field checks (color, reminders, range), the form of an event, and the texts of notifications and activity. */
import { InputError } from '../../core/auth/accounts.ts'
import type { ActivityFact } from '../../core/plugins/points.ts'
import { MAX_REMINDER_MINUTES, type EventForm, type EventRow, type Viewer } from './service-types.ts'
import { DAY, toWall, wallDate, wallTime } from './time.ts'

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * When an occurrence starts, as notifications and search say it: "Thu 3 Dec, 14:00 Europe/Berlin",
 * "Fri 4 Dec, all day" (the year added when it is not `now`'s: "Mon 4 Jan 2027, 09:00 UTC"). The text
 * is stored when it is sent, so it keeps the event's zone (the reader's is not known) and names it.
 */
export function whenText(allDay: boolean, start: Date, timeZone: string, now: Date = new Date()): string {
  const wall = allDay ? start.getTime() : toWall(start.getTime(), timeZone)
  const d = new Date(wall)
  const year = d.getUTCFullYear() === new Date(toWall(now.getTime(), allDay ? 'UTC' : timeZone)).getUTCFullYear() ? '' : ` ${d.getUTCFullYear()}`
  const day = `${DAY_NAMES[d.getUTCDay()]} ${d.getUTCDate()} ${MONTH_NAMES[d.getUTCMonth()]}${year}`
  return allDay ? `${day}, all day` : `${day}, ${wallTime(wall)} ${timeZone}`
}

/**
 * The activity of a change to an event. Its text holds nothing but the title, which the entity link
 * (`calendar.event`) shows only to people who may see the event; a deleted event resolves for nobody.
 */
export function activityOf(v: Viewer, e: EventRow, text: string, linked: boolean): ActivityFact {
  return { orgId: v.orgId, actor: { id: v.userId, name: v.userName }, entity: { type: 'calendar.event', id: e.id, title: e.title, href: linked ? `/calendar/events/${e.id}` : undefined }, text }
}

/** A `#rrggbb` color, or InputError. */
export function checkColor(c: string): string {
  const s = c.trim().toLowerCase()
  if (!/^#[0-9a-f]{6}$/.test(s)) throw new InputError('Choose a color like #2563eb.', 'color')
  return s
}

/**
 * How many distinct lead times a form keeps (the service allows 5): a refused form shows these again,
 * so a post of thousands of numbers can neither make the page huge nor its rendering slow.
 */
export const KEPT_REMINDERS = 20

/** How many values typed into "Other" that are not lead times are kept to show again. */
const KEPT_REST = 5

/** A part of the form's value that names a lead time the service takes (0 to MAX_REMINDER_MINUTES). */
const isMinutes = (p: string) => /^\d{1,5}$/.test(p) && Number(p) <= MAX_REMINDER_MINUTES

/**
 * The form's reminders value ("10, 60", as stored and as the JSON API's numbers join) split into the
 * minutes it names (distinct, the first KEPT_REMINDERS, sorted) and what is not a lead time (typed into
 * "Other" and refused: shown again, the first few); `chosen` counts every distinct lead time posted.
 */
export function splitReminders(value: string | string[]): { minutes: number[]; rest: string; chosen: number } {
  const seen = new Set<number>()
  const kept: number[] = []
  const rest: string[] = []
  for (const v of Array.isArray(value) ? value : [value]) {
    for (const p of v.split(/[,\s]+/)) {
      if (!p) continue
      if (!isMinutes(p)) {
        if (rest.length < KEPT_REST) rest.push(p)
        continue
      }
      const m = Number(p)
      if (seen.has(m)) continue
      seen.add(m)
      if (kept.length < KEPT_REMINDERS) kept.push(m)
    }
  }
  return { minutes: kept.sort((a, b) => a - b), rest: rest.join(' '), chosen: seen.size }
}

/** "10, 60" (the form's checked lead times and "Other" box, joined; the API's list) -> [10, 60]; InputError on anything else. */
export function parseReminders(s: string): number[] {
  const { minutes, rest, chosen } = splitReminders(s)
  if (rest) throw new InputError(`Enter each reminder as a whole number of minutes before the start, 0 to ${MAX_REMINDER_MINUTES} (4 weeks): "${rest.split(' ')[0]!.slice(0, 20)}" is not one.`, 'reminders')
  // (the same lead time ticked and typed into "Other" counts once)
  if (chosen > 5) throw new InputError(`Choose at most 5 reminders (${chosen} chosen).`, 'reminders')
  return minutes
}

/**
 * "Starts in 3 minutes", "Starts in 1 hour 30 minutes", "Starting now" (under half a minute either
 * way), "Started 10 minutes ago" (a pass catching up): `ms` is the time left to the start, rounded
 * to the minute.
 */
export function startsText(ms: number): string {
  const m = Math.round(ms / 60_000)
  if (m === 0) return 'Starting now'
  return m > 0 ? `Starts in ${spanText(m)}` : `Started ${spanText(-m)} ago`
}

/** Whole minutes as days, hours and minutes ("1 day 2 hours", "1 hour 30 minutes", "3 minutes"). */
function spanText(m: number): string {
  const unit = (n: number, name: string) => (n ? `${n} ${name}${n === 1 ? '' : 's'}` : '')
  // past a day, minutes are noise
  if (m >= 1440) {
    const h = Math.round(m / 60)
    return [unit(Math.floor(h / 24), 'day'), unit(h % 24, 'hour')].filter(Boolean).join(' ')
  }
  return [unit(Math.floor(m / 60), 'hour'), unit(m % 60, 'minute')].filter(Boolean).join(' ')
}

/** The most a range query may span. */
const MAX_RANGE = 400 * DAY

export function checkRange(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime())) throw new InputError('Send from as a date (YYYY-MM-DD) or an ISO time.', 'from')
  if (Number.isNaN(to.getTime())) throw new InputError('Send to as a date (YYYY-MM-DD) or an ISO time.', 'to')
  if (to.getTime() <= from.getTime()) throw new InputError('Send a to after from.', 'to')
  if (to.getTime() - from.getTime() > MAX_RANGE) throw new InputError('Ask for at most 400 days at a time.', 'to')
}

/** The form values of an event (or of one occurrence of it), for editing. */
export function formOf(e: EventRow, attendeeIds: string[], occ?: { start: Date; end: Date; title: string; description: string; location: string }): EventForm {
  const tz = e.allDay ? 'UTC' : e.timeZone
  const start = (occ?.start ?? e.startAt).getTime()
  const end = (occ?.end ?? e.endAt).getTime()
  const sw = toWall(start, tz)
  const ew = e.allDay ? end - DAY : toWall(end, tz)
  return {
    calendarId: e.calendarId,
    title: occ?.title ?? e.title,
    description: occ?.description ?? e.description,
    location: occ?.location ?? e.location,
    allDay: e.allDay,
    timeZone: e.timeZone,
    startDate: wallDate(sw),
    startTime: e.allDay ? '' : wallTime(sw),
    endDate: wallDate(ew),
    endTime: e.allDay ? '' : wallTime(ew),
    rrule: e.rrule ?? '',
    attendeeIds,
    reminders: e.reminders.join(', '),
  }
}
