/** @module The calendar's types and constants: rows, the viewer, calendar and occurrence views, the event form, permissions and colors. */
import { InputError } from '../../core/auth/accounts.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import type { PluginContext } from '../../core/plugins/contract.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import type { schema } from './schema.ts'
import type { OWNER_KINDS, RSVP } from './schema.ts'

export type Tables = ReturnType<typeof schema>
export type Ctx = PluginContext<Tables>
export type CalendarRow = Tables['calendars']['$inferSelect']
export type EventRow = Tables['events']['$inferSelect']
export type OverrideRow = Tables['overrides']['$inferSelect']
export type AttendeeRow = Tables['attendees']['$inferSelect']
export type Rsvp = (typeof RSVP)[number]
export type OwnerKind = (typeof OWNER_KINDS)[number]
export type Scope = 'this' | 'following' | 'all'

export const PERM = { read: 'calendar.event.read', write: 'calendar.event.write', manage: 'calendar.calendar.manage' } as const
/** The calendar choice "Personal (new)": made when the first event is saved in it. */
export const NEW_PERSONAL = 'new-personal'

/** Colors offered for calendars (any #rrggbb is accepted). */
export const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777']

/** The first of COLORS none of `used` has (case aside), so two calendars side by side differ; all used: round again. */
export function unusedColor(used: string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()))
  return COLORS.find((c) => !taken.has(c)) ?? COLORS[used.length % COLORS.length]!
}
/** The longest reminder, in minutes before the start (28 days). */
export const MAX_REMINDER_MINUTES = 40320

/** Who is acting, in which organization, and what they may do. */
export interface Viewer {
  orgId: string
  userId: string
  userName: string
  canWrite: boolean
  canManage: boolean
}

/** The viewer behind an Auth (404 when the user has no organization). */
export function viewerOf(auth: Auth): Viewer {
  if (!auth.org) throw new InputError('You belong to no organization yet: create one or ask to be invited.', 'org', 404)
  return { orgId: auth.org.id, userId: auth.user.id, userName: auth.user.name, canWrite: can(auth, PERM.write), canManage: can(auth, PERM.manage) }
}

/** A team as the calendar sees it. */
export interface TeamInfo {
  id: string
  name: string
  memberIds: string[]
}

/** A calendar the viewer can see, with what they may do with it. */
export interface CalendarView extends CalendarRow {
  /** May add and change events. */
  canEdit: boolean
  /** May rename, share and delete the calendar. */
  canManage: boolean
  /** "Personal", the team's name, or "Organization". */
  ownerLabel: string
  /** Shared with the viewer by someone else. */
  shared: boolean
}

/** One occurrence of an event in a range. */
export interface Occurrence {
  eventId: string
  /** `<eventId>~<original start ISO>`: stable for per-occurrence links. */
  occurrenceId: string
  calendarId: string
  calendarName: string
  color: string
  title: string
  description: string
  location: string
  allDay: boolean
  timeZone: string
  start: Date
  end: Date
  originalStart: Date
  recurring: boolean
  overridden: boolean
}

/** The fields of the event form (strings, as typed). */
export interface EventForm {
  calendarId: string
  title: string
  description: string
  location: string
  allDay: boolean
  timeZone: string
  startDate: string
  startTime: string
  endDate: string
  endTime: string
  /** '' for a one-off event. */
  rrule: string
  attendeeIds: string[]
  /** Minutes before, comma separated ("10, 60"). */
  reminders: string
}

/** A checked event: what gets stored. */
export interface CleanEvent {
  calendarId: string
  title: string
  description: string
  location: string
  allDay: boolean
  timeZone: string
  startAt: Date
  endAt: Date
  rrule: string | null
  attendeeIds: string[]
  reminders: number[]
}

/** What the calendar asks of collaboration.notify: `kind` and `entity` go beyond core's type (see collaboration). */
export type Notifier = KnownServices['collaboration.notify']
