/** @module The signed-in shell: header with nav, search, organization switcher, user menu; then the page. */
import type { Children } from '@kitajs/html'
import type { NavItem } from '../core/plugins/contract.ts'
import { CsrfField, Flash } from './components.tsx'
import { safeIcon } from './icons.ts'
import { Layout } from './layout.tsx'

/** What the shell needs to know about the viewer. */
export interface ShellViewer {
  /** Safe HTML of plugins' header items (notification bell...). */
  headerItems: string
  name: string
  email: string
  isAdmin: boolean
  csrf: string
  org?: { id: string; name: string }
  orgs: { id: string; name: string }[]
  /** Whether the viewer may manage members (shows the Organization entry). */
  canManageOrg: boolean
}

/** The nav list; also sent alone (out of band) when plugins change. */
export function MainNav(props: { items: NavItem[]; path: string; oob?: boolean }) {
  return (
    <ul id="main-nav" class="main-nav" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.items.map((item) => {
        const current = props.path === item.href || props.path.startsWith(item.href + '/')
        return (
          <li>
            <a href={item.href} aria-current={current ? 'page' : undefined}>
              {safeIcon(item.icon ?? 'plug')}
              <span safe>{item.label}</span>
            </a>
          </li>
        )
      })}
    </ul>
  )
}

/** The page frame for signed-in users. */
export function Shell(props: {
  title: string
  viewer: ShellViewer
  nav: NavItem[]
  path: string
  flash?: { kind: 'ok' | 'error'; text: string }
  searchQuery?: string
  children?: Children
}) {
  const v = props.viewer
  return (
    <Layout title={props.title} csrf={v.csrf}>
      <header class="app-header">
        <nav class="app-bar" aria-label="Main">
          <a href="/" class="brand" aria-label="Coder IDE home">
            {safeIcon('layout-dashboard', 20)}
            <span>Coder IDE</span>
          </a>
          <details class="nav-toggle">
            <summary aria-label="Menu">{safeIcon('menu', 20)}</summary>
          </details>
          <div class="nav-panel">
            <MainNav items={props.nav} path={props.path} />
            <form class="search-form" role="search" method="get" action="/search">
              <label for="global-search" class="visually-hidden">
                Search
              </label>
              <input id="global-search" type="search" name="q" placeholder="Search…" value={props.searchQuery} autocomplete="off" />
            </form>
            <ul class="menus">
              {v.headerItems ? <li class="header-items">{v.headerItems as 'safe'}</li> : ''}
              {v.orgs.length > 0 ? (
                <li>
                  <details class="dropdown org-switcher">
                    <summary>
                      {safeIcon('building-2')}
                      <span safe>{v.org?.name ?? 'No organization'}</span>
                    </summary>
                    <ul>
                      {v.orgs.map((o) => (
                        <li>
                          <form method="post" action="/orgs/switch" class="inline-form">
                            <CsrfField token={v.csrf} />
                            <input type="hidden" name="org" value={o.id} />
                            <button type="submit" class="link-button" aria-current={o.id === v.org?.id ? 'true' : undefined} safe>
                              {o.name}
                            </button>
                          </form>
                        </li>
                      ))}
                      <li>
                        <a href="/orgs/new">{safeIcon('plus')} New organization</a>
                      </li>
                    </ul>
                  </details>
                </li>
              ) : (
                ''
              )}
              <li>
                <details class="dropdown user-menu">
                  <summary>
                    {safeIcon('user')}
                    <span safe>{v.name}</span>
                  </summary>
                  <ul>
                    <li class="menu-caption" safe>
                      {v.email}
                    </li>
                    <li>
                      <a href="/account">{safeIcon('settings')} Account</a>
                    </li>
                    {v.canManageOrg ? (
                      <li>
                        <a href="/orgs/members">{safeIcon('users')} Organization</a>
                      </li>
                    ) : (
                      ''
                    )}
                    {v.isAdmin ? (
                      <li>
                        <a href="/admin">{safeIcon('shield')} Instance admin</a>
                      </li>
                    ) : (
                      ''
                    )}
                    <li>
                      <form method="post" action="/logout" class="inline-form">
                        <CsrfField token={v.csrf} />
                        <button type="submit" class="link-button">
                          {safeIcon('log-out')} Sign out
                        </button>
                      </form>
                    </li>
                  </ul>
                </details>
              </li>
            </ul>
          </div>
        </nav>
      </header>
      <main id="main" class="container" tabindex="-1">
        {props.flash ? <Flash kind={props.flash.kind} text={props.flash.text} /> : ''}
        {props.children}
      </main>
    </Layout>
  )
}

/** A centered card for pages outside the shell (sign-in, setup, invitations). */
export function Card(props: { title: string; csrf?: string; flash?: { kind: 'ok' | 'error'; text: string }; children?: Children }) {
  return (
    <Layout title={props.title} csrf={props.csrf} bodyClass="card-page">
      <main id="main" class="auth-card" tabindex="-1">
        <p class="brand">
          {safeIcon('layout-dashboard', 22)}
          <span>Coder IDE</span>
        </p>
        {props.flash ? <Flash kind={props.flash.kind} text={props.flash.text} /> : ''}
        {props.children}
      </main>
    </Layout>
  )
}
