/** @module Collaboration's pages, fragments, SSE stream and JSON API. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { SIGNED_IN, seesEmails } from '../../core/auth/permissions.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { isFragmentRequest, redirect } from '../../core/http/render.ts'
import { errorFor, jsonError } from '../../core/http/respond.ts'
import { readForm, readFormAll } from '../../core/pages/context.ts'
import type { PluginContext } from '../../core/plugins/contract.ts'
import type { EntityLink } from '../../core/plugins/points.ts'
import { PageHeader } from '../../views/components.tsx'
import type { LiveHub } from './live.ts'
import { plainText } from './markdown.ts'
import { KINDS, type Collaboration, type CommentRow, type EntityRef, type Preferences } from './service.ts'
import { ActivityPage, BellLink, InboxPage, MentionList, PreferencesPage } from './views/pages.tsx'
import { Thread, type KeptForm } from './views/thread.tsx'
import { ActivityViewer } from './visibility.ts'

export const READ = 'collaboration.comment.read'
export const WRITE = 'collaboration.comment.write'
export const MODERATE = 'collaboration.comment.moderate'
/** Reading one's notifications on the API (pages need a session only: tokens work on /api/v1/ alone). */
export const NOTIFICATION_READ = 'collaboration.notification.read'

const HTML = { 'content-type': 'text/html; charset=utf-8' }

/** Everything routes and services need. */
export interface Deps {
  ctx: PluginContext
  svc: Collaboration
  hub: LiveHub
}

/** The enabled plugins' entity.link contributions. */
export function entityLinks(ctx: PluginContext): EntityLink[] {
  return ctx.contributions('entity.link')
}

/**
 * The entity a viewer may see: its entity.link exists, the viewer holds its permission and resolve()
 * finds it in the viewer's org. Otherwise InputError 404 (never tells whether it exists elsewhere).
 */
export async function entityFor(ctx: PluginContext, auth: Auth, type: string, id: string): Promise<EntityRef> {
  const link = entityLinks(ctx).find((l) => l.type === type)
  if (!link || !auth.org || !can(auth, link.permission) || !id || id.length > 200) throw new InputError('That page does not exist.', undefined, 404)
  const found = await link.resolve(id, auth)
  if (!found) throw new InputError('That page does not exist.', undefined, 404)
  return { type, id, title: found.title, href: found.href }
}

/** What this viewer may see of the activity (one per request: it caches what it resolved). */
export function activityViewer(ctx: PluginContext, auth: Auth): ActivityViewer {
  return new ActivityViewer(entityLinks(ctx), auth)
}

/** The fallback page of a thread when an entity has no href. */
function threadHref(entity: { type: string; id: string }): string {
  return `/collaboration/threads/${encodeURIComponent(entity.type)}/${encodeURIComponent(entity.id)}`
}

/** The safe HTML of an entity's thread for this viewer. */
export async function renderThread(d: Deps, auth: Auth, entity: EntityRef, extra: { kept?: KeptForm; notice?: string; activity?: boolean } = {}): Promise<string> {
  const orgId = auth.org!.id
  const { activity: withActivity = true, ...rest } = extra
  // The entity itself was resolved for this viewer already; its rows still go through the filter.
  const viewer = activityViewer(d.ctx, auth)
  viewer.allow(entity.type, entity.id)
  const [comments, watching, activity] = await Promise.all([
    d.svc.thread(orgId, entity.type, entity.id, auth.user.id, seesEmails(auth.permissions)),
    d.svc.isWatching(orgId, auth.user.id, entity.type, entity.id),
    withActivity ? d.svc.visibleActivity(orgId, (rows) => viewer.filter(rows), { entity, limit: 20 }).then((r) => r.rows) : [],
  ])
  return Thread({
    entity,
    comments,
    viewer: { id: auth.user.id, csrf: auth.session?.csrf, canWrite: can(auth, WRITE), canModerate: can(auth, MODERATE), noActivity: !withActivity },
    watching,
    activity,
    ...rest,
  }) as string
}

/** Whether the thread a form came from showed its Activity block (its forms carry `activity=off` when not). */
function activityOf(form: Record<string, string | undefined>): { activity: boolean } {
  return { activity: form.activity !== 'off' }
}

/** The bell for a signed-in user in their org (header item and SSE message): what they may see now. */
export async function bellFor(d: Deps, auth: Auth & { org: NonNullable<Auth['org']> }): Promise<string> {
  return BellLink({ unread: await d.svc.unreadCount(auth.org.id, auth.user.id, activityViewer(d.ctx, auth)) }) as string
}

function actor(auth: Auth) {
  return { id: auth.user.id, name: auth.user.name }
}

function isHtmx(request: Request): boolean {
  return request.headers.get('hx-request') === 'true'
}

/** 403/404 as a page (or JSON on the API); htmx requests keep what they show. */
function failure(request: Request, err: unknown): Response {
  if (!(err instanceof InputError)) throw err
  const path = new URL(request.url).pathname
  const res = errorFor(path, err.status, err.status === 404 ? 'not_found' : err.status === 403 ? 'forbidden' : 'invalid', err.status === 404 ? 'Not found' : err.status === 403 ? 'Not allowed' : 'Cannot do that', err.message)
  if (isHtmx(request)) res.headers.set('hx-reswap', 'none')
  return res
}

export function routes(d: Deps) {
  const { ctx, svc, hub } = d

  /** After a change: the thread fragment for htmx, else a redirect back to the entity. */
  const done = async (request: Request, auth: Auth, entity: EntityRef, anchor?: string, opts: { activity?: boolean } = {}) => {
    if (isHtmx(request)) return new Response(await renderThread(d, auth, entity, opts), { headers: HTML })
    const base = entity.href && entity.href.startsWith('/') ? entity.href : threadHref(entity)
    return redirect(request, anchor ? `${base}#${anchor}` : base)
  }

  /** 422: the thread again with the user's text and the error (a page of its own without htmx). */
  const invalid = async (request: Request, auth: Auth, entity: EntityRef, kept: KeptForm, opts: { activity?: boolean } = {}) => {
    const safeThread = await renderThread(d, auth, entity, { kept, ...opts })
    if (isHtmx(request)) return new Response(safeThread, { status: 422, headers: HTML })
    return ctx.page(request, auth, { title: `Comments on ${entity.title}`, body: threadPage(entity, safeThread), status: 422 })
  }

  /** The comment behind `:cid` and its entity, both visible to the viewer. */
  const commentAndEntity = async (auth: Auth, cid: string): Promise<{ comment: CommentRow; entity: EntityRef }> => {
    if (!auth.org) throw new InputError('That comment does not exist.', undefined, 404)
    const comment = await svc.get(auth.org.id, cid)
    const entity = await entityFor(ctx, auth, comment.entityType, comment.entityId)
    return { comment, entity }
  }

  return (
    new Elysia({ name: 'plugin:collaboration' })
      .use(guard)
      // ---- threads and comments ---------------------------------------------------------------
      .get(
        '/collaboration/threads/:type/:id',
        async ({ request, auth, params }) => {
          try {
            // Elysia has decoded the params already: decoding again turned `%25` (a literal %) into a URIError, a 500
            const entity = await entityFor(ctx, auth, params.type, params.id)
            const safeThread = await renderThread(d, auth, entity)
            if (isFragmentRequest(request)) return new Response(safeThread, { headers: HTML })
            return ctx.page(request, auth, { title: `Comments on ${entity.title}`, body: threadPage(entity, safeThread) })
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: READ },
      )
      .post(
        '/collaboration/comments',
        async ({ request, auth }) => {
          const form = await readForm(request)
          try {
            const entity = await entityFor(ctx, auth, form.entity_type ?? '', form.entity_id ?? '')
            const parentId = form.parent_id || undefined
            try {
              const row = await svc.create({ orgId: auth.org!.id, actor: actor(auth), entity, body: form.body ?? '', parentId })
              return done(request, auth, entity, `comment-${row.id}`, activityOf(form))
            } catch (err) {
              if (err instanceof InputError && err.status === 422) return invalid(request, auth, entity, { key: parentId ? `reply:${parentId}` : 'new', body: form.body ?? '', error: err.message }, activityOf(form))
              throw err
            }
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: WRITE },
      )
      .post(
        '/collaboration/comments/:cid/edit',
        async ({ request, auth, params }) => {
          const form = await readForm(request)
          try {
            const { comment, entity } = await commentAndEntity(auth, params.cid)
            try {
              await svc.edit({ orgId: auth.org!.id, actor: actor(auth), commentId: comment.id, body: form.body ?? '', entity })
              return done(request, auth, entity, `comment-${comment.id}`, activityOf(form))
            } catch (err) {
              if (err instanceof InputError && err.status === 422) return invalid(request, auth, entity, { key: `edit:${comment.id}`, body: form.body ?? '', error: err.message }, activityOf(form))
              throw err
            }
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: WRITE },
      )
      .post(
        '/collaboration/comments/:cid/delete',
        async ({ request, auth, params }) => {
          const form = await readForm(request)
          try {
            const { comment, entity } = await commentAndEntity(auth, params.cid)
            await svc.remove({ orgId: auth.org!.id, actor: actor(auth), commentId: comment.id, moderator: can(auth, MODERATE), entity })
            return done(request, auth, entity, undefined, activityOf(form))
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: WRITE },
      )
      .post(
        '/collaboration/comments/:cid/react',
        async ({ request, auth, params }) => {
          const form = await readForm(request)
          try {
            const { comment, entity } = await commentAndEntity(auth, params.cid)
            await svc.toggleReaction(auth.org!.id, auth.user.id, comment.id, form.emoji ?? '')
            return done(request, auth, entity, `comment-${comment.id}`, activityOf(form))
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: WRITE },
      )
      .post(
        '/collaboration/watch',
        async ({ request, auth }) => {
          const form = await readForm(request)
          try {
            const entity = await entityFor(ctx, auth, form.entity_type ?? '', form.entity_id ?? '')
            if (form.watch === '0') await svc.unwatch(auth.org!.id, auth.user.id, entity.type, entity.id)
            else await svc.watch(auth.org!.id, auth.user.id, entity.type, entity.id)
            return done(request, auth, entity, undefined, activityOf(form))
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: READ },
      )
      .get(
        '/collaboration/mentions',
        async ({ request, auth, query }) => {
          if (!auth.org) return failure(request, new InputError('No organization.', undefined, 404))
          const q = String(query.q ?? '').trim().toLowerCase().slice(0, 100)
          // addresses only for those who may see them (core.emails.read, as on the members page): the
          // others match by name and get no address, so the composer inserts the stored mention form
          const emails = seesEmails(auth.permissions)
          const people = (await ctx.people.members(auth.org.id))
            .filter((p) => !q || p.name.toLowerCase().includes(q) || (emails && p.email.toLowerCase().includes(q)))
            .slice(0, 8)
            .map((p) => ({ id: p.id, name: p.name, email: emails ? p.email : '' }))
          if ((request.headers.get('accept') ?? '').includes('application/json')) return { items: people.map((p) => (emails ? { id: p.id, name: p.name, email: p.email } : { id: p.id, name: p.name })) }
          return new Response(MentionList({ people }) as string, { headers: HTML })
        },
        { permission: WRITE },
      )
      // ---- notifications ---------------------------------------------------------------------
      .get(
        '/collaboration/inbox',
        async ({ request, auth, query }) => {
          if (!auth.org) return noOrg(request, auth, 'Inbox')
          const filter = query.filter === 'unread' ? 'unread' : 'all'
          const limit = 50
          const viewer = activityViewer(ctx, auth)
          const { rows: page, next } = await svc.visibleNotifications(auth.org.id, auth.user.id, viewer, { before: query.before || undefined, limit, unreadOnly: filter === 'unread' })
          const actors = new Map((await ctx.people.byIds([...new Set(page.map((r) => r.actorId).filter((x): x is string => Boolean(x)))])).map((p) => [p.id, p.name]))
          const unread = await svc.unreadCount(auth.org.id, auth.user.id, viewer)
          const body = InboxPage({ rows: page, unread, csrf: auth.session?.csrf, filter, next, actors }) as string
          return ctx.page(request, auth, { title: unread ? `Inbox (${unread})` : 'Inbox', body })
        },
        { permission: SIGNED_IN },
      )
      .post(
        '/collaboration/inbox/read-all',
        async ({ request, auth }) => {
          if (!auth.org) return failure(request, new InputError('No organization.', undefined, 404))
          await svc.markAllRead(auth.org.id, auth.user.id)
          return redirect(request, '/collaboration/inbox', { kind: 'ok', text: 'All notifications marked read.' })
        },
        { permission: SIGNED_IN },
      )
      .post(
        '/collaboration/inbox/:nid/read',
        async ({ request, auth, params }) => {
          try {
            if (!auth.org) throw new InputError('No organization.', undefined, 404)
            await svc.markRead(auth.org.id, auth.user.id, params.nid)
            return redirect(request, '/collaboration/inbox')
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: SIGNED_IN },
      )
      .post(
        '/collaboration/inbox/:nid/open',
        async ({ request, auth, params }) => {
          // Opening a notification from the inbox: the title link submits this form (live.js), so it is
          // read once opened, as on GitHub; GET never writes (test/get-safety.test.ts). The target is
          // the notification's own local href, only while the viewer may still see it, else the inbox.
          try {
            if (!auth.org) throw new InputError('No organization.', undefined, 404)
            const row = await svc.markRead(auth.org.id, auth.user.id, params.nid)
            // a modified click (new tab) marks read in the background: the bell's new count, no redirect
            if (isHtmx(request)) return new Response(await bellFor(d, { ...auth, org: auth.org }), { headers: HTML })
            const local = row.href && row.href.startsWith('/') && !row.href.startsWith('//') && !row.href.startsWith('/\\')
            const visible = local && (await activityViewer(ctx, auth).seesNotification(row))
            return redirect(request, visible ? row.href! : '/collaboration/inbox')
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: SIGNED_IN },
      )
      .get(
        '/collaboration/preferences',
        async ({ request, auth }) => {
          const body = PreferencesPage({ prefs: await svc.preferences(auth.user.id), email: svc.emailEnabled, csrf: auth.session?.csrf }) as string
          return ctx.page(request, auth, { title: 'Notification settings', body })
        },
        { permission: SIGNED_IN },
      )
      .post(
        '/collaboration/preferences',
        async ({ request, auth }) => {
          const { one } = await readFormAll(request)
          const checked = (name: string) => one[name] === '1' || one[name] === 'on'
          const kinds = Object.fromEntries(KINDS.map((k) => [k.column, checked(k.column)])) as unknown as Omit<Preferences, 'email'>
          // while mail is off the toggle is hidden: a posted value is ignored and the stored choice kept
          await svc.setPreferences(auth.user.id, { ...kinds, email: svc.emailEnabled ? checked('email') : undefined })
          return redirect(request, '/collaboration/preferences', { kind: 'ok', text: 'Notification settings saved.' })
        },
        { permission: SIGNED_IN },
      )
      .get(
        '/collaboration/events',
        async ({ request, auth }) => {
          if (!auth.org) return failure(request, new InputError('No organization.', undefined, 404))
          const safeBell = await bellFor(d, { ...auth, org: auth.org })
          // Only clients asking for a stream get one (hx-sse sends Accept: text/event-stream); a plain
          // GET gets the bell once, so crawlers and checks never hang on an endless response.
          if (!(request.headers.get('accept') ?? '').includes('text/event-stream')) return new Response(safeBell, { headers: HTML })
          return hub.open(auth.user.id, auth.org.id, safeBell, request.signal)
        },
        { permission: SIGNED_IN },
      )
      // ---- activity --------------------------------------------------------------------------
      .get(
        '/collaboration/activity',
        async ({ request, auth, query }) => {
          if (!auth.org) return noOrg(request, auth, 'Activity')
          const viewer = activityViewer(ctx, auth)
          const before = typeof query.before === 'string' && query.before.length <= 100 ? query.before : undefined
          const page = await svc.visibleActivity(auth.org.id, (rows) => viewer.filter(rows), { before, limit: 50 })
          const body = ActivityPage({ rows: page.rows, next: page.next, older: Boolean(before) }) as string
          return ctx.page(request, auth, { title: 'Activity', body })
        },
        { permission: READ },
      )
      // ---- JSON API --------------------------------------------------------------------------
      .get(
        '/api/v1/collaboration/comments',
        async ({ request, auth, query }) => {
          try {
            const entity = await entityFor(ctx, auth, String(query.type ?? ''), String(query.id ?? ''))
            const limit = Math.min(Math.max(Number(query.limit) || 50, 1), 100)
            const rows = await svc.page(auth.org!.id, entity.type, entity.id, query.cursor || undefined, limit + 1)
            const items = rows.slice(0, limit).map(commentJson)
            return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null }
          } catch (err) {
            return failure(request, err)
          }
        },
        { permission: READ },
      )
      .post(
        '/api/v1/collaboration/comments',
        async ({ request, auth, body, set }) => {
          const input = (body ?? {}) as Record<string, unknown>
          try {
            const entity = await entityFor(ctx, auth, String(input.type ?? ''), String(input.id ?? ''))
            const row = await svc.create({ orgId: auth.org!.id, actor: actor(auth), entity, body: String(input.body ?? ''), parentId: input.parentId ? String(input.parentId) : undefined })
            set.status = 201
            return commentJson(row)
          } catch (err) {
            if (err instanceof InputError && err.status === 422) return jsonError(422, 'invalid', err.message)
            return failure(request, err)
          }
        },
        { permission: WRITE },
      )
      .get(
        '/api/v1/collaboration/notifications',
        async ({ auth, query }) => {
          if (!auth.org) return jsonError(404, 'not_found', 'no organization')
          const limit = Math.min(Math.max(Number(query.limit) || 50, 1), 100)
          const viewer = activityViewer(ctx, auth)
          const { rows, next } = await svc.visibleNotifications(auth.org.id, auth.user.id, viewer, { before: query.cursor || undefined, limit, unreadOnly: query.unread === 'true' })
          const items = rows.map((n) => ({
            id: n.id,
            kind: n.kind,
            title: n.title,
            text: n.text,
            href: n.href,
            actorId: n.actorId,
            entity: n.entityType && n.entityId ? { type: n.entityType, id: n.entityId } : null,
            createdAt: n.createdAt.toISOString(),
            readAt: n.readAt?.toISOString() ?? null,
          }))
          return { items, nextCursor: next ?? null, unread: await svc.unreadCount(auth.org.id, auth.user.id, viewer) }
        },
        { permission: NOTIFICATION_READ },
      )
  )

  function noOrg(request: Request, auth: Auth, title: string) {
    return ctx.page(request, auth, { title, body: PageHeader({ title, subtitle: 'You belong to no organization yet.' }) as string })
  }
}

function commentJson(row: CommentRow) {
  return {
    id: row.id,
    entityType: row.entityType,
    entityId: row.entityId,
    parentId: row.parentId,
    authorId: row.authorId,
    body: row.body,
    text: plainText(row.body),
    mentions: row.mentions ?? [],
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
  }
}

function threadPage(entity: EntityRef, safeThread: string): string {
  return (
    (PageHeader({ title: `Comments on ${entity.title}` }) as string) +
    (entity.href && entity.href.startsWith('/') ? `<p><a href="${Bun.escapeHTML(entity.href)}">Back to ${Bun.escapeHTML(entity.title)}</a></p>` : '') +
    safeThread
  )
}
