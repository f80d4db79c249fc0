/** @module The event form checked against the viewer's calendars and organization and turned into stored values. */
import { InputError } from '../../core/auth/accounts.ts'
import { parseReminders } from './event-fields.ts'
import type { CalendarService } from './service.ts'
import { withRuleBudget } from './rule-budget.ts'
import { NEW_PERSONAL, type CleanEvent, type EventForm, type Viewer } from './service-types.ts'
import { DAY, checkRrule, checkRuleInRange, checkZone, fromWall, inYearRange, longDate, parseDate, parseTime, toWall, wallTime, yearRangeText } from './time.ts'

/** The rule, read and checked from the event's start: rrule may search for centuries, so within the user's budget of slow checks. */
function checkedRule(userId: string, input: string, ev: { startAt: Date; allDay: boolean; timeZone: string }): string {
  return withRuleBudget(userId, () => {
    const rule = checkRrule(input)
    checkRuleInRange(rule, ev)
    return rule
  })
}

/**
 * The instant a wall time in `tz` names; InputError on `field` for a time the clocks skip (02:30 on the
 * day they go forward), which would otherwise be moved past the jump without a word.
 */
function existingWall(wall: number, tz: string, field: string): number {
  const at = fromWall(wall, tz)
  if (toWall(at, tz) !== wall) throw new InputError(`${wallTime(wall)} does not exist on ${longDate(wall)} in ${tz} (clocks go forward): choose another time.`, field)
  return at
}

/**
 * Checks the form and turns it into stored values; InputError on the first bad field. `skippedTimes`
 * (imports) takes a time the clocks skip as the time after the jump, as iCalendar says, instead of refusing it.
 */
export async function clean(svc: CalendarService, v: Viewer, f: EventForm, opts: { calendarMustBeWritable?: boolean; newPersonal?: boolean; skippedTimes?: boolean } = {}): Promise<CleanEvent> {
  const title = (f.title ?? '').trim()
  if (!title || title.length > 200) throw new InputError('Enter a title of 1 to 200 characters.', 'title')
  if ((f.description ?? '').length > 10_000) throw new InputError('The description is too long (10,000 characters at most): shorten it.', 'description')
  if ((f.location ?? '').length > 300) throw new InputError('The location is too long (300 characters at most): shorten it.', 'location')
  // NEW_PERSONAL stays a marker until the event is saved (createEvent makes the calendar then)
  const newPersonal = opts.newPersonal && f.calendarId === NEW_PERSONAL && v.canWrite
  const cal = newPersonal ? { id: NEW_PERSONAL, canEdit: true } : (await svc.calendars(v)).find((c) => c.id === f.calendarId)
  // (a calendar deleted or unshared while a form was open: the form route shows this beside the field, 422)
  if (!cal) throw new InputError(f.calendarId ? 'This calendar no longer exists or is not shared with you: choose another calendar.' : 'Choose a calendar.', 'calendarId', f.calendarId ? 404 : 422)
  if (opts.calendarMustBeWritable !== false && !cal.canEdit) throw new InputError('You may not add events to this calendar: choose another calendar.', 'calendarId', 403)
  const allDay = !!f.allDay
  const timeZone = allDay ? checkZone(f.timeZone || 'UTC') : checkZone(f.timeZone ?? '')
  const sd = parseDate(f.startDate)
  if (sd === undefined) throw new InputError('Enter the start date as YYYY-MM-DD.', 'startDate')
  const ed = f.endDate ? parseDate(f.endDate) : sd
  if (ed === undefined) throw new InputError('Enter the end date as YYYY-MM-DD.', 'endDate')
  if (!inYearRange(sd)) throw new InputError(`${yearRangeText('a start date')}.`, 'startDate')
  if (!inYearRange(ed)) throw new InputError(`${yearRangeText('an end date')}.`, 'endDate')
  let startAt: number
  let endAt: number
  if (allDay) {
    startAt = sd
    endAt = ed + DAY
    if (ed < sd) throw new InputError('The end must not be before the start: choose a later end date.', 'endDate')
  } else {
    const st = parseTime(f.startTime)
    if (st === undefined) throw new InputError('Enter the start time as HH:MM.', 'startTime')
    const et = f.endTime ? parseTime(f.endTime) : st + 3_600_000
    if (et === undefined) throw new InputError('Enter the end time as HH:MM.', 'endTime')
    startAt = opts.skippedTimes ? fromWall(sd + st, timeZone) : existingWall(sd + st, timeZone, 'startTime')
    endAt = opts.skippedTimes ? fromWall(ed + et, timeZone) : existingWall(ed + et, timeZone, 'endTime')
    if (endAt <= startAt) throw new InputError('The end must be after the start: choose a later end.', 'endTime')
  }
  if (endAt - startAt > 366 * DAY) throw new InputError('An event lasts at most a year: choose an earlier end.', 'endDate')
  const rrule = f.rrule && f.rrule.trim() ? checkedRule(v.userId, f.rrule, { startAt: new Date(startAt), allDay, timeZone }) : null
  const memberIds = new Set((await svc.members(v.orgId)).map((m) => m.id))
  const attendeeIds = [...new Set((f.attendeeIds ?? []).filter(Boolean))]
  const unknown = attendeeIds.filter((id) => !memberIds.has(id))
  if (unknown.length) throw new InputError('Choose attendees among the members of this organization.', 'attendeeIds')
  if (attendeeIds.length > 200) throw new InputError('Choose at most 200 attendees.', 'attendeeIds')
  const reminders = parseReminders(f.reminders ?? '')
  return { calendarId: cal.id, title, description: (f.description ?? '').trim(), location: (f.location ?? '').trim(), allDay, timeZone, startAt: new Date(startAt), endAt: new Date(endAt), rrule, attendeeIds, reminders }
}
