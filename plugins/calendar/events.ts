/** @module Events the calendar plugin emits. */
import type { ActivityFact } from '../../core/plugins/points.ts'

/** What every calendar event payload carries. */
export interface CalendarEventFact {
  id: string
  orgId: string
  calendarId: string
  title: string
  /** 'this', 'following' or 'all' for changes to recurring events. */
  scope?: 'this' | 'following' | 'all'
  /**
   * For activity feeds; its entity is always the event (`calendar.event`), whose entity link shows
   * it only to people who may see the event. Left out of the per-event facts of a bulk change (an
   * import or a calendar deletion of more than BULK_ACTIVITY events), which one summary stands for.
   */
  activity?: ActivityFact
}

/** An .ics import added events (besides one `calendar.event.created` per event). */
export interface CalendarImportFact {
  orgId: string
  calendarId: string
  eventIds: string[]
  /** Present when the per-event facts carry none (a big import); about the first imported event. */
  activity?: ActivityFact
}

/** Up to this many events a bulk change records one activity each; above it, one summary at most. */
export const BULK_ACTIVITY = 10

declare module '../../core/bus.ts' {
  interface Events {
    'calendar.event.created': CalendarEventFact
    'calendar.event.updated': CalendarEventFact
    'calendar.event.deleted': CalendarEventFact
    'calendar.import.completed': CalendarImportFact
  }
}

export const EVENTS = {
  'calendar.event.created': 'An event was created (also once per imported event)',
  'calendar.event.updated': 'An event (or one occurrence) was changed',
  'calendar.event.deleted': 'An event (or one occurrence) was deleted (also once per event of a deleted calendar)',
  'calendar.import.completed': 'An .ics import added events',
}
