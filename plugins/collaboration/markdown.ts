/**
 * @module Comment text: markdown rendered safe by core/markdown.ts (marked + sanitize-html, shared
 * with task descriptions), and mentions. A mention is stored in the text as `@[Name](user-id)`. What
 * people type and see in the composer is `@email` (the autocomplete inserts the member's address,
 * the edit box shows stored mentions that way, `editableText`); at save time an `@email` of an org
 * member is rewritten to the stored form. Only members of the organization count; anything else stays
 * plain text.
 */
import { renderMarkdown } from '../../core/markdown.ts'

/** `@[Name](id)`: a stored mention. */
export const MENTION = /@\[([^\]\n]{1,100})\]\(([\w-]{1,64})\)/g
/** `@someone@example.com`: resolved to a mention at save time. */
const EMAIL_MENTION = /(^|[\s(])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g
/** An address `EMAIL_MENTION` takes whole (live.js checks the same before it inserts `@email`). */
const MENTIONABLE_EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/**
 * Safe HTML of a comment's markdown (core/markdown.ts); mentions become `<span class="mention"
 * data-user-id>@Name</span>`, which core's allow-list keeps.
 */
export function renderComment(source: string): string {
  return renderMarkdown(source.replace(MENTION, (_m, name: string, id: string) => `<span class="mention" data-user-id="${escapeHtml(id)}">@${escapeHtml(name)}</span>`))
}

/** Plain text of a comment (search snippets, notification text): mentions as @Name, markdown marks left. */
export function plainText(source: string): string {
  return source.replace(MENTION, (_m, name: string) => `@${name}`).replace(/\s+/g, ' ').trim()
}

/**
 * Normalizes mentions against the organization's members: `@[Name](id)` of a member keeps its id
 * (the name becomes the member's current name), `@email` of a member becomes `@[Name](id)`, other
 * mention syntax is left as it was typed. Returns the text to store and the mentioned ids.
 */
export function resolveMentions(source: string, members: { id: string; name: string; email: string }[]): { body: string; mentions: string[] } {
  const byId = new Map(members.map((m) => [m.id, m]))
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m]))
  const ids = new Set<string>()
  let body = source.replace(MENTION, (whole, _name: string, id: string) => {
    const m = byId.get(id)
    if (!m) return whole.slice(1).replace(/^\[([^\]]*)\]\([^)]*\)$/, '@$1')
    ids.add(m.id)
    return `@[${m.name.replace(/[\]\n]/g, '')}](${m.id})`
  })
  body = body.replace(EMAIL_MENTION, (whole, lead: string, email: string) => {
    const m = byEmail.get(email.toLowerCase())
    if (!m) return whole
    ids.add(m.id)
    return `${lead}@[${m.name.replace(/[\]\n]/g, '')}](${m.id})`
  })
  return { body, mentions: [...ids] }
}

/**
 * The text of a stored comment for its edit box: each `@[Name](id)` of a member becomes `@email`
 * (what the autocomplete inserts, and what `resolveMentions` turns back into the same mention on
 * save); a mention of someone no longer a member becomes plain `@Name`, as saving would make it. A
 * member whose address `@email` would not carry keeps the stored form, so the mention survives, and
 * so does every member's mention for a viewer who may not see addresses (`emails: false`).
 */
export function editableText(source: string, members: { id: string; email: string }[], opts: { emails?: boolean } = {}): string {
  const emails = opts.emails !== false
  const byId = new Map(members.map((m) => [m.id, m]))
  return source.replace(MENTION, (whole, name: string, id: string, at: number) => {
    const m = byId.get(id)
    if (!m) return `@${name}`
    // `@email` only counts after a space, a parenthesis or at the start (EMAIL_MENTION), and only
    // when what follows does not run on into the address
    const lead = at === 0 || /[\s(]/.test(source[at - 1]!)
    const after = source.slice(at + whole.length, at + whole.length + 2)
    const tail = !/^[\w-]|^\.[\w-]/.test(after)
    return emails && lead && tail && MENTIONABLE_EMAIL.test(m.email) ? `@${m.email}` : whole
  })
}

/** Whether `text` holds a stored mention (the edit box then needs the members to show it). */
export function hasMention(text: string): boolean {
  return new RegExp(MENTION.source).test(text)
}
