/**
 * @module Markdown that users write (task descriptions, comments) as safe HTML: marked for the
 * markdown, then sanitize-html with a strict allow-list (no scripts, no event handlers, no styles,
 * links only to http, https and mailto). Both libraries load on first use: sanitize-html alone adds
 * ~15 MB, and an idle instance never pays for them. Plugins share this instead of each carrying
 * its own copy of the allow-list.
 */
import type sanitizeHtml from 'sanitize-html'

let libs: { marked: typeof import('marked').marked; sanitize: typeof sanitizeHtml } | undefined
function markdownLibs() {
  libs ??= { marked: (require('marked') as typeof import('marked')).marked, sanitize: require('sanitize-html') as typeof sanitizeHtml }
  return libs
}

/**
 * What survives sanitizing: text formatting, lists, tables, code, links (given
 * `rel="noopener nofollow ugc"`), task-list checkboxes (disabled), and `<span class="mention"
 * data-user-id>` for callers that turn mentions into spans before rendering.
 */
export const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
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

/** Safe HTML of user markdown (GitHub flavour, single line breaks kept). */
export function renderMarkdown(source: string): string {
  const { marked, sanitize } = markdownLibs()
  const html = marked.parse(source, { async: false, gfm: true, breaks: true }) as string
  return sanitize(html, SANITIZE_OPTIONS)
}

