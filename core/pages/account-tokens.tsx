/**
 * @module The API tokens tab: the user's tokens, creating one (its secret shown once; asks for the
 * password again, so a briefly stolen session cannot mint a token that outlives a password change)
 * and revoking one.
 */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import { INSTANCE_ADMIN, SIGNED_IN } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { INSTANCE_ADMIN_SCOPE, TOKEN_DEFAULT_DAYS, TOKEN_EXPIRY_DAYS, TOKEN_MAX_DAYS, apiScopes, type ApiToken } from '../auth/tokens.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { routeTable, type ServerDeps } from '../http/server.ts'
import { CORE_API_HONOURED, CORE_API_INNER_SCOPES } from '../http/core-api.ts'
import { CsrfField, EmptyState, Field, Select, type FieldErrors } from '../../views/components.tsx'
import { TokenTable } from './access-tables.tsx'
import { NO_STORE, accountPage, notFound, sessionOnly } from './account-ui.tsx'
import { actorOf, readFormAll } from './context.ts'
import { currentPasswordError, ownPassword, passwordGate } from './account-password.tsx'
import { sentence } from './sentence.ts'

/** Every token expires: these are the lifetimes offered (no "never"). */
const EXPIRY_OPTIONS = TOKEN_EXPIRY_DAYS.map((d) => ({ value: String(d), label: `${d} days` }))

/** Why the submitted expiry is refused, or undefined when it is one of the offered lifetimes. */
function expiryProblem(value: string): string | undefined {
  if (EXPIRY_OPTIONS.some((o) => o.value === value)) return undefined
  if (!value.trim()) return 'Choose when the token expires.'
  const days = Number(value)
  if (value === 'never' || (Number.isFinite(days) && days > TOKEN_MAX_DAYS)) return `Tokens expire after at most ${TOKEN_MAX_DAYS} days: choose one of the offered times.`
  return 'Choose one of the offered expiry times.'
}

type Scope = { name: string; description: string; group: string; groupName: string }

function TokensView(p: {
  auth: Auth
  tokens: ApiToken[]
  orgNames: Map<string, string>
  scopes: Scope[]
  /** Core's permissions the /api/v1 routes check or honour (a token's other core.* scopes grant nothing). */
  coreApi: Set<string>
  values: { name?: string; permissions?: string[]; expires?: string }
  errors: FieldErrors
  created?: { token: ApiToken; secret: string }
}) {
  const csrf = p.auth.session?.csrf
  const chosen = new Set(p.values.permissions ?? [])
  // Scopes of older tokens that no API route checks (core's only: a disabled plugin's routes are just away).
  const unused = (t: ApiToken) => t.permissions.filter((perm) => perm.startsWith('core.') && perm !== INSTANCE_ADMIN && !p.coreApi.has(perm))
  const groups = new Map<string, { name: string; scopes: Scope[] }>()
  for (const s of p.scopes) {
    const g = groups.get(s.group) ?? { name: s.groupName, scopes: [] }
    g.scopes.push(s)
    groups.set(s.group, g)
  }
  return (
    <>
      {p.created ? (
        <section class="section" aria-labelledby="new-token-title">
          <h2 id="new-token-title">
            Your new token “<span safe>{p.created.token.name}</span>”
          </h2>
          <p>
            <strong>Copy it now: it is shown only this once.</strong> Send it as <code>{'Authorization: Bearer &lt;token&gt;'}</code>.
          </p>
          <p id="token-secret" class="secret" safe>
            {p.created.secret}
          </p>
          <button type="button" data-copy="#token-secret">
            Copy token
          </button>
        </section>
      ) : (
        ''
      )}
      <section class="section">
        <h2>Your API tokens</h2>
        <TokenTable
          tokens={p.tokens}
          csrf={csrf}
          empty={
            <EmptyState title="No API tokens yet">
              <p>Create one below to use the API from scripts and tools.</p>
            </EmptyState>
          }
          scopesHeading="Permissions"
          created
          orgName={(t) => p.orgNames.get(t.orgId) ?? '—'}
          note={(t) => {
            const names = unused(t)
            return names.length ? (
              <div class="muted">
                <small safe>{`No API route checks ${names.join(', ')}: ${names.length === 1 ? 'it grants' : 'they grant'} nothing.`}</small>
              </div>
            ) : (
              ''
            )
          }}
          revoke={(t) => ({ action: `/account/tokens/${encodeURIComponent(t.id)}/revoke`, label: 'Revoke', confirm: 'Revoke this token? Tools using it stop working.' })}
        />
      </section>
      <section class="section">
        <h2>Create a token</h2>
        {!p.auth.org ? (
          <EmptyState title="Join an organization first">
            <p>A token acts in one organization, with permissions you hold there.</p>
          </EmptyState>
        ) : (
          <form method="post" action="/account/tokens" class="medium-form">
            <CsrfField token={csrf} />
            <p class="muted">
              The token acts in <strong safe>{p.auth.org.name}</strong>, with the permissions you choose (only ones you hold there).
            </p>
            <p class="muted">
              Tokens work on the JSON API (<code>/api/v1/</code>) only, not on pages or forms: only permissions that some API route checks are offered.
            </p>
            <Field name="name" label="Name" value={p.values.name} error={p.errors.name} required maxlength={60} placeholder="CI deploys" />
            <fieldset aria-invalid={p.errors.permissions ? 'true' : undefined} aria-describedby={p.errors.permissions ? 'f-permissions-error' : undefined}>
              <legend>Permissions</legend>
              {groups.size === 0 ? <p class="muted">You hold no permission that an API route checks here; <code>GET /api/v1/me</code> needs none, but a token needs at least one.</p> : ''}
              {[...groups.values()].map((g) => (
                <fieldset class="scope-group">
                  <legend safe>{g.name}</legend>
                  {g.scopes.map((s) => (
                    <label>
                      <input type="checkbox" name="permissions" value={s.name} checked={chosen.has(s.name)} />
                      <span safe>{s.description}</span> <code safe>{s.name}</code>
                    </label>
                  ))}
                </fieldset>
              ))}
              {p.errors.permissions ? (
                <small id="f-permissions-error" class="field-error" safe>
                  {p.errors.permissions}
                </small>
              ) : (
                ''
              )}
            </fieldset>
            <Select name="expires" label="Expires after" options={EXPIRY_OPTIONS} value={EXPIRY_OPTIONS.some((o) => o.value === p.values.expires) ? p.values.expires : String(TOKEN_DEFAULT_DAYS)} error={p.errors.expires} />
            <Field name="current" label="Your password" type="password" error={p.errors.current} required autocomplete="current-password" maxlength={256} hint="A token outlives a password change: confirm it is you." />
            <button type="submit">Create token</button>
          </form>
        )}
      </section>
    </>
  )
}

/** The API tokens tab: the list, the create form, revoking. */
export function accountTokenPages(deps: ServerDeps) {
  const { identity } = deps
  const { accounts, orgs, tokens } = identity

  // The permissions some /api/v1 route checks (core's, and every permission of an enabled plugin that has a JSON API), from the route
  // table; built again only when plugins change (a route table builds core's app, so not per request).
  // `core`: core's permissions the API honours in any way (a token's other core.* scopes grant nothing).
  let api: { generation: number; all: Set<string>; core: Set<string> } | undefined
  const apiPermissions = () => {
    if (api?.generation !== deps.host.generation) {
      const generation = deps.host.generation
      const routes = routeTable(deps)
      const core = apiScopes(routes.filter((r) => r.owner === 'core'))
      for (const inner of CORE_API_INNER_SCOPES) core.add(inner)
      const all = new Set([...apiScopes(routes), ...core])
      // A plugin with a JSON API may check any of its permissions inside a handler (calendar's
      // organization calendars need calendar.calendar.manage, checked by the service, not the
      // route): all of such a plugin's permissions are scopes a token may carry.
      const withApi = new Set(routes.filter((r) => r.owner !== 'core' && r.path.startsWith('/api/v1/')).map((r) => r.owner))
      for (const e of identity.resolver.catalog()) if (withApi.has(e.group)) all.add(e.name)
      api = { generation, all, core: new Set([...core, ...CORE_API_HONOURED]) }
    }
    return api
  }
  /** What the form offers: the permissions the user holds here that some API route checks. */
  const allowedScopes = (auth: Auth): Scope[] => {
    const { all } = apiPermissions()
    const held = identity.resolver.catalog().filter((e) => auth.permissions.has(e.name) && all.has(e.name))
    const out: Scope[] = held.map((e) => ({ name: e.name, description: e.description, group: e.group, groupName: e.groupName }))
    if (can(auth, INSTANCE_ADMIN) && all.has(INSTANCE_ADMIN)) out.push({ name: INSTANCE_ADMIN, description: INSTANCE_ADMIN_SCOPE, group: 'instance', groupName: 'Instance' })
    return out
  }
  const tokensPage = async (
    request: Request,
    auth: Auth,
    values: { name?: string; permissions?: string[]; expires?: string } = {},
    errors: FieldErrors = {},
    status = 200,
    created?: { token: ApiToken; secret: string },
  ) => {
    const [list, memberships] = await Promise.all([tokens.list(auth.user.id), orgs.orgsOf(auth.user.id)])
    const orgNames = new Map(memberships.map((o) => [o.id, o.name]))
    const body = TokensView({ auth, tokens: list, orgNames, scopes: allowedScopes(auth), coreApi: apiPermissions().core, values, errors, created }) as string
    return accountPage(deps, request, auth, 'tokens', body, status, created ? NO_STORE : undefined)
  }

  return new Elysia({ name: 'core:account-tokens' })
    .use(guard)
    .get('/account/tokens', async ({ request, auth }) => sessionOnly(request, auth) ?? tokensPage(request, auth), { permission: SIGNED_IN })
    .post(
      '/account/tokens',
      async ({ request, auth }) => {
        // The password gate (session only, attempts counted against the sign-in limits) reads a copy: the form has repeated fields.
        const gate = await passwordGate(request.clone(), auth)
        if (gate instanceof Response) return gate
        const { one, all } = await readFormAll(request)
        const values = { name: one.name ?? '', permissions: (all.permissions ?? []).slice(0, 500), expires: (one.expires ?? '').slice(0, 20) }
        if (!auth.org) {
          gate.giveBack()
          return tokensPage(request, auth, values, { name: 'Join an organization first: a token acts in one.' }, 422)
        }
        const errors: FieldErrors = {}
        const password = one.current ?? ''
        const ok = await ownPassword(deps, request, auth, gate, password)
        if (ok instanceof Response) return ok
        if (!ok) errors.current = currentPasswordError(password)
        const allowed = new Set(allowedScopes(auth).map((s) => s.name))
        const refusedScopes = values.permissions.filter((perm) => !allowed.has(perm))
        const { all: onApi } = apiPermissions()
        const notOnApi = refusedScopes.filter((perm) => !onApi.has(perm) && (auth.permissions.has(perm) || can(auth, perm)))
        const list = (names: string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? '…' : ''}`
        if (notOnApi.length) errors.permissions = `No API route checks ${list(notOnApi)}, so a token cannot use ${notOnApi.length === 1 ? 'it' : 'them'}: choose among the offered permissions.`
        else if (refusedScopes.length) errors.permissions = `You do not hold ${list(refusedScopes)} here: a token can only have permissions you hold.`
        else if (values.permissions.length === 0) errors.permissions = 'Choose at least one permission.'
        const badExpiry = expiryProblem(values.expires)
        if (badExpiry) errors.expires = badExpiry
        if (!values.name.trim() || values.name.trim().length > 60) errors.name = 'Enter a token name of 1 to 60 characters.'
        if (Object.values(errors).some(Boolean)) return tokensPage(request, auth, values, errors, 422)
        let created
        try {
          created = await tokens.create({
            userId: auth.user.id,
            orgId: auth.org.id,
            name: values.name,
            permissions: values.permissions,
            expiresInDays: Number(values.expires),
          })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return tokensPage(request, auth, values, { [err.field ?? 'name']: sentence(err.message) }, 422)
        }
        const { token } = created
        await accounts.audit(actorOf(request, auth), 'token.created', token.name, { id: token.id, permissions: token.permissions, expiresAt: token.expiresAt.toISOString() })
        return tokensPage(request, auth, {}, {}, 200, created)
      },
      { permission: SIGNED_IN },
    )
    .post(
      '/account/tokens/:id/revoke',
      async ({ request, auth, params }) => {
        const refused = sessionOnly(request, auth)
        if (refused) return refused
        let token
        try {
          token = await tokens.revoke(auth.user.id, String(params.id ?? '').slice(0, 128))
        } catch (err) {
          if (err instanceof InputError && err.status === 404) return notFound(request, 'token')
          throw err
        }
        await accounts.audit(actorOf(request, auth), 'token.revoked', token.name, { id: token.id })
        return redirect(request, '/account/tokens', { kind: 'ok', text: `The token “${token.name}” is revoked.` })
      },
      { permission: SIGNED_IN },
    )
}
