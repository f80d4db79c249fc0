/**
 * @module Instance admin: one organization, /admin/orgs/:id (instance admins only). Its name,
 * address and members with their roles; actions: "Add me as owner" (to take over an organization
 * whose owners are gone), rename, delete (the same typed confirmation as the owners' settings tab).
 * Every action is audited with the organization's id.
 */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import type { Org } from '../auth/orgs.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, EmptyState, FormError, LocalTime } from '../../views/components.tsx'
import { adminPage, instanceActor } from './admin-ui.tsx'
import { readForm } from './context.ts'
import { sentence } from './invite.tsx'
import { OrgDeleteForm, OrgNameForm, deleteOrganization, renameFromForm, type OrgFormState, type RenameOutcome } from './orgs-settings.tsx'

const admin = { permission: INSTANCE_ADMIN } as const

/** The path of an organization's admin page. */
export function adminOrgPath(id: string): string {
  return `/admin/orgs/${encodeURIComponent(id)}`
}

/** The organizations table of /admin/orgs: each name links to the organization's admin page. */
export function AdminOrgsTable(props: { orgs: (Org & { members: number })[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col">Members</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {props.orgs.map((o) => (
            <tr>
              <td>
                <a href={adminOrgPath(o.id)} safe>
                  {o.name}
                </a>
              </td>
              <td>
                <code safe>{o.slug}</code>
              </td>
              <td safe>{String(o.members)}</td>
              <td class="nowrap">
                <LocalTime at={o.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

interface OrgView {
  status?: number
  error?: string
  rename?: OrgFormState
  remove?: OrgFormState
}

/** The organization admin page and its actions. */
export function adminOrgPages(deps: ServerDeps) {
  const { accounts, orgs } = deps.identity

  const noSuchOrg = (request: Request, auth: Auth) =>
    adminPage(deps, request, auth, 'orgs', {
      title: 'No such organization',
      status: 404,
      body: (
        <EmptyState title="No such organization">
          <p>
            It may have been deleted. <a href="/admin/orgs">Back to the organizations</a>
          </p>
        </EmptyState>
      ) as string,
    })

  const orgPage = async (request: Request, auth: Auth, org: Org, view: OrgView = {}) => {
    const members = await orgs.listMembers(org.id)
    const activeOwners = members.filter((m) => m.role.builtin === 'owner' && !m.user.disabled)
    const mine = members.find((m) => m.user.id === auth.user.id)
    const csrf = auth.session?.csrf
    const body = (
      <>
        <p>
          <a href="/admin/orgs">← All organizations</a>
        </p>
        <section class="section">
          <h2 safe>{org.name}</h2>
          <p class="muted">
            <code safe>{org.slug}</code> · created <LocalTime at={org.createdAt} /> ·{' '}
            <span safe>{`${members.length} member${members.length === 1 ? '' : 's'}`}</span>
          </p>
          <FormError message={view.error} />
          {activeOwners.length === 0 ? (
            <p class="form-error" role="alert">
              This organization has no active owner: nobody can rename or delete it, or give the owner role. Add yourself as owner to take it over.
            </p>
          ) : (
            ''
          )}
          {mine?.role.builtin === 'owner' ? (
            <p>
              <span class="badge badge-ok">You are an owner</span>
            </p>
          ) : (
            <ActionButton
              action={`${adminOrgPath(org.id)}/claim`}
              csrf={csrf}
              label="Add me as owner"
              class="secondary"
              confirm={`Make yourself an owner of ${org.name}? This is written to the audit log.`}
            />
          )}
        </section>
        <section class="section">
          <h2>Members</h2>
          {members.length === 0 ? (
            <EmptyState title="No members">Add yourself as owner to invite people.</EmptyState>
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Email</th>
                    <th>Role</th>
                    <th>Joined</th>
                  </tr>
                </thead>
                <tbody>
                  {members.map((m) => (
                    <tr>
                      <td>
                        <span safe>{m.user.name}</span>
                        {m.user.disabled ? <span class="badge badge-danger">Disabled</span> : ''}
                        {m.user.id === auth.user.id ? <span class="badge">You</span> : ''}
                      </td>
                      <td data-label="Email" safe>
                        {m.user.email}
                      </td>
                      <td data-label="Role" safe>
                        {m.role.name}
                      </td>
                      <td data-label="Joined" class="nowrap">
                        <LocalTime at={m.joinedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section class="section">
          <h2>Name and short name</h2>
          <OrgNameForm action={adminOrgPath(org.id)} org={org} csrf={csrf} state={view.rename} submit="Save" />
        </section>
        <section class="section">
          <h2>Delete organization</h2>
          <OrgDeleteForm action={`${adminOrgPath(org.id)}/delete`} org={org} members={members.length} csrf={csrf} state={view.remove} />
        </section>
      </>
    ) as string
    return adminPage(deps, request, auth, 'orgs', { title: org.name, body, status: view.status })
  }

  return new Elysia({ name: 'core:admin-orgs' })
    .use(guard)
    .get(
      '/admin/orgs/:id',
      async ({ request, auth, params }) => {
        const org = await orgs.getOrg(params.id)
        return org ? orgPage(request, auth, org) : noSuchOrg(request, auth)
      },
      admin,
    )
    .post(
      '/admin/orgs/:id',
      async ({ request, auth, params }) => {
        const org = await orgs.getOrg(params.id)
        if (!org) return noSuchOrg(request, auth)
        let outcome: RenameOutcome
        try {
          outcome = await renameFromForm(deps, org, await readForm(request), instanceActor(request, auth))
        } catch (err) {
          if (err instanceof InputError && err.status === 404) return noSuchOrg(request, auth)
          throw err
        }
        if ('status' in outcome) return orgPage(request, auth, org, { status: outcome.status, rename: outcome.state })
        return redirect(request, adminOrgPath(org.id), { kind: 'ok', text: outcome.changed ? `Saved: the organization is ${outcome.name}.` : 'Nothing changed.' })
      },
      admin,
    )
    .post(
      '/admin/orgs/:id/claim',
      async ({ request, auth, params }) => {
        const org = await orgs.getOrg(params.id)
        if (!org) return noSuchOrg(request, auth)
        let claimed: { previousRole: string | null }
        try {
          claimed = await orgs.claimOwnership(org.id, auth.user.id)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          if (err.status === 404) return noSuchOrg(request, auth)
          return orgPage(request, auth, org, { status: err.status, error: sentence(err.message) })
        }
        await accounts.audit({ ...instanceActor(request, auth), orgId: org.id }, 'org.owner_claimed', auth.user.email, { org: org.name, previousRole: claimed.previousRole })
        return redirect(request, adminOrgPath(org.id), { kind: 'ok', text: `You are an owner of ${org.name} now. Switch to it from the organization menu to manage it.` })
      },
      admin,
    )
    .post(
      '/admin/orgs/:id/delete',
      async ({ request, auth, params }) => {
        const org = await orgs.getOrg(params.id)
        if (!org) return noSuchOrg(request, auth)
        const confirm = (await readForm(request)).confirm ?? ''
        try {
          await deleteOrganization(deps, org.id, confirm, auth, instanceActor(request, auth), true)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          if (err.status === 404) return noSuchOrg(request, auth)
          if (err.field !== 'confirm') return orgPage(request, auth, org, { status: err.status, error: sentence(err.message) })
          return orgPage(request, auth, org, { status: err.status, remove: { values: { confirm }, errors: { confirm: sentence(err.message) } } })
        }
        return redirect(request, '/admin/orgs', { kind: 'ok', text: `${org.name} is deleted.` })
      },
      admin,
    )
}
