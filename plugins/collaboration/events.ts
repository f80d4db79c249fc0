/** @module The collaboration plugin's events: facts about comments, with activity facts for feeds. */
import type { Auth } from '../../core/auth/resolve.ts'
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

/** The services collaboration provides (`ctx.provide`), for consumers' `ctx.service<KnownServices[...]>`. */
declare module '../../core/plugins/points.ts' {
  interface KnownServices {
    /**
     * Renders the comment thread of an entity (safe HTML), with the comment form when allowed, and
     * under it the entity's Activity (folded). `{ activity: false }` leaves the Activity out, for a
     * page that shows the entity's history itself (planning's task History); the thread keeps that
     * choice when its forms swap it.
     */
    'collaboration.thread': { render(request: Request, auth: Auth, entity: { type: string; id: string }, options?: { activity?: boolean }): Promise<string> }
    /**
     * Notifications in people's inboxes. `kind` picks the preference that can mute it (collaboration
     * knows 'reminder', 'invitation', 'assignment'...; anything else counts as 'reminder'); with
     * `entity`, only people who may see it through its entity.link are told.
     */
    'collaboration.notify': {
      notify(input: { orgId: string; userIds: string[]; title: string; text?: string; href?: string; actorId?: string; kind?: string; entity?: { type: string; id: string } }): Promise<void>
    }
    /** The organization's latest activity that `viewer` may see (each row checked through its entity link). */
    'collaboration.activity': { recent(orgId: string, limit: number, viewer: Auth): Promise<{ at: Date; actorName: string; text: string; href?: string }[]> }
  }
}

export {}
