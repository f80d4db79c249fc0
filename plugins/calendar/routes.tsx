/** @module Calendar routes: pages under /calendar, the feed, and the JSON API under /api/v1/calendar. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { redirect } from '../../core/http/render.ts'
import { errorFor, jsonError } from '../../core/http/respond.ts'
import { readCookie } from '../../core/http/cookies.ts'
import { readFormAll } from '../../core/pages/context.ts'
import type { KnownServices, Person } from '../../core/plugins/points.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { buildFeed, importIcs } from './ics.ts'
import { NEW_PERSONAL, PERM, formOf, viewerOf, type CalendarService, type CalendarView, type Ctx, type EventForm, type Occurrence, type Scope, type Viewer } from './service.ts'
import { DAY, fromWall, isValidZone, parseDate, parseTime, toWall, wallDate, wallTime, weekStart } from './time.ts'
import { Agenda } from './views/agenda.tsx'
import { CalendarsPage } from './views/calendars.tsx'
import { CalendarEditPage } from './views/calendars-edit.tsx'
import { EventFormView } from './views/event-form.tsx'
import { EventPage } from './views/event-page.tsx'
import { longDate, monthLabel, viewHref, type Item, type ViewName } from './views/items.tsx'
import { LayerForm, type Layer } from './views/layers.tsx'
import { MonthGrid } from './views/month.tsx'
import { TimeGrid } from './views/week.tsx'
import { ZoneInput } from './views/zones.tsx'

const VIEWS: ViewName[] = ['month', 'week', 'day', 'agenda']
const AGENDA_DAYS = 30
const SCRIPT = '<script src="/public/calendar/calendar.js" defer></script>'

/** The zone to show times in: ?tz=, then the browser's (cookie set by calendar.js), then UTC. */
function viewZone(request: Request, tzParam: string | undefined): { tz: string; error?: string } {
  if (tzParam) return isValidZone(tzParam) ? { tz: tzParam } : { tz: 'UTC', error: `"${tzParam}" is not a time zone; use an IANA name such as Europe/Berlin` }
  const c = readCookie(request, 'cal_tz')
  return { tz: c && isValidZone(c) ? c : 'UTC' }
}

/** Reads an event form body. */
function formFromBody(one: Record<string, string>, all: Record<string, string[]>): EventForm {
  const repeat = one.repeat
  return {
    calendarId: one.calendarId ?? '',
    title: one.title ?? '',
    description: one.description ?? '',
    location: one.location ?? '',
    allDay: ['1', 'on', 'true'].includes(one.allDay ?? ''),
    timeZone: (one.timeZone ?? '').trim(),
    startDate: (one.startDate ?? '').trim(),
    startTime: (one.startTime ?? '').trim(),
    endDate: (one.endDate ?? '').trim(),
    endTime: (one.endTime ?? '').trim(),
    rrule: repeat && repeat !== 'custom' ? repeat : (one.rrule ?? '').trim(),
    attendeeIds: all.attendeeIds ?? [],
    reminders: one.reminders ?? '',
  }
}

/** Splits a JSON time ("2026-11-25", "2026-11-25T09:00", or an instant with Z/offset) into form parts in `tz`. */
function splitTime(value: unknown, tz: string, field: string): { date: string; time: string } {
  if (typeof value !== 'string' || !value) throw new InputError(`${field} is required (YYYY-MM-DD or YYYY-MM-DDTHH:MM)`, field)
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { date: value, time: '' }
  const local = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/.exec(value)
  if (local) return { date: local[1]!, time: local[2]! }
  const t = Date.parse(value)
  if (Number.isNaN(t) || !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) throw new InputError(`${field} must be YYYY-MM-DD, YYYY-MM-DDTHH:MM (in timeZone) or an ISO instant`, field)
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
    if (!Array.isArray(body.attendees) || body.attendees.some((a) => typeof a !== 'string')) throw new InputError('attendees must be a list of user ids', 'attendeeIds')
    f.attendeeIds = body.attendees as string[]
  }
  if (body.reminders !== undefined) {
    if (!Array.isArray(body.reminders)) throw new InputError('reminders must be a list of minutes', 'reminders')
    f.reminders = body.reminders.join(',')
  }
  return f
}

function emptyForm(calendarId = ''): EventForm {
  return { calendarId, title: '', description: '', location: '', allDay: false, timeZone: 'UTC', startDate: '', startTime: '', endDate: '', endTime: '', rrule: '', attendeeIds: [], reminders: '' }
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

function scopeOf(s: unknown): Scope {
  if (s === undefined || s === null || s === '') return 'all'
  if (s === 'this' || s === 'following' || s === 'all') return s
  throw new InputError('scope is this, following or all', 'scope')
}

/** An InputError as a JSON answer. */
function apiError(err: unknown): Response {
  if (err instanceof InputError) {
    const code = err.status === 404 ? 'not_found' : err.status === 403 ? 'forbidden' : err.status === 409 ? 'conflict' : 'invalid'
    const res = jsonError(err.status, code, err.message)
    return err.field ? Response.json({ error: { code, message: err.message, field: err.field } }, { status: err.status }) : res
  }
  throw err
}

/** An InputError that is not about a form field as a page (404 / 403 / 422). */
function pageError(request: Request, err: unknown): Response {
  if (err instanceof InputError) {
    const title = err.status === 404 ? 'Not found' : err.status === 403 ? 'Not allowed' : 'Cannot do that'
    return errorFor(new URL(request.url).pathname, err.status, 'calendar', title, err.message)
  }
  throw err
}

/** Decodes a pagination cursor (an offset). */
function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!Number.isInteger(n) || n < 0) throw new InputError('bad cursor', 'cursor')
  return n
}

/** The calendar plugin's routes. */
export function calendarRoutes(ctx: Ctx, svc: CalendarService) {
  const peopleMap = async (orgId: string) => new Map((await ctx.people.members(orgId)).map((p) => [p.id, p]))

  /** Layer contributions this viewer may see, keyed `src:<plugin>:<id>`. */
  const sources = (auth: Auth) =>
    ctx
      .contributionsBy('calendar.source')
      .filter((c) => !c.value.permission || can(auth, c.value.permission))
      .map((c) => ({ key: `src:${c.pluginId}:${c.value.id}`, source: c.value }))

  async function gridItems(auth: Auth, v: Viewer, from: number, to: number, hidden: Set<string>): Promise<{ items: Item[]; layers: Layer[]; failed: string[] }> {
    const cals = await svc.calendars(v)
    const occs = await svc.occurrences(v, new Date(from), new Date(to), { hidden })
    const items: Item[] = occs.map((o) => ({
      key: o.occurrenceId,
      title: o.title,
      href: `/calendar/events/${o.eventId}${o.recurring ? `?occurrence=${encodeURIComponent(o.originalStart.toISOString())}` : ''}`,
      color: o.color,
      allDay: o.allDay,
      start: o.start,
      end: o.end,
      source: o.calendarName,
      layer: false,
    }))
    const layers: Layer[] = cals.map((c) => ({ key: `cal:${c.id}`, label: c.name, color: c.color, shown: !hidden.has(`cal:${c.id}`), kind: 'calendar' }))
    const failed: string[] = []
    for (const s of sources(auth)) {
      const shown = !hidden.has(s.key)
      layers.push({ key: s.key, label: s.source.label, color: s.source.color, shown, kind: 'source' })
      if (!shown) continue
      try {
        for (const it of await s.source.items({ from: new Date(from), to: new Date(to) }, auth)) {
          const end = it.end ?? (it.allDay ? new Date(it.start.getTime() + DAY) : it.start)
          items.push({ key: `${s.key}:${it.id}`, title: it.title, href: it.href, color: s.source.color, allDay: it.allDay, start: it.start, end, source: s.source.label, layer: true })
        }
      } catch (err) {
        ctx.log.error('calendar source failed', { source: s.key, error: err })
        failed.push(s.source.label)
      }
    }
    items.sort((a, b) => a.start.getTime() - b.start.getTime())
    return { items, layers, failed }
  }

  async function calendarPage(request: Request, auth: Auth, query: Record<string, string | undefined>): Promise<Response> {
    const v = viewerOf(auth)
    const { tz, error: tzError } = viewZone(request, query.tz)
    const view: ViewName = VIEWS.includes(query.view as ViewName) ? (query.view as ViewName) : 'month'
    const todayWall = toWall(Date.now(), tz)
    const today = todayWall - (((todayWall % DAY) + DAY) % DAY)
    const dateError = query.date && parseDate(query.date) === undefined ? 'the date must look like 2026-11-25' : undefined
    const anchor = parseDate(query.date) ?? today
    const tzParam = query.tz && !tzError ? query.tz : undefined
    let gridFrom: number
    let gridTo: number
    let prev: number
    let next: number
    let title: string
    if (view === 'month') {
      const d = new Date(anchor)
      const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
      gridFrom = weekStart(first)
      gridTo = gridFrom + 42 * DAY
      prev = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
      title = monthLabel(anchor)
    } else if (view === 'week') {
      gridFrom = weekStart(anchor)
      gridTo = gridFrom + 7 * DAY
      prev = anchor - 7 * DAY
      next = anchor + 7 * DAY
      title = `Week of ${longDate(gridFrom)}`
    } else if (view === 'day') {
      gridFrom = anchor
      gridTo = anchor + DAY
      prev = anchor - DAY
      next = anchor + DAY
      title = longDate(anchor)
    } else {
      gridFrom = anchor
      gridTo = anchor + AGENDA_DAYS * DAY
      prev = anchor - AGENDA_DAYS * DAY
      next = anchor + AGENDA_DAYS * DAY
      title = `${longDate(gridFrom)} to ${longDate(gridTo - DAY)}`
    }
    // all-day items sit on UTC dates, timed ones on the zone's wall clock: ask wide enough for both
    const from = Math.min(fromWall(gridFrom, tz), gridFrom) - DAY
    const to = Math.max(fromWall(gridTo, tz), gridTo) + DAY
    const hidden = await svc.hiddenLayers(v)
    const { items, layers, failed } = await gridItems(auth, v, from, to, hidden)
    const here = viewHref(view, wallDate(anchor), tzParam)
    const unit = view === 'agenda' ? '30 days' : view
    const days = view === 'week' ? [0, 1, 2, 3, 4, 5, 6].map((i) => gridFrom + i * DAY) : [gridFrom]
    const body = (
      <div class="cal-page">
        <div class="page-header">
          <div>
            <h1>Calendar</h1>
            <p class="muted" safe>{`Times in ${tz}`}</p>
          </div>
          <div class="page-actions">
            {v.canWrite ? (
              <a href={`/calendar/new?date=${wallDate(anchor)}`} role="button" data-shortcut="c" aria-keyshortcuts="c">
                New event
              </a>
            ) : (
              ''
            )}
            <a href="/calendar/calendars" role="button" class="secondary outline">
              Calendars
            </a>
          </div>
        </div>
        {tzError || dateError ? (
          <p class="form-error" role="alert" safe>
            {tzError ?? dateError}
          </p>
        ) : (
          ''
        )}
        {failed.length ? (
          <p class="form-error" role="alert" safe>
            {`Some layers could not be loaded: ${failed.join(', ')}.`}
          </p>
        ) : (
          ''
        )}
        <nav class="cal-toolbar" aria-label="Calendar navigation">
          <div class="cal-nav">
            <a href={viewHref(view, wallDate(prev), tzParam)} role="button" class="secondary outline" rel="prev" aria-label={`Previous ${unit}`} data-cal-key="ArrowLeft">
              {'&lsaquo; Previous'}
            </a>
            <a href={viewHref(view, wallDate(today), tzParam)} role="button" class="secondary outline" data-cal-key="t">
              Today
            </a>
            <a href={viewHref(view, wallDate(next), tzParam)} role="button" class="secondary outline" rel="next" aria-label={`Next ${unit}`} data-cal-key="ArrowRight">
              {'Next &rsaquo;'}
            </a>
          </div>
          <h2 class="cal-range" safe>
            {title}
          </h2>
          <ul class="tabs" aria-label="Views">
            {VIEWS.map((vn) => (
              <li>
                <a href={viewHref(vn, wallDate(anchor), tzParam)} aria-current={vn === view ? 'page' : undefined} safe>
                  {vn[0]!.toUpperCase() + vn.slice(1)}
                </a>
              </li>
            ))}
          </ul>
          <form method="get" action="/calendar" class="row-form cal-tz-form">
            <input type="hidden" name="view" value={view} />
            <input type="hidden" name="date" value={wallDate(anchor)} />
            <ZoneInput name="tz" value={query.tz ?? tz} label="Show times in" id="cal-view-tz" error={tzError} />
            <button type="submit" class="secondary outline">
              Show
            </button>
          </form>
        </nav>
        <div class="cal-layout">
          <aside class="cal-sidebar" aria-label="Calendars and layers">
            <LayerForm layers={layers} csrf={auth.session?.csrf} back={here} />
          </aside>
          <section class="cal-main" aria-label={title}>
            {view === 'month' ? <MonthGrid anchor={anchor} gridStart={gridFrom} items={items} tz={tz} today={today} tzParam={tzParam} /> : ''}
            {view === 'week' || view === 'day' ? <TimeGrid days={days} items={items} tz={tz} today={today} tzParam={tzParam} /> : ''}
            {view === 'agenda' ? <Agenda from={gridFrom} days={AGENDA_DAYS} items={items} tz={tz} tzParam={tzParam} /> : ''}
          </section>
        </div>
        {SCRIPT as 'safe'}
      </div>
    ) as string
    return ctx.page(request, auth, { title: `Calendar: ${title}`, body, status: tzError || dateError ? 422 : 200 })
  }

  async function formPage(request: Request, auth: Auth, o: { values: EventForm; errors?: FieldErrors; error?: string; status?: number; eventId?: string; occurrence?: string; scope?: string; recurring?: boolean }): Promise<Response> {
    const v = viewerOf(auth)
    const calendars = await svc.writable(v)
    const members = await ctx.people.members(v.orgId)
    const values = { ...o.values, calendarId: o.values.calendarId || calendars[0]?.id || (v.canWrite ? NEW_PERSONAL : '') }
    const editing = !!o.eventId
    const body = (
      <>
        <PageTitle title={editing ? 'Edit event' : 'New event'} />
        <EventFormView
          action={editing ? `/calendar/events/${o.eventId}` : '/calendar/events'}
          csrf={auth.session?.csrf}
          values={values}
          errors={o.errors ?? {}}
          error={o.error}
          calendars={calendars.length || !v.canWrite || editing ? calendars : [{ id: NEW_PERSONAL, name: 'Personal', ownerLabel: 'new, yours' }]}
          members={members}
          occurrence={o.occurrence}
          scope={o.scope}
          recurring={o.recurring}
          submit={editing ? 'Save' : 'Create event'}
          cancel={editing ? `/calendar/events/${o.eventId}${o.occurrence ? `?occurrence=${encodeURIComponent(o.occurrence)}` : ''}` : '/calendar'}
        />
        {SCRIPT as 'safe'}
      </>
    ) as string
    return ctx.page(request, auth, { title: editing ? 'Edit event' : 'New event', body, status: o.status })
  }

  function formError(err: unknown): { errors: FieldErrors; error?: string; status: number } | undefined {
    if (!(err instanceof InputError) || err.status !== 422) return undefined
    return err.field ? { errors: { [err.field]: err.message }, error: 'Please correct the marked field.', status: 422 } : { errors: {}, error: err.message, status: 422 }
  }

  async function calendarsPage(request: Request, auth: Auth, extra: { errors?: FieldErrors; error?: string; values?: Record<string, string>; status?: number; feedToken?: string; importReport?: { imported: string[]; skipped: { title: string; reason: string }[] } } = {}): Promise<Response> {
    const v = viewerOf(auth)
    const calendars = await svc.calendars(v)
    const shares = new Map<string, { userId: string; access: string }[]>()
    for (const c of calendars) if (c.canManage) shares.set(c.id, await svc.shares(v, c.id))
    const members = await ctx.people.members(v.orgId)
    const origin = new URL(request.url).origin
    const urls = extra.feedToken ? { https: `${origin}/calendar/feed/${extra.feedToken}.ics`, webcal: `${origin.replace(/^https?:/, 'webcal:')}/calendar/feed/${extra.feedToken}.ics` } : undefined
    const body = (
      <CalendarsPage
        calendars={calendars}
        shares={shares}
        members={members}
        teams={(await svc.teams(v.orgId)).filter((t) => v.canManage || t.memberIds.includes(v.userId))}
        viewerId={v.userId}
        canWrite={v.canWrite}
        canManage={v.canManage}
        csrf={auth.session?.csrf}
        errors={extra.errors ?? {}}
        error={extra.error}
        values={extra.values ?? {}}
        feed={{ has: !!urls || (await svc.hasFeedToken(v)), urls }}
        importReport={extra.importReport}
      />
    ) as string
    return ctx.page(request, auth, { title: 'Calendars', body: body + SCRIPT, status: extra.status, headers: urls ? { 'cache-control': 'no-store' } : undefined })
  }

  function calendarEditPage(request: Request, auth: Auth, cal: CalendarView, values: { name: string; color: string }, fe?: { errors: FieldErrors; error?: string; status: number }): Promise<Response> {
    const body = (<CalendarEditPage calendar={cal} values={values} errors={fe?.errors ?? {}} error={fe?.error} csrf={auth.session?.csrf} />) as string
    return ctx.page(request, auth, { title: `Edit ${cal.name}`, body: body + SCRIPT, status: fe?.status })
  }

  /** Finds the occurrence shown on the event page (the first one when none is named). */
  async function occurrenceFor(v: Viewer, id: string, occurrence: string | undefined) {
    const detail = await svc.event(v, id)
    const e = detail.event
    let orig = e.startAt.getTime()
    if (e.rrule && occurrence) {
      orig = Date.parse(occurrence)
      if (Number.isNaN(orig)) throw new InputError('no such occurrence of this event', 'occurrence', 404)
    }
    const ov = detail.overrides.find((o) => o.originalStart.getTime() === orig)
    const start = ov?.startAt.getTime() ?? orig
    const end = ov?.endAt.getTime() ?? orig + (e.endAt.getTime() - e.startAt.getTime())
    const list = await svc.expand([e], new Date(Math.min(start, orig) - 1), new Date(Math.max(end, orig) + 1), () => detail.calendar)
    const occ = list.find((o) => o.originalStart.getTime() === orig)
    if (!occ) throw new InputError('no such occurrence of this event', 'occurrence', 404)
    return { ...detail, occ }
  }

  return (
    new Elysia({ name: 'plugin:calendar' })
      .use(guard)
      // ---- pages
      .get('/calendar', ({ request, auth, query }) => calendarPage(request, auth, query).catch((e) => pageError(request, e)), { permission: PERM.read })
      .get(
        '/calendar/new',
        async ({ request, auth, query }) => {
          try {
            const date = parseDate(query.date) !== undefined ? query.date! : wallDate(toWall(Date.now(), 'UTC'))
            const time = parseTime(query.time) !== undefined ? query.time! : ''
            const allDay = query.allDay === '1' || (!time && query.view === 'month')
            const tz = viewZone(request, query.tz).tz
            const st = parseTime(time)
            const end = st !== undefined ? Math.min(st + 3_600_000, DAY - 60_000) : undefined
            const values: EventForm = {
              ...emptyForm(query.calendarId ?? ''),
              allDay,
              timeZone: tz,
              startDate: date,
              endDate: date,
              startTime: time || (allDay ? '' : '09:00'),
              endTime: end !== undefined ? wallTime(end) : allDay ? '' : '10:00',
            }
            return await formPage(request, auth, { values })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/events',
        async ({ request, auth }) => {
          const { one, all } = await readFormAll(request)
          const values = formFromBody(one, all)
          try {
            const row = await svc.createEvent(viewerOf(auth), values)
            return redirect(request, `/calendar/events/${row.id}`, { kind: 'ok', text: `Created "${row.title}".` })
          } catch (e) {
            // a calendar deleted, unshared or made read-only while the form was open: the form comes
            // back (422) with every value and the error on the calendar field
            if (e instanceof InputError && e.field === 'calendarId' && (e.status === 403 || e.status === 404)) return formPage(request, auth, { values, errors: { calendarId: e.message }, error: 'Please correct the marked field.', status: 422 })
            const fe = formError(e)
            if (fe) return formPage(request, auth, { values, ...fe })
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .get(
        '/calendar/events/:id',
        async ({ request, auth, params, query }) => {
          try {
            const v = viewerOf(auth)
            const d = await occurrenceFor(v, params.id, query.occurrence)
            const tz = query.tz && isValidZone(query.tz) ? query.tz : d.event.allDay ? 'UTC' : d.event.timeZone
            const people = await ctx.people.byIds(d.attendees.map((a) => a.userId))
            const thread = ctx.service<KnownServices['collaboration.thread']>('collaboration.thread')
            let threadHtml = ''
            if (thread) {
              try {
                threadHtml = await thread.render(request, auth, { type: 'calendar.event', id: d.event.id })
              } catch (err) {
                ctx.log.error('comment thread failed', { error: err })
              }
            }
            const body = (
              <EventPage event={d.event} occ={d.occ} calendar={d.calendar} attendees={d.attendees} people={new Map(people.map((p) => [p.id, p]))} viewerId={v.userId} canEdit={d.canEdit} csrf={auth.session?.csrf} tz={tz} thread={threadHtml} />
            ) as string
            return ctx.page(request, auth, { title: d.occ.title, body: body + SCRIPT })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.read },
      )
      .get(
        '/calendar/events/:id/edit',
        async ({ request, auth, params, query }) => {
          try {
            const v = viewerOf(auth)
            const d = await occurrenceFor(v, params.id, query.occurrence)
            if (!d.canEdit) throw new InputError('you may not change this event', 'event', 403)
            const values = formOf(d.event, d.attendees.map((a) => a.userId), d.event.rrule ? d.occ : undefined)
            return await formPage(request, auth, { values, eventId: d.event.id, occurrence: d.event.rrule ? d.occ.originalStart.toISOString() : undefined, recurring: !!d.event.rrule, scope: 'this' })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/events/:id',
        async ({ request, auth, params }) => {
          const { one, all } = await readFormAll(request)
          const values = formFromBody(one, all)
          let recurring = false
          try {
            const v = viewerOf(auth)
            recurring = !!(await svc.event(v, params.id)).event.rrule
            const scope = scopeOf(one.scope)
            const row = await svc.updateEvent(v, params.id, values, scope, one.occurrence || undefined)
            const occ = recurring && scope === 'this' && one.occurrence ? `?occurrence=${encodeURIComponent(one.occurrence)}` : ''
            return redirect(request, `/calendar/events/${row.id}${occ}`, { kind: 'ok', text: 'Saved.' })
          } catch (e) {
            const fe = formError(e)
            if (fe) return formPage(request, auth, { values, ...fe, eventId: params.id, occurrence: one.occurrence || undefined, scope: one.scope, recurring })
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/events/:id/delete',
        async ({ request, auth, params }) => {
          const { one } = await readFormAll(request)
          try {
            await svc.deleteEvent(viewerOf(auth), params.id, scopeOf(one.scope), one.occurrence || undefined)
            return redirect(request, '/calendar', { kind: 'ok', text: 'Deleted.' })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/events/:id/rsvp',
        async ({ request, auth, params }) => {
          const { one } = await readFormAll(request)
          try {
            await svc.rsvp(viewerOf(auth), params.id, one.rsvp ?? '')
            return redirect(request, `/calendar/events/${params.id}`, { kind: 'ok', text: 'Answer saved.' })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.read },
      )
      .post(
        '/calendar/layers',
        async ({ request, auth }) => {
          const { one, all } = await readFormAll(request)
          try {
            await svc.setLayers(viewerOf(auth), all.all ?? [], all.shown ?? [])
            const back = one.back && one.back.startsWith('/calendar') ? one.back : '/calendar'
            return redirect(request, back, { kind: 'ok', text: 'Layers saved.' })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.read },
      )
      .get('/calendar/calendars', ({ request, auth }) => calendarsPage(request, auth).catch((e) => pageError(request, e)), { permission: PERM.read })
      .post(
        '/calendar/calendars',
        async ({ request, auth }) => {
          const { one } = await readFormAll(request)
          try {
            const c = await svc.createCalendar(viewerOf(auth), one as { name: string })
            return redirect(request, '/calendar/calendars', { kind: 'ok', text: `Created the calendar "${c.name}".` })
          } catch (e) {
            const fe = formError(e)
            if (fe) return calendarsPage(request, auth, { ...fe, values: one })
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .get(
        '/calendar/calendars/:id/edit',
        async ({ request, auth, params }) => {
          try {
            const cal = await svc.manageable(viewerOf(auth), params.id)
            return await calendarEditPage(request, auth, cal, { name: cal.name, color: cal.color })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/calendars/:id',
        async ({ request, auth, params }) => {
          const { one } = await readFormAll(request)
          const values = { name: one.name ?? '', color: one.color ?? '' }
          try {
            const v = viewerOf(auth)
            await svc.updateCalendar(v, params.id, values)
            return redirect(request, '/calendar/calendars', { kind: 'ok', text: `Saved the calendar "${values.name.trim()}".` })
          } catch (e) {
            const fe = formError(e)
            if (fe) {
              try {
                return await calendarEditPage(request, auth, await svc.manageable(viewerOf(auth), params.id), values, fe)
              } catch (e2) {
                return pageError(request, e2)
              }
            }
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/calendars/:id/delete',
        async ({ request, auth, params }) => {
          try {
            await svc.deleteCalendar(viewerOf(auth), params.id)
            return redirect(request, '/calendar/calendars', { kind: 'ok', text: 'Calendar deleted.' })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/calendars/:id/shares',
        async ({ request, auth, params }) => {
          const { one } = await readFormAll(request)
          try {
            await svc.share(viewerOf(auth), params.id, one.userId ?? '', one.access ?? '')
            return redirect(request, '/calendar/calendars', { kind: 'ok', text: 'Shared.' })
          } catch (e) {
            const fe = formError(e)
            if (fe) return calendarsPage(request, auth, { ...fe, error: fe.errors[Object.keys(fe.errors)[0] ?? ''] ?? fe.error })
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/calendars/:id/shares/:userId/delete',
        async ({ request, auth, params }) => {
          try {
            await svc.unshare(viewerOf(auth), params.id, params.userId)
            return redirect(request, '/calendar/calendars', { kind: 'ok', text: 'No longer shared.' })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/calendar/feed-token',
        async ({ request, auth }) => {
          try {
            const token = await svc.newFeedToken(viewerOf(auth))
            return await calendarsPage(request, auth, { feedToken: token })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.read },
      )
      .post(
        '/calendar/feed-token/delete',
        async ({ request, auth }) => {
          try {
            await svc.revokeFeedToken(viewerOf(auth))
            return redirect(request, '/calendar/calendars', { kind: 'ok', text: 'The subscription address no longer works.' })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.read },
      )
      .post(
        '/calendar/import',
        async ({ request, auth }) => {
          let form: FormData
          try {
            form = await request.formData()
          } catch {
            return calendarsPage(request, auth, { errors: { file: 'send the file as a multipart form' }, error: 'Choose an .ics file to import.', status: 422 })
          }
          const calendarId = String(form.get('calendarId') ?? '')
          const timeZone = String(form.get('timeZone') ?? 'UTC').trim() || 'UTC'
          const values = { calendarId, timeZone }
          const file = form.get('file')
          try {
            if (!isValidZone(timeZone)) throw new InputError(`"${timeZone}" is not a time zone; use an IANA name such as Europe/Berlin`, 'timeZone')
            if (!file || typeof file === 'string') throw new InputError('choose an .ics file', 'file')
            if (file.size > 5_000_000) throw new InputError('the file is larger than 5 MB', 'file')
            const report = await importIcs(svc, viewerOf(auth), calendarId, await file.text(), timeZone)
            return await calendarsPage(request, auth, { importReport: report, values })
          } catch (e) {
            const fe = formError(e)
            if (fe) return calendarsPage(request, auth, { ...fe, error: Object.values(fe.errors)[0] ?? fe.error, values })
            return pageError(request, e)
          }
        },
        { permission: PERM.write },
      )
      // ---- feed (the token is the credential)
      .get(
        '/calendar/feed/:file',
        async ({ params, request }) => {
          const token = params.file.replace(/\.ics$/, '')
          const owner = await svc.feedOwner(token)
          const notFound = () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
          if (!owner) return notFound()
          // the feed reads as its owner would right now: still a member, still holding calendar.event.read
          // (a role change takes effect at once), seeing what their current role lets them see
          const auth = await ctx.people.authFor(owner.userId, owner.orgId)
          if (!auth || auth.org?.id !== owner.orgId || !can(auth, PERM.read)) return notFound()
          const data = await svc.feedData(viewerOf(auth))
          const text = buildFeed({ name: 'Coder IDE calendar', baseUrl: new URL(request.url).origin, ...data, people: await peopleMap(owner.orgId) })
          return new Response(text, { headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300', 'content-disposition': 'inline; filename="calendar.ics"' } })
        },
        { public: true },
      )
      // ---- JSON API
      .get(
        '/api/v1/calendar/calendars',
        async ({ auth }) => {
          try {
            const list = await svc.calendars(viewerOf(auth))
            return { items: list.map(calendarJson), nextCursor: null }
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.read },
      )
      .post(
        '/api/v1/calendar/calendars',
        async ({ auth, body, set }) => {
          try {
            const b = (body ?? {}) as Record<string, string>
            const c = await svc.createCalendar(viewerOf(auth), { name: String(b.name ?? ''), color: b.color, ownerKind: b.ownerKind, ownerId: b.ownerId })
            set.status = 201
            return c
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
      .patch(
        '/api/v1/calendar/calendars/:id',
        async ({ auth, body, params }) => {
          try {
            const v = viewerOf(auth)
            const b = (body ?? {}) as Record<string, unknown>
            for (const k of ['name', 'color'] as const) if (b[k] !== undefined && typeof b[k] !== 'string') throw new InputError(`${k} must be a string`, k)
            await svc.updateCalendar(v, params.id, { name: b.name as string | undefined, color: b.color as string | undefined })
            return calendarJson(await svc.calendar(v, params.id))
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
      .delete(
        '/api/v1/calendar/calendars/:id',
        async ({ auth, params }) => {
          try {
            await svc.deleteCalendar(viewerOf(auth), params.id)
            return { ok: true }
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
      .delete(
        '/api/v1/calendar/calendars/:id/shares/:userId',
        async ({ auth, params }) => {
          try {
            await svc.unshare(viewerOf(auth), params.id, params.userId)
            return { ok: true }
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
      .post(
        '/api/v1/calendar/calendars/:id/shares',
        async ({ auth, body, params }) => {
          try {
            const b = (body ?? {}) as Record<string, string>
            await svc.share(viewerOf(auth), params.id, String(b.userId ?? ''), String(b.access ?? ''))
            return { ok: true }
          } catch (e) {
            return apiError(e)
          }
        },
        { permission: PERM.write },
      )
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
            const row = await svc.createEvent(v, formFromJson(b, emptyForm()))
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
            const base = await occurrenceFor(v, params.id, occurrence)
            const baseForm = formOf(base.event, base.attendees.map((a) => a.userId), base.event.rrule && occurrence ? base.occ : undefined)
            const row = await svc.updateEvent(v, params.id, formFromJson(b, baseForm), scope, occurrence)
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

function PageTitle(props: { title: string }) {
  return (
    <div class="page-header">
      <h1 safe>{props.title}</h1>
    </div>
  )
}

function calendarJson(c: CalendarView) {
  return { id: c.id, name: c.name, color: c.color, ownerKind: c.ownerKind, ownerId: c.ownerId, canEdit: c.canEdit, canManage: c.canManage, shared: c.shared }
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
