/** @module Calendar pages for calendars: the calendars page, rename and recolor, sharing, the subscription address and import. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { redirect } from '../../core/http/render.ts'
import { readFormAll } from '../../core/pages/context.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { importIcs } from './ics.ts'
import { layerSources } from './layer-sources.ts'
import { SCRIPT, formError, pageError, viewZone } from './routes-shared.ts'
import { PERM, viewerOf, type CalendarService, type CalendarView, type Ctx } from './service.ts'
import { isValidZone } from './time.ts'
import { CalendarsPage } from './views/calendars.tsx'
import { CalendarEditPage } from './views/calendars-edit.tsx'

/** The calendars page and what its forms post to. */
export function calendarCalendarsRoutes(ctx: Ctx, svc: CalendarService) {
  async function calendarsPage(request: Request, auth: Auth, extra: { errors?: FieldErrors; error?: string; values?: Record<string, string>; status?: number; feedToken?: string; importReport?: { imported: string[]; skipped: { title: string; reason: string }[] } } = {}): Promise<Response> {
    const v = viewerOf(auth)
    const calendars = await svc.calendars(v)
    const shares = new Map<string, { userId: string; access: string }[]>()
    for (const c of calendars) if (c.canManage) shares.set(c.id, await svc.shares(v, c.id))
    const members = await ctx.people.members(v.orgId)
    const origin = new URL(request.url).origin
    const urls = extra.feedToken ? { https: `${origin}/calendar/feed/${extra.feedToken}.ics`, webcal: `${origin.replace(/^https?:/, 'webcal:')}/calendar/feed/${extra.feedToken}.ics` } : undefined
    // the layers a feed may carry, ticked as the address has them (before there is one: as the grid shows them)
    const stored = await svc.feedLayers(v)
    const hidden = stored ? undefined : await svc.hiddenLayers(v)
    const layers = layerSources(ctx, auth).map((l) => ({ key: l.key, label: l.source.label, checked: stored ? stored.includes(l.key) : !hidden!.has(l.key) }))
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
        viewerZone={viewZone(request, undefined).tz}
        feed={{ has: !!urls || stored !== undefined, urls, layers }}
        importReport={extra.importReport}
      />
    ) as string
    return ctx.page(request, auth, { title: 'Calendars', body: body + SCRIPT, status: extra.status, headers: urls ? { 'cache-control': 'no-store' } : undefined })
  }

  /**
   * The posted layer keys a feed may carry: those of layers the user may see now. Others (a layer
   * whose plugin was disabled while the page was open, a made-up key) are left out.
   */
  function chosenLayers(auth: Auth, posted: string[] | undefined): string[] {
    const known = new Set(layerSources(ctx, auth).map((l) => l.key))
    return [...new Set(posted ?? [])].filter((k) => known.has(k))
  }

  function calendarEditPage(request: Request, auth: Auth, cal: CalendarView, values: { name: string; color: string }, fe?: { errors: FieldErrors; error?: string; status: number }): Promise<Response> {
    const body = (<CalendarEditPage calendar={cal} values={values} errors={fe?.errors ?? {}} error={fe?.error} csrf={auth.session?.csrf} />) as string
    return ctx.page(request, auth, { title: `Edit ${cal.name}`, body: body + SCRIPT, status: fe?.status })
  }

  return (
    new Elysia({ name: 'plugin:calendar:calendars' })
      .use(guard)
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
          const { all } = await readFormAll(request)
          try {
            const token = await svc.newFeedToken(viewerOf(auth), chosenLayers(auth, all.layers))
            return await calendarsPage(request, auth, { feedToken: token })
          } catch (e) {
            return pageError(request, e)
          }
        },
        { permission: PERM.read },
      )
      .post(
        '/calendar/feed-token/layers',
        async ({ request, auth }) => {
          const { all } = await readFormAll(request)
          try {
            const layers = chosenLayers(auth, all.layers)
            await svc.setFeedLayers(viewerOf(auth), layers)
            return redirect(request, '/calendar/calendars', { kind: 'ok', text: layers.length ? `The subscription now carries ${layers.length === 1 ? '1 layer' : `${layers.length} layers`}; same address.` : 'The subscription now carries your calendars only; same address.' })
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
            return calendarsPage(request, auth, { errors: { file: 'Send the file as a multipart form.' }, error: 'Choose an .ics file to import.', status: 422 })
          }
          const calendarId = String(form.get('calendarId') ?? '')
          const timeZone = String(form.get('timeZone') ?? 'UTC').trim() || 'UTC'
          const values = { calendarId, timeZone }
          const file = form.get('file')
          try {
            if (!isValidZone(timeZone)) throw new InputError(`"${timeZone}" is not a time zone; use an IANA name such as Europe/Berlin.`, 'timeZone')
            if (!file || typeof file === 'string') throw new InputError('Choose an .ics file.', 'file')
            if (file.size > 5_000_000) throw new InputError('The file is larger than 5 MB: choose a smaller one.', 'file')
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
  )
}
