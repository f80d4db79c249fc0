/**
 * @module The HTML document around every full page: head, stylesheets (core's, then the enabled
 * plugins' when the caller passes them), htmx, skip link.
 *
 * Written as string templates, not JSX: every signed-in page goes through here and through the
 * shell, and the constant parts (the whole head but the title) are built once at load. Every
 * dynamic value below goes through `escapeHtml`.
 */
import { contentsToString, escapeHtml, type Children } from '@kitajs/html'

const HEAD_START =
  '<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>' +
  '<meta name="color-scheme" content="light dark"/><meta name="htmx-config" content="{&#34;includeIndicatorCSS&#34;:false}"/><title>'
const HEAD_STYLES = ' · Coder IDE</title><link rel="stylesheet" href="/public/pico.css"/><link rel="stylesheet" href="/public/app.css"/>'
const HEAD_END =
  '<link rel="icon" href="/public/favicon.svg" type="image/svg+xml"/><script src="/public/htmx.min.js" defer></script>' +
  '<script src="/public/app.js" defer></script></head>'
const SKIP_LINK = '<a class="skip-link" href="#main">Skip to content</a>'

/**
 * `html` as one flat string. A string built by `+` or a template is a rope (a tree of its pieces),
 * and JavaScriptCore copies a rope's pieces together again every time a bigger string made from it
 * is sent (`new Response` flattens the whole page, not the cached part in place): a kept string of
 * 300 pieces costs ~7 µs per response that way, against ~1 µs flat (a micro-benchmark on the 2-core
 * machine). Reading one character makes the engine resolve the rope once, in the string kept;
 * strings kept for reuse (the shell's frame, the plugins' stylesheet links) go through here.
 */
export function flat(html: string): string {
  html.charCodeAt(0)
  return html
}

/** Children as an HTML string (they are already safe: strings rendered by components). */
export function childrenHtml(children: Children | undefined): string {
  if (typeof children === 'string') return children
  if (children === undefined || children === null) return ''
  return contentsToString([children]) as string
}

/**
 * The document up to `</head>`, with the (escaped) title; `styles` (safe HTML from `stylesheetLinks`:
 * the enabled plugins' stylesheets) follows core's stylesheet, so plugins' rules win ties with it.
 */
export function documentHead(title: string, styles = ''): string {
  return HEAD_START + escapeHtml(title) + HEAD_STYLES + styles + HEAD_END
}

/** `<link rel="stylesheet">` tags for these URLs, in order (escaped). */
export function stylesheetLinks(hrefs: string[]): string {
  let html = ''
  for (const href of hrefs) html += `<link rel="stylesheet" href="${escapeHtml(href)}"/>`
  return html
}

/** `<body>` with its class, the CSRF header for htmx, and the skip link. */
export function bodyOpen(csrf: string | undefined, bodyClass?: string): string {
  return `<body${bodyClass ? ` class="${escapeHtml(bodyClass)}"` : ''}${csrfHeaders(csrf)}>${SKIP_LINK}`
}

/** A full HTML document. `title` is escaped; children must already be safe. */
export function Layout(props: { title: string; csrf?: string; bodyClass?: string; children?: Children }): string {
  return `${documentHead(props.title)}${bodyOpen(props.csrf, props.bodyClass)}${childrenHtml(props.children)}</body></html>`
}

/**
 * The CSRF header for every htmx request on the page. htmx 4 inherits an attribute only when the
 * ancestor says `:inherited` (config implicitInheritance is false), so `hx-headers:inherited` is
 * what reaches a bare `hx-post` / `hx-delete` button outside any form. Scripts read the token from
 * the same attribute.
 */
function csrfHeaders(csrf: string | undefined): string {
  if (!csrf) return ''
  return ` hx-headers:inherited="${escapeHtml(JSON.stringify({ 'X-CSRF-Token': csrf }))}"`
}
