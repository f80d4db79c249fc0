/** @module What the calendar tells the bus about changed and imported events, with their activity. */
import { activityOf } from './event-fields.ts'
import { BULK_ACTIVITY } from './events.ts'
import type { CalendarService } from './service.ts'
import type { EventRow, Scope, Viewer } from './service-types.ts'

/** Emits a change to an event on the bus, with its activity unless `text` is undefined (bulk changes). */
export function emitChange(svc: CalendarService, name: 'calendar.event.created' | 'calendar.event.updated' | 'calendar.event.deleted', v: Viewer, e: EventRow, text: string | undefined, scope?: Scope): void {
  svc.ctx.bus.emit(name, {
    id: e.id,
    orgId: v.orgId,
    calendarId: e.calendarId,
    title: e.title,
    scope,
    activity: text === undefined ? undefined : activityOf(v, e, text, name !== 'calendar.event.deleted'),
  })
}

/**
 * Tells the bus about events an .ics import added: one `calendar.event.created` each (with an
 * activity for small imports) and one `calendar.import.completed` (the activity of a big import).
 */
export function announceImport(svc: CalendarService, v: Viewer, calendarId: string, rows: EventRow[]): void {
  if (!rows.length) return
  const each = rows.length <= BULK_ACTIVITY
  for (const row of rows) emitChange(svc, 'calendar.event.created', v, row, each ? `imported the event “${row.title}”` : undefined)
  const first = rows[0]!
  svc.ctx.bus.emit('calendar.import.completed', {
    orgId: v.orgId,
    calendarId,
    eventIds: rows.map((r) => r.id),
    activity: each ? undefined : activityOf(v, first, `imported ${rows.length} events: “${first.title}” and ${rows.length - 1} more`, true),
  })
}
