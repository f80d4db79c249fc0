/** @module Static files embedded in the binary: htmx, the stylesheet. Served under /public. */
import htmxJs from 'htmx.org/dist/htmx.min.js' with { type: 'file' }
import appCss from '../../public/app.css' with { type: 'file' }

const FILES: Record<string, { path: string; type: string }> = {
  '/public/htmx.min.js': { path: htmxJs, type: 'text/javascript; charset=utf-8' },
  '/public/app.css': { path: appCss, type: 'text/css; charset=utf-8' },
}

/** The embedded file at `pathname`, or undefined. */
export function staticFile(pathname: string): Response | undefined {
  const f = FILES[pathname]
  if (!f) return undefined
  return new Response(Bun.file(f.path), {
    headers: { 'content-type': f.type, 'cache-control': 'public, max-age=3600' },
  })
}
