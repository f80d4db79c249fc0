/** @module The JSON API for calendars and their sharing, under /api/v1/calendar/calendars. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { guard } from '../../core/http/guard.ts'
import { apiError } from './routes-shared.ts'
import { PERM, viewerOf, type CalendarService, type CalendarView } from './service.ts'

/** Calendars: list, create, rename and recolor, delete, share and unshare. */
export function calendarApiCalendarRoutes(svc: CalendarService) {
  return (
    new Elysia({ name: 'plugin:calendar:api:calendars' })
      .use(guard)
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
            for (const k of ['name', 'color'] as const) if (b[k] !== undefined && typeof b[k] !== 'string') throw new InputError(`Send ${k} as text.`, k)
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
  )
}

function calendarJson(c: CalendarView) {
  return { id: c.id, name: c.name, color: c.color, ownerKind: c.ownerKind, ownerId: c.ownerId, canEdit: c.canEdit, canManage: c.canManage, shared: c.shared }
}
