/** @module Pieces the organization pages share: heading and tabs, error pages, the current org, who may grant a role. */
import { InputError } from '../auth/accounts.ts'
import type { Org, Role } from '../auth/orgs.ts'
import { permissionCatalog, rolePermissions } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { errorFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { PageHeader } from '../../views/components.tsx'
import { sentence } from './invite.tsx'

/** The organization tabs; tabs the viewer may not use are left out. */
const TABS = [
  { href: '/orgs/members', label: 'Members', permission: 'core.members.read' },
  { href: '/orgs/teams', label: 'Teams', permission: 'core.members.read' },
  { href: '/orgs/roles', label: 'Roles', permission: 'core.roles.manage' },
  { href: '/orgs/audit', label: 'Audit log', permission: 'core.audit.read' },
  { href: '/orgs/settings', label: 'Settings', permission: 'core.org.manage' },
]

function OrgTabs(props: { auth: Auth; current: string }) {
  return (
    <nav aria-label="Organization">
      <ul class="tabs">
        {TABS.filter((t) => can(props.auth, t.permission)).map((t) => (
          <li>
            <a href={t.href} aria-current={t.href === props.current ? 'page' : undefined} safe>
              {t.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** The heading and tab bar every organization page starts with. */
export function OrgHeader(props: { auth: Auth; current: string; subtitle: string }) {
  return (
    <>
      <PageHeader title={props.auth.org?.name ?? 'Organization'} subtitle={props.subtitle} />
      <OrgTabs auth={props.auth} current={props.current} />
    </>
  )
}

/** An InputError as an error page with its status (404 for another organization's ids). */
export function problem(request: Request, err: unknown): Response {
  if (!(err instanceof InputError)) throw err
  const titles: Record<number, string> = { 400: 'Bad request', 403: 'Not allowed', 404: 'Not found', 409: 'Cannot do that', 422: 'Cannot do that', 429: 'Too many attempts' }
  return errorFor(new URL(request.url).pathname, err.status, err.status === 404 ? 'not_found' : 'invalid', titles[err.status] ?? 'Cannot do that', sentence(err.message))
}

/** A 404 page: no `what` with that id in the current organization. */
export function notFound(request: Request, what: string): Response {
  return errorFor(new URL(request.url).pathname, 404, 'not_found', 'Not found', `No such ${what} in this organization.`)
}

/** The organization the viewer works in (every route here declares an org permission, so there is one). */
export function orgOf(auth: Auth): Org {
  return auth.org!
}

/**
 * Whether the viewer holds every permission `role` grants, so may hand it out or take it away.
 * Every declared permission counts, of enabled plugins or not: a role keeps a disabled plugin's
 * permissions and they are back the moment it is on again, so granting the role while the plugin
 * is off would hand them out just the same. A permission of a plugin that is off counts as held
 * when the viewer's own role would hold it with the plugin on (API tokens: never).
 */
export function granter(deps: ServerDeps, auth: Auth): (role: Role) => boolean {
  const declared = permissionCatalog(deps.host, { includeDisabled: true })
  const enabled = new Set(deps.identity.resolver.catalog().map((e) => e.name))
  const wouldHold = auth.role && !auth.tokenId ? rolePermissions(declared, auth.role) : new Set<string>()
  const holds = (p: string) => auth.permissions.has(p) || (!enabled.has(p) && wouldHold.has(p))
  return (role) => [...rolePermissions(declared, role)].every(holds)
}

/** The role `roleId` of the current organization, or a 404 page. */
export async function roleOf(deps: ServerDeps, request: Request, auth: Auth, roleId: string): Promise<Role | Response> {
  const role = (await deps.identity.orgs.listRoles(orgOf(auth).id)).find((r) => r.id === roleId)
  return role ?? notFound(request, 'role')
}
