/** @module Tables of the collaboration plugin: comments, reactions, watches, notifications, preferences, activity. */
import { defineSchema } from '../../core/store/facade.ts'

export const schema = defineSchema((t) => ({
  comments: t.table(
    'collaboration_comments',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      entityType: t.text('entity_type').notNull(),
      entityId: t.text('entity_id').notNull(),
      /** A reply's top-level comment (one level of nesting). */
      parentId: t.text('parent_id'),
      authorId: t.text('author_id').notNull(),
      /** Markdown source; mentions stored as `@[Name](user-id)`. */
      body: t.text('body').notNull(),
      /** User ids mentioned in `body`. */
      mentions: t.json<string[]>('mentions'),
      createdAt: t.time('created_at').notNull(),
      editedAt: t.time('edited_at'),
      /** Soft delete: a deleted comment with replies stays as a placeholder. */
      deletedAt: t.time('deleted_at'),
    },
    (c) => [t.index('collaboration_comments_entity').on(c.orgId, c.entityType, c.entityId, c.createdAt)],
  ),
  reactions: t.table(
    'collaboration_reactions',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      commentId: t.text('comment_id').notNull(),
      userId: t.text('user_id').notNull(),
      emoji: t.text('emoji').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (c) => [t.uniqueIndex('collaboration_reactions_once').on(c.commentId, c.userId, c.emoji)],
  ),
  watches: t.table(
    'collaboration_watches',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      userId: t.text('user_id').notNull(),
      entityType: t.text('entity_type').notNull(),
      entityId: t.text('entity_id').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (c) => [t.uniqueIndex('collaboration_watches_once').on(c.orgId, c.entityType, c.entityId, c.userId)],
  ),
  notifications: t.table(
    'collaboration_notifications',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      userId: t.text('user_id').notNull(),
      kind: t.text('kind').notNull(),
      title: t.text('title').notNull(),
      text: t.text('text'),
      href: t.text('href'),
      actorId: t.text('actor_id'),
      createdAt: t.time('created_at').notNull(),
      readAt: t.time('read_at'),
      /** What it is about (its reader must still see it through the type's entity.link); null when about nothing. */
      entityType: t.text('entity_type'),
      entityId: t.text('entity_id'),
      /**
       * Whether entity_type/entity_id say what it is about: true for every row written since they
       * exist; false for older rows, whose entity nobody recorded (shown to nobody: it cannot be checked).
       */
      entityKnown: t.bool('entity_known').notNull().default(false),
    },
    (c) => [t.index('collaboration_notifications_user').on(c.userId, c.orgId, c.readAt)],
  ),
  preferences: t.table('collaboration_preferences', {
    userId: t.text('user_id').primaryKey(),
    mentions: t.bool('mentions').notNull().default(true),
    comments: t.bool('comments').notNull().default(true),
    changes: t.bool('changes').notNull().default(true),
    reminders: t.bool('reminders').notNull().default(true),
    /** Someone else assigned them a task. */
    assignments: t.bool('assignments').notNull().default(true),
    /** Someone else invited them to a calendar event. */
    invitations: t.bool('invitations').notNull().default(true),
    /** Also email them each notification of the kinds above they have on (off until they turn it on). */
    email: t.bool('email').notNull().default(false),
    updatedAt: t.time('updated_at').notNull(),
  }),
  activity: t.table(
    'collaboration_activity',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      event: t.text('event').notNull(),
      actorId: t.text('actor_id').notNull(),
      actorName: t.text('actor_name').notNull(),
      entityType: t.text('entity_type'),
      entityId: t.text('entity_id'),
      entityTitle: t.text('entity_title'),
      entityHref: t.text('entity_href'),
      text: t.text('text').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (c) => [t.index('collaboration_activity_org').on(c.orgId, c.createdAt), t.index('collaboration_activity_entity').on(c.orgId, c.entityType, c.entityId)],
  ),
}))
