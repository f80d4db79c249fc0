/** @module Comments: threads with replies, edits, deletes, reactions and mentions, search and pages for the API. */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { ActivityFact } from '../../core/plugins/points.ts'
import type { CommentRef } from './events.ts'
import { editableText, hasMention, plainText, resolveMentions } from './markdown.ts'
import { MAX_BODY, REACTIONS, uuid, type Actor, type CollaborationDeps, type CommentRow, type EntityRef, type ThreadComment } from './service-core.ts'
import type { Notifications } from './service-notifications.ts'
import type { Watches } from './service-watches.ts'
import { containsPattern } from '../../core/store/like.ts'

/** Comments on entities, for Collaboration: the author watches, mentioned people and watchers are notified. */
export class Comments {
  constructor(
    private readonly deps: CollaborationDeps,
    private readonly watches: Watches,
    private readonly notices: Notifications,
  ) {}

  /**
   * The thread of an entity: top-level comments oldest first, each with its replies. The viewer's own
   * comments carry their edit text: mentions as `@email` when `viewerSeesEmails`, else as stored.
   */
  async thread(orgId: string, entityType: string, entityId: string, viewerId: string, viewerSeesEmails = true): Promise<ThreadComment[]> {
    const { comments, reactions } = this.deps.t
    const rows = await this.deps.db
      .select()
      .from(comments)
      .where(and(eq(comments.orgId, orgId), eq(comments.entityType, entityType), eq(comments.entityId, entityId)))
      .orderBy(asc(comments.createdAt), asc(comments.id))
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.id)
    const reacts = await this.deps.db.select().from(reactions).where(and(eq(reactions.orgId, orgId), inArray(reactions.commentId, ids)))
    // authors and those who reacted, in one lookup (a reaction's button names who reacted)
    const authors = new Map((await this.deps.people.byIds([...new Set([...rows.map((r) => r.authorId), ...reacts.map((r) => r.userId)])])).map((p) => [p.id, p.name]))
    // the viewer edits their own comments with mentions as `@email`, the way they typed them
    const own = rows.filter((r) => r.authorId === viewerId && !r.deletedAt)
    const members = own.some((r) => hasMention(r.body)) ? await this.deps.people.members(orgId) : []
    const editText = (body: string) => editableText(body, members, { emails: viewerSeesEmails })
    const build = (row: CommentRow): ThreadComment => {
      const mine = reacts.filter((r) => r.commentId === row.id)
      return {
        row,
        authorName: authors.get(row.authorId) ?? 'Former member',
        editBody: row.authorId === viewerId && !row.deletedAt ? editText(row.body) : undefined,
        reactions: REACTIONS.map((emoji) => {
          const of = mine.filter((r) => r.emoji === emoji).sort((a, b) => Number(b.userId === viewerId) - Number(a.userId === viewerId) || a.createdAt.getTime() - b.createdAt.getTime())
          return { emoji, count: of.length, mine: of.some((r) => r.userId === viewerId), names: of.map((r) => (r.userId === viewerId ? 'You' : (authors.get(r.userId) ?? 'Former member'))) }
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
    const { comments } = this.deps.t
    const [row] = await this.deps.db
      .select({ n: sql<number>`count(*)` })
      .from(comments)
      .where(and(eq(comments.orgId, orgId), eq(comments.entityType, entityType), eq(comments.entityId, entityId), isNull(comments.deletedAt)))
    return Number(row?.n ?? 0)
  }

  /** A live comment of `orgId`, or InputError 404. */
  async get(orgId: string, commentId: string): Promise<CommentRow> {
    const { comments } = this.deps.t
    const [row] = await this.deps.db
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
    return resolveMentions(text, await this.deps.people.members(orgId))
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
    await this.deps.db.insert(this.deps.t.comments).values(row)
    await this.watches.watch(orgId, actor.id, entity.type, entity.id)
    const href = entity.href ? `${entity.href}#comment-${row.id}` : undefined
    const snippet = plainText(body).slice(0, 200)
    const mentioned = await this.deps.visible(orgId, entity, mentions.filter((id) => id !== actor.id))
    await this.notices.deliver({ orgId, userIds: mentioned, kind: 'mention', title: `${actor.name} mentioned you on ${entity.title}`, text: snippet, href, actorId: actor.id, entity, checked: true })
    const watchers = await this.deps.visible(orgId, entity, (await this.watches.watchers(orgId, entity.type, entity.id)).filter((id) => id !== actor.id && !mentions.includes(id)))
    await this.notices.deliver({ orgId, userIds: watchers, kind: 'comment', title: `${actor.name} commented on ${entity.title}`, text: snippet, href, actorId: actor.id, entity, checked: true })
    this.deps.bus.emit('collaboration.comment.created', {
      comment: ref(row),
      mentions,
      activity: fact(orgId, actor, entity, parentId ? `replied on ${quoted(entity.title)}` : `commented on ${quoted(entity.title)}`),
    })
    return row
  }

  /** Edits one's own comment; newly mentioned people are notified. */
  async edit(input: { orgId: string; actor: Actor; commentId: string; body: string; entity: EntityRef }): Promise<CommentRow> {
    const current = await this.get(input.orgId, input.commentId)
    if (current.authorId !== input.actor.id) throw new InputError('Only its author can edit a comment.', undefined, 403)
    const { body, mentions } = await this.prepareBody(input.orgId, input.body)
    const editedAt = new Date()
    await this.deps.db.update(this.deps.t.comments).set({ body, mentions, editedAt }).where(eq(this.deps.t.comments.id, current.id))
    const added = await this.deps.visible(input.orgId, input.entity, mentions.filter((id) => id !== input.actor.id && !(current.mentions ?? []).includes(id)))
    const href = input.entity.href ? `${input.entity.href}#comment-${current.id}` : undefined
    await this.notices.deliver({ orgId: input.orgId, userIds: added, kind: 'mention', title: `${input.actor.name} mentioned you on ${input.entity.title}`, text: plainText(body).slice(0, 200), href, actorId: input.actor.id, entity: input.entity, checked: true })
    const row = { ...current, body, mentions, editedAt }
    this.deps.bus.emit('collaboration.comment.updated', { comment: ref(row), mentions, activity: fact(input.orgId, input.actor, input.entity, `edited a comment on ${quoted(input.entity.title)}`) })
    return row
  }

  /** Deletes a comment: its author, or a moderator (`moderator`), may. Replies of a deleted comment stay. */
  async remove(input: { orgId: string; actor: Actor; commentId: string; moderator: boolean; entity: EntityRef }): Promise<CommentRow> {
    const current = await this.get(input.orgId, input.commentId)
    if (current.authorId !== input.actor.id && !input.moderator) throw new InputError('Only its author or an admin can delete a comment.', undefined, 403)
    await this.deps.db.update(this.deps.t.comments).set({ deletedAt: new Date() }).where(eq(this.deps.t.comments.id, current.id))
    this.deps.bus.emit('collaboration.comment.deleted', { comment: ref(current), activity: fact(input.orgId, input.actor, input.entity, `deleted a comment on ${quoted(input.entity.title)}`) })
    return current
  }

  /** Adds the reaction, or takes it back when the user already gave it. Returns whether it is on now. */
  async toggleReaction(orgId: string, userId: string, commentId: string, emoji: string): Promise<boolean> {
    if (!(REACTIONS as readonly string[]).includes(emoji)) throw new InputError('Pick one of the offered reactions.', 'emoji', 422)
    await this.get(orgId, commentId)
    const { reactions } = this.deps.t
    const where = and(eq(reactions.commentId, commentId), eq(reactions.userId, userId), eq(reactions.emoji, emoji))
    const [existing] = await this.deps.db.select().from(reactions).where(where)
    if (existing) {
      await this.deps.db.delete(reactions).where(eq(reactions.id, existing.id))
      return false
    }
    await this.deps.db.insert(reactions).values({ id: uuid(), orgId, commentId, userId, emoji, createdAt: new Date() }).onConflictDoNothing()
    return true
  }

  /** Comments of the org whose text contains `query` (case-insensitive), newest first. */
  async search(orgId: string, query: string, limit = 20): Promise<CommentRow[]> {
    const { comments } = this.deps.t
    const pattern = containsPattern(query)
    return this.deps.db
      .select()
      .from(comments)
      .where(and(eq(comments.orgId, orgId), isNull(comments.deletedAt), sql`lower(${comments.body}) like ${pattern} escape '\\'`))
      .orderBy(desc(comments.createdAt))
      .limit(limit)
  }

  /** A page of an entity's live comments, oldest first (JSON API). */
  async page(orgId: string, entityType: string, entityId: string, cursor: string | undefined, limit: number): Promise<CommentRow[]> {
    const { comments } = this.deps.t
    const conds = [eq(comments.orgId, orgId), eq(comments.entityType, entityType), eq(comments.entityId, entityId), isNull(comments.deletedAt)]
    if (cursor) conds.push(sql`${comments.id} > ${cursor}`)
    return this.deps.db.select().from(comments).where(and(...conds)).orderBy(asc(comments.id)).limit(limit)
  }
}

function ref(row: CommentRow): CommentRef {
  return { id: row.id, orgId: row.orgId, entityType: row.entityType, entityId: row.entityId, parentId: row.parentId, authorId: row.authorId }
}

/** A title in an activity line, in curly quotes as the calendar's lines have it (views write them as entities). */
function quoted(title: string): string {
  return `“${title}”`
}

function fact(orgId: string, actor: Actor, entity: EntityRef, text: string): ActivityFact {
  return { orgId, actor: { id: actor.id, name: actor.name }, entity: { type: entity.type, id: entity.id, title: entity.title, href: entity.href }, text }
}
