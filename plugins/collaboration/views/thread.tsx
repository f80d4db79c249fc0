/** @module The comment thread of an entity: comments, replies, reactions, the composer, watch button, activity. */
import { escapeHtml } from '@kitajs/html'
import { CsrfField, formatDate } from '../../../views/components.tsx'
import { safeIcon } from '../../../views/icons.ts'
import { renderComment } from '../markdown.ts'
import { MAX_BODY, REACTIONS, type ActivityRow, type EntityRef, type ThreadComment } from '../service.ts'

/** Escapes `text` and writes each character beyond Latin-1 as a numeric entity (the page stays a one-byte string). */
function safeLatin1(text: string): string {
  return escapeHtml(text).replace(/[^\x00-\xff]/gu, (c) => `&#${c.codePointAt(0)};`)
}

/** A task key in text ("API-8"; a project key has a letter), not inside a longer word. */
const TASK_KEY = /\b(?=[0-9]*[A-Z])[A-Z0-9]{2,6}-\d+\b/g

/**
 * `text` escaped for a line of activity or a notification title: task keys in a `task-key` span that
 * never breaks, characters beyond Latin-1 (a title's emoji, an invitation's curly quotes) as entities.
 */
export function safeKeys(text: string): string {
  return safeLatin1(text).replace(TASK_KEY, '<span class="task-key">$&</span>')
}

/** The reaction picker's buttons, built once. */
const SAFE_REACTION_OPTIONS = REACTIONS.map((emoji) => `<button type="submit" name="emoji" value="${safeLatin1(emoji)}" class="collab-reaction-option">${safeLatin1(emoji)}</button>`).join('')

/** What the viewer may do in a thread. */
export interface ThreadViewer {
  id: string
  csrf: string | undefined
  canWrite: boolean
  canModerate: boolean
  /**
   * The consumer shows the entity's history itself (planning's task History): no Activity block
   * under the thread, and every form of the thread says so (hidden `activity=off`), so the thread
   * swapped back in after a post stays without it.
   */
  noActivity?: boolean
}

/** The hidden fields every thread form carries: the CSRF token and, when off, `activity=off`. */
function ThreadFields(props: { viewer: ThreadViewer }) {
  return (
    <>
      <CsrfField token={props.viewer.csrf} />
      {props.viewer.noActivity ? <input type="hidden" name="activity" value="off" /> : ''}
    </>
  )
}

/** A form to show again with the user's text and the error (422). */
export interface KeptForm {
  /** 'new', 'reply:<commentId>' or 'edit:<commentId>'. */
  key: string
  body: string
  error: string
}

export interface ThreadProps {
  entity: EntityRef
  comments: ThreadComment[]
  viewer: ThreadViewer
  watching: boolean
  activity: ActivityRow[]
  kept?: KeptForm
  notice?: string
}

const HX = { 'hx-target': 'closest .collab-thread', 'hx-swap': 'outerHTML' }

/** The element id of an entity's thread. */
export function threadId(entity: { type: string; id: string }): string {
  return `thread-${entity.type.replace(/[^\w-]/g, '-')}-${entity.id.replace(/[^\w-]/g, '-')}`
}

/** The whole thread (the htmx swap unit). */
export function Thread(props: ThreadProps) {
  const { entity, comments, viewer } = props
  const total = comments.reduce((n, c) => n + (c.row.deletedAt ? 0 : 1) + c.replies.length, 0)
  return (
    <section class="collab-thread" id={threadId(entity)} aria-label="Comments">
      <header class="collab-thread-head">
        <h2>
          {safeIcon('message-square')} Comments <span class="muted">{total}</span>
        </h2>
        <form method="post" action="/collaboration/watch" hx-post="/collaboration/watch" {...HX} class="inline-form">
          <ThreadFields viewer={viewer} />
          <input type="hidden" name="entity_type" value={entity.type} />
          <input type="hidden" name="entity_id" value={entity.id} />
          <input type="hidden" name="watch" value={props.watching ? '0' : '1'} />
          <button type="submit" class="secondary outline collab-watch" aria-pressed={props.watching ? 'true' : 'false'}>
            {safeIcon('bell')} {props.watching ? 'Unwatch' : 'Watch'}
          </button>
        </form>
      </header>
      {props.notice ? (
        <p class="form-error" role="alert" safe>
          {props.notice}
        </p>
      ) : (
        ''
      )}
      {comments.length === 0 ? (
        <p class="muted collab-empty">No comments yet.{viewer.canWrite ? ' Start the conversation below.' : ''}</p>
      ) : (
        <ol class="collab-comments">
          {comments.map((c) => (
            <CommentItem comment={c} entity={entity} viewer={viewer} kept={props.kept} topLevel />
          ))}
        </ol>
      )}
      {viewer.canWrite ? (
        <Composer entity={entity} viewer={viewer} keyName="new" kept={props.kept} label="Add a comment" />
      ) : (
        <p class="muted">You can read the comments here but not write.</p>
      )}
      {viewer.noActivity ? '' : <EntityActivity rows={props.activity} />}
    </section>
  )
}

function CommentItem(props: { comment: ThreadComment; entity: EntityRef; viewer: ThreadViewer; kept?: KeptForm; topLevel: boolean }) {
  const { comment, viewer, kept } = props
  const row = comment.row
  if (row.deletedAt) {
    return (
      <li class="collab-comment collab-deleted" id={`comment-${row.id}`}>
        <p class="muted">This comment was deleted.</p>
        {comment.replies.length ? (
          <ol class="collab-replies">
            {comment.replies.map((r) => (
              <CommentItem comment={r} entity={props.entity} viewer={viewer} kept={kept} topLevel={false} />
            ))}
          </ol>
        ) : (
          ''
        )}
      </li>
    )
  }
  const mine = row.authorId === viewer.id
  const safeBody = renderComment(row.body)
  const editKey = `edit:${row.id}`
  const replyKey = `reply:${row.id}`
  return (
    <li class="collab-comment" id={`comment-${row.id}`}>
      <div class="collab-meta">
        <strong safe>{comment.authorName}</strong>
        <time datetime={row.createdAt.toISOString()} class="muted" safe>
          {formatDate(row.createdAt)}
        </time>
        {row.editedAt ? (
          <time class="muted collab-edited" datetime={row.editedAt.toISOString()} title={`Edited ${formatDate(row.editedAt)}`}>
            (edited)
          </time>
        ) : (
          ''
        )}
      </div>
      <div class="collab-body">{safeBody}</div>
      <Reactions comment={comment} viewer={viewer} />
      <div class="collab-actions">
        {props.topLevel && viewer.canWrite ? (
          <details class="collab-reply" open={kept?.key === replyKey}>
            <summary>Reply</summary>
            <Composer entity={props.entity} viewer={viewer} keyName={replyKey} parentId={row.id} kept={kept} label="Reply" />
          </details>
        ) : (
          ''
        )}
        {mine && viewer.canWrite ? (
          <details class="collab-edit" open={kept?.key === editKey}>
            <summary>Edit</summary>
            <form method="post" action={`/collaboration/comments/${row.id}/edit`} hx-post={`/collaboration/comments/${row.id}/edit`} {...HX}>
              <ThreadFields viewer={viewer} />
              <BodyField value={kept?.key === editKey ? kept.body : (comment.editBody ?? row.body)} error={kept?.key === editKey ? kept.error : undefined} id={`edit-${row.id}`} label="Edit comment" />
              <button type="submit">Save</button>
            </form>
          </details>
        ) : (
          ''
        )}
        {(mine && viewer.canWrite) || viewer.canModerate ? (
          <form method="post" action={`/collaboration/comments/${row.id}/delete`} hx-post={`/collaboration/comments/${row.id}/delete`} {...HX} class="inline-form">
            <ThreadFields viewer={viewer} />
            <button type="submit" class="link-button collab-delete" data-confirm="Delete this comment?">
              Delete
            </button>
          </form>
        ) : (
          ''
        )}
      </div>
      {comment.replies.length ? (
        <ol class="collab-replies">
          {comment.replies.map((r) => (
            <CommentItem comment={r} entity={props.entity} viewer={viewer} kept={kept} topLevel={false} />
          ))}
        </ol>
      ) : (
        ''
      )}
    </li>
  )
}

/** Who reacted, for a reaction's tooltip and label: "You, Ana and Bo", past five names "... and 3 more". */
export function reactedBy(names: string[], count: number, shown = 5): string {
  const first = names.slice(0, shown)
  const more = Math.max(count, names.length) - first.length
  if (more > 0) return `${first.join(', ')} and ${more} more`
  return first.length > 1 ? `${first.slice(0, -1).join(', ')} and ${first.at(-1)}` : (first[0] ?? '')
}

function Reactions(props: { comment: ThreadComment; viewer: ThreadViewer }) {
  const { comment, viewer } = props
  const used = comment.reactions.filter((r) => r.count > 0)
  if (!viewer.canWrite && used.length === 0) return ''
  const action = `/collaboration/comments/${comment.row.id}/react`
  return (
    <form method="post" action={action} hx-post={action} {...HX} class="collab-reactions">
      <ThreadFields viewer={viewer} />
      {/* emoji as numeric entities: one character beyond Latin-1 makes the whole page a two-byte string */}
      {used.map((r) => {
        const attrs = `name="emoji" value="${safeLatin1(r.emoji)}" class="collab-reaction${r.mine ? ' mine' : ''}" aria-pressed="${r.mine ? 'true' : 'false'}"${viewer.canWrite ? '' : ' disabled'}`
        const who = reactedBy(r.names, r.count)
        const safeButton = `<button type="submit" ${attrs} title="${safeLatin1(who)}" aria-label="${safeLatin1(`${r.emoji} ${r.count}: ${who}`)}"><span>${safeLatin1(r.emoji)}</span> <span>${r.count}</span></button>`
        return safeButton as 'safe'
      })}
      {viewer.canWrite ? (
        <details class="collab-react-picker">
          <summary aria-label="Add a reaction">{'+&#9786;'}</summary>
          {SAFE_REACTION_OPTIONS as 'safe'}
        </details>
      ) : (
        ''
      )}
    </form>
  )
}

function BodyField(props: { value: string; error?: string; id: string; label: string }) {
  return (
    <label for={props.id} class="collab-body-field">
      <span class="visually-hidden" safe>
        {props.label}
      </span>
      <div class="collab-mention-wrap">
        <textarea
          id={props.id}
          name="body"
          rows="3"
          maxlength={MAX_BODY}
          placeholder="Write in Markdown; type @ to mention someone"
          data-mentions="/collaboration/mentions"
          // a combobox while typing @: live.js opens the list, moves aria-activedescendant and aria-expanded
          role="combobox"
          aria-autocomplete="list"
          aria-expanded="false"
          aria-controls={`${props.id}-mentions`}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? `${props.id}-error` : undefined}
          safe
        >
          {props.value}
        </textarea>
        <div class="collab-mention-list" id={`${props.id}-mentions`} hidden></div>
      </div>
      {props.error ? (
        <small id={`${props.id}-error`} class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </label>
  )
}

function Composer(props: { entity: EntityRef; viewer: ThreadViewer; keyName: string; parentId?: string; kept?: KeptForm; label: string }) {
  const kept = props.kept?.key === props.keyName ? props.kept : undefined
  const id = props.parentId ? `reply-${props.parentId}` : `new-${threadId(props.entity)}`
  return (
    <form method="post" action="/collaboration/comments" hx-post="/collaboration/comments" {...HX} class="collab-composer">
      <ThreadFields viewer={props.viewer} />
      <input type="hidden" name="entity_type" value={props.entity.type} />
      <input type="hidden" name="entity_id" value={props.entity.id} />
      {props.parentId ? <input type="hidden" name="parent_id" value={props.parentId} /> : ''}
      <BodyField value={kept?.body ?? ''} error={kept?.error} id={id} label={props.label} />
      <button type="submit">
        {props.parentId ? 'Reply' : 'Comment'}
      </button>
    </form>
  )
}

/** The entity's activity, under the thread. */
function EntityActivity(props: { rows: ActivityRow[] }) {
  if (props.rows.length === 0) return ''
  return (
    <details class="collab-entity-activity">
      <summary>
        {safeIcon('activity')} Activity ({props.rows.length})
      </summary>
      <ActivityList rows={props.rows} />
    </details>
  )
}

/**
 * A list of activity rows ("Ana moved WEB-42 to Done"). `navigable` marks it for the shell's j/k list
 * navigation (`data-rows` / `data-row`, public/app.js): the rows with a link (j/k focus it, Enter opens
 * it); a row with nothing to focus would stop j there.
 */
export function ActivityList(props: { rows: ActivityRow[]; withLinks?: boolean; navigable?: boolean }) {
  return (
    <ol class="collab-activity" data-rows={props.navigable}>
      {props.rows.map((r) => {
        const href = props.withLinks && r.entityHref && r.entityHref.startsWith('/') ? r.entityHref : undefined
        // most texts name their entity already ("replied on OPS-1 Nightly backups"): the text is the
        // link then, instead of the same title again after it
        const named = href !== undefined && !!r.entityTitle && r.text.includes(r.entityTitle)
        return (
          <li data-row={props.navigable && href !== undefined}>
            <strong safe>{r.actorName}</strong>{' '}
            {named ? <a href={href}>{safeKeys(r.text)}</a> : <span>{safeKeys(r.text)}</span>}
            {href !== undefined && !named ? (
              <>
                {' · '}
                <a href={href}>{safeKeys(r.entityTitle ?? 'open')}</a>
              </>
            ) : (
              ''
            )}{' '}
            <time class="muted" datetime={r.createdAt.toISOString()} safe>
              {formatDate(r.createdAt)}
            </time>
          </li>
        )
      })}
    </ol>
  )
}
