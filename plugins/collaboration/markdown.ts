/**
 * @module Comment text: markdown (marked) made safe (sanitize-html with a strict allow-list), and
 * mentions. A mention is stored in the text as `@[Name](user-id)`; the composer's autocomplete inserts
 * that form, and at save time a plain `@email` of an org member is rewritten to it. Only ids of
 * members of the organization count; anything else stays plain text.
 */
import type sanitizeHtml from 'sanitize-html'

// Loaded on first use (sanitize-html alone adds ~15 MB): an idle instance never pays for them.
let libs: { marked: typeof import('marked').marked; sanitize: typeof sanitizeHtml } | undefined
function markdownLibs() {
  libs ??= { marked: (require('marked') as typeof import('marked')).marked, sanitize: require('sanitize-html') as typeof sanitizeHtml }
  return libs
}

/** `@[Name](id)`: a stored mention. */
export const MENTION = /@\[([^\]\n]{1,100})\]\(([\w-]{1,64})\)/g
/** `@someone@example.com`: resolved to a mention at save time. */
const EMAIL_MENTION = /(^|[\s(])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'input',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    span: ['class', 'data-user-id'],
    code: ['class'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
    input: ['type', 'checked', 'disabled'],
  },
  allowedClasses: { span: ['mention'], code: ['language-*'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener nofollow ugc' } }),
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: '' } }),
  },
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** Safe HTML of a comment's markdown; mentions become `<span class="mention">@Name</span>`. */
export function renderMarkdown(source: string): string {
  const withMentions = source.replace(MENTION, (_m, name: string, id: string) => `<span class="mention" data-user-id="${escapeHtml(id)}">@${escapeHtml(name)}</span>`)
  const { marked, sanitize } = markdownLibs()
  const html = marked.parse(withMentions, { async: false, gfm: true, breaks: true }) as string
  return sanitize(html, SANITIZE)
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
