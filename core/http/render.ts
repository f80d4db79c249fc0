/**
 * @module Page rendering: the same content as a full page in the shell (normal request) or as a
 * fragment (htmx request); flash messages carried across one redirect in a short-lived cookie.
 */
import type { Contribution, NavItem } from '../plugins/contract.ts'
import type { PluginHost } from '../plugins/host.ts'
import type { Identity } from '../auth/index.ts'
import { mayCreateOrgs, type OrgCreation } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { Card, SHELL_END, shellChrome, shellContent, type ShellViewer } from '../../views/shell.tsx'
import { documentHead, flat, stylesheetLinks } from '../../views/layout.tsx'
import { cookie, readCookie } from './cookies.ts'
import { addressKey, requestMeta } from './request-meta.ts'
import { assetTag } from './static.ts'

export type FlashMessage = { kind: 'ok' | 'error'; text: string }

const HTML = 'text/html; charset=utf-8'

/** Options of a rendered page. */
export interface PageOptions {
  title: string
  body: string
  status?: number
  headers?: Record<string, string>
}

/** A rendered shell frame and what it was rendered from. */
interface ChromeEntry {
  path: string
  generation: number
  orgs: ShellViewer['orgs']
  nav: NavItem[]
  headerItems: string
  html: string
}

/** Frames kept per identity (one per recently opened path). */
const CHROME_PATHS = 8
/** Frames kept in all (~10 KB each), the oldest dropped first. */
const CHROME_FRAMES = 512

/** Renders pages for core and plugins alike. */
export class Renderer {
  constructor(
    private readonly host: PluginHost,
    private readonly identity: Identity,
    /** Who may create organizations (config ORG_CREATION): the shell offers "New organization" to them. */
    readonly orgCreation: OrgCreation = 'everyone',
  ) {}

  /** Nav entries of enabled plugins that this viewer may see, in order. */
  nav(auth: Auth | null): NavItem[] {
    const hit = auth ? this.navCache.get(auth) : undefined
    if (hit && hit.generation === this.host.generation) return hit.items
    const items = this.host
      .contributions('nav')
      .filter((item) => !item.permission || can(auth, item.permission))
      .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.label.localeCompare(b.label))
    if (auth) this.navCache.set(auth, { generation: this.host.generation, items })
    return items
  }

  /**
   * Per resolved identity (the resolver keeps one Auth object while nothing about the user, their
   * organization or the plugins changed, and for at most 30 s): the nav they may see, and the
   * rendered frame of the last few paths they opened (CHROME_FRAMES in all). Everything the frame
   * shows is in the key, so a stale frame cannot be served: a new Auth (sign-out, role or name
   * change), another plugin generation, another list of organizations, path or header item (the
   * unread count) each renders afresh; a page with search text is never kept.
   */
  private readonly navCache = new WeakMap<Auth, { generation: number; items: NavItem[] }>()
  private readonly chromeCache = new WeakMap<Auth, ChromeEntry[]>()
  /** Every kept frame with its identity, oldest first: the bound on them all. */
  private readonly frames = new Map<ChromeEntry, Auth>()

  private chrome(auth: Auth, viewer: ShellViewer, nav: NavItem[], path: string, searchQuery: string | undefined): string {
    // A page with search text is rendered each time: the text is the visitor's (any length).
    if (searchQuery) return shellChrome({ viewer, nav, path, searchQuery })
    const generation = this.host.generation
    let entries = this.chromeCache.get(auth)
    if (!entries) this.chromeCache.set(auth, (entries = []))
    for (const e of entries) {
      if (e.path === path && e.generation === generation && e.orgs === viewer.orgs && e.nav === nav && e.headerItems === viewer.headerItems) return e.html
    }
    const html = flat(shellChrome({ viewer, nav, path }))
    if (entries.length >= CHROME_PATHS) this.frames.delete(entries.shift()!)
    const entry: ChromeEntry = { path, generation, orgs: viewer.orgs, nav, headerItems: viewer.headerItems, html }
    entries.push(entry)
    this.frames.set(entry, auth)
    if (this.frames.size > CHROME_FRAMES) {
      const [oldest, owner] = this.frames.entries().next().value!
      this.frames.delete(oldest)
      const list = this.chromeCache.get(owner)
      const at = list ? list.indexOf(oldest) : -1
      if (at !== -1) list!.splice(at, 1)
    }
    return html
  }

  private headerCache: { generation: number; items: Contribution<'shell.header'>[] } | undefined
  private stylesCache: { generation: number; html: string } | undefined

  /**
   * The enabled plugins' stylesheet links for the head (their manifests' `styles`), built once per
   * plugin generation: `/public/<id>/<name>?v=<content hash>`, which static.ts serves as immutable.
   */
  private styles(): string | Promise<string> {
    const generation = this.host.generation
    if (this.stylesCache?.generation === generation) return this.stylesCache.html
    return (async () => {
      const hrefs: string[] = []
      for (const sheet of this.host.stylesheets()) {
        const tag = await assetTag(sheet.file).catch(() => undefined)
        if (tag) hrefs.push(`/public/${sheet.id}/${sheet.name}?v=${tag}`)
      }
      const html = flat(stylesheetLinks(hrefs))
      // kept only if no plugin changed meanwhile (a newer generation builds its own)
      if (this.host.generation === generation) this.stylesCache = { generation, html }
      return html
    })()
  }

  /** The enabled plugins' shell header items, in order. */
  private headerItems(): Contribution<'shell.header'>[] {
    if (this.headerCache?.generation !== this.host.generation) {
      const items = this.host.contributions('shell.header').slice().sort((a, b) => (a.order ?? 100) - (b.order ?? 100))
      this.headerCache = { generation: this.host.generation, items }
    }
    return this.headerCache.items
  }

  /** What the shell shows about the signed-in viewer. */
  async viewer(auth: Auth): Promise<ShellViewer> {
    const orgs = this.identity.resolver.cachedOrgsOf(auth.user.id) ?? (await this.identity.resolver.orgsOf(auth.user.id))
    let headerItems = ''
    for (const item of this.headerItems()) {
      try {
        const html = item.render(auth)
        headerItems += (typeof html === 'string' ? html : await html) ?? ''
      } catch {
        // a broken header item never breaks the page
      }
    }
    return {
      headerItems,
      name: auth.user.name,
      email: auth.user.email,
      isAdmin: auth.user.isAdmin,
      csrf: auth.session?.csrf ?? '',
      org: auth.org ? { id: auth.org.id, name: auth.org.name } : undefined,
      orgs,
      canManageOrg: can(auth, 'core.members.read'),
      canCreateOrg: mayCreateOrgs(this.orgCreation, auth.user),
    }
  }

  /** A page in the shell (or its fragment for htmx). Needs a signed-in viewer. */
  async page(request: Request, auth: Auth, options: PageOptions): Promise<Response> {
    // A signed-in page (or fragment) is this viewer's: no shared cache may keep it.
    const headers: Record<string, string> = { 'content-type': HTML, 'cache-control': 'private, no-cache', ...options.headers }
    if (isFragmentRequest(request)) return new Response(options.body, { status: options.status ?? 200, headers })
    const flash = takeFlash(request, headers)
    const url = new URL(request.url)
    const path = url.pathname
    const searchQuery = path === '/search' ? (url.searchParams.get('q') ?? undefined) : undefined
    const chrome = this.chrome(auth, await this.viewer(auth), this.nav(auth), path, searchQuery)
    const styles = this.styles()
    const head = documentHead(options.title, typeof styles === 'string' ? styles : await styles)
    const html = '<!doctype html>' + head + chrome + shellContent(flash, options.body) + SHELL_END
    return new Response(html, { status: options.status ?? 200, headers })
  }

  /** A page outside the shell (sign-in, setup, invitations), with the anonymous CSRF token. */
  card(request: Request, options: PageOptions & { csrf: string }): Response {
    const headers: Record<string, string> = { 'content-type': HTML, 'cache-control': 'no-store', ...options.headers }
    const flash = takeFlash(request, headers)
    const html = Card({ title: options.title, csrf: options.csrf, flash, children: options.body }) as string
    return new Response('<!doctype html>' + html, { status: options.status ?? 200, headers })
  }
}

/** True for htmx requests that want a fragment (not history restores). */
export function isFragmentRequest(request: Request): boolean {
  return request.headers.get('hx-request') === 'true' && request.headers.get('hx-history-restore-request') !== 'true'
}

/** A 303 redirect (or HX-Redirect for htmx) that shows `flash` on the next page. */
export function redirect(request: Request, location: string, flash?: FlashMessage, extraCookies: string[] = []): Response {
  const headers = new Headers({ location })
  if (request.headers.get('hx-request') === 'true') headers.set('hx-redirect', location)
  if (flash) headers.append('set-cookie', cookie(request, 'flash', Buffer.from(JSON.stringify(flash)).toString('base64url'), 60))
  for (const c of extraCookies) headers.append('set-cookie', c)
  return new Response(null, { status: request.headers.get('hx-request') === 'true' ? 200 : 303, headers })
}

/** Reads and clears the flash cookie. */
function takeFlash(request: Request, headers: Record<string, string>): FlashMessage | undefined {
  const raw = readCookie(request, 'flash')
  if (!raw) return undefined
  headers['set-cookie'] = cookie(request, 'flash', '', 0)
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as FlashMessage
    return typeof value?.text === 'string' && (value.kind === 'ok' || value.kind === 'error') ? { kind: value.kind, text: value.text.slice(0, 300) } : undefined
  } catch {
    return undefined
  }
}

/** The client address of a request (for audit; rate limits key on `limitAddress`). */
export function clientIp(request: Request): string {
  return requestMeta(request).ip
}

/** What per-address rate limits count a request under: its address, an IPv6 one by its /64 (`addressKey`). */
export function limitAddress(request: Request): string {
  return addressKey(requestMeta(request).ip)
}
