/**
 * @module Instance admin: the plugins tab (list, enable/disable with a cascade confirmation, the
 * nav updated out of band for htmx) and each plugin's settings form.
 */
import { Elysia } from 'elysia'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import type { Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { isFragmentRequest, redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { PluginError, type DisableImpact, type PluginInfo } from '../plugins/host.ts'
import { CsrfField, EmptyState, FormError, type FieldErrors } from '../../views/components.tsx'
import { MainNav } from '../../views/shell.tsx'
import { SettingsForm, formValuesOf, settingFields, settingsFromForm, type FormValues } from './admin-settings-form.tsx'
import { adminPage, instanceActor } from './admin-ui.tsx'
import { readForm } from './context.ts'
import { sentence } from './sentence.ts'

const admin = { permission: INSTANCE_ADMIN } as const
const HTML = { 'content-type': 'text/html; charset=utf-8' }
const COLUMNS = 7

/** The DOM id of a plugin's row (ids of broken external folders may hold any character). */
export function rowId(id: string): string {
  return `plugin-${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`
}

function pluginPath(id: string, rest = ''): string {
  return `/admin/plugins/${encodeURIComponent(id)}${rest}`
}

/** A plugin's status as a badge, in sentence case ("Enabled") like the page's other values. */
function StatusBadge(props: { status: PluginInfo['status'] }) {
  const cls = props.status === 'enabled' ? 'badge badge-ok' : props.status === 'failed' ? 'badge badge-danger' : 'badge'
  return (
    <span class={cls} safe>
      {STATUS_LABELS[props.status]}
    </span>
  )
}

const STATUS_LABELS: Record<PluginInfo['status'], string> = { enabled: 'Enabled', disabled: 'Disabled', failed: 'Failed' }

/** The htmx attributes that make a form (or link) replace the plugin's row. */
function rowTarget(id: string) {
  return { 'hx-target': `#${rowId(id)}`, 'hx-swap': 'outerHTML' }
}

/** One plugin's row: name, id, version, source, status, dependencies, toggle and settings link. */
export function PluginRow(props: {
  p: PluginInfo
  csrf: string | undefined
  hasSettings: boolean
  nameOf: (id: string) => string
  message?: string
  oob?: boolean
  /** Focus the toggle when the row is swapped in (after a toggle or a cancelled confirmation: keyboard users stay in place). */
  focus?: boolean
  /** Event handlers of this plugin that threw since start (each logged; the first few in full). */
  failures?: number
}) {
  const { p } = props
  const on = p.status === 'enabled'
  const action = pluginPath(p.id, '/toggle')
  const label = on ? 'Disable' : 'Enable'
  return (
    <tr id={rowId(p.id)} hx-swap-oob={props.oob ? 'true' : undefined}>
      <td>
        <strong safe>{p.name}</strong>
        {p.description ? (
          <>
            <br />
            <small class="muted" safe>
              {p.description}
            </small>
          </>
        ) : (
          ''
        )}
      </td>
      <td data-label="Id">
        <code safe>{p.id}</code>
      </td>
      <td data-label="Version" safe>{p.version || '—'}</td>
      <td data-label="Source">{p.source}</td>
      <td data-label="Status">
        <StatusBadge status={p.status} />
        {p.error ? (
          <>
            <br />
            <small class={p.status === 'failed' ? 'field-error' : 'muted'} safe>
              {p.error}
            </small>
          </>
        ) : (
          ''
        )}
        {props.failures ? (
          <>
            <br />
            <small class="field-error" safe>
              {`${props.failures} event handler ${props.failures === 1 ? 'failure' : 'failures'} since start: see the server log`}
            </small>
          </>
        ) : (
          ''
        )}
      </td>
      <td data-label="Dependencies">
        {p.requires.length ? (
          <small safe>{`Requires: ${p.requires.map(props.nameOf).join(', ')}`}</small>
        ) : (
          ''
        )}
        {p.requires.length && p.requiredBy.length ? <br /> : ''}
        {p.requiredBy.length ? (
          <small safe>{`Required by: ${p.requiredBy.map(props.nameOf).join(', ')}`}</small>
        ) : (
          ''
        )}
        {!p.requires.length && !p.requiredBy.length ? <span class="muted">—</span> : ''}
      </td>
      <td class="row-actions">
        {props.message ? (
          <p class="form-error" role="alert" safe>
            {props.message}
          </p>
        ) : (
          ''
        )}
        <form method="post" action={action} class="inline-form" hx-post={action} {...rowTarget(p.id)}>
          <CsrfField token={props.csrf} />
          <input type="hidden" name="to" value={on ? 'off' : 'on'} />
          <button type="submit" class={on ? 'secondary outline' : 'secondary'} aria-label={`${label} ${p.name}`} autofocus={props.focus}>
            {label}
          </button>
        </form>
        {props.hasSettings ? (
          <>
            {' '}
            <a href={pluginPath(p.id, '/settings')} aria-label={`Settings of ${p.name}`}>
              Settings
            </a>
          </>
        ) : (
          ''
        )}
      </td>
    </tr>
  )
}

/**
 * What disabling a plugin takes away (its dependents, what it contributes, what other plugins lose
 * through its services), and the buttons to confirm or cancel. Focus lands on Cancel, the safe
 * choice; the row comes back with its toggle focused either way.
 */
function DisableConfirm(props: { impact: DisableImpact; csrf: string | undefined; htmx: boolean; changed?: boolean }) {
  const { plugin: p, dependents, features, losses } = props.impact
  const action = pluginPath(p.id, '/toggle')
  const hx = props.htmx ? { 'hx-post': action, ...rowTarget(p.id) } : {}
  const cancel = props.htmx ? { 'hx-get': pluginPath(p.id, '/row'), ...rowTarget(p.id) } : {}
  const names = dependents.map((d) => d.name).join(', ')
  return (
    <div role="alert" class="cascade-confirm">
      {props.changed ? <p class="form-error">What requires it changed since you were asked: read the list again.</p> : ''}
      <p>
        <strong safe>{dependents.length ? `Disabling ${p.name} also disables: ${names}` : `Disable ${p.name}?`}</strong>
      </p>
      {dependents.length ? (
        <p class="muted" safe>
          {`${names} ${dependents.length === 1 ? 'requires' : 'require'} ${p.name}.`}
        </p>
      ) : (
        ''
      )}
      {features.length ? (
        <>
          <p>Goes away until it is enabled again:</p>
          <ul class="impact-list">
            {features.map((f) => (
              <li safe>{f.labels.length ? `${f.kind}: ${f.labels.join(', ')}` : f.kind}</li>
            ))}
          </ul>
        </>
      ) : (
        ''
      )}
      {losses.length ? (
        <>
          <p>Other plugins lose:</p>
          <ul class="impact-list">
            {losses.map((l) => (
              <li safe>{`${l.plugin}: ${l.what.join('; ')}`}</li>
            ))}
          </ul>
        </>
      ) : (
        ''
      )}
      {!features.length && !losses.length && !dependents.length ? <p class="muted">No other plugin uses it.</p> : ''}
      <p class="muted">Its data is kept: enabling it again brings everything back.</p>
      <form method="post" action={action} class="inline-form" {...hx}>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="to" value="off" />
        <input type="hidden" name="confirm" value="1" />
        {dependents.length ? (
          <>
            <input type="hidden" name="cascade" value="1" />
            <input type="hidden" name="also" value={dependentIds(dependents)} />
          </>
        ) : (
          ''
        )}
        <button type="submit" class="contrast" safe>
          {dependents.length ? `Disable ${dependents.length + 1} plugins` : `Disable ${p.name}`}
        </button>
      </form>{' '}
      {props.htmx ? (
        <button type="button" class="secondary outline" autofocus {...cancel}>
          Cancel
        </button>
      ) : (
        <a href="/admin/plugins">Cancel</a>
      )}
    </div>
  )
}

/** The ids of the plugins a confirmation names, as the form sends them back. */
function dependentIds(dependents: PluginInfo[]): string {
  return dependents
    .map((d) => d.id)
    .sort()
    .join(',')
}

/** The plugins admin pages. */
export function adminPluginPages(deps: ServerDeps) {
  const { host, identity, renderer } = deps
  const nameOf = (id: string) => host.nameOf(id)
  const safeRow = (p: PluginInfo, auth: Auth, extra: { message?: string; oob?: boolean; focus?: boolean } = {}) =>
    PluginRow({ p, csrf: auth.session?.csrf, hasSettings: !!host.settingsSchema(p.id), nameOf, failures: host.bus.failureCounts()[p.id], ...extra }) as string

  const listPage = async (request: Request, auth: Auth, options: { error?: string; status?: number } = {}) => {
    const plugins = await deps.list()
    const safeRows = plugins.map((p) => safeRow(p, auth)).join('')
    const body = (
      <>
        <FormError message={options.error} />
        {plugins.length === 0 ? (
          <EmptyState title="No plugins are installed">
            <p>
              Built-in plugins ship with the binary; external ones are folders in <code safe>{deps.config.pluginsDir}</code>.
            </p>
          </EmptyState>
        ) : (
          <div class="table-wrap">
            <table class="admin-plugins stack">
              <thead>
                <tr>
                  <th scope="col">Plugin</th>
                  <th scope="col">Id</th>
                  <th scope="col">Version</th>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                  <th scope="col">Dependencies</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>{safeRows}</tbody>
            </table>
          </div>
        )}
      </>
    ) as string
    return adminPage(deps, request, auth, 'plugins', { title: 'Plugins', body, status: options.status })
  }

  const notFound = (request: Request, auth: Auth, title: string, text: string) =>
    adminPage(deps, request, auth, 'plugins', {
      title,
      status: 404,
      body: (
        <EmptyState title={title}>
          <p safe>{text}</p>
          <p>
            <a href="/admin/plugins">Back to the plugins</a>
          </p>
        </EmptyState>
      ) as string,
    })

  /** A failed toggle: the row (htmx) or the page (no JS) with the error, 422 (404 for an unknown plugin). */
  const failed = async (request: Request, auth: Auth, id: string, err: PluginError) => {
    const status = err.status === 404 ? 404 : 422
    const p = host.has(id) ? host.describe(id) : undefined
    if (isFragmentRequest(request) && p) return new Response(safeRow(p, auth, { message: sentence(err.message), focus: true }), { status, headers: HTML })
    return listPage(request, auth, { error: sentence(err.message), status })
  }

  /** After enable/disable: the row plus changed rows and the nav out of band (htmx), or a redirect with a flash. */
  const changed = async (request: Request, auth: Auth, id: string, also: string[], text: string) => {
    if (!isFragmentRequest(request)) return redirect(request, '/admin/plugins', { kind: 'ok', text })
    // Permissions may have changed with the plugin set: resolve the viewer again for the nav.
    const fresh = (await identity.resolver.resolve(request)) ?? auth
    const nav = MainNav({ items: renderer.nav(fresh), path: '/admin/plugins', oob: true }) as string
    const others = also.filter((x) => x !== id && host.has(x)).map((x) => safeRow(host.describe(x), auth, { oob: true }))
    return new Response(safeRow(host.describe(id), auth, { focus: true }) + others.join('') + nav, { headers: HTML })
  }

  return new Elysia({ name: 'core:admin-plugins' })
    .use(guard)
    .get('/admin/plugins', ({ request, auth }) => listPage(request, auth), admin)
    .get(
      '/admin/plugins/:id/row',
      async ({ request, auth, params }) => {
        if (!isFragmentRequest(request)) return redirect(request, '/admin/plugins')
        if (!host.has(params.id)) return notFound(request, auth, 'No such plugin', `No plugin "${params.id}" is installed.`)
        return new Response(safeRow(host.describe(params.id), auth, { focus: true }), { headers: HTML })
      },
      admin,
    )
    .post(
      '/admin/plugins/:id/toggle',
      async ({ request, auth, params }) => {
        const { id } = params
        const form = await readForm(request)
        const plugins = await deps.list()
        const p = plugins.find((x) => x.id === id)
        if (!p) return notFound(request, auth, 'No such plugin', `No plugin "${id}" is installed.`)
        const to = form.to === 'on' || form.to === 'off' ? form.to : p.status === 'enabled' ? 'off' : 'on'
        const actor = instanceActor(request, auth)
        if (to === 'on') {
          if (p.status === 'enabled') return changed(request, auth, id, [], `${p.name} is enabled.`)
          try {
            await deps.enable(id)
          } catch (err) {
            if (!(err instanceof PluginError)) throw err
            if (err.status !== 404) await identity.accounts.audit(actor, 'plugin.enable_failed', id, { error: err.message.slice(0, 500) })
            return failed(request, auth, id, err)
          }
          await identity.accounts.audit(actor, 'plugin.enabled', id)
          return changed(request, auth, id, [], `${p.name} is enabled.`)
        }
        const cascade = form.cascade === '1'
        const impact = p.status === 'enabled' ? host.disableImpact(id) : undefined
        // Disabling first says what it takes away; the confirmation comes back with confirm=1 (and,
        // when others require it, the ids it named: if they changed meanwhile, it asks again).
        const confirmed = form.confirm === '1' || cascade
        const changedSince = !!impact && confirmed && (impact.dependents.length > 0 || cascade) && (form.also ?? '') !== dependentIds(impact.dependents)
        if (impact && (!confirmed || changedSince)) {
          const htmx = isFragmentRequest(request)
          const safeConfirm = (<DisableConfirm impact={impact} csrf={auth.session?.csrf} htmx={htmx} changed={changedSince} />) as string
          if (htmx) {
            return new Response(
              (
                <tr id={rowId(p.id)} class="confirm-row">
                  <td colspan={String(COLUMNS)}>{safeConfirm}</td>
                </tr>
              ) as string,
              { headers: HTML },
            )
          }
          return adminPage(deps, request, auth, 'plugins', { title: `Disable ${p.name}?`, body: (<section class="section">{safeConfirm}</section>) as string })
        }
        let off: PluginInfo[]
        try {
          // Cascade only what the admin confirmed (checked above; a dependent enabled since then makes the host refuse).
          off = await host.disable(id, { cascade })
        } catch (err) {
          if (!(err instanceof PluginError)) throw err
          return failed(request, auth, id, err)
        }
        const also = off.map((x) => x.id).filter((x) => x !== id)
        await identity.accounts.audit(actor, 'plugin.disabled', id, { cascade: also })
        const alsoNames = also.map(nameOf).join(', ')
        return changed(request, auth, id, also, `${p.name} is disabled.${also.length ? ` Also disabled: ${alsoNames}.` : ''}`)
      },
      admin,
    )
    .get(
      '/admin/plugins/:id/settings',
      async ({ request, auth, params }) => {
        const schema = host.settingsSchema(params.id)
        if (!schema) return notFound(request, auth, 'No settings', host.has(params.id) ? `${host.nameOf(params.id)} has no settings.` : `No plugin "${params.id}" is installed.`)
        const values = formValuesOf(settingFields(schema), host.settingsOf(params.id))
        return settingsPage(request, auth, params.id, values, {})
      },
      admin,
    )
    .post(
      '/admin/plugins/:id/settings',
      async ({ request, auth, params }) => {
        const { id } = params
        const schema = host.settingsSchema(id)
        if (!schema) return notFound(request, auth, 'No settings', host.has(id) ? `${host.nameOf(id)} has no settings.` : `No plugin "${id}" is installed.`)
        const form = await readForm(request)
        const before = host.settingsOf(id)
        const { values, shown, errors } = settingsFromForm(schema, form, before)
        if (Object.values(errors).some(Boolean)) return settingsPage(request, auth, id, shown, errors, 422)
        let after: Record<string, unknown>
        try {
          after = await host.updateSettings(id, values)
        } catch (err) {
          if (!(err instanceof PluginError)) throw err
          return settingsPage(request, auth, id, shown, { '': sentence(err.message) }, err.status === 404 ? 404 : 422)
        }
        // Keys only: settings may hold secrets.
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        await identity.accounts.audit(instanceActor(request, auth), 'plugin.settings_changed', id, { keys })
        return redirect(request, pluginPath(id, '/settings'), { kind: 'ok', text: `Settings of ${host.nameOf(id)} saved.` })
      },
      admin,
    )

  function settingsPage(request: Request, auth: Auth, id: string, values: FormValues, errors: FieldErrors, status = 200) {
    const schema = host.settingsSchema(id)!
    const p = host.describe(id)
    const body = (
      <section class="section">
        <p>
          <a href="/admin/plugins">← All plugins</a>
        </p>
        <h2 safe>{`Settings: ${p.name}`}</h2>
        {p.status !== 'enabled' ? (
          <p class="muted" safe>
            {`This plugin is ${p.status}; the settings apply when it runs.`}
          </p>
        ) : (
          ''
        )}
        <SettingsForm action={pluginPath(id, '/settings')} csrf={auth.session?.csrf} schema={schema} values={values} errors={errors} />
      </section>
    ) as string
    return adminPage(deps, request, auth, 'plugins', { title: `Settings: ${p.name}`, body, status })
  }
}
