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
  if (!/^#[0-9a-f]{6}$/.test(s)) throw new InputError('choose a color like #2563eb', 'color')
  return s
}

/** "10, 60" (the form's checked lead times and "Other" box, joined; the API's list) -> [10, 60]; InputError on anything else. */
export function parseReminders(s: string): number[] {
  const parts = s
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean)
  const out: number[] = []
  for (const p of parts) {
    if (!/^\d{1,5}$/.test(p) || Number(p) > MAX_REMINDER_MINUTES) throw new InputError(`a reminder is a whole number of minutes before the start, 0 to ${MAX_REMINDER_MINUTES} (4 weeks): "${p.slice(0, 20)}" is not`, 'reminders')
    out.push(Number(p))
  }
  // (the same lead time ticked and typed into "Other" counts once)
  const unique = [...new Set(out)].sort((a, b) => a - b)
  if (unique.length > 5) throw new InputError(`at most 5 reminders (${unique.length} chosen)`, 'reminders')
  return unique
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
  if (Number.isNaN(from.getTime())) throw new InputError('from must be a date or an ISO time', 'from')
  if (Number.isNaN(to.getTime())) throw new InputError('to must be a date or an ISO time', 'to')
  if (to.getTime() <= from.getTime()) throw new InputError('to must be after from', 'to')
  if (to.getTime() - from.getTime() > MAX_RANGE) throw new InputError('ask for at most 400 days at a time', 'to')
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
