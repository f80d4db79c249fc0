/** @module Core's own tables: plugin state, accounts, organizations, access, audit. */
import { defineSchema } from './facade.ts'

/** Built-in organization roles, most powerful first. */
export const BUILTIN_ROLES = ['owner', 'admin', 'member', 'guest'] as const
export type BuiltinRole = (typeof BUILTIN_ROLES)[number]

/** Tables the host keeps; `core_migrations` is created by the migrator itself. */
export const coreSchema = defineSchema((t) => {
  const users = t.table(
    'core_users',
    {
      id: t.text('id').primaryKey(),
      email: t.text('email').notNull(),
      name: t.text('name').notNull(),
      passwordHash: t.text('password_hash').notNull(),
      /** Instance admin: runs the instance and its plugins. */
      isAdmin: t.bool('is_admin').notNull().default(false),
      disabled: t.bool('disabled').notNull().default(false),
      /** The TOTP secret, sealed with the instance key (`v1:...`, core/auth/crypto.ts); plaintext base32 from before sealing until boot seals it. */
      totpSecret: t.text('totp_secret'),
      totpEnabled: t.bool('totp_enabled').notNull().default(false),
      /** The last TOTP time step (30 s) a code was accepted for: a code is good once, across restarts and processes. */
      totpLastStep: t.int('totp_last_step'),
      /** SHA-256 hashes of unused recovery codes. */
      recoveryCodes: t.json<string[]>('recovery_codes'),
      createdAt: t.time('created_at').notNull(),
    },
    (u) => [t.uniqueIndex('core_users_email').on(u.email)],
  )
  const sessions = t.table(
    'core_sessions',
    {
      /** SHA-256 of the cookie token (hex); the token itself is never stored. */
      id: t.text('id').primaryKey(),
      userId: t.text('user_id').notNull(),
      /** 'full', or 'mfa' while the second factor is pending. */
      stage: t.text('stage').notNull(),
      csrf: t.text('csrf').notNull(),
      orgId: t.text('org_id'),
      ip: t.text('ip').notNull(),
      userAgent: t.text('user_agent').notNull(),
      createdAt: t.time('created_at').notNull(),
      lastSeenAt: t.time('last_seen_at').notNull(),
      expiresAt: t.time('expires_at').notNull(),
    },
    (s) => [t.index('core_sessions_user').on(s.userId)],
  )
  const orgs = t.table(
    'core_orgs',
    {
      id: t.text('id').primaryKey(),
      slug: t.text('slug').notNull(),
      name: t.text('name').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (o) => [t.uniqueIndex('core_orgs_slug').on(o.slug)],
  )
  const roles = t.table(
    'core_roles',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      name: t.text('name').notNull(),
      /** owner/admin/member/guest for the built-in roles, null for custom ones. */
      builtin: t.text('builtin'),
      /** Custom roles: the permissions granted. Built-in roles derive theirs from the plugins. */
      permissions: t.json<string[]>('permissions').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (r) => [t.uniqueIndex('core_roles_org_name').on(r.orgId, r.name)],
  )
  const members = t.table(
    'core_members',
    {
      orgId: t.text('org_id').notNull(),
      userId: t.text('user_id').notNull(),
      roleId: t.text('role_id').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (m) => [t.primaryKey({ columns: [m.orgId, m.userId] }), t.index('core_members_user').on(m.userId)],
  )
  const teams = t.table(
    'core_teams',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      name: t.text('name').notNull(),
      description: t.text('description').notNull().default(''),
      createdAt: t.time('created_at').notNull(),
    },
    (tm) => [t.uniqueIndex('core_teams_org_name').on(tm.orgId, tm.name)],
  )
  const teamMembers = t.table(
    'core_team_members',
    {
      teamId: t.text('team_id').notNull(),
      userId: t.text('user_id').notNull(),
    },
    (tm) => [t.primaryKey({ columns: [tm.teamId, tm.userId] })],
  )
  const invitations = t.table(
    'core_invitations',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      roleId: t.text('role_id').notNull(),
      email: t.text('email'),
      tokenHash: t.text('token_hash').notNull(),
      createdBy: t.text('created_by').notNull(),
      createdAt: t.time('created_at').notNull(),
      expiresAt: t.time('expires_at').notNull(),
      usedAt: t.time('used_at'),
      usedBy: t.text('used_by'),
    },
    (i) => [t.uniqueIndex('core_invitations_token').on(i.tokenHash)],
  )
  const passwordResets = t.table(
    'core_password_resets',
    {
      id: t.text('id').primaryKey(),
      userId: t.text('user_id').notNull(),
      /** SHA-256 of the link's token (hex); the token itself is never stored. */
      tokenHash: t.text('token_hash').notNull(),
      /** The instance admin who made the link (null: the command line). */
      createdBy: t.text('created_by'),
      createdAt: t.time('created_at').notNull(),
      expiresAt: t.time('expires_at').notNull(),
      usedAt: t.time('used_at'),
    },
    (r) => [t.uniqueIndex('core_password_resets_token').on(r.tokenHash), t.index('core_password_resets_user').on(r.userId)],
  )
  const apiTokens = t.table(
    'core_api_tokens',
    {
      id: t.text('id').primaryKey(),
      userId: t.text('user_id').notNull(),
      orgId: t.text('org_id').notNull(),
      name: t.text('name').notNull(),
      tokenHash: t.text('token_hash').notNull(),
      permissions: t.json<string[]>('permissions').notNull(),
      createdAt: t.time('created_at').notNull(),
      expiresAt: t.time('expires_at'),
      lastUsedAt: t.time('last_used_at'),
      revokedAt: t.time('revoked_at'),
    },
    (a) => [t.uniqueIndex('core_api_tokens_hash').on(a.tokenHash), t.index('core_api_tokens_user').on(a.userId)],
  )
  const audit = t.table(
    'core_audit',
    {
      id: t.serial('id'),
      at: t.time('at').notNull(),
      actorId: t.text('actor_id'),
      actorEmail: t.text('actor_email'),
      orgId: t.text('org_id'),
      action: t.text('action').notNull(),
      target: t.text('target'),
      ip: t.text('ip'),
      details: t.json<Record<string, unknown>>('details'),
    },
    (a) => [t.index('core_audit_at').on(a.at), t.index('core_audit_org').on(a.orgId)],
  )
  const plugins = t.table('core_plugins', {
    id: t.text('id').primaryKey(),
    enabled: t.bool('enabled').notNull(),
    version: t.text('version').notNull(),
    error: t.text('error'),
    settings: t.json<Record<string, unknown>>('settings'),
    updatedAt: t.time('updated_at').notNull(),
  })
  /**
   * Organizations deleted (written in the deletion's transaction): the host deletes their rows from
   * plugin tables after the deletion, after boot and after each enable (core/plugins/org-sweep.ts).
   */
  const deletedOrgs = t.table('core_deleted_orgs', {
    orgId: t.text('org_id').primaryKey(),
    deletedAt: t.time('deleted_at').notNull(),
  })
  return { plugins, users, sessions, orgs, roles, members, teams, teamMembers, invitations, passwordResets, apiTokens, audit, deletedOrgs }
})

/** Core's tables built for one dialect. */
export type CoreTables = ReturnType<typeof coreSchema>
