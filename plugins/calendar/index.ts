/**
 * @module The calendar plugin: personal, team and organization calendars with sharing; events with
 * time zones, recurrence (RRULE, EXDATE, per-occurrence overrides), attendees with RSVP and
 * reminders; month/week/3-day/day/agenda views with layers from `calendar.source`; a private iCalendar
 * subscription feed and .ics import; JSON API under /api/v1/calendar.
 */
import { t } from 'elysia'
import { can } from '../../core/auth/resolve.ts'
import { viewZone } from './routes-shared.ts'
import { definePlugin } from '../../core/plugins/contract.ts'
import calendarJs from './public/calendar.js' with { type: 'file' }
import calendarCss from './public/calendar.css' with { type: 'file' }
import { EVENTS } from './events.ts'
import { migrations } from './migrations/index.ts'
import { calendarRoutes } from './routes.tsx'
import { schema } from './schema.ts'
import { COLORS, PERM, CalendarService, viewerOf, type Ctx } from './service.ts'
import { whenText } from './event-fields.ts'
import { seedDemo } from './seed.ts'
import { toWall, wallDate, wallTime } from './time.ts'

export default definePlugin({
  id: 'calendar',
  name: 'Calendar',
  version: '1.0.0',
  api: 1,
  uses: { 'collaboration.thread': 'comments on events', 'collaboration.notify': 'invitations and reminders in the inbox' },
  description: 'Team calendars with recurring events, invitations, reminders, layers and iCalendar feeds.',
  permissions: {
    [PERM.read]: { description: 'See calendars and events', grant: 'guest' },
    [PERM.write]: { description: 'Create and change events and personal calendars', grant: 'member' },
    [PERM.manage]: { description: 'Manage organization calendars', grant: 'admin' },
  },
  events: EVENTS,
  schema,
  assets: { 'calendar.js': calendarJs, 'calendar.css': calendarCss },
  // its upcoming-events widget shows on the dashboard
  styles: ['calendar.css'],
  migrations,
  settings: t.Object({
    weekStartsOn: t.Union([t.Literal('monday'), t.Literal('sunday'), t.Literal('saturday')], {
      default: 'monday',
      title: 'First day of the week',
      description: 'Where the month and week views start: Monday (ISO, most of the world), Sunday (Americas, Japan) or Saturday.',
    }),
  }),
  setup(ctx) {
    const svc = new CalendarService(ctx as unknown as Ctx)
    ctx.nav({ label: 'Calendar', href: '/calendar', icon: 'calendar', permission: PERM.read, order: 30 })

    ctx.every('1m', () => svc.sendDueReminders(new Date()))
    // lets tests (and operators) run the reminder pass now instead of waiting for the timer
    // (`pass` also says how many events the pass looked at)
    ctx.provide('calendar.reminders', { runDue: (now?: Date) => svc.sendDueReminders(now ?? new Date()), pass: (now?: Date) => svc.reminderPass(now ?? new Date()) })

    ctx.contribute('dashboard.widget', {
      id: 'upcoming',
      title: 'Upcoming',
      description: 'Your events in the next 7 days',
      permission: PERM.read,
      async render(request, auth) {
        const v = viewerOf(auth)
        const now = new Date()
        const list = (await svc.occurrences(v, now, new Date(now.getTime() + 7 * 86_400_000))).slice(0, 8)
        if (!list.length) return '<p class="muted">Nothing in the next 7 days. <a href="/calendar">Open the calendar</a></p>'
        const esc = Bun.escapeHTML
        // The zone is said once, under the list: the viewer's, the one the calendar grid shows times in
        // (its cal_tz cookie, set from the browser's zone, else UTC), so the widget and the grid agree.
        // (The event page adds an event's own zone when it differs.)
        const common = viewZone(request, undefined).tz
        const items = list
          .map((o) => {
            const w = o.allDay ? o.start.getTime() : toWall(o.start.getTime(), common)
            const when = o.allDay ? `${wallDate(w)} (all day)` : `${wallDate(w)} ${wallTime(w)}`
            const href = `/calendar/events/${o.eventId}${o.recurring ? `?occurrence=${encodeURIComponent(o.originalStart.toISOString())}` : ''}`
            return `<li><a href="${esc(href)}">${esc(o.title)}</a> <small class="muted">${esc(when)}</small></li>`
          })
          .join('')
        const zoneNote = `<p class="muted cal-upcoming-zone"><small>Times in ${esc(common)}</small></p>`
        return `<ul class="cal-upcoming">${items}</ul>${zoneNote}`
      },
    })

    ctx.contribute('entity.link', {
      type: 'calendar.event',
      label: 'Event',
      permission: PERM.read,
      // Collaboration shows an event's comments and activity (its title included) only to people for
      // whom this resolves: those who see its calendar (owner, shares, team, organization) and its
      // attendees. Anyone else, and everyone once it is deleted, gets nothing.
      async resolve(id, auth) {
        if (!auth.org || !can(auth, PERM.read)) return undefined
        try {
          const d = await svc.event(viewerOf(auth), id)
          return { title: d.event.title, href: `/calendar/events/${d.event.id}` }
        } catch {
          return undefined
        }
      },
    })

    ctx.contribute('search.provider', {
      label: 'Events',
      permission: PERM.read,
      async search(query, auth) {
        if (!auth.org || !can(auth, PERM.read)) return []
        const rows = await svc.search(viewerOf(auth), query)
        return rows.map((e) => ({
          title: e.title,
          href: `/calendar/events/${e.id}`,
          snippet: `${whenText(e.allDay, e.startAt, e.timeZone)}${e.rrule ? ' · repeats' : ''}${e.location ? ` · ${e.location}` : ''}`,
        }))
      },
    })

    ctx.contribute('demo.seed', { order: 20, run: (input) => seedDemo(svc, input) })

    void COLORS
    return calendarRoutes(ctx as unknown as Ctx, svc)
  },
})
