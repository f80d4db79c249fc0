/**
 * @module Organizations: the orgs themselves, roles (built-in and custom), members, teams and
 * invitations. Every function that reads or changes an org's data takes the org id and filters by
 * it, so another organization's ids are simply not found.
 */
import { and, asc, eq, gt, inArray, isNull, ne, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Db } from '../store/connect.ts'
import { isUniqueViolation } from '../store/errors.ts'
import { containsPattern } from '../store/like.ts'
import { BUILTIN_ROLES, type BuiltinRole } from '../store/schema.ts'
import type { Accounts, User } from './accounts.ts'
import { InputError, normalizeEmail } from './accounts.ts'
import { newId, randomToken, sha256 } from './crypto.ts'
import { coreCatalog, rolePermissions, type PermissionEntry } from './permissions.ts'

export interface Org {
  id: string
  slug: string
  name: string
  createdAt: Date
}

export interface Role {
  id: string
  orgId: string
  name: string
  builtin: BuiltinRole | null
  permissions: string[]
}

export interface Member {
  user: User
  role: Role
  joinedAt: Date
}

export interface Team {
  id: string
  orgId: string
  name: string
  description: string
  memberIds: string[]
}

/** Which members a search keeps (searchMembers, countMembers). */
export interface MemberFilter {
  /** Keeps members whose name contains it (any case; `%` and `_` literal). Empty keeps everyone. */
  query?: string
  /**
   * Whether `query` also matches email addresses: only for viewers who see them (`seesEmails`),
   * so that someone shown names only cannot find people by address either.
   */
  byEmail?: boolean
}

/**
 * One page of a member search, in (name, id) byte order: numbered pages skip `offset` members,
 * cursor pages start after the (name, id) of the previous page's last member.
 */
export interface MemberPage extends MemberFilter {
  limit: number
  offset?: number
  after?: { name: string; id: string }
}

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000

const ROLE_LABEL: Record<BuiltinRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member', guest: 'Guest' }

/** What an organization's address (slug) may be: lowercase letters and digits in dash-separated words, at most 40 characters. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** What deleting an organization removed. */
export interface DeletedOrg {
  org: Org
  /** How many memberships it had. */
  members: number
}

/** A URL-safe slug from a name. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
}

/** Organization services over the accounts store. */
export class Orgs {
  constructor(private readonly accounts: Accounts) {}

  private get db() {
    return this.accounts.store.db
  }
  private get t() {
    return this.accounts.t
  }

  // ---- organizations

  /** Creates an organization with the four built-in roles and `ownerId` as its owner. */
  async createOrg(input: { name: string; slug?: string }, ownerId: string): Promise<Org> {
    const name = input.name.trim()
    if (!name || name.length > 80) throw new InputError('enter an organization name of 1 to 80 characters', 'name')
    const slug = slugify(input.slug?.trim() || name)
    if (!slug) throw new InputError('the name needs at least one letter or digit', 'name')
    if (await this.findOrgBySlug(slug)) throw new InputError(`an organization with the short name "${slug}" exists already: choose another name`, 'name', 409)
    const org: Org = { id: newId(), slug, name, createdAt: new Date() }
    const roles = BUILTIN_ROLES.map((b) => ({ id: newId(), orgId: org.id, name: ROLE_LABEL[b], builtin: b, permissions: [], createdAt: org.createdAt }))
    await this.accounts.store.tx(async (db) => {
      await db.insert(this.t.orgs).values(org)
      await db.insert(this.t.roles).values(roles)
      await db.insert(this.t.members).values({ orgId: org.id, userId: ownerId, roleId: roles[0]!.id, createdAt: org.createdAt })
    })
    this.accounts.changed()
    return org
  }

  async findOrgBySlug(slug: string): Promise<Org | undefined> {
    const [row] = await this.db.select().from(this.t.orgs).where(eq(this.t.orgs.slug, slug))
    return row
  }

  async getOrg(id: string): Promise<Org | undefined> {
    const [row] = await this.db.select().from(this.t.orgs).where(eq(this.t.orgs.id, id))
    return row
  }

  /** Every organization (instance admin view), with member counts. */
  async listAllOrgs(): Promise<(Org & { members: number })[]> {
    const rows = await this.db
      .select({ org: this.t.orgs, members: sql<number>`count(${this.t.members.userId})` })
      .from(this.t.orgs)
      .leftJoin(this.t.members, eq(this.t.members.orgId, this.t.orgs.id))
      .groupBy(this.t.orgs.id, this.t.orgs.slug, this.t.orgs.name, this.t.orgs.createdAt)
      .orderBy(asc(this.t.orgs.name))
    return rows.map((r) => ({ ...r.org, members: Number(r.members) }))
  }

  /** The organizations a user belongs to, by name. */
  async orgsOf(userId: string): Promise<(Org & { role: string })[]> {
    const rows = await this.db
      .select({ org: this.t.orgs, role: this.t.roles.name })
      .from(this.t.members)
      .innerJoin(this.t.orgs, eq(this.t.orgs.id, this.t.members.orgId))
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .where(eq(this.t.members.userId, userId))
      .orderBy(asc(this.t.orgs.name))
    return rows.map((r) => ({ ...r.org, role: r.role }))
  }

  /** A user's membership in an org (org and role), or undefined. */
  async membership(userId: string, orgId: string): Promise<{ org: Org; role: Role } | undefined> {
    return this.membershipIn(this.db, userId, orgId)
  }

  /** `membership`, read through `db` (a transaction's handle). */
  private async membershipIn(db: Db, userId: string, orgId: string): Promise<{ org: Org; role: Role } | undefined> {
    const [row] = await db
      .select({ org: this.t.orgs, role: this.t.roles })
      .from(this.t.members)
      .innerJoin(this.t.orgs, eq(this.t.orgs.id, this.t.members.orgId))
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .where(and(eq(this.t.members.userId, userId), eq(this.t.members.orgId, orgId)))
    return row ? { org: row.org, role: toRole(row.role) } : undefined
  }

  /**
   * Renames an organization and, when `slug` is given, changes its address. Names and addresses
   * are unique on the instance (names without regard to case): a taken one is a 409 on its field.
   */
  async renameOrg(orgId: string, name: string, slug?: string): Promise<{ from: { name: string; slug: string }; to: { name: string; slug: string } }> {
    const org = await this.getOrg(orgId)
    if (!org) throw new InputError('no such organization', 'org', 404)
    const n = name.trim()
    if (!n || n.length > 80) throw new InputError('enter an organization name of 1 to 80 characters', 'name')
    const s = slug === undefined ? org.slug : slug.trim().toLowerCase()
    if (!s || s.length > 40 || !SLUG_PATTERN.test(s)) throw new InputError('enter a short name of 1 to 40 lowercase letters and digits, words joined by single dashes (like acme-labs)', 'slug')
    const [sameName] = await this.db
      .select({ id: this.t.orgs.id })
      .from(this.t.orgs)
      .where(and(ne(this.t.orgs.id, orgId), sql`lower(${this.t.orgs.name}) = ${n.toLowerCase()}`))
    if (sameName) throw new InputError(`another organization is named "${n}" already: choose another name`, 'name', 409)
    const taken = () => new InputError(`the short name "${s}" belongs to another organization: choose another`, 'slug', 409)
    if (s !== org.slug) {
      const other = await this.findOrgBySlug(s)
      if (other && other.id !== orgId) throw taken()
    }
    try {
      await this.db.update(this.t.orgs).set({ name: n, slug: s }).where(eq(this.t.orgs.id, orgId))
    } catch (err) {
      // Another rename took the address between the check and the update.
      if (isUniqueViolation(err)) throw taken()
      throw err
    }
    this.accounts.changed()
    return { from: { name: org.name, slug: org.slug }, to: { name: n, slug: s } }
  }

  /**
   * Deletes an organization: its memberships, teams, roles, invitations and API tokens go, in one
   * transaction; sessions working in it lose it (their next request picks another organization of
   * theirs, or none). The audit log keeps its entries. Plugins' data is not touched here: callers
   * announce `core.org.deleted` and have the host sweep plugin tables (PluginHost.sweepDeletedOrgs),
   * which finds the organization in core_deleted_orgs, written here in the same transaction.
   *
   * `confirm` must be the organization's name exactly. `byUserId` must be an active owner of it,
   * or, with `asInstanceAdmin`, an active instance admin.
   */
  async deleteOrg(orgId: string, confirm: string, byUserId: string, options: { asInstanceAdmin?: boolean } = {}): Promise<DeletedOrg> {
    const org = await this.getOrg(orgId)
    if (!org) throw new InputError('no such organization', 'org', 404)
    if (confirm.trim() !== org.name) throw new InputError(`type the organization's name, ${org.name}, exactly as shown to confirm`, 'confirm', 422)
    let members = 0
    await this.accounts.store.tx(async (db) => {
      await this.lockOrg(db, orgId)
      const [still] = await db.select({ id: this.t.orgs.id }).from(this.t.orgs).where(eq(this.t.orgs.id, orgId))
      if (!still) throw new InputError('no such organization', 'org', 404)
      await this.assertMayDelete(db, orgId, byUserId, options.asInstanceAdmin === true)
      const teamIds = (await db.select({ id: this.t.teams.id }).from(this.t.teams).where(eq(this.t.teams.orgId, orgId))).map((r) => r.id)
      if (teamIds.length) await db.delete(this.t.teamMembers).where(inArray(this.t.teamMembers.teamId, teamIds))
      await db.delete(this.t.teams).where(eq(this.t.teams.orgId, orgId))
      await db.delete(this.t.invitations).where(eq(this.t.invitations.orgId, orgId))
      members = (await db.delete(this.t.members).where(eq(this.t.members.orgId, orgId)).returning({ userId: this.t.members.userId })).length
      await db.delete(this.t.roles).where(eq(this.t.roles.orgId, orgId))
      await db.delete(this.t.apiTokens).where(eq(this.t.apiTokens.orgId, orgId))
      await db.update(this.t.sessions).set({ orgId: null }).where(eq(this.t.sessions.orgId, orgId))
      await db.delete(this.t.orgs).where(eq(this.t.orgs.id, orgId))
      // the plugins' rows of it go by this record, after the deletion or, after a crash, at the next start
      await db.insert(this.t.deletedOrgs).values({ orgId, deletedAt: new Date() }).onConflictDoNothing()
    })
    this.accounts.changed()
    return { org, members }
  }

  /** Refuses (403) unless `userId` is an active owner of the org, or an active instance admin when `asInstanceAdmin`. */
  private async assertMayDelete(db: Db, orgId: string, userId: string, asInstanceAdmin: boolean): Promise<void> {
    const [user] = await db.select({ isAdmin: this.t.users.isAdmin, disabled: this.t.users.disabled }).from(this.t.users).where(eq(this.t.users.id, userId))
    if (user && !user.disabled && asInstanceAdmin && user.isAdmin) return
    const [row] = await db
      .select({ builtin: this.t.roles.builtin })
      .from(this.t.members)
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
    if (!user || user.disabled || row?.builtin !== 'owner') throw new InputError('only an owner of the organization can delete it', 'org', 403)
  }

  /**
   * An instance admin makes themselves an owner of an organization (to take over one whose owners
   * are gone): joins it as owner, or becomes owner if a member already. Returns their previous role.
   */
  async claimOwnership(orgId: string, userId: string): Promise<{ previousRole: string | null }> {
    const user = await this.accounts.getUser(userId)
    if (!user || user.disabled || !user.isAdmin) throw new InputError('only an instance admin can make themselves owner', 'user', 403)
    let previousRole: string | null = null
    await this.accounts.store.tx(async (db) => {
      await this.lockOrg(db, orgId)
      const [owner] = await db.select().from(this.t.roles).where(and(eq(this.t.roles.orgId, orgId), eq(this.t.roles.builtin, 'owner')))
      if (!owner) throw new InputError('no such organization', 'org', 404)
      const [current] = await db
        .select({ roleId: this.t.members.roleId, role: this.t.roles.name })
        .from(this.t.members)
        .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
        .where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
      if (current?.roleId === owner.id) throw new InputError('you are an owner of this organization already', 'user', 409)
      previousRole = current?.role ?? null
      if (current) await db.update(this.t.members).set({ roleId: owner.id }).where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
      else await db.insert(this.t.members).values({ orgId, userId, roleId: owner.id, createdAt: new Date() })
    })
    this.accounts.changed()
    return { previousRole }
  }

  /**
   * The organizations where `userId` holds the owner role and no other active (not disabled) user
   * does: disabling or removing this user would leave them without an owner who can act.
   */
  async orgsOwnedAlone(userId: string): Promise<Org[]> {
    const owned = await this.db
      .select({ org: this.t.orgs })
      .from(this.t.members)
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .innerJoin(this.t.orgs, eq(this.t.orgs.id, this.t.members.orgId))
      .where(and(eq(this.t.members.userId, userId), eq(this.t.roles.builtin, 'owner')))
      .orderBy(asc(this.t.orgs.name))
    if (owned.length === 0) return []
    const others = await this.db
      .select({ orgId: this.t.members.orgId })
      .from(this.t.members)
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .innerJoin(this.t.users, eq(this.t.users.id, this.t.members.userId))
      .where(
        and(
          inArray(
            this.t.members.orgId,
            owned.map((o) => o.org.id),
          ),
          eq(this.t.roles.builtin, 'owner'),
          eq(this.t.users.disabled, false),
          ne(this.t.members.userId, userId),
        ),
      )
    const covered = new Set(others.map((o) => o.orgId))
    return owned.map((o) => o.org).filter((o) => !covered.has(o.id))
  }

  /**
   * On PostgreSQL, locks the organization's row until `db`'s transaction ends, so changes to who
   * owns it (and its deletion) run one after another: two transactions cannot both count the
   * other's owner and leave none. SQLite transactions run one at a time anyway.
   */
  private async lockOrg(db: Db, orgId: string, mode: 'update' | 'share' = 'update'): Promise<void> {
    if (this.accounts.store.dialect !== 'postgres') return
    const lock = mode === 'update' ? sql`for update` : sql`for share`
    await (db as unknown as { execute(q: SQL): Promise<unknown> }).execute(sql`select ${this.t.orgs.id} from ${this.t.orgs} where ${this.t.orgs.id} = ${orgId} ${lock}`)
  }

  // ---- roles

  async listRoles(orgId: string): Promise<Role[]> {
    const rows = await this.db.select().from(this.t.roles).where(eq(this.t.roles.orgId, orgId)).orderBy(asc(this.t.roles.createdAt), asc(this.t.roles.name))
    const order = (r: Role) => (r.builtin ? BUILTIN_ROLES.indexOf(r.builtin) : 10)
    return rows.map(toRole).sort((a, b) => order(a) - order(b))
  }

  async getRole(orgId: string, roleId: string): Promise<Role> {
    const [row] = await this.db.select().from(this.t.roles).where(and(eq(this.t.roles.orgId, orgId), eq(this.t.roles.id, roleId)))
    if (!row) throw new InputError('no such role in this organization', 'role', 404)
    return toRole(row)
  }

  /** Creates a custom role with the given permissions. */
  async createRole(orgId: string, name: string, permissions: string[]): Promise<Role> {
    const n = name.trim()
    if (!n || n.length > 50) throw new InputError('enter a role name of 1 to 50 characters', 'name')
    const existing = await this.listRoles(orgId)
    if (existing.some((r) => r.name.toLowerCase() === n.toLowerCase())) throw new InputError(`a role named "${n}" exists already`, 'name', 409)
    const role = { id: newId(), orgId, name: n, builtin: null, permissions: [...new Set(permissions)], createdAt: new Date() }
    await this.db.insert(this.t.roles).values(role)
    return toRole(role)
  }

  /**
   * Sets a custom role's permissions. `visible` is what the editor showed (enabled plugins):
   * permissions outside it (a disabled plugin's) are kept as they were.
   */
  async updateRole(orgId: string, roleId: string, permissions: string[], visible: string[]): Promise<Role> {
    const role = await this.getRole(orgId, roleId)
    if (role.builtin) throw new InputError('built-in roles cannot be edited: create a custom role', 'role', 409)
    const shown = new Set(visible)
    const kept = role.permissions.filter((p) => !shown.has(p))
    const next = [...new Set([...kept, ...permissions.filter((p) => shown.has(p))])]
    await this.db.update(this.t.roles).set({ permissions: next }).where(eq(this.t.roles.id, roleId))
    this.accounts.changed()
    return { ...role, permissions: next }
  }

  async deleteRole(orgId: string, roleId: string): Promise<void> {
    const role = await this.getRole(orgId, roleId)
    if (role.builtin) throw new InputError('built-in roles cannot be deleted', 'role', 409)
    const [used] = await this.db.select({ n: sql<number>`count(*)` }).from(this.t.members).where(eq(this.t.members.roleId, roleId))
    if (Number(used?.n) > 0) throw new InputError('members still hold this role: give them another role first', 'role', 409)
    const open = (await this.listInvitations(orgId)).filter((i) => i.role === role.name)
    if (open.length > 0) throw new InputError('open invitations grant this role: revoke them first', 'role', 409)
    await this.db.delete(this.t.roles).where(eq(this.t.roles.id, roleId))
    this.accounts.changed()
  }

  // ---- members

  /** Every member of an org, by name. For lists that can grow long, use searchMembers. */
  async listMembers(orgId: string): Promise<Member[]> {
    const rows = await this.memberRows().where(eq(this.t.members.orgId, orgId)).orderBy(asc(this.t.users.name))
    return rows.map(toMember)
  }

  /** One member of an org with their role, or undefined (another org's member is not found). */
  async getMember(orgId: string, userId: string): Promise<Member | undefined> {
    const [row] = await this.memberRows().where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
    return row ? toMember(row) : undefined
  }

  /** The org's members whose (stored, lower-cased) email is one of `emails`, in one query. */
  async membersByEmails(orgId: string, emails: string[]): Promise<Member[]> {
    if (emails.length === 0) return []
    const rows = await this.memberRows().where(and(eq(this.t.members.orgId, orgId), inArray(this.t.users.email, emails)))
    return rows.map(toMember)
  }

  /**
   * One page of an org's members, searched and paged in the store (an organization of tens of
   * thousands is never loaded whole). Ordered by name, then id, in byte order on both dialects,
   * so pages are stable and a cursor's (name, id) says exactly where the next page starts.
   */
  async searchMembers(orgId: string, page: MemberPage): Promise<Member[]> {
    const conds = [eq(this.t.members.orgId, orgId)]
    const match = this.memberMatch(page)
    if (match) conds.push(match)
    const name = this.byteOrder(this.t.users.name)
    const id = this.byteOrder(this.t.users.id)
    if (page.after) conds.push(sql`(${name} > ${page.after.name} or (${name} = ${page.after.name} and ${id} > ${page.after.id}))`)
    const rows = await this.memberRows()
      .where(and(...conds))
      .orderBy(asc(name), asc(id))
      .limit(page.limit)
      .offset(page.offset ?? 0)
    return rows.map(toMember)
  }

  /** How many members an org has (`total`) and how many of them `filter` keeps (`found`), in one query. */
  async countMembers(orgId: string, filter: MemberFilter = {}): Promise<{ total: number; found: number }> {
    const match = this.memberMatch(filter)
    const [row] = await this.db
      .select({ total: sql<number>`count(*)`, found: match ? sql<number>`coalesce(sum(case when ${match} then 1 else 0 end), 0)` : sql<number>`count(*)` })
      .from(this.t.members)
      .innerJoin(this.t.users, eq(this.t.users.id, this.t.members.userId))
      .where(eq(this.t.members.orgId, orgId))
    return { total: Number(row?.total ?? 0), found: Number(row?.found ?? 0) }
  }

  /** Members joined with their account and role, for listMembers, getMember and searchMembers to filter. */
  private memberRows() {
    return this.db
      .select({ u: this.t.users, r: this.t.roles, m: this.t.members })
      .from(this.t.members)
      .innerJoin(this.t.users, eq(this.t.users.id, this.t.members.userId))
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
  }

  /** The condition a member search's query sets (name, or name or email), or undefined for everyone. */
  private memberMatch(filter: MemberFilter): SQL | undefined {
    const query = (filter.query ?? '').trim()
    if (!query) return undefined
    const pattern = containsPattern(query)
    const byName = sql`lower(${this.t.users.name}) like ${pattern} escape '\\'`
    return filter.byEmail ? sql`(${byName} or lower(${this.t.users.email}) like ${pattern} escape '\\')` : byName
  }

  /** A text column compared byte by byte: SQLite does so already; PostgreSQL's default collation may not. */
  private byteOrder(column: SQLWrapper): SQL {
    return this.accounts.store.dialect === 'postgres' ? sql`${column} collate "C"` : sql`${column}`
  }

  /** Adds a user to an org with a role (of that org). */
  async addMember(orgId: string, userId: string, roleId: string): Promise<void> {
    await this.getRole(orgId, roleId)
    if (await this.membership(userId, orgId)) throw new InputError('already a member of this organization', 'email', 409)
    await this.db.insert(this.t.members).values({ orgId, userId, roleId, createdAt: new Date() })
    this.accounts.changed()
  }

  /**
   * Changes a member's role. An org always keeps an active owner: the check and the change run in
   * one transaction (the org's row locked on PostgreSQL), so two owners demoting each other at once
   * leave one of them owner.
   */
  async setMemberRole(orgId: string, userId: string, roleId: string): Promise<{ from: string; to: string }> {
    const target = await this.getRole(orgId, roleId)
    const from = await this.accounts.store.tx(async (db) => {
      await this.lockOrg(db, orgId)
      const current = await this.membershipIn(db, userId, orgId)
      if (!current) throw new InputError('not a member of this organization', 'user', 404)
      if (current.role.builtin === 'owner' && target.builtin !== 'owner') await this.assertAnotherOwner(db, orgId, userId)
      await db.update(this.t.members).set({ roleId }).where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
      return current.role.name
    })
    this.accounts.changed()
    return { from, to: target.name }
  }

  /** Removes a member (and their team memberships); the last active owner cannot go (checked like setMemberRole). */
  async removeMember(orgId: string, userId: string): Promise<void> {
    await this.accounts.store.tx(async (db) => {
      await this.lockOrg(db, orgId)
      const current = await this.membershipIn(db, userId, orgId)
      if (!current) throw new InputError('not a member of this organization', 'user', 404)
      if (current.role.builtin === 'owner') await this.assertAnotherOwner(db, orgId, userId)
      await db.delete(this.t.members).where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
      const teamIds = (await db.select({ id: this.t.teams.id }).from(this.t.teams).where(eq(this.t.teams.orgId, orgId))).map((r) => r.id)
      if (teamIds.length) await db.delete(this.t.teamMembers).where(and(inArray(this.t.teamMembers.teamId, teamIds), eq(this.t.teamMembers.userId, userId)))
    })
    this.accounts.changed()
  }

  /** Refuses (409) unless someone besides `userId` is an active (not disabled) owner of the org. */
  private async assertAnotherOwner(db: Db, orgId: string, userId: string): Promise<void> {
    const [row] = await db
      .select({ n: sql<number>`count(*)` })
      .from(this.t.members)
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .innerJoin(this.t.users, eq(this.t.users.id, this.t.members.userId))
      .where(and(eq(this.t.members.orgId, orgId), eq(this.t.roles.builtin, 'owner'), eq(this.t.users.disabled, false), ne(this.t.members.userId, userId)))
    if (Number(row?.n ?? 0) === 0) throw new InputError('an organization needs at least one active owner: make someone else owner first', 'role', 409)
  }

  // ---- teams

  async listTeams(orgId: string): Promise<Team[]> {
    const teams = await this.db.select().from(this.t.teams).where(eq(this.t.teams.orgId, orgId)).orderBy(asc(this.t.teams.name))
    const out: Team[] = []
    for (const team of teams) {
      const members = await this.db.select({ userId: this.t.teamMembers.userId }).from(this.t.teamMembers).where(eq(this.t.teamMembers.teamId, team.id))
      out.push({ id: team.id, orgId, name: team.name, description: team.description, memberIds: members.map((m) => m.userId) })
    }
    return out
  }

  async getTeam(orgId: string, teamId: string): Promise<Team> {
    const team = (await this.listTeams(orgId)).find((t) => t.id === teamId)
    if (!team) throw new InputError('no such team in this organization', 'team', 404)
    return team
  }

  async createTeam(orgId: string, name: string, description = ''): Promise<Team> {
    const n = name.trim()
    if (!n || n.length > 60) throw new InputError('enter a team name of 1 to 60 characters', 'name')
    if ((await this.listTeams(orgId)).some((t) => t.name.toLowerCase() === n.toLowerCase())) throw new InputError(`a team named "${n}" exists already`, 'name', 409)
    const team = { id: newId(), orgId, name: n, description: description.trim().slice(0, 500), createdAt: new Date() }
    await this.db.insert(this.t.teams).values(team)
    return { ...team, memberIds: [] }
  }

  async deleteTeam(orgId: string, teamId: string): Promise<void> {
    await this.getTeam(orgId, teamId)
    await this.db.delete(this.t.teamMembers).where(eq(this.t.teamMembers.teamId, teamId))
    await this.db.delete(this.t.teams).where(eq(this.t.teams.id, teamId))
  }

  /** Adds a member of the org to a team. */
  async addTeamMember(orgId: string, teamId: string, userId: string): Promise<void> {
    const team = await this.getTeam(orgId, teamId)
    if (!(await this.membership(userId, orgId))) throw new InputError('only members of the organization can join its teams', 'user', 422)
    if (team.memberIds.includes(userId)) return
    await this.db.insert(this.t.teamMembers).values({ teamId, userId })
  }

  async removeTeamMember(orgId: string, teamId: string, userId: string): Promise<void> {
    await this.getTeam(orgId, teamId)
    await this.db.delete(this.t.teamMembers).where(and(eq(this.t.teamMembers.teamId, teamId), eq(this.t.teamMembers.userId, userId)))
  }

  // ---- invitations

  /** Creates a single-use invitation link token (returned once; only its hash is stored). */
  async createInvitation(orgId: string, roleId: string, createdBy: string, email?: string): Promise<{ id: string; token: string; expiresAt: Date }> {
    const role = await this.getRole(orgId, roleId)
    if (role.builtin === 'owner') throw new InputError('invite as admin and promote to owner later', 'role', 422)
    const token = randomToken(24)
    const row = {
      id: newId(),
      orgId,
      roleId,
      email: email ? normalizeEmail(email) : null,
      tokenHash: sha256(token),
      createdBy,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    }
    await this.db.insert(this.t.invitations).values(row)
    return { id: row.id, token, expiresAt: row.expiresAt }
  }

  /**
   * The open (unused, unexpired) invitations of an org. With `catalog` (as for findInvitation), each
   * says whether its link still works: `dead` when its creator could no longer create it. Two queries
   * however many invitations: their creators are read together.
   */
  async listInvitations(orgId: string, catalog?: PermissionEntry[]) {
    const open = await this.db
      .select({ i: this.t.invitations, role: this.t.roles })
      .from(this.t.invitations)
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.invitations.roleId))
      .where(and(eq(this.t.invitations.orgId, orgId), isNull(this.t.invitations.usedAt), gt(this.t.invitations.expiresAt, new Date())))
      .orderBy(asc(this.t.invitations.createdAt))
    const inviters = catalog && open.length > 0 ? await this.invitersIn(this.db, orgId, open.map((r) => r.i.createdBy)) : new Map<string, Inviter>()
    return open.map((r) => ({
      id: r.i.id,
      email: r.i.email,
      role: r.role.name,
      expiresAt: r.i.expiresAt,
      dead: catalog ? !mayStillInvite(inviters.get(r.i.createdBy), toRole(r.role), catalog) : false,
    }))
  }

  async revokeInvitation(orgId: string, id: string): Promise<void> {
    // Only open invitations: a used one stays as the record of who joined through it.
    const gone = await this.db
      .delete(this.t.invitations)
      .where(and(eq(this.t.invitations.orgId, orgId), eq(this.t.invitations.id, id), isNull(this.t.invitations.usedAt)))
      .returning({ id: this.t.invitations.id })
    if (gone.length === 0) throw new InputError('no such invitation', 'invitation', 404)
  }

  /**
   * The open invitation behind a link token, with its org and role, or undefined. A link counts
   * only while the person who created it could still create it: an active account that is still a
   * member holding `core.members.manage` and every permission the invited role grants (or, for links
   * an instance admin made on the admin pages, still an active instance admin). Otherwise it answers
   * like an unknown link. `catalog` is every declared permission (`permissionCatalog(host, {
   * includeDisabled: true })`); without it only core's permissions are compared.
   */
  async findInvitation(token: string, catalog: PermissionEntry[] = coreCatalog()) {
    return this.findInvitationIn(this.db, token, catalog)
  }

  private async findInvitationIn(db: Db, token: string, catalog: PermissionEntry[]) {
    const [row] = await db
      .select({ i: this.t.invitations, org: this.t.orgs, role: this.t.roles })
      .from(this.t.invitations)
      .innerJoin(this.t.orgs, eq(this.t.orgs.id, this.t.invitations.orgId))
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.invitations.roleId))
      .where(eq(this.t.invitations.tokenHash, sha256(token)))
    if (!row || row.i.usedAt || row.i.expiresAt.getTime() <= Date.now()) return undefined
    const role = toRole(row.role)
    if (!(await this.inviterMayStill(db, row.i.createdBy, row.org.id, role, catalog))) return undefined
    return { id: row.i.id, email: row.i.email, org: row.org, role }
  }

  /** Whether `creatorId` could still invite someone to `orgId` with `role` (see findInvitation). */
  private async inviterMayStill(db: Db, creatorId: string, orgId: string, role: Role, catalog: PermissionEntry[]): Promise<boolean> {
    return mayStillInvite((await this.invitersIn(db, orgId, [creatorId])).get(creatorId), role, catalog)
  }

  /** The accounts of invitation creators with their role in `orgId` (null when no longer a member), in one query. */
  private async invitersIn(db: Db, orgId: string, creatorIds: string[]): Promise<Map<string, Inviter>> {
    const rows = await db
      .select({ id: this.t.users.id, isAdmin: this.t.users.isAdmin, disabled: this.t.users.disabled, role: this.t.roles })
      .from(this.t.users)
      .leftJoin(this.t.members, and(eq(this.t.members.userId, this.t.users.id), eq(this.t.members.orgId, orgId)))
      .leftJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .where(inArray(this.t.users.id, [...new Set(creatorIds)]))
    return new Map(rows.map((r) => [r.id, { isAdmin: r.isAdmin, disabled: r.disabled, role: r.role ? toRole(r.role) : null }]))
  }

  /**
   * Uses an invitation for `userId`: single use, checked (the link, its inviter's rights, the
   * organization still there) and marked in one transaction. `catalog` as for findInvitation.
   */
  async acceptInvitation(token: string, userId: string, catalog: PermissionEntry[]): Promise<Org> {
    const invalid = () => new InputError('this invitation link is invalid, used or expired: ask for a new one', 'token', 404)
    const first = await this.findInvitation(token, catalog)
    if (!first) throw invalid()
    const org = await this.accounts.store.tx(async (db) => {
      // The org's row held (PostgreSQL): it cannot be deleted under this join; then everything is checked again.
      await this.lockOrg(db, first.org.id, 'share')
      const inv = await this.findInvitationIn(db, token, catalog)
      if (!inv) throw invalid()
      const used = await db
        .update(this.t.invitations)
        .set({ usedAt: new Date(), usedBy: userId })
        .where(and(eq(this.t.invitations.id, inv.id), isNull(this.t.invitations.usedAt)))
        .returning({ id: this.t.invitations.id })
      if (used.length === 0) throw new InputError('this invitation was used a moment ago', 'token', 409)
      const existing = await db.select().from(this.t.members).where(and(eq(this.t.members.orgId, inv.org.id), eq(this.t.members.userId, userId)))
      if (existing.length === 0) await db.insert(this.t.members).values({ orgId: inv.org.id, userId, roleId: inv.role.id, createdAt: new Date() })
      return inv.org
    })
    this.accounts.changed()
    return org
  }
}

/** What decides whether an invitation's creator may still invite: their account, and their role in the org (null: not a member). */
interface Inviter {
  isAdmin: boolean
  disabled: boolean
  role: Role | null
}

/**
 * Whether `inviter` could still invite with `role`: an active instance admin (they invite to any
 * organization from /admin/users), or an active member holding `core.members.manage` and every
 * permission `role` grants. An unknown account may not.
 */
function mayStillInvite(inviter: Inviter | undefined, role: Role, catalog: PermissionEntry[]): boolean {
  if (!inviter || inviter.disabled) return false
  if (inviter.isAdmin) return true
  if (!inviter.role) return false
  const held = rolePermissions(catalog, inviter.role)
  if (!held.has('core.members.manage')) return false
  return [...rolePermissions(catalog, role)].every((p) => held.has(p))
}

/** A member from a memberRows row (the account without its secrets). */
function toMember(row: { u: User; r: Parameters<typeof toRole>[0]; m: { createdAt: Date } }): Member {
  const u = row.u
  return {
    user: { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, disabled: u.disabled, totpEnabled: u.totpEnabled, createdAt: u.createdAt },
    role: toRole(row.r),
    joinedAt: row.m.createdAt,
  }
}

function toRole(row: { id: string; orgId: string; name: string; builtin: string | null; permissions: string[] }): Role {
  return { id: row.id, orgId: row.orgId, name: row.name, builtin: (row.builtin as BuiltinRole | null) ?? null, permissions: row.permissions ?? [] }
}
