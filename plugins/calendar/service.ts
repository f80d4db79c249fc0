/**
 * @module Calendar domain logic: calendars and their sharing, events with recurrence, overrides and
 * EXDATEs, attendees and RSVP, reminders, layer preferences and feed tokens. Routes, the JSON API,
 * the feed and the demo seed all call it; bad input throws InputError (other-org ids: 404).
 */
import { and, eq, gte, inArray, isNotNull, lt, or } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { Person } from '../../core/plugins/points.ts'
import { activityOf, checkColor, checkRange, parseReminders, whenText } from './event-fields.ts'
import * as reminders from './event-reminders.ts'
import { carryOverrides, occurrenceTest, seriesChange, shiftExdates } from './event-series.ts'
import { BULK_ACTIVITY } from './events.ts'
import * as feedTokens from './feed-tokens.ts'
import { OWNER_KINDS, RSVP } from './schema.ts'
import { COLORS, NEW_PERSONAL, type AttendeeRow, type CalendarRow, type CalendarView, type CleanEvent, type Ctx, type EventForm, type EventRow, type Notifier, type Occurrence, type OverrideRow, type OwnerKind, type Rsvp, type Scope, type Tables, type TeamInfo, type Viewer } from './service-types.ts'
import {
  DAY,
  checkRrule,
  checkZone,
  countBefore,
  fromWall,
  inYearRange,
  isOccurrence,
  originalStarts,
  parseDate,
  parseTime,
  ruleCount,
  ruleUntil,
  ruleWithCount,
  yearRangeText,
} from './time.ts'

export * from './service-types.ts'
export { checkColor, formOf, parseReminders, startsText } from './event-fields.ts'

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
  async calendars(v: Viewer): Promise<CalendarView[]> {
    const rows = await this.db.select().from(this.t.calendars).where(eq(this.t.calendars.orgId, v.orgId))
    const shares = await this.db.select().from(this.t.shares).where(and(eq(this.t.shares.orgId, v.orgId), eq(this.t.shares.userId, v.userId)))
    const shareOf = new Map(shares.map((s) => [s.calendarId, s.access]))
    const teams = rows.some((r) => r.ownerKind === 'team') ? await this.teams(v.orgId) : undefined
    const out: CalendarView[] = []
    for (const r of rows) {
      let read = false
      let edit = false
      let manage = false
      let ownerLabel = 'Organization'
      let shared = false
      if (r.ownerKind === 'user') {
        ownerLabel = 'Personal'
        if (r.ownerId === v.userId) read = edit = manage = true
        else if (shareOf.has(r.id)) {
          read = true
          shared = true
          edit = shareOf.get(r.id) === 'edit'
        }
      } else if (r.ownerKind === 'org') {
        read = true
        edit = true
        manage = v.canManage
      } else {
        const team = teams?.find((t) => t.id === r.ownerId)
        ownerLabel = team ? team.name : 'Team'
        const member = !!team?.memberIds.includes(v.userId)
        read = member || v.canManage || shareOf.has(r.id)
        edit = member || v.canManage || shareOf.get(r.id) === 'edit'
        manage = v.canManage || (member && v.canWrite)
        shared = !member && shareOf.has(r.id)
      }
      if (!read) continue
      out.push({ ...r, canEdit: edit && v.canWrite, canManage: manage && v.canWrite, ownerLabel, shared })
    }
    const rank = { user: 0, team: 1, org: 2 }
    return out.sort((a, b) => Number(a.shared) - Number(b.shared) || rank[a.ownerKind] - rank[b.ownerKind] || a.name.localeCompare(b.name))
  }

  /** One visible calendar, or 404. */
  async calendar(v: Viewer, id: string): Promise<CalendarView> {
    const c = (await this.calendars(v)).find((c) => c.id === id)
    if (!c) throw new InputError('no such calendar', 'calendarId', 404)
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
        const own = (await this.calendars(v)).find((c) => c.canEdit && c.ownerKind === 'user' && c.ownerId === v.userId)
        return own ? own.id : (await this.createCalendar(v, { name: 'Personal', color: COLORS[0]!, ownerKind: 'user' })).id
      })().finally(() => this.creatingPersonal.delete(key))
      this.creatingPersonal.set(key, pending)
    }
    return pending
  }

  async createCalendar(v: Viewer, input: { name: string; color?: string; ownerKind?: string; ownerId?: string }): Promise<CalendarRow> {
    if (!v.canWrite) throw new InputError('you may not create calendars', 'name', 403)
    const name = (input.name ?? '').trim()
    if (!name || name.length > 80) throw new InputError('enter a name of 1 to 80 characters', 'name')
    const color = checkColor(input.color || COLORS[0]!)
    const kind = (input.ownerKind || 'user') as OwnerKind
    if (!OWNER_KINDS.includes(kind)) throw new InputError('choose personal, team or organization', 'ownerKind')
    let ownerId = v.userId
    if (kind === 'org') {
      if (!v.canManage) throw new InputError('only admins create organization calendars', 'ownerKind', 403)
      ownerId = v.orgId
    } else if (kind === 'team') {
      const team = (await this.teams(v.orgId)).find((t) => t.id === input.ownerId)
      if (!team) throw new InputError('choose one of your teams', 'ownerId')
      if (!v.canManage && !team.memberIds.includes(v.userId)) throw new InputError('only members of the team (or admins) create its calendar', 'ownerId', 403)
      ownerId = team.id
    }
    const row = { id: Bun.randomUUIDv7(), orgId: v.orgId, ownerKind: kind, ownerId, name, color, createdBy: v.userId, createdAt: new Date() }
    await this.db.insert(this.t.calendars).values(row)
    return row
  }

  /** Creates a calendar without permission checks (demo seed). */
  async insertCalendar(orgId: string, kind: OwnerKind, ownerId: string, name: string, color: string, createdBy: string): Promise<CalendarRow> {
    const row = { id: Bun.randomUUIDv7(), orgId, ownerKind: kind, ownerId, name, color, createdBy, createdAt: new Date() }
    await this.db.insert(this.t.calendars).values(row)
    return row
  }

  /** Renames and recolors a calendar (a missing or empty color keeps the old one). */
  async updateCalendar(v: Viewer, id: string, input: { name?: string; color?: string }): Promise<void> {
    const cal = await this.manageable(v, id)
    const name = (input.name ?? cal.name).trim()
    if (!name || name.length > 80) throw new InputError('enter a name of 1 to 80 characters', 'name')
    const color = checkColor(input.color || cal.color)
    await this.db.update(this.t.calendars).set({ name, color }).where(and(eq(this.t.calendars.id, id), eq(this.t.calendars.orgId, v.orgId)))
  }

  /** Deletes a calendar with its events and shares; one `calendar.event.deleted` per event. */
  async deleteCalendar(v: Viewer, id: string): Promise<void> {
    await this.manageable(v, id)
    const events = await this.db.select().from(this.t.events).where(and(eq(this.t.events.orgId, v.orgId), eq(this.t.events.calendarId, id)))
    await this.removeEvents(events.map((e) => e.id))
    await this.db.delete(this.t.shares).where(eq(this.t.shares.calendarId, id))
    await this.db.delete(this.t.layerPrefs).where(and(eq(this.t.layerPrefs.orgId, v.orgId), eq(this.t.layerPrefs.layer, `cal:${id}`)))
    await this.db.delete(this.t.calendars).where(eq(this.t.calendars.id, id))
    const each = events.length <= BULK_ACTIVITY
    for (const e of events) this.emit('calendar.event.deleted', v, e, each ? `deleted the event "${e.title}" with its calendar` : undefined, e.rrule ? 'all' : undefined)
  }

  /** A calendar the viewer may rename, share and delete (403 when they only see it, 404 when not). */
  async manageable(v: Viewer, id: string): Promise<CalendarView> {
    const cal = await this.calendar(v, id)
    if (!cal.canManage) throw new InputError('you may not change this calendar', 'calendarId', 403)
    return cal
  }

  async shares(v: Viewer, calendarId: string): Promise<{ userId: string; access: 'read' | 'edit' }[]> {
    await this.calendar(v, calendarId)
    return this.db.select({ userId: this.t.shares.userId, access: this.t.shares.access }).from(this.t.shares).where(eq(this.t.shares.calendarId, calendarId))
  }

  /** Shares a calendar with an org member (read or edit); sharing again changes the access. */
  async share(v: Viewer, calendarId: string, userId: string, access: string): Promise<void> {
    const cal = await this.manageable(v, calendarId)
    if (access !== 'read' && access !== 'edit') throw new InputError('choose read or edit', 'access')
    if (!(await this.members(v.orgId)).some((m) => m.id === userId)) throw new InputError('choose a member of this organization', 'userId')
    if (cal.ownerKind === 'user' && cal.ownerId === userId) throw new InputError('this is their own calendar', 'userId')
    const existing = await this.db.select().from(this.t.shares).where(and(eq(this.t.shares.calendarId, calendarId), eq(this.t.shares.userId, userId)))
    if (existing[0]) await this.db.update(this.t.shares).set({ access }).where(eq(this.t.shares.id, existing[0].id))
    else await this.db.insert(this.t.shares).values({ id: Bun.randomUUIDv7(), orgId: v.orgId, calendarId, userId, access, createdAt: new Date() })
  }

  async unshare(v: Viewer, calendarId: string, userId: string): Promise<void> {
    await this.manageable(v, calendarId)
    await this.db.delete(this.t.shares).where(and(eq(this.t.shares.calendarId, calendarId), eq(this.t.shares.userId, userId)))
  }

  // ---- events: reading

  /** An event the viewer can see (its calendar is visible or they are invited), or 404. */
  async event(v: Viewer, id: string): Promise<{ event: EventRow; calendar: CalendarView | undefined; canEdit: boolean; attendees: AttendeeRow[]; overrides: OverrideRow[] }> {
    const [event] = await this.db.select().from(this.t.events).where(and(eq(this.t.events.id, id), eq(this.t.events.orgId, v.orgId)))
    if (!event) throw new InputError('no such event', 'event', 404)
    const calendar = (await this.calendars(v)).find((c) => c.id === event.calendarId)
    const attendees = await this.db.select().from(this.t.attendees).where(eq(this.t.attendees.eventId, id))
    if (!calendar && !attendees.some((a) => a.userId === v.userId)) throw new InputError('no such event', 'event', 404)
    const overrides = await this.db.select().from(this.t.overrides).where(eq(this.t.overrides.eventId, id))
    return { event, calendar, canEdit: !!calendar?.canEdit, attendees, overrides }
  }

  /** Occurrences the viewer can see in [from, to), sorted by start. */
  async occurrences(v: Viewer, from: Date, to: Date, opts: { calendarIds?: string[]; hidden?: Set<string> } = {}): Promise<Occurrence[]> {
    checkRange(from, to)
    const cals = await this.calendars(v)
    const visible = cals.filter((c) => (!opts.calendarIds || opts.calendarIds.includes(c.id)) && !opts.hidden?.has(`cal:${c.id}`))
    const invitedIds = opts.calendarIds
      ? []
      : (await this.db.select({ id: this.t.attendees.eventId }).from(this.t.attendees).where(and(eq(this.t.attendees.orgId, v.orgId), eq(this.t.attendees.userId, v.userId)))).map((r) => r.id)
    const calIds = visible.map((c) => c.id)
    if (calIds.length === 0 && invitedIds.length === 0) return []
    const where = or(calIds.length ? inArray(this.t.events.calendarId, calIds) : undefined, invitedIds.length ? inArray(this.t.events.id, invitedIds) : undefined)
    const events = await this.db
      .select()
      .from(this.t.events)
      .where(and(eq(this.t.events.orgId, v.orgId), where, lt(this.t.events.startAt, to), or(isNotNull(this.t.events.rrule), gte(this.t.events.endAt, from))))
    const foreign = new Map<string, CalendarRow>()
    const missing = [...new Set(events.filter((e) => !cals.some((c) => c.id === e.calendarId)).map((e) => e.calendarId))]
    if (missing.length) for (const c of await this.db.select().from(this.t.calendars).where(inArray(this.t.calendars.id, missing))) foreign.set(c.id, c)
    const calOf = (id: string) => cals.find((c) => c.id === id) ?? foreign.get(id)
    // an invited event in a hidden calendar stays hidden
    const shown = events.filter((e) => !opts.hidden?.has(`cal:${e.calendarId}`) && (!opts.calendarIds || opts.calendarIds.includes(e.calendarId)))
    return this.expand(shown, from, to, calOf)
  }

  /** Expands events to occurrences in [from, to), applying overrides. */
  async expand(events: EventRow[], from: Date, to: Date, calOf: (id: string) => CalendarRow | undefined): Promise<Occurrence[]> {
    const recurringIds = events.filter((e) => e.rrule).map((e) => e.id)
    const overrides = recurringIds.length ? await this.db.select().from(this.t.overrides).where(inArray(this.t.overrides.eventId, recurringIds)) : []
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

  /** Events whose title contains `q` (search). */
  async search(v: Viewer, q: string): Promise<EventRow[]> {
    const calIds = (await this.calendars(v)).map((c) => c.id)
    if (!calIds.length) return []
    const needle = q.trim().toLowerCase()
    if (!needle) return []
    const rows = await this.db
      .select()
      .from(this.t.events)
      .where(and(eq(this.t.events.orgId, v.orgId), inArray(this.t.events.calendarId, calIds)))
    return rows.filter((r) => r.title.toLowerCase().includes(needle)).slice(0, 20)
  }

  // ---- events: writing

  /** Checks the form and turns it into stored values; InputError on the first bad field. */
  async clean(v: Viewer, f: EventForm, opts: { calendarMustBeWritable?: boolean; newPersonal?: boolean } = {}): Promise<CleanEvent> {
    const title = (f.title ?? '').trim()
    if (!title || title.length > 200) throw new InputError('enter a title of 1 to 200 characters', 'title')
    if ((f.description ?? '').length > 10_000) throw new InputError('the description is too long (10,000 characters at most)', 'description')
    if ((f.location ?? '').length > 300) throw new InputError('the location is too long (300 characters at most)', 'location')
    // NEW_PERSONAL stays a marker until the event is saved (createEvent makes the calendar then)
    const newPersonal = opts.newPersonal && f.calendarId === NEW_PERSONAL && v.canWrite
    const cal = newPersonal ? { id: NEW_PERSONAL, canEdit: true } : (await this.calendars(v)).find((c) => c.id === f.calendarId)
    // (a calendar deleted or unshared while a form was open: the form route shows this beside the field, 422)
    if (!cal) throw new InputError(f.calendarId ? 'this calendar no longer exists or is not shared with you: choose another calendar' : 'choose a calendar', 'calendarId', f.calendarId ? 404 : 422)
    if (opts.calendarMustBeWritable !== false && !cal.canEdit) throw new InputError('you may not add events to this calendar', 'calendarId', 403)
    const allDay = !!f.allDay
    const timeZone = allDay ? checkZone(f.timeZone || 'UTC') : checkZone(f.timeZone ?? '')
    const sd = parseDate(f.startDate)
    if (sd === undefined) throw new InputError('enter the start date as YYYY-MM-DD', 'startDate')
    const ed = f.endDate ? parseDate(f.endDate) : sd
    if (ed === undefined) throw new InputError('enter the end date as YYYY-MM-DD', 'endDate')
    if (!inYearRange(sd)) throw new InputError(yearRangeText('a start date'), 'startDate')
    if (!inYearRange(ed)) throw new InputError(yearRangeText('an end date'), 'endDate')
    let startAt: number
    let endAt: number
    if (allDay) {
      startAt = sd
      endAt = ed + DAY
      if (ed < sd) throw new InputError('the end must not be before the start', 'endDate')
    } else {
      const st = parseTime(f.startTime)
      if (st === undefined) throw new InputError('enter the start time as HH:MM', 'startTime')
      const et = f.endTime ? parseTime(f.endTime) : st + 3_600_000
      if (et === undefined) throw new InputError('enter the end time as HH:MM', 'endTime')
      startAt = fromWall(sd + st, timeZone)
      endAt = fromWall(ed + et, timeZone)
      if (endAt <= startAt) throw new InputError('the end must be after the start', 'endTime')
    }
    if (endAt - startAt > 366 * DAY) throw new InputError('an event lasts at most a year', 'endDate')
    const rrule = f.rrule && f.rrule.trim() ? checkRrule(f.rrule) : null
    const memberIds = new Set((await this.members(v.orgId)).map((m) => m.id))
    const attendeeIds = [...new Set((f.attendeeIds ?? []).filter(Boolean))]
    const unknown = attendeeIds.filter((id) => !memberIds.has(id))
    if (unknown.length) throw new InputError('attendees must be members of this organization', 'attendeeIds')
    if (attendeeIds.length > 200) throw new InputError('at most 200 attendees', 'attendeeIds')
    const reminders = parseReminders(f.reminders ?? '')
    return { calendarId: cal.id, title, description: (f.description ?? '').trim(), location: (f.location ?? '').trim(), allDay, timeZone, startAt: new Date(startAt), endAt: new Date(endAt), rrule, attendeeIds, reminders }
  }

  async createEvent(v: Viewer, f: EventForm, opts: { uid?: string; exdates?: string[] } = {}): Promise<EventRow> {
    const c = await this.clean(v, f, { newPersonal: true })
    if (c.calendarId === NEW_PERSONAL) c.calendarId = await this.personalCalendar(v)
    const row = await this.insertEvent(v.orgId, v.userId, c, opts)
    this.emit('calendar.event.created', v, row, `created the event "${row.title}"`)
    await this.invite(v, row, c.attendeeIds)
    return row
  }

  /**
   * Tells people just added as attendees of `e` (not the one adding them, not its organizer) through
   * collaboration when it is on: an 'invitation' notification, only for those who may see the event.
   * Removing attendees is silent. A failure is logged; the event is saved either way.
   */
  private async invite(v: Viewer, e: EventRow, added: string[]): Promise<void> {
    const userIds = [...new Set(added)].filter((id) => id !== v.userId && id !== e.createdBy)
    if (!userIds.length) return
    const notifier = this.ctx.service<Notifier>('collaboration.notify')
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
      this.ctx.log.warn('invitations failed', { event: e.id, error: err instanceof Error ? err.message : String(err) })
    }
  }

  /** Inserts a checked event with its attendees (no events emitted). */
  async insertEvent(orgId: string, actorId: string, c: CleanEvent, opts: { uid?: string; exdates?: string[]; seriesId?: string | null; rsvps?: Map<string, Rsvp> } = {}): Promise<EventRow> {
    const now = new Date()
    const id = Bun.randomUUIDv7()
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
      startAt: c.startAt,
      endAt: c.endAt,
      rrule: c.rrule,
      exdates: opts.exdates ?? [],
      reminders: c.reminders,
      hasReminders: c.reminders.length > 0,
      createdBy: actorId,
      createdAt: now,
      updatedAt: now,
    }
    await this.db.insert(this.t.events).values(row)
    await this.setAttendees(orgId, id, c.attendeeIds, opts.rsvps)
    return row
  }

  private async setAttendees(orgId: string, eventId: string, userIds: string[], keep?: Map<string, Rsvp>): Promise<void> {
    const existing = await this.db.select().from(this.t.attendees).where(eq(this.t.attendees.eventId, eventId))
    const prior = keep ?? new Map(existing.map((a) => [a.userId, a.rsvp]))
    await this.db.delete(this.t.attendees).where(eq(this.t.attendees.eventId, eventId))
    if (userIds.length) {
      await this.db.insert(this.t.attendees).values(userIds.map((userId) => ({ id: Bun.randomUUIDv7(), orgId, eventId, userId, rsvp: prior.get(userId) ?? ('needs-action' as Rsvp), updatedAt: new Date() })))
    }
  }

  /** Checks that `occurrence` (ISO original start) is one of the event's occurrences. */
  private occurrenceOf(event: EventRow, occurrence: string | undefined): number | undefined {
    if (!occurrence) return undefined
    const t = Date.parse(occurrence)
    if (Number.isNaN(t) || !isOccurrence(event, t)) throw new InputError('no such occurrence of this event', 'occurrence', 404)
    return t
  }

  /**
   * Changes an event. For recurring events `scope` says what: 'this' (an override of the occurrence
   * `occurrence`), 'following' (the series ends before it and a new series starts there) or 'all'
   * (the master). For 'following' and 'all' the form shows one occurrence (with its override, if
   * any): what the user changed there applies to the series, a moved start moves every occurrence by
   * the same wall-clock amount, and the series' overrides and EXDATEs come along (moved by that
   * amount, their own edited fields kept).
   */
  async updateEvent(v: Viewer, id: string, f: EventForm, scope: Scope = 'all', occurrence?: string): Promise<EventRow> {
    const { event, canEdit, attendees, overrides } = await this.event(v, id)
    if (!canEdit) throw new InputError('you may not change this event', 'event', 403)
    const occ = event.rrule ? this.occurrenceOf(event, occurrence) : undefined
    if (event.rrule && scope !== 'all' && occ === undefined) throw new InputError('choose which occurrence to change', 'occurrence')
    if (!event.rrule || (scope === 'following' && occ === event.startAt.getTime())) scope = 'all'
    const now = new Date()
    if (scope === 'this') {
      const c = await this.clean(v, { ...f, calendarId: event.calendarId, rrule: '', allDay: event.allDay, timeZone: event.allDay ? event.timeZone : f.timeZone })
      const values = { title: c.title, description: c.description, location: c.location, startAt: c.startAt, endAt: c.endAt, updatedAt: now }
      const [existing] = await this.db.select().from(this.t.overrides).where(and(eq(this.t.overrides.eventId, id), eq(this.t.overrides.originalStart, new Date(occ!))))
      if (existing) await this.db.update(this.t.overrides).set(values).where(eq(this.t.overrides.id, existing.id))
      else await this.db.insert(this.t.overrides).values({ id: Bun.randomUUIDv7(), orgId: v.orgId, eventId: id, originalStart: new Date(occ!), ...values })
      await this.touch(id)
      this.emit('calendar.event.updated', v, { ...event, title: c.title }, `changed one occurrence of "${c.title}"`, 'this')
      return event
    }
    const c = await this.clean(v, f)
    if (c.calendarId !== event.calendarId && !(await this.calendar(v, event.calendarId)).canEdit) throw new InputError('you may not move this event', 'calendarId', 403)
    const change = seriesChange(event, c, occ, overrides)
    if (scope === 'following') {
      const o = occ!
      // the old series ends just before the occurrence; a new one starts there
      const rsvps = new Map(attendees.map((a) => [a.userId, a.rsvp]))
      let newRule = c.rrule
      const oldUpdate: Partial<EventRow> = { updatedAt: now }
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
      const created = await this.insertEvent(v.orgId, v.userId, series, { seriesId: event.seriesId ?? event.id, rsvps, exdates })
      // overrides of later occurrences move to the new series
      const later = overrides.filter((ov) => ov.originalStart.getTime() >= o)
      const carried = newRule ? carryOverrides(later, event, change, isOcc) : []
      if (carried.length) await this.db.insert(this.t.overrides).values(carried.map((ov) => ({ id: Bun.randomUUIDv7(), orgId: v.orgId, eventId: created.id, ...ov, updatedAt: now })))
      await this.db.delete(this.t.overrides).where(and(eq(this.t.overrides.eventId, id), gte(this.t.overrides.originalStart, new Date(o))))
      await this.db.update(this.t.events).set(oldUpdate).where(eq(this.t.events.id, id))
      this.emit('calendar.event.updated', v, created, `changed the series "${created.title}" from one occurrence on`, 'following')
      await this.invite(v, created, c.attendeeIds.filter((u) => !rsvps.has(u)))
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
    }
    const isOcc = occurrenceTest(values)
    const carried = c.rrule ? carryOverrides(overrides, event, change, isOcc) : []
    if (c.rrule) values.exdates = shiftExdates(event.exdates, change.shift, isOcc)
    await this.ctx.store.tx(async (db) => {
      await db.update(this.t.events).set(values).where(eq(this.t.events.id, id))
      // replaced as a set: moved original starts may swap places with each other
      await db.delete(this.t.overrides).where(eq(this.t.overrides.eventId, id))
      if (carried.length) await db.insert(this.t.overrides).values(carried.map((ov) => ({ id: Bun.randomUUIDv7(), orgId: v.orgId, eventId: id, ...ov, updatedAt: now })))
    })
    await this.setAttendees(v.orgId, id, c.attendeeIds)
    const updated = { ...event, ...values }
    this.emit('calendar.event.updated', v, updated, `changed the event "${updated.title}"`, event.rrule ? 'all' : undefined)
    await this.invite(v, updated, c.attendeeIds.filter((u) => !attendees.some((a) => a.userId === u)))
    return updated
  }

  /** Deletes an event: 'this' occurrence (EXDATE), 'following' (the series ends before it) or 'all'. */
  async deleteEvent(v: Viewer, id: string, scope: Scope = 'all', occurrence?: string): Promise<void> {
    const { event, canEdit } = await this.event(v, id)
    if (!canEdit) throw new InputError('you may not delete this event', 'event', 403)
    const occ = event.rrule ? this.occurrenceOf(event, occurrence) : undefined
    if (event.rrule && scope !== 'all' && occ === undefined) throw new InputError('choose which occurrence to delete', 'occurrence')
    if (!event.rrule || (scope === 'following' && occ === event.startAt.getTime())) scope = 'all'
    if (scope === 'this') {
      const iso = new Date(occ!).toISOString()
      await this.db.update(this.t.events).set({ exdates: [...new Set([...event.exdates, iso])], updatedAt: new Date() }).where(eq(this.t.events.id, id))
      await this.db.delete(this.t.overrides).where(and(eq(this.t.overrides.eventId, id), eq(this.t.overrides.originalStart, new Date(occ!))))
      this.emit('calendar.event.updated', v, event, `removed one occurrence of "${event.title}"`, 'this')
      return
    }
    if (scope === 'following') {
      const count = ruleCount(event.rrule!)
      const rrule = count !== undefined ? ruleWithCount(event.rrule!, countBefore(event, occ!)) : ruleUntil(event.rrule!, occ!)
      await this.db.update(this.t.events).set({ rrule, exdates: event.exdates.filter((d) => Date.parse(d) < occ!), updatedAt: new Date() }).where(eq(this.t.events.id, id))
      await this.db.delete(this.t.overrides).where(and(eq(this.t.overrides.eventId, id), gte(this.t.overrides.originalStart, new Date(occ!))))
      this.emit('calendar.event.updated', v, event, `ended the series "${event.title}"`, 'following')
      return
    }
    await this.removeEvents([id])
    this.emit('calendar.event.deleted', v, event, `deleted the event "${event.title}"`, event.rrule ? 'all' : undefined)
  }

  private async removeEvents(all: string[]): Promise<void> {
    // a few hundred ids a statement: a big calendar stays under the drivers' parameter limits
    for (let i = 0; i < all.length; i += 500) {
      const ids = all.slice(i, i + 500)
      await this.db.delete(this.t.overrides).where(inArray(this.t.overrides.eventId, ids))
      await this.db.delete(this.t.attendees).where(inArray(this.t.attendees.eventId, ids))
      await this.db.delete(this.t.remindersSent).where(inArray(this.t.remindersSent.eventId, ids))
      await this.db.delete(this.t.events).where(inArray(this.t.events.id, ids))
    }
  }

  private async touch(id: string): Promise<void> {
    await this.db.update(this.t.events).set({ updatedAt: new Date() }).where(eq(this.t.events.id, id))
  }

  /** An attendee answers for themself. */
  async rsvp(v: Viewer, id: string, status: string): Promise<void> {
    if (!RSVP.includes(status as Rsvp)) throw new InputError('answer accepted, tentative or declined', 'rsvp')
    const { event, attendees } = await this.event(v, id)
    const mine = attendees.find((a) => a.userId === v.userId)
    if (!mine) throw new InputError('you are not invited to this event', 'rsvp', 403)
    await this.db.update(this.t.attendees).set({ rsvp: status as Rsvp, updatedAt: new Date() }).where(eq(this.t.attendees.id, mine.id))
    this.emit('calendar.event.updated', v, event, `answered ${status} to "${event.title}"`)
  }

  private emit(name: 'calendar.event.created' | 'calendar.event.updated' | 'calendar.event.deleted', v: Viewer, e: EventRow, text: string | undefined, scope?: Scope): void {
    this.ctx.bus.emit(name, {
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
  announceImport(v: Viewer, calendarId: string, rows: EventRow[]): void {
    if (!rows.length) return
    const each = rows.length <= BULK_ACTIVITY
    for (const row of rows) this.emit('calendar.event.created', v, row, each ? `imported the event "${row.title}"` : undefined)
    const first = rows[0]!
    this.ctx.bus.emit('calendar.import.completed', {
      orgId: v.orgId,
      calendarId,
      eventIds: rows.map((r) => r.id),
      activity: each ? undefined : activityOf(v, first, `imported ${rows.length} events: "${first.title}" and ${rows.length - 1} more`, true),
    })
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

  hasFeedToken(v: Viewer): Promise<boolean> {
    return feedTokens.hasFeedToken(this, v)
  }

  /** A new feed token (the old one stops working); only its hash is stored. */
  newFeedToken(v: Viewer): Promise<string> {
    return feedTokens.newFeedToken(this, v)
  }

  revokeFeedToken(v: Viewer): Promise<void> {
    return feedTokens.revokeFeedToken(this, v)
  }

  /** The user and org behind a feed token, or undefined. */
  feedOwner(token: string): Promise<{ orgId: string; userId: string } | undefined> {
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
