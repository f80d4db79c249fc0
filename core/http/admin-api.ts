/**
 * @module Admin JSON API for plugins under /api/v1/admin/plugins. Instance admins only: a browser
 * session (CSRF checked at the front door), an API token scoped to core.instance.admin, or the
 * service token (ADMIN_TOKEN, or the one the server writes to $DATA_DIR/admin.token for the CLI).
 */
import { Elysia, t } from 'elysia'
import { guard } from './guard.ts'
import { PluginError, type PluginHost } from '../plugins/host.ts'
import { INSTANCE_ADMIN } from '../auth/permissions.ts'
import { jsonError } from './respond.ts'

/** What the admin API needs from the server. */
export interface AdminDeps {
  host: PluginHost
  /** Reloads a plugin, importing external code afresh. */
  reload(id: string): ReturnType<PluginHost['reload']>
  /** Enables a plugin, first picking up an external plugin folder written since boot. */
  enable(id: string): ReturnType<PluginHost['enable']>
  /** Lists plugins, including external folders written since boot. */
  list(): Promise<ReturnType<PluginHost['list']>>
}

/** Every admin route needs an instance admin (a browser session, an API token with that scope, or the service token). */
const admin = { permission: INSTANCE_ADMIN } as const

function fail(err: unknown): Response {
  if (err instanceof PluginError) return jsonError(err.status, err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : 'plugin_failed', err.message)
  throw err
}

/** The admin plugin routes. */
export function adminApi(deps: AdminDeps) {
  const { host } = deps
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
    .post('/:id/enable', async ({ params }) => deps.enable(params.id).catch(fail), admin)
    .post(
      '/:id/disable',
      async ({ params, body }) => host.disable(params.id, { cascade: body?.cascade === true }).then((plugins) => ({ plugins }), fail),
      { ...admin, body: t.Optional(t.Nullable(t.Object({ cascade: t.Optional(t.Boolean()) }))) },
    )
    .post('/:id/reload', async ({ params }) => deps.reload(params.id).catch(fail), admin)
    .put('/:id/settings', async ({ params, body }) => host.updateSettings(params.id, body).then((settings) => ({ settings }), fail), {
      ...admin,
      body: t.Record(t.String(), t.Unknown()),
    })
}
