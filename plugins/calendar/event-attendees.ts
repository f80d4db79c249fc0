/** @module Attendees of an event: storing them (answers kept), inviting the ones just added, and their RSVP. */
import { eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { emitChange } from './event-announce.ts'
import { whenText } from './event-fields.ts'
import { RSVP } from './schema.ts'
import type { CalendarService } from './service.ts'

/** The store handle writes go through (the plugin's, or a transaction's). */
export type Db = CalendarService['ctx']['db']
import type { EventRow, Notifier, Rsvp, Viewer } from './service-types.ts'

/**
 * Tells people just added as attendees of `e` (not the one adding them, not its organizer) through
 * collaboration when it is on: an 'invitation' notification, only for those who may see the event.
 * Removing attendees is silent. A failure is logged; the event is saved either way.
 */
export async function invite(svc: CalendarService, v: Viewer, e: EventRow, added: string[]): Promise<void> {
  const userIds = [...new Set(added)].filter((id) => id !== v.userId && id !== e.createdBy)
  if (!userIds.length) return
  const notifier = svc.ctx.service<Notifier>('collaboration.notify')
  if (!notifier) return
  const details = [whenText(e.allDay, e.startAt, e.timeZone), e.rrule ? 'repeats' : '', e.location].filter(Boolean).join(' · ')
  try {
    await notifier.notify({
      orgId: e.orgId,
      userIds,
      kind: 'invitation',
      entity: { type: 'calendar.event', id: e.id },
      title: `${v.userName} invited you to “${e.title}”`,
      text: details,
      href: `/calendar/events/${e.id}`,
      actorId: v.userId,
    })
  } catch (err) {
    svc.ctx.log.warn('invitations failed', { event: e.id, error: err instanceof Error ? err.message : String(err) })
  }
}

/**
 * Replaces an event's attendees, keeping the answers of those who stay (or the ones in `keep`).
 * `db` is the transaction to write in (callers pass theirs, so a save is all or nothing).
 */
export async function setAttendees(svc: CalendarService, orgId: string, eventId: string, userIds: string[], keep?: Map<string, Rsvp>, db: Db = svc.ctx.db): Promise<void> {
  const existing = await db.select().from(svc.t.attendees).where(eq(svc.t.attendees.eventId, eventId))
  const prior = keep ?? new Map(existing.map((a) => [a.userId, a.rsvp]))
  await db.delete(svc.t.attendees).where(eq(svc.t.attendees.eventId, eventId))
  if (userIds.length) {
    await db.insert(svc.t.attendees).values(userIds.map((userId) => ({ id: Bun.randomUUIDv7(), orgId, eventId, userId, rsvp: prior.get(userId) ?? ('needs-action' as Rsvp), updatedAt: new Date() })))
  }
}

/** How an activity says an answer ("Dev Patel declined “Team offsite”"), in the inbox's curly quotes. */
const ANSWERED: Record<Rsvp, string> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentatively accepted',
  'needs-action': 'withdrew their answer to',
}

/** The activity text of an answer: the actor's name goes before it. */
export function rsvpActivityText(status: Rsvp, title: string): string {
  return `${ANSWERED[status]} “${title}”`
}

/** An attendee answers for themself. */
export async function rsvp(svc: CalendarService, v: Viewer, id: string, status: string): Promise<void> {
  if (!RSVP.includes(status as Rsvp)) throw new InputError('Answer accepted, tentative or declined.', 'rsvp')
  const { event, attendees } = await svc.event(v, id)
  const mine = attendees.find((a) => a.userId === v.userId)
  if (!mine) throw new InputError('You are not invited to this event: only its attendees answer.', 'rsvp', 403)
  await svc.ctx.db.update(svc.t.attendees).set({ rsvp: status as Rsvp, updatedAt: new Date() }).where(eq(svc.t.attendees.id, mine.id))
  emitChange(svc, 'calendar.event.updated', v, event, rsvpActivityText(status as Rsvp, event.title))
}
