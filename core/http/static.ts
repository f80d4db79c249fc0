/** @module Static files embedded in the binary: htmx, Pico CSS, our stylesheet and script. Served under /public. */
import htmxJs from 'htmx.org/dist/htmx.min.js' with { type: 'file' }
import appCss from '../../public/app.css' with { type: 'file' }
import appJs from '../../public/app.js' with { type: 'file' }
import favicon from '../../public/favicon.svg' with { type: 'file' }
import picoCss from '@picocss/pico/css/pico.min.css' with { type: 'file' }

const FILES: Record<string, { path: string; type: string }> = {
  '/public/htmx.min.js': { path: htmxJs, type: 'text/javascript; charset=utf-8' },
  '/public/app.css': { path: appCss, type: 'text/css; charset=utf-8' },
  '/public/app.js': { path: appJs, type: 'text/javascript; charset=utf-8' },
  '/public/pico.css': { path: picoCss, type: 'text/css; charset=utf-8' },
  '/public/favicon.svg': { path: favicon, type: 'image/svg+xml' },
}

/** The embedded file at `pathname`, or undefined. */
export function staticFile(pathname: string): Response | undefined {
  const f = FILES[pathname]
  if (!f) return undefined
  return new Response(Bun.file(f.path), {
    headers: { 'content-type': f.type, 'cache-control': 'public, max-age=3600' },
  })
}
