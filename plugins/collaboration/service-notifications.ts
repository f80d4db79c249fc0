/** @module Notifications: per-user preferences, delivery to members who may see the entity, the unread count cache, reading. */
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { ALL_ON, KINDS, uuid, type CollaborationDeps, type NotificationKind, type NotificationRow, type Preferences, type UnreadListener } from './service-core.ts'

/** Notifications and preferences, for Collaboration. */
export class Notifications {
  constructor(
    private readonly deps: CollaborationDeps,
    private readonly onUnread: UnreadListener,
  ) {}

  /** A user's preferences (all on until they change them). */
  async preferences(userId: string): Promise<Preferences> {
    const [row] = await this.deps.db.select().from(this.deps.t.preferences).where(eq(this.deps.t.preferences.userId, userId))
    if (!row) return { ...ALL_ON }
    return { mentions: row.mentions, comments: row.comments, changes: row.changes, reminders: row.reminders, assignments: row.assignments, invitations: row.invitations }
  }

  async setPreferences(userId: string, prefs: Preferences): Promise<void> {
    const values = { ...ALL_ON, ...prefs, updatedAt: new Date() }
    await this.deps.db
      .insert(this.deps.t.preferences)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: this.deps.t.preferences.userId, set: values })
  }

  /**
   * Creates notifications for those of `userIds` who are members of the org and did not turn `kind`
   * off (and, when `entity` is given, may see it); tells the live streams. Returns the ids notified.
   */
  async deliver(input: { orgId: string; userIds: string[]; kind: NotificationKind; title: string; text?: string; href?: string; actorId?: string; entity?: { type: string; id: string } }): Promise<string[]> {
    let wanted = [...new Set(input.userIds)]
    if (wanted.length === 0) return []
    if (input.entity) wanted = await this.deps.visible(input.orgId, input.entity, wanted)
    const members = new Set((await this.deps.people.members(input.orgId)).map((m) => m.id))
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
    await this.deps.db.insert(this.deps.t.notifications).values(
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
    const { notifications: n } = this.deps.t
    const [row] = await this.deps.db
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
    const { notifications: n } = this.deps.t
    const conds = [eq(n.orgId, orgId), eq(n.userId, userId)]
    if (options.before) conds.push(lt(n.id, options.before))
    if (options.unreadOnly) conds.push(isNull(n.readAt))
    return this.deps.db.select().from(n).where(and(...conds)).orderBy(desc(n.id)).limit(options.limit ?? 50)
  }

  /** Marks one of the user's notifications read; another user's or org's is 404. */
  async markRead(orgId: string, userId: string, notificationId: string): Promise<NotificationRow> {
    const { notifications: n } = this.deps.t
    const [row] = await this.deps.db.select().from(n).where(and(eq(n.id, notificationId), eq(n.orgId, orgId), eq(n.userId, userId)))
    if (!row) throw new InputError('That notification does not exist.', undefined, 404)
    if (!row.readAt) {
      await this.deps.db.update(n).set({ readAt: new Date() }).where(eq(n.id, row.id))
      this.unreadChanged(userId, orgId)
    }
    return row
  }

  async markAllRead(orgId: string, userId: string): Promise<void> {
    const { notifications: n } = this.deps.t
    await this.deps.db.update(n).set({ readAt: new Date() }).where(and(eq(n.orgId, orgId), eq(n.userId, userId), isNull(n.readAt)))
    this.unreadChanged(userId, orgId)
  }
}
