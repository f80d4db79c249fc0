/** @module Reading events as a viewer may: one event (its calendar is visible or they are invited), occurrences in a range expanded with overrides, and title search. */
import { and, desc, eq, gte, inArray, isNotNull, lt, or, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { checkRange } from './event-fields.ts'
import type { CalendarService } from './service.ts'
import { COLORS, type AttendeeRow, type CalendarRow, type CalendarView, type EventRow, type Occurrence, type OverrideRow, type Viewer } from './service-types.ts'
import { isOccurrence, originalStarts } from './time.ts'
import { containsPattern } from '../../core/store/like.ts'

const NO_EVENT = 'This event does not exist or is not shared with you. Ask its organizer to invite you or share its calendar.'

/** An event the viewer can see (its calendar is visible or they are invited), or 404. */
export async function event(svc: CalendarService, v: Viewer, id: string): Promise<{ event: EventRow; calendar: CalendarView | undefined; canEdit: boolean; attendees: AttendeeRow[]; overrides: OverrideRow[] }> {
  const [event] = await svc.ctx.db.select().from(svc.t.events).where(and(eq(svc.t.events.id, id), eq(svc.t.events.orgId, v.orgId)))
  if (!event) throw new InputError(NO_EVENT, 'event', 404)
  const calendar = (await svc.calendars(v)).find((c) => c.id === event.calendarId)
  const attendees = await svc.ctx.db.select().from(svc.t.attendees).where(eq(svc.t.attendees.eventId, id))
  if (!calendar && !attendees.some((a) => a.userId === v.userId)) throw new InputError(NO_EVENT, 'event', 404)
  const overrides = await svc.ctx.db.select().from(svc.t.overrides).where(eq(svc.t.overrides.eventId, id))
  return { event, calendar, canEdit: !!calendar?.canEdit, attendees, overrides }
}

/** Occurrences the viewer can see in [from, to), sorted by start. */
export async function occurrences(svc: CalendarService, v: Viewer, from: Date, to: Date, opts: { calendarIds?: string[]; hidden?: Set<string> } = {}): Promise<Occurrence[]> {
  checkRange(from, to)
  const cals = await svc.calendars(v)
  const visible = cals.filter((c) => (!opts.calendarIds || opts.calendarIds.includes(c.id)) && !opts.hidden?.has(`cal:${c.id}`))
  const invitedIds = opts.calendarIds
    ? []
    : (await svc.ctx.db.select({ id: svc.t.attendees.eventId }).from(svc.t.attendees).where(and(eq(svc.t.attendees.orgId, v.orgId), eq(svc.t.attendees.userId, v.userId)))).map((r) => r.id)
  const calIds = visible.map((c) => c.id)
  if (calIds.length === 0 && invitedIds.length === 0) return []
  const where = or(calIds.length ? inArray(svc.t.events.calendarId, calIds) : undefined, invitedIds.length ? inArray(svc.t.events.id, invitedIds) : undefined)
  const events = await svc.ctx.db
    .select()
    .from(svc.t.events)
    .where(and(eq(svc.t.events.orgId, v.orgId), where, lt(svc.t.events.startAt, to), or(isNotNull(svc.t.events.rrule), gte(svc.t.events.endAt, from))))
  const foreign = new Map<string, CalendarRow>()
  const missing = [...new Set(events.filter((e) => !cals.some((c) => c.id === e.calendarId)).map((e) => e.calendarId))]
  if (missing.length) for (const c of await svc.ctx.db.select().from(svc.t.calendars).where(inArray(svc.t.calendars.id, missing))) foreign.set(c.id, c)
  const calOf = (id: string) => cals.find((c) => c.id === id) ?? foreign.get(id)
  // an invited event in a hidden calendar stays hidden
  const shown = events.filter((e) => !opts.hidden?.has(`cal:${e.calendarId}`) && (!opts.calendarIds || opts.calendarIds.includes(e.calendarId)))
  return svc.expand(shown, from, to, calOf)
}

/** Expands events to occurrences in [from, to), applying overrides. */
export async function expand(svc: CalendarService, events: EventRow[], from: Date, to: Date, calOf: (id: string) => CalendarRow | undefined): Promise<Occurrence[]> {
  const recurringIds = events.filter((e) => e.rrule).map((e) => e.id)
  const overrides = recurringIds.length ? await svc.ctx.db.select().from(svc.t.overrides).where(inArray(svc.t.overrides.eventId, recurringIds)) : []
  const byEvent = new Map<string, Map<number, OverrideRow>>()
  for (const o of overrides) {
    let m = byEvent.get(o.eventId)
    if (!m) byEvent.set(o.eventId, (m = new Map()))
    m.set(o.originalStart.getTime(), o)
  }
  const out: Occurrence[] = []
  const f = from.getTime()
  const t = to.getTime()
  for (const e of events) {
    const cal = calOf(e.calendarId)
    const ovs = byEvent.get(e.id) ?? new Map<number, OverrideRow>()
    const duration = e.endAt.getTime() - e.startAt.getTime()
    const seen = new Set<number>()
    const ex = new Set(e.exdates.map((d) => Date.parse(d)))
    const emit = (orig: number) => {
      const o = ovs.get(orig)
      const start = o ? o.startAt.getTime() : orig
      const end = o ? o.endAt.getTime() : orig + duration
      if (start >= t || end < f || (end === f && end !== start)) return
      out.push({
        eventId: e.id,
        occurrenceId: `${e.id}~${new Date(orig).toISOString()}`,
        calendarId: e.calendarId,
        calendarName: cal?.name ?? '',
        color: cal?.color ?? COLORS[0]!,
        title: o?.title ?? e.title,
        description: o?.description ?? e.description,
        location: o?.location ?? e.location,
        allDay: e.allDay,
        timeZone: e.timeZone,
        start: new Date(start),
        end: new Date(end),
        originalStart: new Date(orig),
        recurring: !!e.rrule,
        overridden: !!o,
      })
    }
    for (const orig of originalStarts(e, f, t)) {
      seen.add(orig)
      emit(orig)
    }
    // overrides moved into the range from outside it
    for (const [orig, o] of ovs) if (!seen.has(orig) && !ex.has(orig) && o.startAt.getTime() < t && o.endAt.getTime() >= f && isOccurrence(e, orig)) emit(orig)
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || Number(b.allDay) - Number(a.allDay) || a.title.localeCompare(b.title))
}

/**
 * Events whose title contains `q` (case aside), in the viewer's visible calendars or to which they
 * are invited, newest first, at most 20; matched in the store (one query), not in memory.
 */
export async function search(svc: CalendarService, v: Viewer, q: string): Promise<EventRow[]> {
  const needle = q.trim().toLowerCase()
  if (!needle) return []
  const calIds = (await svc.calendars(v)).map((c) => c.id)
  const e = svc.t.events
  const invited = svc.ctx.db.select({ id: svc.t.attendees.eventId }).from(svc.t.attendees).where(and(eq(svc.t.attendees.orgId, v.orgId), eq(svc.t.attendees.userId, v.userId)))
  const pattern = containsPattern(needle)
  return svc.ctx.db
    .select()
    .from(e)
    .where(and(eq(e.orgId, v.orgId), or(calIds.length ? inArray(e.calendarId, calIds) : undefined, inArray(e.id, invited)), sql`lower(${e.title}) like ${pattern} escape '\\'`))
    .orderBy(desc(e.startAt))
    .limit(20)
}
