/**
 * @module Admin JSON API for plugins under /api/v1/admin/plugins. Until accounts exist it answers
 * loopback callers, or any caller with `Authorization: Bearer $ADMIN_TOKEN`. Unsafe methods need a
 * JSON body (or none) and no foreign Origin, so a web page cannot forge them. The dispatcher runs
 * `adminGuard` before the request reaches these routes (before body parsing and validation).
 */
import { Elysia, t } from 'elysia'
import { timingSafeEqual } from 'node:crypto'
import { PluginError, type PluginHost } from '../plugins/host.ts'
import { isLoopback, requestMeta } from './request-meta.ts'
import { jsonError } from './respond.ts'

/** What the admin API needs from the server. */
export interface AdminDeps {
  host: PluginHost
  adminToken?: string
  /** Reloads a plugin, importing external code afresh. */
  reload(id: string): ReturnType<PluginHost['reload']>
  /** Enables a plugin, first picking up an external plugin folder written since boot. */
  enable(id: string): ReturnType<PluginHost['enable']>
  /** Lists plugins, including external folders written since boot. */
  list(): Promise<ReturnType<PluginHost['list']>>
}

function tokenMatches(header: string | null, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false
  const given = Buffer.from(header.slice(7))
  const want = Buffer.from(token)
  return given.length === want.length && timingSafeEqual(given, want)
}

/** Refuses callers that are neither loopback nor token holders, and cross-site writes. */
export function adminGuard(request: Request, adminToken: string | undefined): Response | undefined {
  const { ip } = requestMeta(request)
  const viaProxy = request.headers.has('x-forwarded-for')
  if (!tokenMatches(request.headers.get('authorization'), adminToken) && !(isLoopback(ip) && !viaProxy)) {
    return jsonError(403, 'forbidden', 'the admin API answers loopback callers, or callers sending Authorization: Bearer <ADMIN_TOKEN>')
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const origin = request.headers.get('origin')
    if (origin && origin !== new URL(request.url).origin) return jsonError(403, 'cross_origin', `requests from ${origin} may not change plugins`)
    const type = request.headers.get('content-type')
    const length = request.headers.get('content-length')
    if (type && !type.startsWith('application/json')) return jsonError(415, 'unsupported_media_type', 'send a JSON body (Content-Type: application/json) or no body')
    if (!type && length && length !== '0') return jsonError(415, 'unsupported_media_type', 'send a JSON body (Content-Type: application/json) or no body')
  }
  return undefined
}

function fail(err: unknown): Response {
  if (err instanceof PluginError) return jsonError(err.status, err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : 'plugin_failed', err.message)
  throw err
}

/** The admin plugin routes. */
export function adminApi(deps: AdminDeps) {
  const { host } = deps
  return new Elysia({ name: 'core:admin-api', prefix: '/api/v1/admin/plugins' })
    .get('/', async () => ({ plugins: await deps.list() }))
    .get('/:id', ({ params }) => {
      try {
        return host.describe(params.id)
      } catch (err) {
        return fail(err)
      }
    })
    .post('/:id/enable', async ({ params }) => deps.enable(params.id).catch(fail))
    .post(
      '/:id/disable',
      async ({ params, body }) => host.disable(params.id, { cascade: body?.cascade === true }).then((plugins) => ({ plugins }), fail),
      { body: t.Optional(t.Nullable(t.Object({ cascade: t.Optional(t.Boolean()) }))) },
    )
    .post('/:id/reload', async ({ params }) => deps.reload(params.id).catch(fail))
    .put('/:id/settings', async ({ params, body }) => host.updateSettings(params.id, body).then((settings) => ({ settings }), fail), {
      body: t.Record(t.String(), t.Unknown()),
    })
}
