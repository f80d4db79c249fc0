/**
 * @module Who is asking: turns a request's session cookie or Bearer token into an Auth (user,
 * current organization, role, permissions). A Bearer token counts only on the JSON API
 * (`/api/v1/*`, the admin API the CLI calls included); there it is the whole identity and cookies
 * are ignored. Elsewhere (pages, HTML forms) the Authorization header is ignored: a token cannot
 * drive a browser form, which is also why the CSRF check may skip Bearer requests on the API only.
 */
import type { PluginHost } from '../plugins/host.ts'
import { sessionCookieName, readCookie } from '../http/cookies.ts'
import type { Accounts, SessionInfo, User } from './accounts.ts'
import type { Org, Orgs, Role } from './orgs.ts'
import { INSTANCE_ADMIN, SIGNED_IN, permissionCatalog, rolePermissions, type PermissionEntry } from './permissions.ts'
import type { Tokens } from './tokens.ts'
import { safeEqual } from './crypto.ts'

/** The identity behind a request. */
export interface Auth {
  user: User
  /** Set for browser sessions (cookie); carries the CSRF token. */
  session?: SessionInfo
  /** Set for API token requests. */
  tokenId?: string
  /** The current organization, when the user belongs to one. */
  org?: Org
  role?: Role
  permissions: Set<string>
}

/** Where a Bearer token is honoured: the JSON API (`/api/v1/...`). */
export const BEARER_PREFIX = '/api/v1/'

/** Whether a path takes `Authorization: Bearer` (the JSON API only). */
export function acceptsBearer(pathname: string): boolean {
  return pathname.startsWith(BEARER_PREFIX)
}

/** Whether a request's URL is on the JSON API, without building a URL object. */
function bearerUrl(url: string): boolean {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  return start !== -1 && url.startsWith(BEARER_PREFIX, start)
}

/** The Authorization header when it counts for this request (on the API), else null. */
function bearerHeader(request: Request): string | null {
  const header = request.headers.get('authorization')
  return header && bearerUrl(request.url) ? header : null
}

const CACHE_MS = 30_000
const CACHE_MAX = 10_000

/** Whether `auth` holds `permission` (instance-admin rights come from the account, not a role). */
export function can(auth: Auth | null | undefined, permission: string): boolean {
  if (!auth) return false
  if (permission === SIGNED_IN) return true
  if (permission === INSTANCE_ADMIN) return auth.user.isAdmin && (!auth.tokenId || auth.permissions.has(INSTANCE_ADMIN))
  return auth.permissions.has(permission)
}

/** Resolves requests to Auth, caching the permission catalog per plugin generation. */
export class AuthResolver {
  private catalogCache: { generation: number; list: PermissionEntry[] } | undefined
  /**
   * Resolved browser sessions by cookie token. An entry is good while no identity data changed
   * (Accounts.generation), the plugins did not change (permissions), and for at most CACHE_MS, so the
   * session's idle time is still refreshed and checked about once a minute. Sign-out, disabling a
   * user and role changes bump the generation, so they take effect on the next request.
   */
  private readonly cache = new Map<string, { auth: Auth; at: number; generation: number; plugins: number }>()
  private readonly orgCache = new Map<string, { orgs: { id: string; name: string }[]; at: number; generation: number }>()
  private readonly memberCache = new Map<string, { people: { id: string; name: string; email: string }[]; at: number; generation: number }>()

  constructor(
    private readonly accounts: Accounts,
    private readonly orgs: Orgs,
    private readonly tokens: Tokens,
    private readonly host: PluginHost,
    /** Tokens that act as an instance admin with no account (ADMIN_TOKEN, the CLI's runtime token). */
    private readonly serviceTokens: string[] = [],
  ) {}

  /** Core's and the enabled plugins' permissions. */
  catalog(): PermissionEntry[] {
    if (this.catalogCache?.generation !== this.host.generation) {
      this.catalogCache = { generation: this.host.generation, list: permissionCatalog(this.host) }
    }
    return this.catalogCache.list
  }

  /** The session behind the cookie, in any stage (the two-factor page needs the pending one). */
  async session(request: Request): Promise<SessionInfo | undefined> {
    if (bearerHeader(request)) return undefined
    const token = readCookie(request, sessionCookieName(request))
    return token ? this.accounts.sessionFromToken(token) : undefined
  }

  /** The Auth for a request, or null when nobody (or only a half-signed-in session) is behind it. */
  async resolve(request: Request): Promise<Auth | null> {
    const header = bearerHeader(request)
    if (header) {
      if (!header.startsWith('Bearer ')) return null
      const secret = header.slice(7).trim()
      if (this.serviceTokens.some((t) => safeEqual(t, secret))) return serviceAuth()
      const token = await this.tokens.fromSecret(header.slice(7).trim())
      if (!token) return null
      const user = await this.accounts.getUser(token.userId)
      if (!user || user.disabled) return null
      const base = await this.forOrg(user, token.orgId)
      const scoped = new Set(token.permissions.filter((p) => base.permissions.has(p) || (p === INSTANCE_ADMIN && user.isAdmin)))
      return { ...base, tokenId: token.id, permissions: scoped }
    }
    const token = readCookie(request, sessionCookieName(request))
    if (!token) return null
    const now = Date.now()
    const cached = this.cache.get(token)
    if (cached && cached.generation === this.accounts.generation && cached.plugins === this.host.generation && now - cached.at < CACHE_MS && cached.auth.session!.expiresAt.getTime() > now) {
      return cached.auth
    }
    if (cached) this.cache.delete(token) // out of date: what it holds (and the frames kept for it) can go
    const session = await this.accounts.sessionFromToken(token)
    if (!session || session.stage !== 'full') return null
    let orgId = session.orgId
    if (!orgId) {
      orgId = (await this.orgs.orgsOf(session.user.id))[0]?.id ?? null
      if (orgId) await this.accounts.setSessionOrg(session.id, orgId)
    }
    const generation = this.accounts.generation
    const auth: Auth = { ...(await this.forOrg(session.user, orgId)), session }
    if (this.cache.size >= CACHE_MAX) this.cache.clear()
    this.cache.set(token, { auth, at: now, generation, plugins: this.host.generation })
    return auth
  }

  /** Active members of an organization (plugins' people pickers); cached like identities. */
  async members(orgId: string): Promise<{ id: string; name: string; email: string }[]> {
    const hit = this.memberCache.get(orgId)
    if (hit && hit.generation === this.accounts.generation && Date.now() - hit.at < CACHE_MS) return hit.people
    const generation = this.accounts.generation
    const people = (await this.orgs.listMembers(orgId)).filter((m) => !m.user.disabled).map((m) => ({ id: m.user.id, name: m.user.name, email: m.user.email }))
    if (this.memberCache.size >= CACHE_MAX) this.memberCache.clear()
    this.memberCache.set(orgId, { people, at: Date.now(), generation })
    return people
  }

  /** `orgsOf` when it is cached and current, without waiting; else undefined. */
  cachedOrgsOf(userId: string): { id: string; name: string }[] | undefined {
    const hit = this.orgCache.get(userId)
    return hit && hit.generation === this.accounts.generation && Date.now() - hit.at < CACHE_MS ? hit.orgs : undefined
  }

  /** The organizations a user belongs to, for the shell's switcher; cached like identities. */
  async orgsOf(userId: string): Promise<{ id: string; name: string }[]> {
    const hit = this.cachedOrgsOf(userId)
    if (hit) return hit
    const generation = this.accounts.generation
    const orgs = (await this.orgs.orgsOf(userId)).map((o) => ({ id: o.id, name: o.name }))
    if (this.orgCache.size >= CACHE_MAX) this.orgCache.clear()
    this.orgCache.set(userId, { orgs, at: Date.now(), generation })
    return orgs
  }

  /** The Auth a user would have in an organization, without a request (undefined: no such member). */
  async authFor(userId: string, orgId: string): Promise<Auth | undefined> {
    const user = await this.accounts.getUser(userId)
    if (!user || user.disabled) return undefined
    const auth = await this.forOrg(user, orgId)
    return auth.org ? auth : undefined
  }

  private async forOrg(user: User, orgId: string | null): Promise<Auth> {
    const membership = orgId ? await this.orgs.membership(user.id, orgId) : undefined
    if (!membership) return { user, permissions: new Set() }
    return { user, org: membership.org, role: membership.role, permissions: rolePermissions(this.catalog(), membership.role) }
  }
}

/** The identity of a service-token caller: an instance admin with no organization. */
function serviceAuth(): Auth {
  const user: User = { id: 'service-token', email: 'service-token', name: 'Service token', isAdmin: true, disabled: false, totpEnabled: false, createdAt: new Date(0) }
  return { user, tokenId: 'service-token', permissions: new Set([INSTANCE_ADMIN]) }
}
