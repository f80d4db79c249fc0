/** @module The roles pages of the current organization: the role list with the new-role form, and the role editor. */
import type { Role } from '../auth/orgs.ts'
import { rolePermissions, type PermissionEntry } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { OrgHeader, orgOf } from './orgs-ui.tsx'

/**
 * A role's permissions, grouped by plugin: one line a group ("Planning: 4 of 6", or "all 6") that
 * opens to the readable descriptions, each with its id in small code.
 */
function PermissionBadges(props: { names: string[]; catalog: PermissionEntry[] }) {
  if (props.names.length === 0) return <span class="muted">No permissions</span>
  const held = new Set(props.names)
  const groups = new Map<string, { name: string; total: number; entries: PermissionEntry[] }>()
  for (const e of props.catalog) {
    const g = groups.get(e.group) ?? { name: e.groupName, total: 0, entries: [] }
    g.total++
    if (held.has(e.name)) g.entries.push(e)
    groups.set(e.group, g)
  }
  const known = new Set(props.catalog.map((e) => e.name))
  const other = props.names.filter((n) => !known.has(n))
  return (
    <ul class="perm-groups">
      {[...groups.values()]
        .filter((g) => g.entries.length > 0)
        .map((g) => (
          <li>
            <details>
              <summary>
                <strong safe>{g.name}</strong>{' '}
                <span class="muted" safe>
                  {g.entries.length === g.total ? `all ${g.total}` : `${g.entries.length} of ${g.total}`}
                </span>
              </summary>
              <ul class="perm-list">
                {g.entries.map((e) => (
                  <li title={e.name}>
                    <span safe>{e.description}</span> <code safe>{e.name}</code>
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
      {other.length ? (
        <li>
          <ul class="perm-list">
            {other.map((n) => (
              <li>
                <code safe>{n}</code>
              </li>
            ))}
          </ul>
        </li>
      ) : (
        ''
      )}
    </ul>
  )
}

/** Checkboxes grouped by plugin; permissions the viewer does not hold are shown but cannot change. */
function PermissionPicker(props: { catalog: PermissionEntry[]; checked: Set<string>; held: (name: string) => boolean; error?: string }) {
  const groups = new Map<string, { name: string; entries: PermissionEntry[] }>()
  for (const e of props.catalog) {
    const g = groups.get(e.group) ?? { name: e.groupName, entries: [] }
    g.entries.push(e)
    groups.set(e.group, g)
  }
  return (
    <div class="perm-picker">
      {props.error ? (
        <p class="field-error" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      {[...groups.values()].map((g) => (
        <fieldset>
          <legend safe>{g.name}</legend>
          {g.entries.map((e) => (
            <label>
              <input type="checkbox" name="permissions" value={e.name} checked={props.checked.has(e.name)} disabled={!props.held(e.name)} />
              <span safe>{e.description}</span> <code safe>{e.name}</code>
              {props.held(e.name) ? '' : <small class="muted"> (you do not hold it yourself)</small>}
            </label>
          ))}
        </fieldset>
      ))}
    </div>
  )
}

/** What the roles page shows besides the lists: its status, an error, the new-role form. */
export interface RolesView {
  status?: number
  error?: string
  values?: { name: string; permissions: string[] }
  errors?: FieldErrors
}

/** Renders the roles page: built-in and custom roles, and the form for a new one. */
export async function rolesPage(deps: ServerDeps, request: Request, auth: Auth, view: RolesView = {}): Promise<Response> {
  const { orgs, resolver } = deps.identity
  const org = orgOf(auth)
  const catalog = resolver.catalog()
  const [roles, members] = await Promise.all([orgs.listRoles(org.id), orgs.listMembers(org.id)])
  const holders = (r: Role) => members.filter((m) => m.role.id === r.id).length
  const builtin = roles.filter((r) => r.builtin)
  const custom = roles.filter((r) => !r.builtin)
  const csrf = auth.session?.csrf
  const body = (
    <>
      <OrgHeader auth={auth} current="/orgs/roles" subtitle="Who may do what in this organization" />
      <FormError message={view.error} />
      <section class="section">
        <h2>Built-in roles</h2>
        <p class="muted">Built-in roles cannot be changed. They include the permissions of plugins as soon as those are enabled.</p>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>Role</th>
                <th>Members</th>
                <th>Permissions</th>
              </tr>
            </thead>
            <tbody>
              {builtin.map((r) => (
                <tr>
                  <td safe>{r.name}</td>
                  <td data-label="Members" safe>{String(holders(r))}</td>
                  <td>
                    <PermissionBadges names={[...rolePermissions(catalog, r)]} catalog={catalog} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="section">
        <h2>Custom roles</h2>
        {custom.length === 0 ? (
          <EmptyState title="No custom roles yet">Create one below when the built-in roles do not fit.</EmptyState>
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>Role</th>
                  <th>Members</th>
                  <th>Permissions</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {custom.map((r) => {
                  const active = [...rolePermissions(catalog, r)]
                  const dormant = r.permissions.length - active.length
                  return (
                    <tr>
                      <td>
                        <a href={`/orgs/roles/${r.id}`} safe>
                          {r.name}
                        </a>
                      </td>
                      <td data-label="Members" safe>{String(holders(r))}</td>
                      <td>
                        <PermissionBadges names={active} catalog={catalog} />
                        {dormant > 0 ? <small class="muted" safe>{`+ ${dormant} of disabled plugins (kept)`}</small> : ''}
                      </td>
                      <td class="row-actions">
                        <a href={`/orgs/roles/${r.id}`} role="button" class="secondary outline">
                          Edit
                        </a>{' '}
                        <ActionButton action={`/orgs/roles/${r.id}/delete`} csrf={csrf} label="Delete" class="outline danger" confirm={`Delete the role ${r.name}?`} />
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="section">
        <h2>New custom role</h2>
        <form method="post" action="/orgs/roles" class="medium-form">
          <CsrfField token={csrf} />
          <Field name="name" label="Name" value={view.values?.name} error={view.errors?.name} required maxlength={50} />
          <PermissionPicker catalog={catalog} checked={new Set(view.values?.permissions ?? [])} held={(p) => auth.permissions.has(p)} error={view.errors?.permissions} />
          <button type="submit">Create role</button>
        </form>
      </section>
    </>
  ) as string
  return deps.renderer.page(request, auth, { title: `Roles · ${org.name}`, body, status: view.status })
}

/** Renders the editor of one role (built-in roles are shown, not editable). */
export async function roleEditor(
  deps: ServerDeps,
  request: Request,
  auth: Auth,
  role: Role,
  view: { status?: number; error?: string; checked?: string[] } = {},
): Promise<Response> {
  const { resolver } = deps.identity
  const catalog = resolver.catalog()
  const csrf = auth.session?.csrf
  const active = rolePermissions(catalog, role)
  const dormant = role.builtin ? 0 : role.permissions.filter((p) => !active.has(p)).length
  const body = (
    <>
      <OrgHeader auth={auth} current="/orgs/roles" subtitle="Edit a role" />
      <p>
        <a href="/orgs/roles">← All roles</a>
      </p>
      <h2 safe>{role.name}</h2>
      <FormError message={view.error} />
      {role.builtin ? (
        <>
          <p class="muted">Built-in roles cannot be changed: create a custom role instead. This role holds now:</p>
          <PermissionBadges names={[...active]} catalog={catalog} />
        </>
      ) : (
        <form method="post" action={`/orgs/roles/${role.id}`} class="medium-form">
          <CsrfField token={csrf} />
          <PermissionPicker catalog={catalog} checked={new Set(view.checked ?? role.permissions)} held={(p) => auth.permissions.has(p)} />
          {dormant > 0 ? (
            <p class="muted" safe>{`This role also holds ${dormant} permission${dormant === 1 ? '' : 's'} of disabled plugins. They are kept and count again when the plugin is enabled.`}</p>
          ) : (
            ''
          )}
          <button type="submit">Save role</button>
        </form>
      )}
    </>
  ) as string
  return deps.renderer.page(request, auth, { title: `Role ${role.name} · ${orgOf(auth).name}`, body, status: view.status })
}
