/**
 * @module The collaboration plugin: comments (markdown, threads, reactions, @mentions) on any entity
 * another plugin exposes through 'entity.link'; watches; notifications with an inbox, preferences and
 * a live unread bell (SSE); activity feeds built from bus events that carry an `activity` fact.
 *
 * Mentions are stored in the comment text as `@[Name](user-id)`. People type and edit them as
 * `@email` (the composer's autocomplete inserts a member's address, the edit box shows stored
 * mentions that way); an `@email` of an org member is rewritten to the stored form at save time.
 *
 * Services: 'collaboration.thread' (render a thread), 'collaboration.notify' (kind 'reminder' unless
 * given; with an `entity`, only people who may see it are told), 'collaboration.activity' (recent
 * activity a viewer may see, see visibility.ts), 'collaboration.live' (open bell streams) and
 * 'collaboration.idle' (waits for the bus handlers and notification emails in flight), both for
 * tests and operators.
 *
 * Email: while the platform sends email (`ctx.mail`), the preferences page offers "Email me about
 * these too" (off by default); a user who turns it on gets one plain-text email per notification of
 * the kinds they have on, sent in the background after the notification is stored.
 *
 * Assignments: on `planning.task.assigned` the new assignee watches the task and, unless they
 * assigned themself, gets an 'assignment' notification (they may turn it off; only if they may see
 * the task). On `planning.task.created` the creator watches the task. Collaboration hears these
 * through the bus only: the payloads are checked, never typed from planning's files.
 *
 * Every feed (the org's, an entity's, the service's) shows a viewer only the rows whose entity they
 * may see through its type's 'entity.link', the same rule as notifications.
 */
import { SIGNED_IN } from '../../core/auth/permissions.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { definePlugin, type PluginContext } from '../../core/plugins/contract.ts'
import liveJs from './public/live.js' with { type: 'file' }
import collaborationCss from './public/collaboration.css' with { type: 'file' }
import type { ActivityFact, KnownServices } from '../../core/plugins/points.ts'
import { LiveHub } from './live.ts'
import { plainText } from './markdown.ts'
import { migrations } from './migrations/index.ts'
import { READ, activityViewer, bellFor, entityFor, entityLinks, renderThread, routes, type Deps } from './routes.tsx'
import { schema } from './schema.ts'
import { seedComments } from './seed.ts'
import { Collaboration, KINDS, type EntityRef, type NotificationKind } from './service.ts'
import { Bell } from './views/pages.tsx'
import { viewerKey } from './visibility.ts'
import './events.ts'

const hubs = new WeakMap<object, LiveHub>()

/** Whether a payload carries a usable activity fact. */
function activityOf(payload: unknown): ActivityFact | undefined {
  const a = (payload as { activity?: ActivityFact } | null)?.activity
  if (!a || typeof a !== 'object') return undefined
  if (typeof a.orgId !== 'string' || typeof a.text !== 'string' || !a.actor || typeof a.actor.id !== 'string' || typeof a.actor.name !== 'string') return undefined
  return a
}

/** The task entity of a planning task event (its activity fact's entity, else built from `task`). */
function taskEntityOf(payload: unknown): { orgId: string; actor: { id: string; name: string }; entity: EntityRef } | undefined {
  const fact = activityOf(payload)
  const task = (payload as { task?: { id?: unknown; orgId?: unknown; key?: unknown; title?: unknown } } | null)?.task
  if (!fact || !task || typeof task.id !== 'string' || task.orgId !== fact.orgId) return undefined
  const e = fact.entity
  const entity: EntityRef =
    e && e.type === 'planning.task' && String(e.id) === task.id
      ? { type: e.type, id: task.id, title: e.title, href: e.href }
      : { type: 'planning.task', id: task.id, title: `${String(task.key ?? '')} ${String(task.title ?? '')}`.trim(), href: typeof task.key === 'string' ? `/planning/tasks/${encodeURIComponent(task.key)}` : undefined }
  return { orgId: fact.orgId, actor: fact.actor, entity }
}

/** The new assignee of a `planning.task.assigned` payload (null when unassigned). */
function assigneeOf(payload: unknown): string | null {
  const id = (payload as { assigneeId?: unknown } | null)?.assigneeId
  return typeof id === 'string' && id ? id : null
}

export default definePlugin({
  id: 'collaboration',
  name: 'Collaboration',
  version: '1.0.0',
  api: 1,
  description: 'Comments, mentions, reactions, notifications and activity feeds on everything other apps show.',
  permissions: {
    'collaboration.comment.read': { description: 'Read comments and activity', grant: 'guest' },
    'collaboration.comment.write': { description: 'Write, edit and react to comments; watch things', grant: 'member' },
    'collaboration.comment.moderate': { description: "Delete anyone's comments", grant: 'admin' },
    // Its own permission, not comment.read: an API token for a comment bot need not read its owner's inbox.
    'collaboration.notification.read': { description: 'Read your own notifications on the API', grant: 'guest' },
  },
  events: {
    'collaboration.comment.created': 'A comment was posted',
    'collaboration.comment.updated': 'A comment was edited',
    'collaboration.comment.deleted': 'A comment was deleted',
  },
  schema,
  assets: { 'live.js': liveJs, 'collaboration.css': collaborationCss },
  // the bell, threads and mentions show on every page, and threads on other plugins' pages
  styles: ['collaboration.css'],
  migrations,
  setup(ctx) {
    const hub = new LiveHub()
    hubs.set(ctx, hub)
    const base = ctx as unknown as PluginContext
    // The bell of a user changes: send the fresh one to their open streams in that org.
    const onUnread = (userId: string, orgId: string) => {
      if (hub.count(userId) === 0) return
      // counted as the user may see now (their current role), like the inbox
      base.people
        .authFor(userId, orgId)
        .then((auth) => (auth?.org ? bellFor(deps, { ...auth, org: auth.org }) : undefined))
        .then(
          (html) => {
            if (html !== undefined) hub.push(userId, orgId, html)
          },
          (err) => ctx.log.warn('bell update failed', { error: err }),
        )
    }
    // Only people who may see an entity hear of it (its link's permission, and it resolves for them).
    const canSee = async (orgId: string, entity: { type: string; id: string }, userId: string) => {
      const link = ctx.contributions('entity.link').find((l) => l.type === entity.type)
      const auth = link ? await ctx.people.authFor(userId, orgId) : undefined
      return !!auth && can(auth, link!.permission) && !!(await link!.resolve(entity.id, auth).catch(() => undefined))
    }
    const svc = new Collaboration(ctx.db, ctx.tables, ctx.bus, ctx.people, onUnread, canSee, { mail: ctx.mail, log: ctx.log })
    const deps: Deps = { ctx: base, svc, hub }

    // Activity is written by a detached bus handler; the demo seed waits for the writes in flight
    // before it looks for entities to comment on (they come from earlier seeds' events).
    const recording = new Set<Promise<unknown>>()
    const track = <T,>(done: Promise<T>): Promise<T> => {
      recording.add(done)
      const forget = () => recording.delete(done)
      done.then(forget, forget)
      return done
    }
    ctx.bus.onAny((name, payload) => {
      const fact = activityOf(payload)
      if (!fact) return
      // the new assignee hears of their assignment through its own notification, not as a watcher
      const quiet = name === 'planning.task.assigned' ? [assigneeOf(payload)].filter((x): x is string => !!x) : []
      return track(svc.record(name, fact, quiet))
    })
    ctx.bus.on('planning.task.assigned', (payload: unknown) => {
      const task = taskEntityOf(payload)
      const assigneeId = assigneeOf(payload)
      if (!task || !assigneeId) return
      return track(svc.assigned({ orgId: task.orgId, actor: task.actor, assigneeId, entity: task.entity }))
    })
    ctx.bus.on('planning.task.created', (payload: unknown) => {
      const task = taskEntityOf(payload)
      if (!task) return
      return track(svc.created({ orgId: task.orgId, creatorId: task.actor.id, entity: task.entity }))
    })
    ctx.every('25s', () => hub.heartbeat())

    const thread: KnownServices['collaboration.thread'] = {
      async render(_request, auth, entity, options) {
        if (!auth.org || !can(auth, READ)) return ''
        try {
          return await renderThread(deps, auth, await entityFor(base, auth, entity.type, String(entity.id)), { activity: options?.activity !== false })
        } catch {
          return ''
        }
      },
    }
    ctx.provide('collaboration.thread', thread)
    // `kind` is one of KINDS (else 'reminder'); `entity` ({ type, id }) limits it to people who may
    // see the entity through its entity.link. Both are checked: other plugins' values are untrusted.
    const notify: KnownServices['collaboration.notify'] = {
      async notify(input) {
        const extra = input as { kind?: unknown; entity?: { type?: unknown; id?: unknown } }
        const kind = KINDS.some((k) => k.kind === extra.kind) ? (extra.kind as NotificationKind) : 'reminder'
        const e = extra.entity
        const entity = e && typeof e.type === 'string' && (typeof e.id === 'string' || typeof e.id === 'number') ? { type: e.type, id: String(e.id) } : undefined
        await svc.deliver({ orgId: input.orgId, userIds: input.userIds, title: input.title, text: input.text, href: input.href, actorId: input.actorId, kind, entity })
      },
    }
    ctx.provide('collaboration.notify', notify)
    // Open bell streams (one per tab), of one user or all.
    ctx.provide('collaboration.live', { streams: (userId?: string) => hub.count(userId) })
    // Resolves once the bus handlers running now (activity, assignments) and the notification
    // emails they queued are done (tests, seeds).
    ctx.provide('collaboration.idle', {
      wait: async () => {
        await Promise.allSettled([...recording])
        await svc.emailIdle()
      },
    })
    // `viewer` is whom the feed is for: only what they may see is returned, and nothing without one.
    const activity: KnownServices['collaboration.activity'] = {
      async recent(orgId, limit, viewer) {
        if (!viewer || viewer.org?.id !== orgId || !can(viewer, READ)) return []
        const who = activityViewer(base, viewer)
        const { rows } = await svc.visibleActivity(orgId, (batch) => who.filter(batch), { limit: Math.min(Math.max(limit, 1), 200) })
        return rows.map((r) => ({ at: r.createdAt, actorName: r.actorName, text: r.text, href: r.entityHref ?? undefined }))
      },
    }
    ctx.provide('collaboration.activity', activity)

    ctx.nav({ label: 'Inbox', href: '/collaboration/inbox', icon: 'bell', order: 90 })
    ctx.contribute('shell.header', {
      id: 'notifications',
      order: 10,
      render(auth) {
        if (!auth.org || !can(auth, SIGNED_IN)) return ''
        const org = auth.org.id
        // the usual page: the count is cached for this viewer, and no viewer needs building
        const cached = svc.cachedUnreadCount(org, auth.user.id, viewerKey(auth))
        return cached === undefined ? svc.unreadCount(org, auth.user.id, activityViewer(base, auth)).then((unread) => Bell({ unread })) : Bell({ unread: cached })
      },
    })
    ctx.contribute('search.provider', {
      label: 'Comments',
      permission: READ,
      async search(query, auth) {
        if (!auth.org) return []
        const rows = await svc.search(auth.org.id, query, 30)
        const seen = new Map<string, Awaited<ReturnType<typeof entityFor>> | null>()
        const out = []
        for (const row of rows) {
          const key = `${row.entityType}\n${row.entityId}`
          if (!seen.has(key)) seen.set(key, await entityFor(base, auth, row.entityType, row.entityId).catch(() => null))
          const entity = seen.get(key)
          if (!entity) continue
          const href = entity.href && entity.href.startsWith('/') ? entity.href : `/collaboration/threads/${encodeURIComponent(entity.type)}/${encodeURIComponent(entity.id)}`
          out.push({ title: `Comment on ${entity.title}`, href: `${href}#comment-${row.id}`, snippet: plainText(row.body).slice(0, 160) })
          if (out.length >= 10) break
        }
        return out
      },
    })
    ctx.contribute('demo.seed', {
      order: 50,
      async run({ orgId, people }) {
        await Promise.allSettled([...recording])
        return seedComments(svc, canSee, { orgId, people, types: entityLinks(base).map((l) => l.type) })
      },
    })

    return routes(deps)
  },
  teardown(ctx) {
    hubs.get(ctx)?.closeAll()
    hubs.delete(ctx)
  },
})
