/** @module Creating, changing ('this', 'following', 'all') and deleting events, with their overrides, EXDATEs and attendees. */
import { and, eq, gte, inArray } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { emitChange } from './event-announce.ts'
import { invite, setAttendees, type Db } from './event-attendees.ts'
import { carryOverrides, occurrenceTest, seriesChange, shiftExdates } from './event-series.ts'
import type { CalendarService } from './service.ts'
import { NEW_PERSONAL, type CleanEvent, type EventForm, type EventRow, type Rsvp, type Scope, type Viewer } from './service-types.ts'
import { countBefore, firstStart, isOccurrence, onFirstOccurrence, ruleCount, ruleUntil, ruleWithCount } from './time.ts'

/** Creates an event (and the viewer's personal calendar for NEW_PERSONAL), tells the bus and invites its attendees. */
export async function createEvent(svc: CalendarService, v: Viewer, f: EventForm, opts: { uid?: string; exdates?: string[] } = {}): Promise<EventRow> {
  const c = await svc.clean(v, f, { newPersonal: true })
  if (c.calendarId === NEW_PERSONAL) c.calendarId = await svc.personalCalendar(v)
  const row = await svc.ctx.store.tx((db) => insertEvent(svc, v.orgId, v.userId, c, opts, db))
  emitChange(svc, 'calendar.event.created', v, row, `created the event “${row.title}”`)
  await invite(svc, v, row, c.attendeeIds)
  return row
}

/** Inserts a checked event with its attendees (no events emitted), in `db` (a transaction, or the plugin's store). */
export async function insertEvent(svc: CalendarService, orgId: string, actorId: string, c: CleanEvent, opts: { uid?: string; exdates?: string[]; seriesId?: string | null; rsvps?: Map<string, Rsvp> } = {}, db: Db = svc.ctx.db): Promise<EventRow> {
  const now = new Date()
  const id = Bun.randomUUIDv7()
  // a series starts on its first occurrence ("weekly on Tue and Thu" made on a Monday starts that Tuesday)
  const { startAt, endAt } = onFirstOccurrence(c)
  const row: EventRow = {
    id,
    orgId,
    calendarId: c.calendarId,
    uid: opts.uid ?? `${id}@coder-ide`,
    seriesId: opts.seriesId ?? null,
    title: c.title,
    description: c.description,
    location: c.location,
    allDay: c.allDay,
    timeZone: c.timeZone,
    startAt,
    endAt,
    rrule: c.rrule,
    exdates: opts.exdates ?? [],
    reminders: c.reminders,
    hasReminders: c.reminders.length > 0,
    createdBy: actorId,
    createdAt: now,
    updatedAt: now,
    updatedBy: actorId,
  }
  await db.insert(svc.t.events).values(row)
  await setAttendees(svc, orgId, id, c.attendeeIds, opts.rsvps, db)
  return row
}

/**
 * Whether `occ` is the series' first occurrence (EXDATEs included): "this and following" from there is
 * the whole series. Its stored start, unless it was stored before starts were moved onto the first
 * occurrence (a rule that skips the start's own weekday).
 */
function isFirst(event: EventRow, occ: number | undefined): boolean {
  return occ !== undefined && (occ === event.startAt.getTime() || occ === firstStart(event, { includeExdates: true }))
}

/** Checks that `occurrence` (ISO original start) is one of the event's occurrences. */
export function occurrenceOf(event: EventRow, occurrence: string | undefined): number | undefined {
  if (!occurrence) return undefined
  const t = Date.parse(occurrence)
  if (Number.isNaN(t) || !isOccurrence(event, t)) throw new InputError('This event has no such occurrence: open it from the calendar again.', 'occurrence', 404)
  return t
}

/**
 * The event changed since the version a write was based on (`expect` of updateEvent): nothing was
 * written; read it again and redo the change.
 */
export class StaleEdit extends Error {
  override name = 'StaleEdit'
  constructor() {
    super('the event changed while this change was being saved')
  }
}

/**
 * Changes an event. For recurring events `scope` says what: 'this' (an override of the occurrence
 * `occurrence`), 'following' (the series ends before it and a new series starts there) or 'all'
 * (the master). For 'following' and 'all' the form shows one occurrence (with its override, if
 * any): what the user changed there applies to the series, a moved start moves every occurrence by
 * the same wall-clock amount, and the series' overrides and EXDATEs come along (moved by that
 * amount, their own edited fields kept).
 *
 * With `expect` (the `updatedAt` the form was merged against, see event-edits.ts) the write is a
 * compare-and-set: when the event changed since, nothing is written and StaleEdit is thrown.
 */
export async function updateEvent(svc: CalendarService, v: Viewer, id: string, f: EventForm, scope: Scope = 'all', occurrence?: string, opts: { expect?: Date } = {}): Promise<EventRow> {
  const { event, canEdit, attendees, overrides } = await svc.event(v, id)
  if (!canEdit) throw new InputError('You may not change this event: ask someone who can edit its calendar.', 'event', 403)
  if (opts.expect && event.updatedAt.getTime() !== opts.expect.getTime()) throw new StaleEdit()
  /** Writes the event's row inside a transaction: a stale version throws, and the transaction writes nothing. */
  const claim = async (db: Db, set: Partial<EventRow>) => {
    const where = opts.expect ? and(eq(svc.t.events.id, id), eq(svc.t.events.updatedAt, opts.expect)) : eq(svc.t.events.id, id)
    const done = await db.update(svc.t.events).set(set).where(where).returning({ id: svc.t.events.id })
    if (!done.length) throw new StaleEdit()
  }
  const occ = event.rrule ? occurrenceOf(event, occurrence) : undefined
  if (event.rrule && scope !== 'all' && occ === undefined) throw new InputError('Choose which occurrence to change.', 'occurrence')
  if (!event.rrule || (scope === 'following' && isFirst(event, occ))) scope = 'all'
  const now = nextVersion(event)
  if (scope === 'this') {
    const c = await svc.clean(v, { ...f, calendarId: event.calendarId, rrule: '', allDay: event.allDay, timeZone: event.allDay ? event.timeZone : f.timeZone })
    const values = { title: c.title, description: c.description, location: c.location, startAt: c.startAt, endAt: c.endAt, updatedAt: now }
    await svc.ctx.store.tx(async (db) => {
      await claim(db, { updatedAt: now, updatedBy: v.userId })
      const [existing] = await db.select().from(svc.t.overrides).where(and(eq(svc.t.overrides.eventId, id), eq(svc.t.overrides.originalStart, new Date(occ!))))
      if (existing) await db.update(svc.t.overrides).set(values).where(eq(svc.t.overrides.id, existing.id))
      else await db.insert(svc.t.overrides).values({ id: Bun.randomUUIDv7(), orgId: v.orgId, eventId: id, originalStart: new Date(occ!), ...values })
    })
    emitChange(svc, 'calendar.event.updated', v, { ...event, title: c.title }, `changed one occurrence of “${c.title}”`, 'this')
    return { ...event, updatedAt: now, updatedBy: v.userId }
  }
  const c = await svc.clean(v, f)
  if (c.calendarId !== event.calendarId && !(await svc.calendar(v, event.calendarId)).canEdit) throw new InputError('You may not move this event out of its calendar: keep its calendar.', 'calendarId', 403)
  const change = seriesChange(event, c, occ, overrides)
  if (scope === 'following') {
    const o = occ!
    // the old series ends just before the occurrence; a new one starts there
    const rsvps = new Map(attendees.map((a) => [a.userId, a.rsvp]))
    let newRule = c.rrule
    const oldUpdate: Partial<EventRow> = { updatedAt: now, updatedBy: v.userId }
    const count = ruleCount(event.rrule!)
    const before = countBefore(event, o)
    if (count !== undefined) {
      oldUpdate.rrule = ruleWithCount(event.rrule!, before)
      if (newRule && ruleCount(newRule) === count) newRule = ruleWithCount(newRule, Math.max(1, count - before))
    } else oldUpdate.rrule = ruleUntil(event.rrule!, o)
    oldUpdate.exdates = event.exdates.filter((d) => Date.parse(d) < o)
    const startAt = new Date(change.shift(o))
    const series = { ...c, ...change.fields, rrule: newRule, startAt, endAt: new Date(startAt.getTime() + change.duration) }
    const isOcc = occurrenceTest(series)
    const exdates = newRule ? shiftExdates(event.exdates.filter((d) => Date.parse(d) >= o), change.shift, isOcc) : []
    // overrides of later occurrences move to the new series
    const later = overrides.filter((ov) => ov.originalStart.getTime() >= o)
    const carried = newRule ? carryOverrides(later, event, change, isOcc) : []
    // all or nothing: never two series for one, nor a series cut short without its continuation
    const created = await svc.ctx.store.tx(async (db) => {
      const row = await insertEvent(svc, v.orgId, v.userId, series, { seriesId: event.seriesId ?? event.id, rsvps, exdates }, db)
      if (carried.length) await db.insert(svc.t.overrides).values(carried.map((ov) => ({ id: Bun.randomUUIDv7(), orgId: v.orgId, eventId: row.id, ...ov, updatedAt: now })))
      await db.delete(svc.t.overrides).where(and(eq(svc.t.overrides.eventId, id), gte(svc.t.overrides.originalStart, new Date(o))))
      // a stale version undoes the whole transaction
      await claim(db, oldUpdate)
      return row
    })
    emitChange(svc, 'calendar.event.updated', v, created, `changed the series “${created.title}” from one occurrence on`, 'following')
    await invite(svc, v, created, c.attendeeIds.filter((u) => !rsvps.has(u)))
    return created
  }
  // all
  const startAt = new Date(change.shift(event.startAt.getTime()))
  const values = {
    calendarId: c.calendarId,
    ...change.fields,
    allDay: c.allDay,
    timeZone: c.timeZone,
    startAt,
    endAt: new Date(startAt.getTime() + change.duration),
    rrule: c.rrule,
    exdates: [] as string[],
    reminders: c.reminders,
    hasReminders: c.reminders.length > 0,
    updatedAt: now,
    updatedBy: v.userId,
  }
  // on the first occurrence of the (new) rule: the same occurrences, a start that is one of them
  Object.assign(values, onFirstOccurrence(values))
  const isOcc = occurrenceTest(values)
  const carried = c.rrule ? carryOverrides(overrides, event, change, isOcc) : []
  if (c.rrule) values.exdates = shiftExdates(event.exdates, change.shift, isOcc)
  await svc.ctx.store.tx(async (db) => {
    await claim(db, values)
    // replaced as a set: moved original starts may swap places with each other
    await db.delete(svc.t.overrides).where(eq(svc.t.overrides.eventId, id))
    if (carried.length) await db.insert(svc.t.overrides).values(carried.map((ov) => ({ id: Bun.randomUUIDv7(), orgId: v.orgId, eventId: id, ...ov, updatedAt: now })))
    await setAttendees(svc, v.orgId, id, c.attendeeIds, undefined, db)
  })
  const updated = { ...event, ...values }
  emitChange(svc, 'calendar.event.updated', v, updated, `changed the event “${updated.title}”`, event.rrule ? 'all' : undefined)
  await invite(svc, v, updated, c.attendeeIds.filter((u) => !attendees.some((a) => a.userId === u)))
  return updated
}

/**
 * Attempts (read, compute, compare-and-set) a delete makes before it gives up with a 409. Each failed
 * one means another change won in between, so this many deletes of one series at once all succeed.
 */
const DELETE_ATTEMPTS = 10

/**
 * Deletes an event: 'this' occurrence (EXDATE), 'following' (the series ends before it) or 'all';
 * the records of reminders sent for the occurrences that are gone go in the same transaction. The
 * new RRULE or EXDATEs are computed from the event as read, so the write is a compare-and-set on its
 * `updatedAt`: when someone changed the series in between (another occurrence deleted, say), the
 * delete reads it again and redoes its change, at most DELETE_ATTEMPTS times, then a 409.
 */
export async function deleteEvent(svc: CalendarService, v: Viewer, id: string, scope: Scope = 'all', occurrence?: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteOnce(svc, v, id, scope, occurrence)
    } catch (e) {
      if (!(e instanceof StaleEdit)) throw e
      if (attempt >= DELETE_ATTEMPTS) throw new InputError('This event keeps changing while you delete from it: try again in a moment.', undefined, 409)
      // a few milliseconds apart, the contenders stop colliding round after round
      await Bun.sleep(Math.random() * 4 * attempt)
    }
  }
}

/** One attempt of deleteEvent: StaleEdit when the event changed after it was read (nothing written). */
async function deleteOnce(svc: CalendarService, v: Viewer, id: string, scope: Scope, occurrence: string | undefined): Promise<void> {
  const { event, canEdit } = await svc.event(v, id)
  if (!canEdit) throw new InputError('You may not delete this event: ask someone who can edit its calendar.', 'event', 403)
  const occ = event.rrule ? occurrenceOf(event, occurrence) : undefined
  if (event.rrule && scope !== 'all' && occ === undefined) throw new InputError('Choose which occurrence to delete.', 'occurrence')
  if (!event.rrule || (scope === 'following' && isFirst(event, occ))) scope = 'all'
  const t = svc.t
  const version = { updatedAt: nextVersion(event), updatedBy: v.userId }
  /** Writes the series' row only if it is still the version read; else nothing is written. */
  const claim = async (db: Db, set: Partial<EventRow>) => {
    const done = await db
      .update(t.events)
      .set({ ...set, ...version })
      .where(and(eq(t.events.id, id), eq(t.events.updatedAt, event.updatedAt)))
      .returning({ id: t.events.id })
    if (!done.length) throw new StaleEdit()
  }
  if (scope === 'this') {
    const at = new Date(occ!)
    await svc.ctx.store.tx(async (db) => {
      await claim(db, { exdates: [...new Set([...event.exdates, at.toISOString()])] })
      await db.delete(t.overrides).where(and(eq(t.overrides.eventId, id), eq(t.overrides.originalStart, at)))
      await db.delete(t.remindersSent).where(and(eq(t.remindersSent.eventId, id), eq(t.remindersSent.occurrenceStart, at)))
    })
    emitChange(svc, 'calendar.event.updated', v, event, `removed one occurrence of “${event.title}”`, 'this')
    return
  }
  if (scope === 'following') {
    const from = new Date(occ!)
    const count = ruleCount(event.rrule!)
    const rrule = count !== undefined ? ruleWithCount(event.rrule!, countBefore(event, occ!)) : ruleUntil(event.rrule!, occ!)
    await svc.ctx.store.tx(async (db) => {
      await claim(db, { rrule, exdates: event.exdates.filter((d) => Date.parse(d) < occ!) })
      await db.delete(t.overrides).where(and(eq(t.overrides.eventId, id), gte(t.overrides.originalStart, from)))
      await db.delete(t.remindersSent).where(and(eq(t.remindersSent.eventId, id), gte(t.remindersSent.occurrenceStart, from)))
    })
    emitChange(svc, 'calendar.event.updated', v, event, `ended the series “${event.title}”`, 'following')
    return
  }
  await removeEvents(svc, [id])
  emitChange(svc, 'calendar.event.deleted', v, event, `deleted the event “${event.title}”`, event.rrule ? 'all' : undefined)
}

/**
 * The `updatedAt` of a change to `event`: now, but always later than its current one, so a
 * compare-and-set against the old version fails even when both fall in one millisecond.
 */
function nextVersion(event: EventRow): Date {
  return new Date(Math.max(Date.now(), event.updatedAt.getTime() + 1))
}

/** Deletes events with their overrides, attendees and sent reminders (no bus events), in one transaction. */
export async function removeEvents(svc: CalendarService, all: string[]): Promise<void> {
  if (!all.length) return
  await svc.ctx.store.tx(async (db) => {
    // a few hundred ids a statement: a big calendar stays under the drivers' parameter limits
    for (let i = 0; i < all.length; i += 500) {
      const ids = all.slice(i, i + 500)
      await db.delete(svc.t.overrides).where(inArray(svc.t.overrides.eventId, ids))
      await db.delete(svc.t.attendees).where(inArray(svc.t.attendees.eventId, ids))
      await db.delete(svc.t.remindersSent).where(inArray(svc.t.remindersSent.eventId, ids))
      await db.delete(svc.t.events).where(inArray(svc.t.events.id, ids))
    }
  })
}
