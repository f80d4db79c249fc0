/**
 * @module What Collaboration and its parts (service-*.ts) share: row types, reactions, notification
 * kinds and preferences, the entity and comment shapes, and the dependencies each part gets.
 */
import type { BusScope } from '../../core/bus.ts'
import type { Logger } from '../../core/log.ts'
import type { People, PluginMail } from '../../core/plugins/contract.ts'
import type { Db } from '../../core/store/connect.ts'
import type { schema } from './schema.ts'

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
export const KINDS: { kind: NotificationKind; column: KindColumn; label: string; hint: string }[] = [
  { kind: 'mention', column: 'mentions', label: 'Mentions', hint: 'Someone mentions you with @' },
  { kind: 'assignment', column: 'assignments', label: 'Assignments', hint: 'Someone assigns a task to you' },
  { kind: 'invitation', column: 'invitations', label: 'Invitations', hint: 'Someone adds you to a calendar event' },
  { kind: 'comment', column: 'comments', label: 'Comments', hint: 'New comments on things you watch' },
  { kind: 'change', column: 'changes', label: 'Changes', hint: 'Changes to things you watch' },
  { kind: 'reminder', column: 'reminders', label: 'Reminders', hint: 'Reminders of calendar events you created or attend' },
]

/** A user's notification settings: one switch per kind, and whether those also come by email. */
export interface Preferences {
  mentions: boolean
  comments: boolean
  changes: boolean
  reminders: boolean
  assignments: boolean
  invitations: boolean
  /** Email each notification too (only while the platform sends email). */
  email: boolean
}

/** The preference that turns a kind on or off. */
export type KindColumn = Exclude<keyof Preferences, 'email'>

/**
 * What a user gets until they change their preferences: every kind in the inbox, no email (an
 * upgrade or a newly configured SMTP server sends nobody mail they did not ask for).
 */
export const DEFAULT_PREFERENCES: Preferences = { mentions: true, comments: true, changes: true, reminders: true, assignments: true, invitations: true, email: false }

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
  /** The viewer's own comment as its edit box shows it (stored mentions as `@email`); else absent. */
  editBody?: string
  /** Each offered reaction: how many, whether the viewer's, and who reacted: the viewer first (as "You"), then oldest first. */
  reactions: { emoji: string; count: number; mine: boolean; names: string[] }[]
  replies: ThreadComment[]
}

/** Called when a user's unread count in an org may have changed. */
export type UnreadListener = (userId: string, orgId: string) => void

/** Fresh text id. */
export const uuid = () => Bun.randomUUIDv7()

/** What Collaboration hands each of its parts. */
export interface CollaborationDeps {
  db: Db
  t: Tables
  bus: BusScope
  people: People
  /** Outgoing email, undefined while the platform sends none. */
  mail?: PluginMail
  log?: Logger
  /** The users among `ids` who may see the entity. */
  visible(orgId: string, entity: { type: string; id: string }, ids: string[]): Promise<string[]>
}

/**
 * One page of rows a viewer may see, newest first, from a list read in batches (`read(before, n)`:
 * the next `n` rows older than `before`) and filtered by `keep`. Reads until the page is full, the
 * list ends or `scan` rows were read; `next` (the `before` of the following page) is set while older
 * rows may remain, so a run of hidden rows never ends the list early and never makes one request
 * read the whole table. The activity feed and the inbox page with it.
 */
export async function pageVisible<T extends { id: string }>(
  read: (before: string | undefined, limit: number) => Promise<T[]>,
  keep: (rows: T[]) => Promise<T[]>,
  options: { limit?: number; before?: string; scan?: number },
): Promise<{ rows: T[]; next?: string }> {
  const limit = Math.max(1, options.limit ?? 50)
  const scan = options.scan ?? Math.max(limit * 10, 200)
  const out: T[] = []
  let before = options.before
  let batch = limit + 1
  let scanned = 0
  for (;;) {
    const rows = await read(before, batch)
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
