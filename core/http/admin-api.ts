/**
 * @module Admin JSON API for plugins under /api/v1/admin/plugins. Instance admins only: a browser
 * session (CSRF checked at the front door), an API token scoped to core.instance.admin, or the
 * service token (ADMIN_TOKEN, or the one the server writes to $DATA_DIR/admin.token for the CLI).
 */
import { Elysia, t } from 'elysia'
import { guard } from './guard.ts'
import { PluginError, type PluginHost } from '../plugins/host.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import type { Accounts } from '../auth/accounts.ts'
import type { Auth } from '../auth/resolve.ts'
import { actorOf } from '../pages/context.ts'
import { jsonError } from './respond.ts'
import { settingFields } from '../pages/admin-settings-form.tsx'
import type { TObject } from '@sinclair/typebox'

/** What a stored secret setting reads as in the admin API (the value itself is never echoed). */
export const SECRET_MASK = '********'

/**
 * Settings as the admin API shows them: the fields the admin page treats as secret (a string
 * with `writeOnly: true` or `format: 'password'`; any `writeOnly` property too) read as SECRET_MASK
 * when a value is stored, '' when not. The admin page never shows them either.
 */
export function maskSecrets(schema: TObject | undefined, settings: Record<string, unknown>): Record<string, unknown> {
  if (!schema) return settings
  const out = { ...settings }
  for (const f of settingFields(schema)) {
    if (f.kind !== 'secret' && (schema.properties?.[f.key] as { writeOnly?: unknown } | undefined)?.writeOnly !== true) continue
    if (!(f.key in out)) continue
    const v = out[f.key]
    out[f.key] = v === undefined || v === null || v === '' ? '' : SECRET_MASK
  }
  return out
}

/**
 * A secret field left out of a PUT, or sent back as SECRET_MASK (what the API shows for it), keeps
 * the stored value, as an empty secret field does on the admin page; an explicit '' clears it.
 */
export function keepSecrets<T>(schema: TObject | undefined, input: T, stored: Record<string, unknown> | undefined): T {
  if (!schema || !input || typeof input !== 'object' || Array.isArray(input)) return input
  const out = { ...(input as Record<string, unknown>) }
  for (const f of settingFields(schema)) {
    if (f.kind !== 'secret' && (schema.properties?.[f.key] as { writeOnly?: unknown } | undefined)?.writeOnly !== true) continue
    if (!(f.key in out) || out[f.key] === SECRET_MASK) {
      // the mask stands for what is stored; with nothing stored it means nothing (never a secret itself)
      if (stored && f.key in stored && stored[f.key] !== undefined) out[f.key] = stored[f.key]
      else delete out[f.key]
    }
  }
  return out as T
}

/** What the admin API needs from the server. */
export interface AdminDeps {
  host: PluginHost
  /** Reloads a plugin, importing external code afresh. */
  reload(id: string): ReturnType<PluginHost['reload']>
  /** Enables a plugin, first picking up an external plugin folder written since boot. */
  enable(id: string): ReturnType<PluginHost['enable']>
  /** Lists plugins, including external folders written since boot. */
  list(): Promise<ReturnType<PluginHost['list']>>
  /** Where changes are audited. */
  identity: { accounts: Pick<Accounts, 'audit'> }
}

/** Every admin route needs an instance admin (a browser session, an API token with that scope, or the service token). */
const admin = { permission: INSTANCE_ADMIN } as const

function fail(err: unknown): Response {
  if (err instanceof PluginError) return jsonError(err.status, err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : 'plugin_failed', err.message)
  throw err
}

/** The admin plugin routes. Every change is audited (the service token's actor is 'service-token'). */
export function adminApi(deps: AdminDeps) {
  const { host } = deps
  /** Audits an instance-wide change (no organization). */
  const audit = (request: Request, auth: Auth, action: string, id: string, details?: Record<string, unknown>) =>
    deps.identity.accounts.audit({ ...actorOf(request, auth), orgId: null }, action, id, details)
  return new Elysia({ name: 'core:admin-api', prefix: '/api/v1/admin/plugins' })
    .use(guard)
    .get('/', async () => ({ plugins: await deps.list() }), admin)
    .get('/:id', ({ params }) => {
      try {
        return host.describe(params.id)
      } catch (err) {
        return fail(err)
      }
    }, admin)
    .post('/:id/enable', async ({ params, request, auth }) => {
      try {
        const before = host.has(params.id) ? host.describe(params.id).status : undefined
        const info = await deps.enable(params.id)
        if (before !== 'enabled') await audit(request, auth, 'plugin.enabled', params.id)
        return info
      } catch (err) {
        if (err instanceof PluginError && err.status !== 404) await audit(request, auth, 'plugin.enable_failed', params.id, { error: err.message.slice(0, 500) })
        return fail(err)
      }
    }, admin)
    .post(
      '/:id/disable',
      async ({ params, body, request, auth }) => {
        try {
          const plugins = await host.disable(params.id, { cascade: body?.cascade === true })
          await audit(request, auth, 'plugin.disabled', params.id, { cascade: plugins.map((p) => p.id).filter((id) => id !== params.id) })
          return { plugins }
        } catch (err) {
          return fail(err)
        }
      },
      { ...admin, body: t.Optional(t.Nullable(t.Object({ cascade: t.Optional(t.Boolean()) }))) },
    )
    .post('/:id/reload', async ({ params, request, auth }) => {
      try {
        const info = await deps.reload(params.id)
        await audit(request, auth, 'plugin.reloaded', params.id, { version: info.version })
        return info
      } catch (err) {
        return fail(err)
      }
    }, admin)
    .put('/:id/settings', async ({ params, body, request, auth }) => {
      try {
        const before = host.settingsOf(params.id)
        const settings = await host.updateSettings(params.id, keepSecrets(host.settingsSchema(params.id), body, before))
        // Keys only, never values: settings may hold secrets.
        const keys = [...new Set([...Object.keys(before), ...Object.keys(settings)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(settings[k]))
        await audit(request, auth, 'plugin.settings_changed', params.id, { keys })
        return { settings: maskSecrets(host.settingsSchema(params.id), settings) }
      } catch (err) {
        return fail(err)
      }
    }, {
      ...admin,
      body: t.Record(t.String(), t.Unknown()),
    })
}
