/** @module The JSON API for events, under /api/v1/calendar/events: occurrences in a range, one event, create, change, delete, RSVP. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { guard } from '../../core/http/guard.ts'
import type { Person } from '../../core/plugins/points.ts'
import { apiError, emptyForm, occurrenceFor, scopeOf } from './routes-shared.ts'
import { NEW_PERSONAL, PERM, StaleEdit, formOf, viewerOf, type CalendarService, type Ctx, type EventForm, type EventRow, type Occurrence } from './service.ts'
import { DAY, isValidZone, parseDate, toWall, wallDate, wallTime } from './time.ts'

/** Splits a JSON time ("2026-11-25", "2026-11-25T09:00", or an instant with Z/offset) into form parts in `tz`. */
function splitTime(value: unknown, tz: string, field: string): { date: string; time: string } {
  if (typeof value !== 'string' || !value) throw new InputError(`Send ${field} as YYYY-MM-DD or YYYY-MM-DDTHH:MM.`, field)
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { date: value, time: '' }
  const local = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/.exec(value)
  if (local) return { date: local[1]!, time: local[2]! }
  const t = Date.parse(value)
  if (Number.isNaN(t) || !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) throw new InputError(`Send ${field} as YYYY-MM-DD, YYYY-MM-DDTHH:MM (in timeZone) or an ISO instant.`, field)
  const w = toWall(t, isValidZone(tz) ? tz : 'UTC')
  return { date: wallDate(w), time: wallTime(w) }
}

/** A JSON body over a base form (create: empty; update: the event's values). */
function formFromJson(body: Record<string, unknown>, base: EventForm): EventForm {
  const f: EventForm = { ...base }
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : body[k] === null ? '' : undefined)
  for (const k of ['calendarId', 'title', 'description', 'location', 'timeZone', 'rrule'] as const) {
    const v = str(k)
    if (v !== undefined) f[k] = v
  }
  if (body.allDay !== undefined) f.allDay = body.allDay === true
  if (f.allDay && !f.timeZone) f.timeZone = 'UTC'
  if (body.start !== undefined) {
    const s = splitTime(body.start, f.timeZone, 'start')
    f.startDate = s.date
    f.startTime = s.time
  }
  if (body.end !== undefined) {
    const e = splitTime(body.end, f.timeZone, 'end')
    // an all-day end is exclusive in JSON (like DTEND); the form's end date is the last day
    if (f.allDay && e.time === '') {
      const d = parseDate(e.date)
      f.endDate = d !== undefined ? wallDate(Math.max(d - DAY, parseDate(f.startDate) ?? d - DAY)) : e.date
    } else f.endDate = e.date
    f.endTime = e.time
  }
  if (body.attendees !== undefined) {
    if (!Array.isArray(body.attendees) || body.attendees.some((a) => typeof a !== 'string')) throw new InputError('Send attendees as a list of user ids.', 'attendeeIds')
    f.attendeeIds = body.attendees as string[]
  }
  if (body.reminders !== undefined) {
    if (!Array.isArray(body.reminders)) throw new InputError('Send reminders as a list of minutes.', 'reminders')
    f.reminders = body.reminders.join(',')
  }
  return f
}

function occurrenceJson(o: Occurrence) {
  return {
    eventId: o.eventId,
    occurrenceId: o.occurrenceId,
    calendarId: o.calendarId,
    title: o.title,
    description: o.description,
    location: o.location,
    allDay: o.allDay,
    timeZone: o.timeZone,
    start: o.start.toISOString(),
    end: o.end.toISOString(),
    ...(o.allDay ? { startDate: wallDate(o.start.getTime()), endDate: wallDate(o.end.getTime()) } : {}),
    originalStart: o.originalStart.toISOString(),
    recurring: o.recurring,
    overridden: o.overridden,
    color: o.color,
  }
}

/** Decodes a pagination cursor (an offset). */
function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!Number.isInteger(n) || n < 0) throw new InputError('This cursor cannot be read: use the nextCursor of the previous page.', 'cursor')
  return n
}

/** Events: occurrences in a range (paged), one event, create, change (by scope), delete, RSVP. */
export function calendarApiEventRoutes(ctx: Ctx, svc: CalendarService) {
  return (
    new Elysia({ name: 'plugin:calendar:api:events' })
      .use(guard)
      .get(
        '/api/v1/calendar/events',
        async ({ auth, query }) => {
          try {
            const v = viewerOf(auth)
            const from = new Date(parseDate(query.from) ?? Date.parse(query.from ?? ''))
            const to = new Date(parseDate(query.to) ?? Date.parse(query.to ?? ''))
            const limit = Math.min(Math.max(Number(query.limit) || 200, 1), 1000)
            const offset = offsetOf(query.cursor)
            const all = await svc.occurrences(v, from, to, { calendarIds: query.calendarId ? [query.calendarId] : undefined })
            const page = all.slice(offset, offset + limit)
            const nextCursor = offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64url') : null
            return { items: page.map(occurrenceJson), nextCursor }
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.read },
      )
      .get(
        '/api/v1/calendar/events/:id',
        async ({ auth, params }) => {
          try {
            const d = await svc.event(viewerOf(auth), params.id)
            return eventJson(d.event, d.attendees, d.overrides, await ctx.people.byIds(d.attendees.map((a) => a.userId)))
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.read },
      )
      .post(
        '/api/v1/calendar/events',
        async ({ auth, body, set }) => {
          try {
            const v = viewerOf(auth)
            const b = (body ?? {}) as Record<string, unknown>
            // no calendar named: the caller's personal calendar, made now if they have none (as the
            // form offers "Personal (new, yours)")
            const noCalendar = b.calendarId === undefined || b.calendarId === null || b.calendarId === ''
            const row = await svc.createEvent(v, formFromJson(noCalendar ? { ...b, calendarId: undefined } : b, emptyForm(noCalendar ? NEW_PERSONAL : '')))
            const d = await svc.event(v, row.id)
            set.status = 201
            return eventJson(d.event, d.attendees, d.overrides, await ctx.people.byIds(d.attendees.map((a) => a.userId)))
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
      .patch(
        '/api/v1/calendar/events/:id',
        async ({ auth, body, params }) => {
          try {
            const v = viewerOf(auth)
            const b = (body ?? {}) as Record<string, unknown>
            const scope = scopeOf(b.scope)
            const occurrence = typeof b.occurrence === 'string' ? b.occurrence : undefined
            if (b.updatedAt !== undefined && (typeof b.updatedAt !== 'string' || Number.isNaN(Date.parse(b.updatedAt)))) throw new InputError('Send updatedAt as the ISO time the event was read with.', 'updatedAt')
            let row: EventRow | undefined
            // the fields not sent keep the event's values as they are when it is written: read, apply
            // the body, write only if nobody changed the event in between (else read again)
            for (let attempt = 0; !row; attempt++) {
              const base = await occurrenceFor(svc, v, params.id, occurrence)
              // a precondition: the client's copy must still be the current one
              if (typeof b.updatedAt === 'string' && Date.parse(b.updatedAt) !== base.event.updatedAt.getTime())
                throw new InputError(`The event changed since ${b.updatedAt} (now ${base.event.updatedAt.toISOString()}): read it again and redo your change.`, 'updatedAt', 409)
              const baseForm = formOf(base.event, base.attendees.map((a) => a.userId), base.event.rrule && occurrence ? base.occ : undefined)
              try {
                row = await svc.updateEvent(v, params.id, formFromJson(b, baseForm), scope, occurrence, { expect: base.event.updatedAt })
              } catch (e) {
                if (!(e instanceof StaleEdit)) throw e
                if (attempt >= 4) throw new InputError('This event keeps changing while you save it: try again in a moment.', undefined, 409)
              }
            }
            const d = await svc.event(v, row.id)
            return eventJson(d.event, d.attendees, d.overrides, await ctx.people.byIds(d.attendees.map((a) => a.userId)))
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
      .delete(
        '/api/v1/calendar/events/:id',
        async ({ auth, params, query }) => {
          try {
            await svc.deleteEvent(viewerOf(auth), params.id, scopeOf(query.scope), query.occurrence || undefined)
            return { ok: true }
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/api/v1/calendar/events/:id/rsvp',
        async ({ auth, body, params }) => {
          try {
            const b = (body ?? {}) as Record<string, unknown>
            await svc.rsvp(viewerOf(auth), params.id, String(b.rsvp ?? b.status ?? ''))
            return { ok: true }
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.read },
      )
  )
}

function eventJson(e: import('./service.ts').EventRow, attendees: import('./service.ts').AttendeeRow[], overrides: import('./service.ts').OverrideRow[], people: Person[]) {
  const names = new Map(people.map((p) => [p.id, p.name]))
  return {
    id: e.id,
    uid: e.uid,
    calendarId: e.calendarId,
    seriesId: e.seriesId,
    title: e.title,
    description: e.description,
    location: e.location,
    allDay: e.allDay,
    timeZone: e.timeZone,
    start: e.startAt.toISOString(),
    end: e.endAt.toISOString(),
    rrule: e.rrule,
    exdates: e.exdates,
    reminders: e.reminders,
    attendees: attendees.map((a) => ({ userId: a.userId, name: names.get(a.userId) ?? '', rsvp: a.rsvp })),
    overrides: overrides.map((o) => ({ originalStart: o.originalStart.toISOString(), start: o.startAt.toISOString(), end: o.endAt.toISOString(), title: o.title, description: o.description, location: o.location })),
    updatedAt: e.updatedAt.toISOString(),
  }
}
