/**
 * @module Instance admin: the users tab (every account; disable/enable, change email, reset two-factor) and
 * inviting someone into any organization with a role (the link is shown once).
 */
import { Elysia } from 'elysia'
import { InputError, type User } from '../auth/accounts.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { publicOrigin } from '../http/security.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, Select, formatDate, type FieldErrors } from '../../views/components.tsx'
import { adminPage, instanceActor } from './admin-ui.tsx'
import { actorOf, inviteCreateLimits, readForm } from './context.ts'

const admin = { permission: INSTANCE_ADMIN } as const

interface InviteState {
  values: Record<string, string>
  errors: FieldErrors
  error?: string
  /** The absolute link of the invitation just created (shown once). */
  link?: string
  summary?: string
}

function userPath(id: string, rest: string): string {
  return `/admin/users/${encodeURIComponent(id)}${rest}`
}

/** An email change that failed, shown again on its row with what was typed. */
interface EmailEdit {
  userId: string
  value: string
  error: string
}

function UserRow(props: { u: User; self: boolean; csrf: string | undefined; emailEdit?: EmailEdit }) {
  const { u } = props
  const edit = props.emailEdit?.userId === u.id ? props.emailEdit : undefined
  return (
    <tr id={`user-${u.id}`}>
      <td safe>{u.name}</td>
      <td data-label="Email" safe>{u.email}</td>
      <td data-label="Instance admin">{u.isAdmin ? <span class="badge badge-ok">admin</span> : <span class="muted">—</span>}</td>
      <td data-label="Two-factor">{u.totpEnabled ? <span class="badge badge-ok">on</span> : <span class="muted">off</span>}</td>
      <td data-label="Status">{u.disabled ? <span class="badge badge-danger">disabled</span> : <span class="badge">active</span>}</td>
      <td data-label="Created" class="nowrap" safe>{formatDate(u.createdAt)}</td>
      <td class="row-actions">
        {props.self ? (
          <span class="muted">This is you</span>
        ) : u.disabled ? (
          <ActionButton action={userPath(u.id, '/enable')} csrf={props.csrf} label="Enable" />
        ) : (
          <ActionButton action={userPath(u.id, '/disable')} csrf={props.csrf} label="Disable" confirm={`Disable ${u.name}? They are signed out at once and cannot sign in.`} />
        )}{' '}
        <details class="row-edit" open={edit ? true : undefined}>
          <summary>Change email</summary>
          <form method="post" action={userPath(u.id, '/email')} class="inline-form">
            <CsrfField token={props.csrf} />
            <label for={`email-${u.id}`} class="visually-hidden" safe>{`New email for ${u.name}`}</label>
            <input
              id={`email-${u.id}`}
              type="email"
              name="email"
              value={edit ? edit.value : u.email}
              required
              autocomplete="off"
              aria-invalid={edit ? 'true' : undefined}
              aria-describedby={edit ? `email-${u.id}-error` : undefined}
            />
            {edit ? (
              <small id={`email-${u.id}-error`} class="field-error" safe>
                {edit.error}
              </small>
            ) : (
              ''
            )}
            <button type="submit" class="secondary">
              Save email
            </button>
          </form>
        </details>{' '}
        {u.totpEnabled ? (
          <ActionButton
            action={userPath(u.id, '/two-factor/reset')}
            csrf={props.csrf}
            label="Reset two-factor"
            confirm={`Turn off two-factor sign-in for ${u.name}? They can sign in with the password alone until they set it up again.`}
          />
        ) : (
          ''
        )}
      </td>
    </tr>
  )
}

/** The users admin pages. */
export function adminUserPages(deps: ServerDeps) {
  const { identity } = deps
  const { accounts, orgs, twoFactor } = identity

  /** "Org — Role" choices for invitations (owners cannot be invited). */
  const inviteChoices = async () => {
    const out: { value: string; label: string; builtin: string | null }[] = []
    for (const org of await orgs.listAllOrgs()) {
      for (const role of await orgs.listRoles(org.id)) {
        if (role.builtin === 'owner') continue
        out.push({ value: `${org.id}:${role.id}`, label: `${org.name} — ${role.name}`, builtin: role.builtin })
      }
    }
    return out
  }

  const usersPage = async (request: Request, auth: Auth, options: { error?: string; status?: number; invite?: InviteState; emailEdit?: EmailEdit } = {}) => {
    const users = await accounts.listUsers()
    const choices = await inviteChoices()
    const csrf = auth.session?.csrf
    const invite = options.invite ?? { values: {}, errors: {} }
    const selected = invite.values.target ?? choices.find((c) => c.builtin === 'member')?.value
    const body = (
      <>
        <FormError message={options.error} />
        <section class="section">
          <h2>Accounts</h2>
          {users.length === 0 ? (
            <EmptyState title="No accounts yet" />
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Instance admin</th>
                    <th scope="col">Two-factor</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {users.map((u) => (
                    <UserRow u={u} self={u.id === auth.user.id} csrf={csrf} emailEdit={options.emailEdit} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section class="section" id="invite">
          <h2>Invite a user</h2>
          {invite.link ? (
            <div class="invite-result" role="status">
              <p safe>{invite.summary ?? 'Invitation created.'}</p>
              <p>Copy the link now and send it: it is shown only once, works once and expires in 7 days.</p>
              <p id="invite-link" class="secret" safe>
                {invite.link}
              </p>
              <button type="button" class="secondary" data-copy="#invite-link">
                Copy link
              </button>
            </div>
          ) : (
            ''
          )}
          {choices.length === 0 ? (
            <EmptyState title="No organization to invite into">
              <p>
                <a href="/orgs/new">Create an organization</a> first.
              </p>
            </EmptyState>
          ) : (
            <form method="post" action="/admin/users/invite" class="narrow-form">
              <CsrfField token={csrf} />
              <FormError message={invite.error} />
              <Select name="target" label="Organization and role" options={choices} value={selected} error={invite.errors.target} />
              <Field
                name="email"
                label="Email (optional)"
                type="email"
                value={invite.values.email}
                error={invite.errors.email}
                hint="Who the invitation is for. Leave empty for a link anyone you send it to can use."
                autocomplete="off"
              />
              <button type="submit">Create invitation link</button>
            </form>
          )}
        </section>
      </>
    ) as string
    return adminPage(deps, request, auth, 'users', {
      title: 'Users',
      body,
      status: options.status,
      headers: invite.link ? { 'cache-control': 'no-store' } : undefined,
    })
  }

  const noSuchUser = (request: Request, auth: Auth) =>
    adminPage(deps, request, auth, 'users', {
      title: 'No such user',
      status: 404,
      body: (
        <EmptyState title="No such user">
          <p>
            <a href="/admin/users">Back to the users</a>
          </p>
        </EmptyState>
      ) as string,
    })

  const setDisabled = async (request: Request, auth: Auth, id: string, disabled: boolean) => {
    const user = await accounts.getUser(id)
    if (!user) return noSuchUser(request, auth)
    if (disabled && user.id === auth.user.id) return usersPage(request, auth, { error: 'You cannot disable your own account.', status: 422 })
    await accounts.setDisabled(user.id, disabled)
    await accounts.audit(instanceActor(request, auth), disabled ? 'user.disabled' : 'user.enabled', user.email)
    const text = disabled ? `${user.name} is disabled and signed out everywhere.` : `${user.name} can sign in again.`
    return redirect(request, '/admin/users', { kind: 'ok', text })
  }

  return new Elysia({ name: 'core:admin-users' })
    .use(guard)
    .get('/admin/users', ({ request, auth }) => usersPage(request, auth), admin)
    .post('/admin/users/:id/disable', ({ request, auth, params }) => setDisabled(request, auth, params.id, true), admin)
    .post('/admin/users/:id/enable', ({ request, auth, params }) => setDisabled(request, auth, params.id, false), admin)
    .post(
      '/admin/users/:id/email',
      async ({ request, auth, params }) => {
        const user = await accounts.getUser(params.id)
        if (!user) return noSuchUser(request, auth)
        const form = await readForm(request)
        const value = (form.email ?? '').slice(0, 1000)
        try {
          const { user: changed, from } = await accounts.changeEmail(user.id, value)
          if (from !== changed.email) await accounts.audit(instanceActor(request, auth), 'user.email_changed', changed.email, { from })
          return redirect(request, '/admin/users', { kind: 'ok', text: `${changed.name} now signs in as ${changed.email}.` })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return usersPage(request, auth, { status: 422, emailEdit: { userId: user.id, value, error: err.message } })
        }
      },
      admin,
    )
    .post(
      '/admin/users/:id/two-factor/reset',
      async ({ request, auth, params }) => {
        const user = await accounts.getUser(params.id)
        if (!user) return noSuchUser(request, auth)
        await twoFactor.disable(user.id)
        await accounts.audit(instanceActor(request, auth), 'auth.two_factor_reset', user.email)
        return redirect(request, '/admin/users', { kind: 'ok', text: `Two-factor sign-in of ${user.name} is off. They can set it up again on their account page.` })
      },
      admin,
    )
    .post(
      '/admin/users/invite',
      async ({ request, auth }) => {
        const limited = inviteCreateLimits(request, auth)
        if (limited) return limited
        const form = await readForm(request)
        const values = { target: form.target ?? '', email: (form.email ?? '').trim() }
        const again = (errors: FieldErrors, error?: string) => usersPage(request, auth, { status: 422, invite: { values, errors, error } })
        const [orgId = '', roleId = ''] = values.target.split(':')
        const org = orgId ? await orgs.getOrg(orgId) : undefined
        if (!org || !roleId) return again({ target: 'choose an organization and a role' })
        try {
          const role = await orgs.getRole(org.id, roleId)
          const invitation = await orgs.createInvitation(org.id, role.id, auth.user.id, values.email || undefined)
          await accounts.audit({ ...actorOf(request, auth), orgId: org.id }, 'org.invitation_created', values.email || org.name, {
            invitation: invitation.id,
            org: org.slug,
            role: role.name,
          })
          const link = `${publicOrigin(request)}/invite/${invitation.token}`
          const summary = `Invitation to ${org.name} as ${role.name}${values.email ? ` for ${values.email}` : ''} created.`
          return usersPage(request, auth, { invite: { values: { target: values.target }, errors: {}, link, summary } })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          if (err.field === 'email') return again({ email: err.message })
          return again({ target: err.message })
        }
      },
      admin,
    )
}
