/**
 * @module Static files under /public: core's (htmx and its SSE extension, Pico CSS, our stylesheet
 * and script, SortableJS), embedded in the binary, and the files enabled plugins declare as `assets`.
 */
import htmxJs from 'htmx.org/dist/htmx.min.js' with { type: 'file' }
import appCss from '../../public/app.css' with { type: 'file' }
import appJs from '../../public/app.js' with { type: 'file' }
import favicon from '../../public/favicon.svg' with { type: 'file' }
import picoCss from '@picocss/pico/css/pico.min.css' with { type: 'file' }
import sortableJs from 'sortablejs/Sortable.min.js' with { type: 'file' }
import hxSseJs from 'htmx.org/dist/ext/hx-sse.min.js' with { type: 'file' }

const FILES: Record<string, { path: string; type: string }> = {
  '/public/htmx.min.js': { path: htmxJs, type: 'text/javascript; charset=utf-8' },
  '/public/app.css': { path: appCss, type: 'text/css; charset=utf-8' },
  '/public/app.js': { path: appJs, type: 'text/javascript; charset=utf-8' },
  '/public/pico.css': { path: picoCss, type: 'text/css; charset=utf-8' },
  '/public/favicon.svg': { path: favicon, type: 'image/svg+xml' },
  '/public/sortable.min.js': { path: sortableJs, type: 'text/javascript; charset=utf-8' },
  '/public/hx-sse.js': { path: hxSseJs, type: 'text/javascript; charset=utf-8' },
}

/** The embedded file at `pathname`, or undefined. */
export function staticFile(pathname: string): Response | undefined {
  const f = FILES[pathname]
  if (!f) return undefined
  return new Response(Bun.file(f.path), {
    headers: { 'content-type': f.type, 'cache-control': 'public, max-age=3600' },
  })
}

/** Content types of the files plugins may declare as assets, by extension. */
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
}

/** Each asset file's content hash, by path and modification time (hashed once, not per request). */
const tags = new Map<string, { modified: number; tag: string }>()

/**
 * A short hash of an asset file's content (base 36), or undefined when the file is missing. It is
 * the file's ETag and the `?v=` of the links the shell writes to it (`Renderer`), so a changed file
 * gets a new URL.
 */
export async function assetTag(file: string): Promise<string | undefined> {
  const blob = Bun.file(file)
  if (!(await blob.exists())) return undefined
  const modified = blob.lastModified
  let known = tags.get(file)
  if (!known || known.modified !== modified) {
    known = { modified, tag: Bun.hash(await blob.arrayBuffer()).toString(36) }
    tags.set(file, known)
  }
  return known.tag
}

/** How long a browser keeps an asset fetched by its `?v=` URL: a year, never asking again. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * A plugin's asset: its bytes with an ETag from their hash. Asked for as `?v=<that hash>` (the
 * shell's stylesheet links) it is cached for a year and never revalidated: new content has a new
 * URL. Otherwise (no `v`, or one naming other content) `no-cache`, so a browser asks again (a 304
 * when unchanged) and a reloaded plugin's new script is never served stale from its cache.
 * Undefined when the file is missing.
 */
export async function pluginAsset(file: string, request: Request): Promise<Response | undefined> {
  const tag = await assetTag(file)
  if (tag === undefined) return undefined
  const etag = `"${tag}"`
  const query = request.url.indexOf('?')
  const versioned = query !== -1 && new URLSearchParams(request.url.slice(query + 1)).get('v') === tag
  const headers = { etag, 'cache-control': versioned ? IMMUTABLE : 'no-cache' }
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers })
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase()
  return new Response(Bun.file(file), { headers: { ...headers, 'content-type': TYPES[ext] ?? 'application/octet-stream' } })
}
