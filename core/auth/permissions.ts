/**
 * @module Permissions: the catalog (core's own plus every enabled plugin's) and what each built-in
 * role holds. Built-in roles derive their grants from the catalog, so a newly enabled plugin's
 * permissions reach members at once; custom roles list theirs, and keep a disabled plugin's.
 */
import type { PermissionSpec } from '../plugins/contract.ts'
import type { PluginHost } from '../plugins/host.ts'
import type { BuiltinRole } from '../store/schema.ts'

/** One permission as the role editor shows it. */
export interface PermissionEntry {
  name: string
  description: string
  /** Lowest built-in role holding it. */
  grant: BuiltinRole
  /** 'core' or the plugin id. */
  group: string
  groupName: string
}

/** Permissions core itself checks. `core.instance.admin` is held by instance admins only, never by a role. */
export const CORE_PERMISSIONS: Record<string, PermissionSpec> = {
  'core.members.read': { description: 'See members and teams (names only)', grant: 'guest' },
  'core.emails.read': { description: "See members' email addresses", grant: 'member' },
  'core.members.manage': { description: 'Invite and remove members, change their roles', grant: 'admin' },
  'core.teams.manage': { description: 'Create and edit teams', grant: 'admin' },
  'core.roles.manage': { description: 'Create and edit custom roles', grant: 'admin' },
  'core.org.manage': { description: 'Rename the organization (owners also delete it)', grant: 'owner' },
  'core.audit.read': { description: "Read the organization's audit log", grant: 'admin' },
}
export const INSTANCE_ADMIN = 'core.instance.admin'
/** Held by every signed-in user (and API token): pages about oneself, search, creating an org. */
export const SIGNED_IN = 'core.account.use'

/** Who may create organizations (config ORG_CREATION): any signed-in user, or instance admins only. */
export type OrgCreation = 'everyone' | 'admins'

/** Whether `user` may create organizations under the ORG_CREATION setting (the shell's link, the profile's, the page itself). */
export function mayCreateOrgs(setting: OrgCreation, user: { isAdmin: boolean }): boolean {
  return setting === 'everyone' || user.isAdmin
}

const RANK: Record<BuiltinRole, number> = { guest: 0, member: 1, admin: 2, owner: 3 }

/** The lowest built-in role for a permission declared as a bare description. */
export function grantFor(name: string, spec: string | PermissionSpec): BuiltinRole {
  if (typeof spec !== 'string') return spec.grant
  const verb = name.slice(name.lastIndexOf('.') + 1)
  if (['read', 'view', 'list'].includes(verb)) return 'guest'
  if (['manage', 'admin', 'configure'].includes(verb)) return 'admin'
  return 'member'
}

/**
 * Every permission of core and the enabled plugins, grouped for the role editor. A name appears
 * once: the host refuses plugins declaring names outside their own `<id>.` namespace, and should
 * one get through, core's entry (then the first plugin's) is the one that counts, so a plugin can
 * never lower the grant of a permission it does not own. `includeDisabled` adds the permissions
 * of registered plugins that are off: roles keep those, and they count again once the plugin is on.
 */
export function permissionCatalog(host: Pick<PluginHost, 'list'>, options: { includeDisabled?: boolean } = {}): PermissionEntry[] {
  const out = coreCatalog()
  const seen = new Set(out.map((e) => e.name))
  for (const p of host.list()) {
    if (p.status !== 'enabled' && !options.includeDisabled) continue
    for (const [name, spec] of Object.entries(p.permissions)) {
      if (seen.has(name) || !name.startsWith(`${p.id}.`)) continue
      seen.add(name)
      out.push({ name, description: typeof spec === 'string' ? spec : spec.description, grant: grantFor(name, spec), group: p.id, groupName: p.name })
    }
  }
  return out
}

/** Core's own permissions as catalog entries (what `permissionCatalog` starts with). */
export function coreCatalog(): PermissionEntry[] {
  return Object.entries(CORE_PERMISSIONS).map(([name, spec]) => ({ name, description: spec.description, grant: spec.grant, group: 'core', groupName: 'Organization' }))
}

/** The permissions a role holds now: built-in by rank, custom by its list (only enabled ones count). */
export function rolePermissions(catalog: PermissionEntry[], role: { builtin: string | null; permissions: string[] }): Set<string> {
  if (role.builtin) {
    const rank = RANK[role.builtin as BuiltinRole] ?? -1
    return new Set(catalog.filter((p) => RANK[p.grant] <= rank).map((p) => p.name))
  }
  const known = new Set(catalog.map((p) => p.name))
  return new Set(role.permissions.filter((p) => known.has(p)))
}

/** Permission to see members' email addresses (guests see names only, as on Plane and Linear). */
export const EMAILS_READ = 'core.emails.read'

/** Whether a holder of `permissions` sees members' emails: `core.emails.read`, or managing members (who must tell people apart). */
export function seesEmails(permissions: ReadonlySet<string>): boolean {
  return permissions.has(EMAILS_READ) || permissions.has('core.members.manage')
}
