/**
 * @module The permission guard every route declares: `{ permission: 'planning.task.read' }`, or
 * `{ permission: false }` for a public route. Routes get `auth` in their context. Anonymous callers
 * get 401 (a sign-in redirect in the browser), callers without the permission 403. The host reads
 * the declared permission back (see `declaredPermission`) to refuse undeclared routes and to feed
 * the access-matrix test.
 */
import { Elysia } from 'elysia'
import { can, type Auth } from '../auth/resolve.ts'
import { CORE_PERMISSIONS, INSTANCE_ADMIN, type PermissionEntry } from '../auth/permissions.ts'
import { INSTANCE_ADMIN_SCOPE } from '../auth/tokens.ts'
import { requestMeta } from './request-meta.ts'
import { errorFor, errorPageFor, isApiPath } from './respond.ts'
import type { ErrorMessage } from '../../views/error-page.tsx'

type Tagged = { permission?: string | false }

/** The Auth of a request (null for anonymous); resolved once per request. */
export function requestAuth(request: Request): Promise<Auth | null> {
  return requestMeta(request).auth?.() ?? Promise.resolve(null)
}

/** 401/403 for a route: JSON on the API, a page (or sign-in redirect) in the browser. */
export async function denied(request: Request, auth: Auth | null, permission: string): Promise<Response> {
  const url = new URL(request.url)
  if (!auth) {
    if (isApiPath(url.pathname)) return errorFor(url.pathname, 401, 'unauthenticated', 'Sign in', 'Sign in, or send Authorization: Bearer <API token>.')
    // A token counts on the API only (core/auth/resolve.ts): say so instead of sending a script to /login.
    if (request.headers.get('authorization')?.startsWith('Bearer ')) {
      return errorFor(url.pathname, 403, 'token_not_accepted', 'Not allowed here', 'API tokens work on /api/v1/ only. Pages and forms need a browser session: sign in.')
    }
    const next = encodeURIComponent(url.pathname + url.search)
    const headers: Record<string, string> = { location: `/login?next=${next}` }
    if (request.headers.get('hx-request')) headers['hx-redirect'] = headers.location!
    return new Response(null, { status: request.headers.get('hx-request') ? 401 : 303, headers })
  }
  if (isApiPath(url.pathname)) return errorFor(url.pathname, 403, 'forbidden', 'Not allowed', deniedMessage(auth, permission))
  return errorPageFor(request, url.pathname, 403, 'forbidden', 'Not allowed', deniedPageMessage(auth, permission))
}

/** Where a 403 looks up what a permission allows: core's and the enabled plugins' catalog. */
let catalog: () => PermissionEntry[] = () =>
  Object.entries(CORE_PERMISSIONS).map(([name, spec]) => ({ name, description: spec.description, grant: spec.grant, group: 'core', groupName: 'Organization' }))

/** Lets 403 answers name what a missing permission allows (set once identity exists). */
export function setPermissionCatalog(list: () => PermissionEntry[]): void {
  catalog = list
}

/** What a permission allows, in the catalog's words ("Create and edit custom roles"), and the lowest built-in role holding it. */
function describe(permission: string): { description: string; grant?: string } | undefined {
  if (permission === INSTANCE_ADMIN) return { description: INSTANCE_ADMIN_SCOPE }
  try {
    const entry = catalog().find((e) => e.name === permission)
    return entry ? { description: entry.description, grant: entry.grant } : undefined
  } catch {
    return undefined // a 403 never turns into a 500 over its wording
  }
}

/**
 * `the permission “Create and edit custom roles” (core.roles.manage)`: the description as the role
 * editor and the token form label it, so the one asked knows which box to tick; the bare name when
 * the catalog does not know it.
 */
function needed(permission: string): string {
  const d = describe(permission)
  return d ? `the permission “${d.description}” (${permission})` : `the permission "${permission}"`
}

/** What a caller who lacks `permission` can do about it. */
export function deniedMessage(auth: Auth, permission: string): string {
  if (permission === INSTANCE_ADMIN && !auth.user.isAdmin) return 'Only instance admins may do this; an organization admin cannot grant it. Ask an instance admin.'
  if (auth.tokenId === 'service-token') return `The service token acts as an instance admin on the admin API only (/api/v1/admin/plugins); it is no member of any organization, so it lacks ${needed(permission)}. Use a personal API token for organization data.`
  // a token carries the permissions it was created with (and only those the account holds)
  if (auth.tokenId) {
    if (!auth.org) return `This API token's organization no longer counts you as a member, so the token lacks ${needed(permission)}. Create a new token on /account/tokens in an organization you belong to.`
    const d = describe(permission)
    return `This API token does not grant "${permission}". Create a token that includes it on /account/tokens (your role in the organization must hold it too)${d ? `: it is listed there as “${d.description}”` : ''}.`
  }
  if (!auth.org) return `You need ${needed(permission)}, which comes with a role in an organization, and you belong to none yet. Create an organization on /orgs/new, or ask someone to invite you to theirs.`
  const who = describe(permission)?.grant === 'owner' ? 'an owner' : 'an owner or admin'
  return `You need ${needed(permission)} here. Your role in ${auth.org.name}${auth.role ? ` (${auth.role.name})` : ''} does not include it: ask ${who} of ${auth.org.name} to give it to you.`
}

/**
 * What a 403 page says: one short sentence ("You need permission to create and edit custom roles in
 * Acme. Ask an owner or admin."), with the permission id and the role folded away in the details
 * for admins debugging. The JSON API keeps the longer `deniedMessage` (scripts log it whole).
 */
export function deniedPageMessage(auth: Auth, permission: string): ErrorMessage {
  const d = describe(permission)
  const details = `Missing permission: ${permission}${d ? ` (“${d.description}”)` : ''}.${auth.role ? ` Your role: ${auth.role.name}.` : ''}`
  // Not the token scope's wording ("Manage plugins through the admin API"): a person at /admin lacks the role, not a scope.
  if (permission === INSTANCE_ADMIN && !auth.user.isAdmin) return { text: 'Only instance admins may do this. Ask an instance admin.', details: INSTANCE_ADMIN_DETAILS }
  const what = d ? `permission to ${verbPhrase(d.description)}` : 'a permission you do not have'
  if (!auth.org) return { text: `You need ${what}, and you belong to no organization yet. Create one on /orgs/new, or ask to be invited.`, details }
  const who = d?.grant === 'owner' ? 'an owner' : 'an owner or admin'
  return { text: `You need ${what} in ${auth.org.name}. Ask ${who}.`, details }
}

/** What a 403 page tells someone who is no instance admin, in plain words. */
export const INSTANCE_ADMIN_DETAILS =
  'This part is for instance admins: the people who run this Coder IDE (its users, organizations and plugins). A role in an organization cannot grant it; an instance admin can make you one. (Missing: core.instance.admin.)'

/** A permission's description inside a sentence: "Create and edit teams" -> "create and edit teams" (asides in brackets dropped, acronyms kept). */
function verbPhrase(description: string): string {
  const plain = description.replace(/\s*\([^)]*\)/g, '').trim()
  return /^[A-Z][a-z]/.test(plain) ? plain[0]!.toLowerCase() + plain.slice(1) : plain
}

/**
 * The Elysia plugin with the guard macros. Plugins `.use(guard)`; core does too.
 * `{ permission: 'x.y.z' }` gives `auth: Auth` (or answers 401/403); `{ public: true }` gives `auth: Auth | null`.
 */
export const guard = new Elysia({ name: 'core:guard' }).macro({
  permission: (permission: string) => {
    // The check runs at transform, before body validation, so a caller without the permission
    // learns nothing about the route's input (a thrown Response is the answer).
    const transform = async ({ request }: { request: Request }) => {
      const auth = await requestAuth(request)
      if (!can(auth, permission)) throw await denied(request, auth, permission)
    }
    ;(transform as Tagged).permission = permission
    const resolve = async ({ request }: { request: Request }) => ({ auth: (await requestAuth(request)) as Auth })
    return { transform, resolve }
  },
  public: (on: true) => {
    const resolve = async ({ request }: { request: Request }) => ({ auth: await requestAuth(request) })
    ;(resolve as Tagged).permission = on ? false : undefined
    return { resolve }
  },
})

/** The permission a compiled route declared through the guard, or undefined when it declared none. */
export function declaredPermission(route: { hooks?: unknown }): string | false | undefined {
  const hooks = route.hooks as { beforeHandle?: unknown; transform?: unknown } | undefined
  const list = [hooks?.transform, hooks?.beforeHandle].flatMap((h) => (Array.isArray(h) ? h : h ? [h] : []))
  for (const hook of list as { fn?: { permission?: string | false }; permission?: string | false }[]) {
    const p = hook.fn?.permission ?? hook.permission
    if (p !== undefined) return p
  }
  return undefined
}
