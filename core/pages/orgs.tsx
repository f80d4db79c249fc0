/**
 * @module The organization pages: create and switch organizations; members, invitations, teams,
 * custom roles and the audit log of the current organization (`auth.org`). Another
 * organization's ids are not found (404). Nobody hands out more than they hold: roles (and
 * permissions in the role editor) whose permissions the viewer lacks cannot be given.
 */
import { AuditTable } from '../../views/audit-table.tsx'
import { Elysia } from 'elysia'
import { InputError, type User } from '../auth/accounts.ts'
import type { Member, Org, Role, Team } from '../auth/orgs.ts'
import { SIGNED_IN, permissionCatalog, rolePermissions, type PermissionEntry } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { errorFor } from '../http/respond.ts'
import { publicOrigin } from '../http/security.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, PageHeader, Select, formatDate, type FieldErrors } from '../../views/components.tsx'
import { actorOf, inviteCreateLimits, readForm, readFormAll } from './context.ts'
import { invitePages, sentence } from './invite.tsx'

const AUDIT_PAGE = 50

/** The organization tabs; tabs the viewer may not use are left out. */
const TABS = [
  { href: '/orgs/members', label: 'Members', permission: 'core.members.read' },
  { href: '/orgs/teams', label: 'Teams', permission: 'core.members.read' },
  { href: '/orgs/roles', label: 'Roles', permission: 'core.roles.manage' },
  { href: '/orgs/audit', label: 'Audit log', permission: 'core.audit.read' },
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
function OrgHeader(props: { auth: Auth; current: string; subtitle: string }) {
  return (
    <>
      <PageHeader title={props.auth.org?.name ?? 'Organization'} subtitle={props.subtitle} />
      <OrgTabs auth={props.auth} current={props.current} />
    </>
  )
}

/** An InputError as an error page with its status (404 for another organization's ids). */
function problem(request: Request, err: unknown): Response {
  if (!(err instanceof InputError)) throw err
  const titles: Record<number, string> = { 400: 'Bad request', 403: 'Not allowed', 404: 'Not found', 409: 'Cannot do that', 422: 'Cannot do that', 429: 'Too many attempts' }
  return errorFor(new URL(request.url).pathname, err.status, err.status === 404 ? 'not_found' : 'invalid', titles[err.status] ?? 'Cannot do that', sentence(err.message))
}


function notFound(request: Request, what: string): Response {
  return errorFor(new URL(request.url).pathname, 404, 'not_found', 'Not found', `No such ${what} in this organization.`)
}

function PermissionBadges(props: { names: string[]; catalog: PermissionEntry[] }) {
  if (props.names.length === 0) return <span class="muted">No permissions</span>
  const byName = new Map(props.catalog.map((p) => [p.name, p]))
  return (
    <ul class="perm-badges">
      {props.names.map((n) => (
        <li>
          <span class="badge" title={byName.get(n)?.description} safe>
            {n}
          </span>
        </li>
      ))}
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

/** The orgs pages. */
export function orgPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts, orgs, resolver } = identity

  const orgOf = (auth: Auth): Org => auth.org!
  /**
   * Whether the viewer holds every permission `role` grants, so may hand it out or take it away.
   * Every declared permission counts, of enabled plugins or not: a role keeps a disabled plugin's
   * permissions and they are back the moment it is on again, so granting the role while the plugin
   * is off would hand them out just the same. A permission of a plugin that is off counts as held
   * when the viewer's own role would hold it with the plugin on (API tokens: never).
   */
  const granter = (auth: Auth): ((role: Role) => boolean) => {
    const declared = permissionCatalog(deps.host, { includeDisabled: true })
    const enabled = new Set(resolver.catalog().map((e) => e.name))
    const wouldHold = auth.role && !auth.tokenId ? rolePermissions(declared, auth.role) : new Set<string>()
    const holds = (p: string) => auth.permissions.has(p) || (!enabled.has(p) && wouldHold.has(p))
    return (role) => [...rolePermissions(declared, role)].every(holds)
  }
  const mayGrant = (auth: Auth, role: Role) => granter(auth)(role)

  // ---- members and invitations

  interface MembersView {
    status?: number
    error?: string
    created?: { url: string; role: string; email: string | null }
    invite?: { values: Record<string, string>; errors: FieldErrors }
  }

  const membersPage = async (request: Request, auth: Auth, view: MembersView = {}) => {
    const org = orgOf(auth)
    const manage = can(auth, 'core.members.manage')
    const [members, roles, invitations] = await Promise.all([orgs.listMembers(org.id), orgs.listRoles(org.id), manage ? orgs.listInvitations(org.id) : Promise.resolve([])])
    const mayGive = granter(auth)
    const grantable = roles.filter(mayGive)
    const invitable = grantable.filter((r) => r.builtin !== 'owner')
    const csrf = auth.session?.csrf
    const body = (
      <>
        <OrgHeader auth={auth} current="/orgs/members" subtitle={`${members.length} member${members.length === 1 ? '' : 's'}`} />
        <FormError message={view.error} />
        <section class="section">
          <h2>Members</h2>
          {members.length === 0 ? (
            <EmptyState title="No members">Invite people below.</EmptyState>
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Email</th>
                    <th>Role</th>
                    <th>Joined</th>
                    {manage ? <th>Actions</th> : ''}
                  </tr>
                </thead>
                <tbody>
                  {members.map((m) => {
                    const changeable = manage && mayGive(m.role)
                    const selectId = `role-${m.user.id}`
                    return (
                      <tr>
                        <td>
                          <span safe>{m.user.name}</span>
                          {m.user.id === auth.user.id ? <span class="badge">you</span> : ''}
                        </td>
                        <td data-label="Email" safe>{m.user.email}</td>
                        <td data-label="Role">
                          {changeable ? (
                            <form method="post" action={`/orgs/members/${m.user.id}/role`} class="row-form">
                              <CsrfField token={csrf} />
                              <label for={selectId} class="visually-hidden" safe>
                                {`Role of ${m.user.name}`}
                              </label>
                              <select id={selectId} name="role">
                                {grantable.map((r) => (
                                  <option value={r.id} selected={r.id === m.role.id} safe>
                                    {r.name}
                                  </option>
                                ))}
                              </select>
                              <button type="submit" class="secondary outline">
                                Save
                              </button>
                            </form>
                          ) : (
                            <span safe>{m.role.name}</span>
                          )}
                        </td>
                        <td data-label="Joined" class="nowrap" safe>{formatDate(m.joinedAt)}</td>
                        {manage ? (
                          <td class="row-actions">
                            {changeable ? (
                              <ActionButton
                                action={`/orgs/members/${m.user.id}/remove`}
                                csrf={csrf}
                                label={m.user.id === auth.user.id ? 'Leave' : 'Remove'}
                                class="secondary outline"
                                confirm={`Remove ${m.user.name} from ${org.name}?`}
                              />
                            ) : (
                              ''
                            )}
                          </td>
                        ) : (
                          ''
                        )}
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
        {manage ? (
          <section class="section">
            <h2>Invitations</h2>
            {view.created ? (
              <div class="invite-created" role="status">
                <p>
                  Invitation link for <strong safe>{view.created.role}</strong>
                  {view.created.email ? (
                    <>
                      {' '}
                      (only <span safe>{view.created.email}</span> can use it)
                    </>
                  ) : (
                    ''
                  )}
                  . It is shown only now, works once and expires in 7 days:
                </p>
                <p id="invite-link" class="secret" safe>
                  {view.created.url}
                </p>
                <button type="button" class="secondary" data-copy="#invite-link">
                  Copy link
                </button>
              </div>
            ) : (
              ''
            )}
            {invitable.length === 0 ? (
              <p class="muted">There is no role you can invite people with.</p>
            ) : (
              <form method="post" action="/orgs/invitations" class="invite-form narrow-form">
                <CsrfField token={csrf} />
                <Select
                  name="role"
                  label="Role"
                  options={invitable.map((r) => ({ value: r.id, label: r.name }))}
                  value={view.invite?.values.role ?? invitable.find((r) => r.builtin === 'member')?.id}
                  error={view.invite?.errors.role}
                />
                <Field
                  name="email"
                  label="Email (optional)"
                  type="email"
                  value={view.invite?.values.email}
                  error={view.invite?.errors.email}
                  hint="Only this address can use the link. Leave empty for anyone with the link."
                />
                <button type="submit">Create invitation link</button>
              </form>
            )}
            <h3>Open invitations</h3>
            {invitations.length === 0 ? (
              <EmptyState title="No open invitations">Links you create appear here until they are used, revoked or expire.</EmptyState>
            ) : (
              <div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th>For</th>
                      <th>Role</th>
                      <th>Expires</th>
                      <th>Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {invitations.map((i) => (
                      <tr>
                        <td safe>{i.email ?? 'Anyone with the link'}</td>
                        <td data-label="Role" safe>{i.role}</td>
                        <td data-label="Expires" class="nowrap" safe>{formatDate(i.expiresAt)}</td>
                        <td class="row-actions">
                          <ActionButton action={`/orgs/invitations/${i.id}/revoke`} csrf={csrf} label="Revoke" confirm="Revoke this invitation link?" />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        ) : (
          ''
        )}
      </>
    ) as string
    return renderer.page(request, auth, { title: `Members · ${org.name}`, body, status: view.status })
  }

  /** The member and their role, when the viewer may change them; otherwise a response. */
  const changeableMember = async (request: Request, auth: Auth, userId: string): Promise<Member | Response> => {
    const member = (await orgs.listMembers(orgOf(auth).id)).find((m) => m.user.id === userId)
    if (!member) return notFound(request, 'member')
    if (!mayGrant(auth, member.role)) {
      return errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not allowed', `${member.user.name} holds permissions you do not hold: only someone who holds them all can change their role.`)
    }
    return member
  }

  // ---- teams

  interface TeamsView {
    status?: number
    error?: string
    values?: Record<string, string>
    errors?: FieldErrors
  }

  const teamsPage = async (request: Request, auth: Auth, view: TeamsView = {}) => {
    const org = orgOf(auth)
    const manage = can(auth, 'core.teams.manage')
    const [teams, members] = await Promise.all([orgs.listTeams(org.id), orgs.listMembers(org.id)])
    const byId = new Map(members.map((m) => [m.user.id, m.user]))
    const csrf = auth.session?.csrf
    const body = (
      <>
        <OrgHeader auth={auth} current="/orgs/teams" subtitle={`${teams.length} team${teams.length === 1 ? '' : 's'}`} />
        <FormError message={view.error} />
        {teams.length === 0 ? (
          <EmptyState title="No teams yet">{manage ? <p>Create the first team below.</p> : <p class="muted">An admin of the organization can create teams.</p>}</EmptyState>
        ) : (
          teams.map((team) => <TeamSection team={team} byId={byId} members={members} manage={manage} csrf={csrf} />)
        )}
        {manage ? (
          <section class="section">
            <h2>New team</h2>
            <form method="post" action="/orgs/teams" class="narrow-form">
              <CsrfField token={csrf} />
              <Field name="name" label="Name" value={view.values?.name} error={view.errors?.name} required maxlength={60} />
              <Field name="description" label="Description (optional)" value={view.values?.description} error={view.errors?.description} maxlength={500} />
              <button type="submit">Create team</button>
            </form>
          </section>
        ) : (
          ''
        )}
      </>
    ) as string
    return renderer.page(request, auth, { title: `Teams · ${orgOf(auth).name}`, body, status: view.status })
  }

  const teamOf = async (request: Request, auth: Auth, teamId: string): Promise<Team | Response> => {
    const team = (await orgs.listTeams(orgOf(auth).id)).find((t) => t.id === teamId)
    return team ?? notFound(request, 'team')
  }

  // ---- roles

  interface RolesView {
    status?: number
    error?: string
    values?: { name: string; permissions: string[] }
    errors?: FieldErrors
  }

  const rolesPage = async (request: Request, auth: Auth, view: RolesView = {}) => {
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
                          <ActionButton action={`/orgs/roles/${r.id}/delete`} csrf={csrf} label="Delete" confirm={`Delete the role ${r.name}?`} />
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
    return renderer.page(request, auth, { title: `Roles · ${org.name}`, body, status: view.status })
  }

  const roleEditor = async (request: Request, auth: Auth, role: Role, view: { status?: number; error?: string; checked?: string[] } = {}) => {
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
    return renderer.page(request, auth, { title: `Role ${role.name} · ${orgOf(auth).name}`, body, status: view.status })
  }

  const roleOf = async (request: Request, auth: Auth, roleId: string): Promise<Role | Response> => {
    const role = (await orgs.listRoles(orgOf(auth).id)).find((r) => r.id === roleId)
    return role ?? notFound(request, 'role')
  }

  // ---- creating and switching organizations

  const newOrgPage = (request: Request, auth: Auth, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) =>
    renderer.page(request, auth, {
      title: 'New organization',
      status,
      body: (
        <>
          <PageHeader title="New organization" subtitle="You become its owner and can invite people next." />
          <form method="post" action="/orgs/new" class="narrow-form">
            <CsrfField token={auth.session?.csrf} />
            <Field name="name" label="Name" value={values.name} error={errors.name} required autofocus maxlength={80} placeholder="Acme" />
            <button type="submit">Create organization</button>
          </form>
        </>
      ) as string,
    })

  return new Elysia({ name: 'core:orgs' })
    .use(guard)
    .use(invitePages(deps))
    .get('/orgs/new', ({ request, auth }) => newOrgPage(request, auth), { permission: SIGNED_IN })
    .post(
      '/orgs/new',
      async ({ request, auth }) => {
        if (auth.tokenId) return errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not allowed', 'Create organizations while signed in, not with an API token.')
        const form = await readForm(request)
        let org: Org
        try {
          org = await orgs.createOrg({ name: form.name ?? '' }, auth.user.id)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return newOrgPage(request, auth, { name: form.name ?? '' }, { name: sentence(err.message) }, 422)
        }
        if (auth.session) await accounts.setSessionOrg(auth.session.id, org.id)
        await accounts.audit(actorOf(request, auth, org.id), 'org.created', org.name, { slug: org.slug })
        return redirect(request, '/orgs/members', { kind: 'ok', text: `${org.name} is created and you are its owner. Invite people below.` })
      },
      { permission: SIGNED_IN },
    )
    .post(
      '/orgs/switch',
      async ({ request, auth }) => {
        const form = await readForm(request)
        const membership = form.org ? await orgs.membership(auth.user.id, form.org) : undefined
        if (!membership) return errorFor(new URL(request.url).pathname, 404, 'not_found', 'Not found', 'You do not belong to that organization.')
        if (auth.session) await accounts.setSessionOrg(auth.session.id, membership.org.id)
        return redirect(request, '/', { kind: 'ok', text: `You are working in ${membership.org.name} now.` })
      },
      { permission: SIGNED_IN },
    )
    .get('/orgs', ({ request }) => redirect(request, '/orgs/members'), { permission: 'core.members.read' })

    // ---- members
    .get('/orgs/members', ({ request, auth }) => membersPage(request, auth), { permission: 'core.members.read' })
    .post(
      '/orgs/members/:userId/role',
      async ({ request, auth, params }) => {
        const org = orgOf(auth)
        const member = await changeableMember(request, auth, params.userId)
        if (member instanceof Response) return member
        const form = await readForm(request)
        if (!form.role) return membersPage(request, auth, { status: 422, error: 'Choose a role.' })
        const role = await roleOf(request, auth, form.role)
        if (role instanceof Response) return role
        if (!mayGrant(auth, role)) return errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not allowed', `You cannot give the role ${role.name}: it holds permissions you do not hold.`)
        if (role.id === member.role.id) return redirect(request, '/orgs/members')
        let change: { from: string; to: string }
        try {
          change = await orgs.setMemberRole(org.id, member.user.id, role.id)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return membersPage(request, auth, { status: err.status, error: sentence(err.message) })
        }
        await accounts.audit(actorOf(request, auth), 'org.role_changed', member.user.email, change)
        return redirect(request, '/orgs/members', { kind: 'ok', text: `${member.user.name} is ${change.to} now.` })
      },
      { permission: 'core.members.manage' },
    )
    .post(
      '/orgs/members/:userId/remove',
      async ({ request, auth, params }) => {
        const org = orgOf(auth)
        const member = await changeableMember(request, auth, params.userId)
        if (member instanceof Response) return member
        try {
          await orgs.removeMember(org.id, member.user.id)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return membersPage(request, auth, { status: err.status, error: sentence(err.message) })
        }
        await accounts.audit(actorOf(request, auth), 'org.member_removed', member.user.email, { role: member.role.name })
        if (member.user.id === auth.user.id) {
          const next = (await orgs.orgsOf(auth.user.id))[0]
          if (next && auth.session) await accounts.setSessionOrg(auth.session.id, next.id)
          return redirect(request, '/', { kind: 'ok', text: `You left ${org.name}.` })
        }
        return redirect(request, '/orgs/members', { kind: 'ok', text: `${member.user.name} is removed from ${org.name}.` })
      },
      { permission: 'core.members.manage' },
    )

    // ---- invitations
    .post(
      '/orgs/invitations',
      async ({ request, auth }) => {
        const org = orgOf(auth)
        const limited = inviteCreateLimits(request, auth)
        if (limited) return limited
        const form = await readForm(request)
        const values = { role: form.role ?? '', email: (form.email ?? '').trim() }
        if (!values.role) return membersPage(request, auth, { status: 422, invite: { values, errors: { role: 'Choose a role.' } } })
        const role = await roleOf(request, auth, values.role)
        if (role instanceof Response) return role
        if (role.builtin === 'owner' || !mayGrant(auth, role)) {
          return membersPage(request, auth, { status: 422, invite: { values, errors: { role: role.builtin === 'owner' ? 'Invite as admin and make them owner later.' : 'This role holds permissions you do not hold.' } } })
        }
        let created: { id: string; token: string }
        try {
          created = await orgs.createInvitation(org.id, role.id, auth.user.id, values.email || undefined)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return membersPage(request, auth, { status: 422, invite: { values, errors: { [err.field === 'email' ? 'email' : 'role']: sentence(err.message) } } })
        }
        const email = values.email ? values.email.toLowerCase() : null
        await accounts.audit(actorOf(request, auth), 'org.invitation_created', email ?? role.name, { id: created.id, role: role.name, email })
        const url = `${publicOrigin(request)}/invite/${created.token}`
        return membersPage(request, auth, { status: 201, created: { url, role: role.name, email } })
      },
      { permission: 'core.members.manage' },
    )
    .post(
      '/orgs/invitations/:id/revoke',
      async ({ request, auth, params }) => {
        const open = (await orgs.listInvitations(orgOf(auth).id)).find((i) => i.id === params.id)
        if (!open) return notFound(request, 'open invitation')
        try {
          await orgs.revokeInvitation(orgOf(auth).id, open.id)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'org.invitation_revoked', open.email ?? open.role, { id: open.id, role: open.role })
        return redirect(request, '/orgs/members', { kind: 'ok', text: 'The invitation link is revoked.' })
      },
      { permission: 'core.members.manage' },
    )

    // ---- teams
    .get('/orgs/teams', ({ request, auth }) => teamsPage(request, auth), { permission: 'core.members.read' })
    .post(
      '/orgs/teams',
      async ({ request, auth }) => {
        const form = await readForm(request)
        const values = { name: form.name ?? '', description: form.description ?? '' }
        if (values.description.length > 500) return teamsPage(request, auth, { status: 422, values, errors: { description: 'Keep the description under 500 characters.' } })
        let team: Team
        try {
          team = await orgs.createTeam(orgOf(auth).id, values.name, values.description)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return teamsPage(request, auth, { status: 422, values, errors: { name: sentence(err.message) } })
        }
        await accounts.audit(actorOf(request, auth), 'team.created', team.name, { id: team.id })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `Team ${team.name} is created.` })
      },
      { permission: 'core.teams.manage' },
    )
    .post(
      '/orgs/teams/:id/delete',
      async ({ request, auth, params }) => {
        const team = await teamOf(request, auth, params.id)
        if (team instanceof Response) return team
        try {
          await orgs.deleteTeam(orgOf(auth).id, team.id)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'team.deleted', team.name, { id: team.id })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `Team ${team.name} is deleted.` })
      },
      { permission: 'core.teams.manage' },
    )
    .post(
      '/orgs/teams/:id/members',
      async ({ request, auth, params }) => {
        const org = orgOf(auth)
        const team = await teamOf(request, auth, params.id)
        if (team instanceof Response) return team
        const form = await readForm(request)
        if (!form.user) return teamsPage(request, auth, { status: 422, error: `Choose a member to add to ${team.name}.` })
        const membership = await orgs.membership(form.user, org.id)
        if (!membership) return notFound(request, 'member')
        const user = (await accounts.getUser(form.user)) as User
        try {
          await orgs.addTeamMember(org.id, team.id, user.id)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'team.member_added', team.name, { team: team.id, user: user.email })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `${user.name} is in ${team.name} now.` })
      },
      { permission: 'core.teams.manage' },
    )
    .post(
      '/orgs/teams/:id/members/:userId/remove',
      async ({ request, auth, params }) => {
        const team = await teamOf(request, auth, params.id)
        if (team instanceof Response) return team
        if (!team.memberIds.includes(params.userId)) return notFound(request, 'team member')
        const user = await accounts.getUser(params.userId)
        try {
          await orgs.removeTeamMember(orgOf(auth).id, team.id, params.userId)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'team.member_removed', team.name, { team: team.id, user: user?.email ?? params.userId })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `${user?.name ?? 'The member'} left ${team.name}.` })
      },
      { permission: 'core.teams.manage' },
    )

    // ---- roles
    .get('/orgs/roles', ({ request, auth }) => rolesPage(request, auth), { permission: 'core.roles.manage' })
    .post(
      '/orgs/roles',
      async ({ request, auth }) => {
        const { one, all } = await readFormAll(request)
        const known = new Set(resolver.catalog().map((p) => p.name))
        const picked = [...new Set(all.permissions ?? [])]
        const values = { name: one.name ?? '', permissions: picked.filter((p) => known.has(p)) }
        const notHeld = picked.filter((p) => !known.has(p) || !auth.permissions.has(p))
        if (notHeld.length) return rolesPage(request, auth, { status: 422, values, errors: { permissions: 'You can only give permissions you hold yourself, of enabled plugins.' } })
        let role: Role
        try {
          role = await orgs.createRole(orgOf(auth).id, values.name, values.permissions)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return rolesPage(request, auth, { status: 422, values, errors: { name: sentence(err.message) } })
        }
        await accounts.audit(actorOf(request, auth), 'role.created', role.name, { id: role.id, permissions: role.permissions })
        return redirect(request, '/orgs/roles', { kind: 'ok', text: `The role ${role.name} is created.` })
      },
      { permission: 'core.roles.manage' },
    )
    .get(
      '/orgs/roles/:id',
      async ({ request, auth, params }) => {
        const role = await roleOf(request, auth, params.id)
        if (role instanceof Response) return role
        return roleEditor(request, auth, role)
      },
      { permission: 'core.roles.manage' },
    )
    .post(
      '/orgs/roles/:id',
      async ({ request, auth, params }) => {
        const role = await roleOf(request, auth, params.id)
        if (role instanceof Response) return role
        if (role.builtin) return roleEditor(request, auth, role, { status: 409, error: 'Built-in roles cannot be changed: create a custom role instead.' })
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
          return roleEditor(request, auth, role, { status: err.status, error: sentence(err.message), checked })
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
        const role = await roleOf(request, auth, params.id)
        if (role instanceof Response) return role
        try {
          await orgs.deleteRole(orgOf(auth).id, role.id)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return rolesPage(request, auth, { status: err.status, error: `${role.name}: ${sentence(err.message)}` })
        }
        await accounts.audit(actorOf(request, auth), 'role.deleted', role.name, { id: role.id })
        return redirect(request, '/orgs/roles', { kind: 'ok', text: `The role ${role.name} is deleted.` })
      },
      { permission: 'core.roles.manage' },
    )

    // ---- audit log
    .get(
      '/orgs/audit',
      async ({ request, auth, query }) => {
        const org = orgOf(auth)
        const raw = typeof query.before === 'string' ? query.before : ''
        const before = /^\d{1,15}$/.test(raw) ? Number(raw) : undefined
        const rows = await accounts.listAudit({ orgId: org.id, before, limit: AUDIT_PAGE + 1 })
        const entries = rows.slice(0, AUDIT_PAGE)
        const older = rows.length > AUDIT_PAGE ? entries[entries.length - 1]?.id : undefined
        const body = (
          <>
            <OrgHeader auth={auth} current="/orgs/audit" subtitle="What happened in this organization, newest first" />
            {entries.length === 0 ? (
              <EmptyState title={before ? 'No older entries' : 'Nothing logged yet'}>
                {before ? (
                  <p>
                    <a href="/orgs/audit">Back to the newest entries</a>
                  </p>
                ) : (
                  <p>Changes to members, teams, roles and invitations appear here.</p>
                )}
              </EmptyState>
            ) : (
              <AuditTable entries={entries} />
            )}
            <nav class="pager" aria-label="Audit log pages">
              {before ? <a href="/orgs/audit">Newest</a> : ''}
              {older !== undefined ? <a href={`/orgs/audit?before=${older}`}>Older entries →</a> : ''}
            </nav>
          </>
        ) as string
        return renderer.page(request, auth, { title: `Audit log · ${org.name}`, body })
      },
      { permission: 'core.audit.read' },
    )
}

/** One team with its members, and (for managers) the forms to change it. */
function TeamSection(props: { team: Team; byId: Map<string, User>; members: Member[]; manage: boolean; csrf: string | undefined }) {
  const { team, byId } = props
  const inTeam = team.memberIds.map((id) => byId.get(id)).filter((u): u is User => !!u)
  const addable = props.members.filter((m) => !team.memberIds.includes(m.user.id))
  const selectId = `team-add-${team.id}`
  return (
    <section class="section team">
      <div class="page-header">
        <div>
          <h2 safe>{team.name}</h2>
          {team.description ? (
            <p class="muted" safe>
              {team.description}
            </p>
          ) : (
            ''
          )}
        </div>
        {props.manage ? (
          <div class="page-actions">
            <ActionButton action={`/orgs/teams/${team.id}/delete`} csrf={props.csrf} label="Delete team" confirm={`Delete the team ${team.name}?`} />
          </div>
        ) : (
          ''
        )}
      </div>
      {inTeam.length === 0 ? (
        <p class="muted">No members in this team yet.</p>
      ) : (
        <ul class="team-members">
          {inTeam.map((u) => (
            <li>
              <span safe>{u.name}</span> <span class="muted" safe>{u.email}</span>
              {props.manage ? <ActionButton action={`/orgs/teams/${team.id}/members/${u.id}/remove`} csrf={props.csrf} label="Remove" /> : ''}
            </li>
          ))}
        </ul>
      )}
      {props.manage ? (
        addable.length === 0 ? (
          <p class="muted">Every member of the organization is in this team.</p>
        ) : (
          <form method="post" action={`/orgs/teams/${team.id}/members`} class="row-form">
            <CsrfField token={props.csrf} />
            <label for={selectId} class="visually-hidden" safe>
              {`Add a member to ${team.name}`}
            </label>
            <select id={selectId} name="user">
              {addable.map((m) => (
                <option value={m.user.id} safe>
                  {`${m.user.name} (${m.user.email})`}
                </option>
              ))}
            </select>
            <button type="submit" class="secondary">
              Add to team
            </button>
          </form>
        )
      ) : (
        ''
      )}
    </section>
  )
}
