/** @module The role routes of the current organization: create, edit and delete custom roles. */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import type { Role } from '../auth/orgs.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { actorOf, readFormAll } from './context.ts'
import { sentence } from './invite.tsx'
import { roleEditor, rolesPage } from './orgs-roles-page.tsx'
import { orgOf, problem, roleOf } from './orgs-ui.tsx'

/** The roles pages and their forms. */
export function orgRolePages(deps: ServerDeps) {
  const { accounts, orgs, resolver } = deps.identity

  return new Elysia({ name: 'core:orgs-roles' })
    .use(guard)
    .get('/orgs/roles', ({ request, auth }) => rolesPage(deps, request, auth), { permission: 'core.roles.manage' })
    .post(
      '/orgs/roles',
      async ({ request, auth }) => {
        const { one, all } = await readFormAll(request)
        const known = new Set(resolver.catalog().map((p) => p.name))
        const picked = [...new Set(all.permissions ?? [])]
        const values = { name: one.name ?? '', permissions: picked.filter((p) => known.has(p)) }
        const notHeld = picked.filter((p) => !known.has(p) || !auth.permissions.has(p))
        if (notHeld.length) return rolesPage(deps, request, auth, { status: 422, values, errors: { permissions: 'You can only give permissions you hold yourself, of enabled plugins.' } })
        let role: Role
        try {
          role = await orgs.createRole(orgOf(auth).id, values.name, values.permissions)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return rolesPage(deps, request, auth, { status: 422, values, errors: { name: sentence(err.message) } })
        }
        await accounts.audit(actorOf(request, auth), 'role.created', role.name, { id: role.id, permissions: role.permissions })
        return redirect(request, '/orgs/roles', { kind: 'ok', text: `The role ${role.name} is created.` })
      },
      { permission: 'core.roles.manage' },
    )
    .get(
      '/orgs/roles/:id',
      async ({ request, auth, params }) => {
        const role = await roleOf(deps, request, auth, params.id)
        if (role instanceof Response) return role
        return roleEditor(deps, request, auth, role)
      },
      { permission: 'core.roles.manage' },
    )
    .post(
      '/orgs/roles/:id',
      async ({ request, auth, params }) => {
        const role = await roleOf(deps, request, auth, params.id)
        if (role instanceof Response) return role
        if (role.builtin) return roleEditor(deps, request, auth, role, { status: 409, error: 'Built-in roles cannot be changed: create a custom role instead.' })
        const { all } = await readFormAll(request)
        // What the editor showed and the viewer could change: enabled plugins' permissions the viewer holds.
        const visible = resolver
          .catalog()
          .map((p) => p.name)
          .filter((p) => auth.permissions.has(p))
        const checked = [...new Set(all.permissions ?? [])].filter((p) => visible.includes(p))
        let updated: Role
        try {
          updated = await orgs.updateRole(orgOf(auth).id, role.id, checked, visible)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return roleEditor(deps, request, auth, role, { status: err.status, error: sentence(err.message), checked })
        }
        const before = new Set(role.permissions)
        const after = new Set(updated.permissions)
        const added = updated.permissions.filter((p) => !before.has(p))
        const removed = role.permissions.filter((p) => !after.has(p))
        if (added.length || removed.length) await accounts.audit(actorOf(request, auth), 'role.updated', role.name, { id: role.id, added, removed })
        return redirect(request, '/orgs/roles', { kind: 'ok', text: `The role ${role.name} is saved.` })
      },
      { permission: 'core.roles.manage' },
    )
    .post(
      '/orgs/roles/:id/delete',
      async ({ request, auth, params }) => {
        const role = await roleOf(deps, request, auth, params.id)
        if (role instanceof Response) return role
        try {
          await orgs.deleteRole(orgOf(auth).id, role.id)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return rolesPage(deps, request, auth, { status: err.status, error: `${role.name}: ${sentence(err.message)}` })
        }
        await accounts.audit(actorOf(request, auth), 'role.deleted', role.name, { id: role.id })
        return redirect(request, '/orgs/roles', { kind: 'ok', text: `The role ${role.name} is deleted.` })
      },
      { permission: 'core.roles.manage' },
    )
}
