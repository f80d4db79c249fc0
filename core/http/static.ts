/** @module Static files embedded in the binary: htmx, Pico CSS, our stylesheet and script. Served under /public. */
import htmxJs from 'htmx.org/dist/htmx.min.js' with { type: 'file' }
import appCss from '../../public/app.css' with { type: 'file' }
import appJs from '../../public/app.js' with { type: 'file' }
import favicon from '../../public/favicon.svg' with { type: 'file' }
import picoCss from '@picocss/pico/css/pico.min.css' with { type: 'file' }
import sortableJs from 'sortablejs/Sortable.min.js' with { type: 'file' }
import hxSseJs from 'htmx.org/dist/ext/hx-sse.min.js' with { type: 'file' }
import planningJs from '../../public/planning/board.js' with { type: 'file' }
import collaborationJs from '../../public/collaboration/live.js' with { type: 'file' }
import calendarJs from '../../public/calendar/calendar.js' with { type: 'file' }
import dashboardJs from '../../public/dashboard/dashboard.js' with { type: 'file' }

const FILES: Record<string, { path: string; type: string }> = {
  '/public/htmx.min.js': { path: htmxJs, type: 'text/javascript; charset=utf-8' },
  '/public/app.css': { path: appCss, type: 'text/css; charset=utf-8' },
  '/public/app.js': { path: appJs, type: 'text/javascript; charset=utf-8' },
  '/public/pico.css': { path: picoCss, type: 'text/css; charset=utf-8' },
  '/public/favicon.svg': { path: favicon, type: 'image/svg+xml' },
  '/public/sortable.min.js': { path: sortableJs, type: 'text/javascript; charset=utf-8' },
  '/public/hx-sse.js': { path: hxSseJs, type: 'text/javascript; charset=utf-8' },
  '/public/planning/board.js': { path: planningJs, type: 'text/javascript; charset=utf-8' },
  '/public/collaboration/live.js': { path: collaborationJs, type: 'text/javascript; charset=utf-8' },
  '/public/calendar/calendar.js': { path: calendarJs, type: 'text/javascript; charset=utf-8' },
  '/public/dashboard/dashboard.js': { path: dashboardJs, type: 'text/javascript; charset=utf-8' },
}

/** The embedded file at `pathname`, or undefined. */
export function staticFile(pathname: string): Response | undefined {
  const f = FILES[pathname]
  if (!f) return undefined
  return new Response(Bun.file(f.path), {
    headers: { 'content-type': f.type, 'cache-control': 'public, max-age=3600' },
  })
}
