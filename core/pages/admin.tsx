/**
 * @module The instance admin pages (instance admins only): Plugins | Users | Organizations | Audit
 * log. Each tab lives in its own admin-*.tsx module, mounted here (one organization's page,
 * /admin/orgs/:id, in admin-orgs.tsx).
 */
import { Elysia } from 'elysia'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import { guard } from '../http/guard.ts'
import type { ServerDeps } from '../http/server.ts'
import { adminAuditPages } from './admin-audit.tsx'
import { adminOrgPages } from './admin-orgs.tsx'
import { adminPluginPages } from './admin-plugins.tsx'
import { adminUserPages } from './admin-users.tsx'

/** The admin pages. */
export function adminPages(deps: ServerDeps) {
  return new Elysia({ name: 'core:admin' })
    .use(guard)
    .get('/admin', () => new Response(null, { status: 303, headers: { location: '/admin/plugins' } }), { permission: INSTANCE_ADMIN })
    .use(adminPluginPages(deps))
    .use(adminUserPages(deps))
    .use(adminAuditPages(deps))
    .use(adminOrgPages(deps))
}
