/** @module The private iCalendar subscription feed, /calendar/feed/<token>.ics (the token is the credential). */
import { seesEmails } from '../../core/auth/permissions.ts'
import { Elysia } from 'elysia'
import { can } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { buildFeed, type FeedLayer } from './ics.ts'
import { layerItems, layerSources } from './layer-sources.ts'
import { PERM, viewerOf, type CalendarService, type Ctx } from './service.ts'

/** How far back and ahead a feed carries its layers' items (the calendars' events: all of them). */
const LAYERS_BACK = 365 * 86_400_000
const LAYERS_AHEAD = 2 * 365 * 86_400_000

/** The feed route: it reads as the token's owner would right now. */
export function calendarFeedRoutes(ctx: Ctx, svc: CalendarService) {
  const peopleMap = async (orgId: string) => new Map((await ctx.people.members(orgId)).map((p) => [p.id, p]))

  return (
    new Elysia({ name: 'plugin:calendar:feed' })
      .use(guard)
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
          // the layers chosen for this address that its owner may see now, read on every request
          const from = new Date(Date.now() - LAYERS_BACK)
          const to = new Date(Date.now() + LAYERS_AHEAD)
          const layers: FeedLayer[] = []
          for (const l of layerSources(ctx, auth).filter((l) => owner.layers.includes(l.key))) {
            const items = await layerItems(ctx, l, from, to, auth)
            if (items) layers.push({ key: l.key, label: l.source.label, items })
          }
          // attendees are addresses (mailto:): only in the feed of someone who may see members' emails
          const attendees = seesEmails(auth.permissions) ? data.attendees : []
          const text = buildFeed({ name: 'Coder IDE calendar', baseUrl: new URL(request.url).origin, ...data, attendees, people: await peopleMap(owner.orgId), layers })
          return new Response(text, { headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300', 'content-disposition': 'inline; filename="calendar.ics"' } })
        },
        { public: true },
      )
  )
}
