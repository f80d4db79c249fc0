/** @module Collaboration's own pages: the inbox, notification preferences, the org activity feed, the bell. */
import { CsrfField, EmptyState, PageHeader, formatDate } from '../../../views/components.tsx'
import { safeIcon } from '../../../views/icons.ts'
import { KINDS, type ActivityRow, type NotificationRow, type Preferences } from '../service.ts'
import { ActivityList, safeKeys } from './thread.tsx'

// The bell is on every signed-in page, so it is a string template memoized by count (the only
// input, a number: nothing to escape) rather than JSX built per request.
const bellLinks = new Map<number, string>()
const bells = new Map<number, string>()

/** The bell's inner link (what the SSE stream swaps in). */
export function BellLink(props: { unread: number }): string {
  const n = Math.max(0, Math.trunc(props.unread))
  let html = bellLinks.get(n)
  if (html === undefined) {
    const label = n ? `Inbox, ${n} unread` : 'Inbox'
    const count = n ? `<span class="collab-count">${n > 99 ? '99+' : n}</span>` : ''
    html = `<a href="/collaboration/inbox" class="collab-bell" data-unread="${n}" aria-label="${label}" title="Inbox">${safeIcon('bell')}${count}</a>`
    if (bellLinks.size > 1000) bellLinks.clear()
    bellLinks.set(n, html)
  }
  return html
}

/** The shell header item: the bell inside an element that listens to the SSE stream. */
export function Bell(props: { unread: number }): string {
  const n = Math.max(0, Math.trunc(props.unread))
  let html = bells.get(n)
  if (html === undefined) {
    html =
      `<span class="collab-bell-live" hx-sse:connect="/collaboration/events" hx-swap="innerHTML">${BellLink({ unread: n })}</span>` +
      '<script src="/public/hx-sse.js" defer></script><script src="/public/collaboration/live.js" defer></script>'
    if (bells.size > 1000) bells.clear()
    bells.set(n, html)
  }
  return html
}

function Tabs(props: { current: 'inbox' | 'activity' | 'preferences' }) {
  const tab = (key: string, href: string, label: string) => (
    <li>
      <a href={href} aria-current={props.current === key ? 'page' : undefined} safe>
        {label}
      </a>
    </li>
  )
  return (
    <nav class="tabs" aria-label="Collaboration">
      <ul>
        {tab('inbox', '/collaboration/inbox', 'Inbox')}
        {tab('activity', '/collaboration/activity', 'Activity')}
        {tab('preferences', '/collaboration/preferences', 'Notification settings')}
      </ul>
    </nav>
  )
}

/** The inbox. */
/**
 * When something happened, relative to `now`: "just now", "5 min ago", "3 h ago", "yesterday",
 * "4 days ago"; past a week the UTC date ("2026-11-03"). The exact time goes in a title beside it.
 */
export function ago(at: Date, now: Date): string {
  const min = Math.floor((now.getTime() - at.getTime()) / 60_000)
  if (min < 1) return 'just now'
  if (min < 60) return `${min} min ago`
  const h = Math.floor(min / 60)
  if (h < 24) return `${h} h ago`
  const d = Math.floor(h / 24)
  if (d === 1) return 'yesterday'
  if (d < 7) return `${d} days ago`
  return at.toISOString().slice(0, 10)
}

export function InboxPage(props: { rows: NotificationRow[]; unread: number; csrf: string | undefined; filter: 'all' | 'unread'; next?: string; actors: Map<string, string>; now?: Date }) {
  const { rows, csrf } = props
  const now = props.now ?? new Date()
  return (
    <>
      <PageHeader title="Inbox" subtitle={props.unread ? `${props.unread} unread` : 'All caught up.'}>
        {props.unread ? (
          <form method="post" action="/collaboration/inbox/read-all" class="inline-form">
            <CsrfField token={csrf} />
            <button type="submit" class="secondary outline">
              {safeIcon('check')} Mark all read
            </button>
          </form>
        ) : (
          ''
        )}
      </PageHeader>
      <Tabs current="inbox" />
      <p class="collab-filter">
        <a href="/collaboration/inbox" aria-current={props.filter === 'all' ? 'page' : undefined}>
          All
        </a>
        <a href="/collaboration/inbox?filter=unread" aria-current={props.filter === 'unread' ? 'page' : undefined}>
          Unread
        </a>
      </p>
      {rows.length === 0 ? (
        <EmptyState title={props.filter === 'unread' ? 'No unread notifications' : 'Your inbox is empty'}>
          <p>Mentions, assignments, invitations, comments and changes on things you watch, and reminders show up here.</p>
        </EmptyState>
      ) : (
        // data-rows / data-row: the shell's j/k list navigation (public/app.js) walks the notifications
        // that link somewhere (j/k focus the link, Enter opens it)
        <ul class="collab-inbox" data-rows>
          {rows.map((n) => (
            <li class={n.readAt ? 'read' : 'unread'} id={`notification-${n.id}`} data-row={!!n.href}>
              <div class="collab-inbox-main">
                {n.href && !n.readAt ? (
                  // Opening an unread one marks it read: the link submits this form (POST, 303 to the
                  // target; live.js), a modified click (new tab) posts it in the background. Without
                  // JavaScript the link still opens the target and the noscript button opens and marks read.
                  <form method="post" action={`/collaboration/inbox/${n.id}/open`} class="collab-open">
                    <CsrfField token={csrf} />
                    <a href={n.href} data-notification-open class="collab-inbox-title">
                      {safeKeys(n.title)}
                    </a>
                    <noscript>
                      <button type="submit" class="link-button">
                        Open and mark read
                      </button>
                    </noscript>
                  </form>
                ) : n.href ? (
                  <a href={n.href} class="collab-inbox-title">
                    {safeKeys(n.title)}
                  </a>
                ) : (
                  <span class="collab-inbox-title">{safeKeys(n.title)}</span>
                )}
                {n.text ? (
                  <p class="muted" safe>
                    {n.text}
                  </p>
                ) : (
                  ''
                )}
                <small class="muted">
                  {/* the person once: titles say "Ana mentioned you on ..."; only a title without them names them here */}
                  {n.actorId && props.actors.get(n.actorId) && !n.title.includes(props.actors.get(n.actorId)!) ? <span safe>{`${props.actors.get(n.actorId)} · `}</span> : ''}
                  {/* one form on every row: how long ago, the exact UTC time on hover (a notification's text may
                      name an event's own time and zone, "2026-12-03 14:00 (Europe/Berlin)": that is its content) */}
                  <time datetime={n.createdAt.toISOString()} title={formatDate(n.createdAt)} safe>
                    {ago(n.createdAt, now)}
                  </time>
                </small>
              </div>
              {n.readAt ? (
                <span class="badge">Read</span>
              ) : (
                <form method="post" action={`/collaboration/inbox/${n.id}/read`} class="inline-form">
                  <CsrfField token={csrf} />
                  <button type="submit" class="secondary outline">
                    Mark read
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.next ? (
        <p>
          <a href={`/collaboration/inbox?before=${encodeURIComponent(props.next)}${props.filter === 'unread' ? '&filter=unread' : ''}`}>Older notifications</a>
        </p>
      ) : (
        ''
      )}
    </>
  )
}

/** Which kinds of notification reach the user, and (`email`: while the platform sends email) whether by email too. */
export function PreferencesPage(props: { prefs: Preferences; email: boolean; csrf: string | undefined }) {
  return (
    <>
      <PageHeader title="Notification settings" subtitle="Choose what lands in your inbox." />
      <Tabs current="preferences" />
      <form method="post" action="/collaboration/preferences" class="collab-prefs">
        <CsrfField token={props.csrf} />
        <fieldset>
          <legend>Notify me about</legend>
          {KINDS.map((k) => (
            <label for={`pref-${k.column}`}>
              <input type="checkbox" id={`pref-${k.column}`} name={k.column} value="1" checked={props.prefs[k.column]} />
              <span safe>{k.label}</span> <small class="muted" safe>{k.hint}</small>
            </label>
          ))}
        </fieldset>
        {props.email ? (
          <fieldset>
            <legend>Email</legend>
            <label for="pref-email">
              <input type="checkbox" id="pref-email" name="email" value="1" checked={props.prefs.email} />
              <span>Email me about these too</span> <small class="muted">One email for each notification of the kinds ticked above, sent to your account's address</small>
            </label>
          </fieldset>
        ) : (
          ''
        )}
        <button type="submit">Save</button>
      </form>
    </>
  )
}

/** The organization's activity feed. */
export function ActivityPage(props: { rows: ActivityRow[]; next?: string; older?: boolean }) {
  return (
    <>
      <PageHeader title="Activity" subtitle="What happened in your organization, newest first." />
      <Tabs current="activity" />
      {props.rows.length === 0 ? (
        props.next || props.older ? (
          <EmptyState title="Nothing you can see here">
            <p>{props.next ? 'Nothing in this stretch of the feed is shown to you; older activity may be.' : 'There is no older activity you can see.'}</p>
          </EmptyState>
        ) : (
          <EmptyState title="No activity yet">
            <p>Comments, task changes and other events from the apps you can see show up here.</p>
          </EmptyState>
        )
      ) : (
        <ActivityList rows={props.rows} withLinks navigable />
      )}
      {props.next ? (
        <p>
          <a href={`/collaboration/activity?before=${encodeURIComponent(props.next)}`}>Older activity</a>
        </p>
      ) : (
        ''
      )}
    </>
  )
}

/** Suggestions for the @ autocomplete (`email` empty: the viewer may not see addresses). */
export function MentionList(props: { people: { id: string; name: string; email: string }[] }) {
  if (props.people.length === 0) return <p class="muted collab-mention-none">Nobody matches.</p>
  return (
    // options of the textarea's combobox (live.js gives them ids and moves aria-selected / aria-activedescendant);
    // the buttons take mouse clicks only: the focus stays in the textarea
    <ul class="collab-mentions" role="listbox" aria-label="People to mention">
      {props.people.map((p) => (
        <li role="option" aria-selected="false">
          <button type="button" class="link-button" tabindex="-1" data-mention-id={p.id} data-mention-name={p.name} data-mention-email={p.email || undefined}>
            <span safe>{p.name}</span>{' '}
            {p.email ? (
              <small class="muted" safe>
                {p.email}
              </small>
            ) : (
              ''
            )}
          </button>
        </li>
      ))}
    </ul>
  )
}
