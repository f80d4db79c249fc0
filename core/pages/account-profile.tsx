/** @module The profile tab: the user's name, their organizations and whether two-factor sign-in is on. */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import { SIGNED_IN, mayCreateOrgs } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, EmptyState, Field, type FieldErrors } from '../../views/components.tsx'
import { accountPage, sessionOnly } from './account-ui.tsx'
import { actorOf, readForm } from './context.ts'
import { sentence } from './sentence.ts'

function ProfileView(p: {
  canCreateOrg: boolean
  auth: Auth
  values: { name?: string }
  errors: FieldErrors
  orgs: { id: string; name: string; role: string }[]
}) {
  const csrf = p.auth.session?.csrf
  return (
    <>
      <section class="section">
        <h2>Profile</h2>
        <form method="post" action="/account" class="narrow-form">
          <CsrfField token={csrf} />
          <Field name="name" label="Name" value={p.values.name ?? p.auth.user.name} error={p.errors.name} required maxlength={100} autocomplete="name" />
          <label for="f-email">
            <span>Email</span>
            <input id="f-email" type="email" value={p.auth.user.email} readonly aria-describedby="f-email-hint" />
            <small id="f-email-hint">Your sign-in address. An instance admin can change it.</small>
          </label>
          <button type="submit">Save name</button>
        </form>
      </section>
      <section class="section">
        <h2>Organizations</h2>
        {p.orgs.length === 0 ? (
          <EmptyState title="You belong to no organization yet">
            <p>
              {p.canCreateOrg ? (
                <>
                  <a href="/orgs/new">Create an organization</a>, or ask an admin for an invitation.
                </>
              ) : (
                'Ask an admin of an organization for an invitation.'
              )}
            </p>
          </EmptyState>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Organization</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {p.orgs.map((o) => (
                  <tr>
                    <td>
                      <span safe>{o.name}</span>
                      {o.id === p.auth.org?.id ? <span class="badge">Current</span> : ''}
                    </td>
                    <td safe>{o.role}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="section">
        <h2>Two-factor sign-in</h2>
        <p>
          {p.auth.user.totpEnabled ? <span class="badge badge-ok">On</span> : <span class="badge badge-danger">Off</span>}{' '}
          <a href="/account/2fa">{p.auth.user.totpEnabled ? 'Manage two-factor sign-in' : 'Turn on two-factor sign-in'}</a>
        </p>
      </section>
    </>
  )
}

/** The profile tab and the rename form. */
export function accountProfilePages(deps: ServerDeps) {
  const { accounts, orgs } = deps.identity

  const profile = async (request: Request, auth: Auth, values: { name?: string } = {}, errors: FieldErrors = {}, status = 200) => {
    const memberships = await orgs.orgsOf(auth.user.id)
    return accountPage(deps, request, auth, 'profile', ProfileView({ auth, values, errors, orgs: memberships, canCreateOrg: mayCreateOrgs(deps.config.orgCreation, auth.user) }) as string, status)
  }

  return new Elysia({ name: 'core:account-profile' })
    .use(guard)
    .get('/account', async ({ request, auth }) => sessionOnly(request, auth) ?? profile(request, auth), { permission: SIGNED_IN })
    .post(
      '/account',
      async ({ request, auth }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        const form = await readForm(request)
        const name = form.name ?? ''
        try {
          const user = await accounts.renameUser(auth.user.id, name)
          if (user.name !== auth.user.name) await accounts.audit(actorOf(request, auth), 'user.renamed', auth.user.email, { from: auth.user.name, to: user.name })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return profile(request, auth, { name }, { name: sentence(err.message) }, err.status === 404 ? 404 : 422)
        }
        return redirect(request, '/account', { kind: 'ok', text: 'Your name is saved.' })
      },
      { permission: SIGNED_IN },
    )
}
