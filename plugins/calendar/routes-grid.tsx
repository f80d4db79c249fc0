/** @module The calendar page (/calendar): toolbar, layers and the month, week, day or agenda grid. */
import type { Auth } from '../../core/auth/resolve.ts'
import { viewerOf, type CalendarService, type Ctx, type Viewer } from './service.ts'
import { SCRIPT, viewZone } from './routes-shared.ts'
import { layerItems, layerSources } from './layer-sources.ts'
import { DAY, firstDayOf, fromWall, parseDate, toWall, wallDate, weekStart } from './time.ts'
import { Agenda } from './views/agenda.tsx'
import { compactRange, longDate, monthLabel, viewHref, type Item, type ViewName } from './views/items.tsx'
import { LayerForm, type Layer } from './views/layers.tsx'
import { MonthGrid } from './views/month.tsx'
import { TimeGrid } from './views/week.tsx'
import { ZoneInput, ZoneList } from './views/zones.tsx'

const VIEWS: ViewName[] = ['month', 'week', '3day', 'day', 'agenda']
const AGENDA_DAYS = 30
/** Days the 3-day view shows (Google Calendar's phone app shows 3). */
const FEW_DAYS = 3
const VIEW_LABELS: Record<ViewName, string> = { month: 'Month', week: 'Week', '3day': '3 days', day: 'Day', agenda: 'Agenda' }
/**
 * On phones (40rem and less) the tabs offer "3 days" in place of "Week" (seven columns do not fit
 * 390 px); on wider screens the reverse. The shown view's tab always stays.
 */
const TAB_CLASS: Partial<Record<ViewName, string>> = { week: 'cal-tab-wide', '3day': 'cal-tab-narrow' }

/**
 * The zone the page shows times in, as one line under the heading ("Time zone: UTC"); it opens
 * (a <details>, no script needed) on the form that changes it. The zones' datalist (~450 names,
 * a third of a month page) comes with the page only when it opens already (a refused zone, the
 * error beside the field); otherwise htmx fetches it (/calendar/zones) the first time it is opened,
 * and without script the field simply takes any zone typed.
 */
function ZonePicker(props: { tz: string; typed?: string; view: ViewName; date: string; error?: string }) {
  const lazy = !props.error
  const fetchZones = lazy ? { 'hx-get': `/calendar/zones?first=${encodeURIComponent(props.tz)}`, 'hx-trigger': 'toggle once', 'hx-target': '#cal-zones', 'hx-swap': 'outerHTML' } : {}
  return (
    <details class="cal-tz" open={!!props.error} {...fetchZones}>
      <summary class="muted">
        <span>Time zone: </span>
        <span safe>{props.tz}</span>
      </summary>
      <form method="get" action="/calendar" class="row-form cal-tz-form">
        <input type="hidden" name="view" value={props.view} />
        <input type="hidden" name="date" value={props.date} />
        <ZoneInput name="tz" value={props.typed ?? props.tz} label="Show times in" id="cal-view-tz" error={props.error} />
        <button type="submit" class="secondary outline">
          Show
        </button>
      </form>
      {lazy ? '<datalist id="cal-zones"></datalist>' : (ZoneList(props.tz) as 'safe')}
    </details>
  )
}

/** Builds the calendar page for a request: items of the viewer's calendars and the layers they may see. */
export function calendarPageOf(ctx: Ctx, svc: CalendarService) {
  async function gridItems(auth: Auth, v: Viewer, from: number, to: number, hidden: Set<string>): Promise<{ items: Item[]; layers: Layer[]; failed: string[] }> {
    const cals = await svc.calendars(v)
    const occs = await svc.occurrences(v, new Date(from), new Date(to), { hidden })
    const items: Item[] = occs.map((o) => ({
      key: o.occurrenceId,
      title: o.title,
      href: `/calendar/events/${o.eventId}${o.recurring ? `?occurrence=${encodeURIComponent(o.originalStart.toISOString())}` : ''}`,
      color: o.color,
      allDay: o.allDay,
      start: o.start,
      end: o.end,
      source: o.calendarName,
      layer: false,
    }))
    const layers: Layer[] = cals.map((c) => ({ key: `cal:${c.id}`, label: c.name, color: c.color, shown: !hidden.has(`cal:${c.id}`), kind: 'calendar' }))
    const failed: string[] = []
    for (const s of layerSources(ctx, auth)) {
      const shown = !hidden.has(s.key)
      layers.push({ key: s.key, label: s.source.label, color: s.source.color, shown, kind: 'source' })
      if (!shown) continue
      const got = await layerItems(ctx, s, new Date(from), new Date(to), auth)
      if (!got) failed.push(s.source.label)
      for (const it of got ?? []) {
        const end = it.end ?? (it.allDay ? new Date(it.start.getTime() + DAY) : it.start)
        items.push({ key: `${s.key}:${it.id}`, title: it.title, href: it.href, color: s.source.color, allDay: it.allDay, start: it.start, end, source: s.source.label, layer: true })
      }
    }
    items.sort((a, b) => a.start.getTime() - b.start.getTime())
    return { items, layers, failed }
  }

  return async function calendarPage(request: Request, auth: Auth, query: Record<string, string | undefined>): Promise<Response> {
    const v = viewerOf(auth)
    const { tz, error: tzError } = viewZone(request, query.tz)
    const view: ViewName = VIEWS.includes(query.view as ViewName) ? (query.view as ViewName) : 'month'
    const todayWall = toWall(Date.now(), tz)
    const today = todayWall - (((todayWall % DAY) + DAY) % DAY)
    const dateError = query.date && parseDate(query.date) === undefined ? 'Enter the date as YYYY-MM-DD, e.g. 2026-11-25.' : undefined
    const anchor = parseDate(query.date) ?? today
    const tzParam = query.tz && !tzError ? query.tz : undefined
    const firstDay = firstDayOf(ctx.settings<{ weekStartsOn?: string }>().weekStartsOn)
    let gridFrom: number
    let gridTo: number
    let prev: number
    let next: number
    let title: string
    /** The heading's compact range (HTML, from dates only) where the full one would wrap; see compactRange. */
    let safeRange: string | undefined
    if (view === 'month') {
      const d = new Date(anchor)
      const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
      gridFrom = weekStart(first, firstDay)
      gridTo = gridFrom + 42 * DAY
      prev = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
      title = monthLabel(anchor)
    } else if (view === 'week') {
      gridFrom = weekStart(anchor, firstDay)
      gridTo = gridFrom + 7 * DAY
      prev = anchor - 7 * DAY
      next = anchor + 7 * DAY
      title = `Week of ${longDate(gridFrom)} to ${longDate(gridTo - DAY)}`
      safeRange = compactRange(gridFrom, gridTo - DAY)
    } else if (view === '3day') {
      gridFrom = anchor
      gridTo = anchor + FEW_DAYS * DAY
      prev = anchor - FEW_DAYS * DAY
      next = anchor + FEW_DAYS * DAY
      title = `${longDate(gridFrom)} to ${longDate(gridTo - DAY)}`
      safeRange = compactRange(gridFrom, gridTo - DAY)
    } else if (view === 'day') {
      gridFrom = anchor
      gridTo = anchor + DAY
      prev = anchor - DAY
      next = anchor + DAY
      title = longDate(anchor)
    } else {
      gridFrom = anchor
      gridTo = anchor + AGENDA_DAYS * DAY
      prev = anchor - AGENDA_DAYS * DAY
      next = anchor + AGENDA_DAYS * DAY
      title = `${longDate(gridFrom)} to ${longDate(gridTo - DAY)}`
      safeRange = compactRange(gridFrom, gridTo - DAY)
    }
    // all-day items sit on UTC dates, timed ones on the zone's wall clock: ask wide enough for both
    const from = Math.min(fromWall(gridFrom, tz), gridFrom) - DAY
    const to = Math.max(fromWall(gridTo, tz), gridTo) + DAY
    const hidden = await svc.hiddenLayers(v)
    const { items, layers, failed } = await gridItems(auth, v, from, to, hidden)
    const here = viewHref(view, wallDate(anchor), tzParam)
    const unit = view === 'agenda' ? '30 days' : view === '3day' ? '3 days' : view
    const days = Array.from({ length: Math.round((gridTo - gridFrom) / DAY) }, (_, i) => gridFrom + i * DAY)
    const body = (
      <div class="cal-page">
        <div class="page-header">
          <div>
            <h1>Calendar</h1>
            <ZonePicker tz={tz} typed={query.tz} view={view} date={wallDate(anchor)} error={tzError} />
          </div>
          <div class="page-actions">
            {v.canWrite ? (
              <a href={`/calendar/new?date=${wallDate(anchor)}`} role="button" data-shortcut="c" aria-keyshortcuts="c">
                New event
              </a>
            ) : (
              ''
            )}
            <a href="/calendar/calendars" role="button" class="secondary outline">
              Calendars
            </a>
          </div>
        </div>
        {tzError || dateError ? (
          <p class="form-error" role="alert" safe>
            {tzError ?? dateError}
          </p>
        ) : (
          ''
        )}
        {failed.length ? (
          <p class="form-error" role="alert" safe>
            {`Some layers could not be loaded: ${failed.join(', ')}.`}
          </p>
        ) : (
          ''
        )}
        <nav class="cal-toolbar" aria-label="Calendar navigation">
          <div class="cal-nav">
            <a href={viewHref(view, wallDate(prev), tzParam)} role="button" class="secondary outline" rel="prev" aria-label={`Previous ${unit}`} data-cal-key="ArrowLeft">
              {'&lsaquo; Previous'}
            </a>
            <a href={viewHref(view, wallDate(today), tzParam)} role="button" class="secondary outline" data-cal-key="t">
              Today
            </a>
            <a href={viewHref(view, wallDate(next), tzParam)} role="button" class="secondary outline" rel="next" aria-label={`Next ${unit}`} data-cal-key="ArrowRight">
              {'Next &rsaquo;'}
            </a>
          </div>
          {safeRange ? (
            <h2 class="cal-range" title={title} aria-label={title}>
              {safeRange}
            </h2>
          ) : (
            <h2 class="cal-range" safe>
              {title}
            </h2>
          )}
          <ul class="tabs" aria-label="Views">
            {VIEWS.map((vn) => (
              <li class={vn === view ? undefined : TAB_CLASS[vn]}>
                <a href={viewHref(vn, wallDate(anchor), tzParam)} aria-current={vn === view ? 'page' : undefined} safe>
                  {VIEW_LABELS[vn]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="cal-layout">
          <aside class="cal-sidebar" aria-label="Calendars and layers">
            <LayerForm layers={layers} csrf={auth.session?.csrf} back={here} />
          </aside>
          <section class="cal-main" aria-label={title}>
            {view === 'month' ? <MonthGrid anchor={anchor} gridStart={gridFrom} items={items} tz={tz} today={today} tzParam={tzParam} /> : ''}
            {view === 'week' || view === '3day' || view === 'day' ? <TimeGrid days={days} items={items} tz={tz} today={today} tzParam={tzParam} /> : ''}
            {view === 'agenda' ? <Agenda from={gridFrom} days={AGENDA_DAYS} items={items} tz={tz} tzParam={tzParam} /> : ''}
          </section>
        </div>
        {SCRIPT as 'safe'}
      </div>
    ) as string
    const pageTitle = view === 'week' || view === '3day' || view === 'agenda' ? compactRange(gridFrom, gridTo - DAY, ' to ') : title
    return ctx.page(request, auth, { title: `Calendar: ${pageTitle}`, body, status: tzError || dateError ? 422 : 200 })
  }
}
