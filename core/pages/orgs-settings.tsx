/**
 * @module The organization's Settings tab (`core.org.manage`): its name and short name (slug); for owners,
 * deleting it with a typed confirmation. The rename and delete steps (service call, audit entry,
 * bus event) are shared with the instance admin's organization page (admin-orgs.tsx).
 */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import type { DeletedOrg, Org } from '../auth/orgs.ts'
import type { Actor } from '../auth/accounts.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { errorFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { actorOf, readForm } from './context.ts'
import { sentence } from './invite.tsx'
import { OrgHeader, orgOf, problem } from './orgs-ui.tsx'

/** What a settings form shows besides the org: the values typed, errors by field. */
export interface OrgFormState {
  values?: Record<string, string>
  errors?: FieldErrors
}

/** The outcome of a rename form: the change made (none when nothing differed), or the form state to show again with its status. */
export type RenameOutcome = { changed: boolean; name: string } | { status: number; state: OrgFormState }

/**
 * Renames `org` from a posted form (`name`, `slug`) and audits `org.renamed` when something
 * changed. Bad input comes back as the form state (the typed values, the error at its field).
 */
export async function renameFromForm(deps: ServerDeps, org: Org, form: Record<string, string>, actor: Actor): Promise<RenameOutcome> {
  const values = { name: form.name ?? '', slug: form.slug ?? '' }
  let change: Awaited<ReturnType<ServerDeps['identity']['orgs']['renameOrg']>>
  try {
    change = await deps.identity.orgs.renameOrg(org.id, values.name, values.slug)
  } catch (err) {
    if (!(err instanceof InputError) || err.status === 404) throw err
    return { status: err.status, state: { values, errors: { [err.field === 'slug' ? 'slug' : 'name']: sentence(err.message) } } }
  }
  const changed = change.from.name !== change.to.name || change.from.slug !== change.to.slug
  if (changed) await deps.identity.accounts.audit({ ...actor, orgId: org.id }, 'org.renamed', change.to.name, { from: change.from, to: change.to })
  return { changed, name: change.to.name }
}

/**
 * Deletes an organization (see Orgs.deleteOrg: typed confirmation, owner or instance admin), audits
 * `org.deleted`, tells plugins with `core.org.deleted` and removes its rows from every plugin's
 * tables, enabled or not (PluginHost.sweepDeletedOrgs). InputErrors reach the caller.
 */
export async function deleteOrganization(deps: ServerDeps, orgId: string, confirm: string, auth: Auth, actor: Actor, asInstanceAdmin: boolean): Promise<DeletedOrg> {
  const gone = await deps.identity.orgs.deleteOrg(orgId, confirm, auth.user.id, { asInstanceAdmin })
  await deps.identity.accounts.audit({ ...actor, orgId: gone.org.id }, 'org.deleted', gone.org.name, {
    slug: gone.org.slug,
    members: gone.members,
    by: asInstanceAdmin ? 'instance admin' : 'owner',
  })
  deps.host.bus.emit('core.org.deleted', { id: gone.org.id, name: gone.org.name, slug: gone.org.slug })
  await deps.host.sweepDeletedOrgs()
  return gone
}

/** The name and short name form (the settings tab and the admin's organization page). */
export function OrgNameForm(props: { action: string; org: Org; csrf: string | undefined; state?: OrgFormState; submit: string }) {
  const values = props.state?.values ?? { name: props.org.name, slug: props.org.slug }
  const errors = props.state?.errors ?? {}
  return (
    <form method="post" action={props.action} class="narrow-form">
      <CsrfField token={props.csrf} />
      <Field name="name" label="Name" value={values.name} error={errors.name} required maxlength={80} autocomplete="organization" />
      <Field
        name="slug"
        label="Short name"
        value={values.slug}
        error={errors.slug}
        required
        maxlength={40}
        autocomplete="off"
        hint="Lowercase letters and digits, words joined by dashes (like acme-labs); unique on this instance. The API and the audit log name the organization by it."
      />
      <button type="submit" safe>
        {props.submit}
      </button>
    </form>
  )
}

/** The delete form: what goes, and the name to type. */
export function OrgDeleteForm(props: { action: string; org: Org; members: number; csrf: string | undefined; state?: OrgFormState }) {
  const label = `Type ${props.org.name} to confirm`
  return (
    <>
      <p safe>
        {`Deleting ${props.org.name} removes its ${props.members} membership${props.members === 1 ? '' : 's'}, its teams, roles, open invitations and API tokens, at once. ` +
          'People keep their accounts and their other organizations. The audit log keeps its entries.'}
      </p>
      <p class="muted">
        What plugins keep for it (projects, tasks, calendars, comments…) is deleted with it, in every plugin, enabled or not. This cannot be undone.
      </p>
      <form method="post" action={props.action} class="narrow-form">
        <CsrfField token={props.csrf} />
        <Field name="confirm" label={label} value={props.state?.values?.confirm} error={props.state?.errors?.confirm} required autocomplete="off" maxlength={80} />
        <button type="submit" class="outline danger">
          Delete organization
        </button>
      </form>
    </>
  )
}

/** The settings tab of the current organization. */
export function orgSettingsPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { orgs } = identity

  const settingsPage = async (request: Request, auth: Auth, view: { status?: number; rename?: OrgFormState; remove?: OrgFormState; error?: string } = {}) => {
    const org = orgOf(auth)
    const owner = auth.role?.builtin === 'owner'
    const members = owner ? (await orgs.countMembers(org.id)).total : 0
    const csrf = auth.session?.csrf
    const body = (
      <>
        <OrgHeader auth={auth} current="/orgs/settings" subtitle="Names and deletion" />
        <FormError message={view.error} />
        <section class="section">
          <h2>Name and short name</h2>
          <OrgNameForm action="/orgs/settings" org={org} csrf={csrf} state={view.rename} submit="Save" />
        </section>
        <section class="section">
          <h2>Delete organization</h2>
          {owner ? (
            <OrgDeleteForm action="/orgs/settings/delete" org={org} members={members} csrf={csrf} state={view.remove} />
          ) : (
            <p class="muted">Only an owner can delete the organization.</p>
          )}
        </section>
      </>
    ) as string
    return renderer.page(request, auth, { title: `Settings · ${org.name}`, body, status: view.status })
  }

  return new Elysia({ name: 'core:orgs-settings' })
    .use(guard)
    .get('/orgs/settings', ({ request, auth }) => settingsPage(request, auth), { permission: 'core.org.manage' })
    .post(
      '/orgs/settings',
      async ({ request, auth }) => {
        const org = orgOf(auth)
        let outcome: RenameOutcome
        try {
          outcome = await renameFromForm(deps, org, await readForm(request), actorOf(request, auth))
        } catch (err) {
          return problem(request, err)
        }
        if ('status' in outcome) return settingsPage(request, auth, { status: outcome.status, rename: outcome.state })
        return redirect(request, '/orgs/settings', { kind: 'ok', text: outcome.changed ? `Saved: the organization is ${outcome.name}.` : 'Nothing changed.' })
      },
      { permission: 'core.org.manage' },
    )
    .post(
      '/orgs/settings/delete',
      async ({ request, auth }) => {
        const org = orgOf(auth)
        if (auth.role?.builtin !== 'owner') {
          return errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not allowed', 'Only an owner can delete the organization.')
        }
        const form = await readForm(request)
        const confirm = form.confirm ?? ''
        try {
          await deleteOrganization(deps, org.id, confirm, auth, actorOf(request, auth), false)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404 || err.status === 403) return problem(request, err)
          return settingsPage(request, auth, { status: err.status, remove: { values: { confirm }, errors: { confirm: sentence(err.message) } } })
        }
        return redirect(request, '/', { kind: 'ok', text: `${org.name} is deleted.` })
      },
      { permission: 'core.org.manage' },
    )
}
