/**
 * @module The organization pages: create and switch organizations; members, invitations, teams,
 * custom roles, the audit log and the settings (rename, delete) of the current organization
 * (`auth.org`). Another organization's ids are not found (404). Nobody hands out more than they
 * hold: roles (and permissions in the role editor) whose permissions the viewer lacks cannot be given.
 */
import { Elysia } from 'elysia'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { invitePages } from './invite.tsx'
import { orgAuditPages } from './orgs-audit.tsx'
import { orgMemberPages } from './orgs-members.tsx'
import { orgNewPages } from './orgs-new.tsx'
import { orgRolePages } from './orgs-roles.tsx'
import { orgSettingsPages } from './orgs-settings.tsx'
import { orgTeamPages } from './orgs-teams.tsx'

/** The orgs pages (each group lives in its own orgs-*.tsx module, mounted here in route order). */
export function orgPages(deps: ServerDeps) {
  return new Elysia({ name: 'core:orgs' })
    .use(guard)
    .use(invitePages(deps))
    .use(orgNewPages(deps))
    .get('/orgs', ({ request }) => redirect(request, '/orgs/members'), { permission: 'core.members.read' })
    .use(orgMemberPages(deps))
    .use(orgTeamPages(deps))
    .use(orgRolePages(deps))
    .use(orgAuditPages(deps))
    .use(orgSettingsPages(deps))
}
