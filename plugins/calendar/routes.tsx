/** @module Calendar routes: pages under /calendar, the feed, and the JSON API under /api/v1/calendar. */
import { Elysia } from 'elysia'
import { calendarApiCalendarRoutes } from './routes-api-calendars.tsx'
import { calendarApiEventRoutes } from './routes-api-events.tsx'
import { calendarCalendarsRoutes } from './routes-calendars.tsx'
import { calendarEventRoutes } from './routes-events.tsx'
import { calendarFeedRoutes } from './routes-feed.tsx'
import type { CalendarService, Ctx } from './service.ts'

/** The calendar plugin's routes, one instance per group (in this order, as the route table lists them). */
export function calendarRoutes(ctx: Ctx, svc: CalendarService) {
  return new Elysia({ name: 'plugin:calendar' })
    .use(calendarEventRoutes(ctx, svc))
    .use(calendarCalendarsRoutes(ctx, svc))
    .use(calendarFeedRoutes(ctx, svc))
    .use(calendarApiCalendarRoutes(svc))
    .use(calendarApiEventRoutes(ctx, svc))
}
