/**
 * @module Calendar domain logic: calendars and their sharing, events with recurrence, overrides and
 * EXDATEs, attendees and RSVP, reminders, layer preferences and feed tokens. Routes, the JSON API,
 * the feed and the demo seed all call it; bad input throws InputError (other-org ids: 404). The
 * class keeps the surface and delegates: calendars-sharing.ts, occurrences.ts, event-checks.ts,
 * event-writes.ts, event-attendees.ts, event-announce.ts, event-reminders.ts, feed-tokens.ts.
 */
import { and, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { Person } from '../../core/plugins/points.ts'
import * as sharing from './calendars-sharing.ts'
import * as announce from './event-announce.ts'
import * as attendees from './event-attendees.ts'
import * as checks from './event-checks.ts'
import * as edits from './event-edits.ts'
import * as reminders from './event-reminders.ts'
import * as writes from './event-writes.ts'
import * as feedTokens from './feed-tokens.ts'
import * as occurrences from './occurrences.ts'
import { unusedColor, type AttendeeRow, type CalendarRow, type CalendarView, type CleanEvent, type Ctx, type EventForm, type EventRow, type Occurrence, type OverrideRow, type OwnerKind, type Rsvp, type Scope, type Tables, type TeamInfo, type Viewer } from './service-types.ts'

export * from './service-types.ts'
export { checkColor, formOf, parseReminders, startsText } from './event-fields.ts'
export { EditConflict, type EditBase } from './event-edits.ts'
export { StaleEdit } from './event-writes.ts'

/** The domain service. */
export class CalendarService {
  readonly t: Tables

  constructor(readonly ctx: Ctx) {
    this.t = ctx.tables
  }

  private get db() {
    return this.ctx.db
  }

  // ---- teams and people

  /** Teams of the org with their members (core's `people.teams`). */
  teams(orgId: string): Promise<TeamInfo[]> {
    return this.ctx.people.teams(orgId)
  }

  members(orgId: string): Promise<Person[]> {
    return this.ctx.people.members(orgId)
  }

  // ---- calendars

  /** Calendars the viewer can see. */
  calendars(v: Viewer): Promise<CalendarView[]> {
    return sharing.calendars(this, v)
  }

  /** One visible calendar, or 404. */
  async calendar(v: Viewer, id: string): Promise<CalendarView> {
    const c = (await this.calendars(v)).find((c) => c.id === id)
    if (!c) throw new InputError('This calendar does not exist or is not shared with you: choose another calendar.', 'calendarId', 404)
    return c
  }

  /**
   * The viewer's calendars they may add events to. Reading changes nothing: someone who may write
   * but has no calendar is offered NEW_PERSONAL, made when the first event is saved.
   */
  async writable(v: Viewer): Promise<CalendarView[]> {
    return (await this.calendars(v)).filter((c) => c.canEdit)
  }

  /** Personal calendars being created, per user: concurrent first events share one. */
  private readonly creatingPersonal = new Map<string, Promise<string>>()

  /** The id of the viewer's first personal calendar they may edit, made now if they have none. */
  async personalCalendar(v: Viewer): Promise<string> {
    const key = `${v.orgId}:${v.userId}`
    let pending = this.creatingPersonal.get(key)
    if (!pending) {
      pending = (async () => {
        const seen = await this.calendars(v)
        const own = seen.find((c) => c.canEdit && c.ownerKind === 'user' && c.ownerId === v.userId)
        // a color none of the calendars beside it has (the team's is often the first one)
        return own ? own.id : (await this.createCalendar(v, { name: 'Personal', color: unusedColor(seen.map((c) => c.color)), ownerKind: 'user' })).id
      })().finally(() => this.creatingPersonal.delete(key))
      this.creatingPersonal.set(key, pending)
    }
    return pending
  }

  /** Creates a calendar: personal for writers, team for its members (or admins), organization for admins. */
  createCalendar(v: Viewer, input: { name: string; color?: string; ownerKind?: string; ownerId?: string }): Promise<CalendarRow> {
    return sharing.createCalendar(this, v, input)
  }

  /** Creates a calendar without permission checks (demo seed). */
  async insertCalendar(orgId: string, kind: OwnerKind, ownerId: string, name: string, color: string, createdBy: string): Promise<CalendarRow> {
    const row = { id: Bun.randomUUIDv7(), orgId, ownerKind: kind, ownerId, name, color, createdBy, createdAt: new Date() }
    await this.db.insert(this.t.calendars).values(row)
    return row
  }

  /** Renames and recolors a calendar (a missing or empty color keeps the old one). */
  updateCalendar(v: Viewer, id: string, input: { name?: string; color?: string }): Promise<void> {
    return sharing.updateCalendar(this, v, id, input)
  }

  /** Deletes a calendar with its events and shares; one `calendar.event.deleted` per event. */
  deleteCalendar(v: Viewer, id: string): Promise<void> {
    return sharing.deleteCalendar(this, v, id)
  }

  /** A calendar the viewer may rename, share and delete (403 when they only see it, 404 when not). */
  async manageable(v: Viewer, id: string): Promise<CalendarView> {
    const cal = await this.calendar(v, id)
    if (!cal.canManage) throw new InputError('You may not change this calendar: ask its owner or an admin.', 'calendarId', 403)
    return cal
  }

  /** Who a visible calendar is shared with, and how. */
  shares(v: Viewer, calendarId: string): Promise<{ userId: string; access: 'read' | 'edit' }[]> {
    return sharing.shares(this, v, calendarId)
  }

  /** Shares a calendar with an org member (read or edit); sharing again changes the access. */
  share(v: Viewer, calendarId: string, userId: string, access: string): Promise<void> {
    return sharing.share(this, v, calendarId, userId, access)
  }

  /** Stops sharing a calendar with a member. */
  unshare(v: Viewer, calendarId: string, userId: string): Promise<void> {
    return sharing.unshare(this, v, calendarId, userId)
  }

  // ---- events: reading

  /** An event the viewer can see (its calendar is visible or they are invited), or 404. */
  event(v: Viewer, id: string): Promise<{ event: EventRow; calendar: CalendarView | undefined; canEdit: boolean; attendees: AttendeeRow[]; overrides: OverrideRow[] }> {
    return occurrences.event(this, v, id)
  }

  /** Occurrences the viewer can see in [from, to), sorted by start. */
  occurrences(v: Viewer, from: Date, to: Date, opts: { calendarIds?: string[]; hidden?: Set<string> } = {}): Promise<Occurrence[]> {
    return occurrences.occurrences(this, v, from, to, opts)
  }

  /** Expands events to occurrences in [from, to), applying overrides. */
  expand(events: EventRow[], from: Date, to: Date, calOf: (id: string) => CalendarRow | undefined): Promise<Occurrence[]> {
    return occurrences.expand(this, events, from, to, calOf)
  }

  /** Events whose title contains `q` (search). */
  search(v: Viewer, q: string): Promise<EventRow[]> {
    return occurrences.search(this, v, q)
  }

  // ---- events: writing

  /** Checks the form and turns it into stored values; InputError on the first bad field. */
  clean(v: Viewer, f: EventForm, opts: { calendarMustBeWritable?: boolean; newPersonal?: boolean; skippedTimes?: boolean } = {}): Promise<CleanEvent> {
    return checks.clean(this, v, f, opts)
  }

  /** Creates an event (and the viewer's personal calendar for NEW_PERSONAL), tells the bus and invites its attendees. */
  createEvent(v: Viewer, f: EventForm, opts: { uid?: string; exdates?: string[] } = {}): Promise<EventRow> {
    return writes.createEvent(this, v, f, opts)
  }

  /** Inserts a checked event with its attendees (no events emitted). */
  insertEvent(orgId: string, actorId: string, c: CleanEvent, opts: { uid?: string; exdates?: string[]; seriesId?: string | null; rsvps?: Map<string, Rsvp> } = {}): Promise<EventRow> {
    return writes.insertEvent(this, orgId, actorId, c, opts)
  }

  /**
   * Changes an event. For recurring events `scope` says what: 'this' (an override of the occurrence
   * `occurrence`), 'following' (the series ends before it and a new series starts there) or 'all'
   * (the master). For 'following' and 'all' the form shows one occurrence (with its override, if
   * any): what the user changed there applies to the series, a moved start moves every occurrence by
   * the same wall-clock amount, and the series' overrides and EXDATEs come along (moved by that
   * amount, their own edited fields kept).
   */
  updateEvent(v: Viewer, id: string, f: EventForm, scope: Scope = 'all', occurrence?: string, opts: { expect?: Date } = {}): Promise<EventRow> {
    return writes.updateEvent(this, v, id, f, scope, occurrence, opts)
  }

  /**
   * Saves an edit form loaded at `base` (its version and the values it showed): only the fields the
   * user changed apply; one someone else changed meanwhile to another value is an EditConflict (409).
   * See event-edits.ts.
   */
  saveEdit(v: Viewer, id: string, mine: EventForm, base: edits.EditBase | undefined, scope: Scope = 'all', occurrence?: string): Promise<EventRow> {
    return edits.saveEdit(this, v, id, mine, base, scope, occurrence)
  }

  /** Deletes an event: 'this' occurrence (EXDATE), 'following' (the series ends before it) or 'all'. */
  deleteEvent(v: Viewer, id: string, scope: Scope = 'all', occurrence?: string): Promise<void> {
    return writes.deleteEvent(this, v, id, scope, occurrence)
  }

  /** An attendee answers for themself. */
  rsvp(v: Viewer, id: string, status: string): Promise<void> {
    return attendees.rsvp(this, v, id, status)
  }

  /**
   * Tells the bus about events an .ics import added: one `calendar.event.created` each (with an
   * activity for small imports) and one `calendar.import.completed` (the activity of a big import).
   */
  announceImport(v: Viewer, calendarId: string, rows: EventRow[]): void {
    return announce.announceImport(this, v, calendarId, rows)
  }

  // ---- reminders

  /**
   * Sends reminders that are due at `now` through collaboration.notify (when it is on) and
   * remembers them. Recipients: attendees who did not decline, and the event's creator.
   */
  async sendDueReminders(now = new Date()): Promise<number> {
    return (await this.reminderPass(now)).sent
  }

  /** One reminder pass (see event-reminders.ts): how many events it looked at and how many reminders it sent. */
  reminderPass(now = new Date()): Promise<{ events: number; sent: number }> {
    return reminders.reminderPass(this, now)
  }

  // ---- layers

  async hiddenLayers(v: Viewer): Promise<Set<string>> {
    const rows = await this.db.select().from(this.t.layerPrefs).where(and(eq(this.t.layerPrefs.orgId, v.orgId), eq(this.t.layerPrefs.userId, v.userId)))
    return new Set(rows.filter((r) => r.hidden).map((r) => r.layer))
  }

  /** Remembers which of `all` layers are shown (the rest are hidden). */
  async setLayers(v: Viewer, all: string[], shown: string[]): Promise<void> {
    const on = new Set(shown)
    await this.db.delete(this.t.layerPrefs).where(and(eq(this.t.layerPrefs.orgId, v.orgId), eq(this.t.layerPrefs.userId, v.userId)))
    const hidden = [...new Set(all.filter((l) => !on.has(l) && l.length < 300))]
    if (hidden.length) await this.db.insert(this.t.layerPrefs).values(hidden.map((layer) => ({ id: Bun.randomUUIDv7(), orgId: v.orgId, userId: v.userId, layer, hidden: true })))
  }

  // ---- feed tokens

  /** A new feed token (the old one stops working) carrying `layers` besides the calendars; only its hash is stored. */
  newFeedToken(v: Viewer, layers: string[] = []): Promise<string> {
    return feedTokens.newFeedToken(this, v, layers)
  }

  /** The calendar.source layers the viewer's feed carries (undefined: they have no feed address). */
  feedLayers(v: Viewer): Promise<string[] | undefined> {
    return feedTokens.feedLayers(this, v)
  }

  /** Changes which layers the viewer's feed carries, keeping its address. */
  setFeedLayers(v: Viewer, layers: string[]): Promise<void> {
    return feedTokens.setFeedLayers(this, v, layers)
  }

  revokeFeedToken(v: Viewer): Promise<void> {
    return feedTokens.revokeFeedToken(this, v)
  }

  /** The user and org behind a feed token, and the layers it carries, or undefined. */
  feedOwner(token: string): Promise<{ orgId: string; userId: string; layers: string[] } | undefined> {
    return feedTokens.feedOwner(this, token)
  }

  /** Everything a feed holds for the viewer: events of visible calendars and invitations, with overrides. */
  feedData(v: Viewer): Promise<{ calendars: CalendarView[]; events: EventRow[]; overrides: OverrideRow[]; attendees: AttendeeRow[] }> {
    return feedTokens.feedData(this, v)
  }

  /** Stores an override without checks (import, demo seed). */
  async insertOverride(orgId: string, eventId: string, originalStart: Date, o: { title: string; description: string; location: string; startAt: Date; endAt: Date }): Promise<void> {
    await this.db
      .insert(this.t.overrides)
      .values({ id: Bun.randomUUIDv7(), orgId, eventId, originalStart, ...o, updatedAt: new Date() })
      .onConflictDoNothing()
  }

  /** Events of a calendar by UID (import dedupe). */
  async eventByUid(orgId: string, calendarId: string, uid: string): Promise<EventRow | undefined> {
    const [row] = await this.db.select().from(this.t.events).where(and(eq(this.t.events.orgId, orgId), eq(this.t.events.calendarId, calendarId), eq(this.t.events.uid, uid)))
    return row
  }

  async addExdate(eventId: string, iso: string): Promise<void> {
    const [e] = await this.db.select().from(this.t.events).where(eq(this.t.events.id, eventId))
    if (e && !e.exdates.includes(iso)) await this.db.update(this.t.events).set({ exdates: [...e.exdates, iso] }).where(eq(this.t.events.id, eventId))
  }

  /** Calendars of a kind in an org (demo seed). */
  async calendarsOf(orgId: string, kind: OwnerKind): Promise<CalendarRow[]> {
    return this.db.select().from(this.t.calendars).where(and(eq(this.t.calendars.orgId, orgId), eq(this.t.calendars.ownerKind, kind)))
  }
}
