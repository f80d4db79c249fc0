/** @module Calendar pages for events: the grid page, the new / edit form, the event page, RSVP, delete and layers. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { redirect } from '../../core/http/render.ts'
import { readFormAll } from '../../core/pages/context.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { calendarPageOf } from './routes-grid.tsx'
import { ZoneList } from './views/zones.tsx'
import { SCRIPT, emptyForm, formError, occurrenceFor, pageError, scopeOf, viewZone } from './routes-shared.ts'
import { EditConflict, NEW_PERSONAL, PERM, formOf, viewerOf, type CalendarService, type Ctx, type EditBase, type EventForm } from './service.ts'
import { buildCustomRule, customFromBody, fitCustom, type CustomRepeat } from './repeat-custom.ts'
import { DAY, isValidZone, parseDate, parseTime, toWall, wallDate, wallTime } from './time.ts'
import { EventFormView } from './views/event-form.tsx'
import { EventPage } from './views/event-page.tsx'
import { KEPT_REMINDERS, postedReminders } from './views/reminders.tsx'

/** Reads an event form body (`prefix` 'orig.': the originals an edit form carries). */
function formFromBody(one: Record<string, string>, all: Record<string, string[]>, prefix = ''): EventForm {
  if (prefix) {
    const strip = <T,>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])))
    return formFromBody(strip(one), strip(all))
  }
  const repeat = one.repeat
  return {
    calendarId: one.calendarId ?? '',
    title: one.title ?? '',
    // browsers send a textarea's line breaks as CRLF
    description: (one.description ?? '').replace(/\r\n?/g, '\n'),
    location: one.location ?? '',
    allDay: ['1', 'on', 'true'].includes(one.allDay ?? ''),
    timeZone: (one.timeZone ?? '').trim(),
    startDate: (one.startDate ?? '').trim(),
    startTime: (one.startTime ?? '').trim(),
    endDate: (one.endDate ?? '').trim(),
    endTime: (one.endTime ?? '').trim(),
    // "Custom…": the route builds the rule from its fields (withCustomRule)
    rrule: repeat === 'pick' ? '' : repeat && repeat !== 'custom' ? repeat : (one.rrule ?? '').trim(),
    attendeeIds: all.attendeeIds ?? [],
    reminders: remindersOf(one, all).value,
  }
}

/**
 * The reminders a form posted, bounded (see `postedReminders`): one checkbox per lead time plus the
 * "Other" box, all named reminders (an old form's "10, 60" reads too).
 */
function remindersOf(one: Record<string, string>, all: Record<string, string[]>): { value: string; chosen: number } {
  return postedReminders(all.reminders ?? (one.reminders ? [one.reminders] : []))
}

/** 422 on reminders for a form with more lead times than it keeps, saying how many were posted. */
function refuseTooManyReminders(one: Record<string, string>, all: Record<string, string[]>): void {
  const { chosen } = remindersOf(one, all)
  if (chosen > KEPT_REMINDERS) throw new InputError(`Choose at most 5 reminders (${chosen} chosen).`, 'reminders')
}

/**
 * The rule of a form whose Repeat is "Custom…", built from its fields into `values.rrule` (InputError on
 * the field to fix). An edit whose fields say what they said when loaded keeps the stored rule as written
 * (an UNTIL of a split series, say), so saving other fields does not count as changing the repetition.
 */
function withCustomRule(values: EventForm, custom: CustomRepeat | undefined, base: EditBase | undefined): void {
  if (!custom) return
  const rule = buildCustomRule(custom, values)
  const was = base ? fitCustom(base.original.rrule, base.original) : undefined
  values.rrule = was && buildCustomRule(was, values) === rule ? base!.original.rrule : rule
}

/** What an edit form showed when it was loaded (its version and originals), if it says. */
function baseFromBody(one: Record<string, string>, all: Record<string, string[]>): EditBase | undefined {
  if (!/^\d{1,15}$/.test(one.version ?? '')) return undefined
  return { version: Number(one.version), original: formFromBody(one, all, 'orig.') }
}

/** The event pages (and the grid page and layers, which come first and last in the route table). */
export function calendarEventRoutes(ctx: Ctx, svc: CalendarService) {
  const calendarPage = calendarPageOf(ctx, svc)

  async function formPage(
    request: Request,
    auth: Auth,
    o: { values: EventForm; errors?: FieldErrors; error?: string; status?: number; retryAfter?: number; eventId?: string; occurrence?: string; scope?: string; recurring?: boolean; base?: EditBase; stale?: boolean; custom?: CustomRepeat; posted?: boolean },
  ): Promise<Response> {
    const v = viewerOf(auth)
    const calendars = await svc.writable(v)
    const [members, teams] = await Promise.all([ctx.people.members(v.orgId), ctx.people.teams(v.orgId)])
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
          teams={teams}
          viewerZone={viewZone(request, undefined).tz}
          occurrence={o.occurrence}
          scope={o.scope}
          recurring={o.recurring}
          base={o.base}
          stale={o.stale}
          custom={o.custom}
          posted={o.posted}
          submit={editing ? 'Save' : 'Create event'}
          cancel={editing ? `/calendar/events/${o.eventId}${o.occurrence ? `?occurrence=${encodeURIComponent(o.occurrence)}` : ''}` : '/calendar'}
        />
        {SCRIPT as 'safe'}
      </>
    ) as string
    return ctx.page(request, auth, { title: editing ? 'Edit event' : 'New event', body, status: o.status, headers: o.retryAfter ? { 'retry-after': String(o.retryAfter) } : undefined })
  }

  return (
    new Elysia({ name: 'plugin:calendar:events' })
      .use(guard)
      .get('/calendar', ({ request, auth, query }) => calendarPage(request, auth, query).catch((e) => pageError(request, e)), { permission: PERM.read })
      // the zones' datalist the calendar page's zone control fetches when first opened (the same for everyone: cacheable)
      .get(
        '/calendar/zones',
        ({ query }) => new Response(ZoneList(typeof query.first === 'string' ? query.first : undefined), { headers: { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'private, max-age=86400' } }),
        { permission: PERM.read },
      )
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
          const custom = one.repeat === 'pick' ? customFromBody(one, all) : undefined
          const again = { custom, posted: true }
          try {
            refuseTooManyReminders(one, all)
            withCustomRule(values, custom, undefined)
            const row = await svc.createEvent(viewerOf(auth), values)
            return redirect(request, `/calendar/events/${row.id}`, { kind: 'ok', text: `Created "${row.title}".` })
          } catch (e) {
            // a calendar deleted, unshared or made read-only while the form was open: the form comes
            // back (422) with every value and the error on the calendar field
            if (e instanceof InputError && e.field === 'calendarId' && (e.status === 403 || e.status === 404)) return formPage(request, auth, { values, ...again, errors: { calendarId: e.message }, error: 'Please correct the marked field.', status: 422 })
            const fe = formError(e)
            if (fe) return formPage(request, auth, { values, ...again, ...fe })
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
            const d = await occurrenceFor(svc, v, params.id, query.occurrence)
            // the viewer's zone, as on the grid (?tz, the browser's zone cookie, UTC); the page adds the event's own zone when it differs
            const tz = d.event.allDay ? 'UTC' : viewZone(request, query.tz && isValidZone(query.tz) ? query.tz : undefined).tz
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
            const d = await occurrenceFor(svc, v, params.id, query.occurrence)
            if (!d.canEdit) throw new InputError('You may not change this event: ask someone who can edit its calendar.', 'event', 403)
            const values = formOf(d.event, d.attendees.map((a) => a.userId), d.event.rrule ? d.occ : undefined)
            // the form carries what it shows: saving it later applies only what the user changed
            const base = { version: d.event.updatedAt.getTime(), original: values }
            return await formPage(request, auth, { values, base, eventId: d.event.id, occurrence: d.event.rrule ? d.occ.originalStart.toISOString() : undefined, recurring: !!d.event.rrule, scope: 'this' })
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
          const base = baseFromBody(one, all)
          const custom = one.repeat === 'pick' ? customFromBody(one, all) : undefined
          let recurring = false
          try {
            const v = viewerOf(auth)
            recurring = !!(await svc.event(v, params.id)).event.rrule
            refuseTooManyReminders(one, all)
            withCustomRule(values, custom, base)
            const scope = scopeOf(one.scope)
            const row = await svc.saveEdit(v, params.id, values, base, scope, one.occurrence || undefined)
            const occ = recurring && scope === 'this' && one.occurrence ? `?occurrence=${encodeURIComponent(one.occurrence)}` : ''
            return redirect(request, `/calendar/events/${row.id}${occ}`, { kind: 'ok', text: 'Saved.' })
          } catch (e) {
            const form = { eventId: params.id, occurrence: one.occurrence || undefined, scope: one.scope, recurring, custom, posted: true }
            // changed meanwhile: the form comes back (409) with the user's values, the current ones
            // beside them, and from now on carries the event as it is
            if (e instanceof EditConflict) return formPage(request, auth, { ...form, values: e.form, errors: e.errors, error: e.message, status: 409, base: { version: e.version, original: e.original }, stale: e.gone })
            const fe = formError(e)
            if (fe) return formPage(request, auth, { ...form, values, ...fe, base })
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
            // back to the occurrence the answer was given on (the answer itself is for the series)
            const at = one.occurrence && !Number.isNaN(Date.parse(one.occurrence)) ? `?occurrence=${encodeURIComponent(new Date(one.occurrence).toISOString())}` : ''
            return redirect(request, `/calendar/events/${params.id}${at}`, { kind: 'ok', text: 'Answer saved.' })
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
  )
}

function PageTitle(props: { title: string }) {
  return (
    <div class="page-header">
      <h1 safe>{props.title}</h1>
    </div>
  )
}
