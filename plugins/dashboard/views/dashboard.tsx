/** @module Dashboard views: the page, one card, a card's body in each state, and the customize panel. */
import { escapeHtml } from '@kitajs/html'
import { CsrfField, EmptyState, FormError, PageHeader } from '../../../views/components.tsx'
import type { WidgetEntry } from '../service.ts'

/** DOM id of a widget card. */
export function cardId(key: string): string {
  return `w-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`
}

const bodyUrl = (key: string) => `/dashboard/widgets/${key}`

/** A card body still loading: htmx fetches it on load and replaces it. */
export function LoadingBody(props: { entry: WidgetEntry }) {
  return (
    <div class="widget-body" hx-get={bodyUrl(props.entry.key)} hx-trigger="load" hx-swap="outerHTML" aria-busy="true">
      <p class="muted widget-loading">Loading{'&hellip;'}</p>
      <noscript>
        <a href="/dashboard?inline=1">Show without JavaScript</a>
      </noscript>
    </div>
  )
}

/** A rendered card body (`safeHtml` is the widget's own safe HTML). */
export function ReadyBody(props: { safeHtml: string }) {
  return <div class="widget-body">{props.safeHtml as 'safe'}</div>
}

/** The body of a widget that threw or timed out, with a retry. */
export function FailedBody(props: { entry: WidgetEntry }) {
  return (
    <div class="widget-body widget-failed" role="alert">
      <p>This widget failed to load.</p>
      <button type="button" class="secondary outline small" hx-get={bodyUrl(props.entry.key)} hx-target="closest .widget-body" hx-swap="outerHTML">
        Retry
      </button>
      <noscript>
        <a href="/dashboard?inline=1">Retry</a>
      </noscript>
    </div>
  )
}

/** The body of a widget whose plugin went away (or that never existed). */
export function GoneBody() {
  return (
    <div class="widget-body widget-gone">
      <p class="muted">This widget is no longer available.</p>
      <a href="/dashboard">Reload the dashboard</a>
    </div>
  )
}

/** Small POST button used by the customize controls. */
function LayoutButton(props: { action: string; csrf: string | undefined; fields: Record<string, string>; label: string; /** Trusted markup (constant text; arrows as entities). */ safeText: string; disabled?: boolean; class?: string }) {
  return (
    <form method="post" action={props.action} class="inline-form" hx-post={props.action} hx-target="#dashboard" hx-swap="outerHTML">
      <CsrfField token={props.csrf} />
      {Object.entries(props.fields).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={props.class ?? 'secondary outline small'} aria-label={props.label} title={props.label} disabled={props.disabled}>
        {props.safeText as 'safe'}
      </button>
    </form>
  )
}

/** One card: title, optional customize controls, body (loading, or rendered inline). */
export function Card(props: { entry: WidgetEntry; index: number; count: number; customize: boolean; csrf: string | undefined; safeBody?: string }) {
  const { entry, index, count, customize, csrf } = props
  const title = entry.widget.title
  return (
    <article class="widget-card" id={cardId(entry.key)} data-key={entry.key} aria-labelledby={`${cardId(entry.key)}-title`}>
      <header class="widget-head">
        <h2 id={`${cardId(entry.key)}-title`} safe>
          {title}
        </h2>
        {customize ? (
          <div class="widget-controls">
            <LayoutButton action="/dashboard/layout/move" csrf={csrf} fields={{ key: entry.key, dir: 'up' }} label={`Move ${title} up`} safeText={'&uarr;'} disabled={index === 0} />
            <LayoutButton action="/dashboard/layout/move" csrf={csrf} fields={{ key: entry.key, dir: 'down' }} label={`Move ${title} down`} safeText={'&darr;'} disabled={index === count - 1} />
            <LayoutButton action="/dashboard/layout/remove" csrf={csrf} fields={{ key: entry.key }} label={`Remove ${title}`} safeText="Remove" />
          </div>
        ) : (
          ''
        )}
      </header>
      {(props.safeBody ?? <LoadingBody entry={entry} />) as 'safe'}
    </article>
  )
}

/** What the page shows. */
export interface DashboardView {
  orgName: string
  cards: WidgetEntry[]
  /** Widgets the viewer may add (not on the dashboard yet). */
  addable: WidgetEntry[]
  customize: boolean
  inline?: Map<string, string>
  csrf: string | undefined
  canManage: boolean
  source: 'user' | 'org' | 'builtin'
  error?: string
}

/** The dashboard (its `#dashboard` root is what htmx layout changes swap). */
export function Dashboard(props: DashboardView) {
  const { cards, addable, customize, csrf } = props
  // one line: where the layout comes from, then what can be done (the catalog below, or nothing left to add)
  const sourceText = props.source === 'user' ? 'Your dashboard uses your own layout.' : props.source === 'org' ? "Your dashboard uses your organization's default layout." : 'Your dashboard uses the default layout.'
  const nextText = addable.length ? 'Add widgets from the list below; move or remove them with the buttons on each card.' : 'Every widget you can see is on it; move or remove them with the buttons on each card.'
  return (
    <div id="dashboard" class={`dashboard${customize ? ' customizing' : ''}`}>
      <PageHeader title="Dashboard" subtitle={props.orgName}>
        {customize ? (
          <a href="/dashboard" role="button">
            Done
          </a>
        ) : (
          <a href="/dashboard?customize=1" role="button" class="secondary outline">
            Customize
          </a>
        )}
      </PageHeader>
      <noscript>
        <p class="muted">
          Widgets load with JavaScript. <a href="/dashboard?inline=1">Show every widget without JavaScript</a>.
        </p>
      </noscript>
      <FormError message={props.error} />
      {customize ? (
        <section class="dashboard-customize" aria-labelledby="dashboard-customize-title">
          <h2 id="dashboard-customize-title">Customize</h2>
          <p class="muted">
            {sourceText} {nextText}
          </p>
          {addable.length ? (
            <ul class="widget-catalog">
              {addable.map((e) => (
                <li>
                  <span>
                    <strong safe>{e.widget.title}</strong>
                    {e.widget.description ? (
                      <small class="muted">{`&mdash; ${escapeHtml(e.widget.description)}` as 'safe'}</small>
                    ) : (
                      ''
                    )}
                  </span>
                  <LayoutButton action="/dashboard/layout/add" csrf={csrf} fields={{ key: e.key }} label={`Add ${e.widget.title}`} safeText="Add" class="small" />
                </li>
              ))}
            </ul>
          ) : (
            ''
          )}
          <div class="dashboard-actions">
            <LayoutButton action="/dashboard/layout/restore" csrf={csrf} fields={{}} label="Restore default" safeText="Restore default" />
            {props.canManage ? (
              <LayoutButton action="/dashboard/layout/org-default" csrf={csrf} fields={{}} label="Save as organization default" safeText="Save as organization default" />
            ) : (
              ''
            )}
          </div>
        </section>
      ) : (
        ''
      )}
      {cards.length === 0 ? (
        <EmptyState title="Your dashboard is empty">
          <p>
            <a href="/dashboard?customize=1">Add widgets</a>
          </p>
        </EmptyState>
      ) : (
        <div class="dashboard-grid" data-sortable={customize ? 'true' : undefined}>
          {cards.map((entry, i) => (
            <Card entry={entry} index={i} count={cards.length} customize={customize} csrf={csrf} safeBody={props.inline?.get(entry.key)} />
          ))}
        </div>
      )}
    </div>
  )
}
