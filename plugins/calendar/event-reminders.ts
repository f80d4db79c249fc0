/** @module The reminder pass: which reminders are due, to whom, sent once each through collaboration.notify. */
import { and, eq, gte, isNotNull, isNull, lte } from 'drizzle-orm'
import { can } from '../../core/auth/resolve.ts'
import { startsText, whenText } from './event-fields.ts'
import type { CalendarService } from './service.ts'
import { MAX_REMINDER_MINUTES, PERM, viewerOf, type EventRow, type Notifier, type Occurrence } from './service-types.ts'

/** Reminders due up to this long ago are still sent (a pass missed while the server was down). */
const CATCH_UP = 60 * 60_000

/**
 * One reminder pass: a reminder is due when its time (the occurrence's start less its minutes) lies
 * in [now - CATCH_UP, now] and the occurrence has not started more than CATCH_UP ago; each is sent
 * once (calendar_reminders_sent). Only events that can have one due are read, through the
 * (has_reminders, start_at) index: one-off events starting in [now - CATCH_UP, now + the longest
 * reminder allowed], and recurring series begun by then; each is expanded only over [now - CATCH_UP,
 * now + its own longest reminder]. Returns how many events it looked at and how many it sent.
 */
export async function reminderPass(svc: CalendarService, now = new Date()): Promise<{ events: number; sent: number }> {
  const notifier = svc.ctx.service<Notifier>('collaboration.notify')
  if (!notifier) return { events: 0, sent: 0 }
  const n = now.getTime()
  const from = n - CATCH_UP
  const e = svc.t.events
  const horizon = new Date(n + MAX_REMINDER_MINUTES * 60_000)
  // two range reads of the (has_reminders, start_at) index: one-off events of the window, series begun by its end
  const [oneOffs, series] = await Promise.all([
    svc.ctx.db
      .select()
      .from(e)
      .where(and(eq(e.hasReminders, true), gte(e.startAt, new Date(from)), lte(e.startAt, horizon), isNull(e.rrule))),
    svc.ctx.db
      .select()
      .from(e)
      .where(and(eq(e.hasReminders, true), lte(e.startAt, horizon), isNotNull(e.rrule))),
  ])
  const events = [...oneOffs, ...series]
  // events with the same longest reminder are expanded together (one overrides query per group)
  const byLead = new Map<number, EventRow[]>()
  for (const ev of events) {
    const lead = Math.max(0, ...ev.reminders) * 60_000
    const group = byLead.get(lead)
    if (group) group.push(ev)
    else byLead.set(lead, [ev])
  }
  let sent = 0
  for (const [lead, group] of byLead) {
    const occs = await svc.expand(group, new Date(from), new Date(n + lead + 1), () => undefined)
    const byId = new Map(group.map((ev) => [ev.id, ev]))
    for (const o of occs) {
      const ev = byId.get(o.eventId)!
      if (o.start.getTime() < from) continue
      for (const minutes of ev.reminders) {
        const due = o.start.getTime() - minutes * 60_000
        if (due > n || due < from) continue
        if (await sendReminder(svc, notifier, ev, o, minutes, now)) sent++
      }
    }
  }
  return { events: events.length, sent }
}

/** Sends one due reminder unless it was sent already (the insert claims it, so two passes never both send). */
async function sendReminder(svc: CalendarService, notifier: Notifier, e: EventRow, o: Occurrence, minutes: number, now: Date): Promise<boolean> {
  const inserted = await svc.ctx.db
    .insert(svc.t.remindersSent)
    .values({ id: Bun.randomUUIDv7(), orgId: e.orgId, eventId: e.id, occurrenceStart: o.originalStart, minutes, sentAt: now })
    .onConflictDoNothing()
    .returning({ id: svc.t.remindersSent.id })
  if (!inserted.length) return false
  const attendees = await svc.ctx.db.select().from(svc.t.attendees).where(eq(svc.t.attendees.eventId, e.id))
  const invited = attendees.filter((a) => a.rsvp !== 'declined').map((a) => a.userId)
  // the creator hears of it while they may still see the event (not after an unshare, say)
  const creatorToo = !attendees.some((a) => a.userId === e.createdBy) && (await maySee(svc, e, e.createdBy))
  const userIds = [...new Set(creatorToo ? [e.createdBy, ...invited] : invited)]
  if (!userIds.length) return false
  const when = whenText(o.allDay, o.start, o.timeZone, now)
  await notifier.notify({
    orgId: e.orgId,
    userIds,
    // the event, so the inbox shows the reminder only while the person may still see it
    entity: { type: 'calendar.event', id: e.id },
    title: `Reminder: ${o.title}`,
    // the time really left (a reminder set for 5 minutes on an event made 2.5 minutes ahead says 3)
    text: `${startsText(o.start.getTime() - now.getTime())}: ${when}`,
    href: `/calendar/events/${e.id}?occurrence=${encodeURIComponent(o.originalStart.toISOString())}`,
  })
  return true
}

/** Whether a user (as a member of the event's organization now) may see an event. */
async function maySee(svc: CalendarService, e: EventRow, userId: string): Promise<boolean> {
  const auth = await svc.ctx.people.authFor(userId, e.orgId)
  if (!auth || !can(auth, PERM.read)) return false
  return svc.event(viewerOf(auth), e.id).then(
    () => true,
    () => false,
  )
}
