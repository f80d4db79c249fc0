/** @module The collaboration plugin's events: facts about comments, with activity facts for feeds. */
import type { ActivityFact } from '../../core/plugins/points.ts'

/** What events say about a comment. */
export interface CommentRef {
  id: string
  orgId: string
  entityType: string
  entityId: string
  parentId: string | null
  authorId: string
}

declare module '../../core/bus.ts' {
  interface Events {
    /** A comment (or reply) was posted; `mentions` are the user ids it mentions. */
    'collaboration.comment.created': { comment: CommentRef; mentions: string[]; activity: ActivityFact }
    /** A comment's text was edited. */
    'collaboration.comment.updated': { comment: CommentRef; mentions: string[]; activity: ActivityFact }
    /** A comment was deleted (by its author or a moderator). */
    'collaboration.comment.deleted': { comment: CommentRef; activity: ActivityFact }
  }
}

export {}
