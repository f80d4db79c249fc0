/**
 * @module Instance admin: the users tab (accounts found by email or name, 50 a page, oldest first;
 * disable/enable, change email, reset two-factor, a set-password link shown once or (mail on)
 * emailed, make or remove instance admin, an account's sessions and tokens: admin-user-access.tsx) and inviting someone into any organization with a role
 * (the link is shown once, and emailed when mail is on and the invitation names an email).
 */
import { Elysia } from 'elysia'
import { InputError, USER_QUERY_MAX, type User } from '../auth/accounts.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { notFoundFor } from '../http/respond.ts'
import { publicOrigin } from '../http/security.ts'
import type { ServerDeps } from '../http/server.ts'
import { linkOrigin, MAIL_FAILED, mailerFor } from '../mail.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, LocalTime, Select, formatDate, type FieldErrors } from '../../views/components.tsx'
import { adminPage, instanceActor } from './admin-ui.tsx'
import { accessPath, adminUserAccessPages } from './admin-user-access.tsx'
import { actorOf, inviteCreateLimits, readForm } from './context.ts'
import { resetEmail } from './forgot-password.tsx'
import { sentence } from './invite.tsx'
import { emailInvitation } from './orgs-members.tsx'
import { resetPath } from './reset-password.tsx'

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

/** Which part of the list is shown: the search text and the keyset position. */
interface ListView {
  q: string
  after?: string
  before?: string
}

const ID = /^[\w-]{1,64}$/

/** The list view from a query string (the page's URL, or the `back` field an action form carries). */
function listViewOf(params: URLSearchParams): ListView {
  const id = (name: string) => {
    const v = params.get(name)
    return v && ID.test(v) ? v : undefined
  }
  const after = id('after')
  return { q: (params.get('q') ?? '').trim().slice(0, USER_QUERY_MAX), after, before: after ? undefined : id('before') }
}

/** The list's URL for a view (`/admin/users` alone for the first page of everyone). */
function listHref(view: ListView): string {
  const params = new URLSearchParams()
  if (view.q) params.set('q', view.q)
  if (view.after) params.set('after', view.after)
  else if (view.before) params.set('before', view.before)
  const qs = params.toString()
  return qs ? `/admin/users?${qs}` : '/admin/users'
}

/** The `back` field's value: the list's query string, so an action returns to the same page. */
function backOf(view: ListView): string {
  return listHref(view).replace(/^\/admin\/users\??/, '')
}

/** A service message about `user` as a sentence: capitalized, unless it starts with their name (kept as written). */
function sentenceAbout(message: string, user: User | undefined): string {
  if (user && message.startsWith(user.name)) return /[.!?]$/.test(message) ? message : message + '.'
  return sentence(message)
}

/** A set-password link just created (shown once). */
interface ResetResult {
  user: User
  link: string
  expiresAt: Date
  /** Set when the link was to be emailed and the email could not be sent. */
  mailFailed?: boolean
}

/** An email change that failed, shown again on its row with what was typed. */
interface EmailEdit {
  userId: string
  value: string
  error: string
}

/**
 * The rarer actions of a row behind a "More" disclosure (it keeps the table within a laptop's
 * width): the account's sessions and API tokens, set-password link, instance admin on or off,
 * two-factor reset.
 */
function UserMoreActions(props: { u: User; self: boolean; mail: boolean; csrf: string | undefined; fields: Record<string, string> | undefined }) {
  const { u, csrf, fields } = props
  // a GET form, so it looks and behaves like the other items of the menu
  const items: string[] = [
    (
      <form method="get" action={accessPath(u.id)} class="inline-form">
        <button type="submit" class="secondary outline">
          Sessions and API tokens
        </button>
      </form>
    ) as string,
  ]
  if (!props.self && !u.disabled && props.mail) {
    items.push(
      ActionButton({
        action: userPath(u.id, '/password-reset/email'),
        csrf,
        fields,
        label: 'Send set-password link by email',
        confirm: `Email a set-password link to ${u.name} at ${u.email}? It works once within 24 hours, and using it signs ${u.name} out everywhere.`,
      }) as string,
    )
  }
  if (!props.self && !u.disabled) {
    items.push(
      ActionButton({
        action: userPath(u.id, '/password-reset'),
        csrf,
        fields,
        label: 'Reset password',
        confirm: `Create a set-password link for ${u.name}? It is shown to you once, for you to hand over; it works once within 24 hours, and using it signs ${u.name} out everywhere.`,
      }) as string,
    )
  }
  if (!props.self && u.isAdmin) {
    items.push(
      ActionButton({
        action: userPath(u.id, '/instance-admin/revoke'),
        csrf,
        fields,
        label: 'Remove instance admin',
        confirm: `Remove instance admin rights from ${u.name}? They keep their organizations and roles, and lose /admin at once.`,
      }) as string,
    )
  } else if (!props.self && !u.disabled) {
    items.push(
      ActionButton({
        action: userPath(u.id, '/instance-admin/grant'),
        csrf,
        fields,
        label: 'Make instance admin',
        confirm: `Make ${u.name} an instance admin? They can then manage plugins, every account and every organization of this instance.`,
      }) as string,
    )
  }
  if (u.totpEnabled) {
    items.push(
      ActionButton({
        action: userPath(u.id, '/two-factor/reset'),
        csrf,
        fields,
        label: 'Reset two-factor',
        confirm: `Turn off two-factor sign-in for ${u.name}? They can sign in with the password alone until they set it up again.`,
      }) as string,
    )
  }
  const safeItems = items.join('')
  return (
    <details class="row-menu">
      <summary aria-haspopup="true">
        More<span class="visually-hidden" safe>{` actions for ${u.name}`}</span>
      </summary>
      <div class="row-menu-panel" role="group" aria-label={`More actions for ${u.name}`}>
        {safeItems}
      </div>
    </details>
  )
}

function UserRow(props: { u: User; self: boolean; mail: boolean; csrf: string | undefined; back: string; emailEdit?: EmailEdit }) {
  const { u } = props
  const edit = props.emailEdit?.userId === u.id ? props.emailEdit : undefined
  const fields = props.back ? { back: props.back } : undefined
  return (
    <tr id={`user-${u.id}`}>
      <td safe>{u.name}</td>
      <td data-label="Email" safe>{u.email}</td>
      <td data-label="Instance admin">{u.isAdmin ? <span class="badge badge-ok">Admin</span> : <span class="muted">—</span>}</td>
      <td data-label="Two-factor">{u.totpEnabled ? <span class="badge badge-ok">On</span> : <span class="muted">Off</span>}</td>
      <td data-label="Status">{u.disabled ? <span class="badge badge-danger">Disabled</span> : <span class="badge">Active</span>}</td>
      <td data-label="Created">
        {/* the day is enough in the list (it keeps the table within a laptop's width); the minute is in the tooltip */}
        <time datetime={u.createdAt.toISOString()} title={formatDate(u.createdAt)} safe>
          {u.createdAt.toISOString().slice(0, 10)}
        </time>
      </td>
      <td class="row-actions">
        {props.self ? (
          <span class="muted">This is you</span>
        ) : u.disabled ? (
          <ActionButton action={userPath(u.id, '/enable')} csrf={props.csrf} fields={fields} label="Enable" />
        ) : (
          <ActionButton action={userPath(u.id, '/disable')} csrf={props.csrf} fields={fields} label="Disable" confirm={`Disable ${u.name}? They are signed out at once and cannot sign in.`} />
        )}{' '}
        <details class="row-edit" open={edit ? true : undefined}>
          <summary>Change email</summary>
          <form method="post" action={userPath(u.id, '/email')} class="inline-form">
            <CsrfField token={props.csrf} />
            {props.back ? <input type="hidden" name="back" value={props.back} /> : ''}
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
        <UserMoreActions u={u} self={props.self} mail={props.mail} csrf={props.csrf} fields={fields} />
      </td>
    </tr>
  )
}

/** The users admin pages. */
export function adminUserPages(deps: ServerDeps) {
  const { identity } = deps
  const { accounts, orgs, twoFactor } = identity
  const mailer = mailerFor(deps.config)
  /** Where links point: PUBLIC_URL when set (always with mail), else this request's origin. */
  const origin = (request: Request) => linkOrigin(deps.config, () => publicOrigin(request))

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
  /**
   * The invitation the form offers first: the Member role of the organization the admin is working
   * in (it used to be the first organization's, whichever one the admin had switched to); failing that,
   * the first Member role.
   */
  const defaultInviteChoice = (choices: { value: string; builtin: string | null }[], orgId: string | undefined) =>
    (orgId ? choices.find((c) => c.builtin === 'member' && c.value.startsWith(`${orgId}:`)) : undefined) ?? choices.find((c) => c.builtin === 'member')

  const usersPage = async (
    request: Request,
    auth: Auth,
    options: { error?: string; status?: number; invite?: InviteState; emailEdit?: EmailEdit; reset?: ResetResult; view?: ListView } = {},
  ) => {
    const view = options.view ?? listViewOf(new URL(request.url).searchParams)
    const { users, prev, next } = await accounts.searchUsers({ query: view.q, after: view.after, before: view.before })
    const choices = await inviteChoices()
    const csrf = auth.session?.csrf
    const back = backOf(view)
    const invite = options.invite ?? { values: {}, errors: {} }
    const selected = invite.values.target ?? defaultInviteChoice(choices, auth.org?.id)?.value
    const paged = !!(view.after || view.before)
    const reset = options.reset
    const body = (
      <>
        <FormError message={options.error} />
        <section class="section" id="accounts">
          <h2>Accounts</h2>
          {reset ? (
            <div class="invite-result" role="status">
              {reset.mailFailed ? <p safe>{`${MAIL_FAILED} It was for ${reset.user.email}.`}</p> : ''}
              <p safe>{`Set-password link for ${reset.user.name} (${reset.user.email}) created.`}</p>
              <p>
                {'Copy it now and hand it to them yourself: it is shown only once, works once, and expires in 24 hours ('}
                <LocalTime at={reset.expiresAt} />
                {"). Whoever opens it can choose this account's password; their two-factor sign-in, if on, still applies."}
              </p>
              <p id="reset-link" class="secret" safe>
                {reset.link}
              </p>
              <button type="button" class="secondary" data-copy="#reset-link">
                Copy link
              </button>
            </div>
          ) : (
            ''
          )}
          <form method="get" action="/admin/users" role="search" class="audit-filter">
            <label for="users-q">
              <span>Find by email or name</span>
              <input id="users-q" type="search" name="q" value={view.q} placeholder="ana@example.com, Ana" maxlength={USER_QUERY_MAX} autocomplete="off" />
            </label>
            <button type="submit" class="secondary outline">
              Search
            </button>{' '}
            {view.q || paged ? <a href="/admin/users">Show everyone</a> : ''}
          </form>
          {users.length === 0 ? (
            view.q ? (
              <EmptyState title={`No user matches “${view.q}”`}>
                <p>
                  Search for part of an email address or a name, or <a href="/admin/users">show everyone</a>.
                </p>
              </EmptyState>
            ) : paged ? (
              <EmptyState title="No more accounts">
                <p>
                  <a href="/admin/users">Back to the first page</a>
                </p>
              </EmptyState>
            ) : (
              <EmptyState title="No accounts yet" />
            )
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
                    <UserRow u={u} self={u.id === auth.user.id} mail={!!mailer} csrf={csrf} back={back} emailEdit={options.emailEdit} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {prev || next ? (
            <nav class="pager" aria-label="Account pages">
              {prev ? (
                <a href={listHref({ q: view.q, before: prev })} rel="prev">
                  ← Previous
                </a>
              ) : (
                ''
              )}
              {next ? (
                <a href={listHref({ q: view.q, after: next })} rel="next">
                  Next →
                </a>
              ) : (
                ''
              )}
            </nav>
          ) : (
            ''
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
      title: view.q ? `Users matching “${view.q}”` : 'Users',
      body,
      status: options.status,
      headers: invite.link || reset ? { 'cache-control': 'no-store' } : undefined,
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

  /** The form of an action on a row: its fields, and the list view it came from (the `back` field). */
  const actionForm = async (request: Request) => {
    const form = await readForm(request)
    return { form, view: listViewOf(new URLSearchParams((form.back ?? '').slice(0, 500))) }
  }

  /** Back to the list the action came from, with a message. */
  const done = (request: Request, view: ListView, text: string) => redirect(request, listHref(view), { kind: 'ok', text })

  const setDisabled = async (request: Request, auth: Auth, id: string, disabled: boolean) => {
    const user = await accounts.getUser(id)
    if (!user) return noSuchUser(request, auth)
    const { view } = await actionForm(request)
    if (disabled && user.id === auth.user.id) return usersPage(request, auth, { error: 'You cannot disable your own account.', status: 422, view })
    try {
      await accounts.setDisabled(user.id, disabled)
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      return usersPage(request, auth, { error: sentenceAbout(err.message, user), status: err.status, view })
    }
    await accounts.audit(instanceActor(request, auth), disabled ? 'user.disabled' : 'user.enabled', user.email)
    let text = disabled ? `${user.name} is disabled and signed out everywhere.` : `${user.name} can sign in again.`
    if (disabled) {
      // Not refused (a rogue owner must be stoppable), but said: someone has to own those organizations.
      const orphaned = await orgs.orgsOwnedAlone(user.id)
      if (orphaned.length) text += ` ${orphaned.map((o) => o.name).join(', ')} ${orphaned.length === 1 ? 'has' : 'have'} no active owner now: open ${orphaned.length === 1 ? 'it' : 'them'} under Organizations and choose "Add me as owner", or enable ${user.name} again.`
    }
    return done(request, view, text)
  }

  /**
   * Runs `act` on the account `id`, with the list view the form came from: no such account is the
   * 404 page, any other refusal (InputError) the users list with the error said about the account.
   */
  const onAccount = async (request: Request, auth: Auth, id: string, act: (target: User, view: ListView) => Promise<Response>): Promise<Response> => {
    const target = await accounts.getUser(id)
    if (!target) return noSuchUser(request, auth)
    const { view } = await actionForm(request)
    try {
      return await act(target, view)
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      if (err.status === 404) return noSuchUser(request, auth)
      return usersPage(request, auth, { error: sentenceAbout(err.message, target), status: err.status, view })
    }
  }

  const setInstanceAdmin = (request: Request, auth: Auth, id: string, isAdmin: boolean) =>
    onAccount(request, auth, id, async (_target, view) => {
      const { user, changed } = await accounts.setInstanceAdmin(id, isAdmin, auth.user.id)
      if (changed) await accounts.audit(instanceActor(request, auth), isAdmin ? 'user.admin_granted' : 'user.admin_revoked', user.email)
      const text = isAdmin
        ? changed
          ? `${user.name} is now an instance admin.`
          : `${user.name} is an instance admin already.`
        : changed
          ? `${user.name} is no longer an instance admin.`
          : `${user.name} is not an instance admin.`
      return done(request, view, text)
    })

  /** A new set-password link for the account (its earlier ones stop working), and its address. */
  const resetLink = async (request: Request, auth: Auth, userId: string) => {
    const reset = await accounts.createPasswordReset(userId, auth.user.id === 'service-token' ? null : auth.user.id)
    return { reset, link: `${origin(request)}${resetPath(reset.token)}` }
  }

  return new Elysia({ name: 'core:admin-users' })
    .use(guard)
    .use(adminUserAccessPages(deps))
    .get('/admin/users', ({ request, auth }) => usersPage(request, auth), admin)
    .post('/admin/users/:id/disable', ({ request, auth, params }) => setDisabled(request, auth, params.id, true), admin)
    .post('/admin/users/:id/enable', ({ request, auth, params }) => setDisabled(request, auth, params.id, false), admin)
    .post('/admin/users/:id/instance-admin/grant', ({ request, auth, params }) => setInstanceAdmin(request, auth, params.id, true), admin)
    .post('/admin/users/:id/instance-admin/revoke', ({ request, auth, params }) => setInstanceAdmin(request, auth, params.id, false), admin)
    .post(
      '/admin/users/:id/password-reset',
      ({ request, auth, params }) =>
        onAccount(request, auth, params.id, async (target, view) => {
          const { reset, link } = await resetLink(request, auth, target.id)
          await accounts.audit(instanceActor(request, auth), 'user.password_reset', reset.user.email, { link: reset.id, expiresAt: reset.expiresAt.toISOString() })
          return usersPage(request, auth, { view, reset: { user: reset.user, link, expiresAt: reset.expiresAt } })
        }),
      admin,
    )
    .post(
      '/admin/users/:id/password-reset/email',
      async ({ request, auth, params }) => {
        if (!mailer) return notFoundFor(request, new URL(request.url).pathname) // mail off: no such route
        return onAccount(request, auth, params.id, async (target, view) => {
          const { reset, link } = await resetLink(request, auth, target.id)
          const sent = await mailer.send({ to: reset.user.email, ...resetEmail(reset.user.name, link, 'admin') })
          await accounts.audit(instanceActor(request, auth), 'user.password_reset', reset.user.email, { link: reset.id, expiresAt: reset.expiresAt.toISOString(), method: sent ? 'emailed' : 'email failed: shown' })
          if (sent) return done(request, view, `A set-password link is on its way to ${reset.user.email}. It works once, within 24 hours.`)
          // The link exists and works: show it once, as the other button does, so nothing is lost.
          return usersPage(request, auth, { view, reset: { user: reset.user, link, expiresAt: reset.expiresAt, mailFailed: true } })
        })
      },
      admin,
    )
    .post(
      '/admin/users/:id/email',
      async ({ request, auth, params }) => {
        const user = await accounts.getUser(params.id)
        if (!user) return noSuchUser(request, auth)
        const { form, view } = await actionForm(request)
        const value = (form.email ?? '').slice(0, 1000)
        try {
          const { user: changed, from } = await accounts.changeEmail(user.id, value)
          if (from !== changed.email) await accounts.audit(instanceActor(request, auth), 'user.email_changed', changed.email, { from })
          return done(request, view, `${changed.name} now signs in as ${changed.email}.`)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return usersPage(request, auth, { status: 422, emailEdit: { userId: user.id, value, error: sentence(err.message) }, view })
        }
      },
      admin,
    )
    .post(
      '/admin/users/:id/two-factor/reset',
      ({ request, auth, params }) =>
        onAccount(request, auth, params.id, async (user, view) => {
          await twoFactor.disable(user.id)
          await accounts.audit(instanceActor(request, auth), 'auth.two_factor_reset', user.email)
          return done(request, view, `Two-factor sign-in of ${user.name} is off. They can set it up again on their account page.`)
        }),
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
        if (!org || !roleId) return again({ target: 'Choose an organization and a role.' })
        try {
          const role = await orgs.getRole(org.id, roleId)
          const invitation = await orgs.createInvitation(org.id, role.id, auth.user.id, values.email || undefined)
          await accounts.audit({ ...actorOf(request, auth), orgId: org.id }, 'org.invitation_created', values.email || org.name, {
            invitation: invitation.id,
            org: org.slug,
            role: role.name,
          })
          const link = `${origin(request)}/invite/${invitation.token}`
          const to = values.email ? values.email.toLowerCase() : null
          const mailNote = await emailInvitation(mailer, to, { inviter: auth.user.name, org: org.name, role: role.name, link, expiresAt: invitation.expiresAt })
          const summary = `Invitation to ${org.name} as ${role.name}${values.email ? ` for ${values.email}` : ''} created.${mailNote ? ` ${mailNote}` : ''}`
          return usersPage(request, auth, { invite: { values: { target: values.target }, errors: {}, link, summary } })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          if (err.field === 'email') return again({ email: sentence(err.message) })
          return again({ target: sentence(err.message) })
        }
      },
      admin,
    )
}
