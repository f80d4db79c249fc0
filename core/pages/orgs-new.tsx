/** @module Creating an organization (the creator becomes its owner) and switching the session's organization. */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import type { Org } from '../auth/orgs.ts'
import { SIGNED_IN, mayCreateOrgs } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { errorFor } from '../http/respond.ts'
import type { ServerDeps } from '../http/server.ts'
import { CsrfField, Field, PageHeader, type FieldErrors } from '../../views/components.tsx'
import { actorOf, readForm } from './context.ts'
import { sentence } from './invite.tsx'

/** The new-organization page and the organization switch. */
export function orgNewPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts, orgs } = identity

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

  /** ORG_CREATION=admins: only instance admins create organizations (a 403 saying whom to ask). */
  const refused = (request: Request, auth: Auth) =>
    !mayCreateOrgs(deps.config.orgCreation, auth.user)
      ? errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Only instance admins create organizations', 'On this instance new organizations are made by instance admins. Ask one to create it, or to invite you to an organization that exists.')
      : undefined

  return new Elysia({ name: 'core:orgs-new' })
    .use(guard)
    .get('/orgs/new', ({ request, auth }) => refused(request, auth) ?? newOrgPage(request, auth), { permission: SIGNED_IN })
    .post(
      '/orgs/new',
      async ({ request, auth }) => {
        const no = refused(request, auth)
        if (no) return no
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
}
