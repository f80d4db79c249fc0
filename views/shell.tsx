/** @module The signed-in shell: header with nav, search, organization switcher, user menu; then the page. */
import { escapeHtml, type Children } from '@kitajs/html'
import type { NavItem } from '../core/plugins/contract.ts'
import { Flash } from './components.tsx'
import { safeIcon } from './icons.ts'
import { bodyOpen, childrenHtml, Layout } from './layout.tsx'

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
  /** Whether the viewer may create organizations (ORG_CREATION; shows "New organization"). */
  canCreateOrg: boolean
}

/** The nav list; also sent alone (out of band) when plugins change. */
export function MainNav(props: { items: NavItem[]; path: string; oob?: boolean }): string {
  let html = props.oob ? '<ul id="main-nav" class="main-nav" hx-swap-oob="true">' : '<ul id="main-nav" class="main-nav">'
  for (const item of props.items) {
    const current = props.path === item.href || props.path.startsWith(item.href + '/')
    // The title is the tooltip where app.css shows icons only (laptop widths, many entries); the
    // label stays in the link (visually hidden there), so it is still the accessible name.
    const label = escapeHtml(item.label)
    html += `<li><a href="${escapeHtml(item.href)}" title="${label}"${current ? ' aria-current="page"' : ''}>${safeIcon(item.icon ?? 'plug')}<span>${label}</span></a></li>`
  }
  return html + '</ul>'
}

// The shell is string templates rather than JSX: it wraps every signed-in page, and JSX's
// attribute serialization was most of its cost. Constant runs are joined once, here; every
// dynamic value in the shell goes through escapeHtml (or is a trusted icon / already-safe HTML).
// Characters beyond Latin-1 are written as entities (&hellip;): one such character makes the whole
// page a two-byte string that Bun must transcode to send (~10% of a small page's cost).
const BAR_BRAND =
  '<header class="app-header"><nav class="app-bar" aria-label="Main"><a href="/" class="brand" aria-label="Coder IDE home">' +
  safeIcon('layout-dashboard', 20) +
  '<span>Coder IDE</span></a>'
// Header items (the bell) follow the folding panel in the DOM, so Tab reaches them where they are
// drawn on wide screens (after the user menu, at the right end); outside the panel, so phones still
// show them beside the menu button (moved there with CSS `order`, public/app.css).
const BAR_TOGGLE = '<details class="nav-toggle"><summary aria-label="Menu">' + safeIcon('menu', 20) + '</summary></details><div class="nav-panel">'
const SEARCH_START =
  '<form class="search-form" role="search" method="get" action="/search"><label for="global-search" class="visually-hidden">Search</label>' +
  '<input id="global-search" type="search" name="q" placeholder="Search&hellip;"'
// "/" focuses it on every page whose own content declares no "/" (app.js: a shortcut inside <main> wins)
const SEARCH_END = ' title="Search (press /)" data-shortcut="/" aria-keyshortcuts="/" autocomplete="off"/></form><ul class="menus">'
const ORG_MENU_START = '<li><details class="dropdown org-switcher"><summary>' + safeIcon('building-2') + '<span>'
const NEW_ORG = `<li><a href="/orgs/new">${safeIcon('plus')} New organization</a></li>`
const USER_MENU_START = '<li><details class="dropdown user-menu"><summary>' + safeIcon('user') + '<span>'
const ACCOUNT = `<li><a href="/account">${safeIcon('settings')} Account</a></li>`
const ORGANIZATION = `<li><a href="/orgs/members">${safeIcon('users')} Organization</a></li>`
const INSTANCE_ADMIN = `<li><a href="/admin">${safeIcon('shield')} Instance admin</a></li>`
const SIGN_OUT_END = `<button type="submit" class="link-button">${safeIcon('log-out')} Sign out</button></form></li></ul></details></li></ul></div>`
const BAR_END = '</nav></header>'

/** What the shell's frame depends on (everything but the title, the flash and the page itself). */
export interface ChromeProps {
  viewer: ShellViewer
  nav: NavItem[]
  path: string
  searchQuery?: string
}

/**
 * The signed-in frame from `<body>` to the opening `<main>`: bar, nav, search, organization and
 * user menus, header items. It depends on the viewer and the path only, so the renderer keeps it
 * between requests (`Renderer.page`).
 */
export function shellChrome(props: ChromeProps): string {
  const v = props.viewer
  const csrfField = `<input type="hidden" name="_csrf" value="${escapeHtml(v.csrf)}"/>`
  let html = bodyOpen(v.csrf) + BAR_BRAND + BAR_TOGGLE + MainNav({ items: props.nav, path: props.path }) + SEARCH_START
  if (props.searchQuery !== undefined) html += ` value="${escapeHtml(props.searchQuery)}"`
  html += SEARCH_END
  if (v.orgs.length > 0) {
    html += `${ORG_MENU_START}${escapeHtml(v.org?.name ?? 'No organization')}</span></summary><ul>`
    for (const o of v.orgs) {
      html +=
        `<li><form method="post" action="/orgs/switch" class="inline-form">${csrfField}<input type="hidden" name="org" value="${escapeHtml(o.id)}"/>` +
        `<button type="submit" class="link-button"${o.id === v.org?.id ? ' aria-current="true"' : ''}>${escapeHtml(o.name)}</button></form></li>`
    }
    if (v.canCreateOrg) html += NEW_ORG
    html += '</ul></details></li>'
  }
  html += `${USER_MENU_START}${escapeHtml(v.name)}</span></summary><ul><li class="menu-caption">${escapeHtml(v.email)}</li>${ACCOUNT}`
  if (v.canManageOrg) html += ORGANIZATION
  if (v.isAdmin) html += INSTANCE_ADMIN
  html += `<li><form method="post" action="/logout" class="inline-form">${csrfField}${SIGN_OUT_END}`
  if (v.headerItems) html += `<div class="header-items">${v.headerItems}</div>`
  return html + BAR_END + '<main id="main" class="container" tabindex="-1">'
}

/** What follows the page inside the frame. */
export const SHELL_END = '</main></body></html>'

/** The page inside the frame: the flash message, then the page's own (already safe) HTML. */
export function shellContent(flash: { kind: 'ok' | 'error'; text: string } | undefined, children: Children | undefined): string {
  return flash ? (Flash({ kind: flash.kind, text: flash.text }) as string) + childrenHtml(children) : childrenHtml(children)
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
