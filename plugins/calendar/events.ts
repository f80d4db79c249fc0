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
  activity: ActivityFact
}

declare module '../../core/bus.ts' {
  interface Events {
    'calendar.event.created': CalendarEventFact
    'calendar.event.updated': CalendarEventFact
    'calendar.event.deleted': CalendarEventFact
  }
}

export const EVENTS = {
  'calendar.event.created': 'An event was created',
  'calendar.event.updated': 'An event (or one occurrence) was changed',
  'calendar.event.deleted': 'An event (or one occurrence) was deleted',
}
