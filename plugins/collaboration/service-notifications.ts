/**
 * @module Notifications: per-user preferences, delivery to members who may see the entity, the unread
 * count cache, reading. Reading goes through a NotificationViewer every time: a notification shows
 * only while its user may still see its entity (checked at delivery too, but roles and entities change).
 */
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { DEFAULT_PREFERENCES, KINDS, pageVisible, uuid, type CollaborationDeps, type NotificationKind, type NotificationRow, type Preferences, type UnreadListener } from './service-core.ts'
import { NotificationMailer } from './service-email.ts'

/** Which notifications their user may see now (an ActivityViewer of theirs, see visibility.ts). */
export interface NotificationViewer {
  /** Names what the answers depend on (user, org, permissions): cached counts are kept per key. */
  readonly key: string
  seesNotification(row: Pick<NotificationRow, 'entityType' | 'entityId' | 'entityKnown'>): Promise<boolean>
}

/**
 * How long a cached unread count is trusted. Writes here forget it at once and a role change gives a
 * new viewer key; this bounds how long a change inside another plugin (an entity deleted, an event
 * made private) can leave the bell counting a notification the inbox no longer shows.
 */
const UNREAD_TTL_MS = 30_000

/** Notifications and preferences, for Collaboration. */
export class Notifications {
  /** Email copies of new notifications (a no-op while the platform sends no email). */
  readonly mailer: NotificationMailer

  constructor(
    private readonly deps: CollaborationDeps,
    private readonly onUnread: UnreadListener,
  ) {
    this.mailer = new NotificationMailer(deps.mail, deps.log)
  }

  /** A user's preferences (every kind on, no email, until they change them). */
  async preferences(userId: string): Promise<Preferences> {
    const [row] = await this.deps.db.select().from(this.deps.t.preferences).where(eq(this.deps.t.preferences.userId, userId))
    if (!row) return { ...DEFAULT_PREFERENCES }
    return { mentions: row.mentions, comments: row.comments, changes: row.changes, reminders: row.reminders, assignments: row.assignments, invitations: row.invitations, email: row.email }
  }

  /** Saves a user's preferences; without `email` the stored choice stays (the form hides it while mail is off). */
  async setPreferences(userId: string, prefs: Omit<Preferences, 'email'> & { email?: boolean }): Promise<void> {
    const { email, ...kinds } = prefs
    const values = { ...kinds, ...(email === undefined ? {} : { email }), updatedAt: new Date() }
    await this.deps.db
      .insert(this.deps.t.preferences)
      .values({ userId, ...DEFAULT_PREFERENCES, ...values })
      .onConflictDoUpdate({ target: this.deps.t.preferences.userId, set: values })
  }

  /**
   * Creates notifications for those of `userIds` who are members of the org and did not turn `kind`
   * off (and, when `entity` is given, may see it: `checked` says the caller kept only those already);
   * tells the live streams. Returns the ids notified. The entity is stored: reading checks it again.
   * Then, in the background, emails each of them who asked for email (members only: never a
   * disabled user, whom `members` leaves out).
   */
  async deliver(input: DeliverInput): Promise<string[]> {
    let wanted = [...new Set(input.userIds)]
    if (wanted.length === 0) return []
    if (input.entity && !input.checked) wanted = await this.deps.visible(input.orgId, input.entity, wanted)
    const members = new Map((await this.deps.people.members(input.orgId)).map((m) => [m.id, m]))
    const column = KINDS.find((k) => k.kind === input.kind)!.column
    const out: string[] = []
    const emailTo: string[] = []
    for (const userId of wanted) {
      const member = members.get(userId)
      if (!member) continue
      const prefs = await this.preferences(userId)
      if (!prefs[column]) continue
      out.push(userId)
      if (prefs.email && member.email) emailTo.push(member.email)
    }
    if (out.length === 0) return []
    const now = new Date()
    // a path on this platform only (not //host or /\host, which browsers read as another site)
    const href = input.href && input.href.startsWith('/') && !input.href.startsWith('//') && !input.href.startsWith('/\\') ? input.href : null
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
        entityType: input.entity?.type ?? null,
        entityId: input.entity ? String(input.entity.id) : null,
        entityKnown: true,
      })),
    )
    for (const userId of out) this.unreadChanged(userId, input.orgId)
    this.mailer.queue(emailTo, { title: input.title.slice(0, 300), text: input.text?.slice(0, 1000), href })
    return out
  }

  /**
   * Unread notifications of a user in an org that `viewer` (that user) may see now. The bell shows it
   * on every page, so it is cached per viewer key, forgotten whenever this service creates or reads a
   * notification (the only writers) and after UNREAD_TTL_MS. One grouped query, then one visibility
   * check per distinct entity (none for a type the viewer may not read), not one per notification.
   */
  async unreadCount(orgId: string, userId: string, viewer: NotificationViewer): Promise<number> {
    const key = `${orgId}:${userId}`
    const hit = this.unread.get(key)?.get(viewer.key)
    if (hit && Date.now() - hit.at < UNREAD_TTL_MS) return hit.count
    const { notifications: n } = this.deps.t
    const groups = await this.deps.db
      .select({ entityType: n.entityType, entityId: n.entityId, entityKnown: n.entityKnown, c: sql<number>`count(*)` })
      .from(n)
      .where(and(eq(n.orgId, orgId), eq(n.userId, userId), isNull(n.readAt)))
      .groupBy(n.entityType, n.entityId, n.entityKnown)
    const seen = await Promise.all(groups.map((g) => viewer.seesNotification(g)))
    const count = groups.reduce((sum, g, i) => sum + (seen[i] ? Number(g.c) : 0), 0)
    if (this.unread.size > 10_000) this.unread.clear()
    // per viewer key: a browser session and an API token of one user (other permissions) keep one each
    let byViewer = this.unread.get(key)
    if (!byViewer) this.unread.set(key, (byViewer = new Map()))
    if (byViewer.size >= 8) byViewer.clear()
    byViewer.set(viewer.key, { at: Date.now(), count })
    return count
  }

  /** `unreadCount` when a fresh one is cached for this viewer key, without waiting (the bell on every page); else undefined. */
  cachedUnreadCount(orgId: string, userId: string, viewerKey: string): number | undefined {
    const hit = this.unread.get(`${orgId}:${userId}`)?.get(viewerKey)
    return hit && Date.now() - hit.at < UNREAD_TTL_MS ? hit.count : undefined
  }

  /** `org:user` -> viewer key -> a cached count; a write forgets all of the user's. */
  private readonly unread = new Map<string, Map<string, { at: number; count: number }>>()

  private unreadChanged(userId: string, orgId: string): void {
    this.unread.delete(`${orgId}:${userId}`)
    this.onUnread(userId, orgId)
  }

  /** A user's notifications in an org, newest first, unfiltered; `before` is the last id of the previous page. */
  async notifications(orgId: string, userId: string, options: { before?: string; limit?: number; unreadOnly?: boolean } = {}): Promise<NotificationRow[]> {
    const { notifications: n } = this.deps.t
    const conds = [eq(n.orgId, orgId), eq(n.userId, userId)]
    if (options.before) conds.push(lt(n.id, options.before))
    if (options.unreadOnly) conds.push(isNull(n.readAt))
    return this.deps.db.select().from(n).where(and(...conds)).orderBy(desc(n.id)).limit(options.limit ?? 50)
  }

  /**
   * A page of the notifications `viewer` may see now, newest first. Reads batches until the page is
   * full, the list ends or `scan` rows were read; `next` (the `before` of the following page) is set
   * while older rows may remain, as for the activity feed.
   */
  async visibleNotifications(
    orgId: string,
    userId: string,
    viewer: NotificationViewer,
    options: { before?: string; limit?: number; unreadOnly?: boolean; scan?: number } = {},
  ): Promise<{ rows: NotificationRow[]; next?: string }> {
    const keep = async (rows: NotificationRow[]) => {
      const seen = await Promise.all(rows.map((r) => viewer.seesNotification(r)))
      return rows.filter((_, i) => seen[i])
    }
    return pageVisible((before, limit) => this.notifications(orgId, userId, { before, limit, unreadOnly: options.unreadOnly }), keep, options)
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

  /**
   * Marks read the user's unread notifications about one entity: they acted on it (answered the
   * invitation, moved the task, commented), so what those notifications asked for is seen, as GitHub
   * does for an issue you comment on. Returns how many.
   */
  async markEntityRead(orgId: string, userId: string, entity: { type: string; id: string }): Promise<number> {
    const { notifications: n } = this.deps.t
    const done = await this.deps.db
      .update(n)
      .set({ readAt: new Date() })
      .where(and(eq(n.userId, userId), eq(n.orgId, orgId), isNull(n.readAt), eq(n.entityType, entity.type), eq(n.entityId, entity.id)))
      .returning({ id: n.id })
    if (done.length) this.unreadChanged(userId, orgId)
    return done.length
  }

  async markAllRead(orgId: string, userId: string): Promise<void> {
    const { notifications: n } = this.deps.t
    await this.deps.db.update(n).set({ readAt: new Date() }).where(and(eq(n.orgId, orgId), eq(n.userId, userId), isNull(n.readAt)))
    this.unreadChanged(userId, orgId)
  }
}

/** What `deliver` takes. */
export interface DeliverInput {
  orgId: string
  userIds: string[]
  kind: NotificationKind
  title: string
  text?: string
  href?: string
  actorId?: string
  /** What it is about: only users who may see it are told, and it is stored so reading checks again. */
  entity?: { type: string; id: string }
  /** The caller already kept only the users who may see `entity` (no second check). */
  checked?: boolean
}
