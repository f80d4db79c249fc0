/**
 * @module Collaboration's domain logic: comments (threads, edits, deletes, reactions, mentions),
 * watches, notifications (with per-user preferences) and activity. No Request, no JSX: routes, the
 * thread service, the API and the demo seed all call this, so checks and events happen once.
 */
import { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { BusScope } from '../../core/bus.ts'
import type { People } from '../../core/plugins/contract.ts'
import type { ActivityFact } from '../../core/plugins/points.ts'
import type { Db } from '../../core/store/connect.ts'
import { plainText, resolveMentions } from './markdown.ts'
import type { schema } from './schema.ts'
import type { CommentRef } from './events.ts'
import './events.ts'

export type Tables = ReturnType<typeof schema>
export type CommentRow = Tables['comments']['$inferSelect']
export type NotificationRow = Tables['notifications']['$inferSelect']
export type ActivityRow = Tables['activity']['$inferSelect']

/** The fixed set of reactions. */
export const REACTIONS = ['👍', '👎', '😄', '🎉', '❤️', '🚀', '👀'] as const
/** Longest comment, in characters. */
export const MAX_BODY = 10_000

/** Kinds of notification a user can turn off. */
export type NotificationKind = 'mention' | 'comment' | 'change' | 'reminder' | 'assignment' | 'invitation'
export const KINDS: { kind: NotificationKind; column: keyof Preferences; label: string; hint: string }[] = [
  { kind: 'mention', column: 'mentions', label: 'Mentions', hint: 'Someone mentions you with @' },
  { kind: 'assignment', column: 'assignments', label: 'Assignments', hint: 'Someone assigns a task to you' },
  { kind: 'invitation', column: 'invitations', label: 'Invitations', hint: 'Someone adds you to a calendar event' },
  { kind: 'comment', column: 'comments', label: 'Comments', hint: 'New comments on things you watch' },
  { kind: 'change', column: 'changes', label: 'Changes', hint: 'Changes to things you watch' },
  { kind: 'reminder', column: 'reminders', label: 'Reminders', hint: 'Reminders of calendar events you created or attend' },
]

export interface Preferences {
  mentions: boolean
  comments: boolean
  changes: boolean
  reminders: boolean
  assignments: boolean
  invitations: boolean
}

/** Everything on: what a user gets until they change their preferences. */
const ALL_ON: Preferences = { mentions: true, comments: true, changes: true, reminders: true, assignments: true, invitations: true }

/** Who acts. */
export interface Actor {
  id: string
  name: string
}

/** The entity a thread belongs to, as its entity.link resolved it. */
export interface EntityRef {
  type: string
  id: string
  title: string
  href?: string
}

/** A comment with its author's name, reactions and replies (thread view). */
export interface ThreadComment {
  row: CommentRow
  authorName: string
  reactions: { emoji: string; count: number; mine: boolean }[]
  replies: ThreadComment[]
}

/** Called when a user's unread count in an org may have changed. */
export type UnreadListener = (userId: string, orgId: string) => void

const uuid = () => Bun.randomUUIDv7()

export class Collaboration {
  constructor(
    private readonly db: Db,
    private readonly t: Tables,
    private readonly bus: BusScope,
    private readonly people: People,
    private readonly onUnread: UnreadListener = () => {},
    /** Whether a user may see an entity; people who may not are never told about it. */
    private readonly canSee: (orgId: string, entity: { type: string; id: string }, userId: string) => Promise<boolean> = async () => true,
  ) {}

  /** The users among `ids` who may see the entity. */
  private async visible(orgId: string, entity: { type: string; id: string }, ids: string[]): Promise<string[]> {
    const out: string[] = []
    for (const id of ids) if (await this.canSee(orgId, entity, id)) out.push(id)
    return out
  }

  // ---- comments ------------------------------------------------------------------------------

  /** The thread of an entity: top-level comments oldest first, each with its replies. */
  async thread(orgId: string, entityType: string, entityId: string, viewerId: string): Promise<ThreadComment[]> {
    const { comments, reactions } = this.t
    const rows = await this.db
      .select()
      .from(comments)
      .where(and(eq(comments.orgId, orgId), eq(comments.entityType, entityType), eq(comments.entityId, entityId)))
      .orderBy(asc(comments.createdAt), asc(comments.id))
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.id)
    const reacts = await this.db.select().from(reactions).where(and(eq(reactions.orgId, orgId), inArray(reactions.commentId, ids)))
    const authors = new Map((await this.people.byIds([...new Set(rows.map((r) => r.authorId))])).map((p) => [p.id, p.name]))
    const build = (row: CommentRow): ThreadComment => {
      const mine = reacts.filter((r) => r.commentId === row.id)
      return {
        row,
        authorName: authors.get(row.authorId) ?? 'Former member',
        reactions: REACTIONS.map((emoji) => {
          const of = mine.filter((r) => r.emoji === emoji)
          return { emoji, count: of.length, mine: of.some((r) => r.userId === viewerId) }
        }),
        replies: [],
      }
    }
    const top: ThreadComment[] = []
    const byId = new Map<string, ThreadComment>()
    for (const row of rows) {
      const c = build(row)
      byId.set(row.id, c)
      if (!row.parentId) top.push(c)
    }
    for (const row of rows) if (row.parentId) byId.get(row.parentId)?.replies.push(byId.get(row.id)!)
    // Deleted comments only stay (as a placeholder) while they hold replies that are not deleted.
    const visible = (c: ThreadComment) => !c.row.deletedAt || c.replies.some((r) => !r.row.deletedAt)
    return top
      .map((c) => ({ ...c, replies: c.replies.filter((r) => !r.row.deletedAt) }))
      .filter(visible)
  }

  /** Number of live comments on an entity. */
  async count(orgId: string, entityType: string, entityId: string): Promise<number> {
    const { comments } = this.t
    const [row] = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(comments)
      .where(and(eq(comments.orgId, orgId), eq(comments.entityType, entityType), eq(comments.entityId, entityId), isNull(comments.deletedAt)))
    return Number(row?.n ?? 0)
  }

  /** A live comment of `orgId`, or InputError 404. */
  async get(orgId: string, commentId: string): Promise<CommentRow> {
    const { comments } = this.t
    const [row] = await this.db
      .select()
      .from(comments)
      .where(and(eq(comments.id, commentId), eq(comments.orgId, orgId), isNull(comments.deletedAt)))
    if (!row) throw new InputError('That comment does not exist.', undefined, 404)
    return row
  }

  /** Checks and normalizes a comment body. */
  private async prepareBody(orgId: string, body: string): Promise<{ body: string; mentions: string[] }> {
    const text = body.replace(/\r\n/g, '\n').trim()
    if (!text) throw new InputError('Write something first.', 'body', 422)
    if (text.length > MAX_BODY) throw new InputError(`Comments are at most ${MAX_BODY.toLocaleString('en')} characters (this one has ${text.length.toLocaleString('en')}).`, 'body', 422)
    return resolveMentions(text, await this.people.members(orgId))
  }

  /** Posts a comment (or a reply to a top-level comment). The author starts watching the entity. */
  async create(input: { orgId: string; actor: Actor; entity: EntityRef; body: string; parentId?: string }): Promise<CommentRow> {
    const { orgId, actor, entity } = input
    let parentId: string | null = null
    if (input.parentId) {
      const parent = await this.get(orgId, input.parentId)
      if (parent.entityType !== entity.type || parent.entityId !== entity.id) throw new InputError('That comment does not exist.', undefined, 404)
      parentId = parent.parentId ?? parent.id // one level of nesting
    }
    const { body, mentions } = await this.prepareBody(orgId, input.body)
    const row: CommentRow = {
      id: uuid(),
      orgId,
      entityType: entity.type,
      entityId: entity.id,
      parentId,
      authorId: actor.id,
      body,
      mentions,
      createdAt: new Date(),
      editedAt: null,
      deletedAt: null,
    }
    await this.db.insert(this.t.comments).values(row)
    await this.watch(orgId, actor.id, entity.type, entity.id)
    const href = entity.href ? `${entity.href}#comment-${row.id}` : undefined
    const snippet = plainText(body).slice(0, 200)
    const mentioned = await this.visible(orgId, entity, mentions.filter((id) => id !== actor.id))
    await this.deliver({ orgId, userIds: mentioned, kind: 'mention', title: `${actor.name} mentioned you on ${entity.title}`, text: snippet, href, actorId: actor.id })
    const watchers = await this.visible(orgId, entity, (await this.watchers(orgId, entity.type, entity.id)).filter((id) => id !== actor.id && !mentions.includes(id)))
    await this.deliver({ orgId, userIds: watchers, kind: 'comment', title: `${actor.name} commented on ${entity.title}`, text: snippet, href, actorId: actor.id })
    this.bus.emit('collaboration.comment.created', {
      comment: ref(row),
      mentions,
      activity: fact(orgId, actor, entity, parentId ? `replied on ${entity.title}` : `commented on ${entity.title}`),
    })
    return row
  }

  /** Edits one's own comment; newly mentioned people are notified. */
  async edit(input: { orgId: string; actor: Actor; commentId: string; body: string; entity: EntityRef }): Promise<CommentRow> {
    const current = await this.get(input.orgId, input.commentId)
    if (current.authorId !== input.actor.id) throw new InputError('Only its author can edit a comment.', undefined, 403)
    const { body, mentions } = await this.prepareBody(input.orgId, input.body)
    const editedAt = new Date()
    await this.db.update(this.t.comments).set({ body, mentions, editedAt }).where(eq(this.t.comments.id, current.id))
    const added = await this.visible(input.orgId, input.entity, mentions.filter((id) => id !== input.actor.id && !(current.mentions ?? []).includes(id)))
    const href = input.entity.href ? `${input.entity.href}#comment-${current.id}` : undefined
    await this.deliver({ orgId: input.orgId, userIds: added, kind: 'mention', title: `${input.actor.name} mentioned you on ${input.entity.title}`, text: plainText(body).slice(0, 200), href, actorId: input.actor.id })
    const row = { ...current, body, mentions, editedAt }
    this.bus.emit('collaboration.comment.updated', { comment: ref(row), mentions, activity: fact(input.orgId, input.actor, input.entity, `edited a comment on ${input.entity.title}`) })
    return row
  }

  /** Deletes a comment: its author, or a moderator (`moderator`), may. Replies of a deleted comment stay. */
  async remove(input: { orgId: string; actor: Actor; commentId: string; moderator: boolean; entity: EntityRef }): Promise<CommentRow> {
    const current = await this.get(input.orgId, input.commentId)
    if (current.authorId !== input.actor.id && !input.moderator) throw new InputError('Only its author or an admin can delete a comment.', undefined, 403)
    await this.db.update(this.t.comments).set({ deletedAt: new Date() }).where(eq(this.t.comments.id, current.id))
    this.bus.emit('collaboration.comment.deleted', { comment: ref(current), activity: fact(input.orgId, input.actor, input.entity, `deleted a comment on ${input.entity.title}`) })
    return current
  }

  /** Adds the reaction, or takes it back when the user already gave it. Returns whether it is on now. */
  async toggleReaction(orgId: string, userId: string, commentId: string, emoji: string): Promise<boolean> {
    if (!(REACTIONS as readonly string[]).includes(emoji)) throw new InputError('Pick one of the offered reactions.', 'emoji', 422)
    await this.get(orgId, commentId)
    const { reactions } = this.t
    const where = and(eq(reactions.commentId, commentId), eq(reactions.userId, userId), eq(reactions.emoji, emoji))
    const [existing] = await this.db.select().from(reactions).where(where)
    if (existing) {
      await this.db.delete(reactions).where(eq(reactions.id, existing.id))
      return false
    }
    await this.db.insert(reactions).values({ id: uuid(), orgId, commentId, userId, emoji, createdAt: new Date() }).onConflictDoNothing()
    return true
  }

  /** Comments of the org whose text contains `query` (case-insensitive), newest first. */
  async search(orgId: string, query: string, limit = 20): Promise<CommentRow[]> {
    const { comments } = this.t
    const pattern = '%' + query.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'
    return this.db
      .select()
      .from(comments)
      .where(and(eq(comments.orgId, orgId), isNull(comments.deletedAt), sql`lower(${comments.body}) like ${pattern} escape '\\'`))
      .orderBy(desc(comments.createdAt))
      .limit(limit)
  }

  /** A page of an entity's live comments, oldest first (JSON API). */
  async page(orgId: string, entityType: string, entityId: string, cursor: string | undefined, limit: number): Promise<CommentRow[]> {
    const { comments } = this.t
    const conds = [eq(comments.orgId, orgId), eq(comments.entityType, entityType), eq(comments.entityId, entityId), isNull(comments.deletedAt)]
    if (cursor) conds.push(sql`${comments.id} > ${cursor}`)
    return this.db.select().from(comments).where(and(...conds)).orderBy(asc(comments.id)).limit(limit)
  }

  // ---- watches -------------------------------------------------------------------------------

  async watch(orgId: string, userId: string, entityType: string, entityId: string): Promise<void> {
    await this.db.insert(this.t.watches).values({ id: uuid(), orgId, userId, entityType, entityId, createdAt: new Date() }).onConflictDoNothing()
  }

  async unwatch(orgId: string, userId: string, entityType: string, entityId: string): Promise<void> {
    const { watches } = this.t
    await this.db.delete(watches).where(and(eq(watches.orgId, orgId), eq(watches.userId, userId), eq(watches.entityType, entityType), eq(watches.entityId, entityId)))
  }

  async isWatching(orgId: string, userId: string, entityType: string, entityId: string): Promise<boolean> {
    const { watches } = this.t
    const [row] = await this.db
      .select({ id: watches.id })
      .from(watches)
      .where(and(eq(watches.orgId, orgId), eq(watches.userId, userId), eq(watches.entityType, entityType), eq(watches.entityId, entityId)))
    return Boolean(row)
  }

  async watchers(orgId: string, entityType: string, entityId: string): Promise<string[]> {
    const { watches } = this.t
    const rows = await this.db
      .select({ userId: watches.userId })
      .from(watches)
      .where(and(eq(watches.orgId, orgId), eq(watches.entityType, entityType), eq(watches.entityId, entityId)))
    return rows.map((r) => r.userId)
  }

  // ---- notifications -------------------------------------------------------------------------

  /** A user's preferences (all on until they change them). */
  async preferences(userId: string): Promise<Preferences> {
    const [row] = await this.db.select().from(this.t.preferences).where(eq(this.t.preferences.userId, userId))
    if (!row) return { ...ALL_ON }
    return { mentions: row.mentions, comments: row.comments, changes: row.changes, reminders: row.reminders, assignments: row.assignments, invitations: row.invitations }
  }

  async setPreferences(userId: string, prefs: Preferences): Promise<void> {
    const values = { ...ALL_ON, ...prefs, updatedAt: new Date() }
    await this.db
      .insert(this.t.preferences)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: this.t.preferences.userId, set: values })
  }

  /**
   * Creates notifications for those of `userIds` who are members of the org and did not turn `kind`
   * off (and, when `entity` is given, may see it); tells the live streams. Returns the ids notified.
   */
  async deliver(input: { orgId: string; userIds: string[]; kind: NotificationKind; title: string; text?: string; href?: string; actorId?: string; entity?: { type: string; id: string } }): Promise<string[]> {
    let wanted = [...new Set(input.userIds)]
    if (wanted.length === 0) return []
    if (input.entity) wanted = await this.visible(input.orgId, input.entity, wanted)
    const members = new Set((await this.people.members(input.orgId)).map((m) => m.id))
    const column = KINDS.find((k) => k.kind === input.kind)!.column
    const out: string[] = []
    for (const userId of wanted) {
      if (!members.has(userId)) continue
      if (!(await this.preferences(userId))[column]) continue
      out.push(userId)
    }
    if (out.length === 0) return []
    const now = new Date()
    const href = input.href && input.href.startsWith('/') && !input.href.startsWith('//') ? input.href : null
    await this.db.insert(this.t.notifications).values(
      out.map((userId) => ({
        id: uuid(),
        orgId: input.orgId,
        userId,
        kind: input.kind,
        title: input.title.slice(0, 300),
        text: input.text?.slice(0, 1000) ?? null,
        href,
        actorId: input.actorId ?? null,
        createdAt: now,
        readAt: null,
      })),
    )
    for (const userId of out) this.unreadChanged(userId, input.orgId)
    return out
  }

  /**
   * Unread notifications of a user in an org. The bell shows it on every page, so it is cached and
   * forgotten whenever this service creates or reads a notification (the only writers).
   */
  async unreadCount(orgId: string, userId: string): Promise<number> {
    const key = `${orgId}:${userId}`
    const hit = this.unread.get(key)
    if (hit !== undefined) return hit
    const { notifications: n } = this.t
    const [row] = await this.db
      .select({ c: sql<number>`count(*)` })
      .from(n)
      .where(and(eq(n.orgId, orgId), eq(n.userId, userId), isNull(n.readAt)))
    const count = Number(row?.c ?? 0)
    if (this.unread.size > 10_000) this.unread.clear()
    this.unread.set(key, count)
    return count
  }

  /** `unreadCount` when it is cached, without waiting (the bell on every page); else undefined. */
  cachedUnreadCount(orgId: string, userId: string): number | undefined {
    return this.unread.get(`${orgId}:${userId}`)
  }

  private readonly unread = new Map<string, number>()

  private unreadChanged(userId: string, orgId: string): void {
    this.unread.delete(`${orgId}:${userId}`)
    this.onUnread(userId, orgId)
  }

  /** A user's notifications in an org, newest first; `before` is the last id of the previous page. */
  async notifications(orgId: string, userId: string, options: { before?: string; limit?: number; unreadOnly?: boolean } = {}): Promise<NotificationRow[]> {
    const { notifications: n } = this.t
    const conds = [eq(n.orgId, orgId), eq(n.userId, userId)]
    if (options.before) conds.push(lt(n.id, options.before))
    if (options.unreadOnly) conds.push(isNull(n.readAt))
    return this.db.select().from(n).where(and(...conds)).orderBy(desc(n.id)).limit(options.limit ?? 50)
  }

  /** Marks one of the user's notifications read; another user's or org's is 404. */
  async markRead(orgId: string, userId: string, notificationId: string): Promise<NotificationRow> {
    const { notifications: n } = this.t
    const [row] = await this.db.select().from(n).where(and(eq(n.id, notificationId), eq(n.orgId, orgId), eq(n.userId, userId)))
    if (!row) throw new InputError('That notification does not exist.', undefined, 404)
    if (!row.readAt) {
      await this.db.update(n).set({ readAt: new Date() }).where(eq(n.id, row.id))
      this.unreadChanged(userId, orgId)
    }
    return row
  }

  async markAllRead(orgId: string, userId: string): Promise<void> {
    const { notifications: n } = this.t
    await this.db.update(n).set({ readAt: new Date() }).where(and(eq(n.orgId, orgId), eq(n.userId, userId), isNull(n.readAt)))
    this.unreadChanged(userId, orgId)
  }

  // ---- assignments ---------------------------------------------------------------------------

  /**
   * Someone was assigned an entity (a task): if they may see it they start watching it (so they hear
   * of its comments and changes) and, unless they assigned themself, get an 'assignment' notification.
   * Returns whether they were notified.
   */
  async assigned(input: { orgId: string; actor: Actor; assigneeId: string; entity: EntityRef }): Promise<boolean> {
    const { orgId, actor, assigneeId, entity } = input
    if (!(await this.canSee(orgId, entity, assigneeId))) return false
    await this.watch(orgId, assigneeId, entity.type, entity.id)
    if (assigneeId === actor.id) return false
    const sent = await this.deliver({ orgId, userIds: [assigneeId], kind: 'assignment', title: `${actor.name} assigned you ${entity.title}`, href: entity.href, actorId: actor.id })
    return sent.length > 0
  }

  /** The creator of an entity watches it, while they may see it. */
  async created(input: { orgId: string; creatorId: string; entity: { type: string; id: string } }): Promise<void> {
    if (await this.canSee(input.orgId, input.entity, input.creatorId)) await this.watch(input.orgId, input.creatorId, input.entity.type, input.entity.id)
  }

  // ---- activity ------------------------------------------------------------------------------

  /**
   * Records an event's activity fact; watchers of its entity hear of changes made by others, except
   * `quiet` (people another notification tells about this very change, like a new assignee).
   */
  async record(event: string, activity: ActivityFact, quiet: string[] = []): Promise<void> {
    const e = activity.entity
    await this.db.insert(this.t.activity).values({
      id: uuid(),
      orgId: activity.orgId,
      event,
      actorId: activity.actor.id,
      actorName: activity.actor.name,
      entityType: e?.type ?? null,
      entityId: e ? String(e.id) : null,
      entityTitle: e?.title ?? null,
      entityHref: e?.href ?? null,
      text: activity.text.slice(0, 500),
      createdAt: new Date(),
    })
    if (e && !event.startsWith('collaboration.')) {
      const watchers = await this.visible(activity.orgId, { type: e.type, id: String(e.id) }, (await this.watchers(activity.orgId, e.type, String(e.id))).filter((id) => id !== activity.actor.id && !quiet.includes(id)))
      await this.deliver({ orgId: activity.orgId, userIds: watchers, kind: 'change', title: `${activity.actor.name} ${activity.text}`, text: e.title, href: e.href, actorId: activity.actor.id })
    }
  }

  /**
   * The org's activity rows, newest first, unfiltered; `before` is the last id of the previous page.
   * What a person sees goes through visibleActivity.
   */
  async activity(orgId: string, options: { limit?: number; before?: string; entity?: { type: string; id: string } } = {}): Promise<ActivityRow[]> {
    const { activity: a } = this.t
    const conds = [eq(a.orgId, orgId)]
    if (options.before) conds.push(lt(a.id, options.before))
    if (options.entity) conds.push(eq(a.entityType, options.entity.type), eq(a.entityId, options.entity.id))
    return this.db.select().from(a).where(and(...conds)).orderBy(desc(a.id)).limit(options.limit ?? 50)
  }

  /**
   * A page of the activity one viewer may see, newest first: `keep` filters a batch of rows (an
   * ActivityViewer's filter). Reads batches until the page is full, the feed ends or `scan` rows were
   * read; `next` (the `before` of the following page) is set while older rows may remain, so a page
   * of hidden rows never ends the feed early and never makes one request read the whole table.
   */
  async visibleActivity(
    orgId: string,
    keep: (rows: ActivityRow[]) => Promise<ActivityRow[]>,
    options: { limit?: number; before?: string; entity?: { type: string; id: string }; scan?: number } = {},
  ): Promise<{ rows: ActivityRow[]; next?: string }> {
    const limit = Math.max(1, options.limit ?? 50)
    const scan = options.scan ?? Math.max(limit * 10, 200)
    const out: ActivityRow[] = []
    let before = options.before
    let batch = limit + 1
    let scanned = 0
    for (;;) {
      const rows = await this.activity(orgId, { before, limit: batch, entity: options.entity })
      scanned += rows.length
      out.push(...(await keep(rows)))
      if (out.length > limit) return { rows: out.slice(0, limit), next: out[limit - 1]!.id }
      if (rows.length < batch) return { rows: out }
      before = rows.at(-1)!.id
      // Every row read after the last one kept was hidden: the next page starts after them.
      if (scanned >= scan) return { rows: out, next: before }
      batch = Math.min(batch * 2, 200)
    }
  }

  /** Distinct entities the org's activity mentions, newest first (the demo seed comments on them). */
  async recentEntities(orgId: string, types: string[], limit: number): Promise<EntityRef[]> {
    if (types.length === 0) return []
    const { activity: a } = this.t
    const rows = await this.db
      .select()
      .from(a)
      .where(and(eq(a.orgId, orgId), inArray(a.entityType, types)))
      .orderBy(desc(a.id))
      .limit(500)
    const seen = new Map<string, EntityRef>()
    for (const r of rows) {
      const key = `${r.entityType}:${r.entityId}`
      if (!seen.has(key)) seen.set(key, { type: r.entityType!, id: r.entityId!, title: r.entityTitle ?? r.entityId!, href: r.entityHref ?? undefined })
      if (seen.size >= limit) break
    }
    return [...seen.values()]
  }
}

function ref(row: CommentRow): CommentRef {
  return { id: row.id, orgId: row.orgId, entityType: row.entityType, entityId: row.entityId, parentId: row.parentId, authorId: row.authorId }
}

function fact(orgId: string, actor: Actor, entity: EntityRef, text: string): ActivityFact {
  return { orgId, actor: { id: actor.id, name: actor.name }, entity: { type: entity.type, id: entity.id, title: entity.title, href: entity.href }, text }
}
