/**
 * @module Collaboration's domain logic: comments (threads, edits, deletes, reactions, mentions),
 * watches, notifications (with per-user preferences) and activity. No Request, no JSX: routes, the
 * thread service, the API and the demo seed all call this, so checks and events happen once.
 * Collaboration delegates each noun to its part: service-comments.ts, service-watches.ts,
 * service-notifications.ts, service-activity.ts.
 */
import type { BusScope } from '../../core/bus.ts'
import type { People, PluginMail } from '../../core/plugins/contract.ts'
import type { Logger } from '../../core/log.ts'
import type { ActivityFact } from '../../core/plugins/points.ts'
import type { Db } from '../../core/store/connect.ts'
import { ActivityLog } from './service-activity.ts'
import { Comments } from './service-comments.ts'
import type { ActivityRow, Actor, CommentRow, EntityRef, NotificationKind, NotificationRow, Preferences, Tables, ThreadComment, UnreadListener } from './service-core.ts'
import { Notifications, type DeliverInput, type NotificationViewer } from './service-notifications.ts'
import { Watches } from './service-watches.ts'
import './events.ts'

export { KINDS, MAX_BODY, REACTIONS } from './service-core.ts'
export type { ActivityRow, Actor, CommentRow, EntityRef, NotificationKind, NotificationRow, Preferences, Tables, ThreadComment, UnreadListener } from './service-core.ts'

/** Comments, watches, notifications and activity of organizations. */
export class Collaboration {
  private readonly comments: Comments
  private readonly watches: Watches
  private readonly notices: Notifications
  private readonly log: ActivityLog

  constructor(
    db: Db,
    t: Tables,
    bus: BusScope,
    people: People,
    onUnread: UnreadListener = () => {},
    /** Whether a user may see an entity; people who may not are never told about it. */
    private readonly canSee: (orgId: string, entity: { type: string; id: string }, userId: string) => Promise<boolean> = async () => true,
    /** `ctx.mail` (email copies of notifications, for users who ask) and a logger for their failures. */
    extras: { mail?: PluginMail; log?: Logger } = {},
  ) {
    const deps = { db, t, bus, people, ...extras, visible: (orgId: string, entity: { type: string; id: string }, ids: string[]) => this.visible(orgId, entity, ids) }
    this.watches = new Watches(deps)
    this.notices = new Notifications(deps, onUnread)
    this.comments = new Comments(deps, this.watches, this.notices)
    this.log = new ActivityLog(deps, this.watches, this.notices)
  }

  /** The users among `ids` who may see the entity. */
  private async visible(orgId: string, entity: { type: string; id: string }, ids: string[]): Promise<string[]> {
    const out: string[] = []
    for (const id of ids) if (await this.canSee(orgId, entity, id)) out.push(id)
    return out
  }

  // ---- comments ------------------------------------------------------------------------------

  /**
   * The thread of an entity: top-level comments oldest first, each with its replies. `viewerSeesEmails`:
   * whether the viewer may see members' addresses (their edit boxes show mentions as `@email` then).
   */
  thread(orgId: string, entityType: string, entityId: string, viewerId: string, viewerSeesEmails = true): Promise<ThreadComment[]> {
    return this.comments.thread(orgId, entityType, entityId, viewerId, viewerSeesEmails)
  }

  /** Number of live comments on an entity. */
  count(orgId: string, entityType: string, entityId: string): Promise<number> {
    return this.comments.count(orgId, entityType, entityId)
  }

  /** A live comment of `orgId`, or InputError 404. */
  get(orgId: string, commentId: string): Promise<CommentRow> {
    return this.comments.get(orgId, commentId)
  }

  /** Posts a comment (or a reply to a top-level comment). The author starts watching the entity. */
  create(input: { orgId: string; actor: Actor; entity: EntityRef; body: string; parentId?: string }): Promise<CommentRow> {
    return this.comments.create(input)
  }

  /** Edits one's own comment; newly mentioned people are notified. */
  edit(input: { orgId: string; actor: Actor; commentId: string; body: string; entity: EntityRef }): Promise<CommentRow> {
    return this.comments.edit(input)
  }

  /** Deletes a comment: its author, or a moderator (`moderator`), may. Replies of a deleted comment stay. */
  remove(input: { orgId: string; actor: Actor; commentId: string; moderator: boolean; entity: EntityRef }): Promise<CommentRow> {
    return this.comments.remove(input)
  }

  /** Adds the reaction, or takes it back when the user already gave it. Returns whether it is on now. */
  toggleReaction(orgId: string, userId: string, commentId: string, emoji: string): Promise<boolean> {
    return this.comments.toggleReaction(orgId, userId, commentId, emoji)
  }

  /** Comments of the org whose text contains `query` (case-insensitive), newest first. */
  search(orgId: string, query: string, limit = 20): Promise<CommentRow[]> {
    return this.comments.search(orgId, query, limit)
  }

  /** A page of an entity's live comments, oldest first (JSON API). */
  page(orgId: string, entityType: string, entityId: string, cursor: string | undefined, limit: number): Promise<CommentRow[]> {
    return this.comments.page(orgId, entityType, entityId, cursor, limit)
  }

  // ---- watches -------------------------------------------------------------------------------

  /** The user watches the entity (again: no change). */
  watch(orgId: string, userId: string, entityType: string, entityId: string): Promise<void> {
    return this.watches.watch(orgId, userId, entityType, entityId)
  }

  /** The user stops watching the entity. */
  unwatch(orgId: string, userId: string, entityType: string, entityId: string): Promise<void> {
    return this.watches.unwatch(orgId, userId, entityType, entityId)
  }

  /** Whether the user watches the entity. */
  isWatching(orgId: string, userId: string, entityType: string, entityId: string): Promise<boolean> {
    return this.watches.isWatching(orgId, userId, entityType, entityId)
  }

  /** The ids of the entity's watchers. */
  watchers(orgId: string, entityType: string, entityId: string): Promise<string[]> {
    return this.watches.watchers(orgId, entityType, entityId)
  }

  // ---- notifications -------------------------------------------------------------------------

  /** A user's preferences (every kind on, no email, until they change them). */
  preferences(userId: string): Promise<Preferences> {
    return this.notices.preferences(userId)
  }

  /** Saves a user's preferences; without `email` the stored choice stays. */
  setPreferences(userId: string, prefs: Omit<Preferences, 'email'> & { email?: boolean }): Promise<void> {
    return this.notices.setPreferences(userId, prefs)
  }

  /** Whether notifications can also go out by email (the platform sends email). */
  get emailEnabled(): boolean {
    return this.notices.mailer.enabled
  }

  /** Resolves once the notification emails queued so far were sent or failed (tests, operators). */
  emailIdle(): Promise<void> {
    return this.notices.mailer.idle()
  }

  /**
   * Creates notifications for those of `userIds` who are members of the org and did not turn `kind`
   * off (and, when `entity` is given, may see it); tells the live streams. Returns the ids notified.
   */
  deliver(input: DeliverInput): Promise<string[]> {
    return this.notices.deliver(input)
  }

  /** Unread notifications of a user in an org that `viewer` (that user) may see now (cached per viewer key, briefly). */
  unreadCount(orgId: string, userId: string, viewer: NotificationViewer): Promise<number> {
    return this.notices.unreadCount(orgId, userId, viewer)
  }

  /** `unreadCount` when a fresh one is cached for this viewer key, without waiting (the bell on every page); else undefined. */
  cachedUnreadCount(orgId: string, userId: string, viewerKey: string): number | undefined {
    return this.notices.cachedUnreadCount(orgId, userId, viewerKey)
  }

  /** A user's notifications in an org, newest first, unfiltered; what they see goes through visibleNotifications. */
  notifications(orgId: string, userId: string, options: { before?: string; limit?: number; unreadOnly?: boolean } = {}): Promise<NotificationRow[]> {
    return this.notices.notifications(orgId, userId, options)
  }

  /** A page of the notifications `viewer` (their user) may see now, newest first; see Notifications. */
  visibleNotifications(orgId: string, userId: string, viewer: NotificationViewer, options: { before?: string; limit?: number; unreadOnly?: boolean } = {}): Promise<{ rows: NotificationRow[]; next?: string }> {
    return this.notices.visibleNotifications(orgId, userId, viewer, options)
  }

  /** Marks one of the user's notifications read; another user's or org's is 404. */
  markRead(orgId: string, userId: string, notificationId: string): Promise<NotificationRow> {
    return this.notices.markRead(orgId, userId, notificationId)
  }

  /** Marks all the user's notifications in the org read. */
  markAllRead(orgId: string, userId: string): Promise<void> {
    return this.notices.markAllRead(orgId, userId)
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
    const sent = await this.deliver({ orgId, userIds: [assigneeId], kind: 'assignment', title: `${actor.name} assigned you ${entity.title}`, href: entity.href, actorId: actor.id, entity, checked: true })
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
  record(event: string, activity: ActivityFact, quiet: string[] = []): Promise<void> {
    return this.log.record(event, activity, quiet)
  }

  /** The org's activity rows, newest first, unfiltered; what a person sees goes through visibleActivity. */
  activity(orgId: string, options: { limit?: number; before?: string; entity?: { type: string; id: string } } = {}): Promise<ActivityRow[]> {
    return this.log.activity(orgId, options)
  }

  /** A page of the activity one viewer may see, newest first (`keep` filters each batch read); see ActivityLog. */
  visibleActivity(
    orgId: string,
    keep: (rows: ActivityRow[]) => Promise<ActivityRow[]>,
    options: { limit?: number; before?: string; entity?: { type: string; id: string }; scan?: number } = {},
  ): Promise<{ rows: ActivityRow[]; next?: string }> {
    return this.log.visibleActivity(orgId, keep, options)
  }

  /** Distinct entities the org's activity mentions, newest first (the demo seed comments on them). */
  recentEntities(orgId: string, types: string[], limit: number): Promise<EntityRef[]> {
    return this.log.recentEntities(orgId, types, limit)
  }
}
