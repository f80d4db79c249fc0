/**
 * @module Saving an edit form that may be stale. The form carries what it showed (its originals) and
 * the event's version (`updatedAt`); a save applies only the fields its user changed, so a change
 * someone made meanwhile to another field stays. A field both changed, to different values, is a
 * conflict (409): nothing is saved and the form comes back with the user's values, the current ones
 * beside them and who changed them. The time (all day, zone, dates, times) is one field for this:
 * half of someone else's move and half of yours make a time neither chose. Attendees merge as a set
 * (people the user added or removed, on top of the current list), so they never conflict.
 */
import { InputError } from '../../core/auth/accounts.ts'
import { formOf, splitReminders } from './event-fields.ts'
import { StaleEdit, occurrenceOf, updateEvent } from './event-writes.ts'
import type { CalendarService } from './service.ts'
import type { AttendeeRow, EventForm, EventRow, OverrideRow, Scope, Viewer } from './service-types.ts'

type Key = keyof EventForm

/** How the form's fields are named on the page (labels of event-form.tsx). */
export const FIELD_LABELS: Record<Key, string> = {
  calendarId: 'Calendar',
  title: 'Title',
  description: 'Description',
  location: 'Location',
  allDay: 'All day',
  timeZone: 'Time zone',
  startDate: 'Start date',
  startTime: 'Start time',
  endDate: 'End date',
  endTime: 'End time',
  rrule: 'Repeat',
  attendeeIds: 'Attendees',
  reminders: 'Reminders',
}

/** The fields that together say when the event is. */
const WHEN: Key[] = ['allDay', 'timeZone', 'startDate', 'startTime', 'endDate', 'endTime']
const SCALARS: Key[] = ['calendarId', 'title', 'description', 'location', 'rrule', 'reminders']

/** What an edit form showed when it was loaded. */
export interface EditBase {
  /** The event's `updatedAt` then, in milliseconds. */
  version: number
  original: EventForm
}

/** A field's value as compared: what saving it would store, not how it was typed. */
function norm(k: Key, v: EventForm[Key]): string {
  if (k === 'allDay') return v ? '1' : ''
  if (k === 'attendeeIds') return [...new Set(v as string[])].sort().join(',')
  const s = String(v ?? '')
    .replace(/\r\n?/g, '\n')
    .trim()
  if (k === 'reminders') {
    const { minutes, rest } = splitReminders(s)
    return rest ? s : minutes.join(',')
  }
  if (k === 'rrule') return s.toUpperCase()
  return s
}

/**
 * Merges what the user typed (`mine`, over the form's `original`) into the event as it is now
 * (`current`): fields they left alone take the current value, fields they changed keep theirs.
 * `conflicts` are the fields both changed to different values (the merged form keeps the user's).
 */
export function mergeForms(original: EventForm, mine: EventForm, current: EventForm): { form: EventForm; conflicts: Key[] } {
  const form: EventForm = { ...current }
  const conflicts: Key[] = []
  const set = <K extends Key>(k: K, from: EventForm) => {
    form[k] = from[k]
  }
  for (const k of SCALARS) {
    const [o, m, c] = [norm(k, original[k]), norm(k, mine[k]), norm(k, current[k])]
    if (m === o) continue // left alone: the current value
    set(k, mine)
    if (c !== o && c !== m) conflicts.push(k)
  }
  const changed = (a: EventForm, b: EventForm) => WHEN.filter((k) => norm(k, a[k]) !== norm(k, b[k]))
  if (changed(original, mine).length) {
    for (const k of WHEN) set(k, mine)
    if (changed(original, current).length) conflicts.push(...changed(mine, current))
  }
  // attendees: the people the user added or removed, applied to the current list
  const before = new Set(original.attendeeIds)
  const after = new Set(mine.attendeeIds)
  const added = mine.attendeeIds.filter((id) => !before.has(id))
  const removed = new Set(original.attendeeIds.filter((id) => !after.has(id)))
  form.attendeeIds = [...new Set([...current.attendeeIds, ...added])].filter((id) => !removed.has(id))
  return { form, conflicts }
}

/**
 * Someone changed the event while the form was open, in a field the user changed too (or the
 * occurrence the form edits is gone from the series). Nothing was saved. `form` is what to show:
 * the user's values where they typed something, the current ones elsewhere; `original` and `version`
 * are what the form carries from now on (the event as it is), so saving it again keeps the user's
 * values. `errors` say, beside each field, what it is now and who changed it.
 */
export class EditConflict extends InputError {
  override name = 'EditConflict'
  constructor(
    message: string,
    readonly form: EventForm,
    readonly original: EventForm,
    readonly version: number,
    readonly errors: Partial<Record<Key, string>>,
    /** The occurrence the form edits is no longer part of the series: saving it again cannot work. */
    readonly gone = false,
  ) {
    super(message, undefined, 409)
  }
}

/** The form values of the event (or of occurrence `occ`, its original start) as it is now. */
export function currentForm(d: { event: EventRow; attendees: AttendeeRow[]; overrides: OverrideRow[] }, occ: number | undefined): EventForm {
  const ids = d.attendees.map((a) => a.userId)
  if (occ === undefined) return formOf(d.event, ids)
  const e = d.event
  const ov = d.overrides.find((o) => o.originalStart.getTime() === occ)
  const start = ov?.startAt.getTime() ?? occ
  const end = ov?.endAt.getTime() ?? occ + (e.endAt.getTime() - e.startAt.getTime())
  return formOf(e, ids, { start: new Date(start), end: new Date(end), title: ov?.title ?? e.title, description: ov?.description ?? e.description, location: ov?.location ?? e.location })
}

/** "Title", "Title and Location", "Title, Location and Start time". */
function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

/**
 * Saves an edit form: `mine` is what was submitted, `base` what the form showed when it was loaded
 * (without it, as from a client that sends no originals, `mine` applies as it is). Fields the user
 * left alone take the event's current values; a field someone else changed meanwhile to another
 * value is an EditConflict (409). The write is a compare-and-set on the version it merged against,
 * retried (read, merge, write) when another save lands in between.
 */
export async function saveEdit(svc: CalendarService, v: Viewer, id: string, mine: EventForm, base: EditBase | undefined, scope: Scope, occurrence?: string): Promise<EventRow> {
  if (!base) return updateEvent(svc, v, id, mine, scope, occurrence)
  for (let attempt = 0; ; attempt++) {
    const d = await svc.event(v, id)
    if (!d.canEdit) throw new InputError('You may not change this event: ask someone who can edit its calendar.', 'event', 403)
    const version = d.event.updatedAt.getTime()
    let occ: number | undefined
    try {
      occ = d.event.rrule ? occurrenceOf(d.event, occurrence) : undefined
    } catch (e) {
      if (e instanceof InputError && e.status === 404 && version !== base.version) throw await goneConflict(svc, v, d.event, mine)
      throw e
    }
    const current = currentForm(d, occ)
    const merged = version === base.version ? { form: mine, conflicts: [] } : mergeForms(base.original, mine, current)
    if (merged.conflicts.length) throw await fieldConflict(svc, v, d.event, merged.form, current, merged.conflicts)
    try {
      return await updateEvent(svc, v, id, merged.form, scope, occurrence, { expect: d.event.updatedAt })
    } catch (e) {
      if (!(e instanceof StaleEdit)) throw e
      if (attempt >= 4) throw new InputError('This event keeps changing while you save it: try again in a moment.', undefined, 409)
    }
  }
}

/** Who made the event's last change, as the conflict message names them. */
async function changedBy(svc: CalendarService, v: Viewer, e: EventRow): Promise<{ who: string; by?: string }> {
  if (!e.updatedBy) return { who: 'Someone' }
  if (e.updatedBy === v.userId) return { who: 'You (in another window or tab)', by: 'you' }
  const [person] = await svc.ctx.people.byIds([e.updatedBy])
  return person ? { who: person.name, by: person.name } : { who: 'Someone' }
}

/** A value as the conflict message shows it. */
async function shown(svc: CalendarService, v: Viewer, k: Key, f: EventForm): Promise<string> {
  const value = f[k]
  if (k === 'allDay') return value ? 'all day' : 'not all day'
  if (k === 'calendarId') {
    const cal = (await svc.calendars(v)).find((c) => c.id === value)
    return cal ? `"${cal.name}"` : 'another calendar'
  }
  if (k === 'rrule') return value ? `"${value}"` : 'does not repeat'
  const s = String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim()
  if (!s) return 'empty'
  return `"${s.length > 120 ? `${s.slice(0, 117)}...` : s}"`
}

async function fieldConflict(svc: CalendarService, v: Viewer, e: EventRow, form: EventForm, current: EventForm, conflicts: Key[]): Promise<EditConflict> {
  const { who, by } = await changedBy(svc, v, e)
  const errors: Partial<Record<Key, string>> = {}
  for (const k of conflicts) {
    const now = await shown(svc, v, k, current)
    errors[k] = `${by === 'you' ? `Changed to ${now} in another window or tab` : by ? `${by} changed this to ${now} meanwhile` : `Changed to ${now} meanwhile`}; what you typed is kept here`
  }
  const fields = listText(conflicts.map((k) => FIELD_LABELS[k]))
  const message = `${who} changed this event while you were editing it: ${fields} ${conflicts.length === 1 ? 'is' : 'are'} now different from what you typed. Nothing is saved yet. Save again to keep your values, or cancel to keep the event as it is now.`
  return new EditConflict(message, form, current, e.updatedAt.getTime(), errors)
}

async function goneConflict(svc: CalendarService, v: Viewer, e: EventRow, mine: EventForm): Promise<EditConflict> {
  const { who } = await changedBy(svc, v, e)
  const message = `${who} changed this series while you were editing it, and the occurrence you opened is no longer part of it. Nothing is saved: your values are kept below; open the event again from the calendar to redo your change.`
  return new EditConflict(message, mine, mine, e.updatedAt.getTime(), {}, true)
}
