/**
 * @module Organizations: the orgs themselves, roles (built-in and custom), members, teams and
 * invitations. Every function that reads or changes an org's data takes the org id and filters by
 * it, so another organization's ids are simply not found.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { BUILTIN_ROLES, type BuiltinRole } from '../store/schema.ts'
import type { Accounts, User } from './accounts.ts'
import { InputError, normalizeEmail } from './accounts.ts'
import { newId, randomToken, sha256 } from './crypto.ts'

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

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000

const ROLE_LABEL: Record<BuiltinRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member', guest: 'Guest' }

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
    if (await this.findOrgBySlug(slug)) throw new InputError(`an organization with the address "${slug}" exists already: choose another name`, 'name', 409)
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
    const [row] = await this.db
      .select({ org: this.t.orgs, role: this.t.roles })
      .from(this.t.members)
      .innerJoin(this.t.orgs, eq(this.t.orgs.id, this.t.members.orgId))
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .where(and(eq(this.t.members.userId, userId), eq(this.t.members.orgId, orgId)))
    return row ? { org: row.org, role: toRole(row.role) } : undefined
  }

  async renameOrg(orgId: string, name: string): Promise<void> {
    const n = name.trim()
    if (!n || n.length > 80) throw new InputError('enter an organization name of 1 to 80 characters', 'name')
    await this.db.update(this.t.orgs).set({ name: n }).where(eq(this.t.orgs.id, orgId))
    this.accounts.changed()
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

  async listMembers(orgId: string): Promise<Member[]> {
    const rows = await this.db
      .select({ u: this.t.users, r: this.t.roles, m: this.t.members })
      .from(this.t.members)
      .innerJoin(this.t.users, eq(this.t.users.id, this.t.members.userId))
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.members.roleId))
      .where(eq(this.t.members.orgId, orgId))
      .orderBy(asc(this.t.users.name))
    return rows.map((r) => ({
      user: { id: r.u.id, email: r.u.email, name: r.u.name, isAdmin: r.u.isAdmin, disabled: r.u.disabled, totpEnabled: r.u.totpEnabled, createdAt: r.u.createdAt },
      role: toRole(r.r),
      joinedAt: r.m.createdAt,
    }))
  }

  /** Adds a user to an org with a role (of that org). */
  async addMember(orgId: string, userId: string, roleId: string): Promise<void> {
    await this.getRole(orgId, roleId)
    if (await this.membership(userId, orgId)) throw new InputError('already a member of this organization', 'email', 409)
    await this.db.insert(this.t.members).values({ orgId, userId, roleId, createdAt: new Date() })
    this.accounts.changed()
  }

  /** Changes a member's role; an org always keeps at least one owner. */
  async setMemberRole(orgId: string, userId: string, roleId: string): Promise<{ from: string; to: string }> {
    const target = await this.getRole(orgId, roleId)
    const current = await this.membership(userId, orgId)
    if (!current) throw new InputError('not a member of this organization', 'user', 404)
    if (current.role.builtin === 'owner' && target.builtin !== 'owner') await this.assertAnotherOwner(orgId, userId)
    await this.db.update(this.t.members).set({ roleId }).where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
    this.accounts.changed()
    return { from: current.role.name, to: target.name }
  }

  async removeMember(orgId: string, userId: string): Promise<void> {
    const current = await this.membership(userId, orgId)
    if (!current) throw new InputError('not a member of this organization', 'user', 404)
    if (current.role.builtin === 'owner') await this.assertAnotherOwner(orgId, userId)
    await this.db.delete(this.t.members).where(and(eq(this.t.members.orgId, orgId), eq(this.t.members.userId, userId)))
    this.accounts.changed()
    const teams = await this.listTeams(orgId)
    for (const team of teams) {
      await this.db.delete(this.t.teamMembers).where(and(eq(this.t.teamMembers.teamId, team.id), eq(this.t.teamMembers.userId, userId)))
    }
  }

  private async assertAnotherOwner(orgId: string, userId: string): Promise<void> {
    const owners = (await this.listMembers(orgId)).filter((m) => m.role.builtin === 'owner' && m.user.id !== userId)
    if (owners.length === 0) throw new InputError('an organization needs at least one owner: make someone else owner first', 'role', 409)
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

  /** Open (unused, unexpired) invitations of an org. */
  async listInvitations(orgId: string) {
    const rows = await this.db
      .select({ i: this.t.invitations, role: this.t.roles.name })
      .from(this.t.invitations)
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.invitations.roleId))
      .where(and(eq(this.t.invitations.orgId, orgId), isNull(this.t.invitations.usedAt)))
      .orderBy(asc(this.t.invitations.createdAt))
    return rows.filter((r) => r.i.expiresAt.getTime() > Date.now()).map((r) => ({ id: r.i.id, email: r.i.email, role: r.role, expiresAt: r.i.expiresAt }))
  }

  async revokeInvitation(orgId: string, id: string): Promise<void> {
    // Only open invitations: a used one stays as the record of who joined through it.
    const gone = await this.db
      .delete(this.t.invitations)
      .where(and(eq(this.t.invitations.orgId, orgId), eq(this.t.invitations.id, id), isNull(this.t.invitations.usedAt)))
      .returning({ id: this.t.invitations.id })
    if (gone.length === 0) throw new InputError('no such invitation', 'invitation', 404)
  }

  /** The open invitation behind a link token, with its org and role, or undefined. */
  async findInvitation(token: string) {
    const [row] = await this.db
      .select({ i: this.t.invitations, org: this.t.orgs, role: this.t.roles })
      .from(this.t.invitations)
      .innerJoin(this.t.orgs, eq(this.t.orgs.id, this.t.invitations.orgId))
      .innerJoin(this.t.roles, eq(this.t.roles.id, this.t.invitations.roleId))
      .where(eq(this.t.invitations.tokenHash, sha256(token)))
    if (!row || row.i.usedAt || row.i.expiresAt.getTime() <= Date.now()) return undefined
    return { id: row.i.id, email: row.i.email, org: row.org, role: toRole(row.role) }
  }

  /** Uses an invitation for `userId`: single use, checked and marked in one transaction. */
  async acceptInvitation(token: string, userId: string): Promise<Org> {
    const inv = await this.findInvitation(token)
    if (!inv) throw new InputError('this invitation link is invalid, used or expired: ask for a new one', 'token', 404)
    await this.accounts.store.tx(async (db) => {
      const used = await db
        .update(this.t.invitations)
        .set({ usedAt: new Date(), usedBy: userId })
        .where(and(eq(this.t.invitations.id, inv.id), isNull(this.t.invitations.usedAt)))
        .returning({ id: this.t.invitations.id })
      if (used.length === 0) throw new InputError('this invitation was used a moment ago', 'token', 409)
      const existing = await db.select().from(this.t.members).where(and(eq(this.t.members.orgId, inv.org.id), eq(this.t.members.userId, userId)))
      if (existing.length === 0) await db.insert(this.t.members).values({ orgId: inv.org.id, userId, roleId: inv.role.id, createdAt: new Date() })
    })
    this.accounts.changed()
    return inv.org
  }
}

function toRole(row: { id: string; orgId: string; name: string; builtin: string | null; permissions: string[] }): Role {
  return { id: row.id, orgId: row.orgId, name: row.name, builtin: (row.builtin as BuiltinRole | null) ?? null, permissions: row.permissions ?? [] }
}
