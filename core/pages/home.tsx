/** @module The start page (or a plugin's, through `shell.home`) and the global search (answered by `search.provider` contributions). */
import { Elysia } from 'elysia'
import { can, type Auth } from '../auth/resolve.ts'
import type { ShellHome } from '../plugins/points.ts'
import { SIGNED_IN } from '../auth/permissions.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { EmptyState, PageHeader } from '../../views/components.tsx'

const MAX_PER_PROVIDER = 8

/** Where `/` sends this user: the `shell.home` contribution of lowest order they may see. */
function startPage(homes: ShellHome[], auth: Auth): string | undefined {
  let best: ShellHome | undefined
  for (const h of homes) {
    if (h.permission && !can(auth, h.permission)) continue
    if (!best || (h.order ?? 100) < (best.order ?? 100)) best = h
  }
  return best?.href
}

/** `/` and `/search`. */
export function homePages(deps: ServerDeps) {
  const { host, renderer } = deps
  return new Elysia({ name: 'core:home' })
    .use(guard)
    .get(
      '/',
      async ({ request, auth }) => {
        if (!auth) return redirect(request, '/login')
        const home = startPage(host.contributions('shell.home'), auth)
        if (home) return redirect(request, home)
        const nav = renderer.nav(auth)
        const body = (
          <>
            <PageHeader title={`Welcome, ${auth.user.name}`} subtitle={auth.org ? `You are working in ${auth.org.name}.` : 'You belong to no organization yet.'} />
            {nav.length === 0 ? (
              <EmptyState title="No apps are turned on yet">
                <p>
                  {auth.user.isAdmin ? (
                    <>
                      Enable plugins on the <a href="/admin/plugins">plugins page</a>.
                    </>
                  ) : (
                    'Ask an instance admin to enable plugins.'
                  )}
                </p>
              </EmptyState>
            ) : (
              <ul class="tile-list">
                {nav.map((item) => (
                  <li>
                    <a href={item.href} class="tile" safe>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </>
        ) as string
        return renderer.page(request, auth, { title: 'Home', body })
      },
      { public: true },
    )
    .get(
      '/search',
      async ({ request, auth, query }) => {
        const q = (query.q ?? '').trim().slice(0, 200)
        const providers = host.contributions('search.provider').filter((p) => !p.permission || can(auth, p.permission))
        const groups = q
          ? await Promise.all(
              providers.map(async (p) => {
                try {
                  return { label: p.label, results: (await p.search(q, auth)).slice(0, MAX_PER_PROVIDER), failed: false }
                } catch (err) {
                  deps.log.error('search provider failed', { provider: p.label, error: err })
                  return { label: p.label, results: [], failed: true }
                }
              }),
            )
          : []
        const hits = groups.reduce((n, g) => n + g.results.length, 0)
        const body = (
          <>
            <PageHeader title="Search" subtitle={q ? `${hits} result${hits === 1 ? '' : 's'} for “${q}”` : 'Type in the search box above.'} />
            {/* On narrow screens the header's search box is folded into the menu: this one stands in. */}
            <form class="search-page-form" role="search" method="get" action="/search">
              <label for="page-search" class="visually-hidden">
                Search
              </label>
              {/* "/" focuses it while it shows (app.js prefers the page's own visible target to the header's) */}
              <input id="page-search" type="search" name="q" value={q} placeholder="Search" autocomplete="off" data-shortcut="/" aria-keyshortcuts="/" />
              <button type="submit" class="secondary outline">
                Search
              </button>
            </form>
            {q && providers.length === 0 ? <EmptyState title="Nothing to search yet">The enabled plugins offer no search.</EmptyState> : ''}
            {q && providers.length > 0 && hits === 0 && !groups.some((g) => g.failed) ? <EmptyState title="No results">Try fewer or other words.</EmptyState> : ''}
            {groups.map((g) =>
              g.results.length || g.failed ? (
                <section class="search-group">
                  <h2 safe>{g.label}</h2>
                  {g.failed ? <p class="form-error">This part of the search failed; the rest is shown.</p> : ''}
                  <ul class="search-results" data-rows>
                    {g.results.map((r) => (
                      <li data-row>
                        <a href={r.href} safe>
                          {r.title}
                        </a>
                        {r.snippet ? (
                          <p class="muted" safe>
                            {r.snippet}
                          </p>
                        ) : (
                          ''
                        )}
                      </li>
                    ))}
                  </ul>
                </section>
              ) : (
                ''
              ),
            )}
          </>
        ) as string
        return renderer.page(request, auth, { title: q ? `Search: ${q}` : 'Search', body })
      },
      { permission: SIGNED_IN },
    )
}
