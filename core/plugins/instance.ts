/** @module A running plugin: its context, and everything it registered, disposed as one. */
import { Elysia, type AnyElysia } from 'elysia'
import { Value } from '@sinclair/typebox/value'
import type { Bus } from '../bus.ts'
import type { Logger } from '../log.ts'
import type { Store } from '../store/connect.ts'
import { columnFacade } from '../store/facade.ts'
import { declaredPermission } from '../http/guard.ts'
import { requestMeta } from '../http/request-meta.ts'
import { conflictFor, errorFor, internalErrorFor, notFoundFor } from '../http/respond.ts'
import type { PageRenderer, People, PluginContext, PluginMail, PluginManifest, PointName } from './contract.ts'
import type { MailMessage } from '../mail.ts'
import { isUniqueViolation } from '../store/errors.ts'
import { deadline, formatDuration } from './deadline.ts'

/** A route and the permission it declared (false: public). */
export interface RouteInfo {
  method: string
  path: string
  permission: string | false
}

/** Serves one request; the plugin's compiled Elysia fetch. */
export type Handler = (request: Request) => Response | Promise<Response>

/** What the host needs from a running plugin. */
export interface Instance {
  readonly manifest: PluginManifest
  readonly ctx: PluginContext
  readonly contributions: { point: string; value: unknown }[]
  readonly services: Map<string, unknown>
  handler?: Handler
  /** Routes the plugin serves with their permission, for listings and the access matrix. */
  routes: RouteInfo[]
  dispose(): Promise<void>
}

/** What the host lends an instance to look things up in other plugins. */
export interface InstanceHost {
  store: Store
  bus: Bus
  log: Logger
  findService(name: string): unknown
  settingsOf(id: string): Record<string, unknown>
  ui(): PageRenderer | undefined
  people(): People | undefined
  /** Core's mailer and PUBLIC_URL when email is on; absent or undefined: `ctx.mail` is undefined. */
  mail?(): CoreMail | undefined
  contributionsBy(point: string): { pluginId: string; value: unknown }[]
  plugins(): { id: string; name: string; status: 'enabled' | 'disabled' | 'failed'; error?: string }[]
  /** A contribution was added (also after setup, e.g. on a settings change): caches of points go. */
  contributed?(): void
  /** How long setup may take before the plugin is failed (default: no limit). */
  setupTimeoutMs?: number
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses `'30s'`, `'5m'`, `'1h'`, `'1d'` or a number of milliseconds. */
export function parseInterval(interval: string | number): number {
  if (typeof interval === 'number') return interval
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(interval)
  if (!m) throw new Error(`interval "${interval}" is not a duration: use e.g. 30s, 5m, 1h`)
  return Number(m[1]) * UNITS[m[2]!]!
}

/** What core lends the host for plugins' email (they only see it through pluginMail). */
export interface CoreMail {
  mailer: { send(message: MailMessage): Promise<boolean> }
  /** PUBLIC_URL: scheme and host, no trailing slash. */
  publicUrl: string
}

/** One plain address: no list, no display name, no header injection. */
const SINGLE_ADDRESS = /^[^\s@,;:<>()"\[\]\\]+@[^\s@,;:<>()"\[\]\\]+$/

/**
 * The `ctx.mail` plugins get, over core's mailer: only `to`, `subject` and `text` pass (no html, no
 * from, no headers), `to` must be one plain address, and `link` builds on PUBLIC_URL. The mailer
 * (and its SMTP credentials) stays out of reach.
 */
export function pluginMail({ mailer, publicUrl }: CoreMail, log: Logger): PluginMail {
  return Object.freeze({
    async send(message: { to: string; subject: string; text: string }) {
      const to = String(message?.to ?? '').trim()
      if (!SINGLE_ADDRESS.test(to)) {
        log.warn('email not sent: the recipient is not one plain address')
        return false
      }
      return mailer.send({ to, subject: String(message.subject ?? ''), text: String(message.text ?? '') })
    },
    link(path: string) {
      if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) throw new Error(`mail.link takes a path on this platform (starting with one /), not "${String(path).slice(0, 80)}"`)
      return publicUrl + path
    },
  })
}

function mailOf(host: InstanceHost, log: Logger): PluginMail | undefined {
  const core = host.mail?.()
  return core ? pluginMail(core, log) : undefined
}

/** Fills a settings schema's defaults in under the stored values. */
export function settingsWithDefaults(manifest: PluginManifest, stored: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!manifest.settings) return { ...stored }
  return { ...(Value.Default(manifest.settings, {}) as Record<string, unknown>), ...stored }
}

/** Builds a context, runs setup and compiles the returned router. Throws what setup throws. */
export async function startInstance(manifest: PluginManifest, host: InstanceHost): Promise<Instance> {
  const scope = host.bus.scope(manifest.id)
  const log = host.log.child(manifest.id)
  const timers: ReturnType<typeof setInterval>[] = []
  const contributions: { point: string; value: unknown }[] = []
  const services = new Map<string, unknown>()
  /** Services asked for without a `uses` entry (warned about once each). */
  const undeclared = new Set<string>()
  const tables = manifest.schema ? manifest.schema(columnFacade(host.store.dialect)) : {}
  let live = true
  /** Set once setup returned: the host refreshes its caches after enable; later contributions say so themselves. */
  let setUp = false

  const ctx: PluginContext = {
    id: manifest.id,
    db: host.store.db,
    tables,
    store: host.store,
    bus: scope,
    log,
    settings: <S,>() => host.settingsOf(manifest.id) as S,
    contribute: (point: PointName, value: unknown) => {
      if (!live) throw new Error(`plugin "${manifest.id}" contributed to ${point} after it was disabled`)
      contributions.push({ point, value })
      if (setUp) host.contributed?.()
    },
    nav: (item) => ctx.contribute('nav', item),
    contributions: (point) => host.contributionsBy(point).map((c) => c.value) as never,
    contributionsBy: (point) => host.contributionsBy(point) as never,
    plugins: () => host.plugins(),
    provide: (name, impl) => {
      services.set(name, impl)
    },
    service: <S,>(name: string) => {
      if (!manifest.uses?.[name] && !undeclared.has(name)) {
        undeclared.add(name)
        log.warn(`asks for service "${name}" without declaring it in uses: the plugins page cannot say what disabling its provider breaks`)
      }
      return host.findService(name) as S | undefined
    },
    people: {
      members: (orgId) => host.people()?.members(orgId) ?? Promise.resolve([]),
      byIds: (ids) => host.people()?.byIds(ids) ?? Promise.resolve([]),
      teams: (orgId) => host.people()?.teams(orgId) ?? Promise.resolve([]),
      authFor: (userId, orgId) => host.people()?.authFor(userId, orgId) ?? Promise.resolve(undefined),
    },
    page: (request, auth, options) => {
      const ui = host.ui()
      if (!ui) return Promise.resolve(new Response(options.body, { status: options.status ?? 200, headers: { 'content-type': 'text/html; charset=utf-8' } }))
      return ui.page(request, auth, options)
    },
    mail: mailOf(host, log),
    every: (interval, fn) => {
      if (!live) throw new Error(`plugin "${manifest.id}" started a timer after it was disabled`)
      const ms = parseInterval(interval)
      timers.push(
        setInterval(() => {
          try {
            const r = fn()
            if (r instanceof Promise) r.catch((err) => log.error('timer failed', { error: err }))
          } catch (err) {
            log.error('timer failed', { error: err })
          }
        }, ms),
      )
    },
  }

  const dispose = async () => {
    live = false
    scope.dispose()
    for (const t of timers) clearInterval(t)
    timers.length = 0
  }

  let app: void | AnyElysia
  try {
    const setup = Promise.resolve().then(() => manifest.setup(ctx))
    const limit = host.setupTimeoutMs
    app = limit ? await deadline(setup, limit, `setup did not finish in ${formatDuration(limit)}`) : await setup
    setUp = true
  } catch (err) {
    await dispose()
    throw err
  }
  const instance: Instance = { manifest, ctx, contributions, services, routes: [], dispose }
  if (app) {
    try {
      instance.routes = checkRoutes(manifest.id, app)
      instance.handler = serve(manifest.id, app, log)
    } catch (err) {
      await dispose()
      throw err
    }
  }
  return instance
}

/** Elysia's error codes that are the client's fault (a 4xx Elysia answers itself). */
const ELYSIA_CLIENT_ERRORS = new Set(['VALIDATION', 'PARSE', 'INVALID_COOKIE_SIGNATURE', 'INVALID_FILE_TYPE'])

/**
 * Compiles a plugin's router behind core's error answers. An exception becomes core's 500 (the
 * shell's page, or JSON on the API) with the request id, logged with the plugin id; its text never
 * reaches the user. An unknown path under the plugin is core's 404. What the plugin answers itself
 * stays as it is: its own onError handlers run first, and Elysia's validation and parse errors,
 * `status(...)`, thrown Responses (the guard's 401/403) and errors carrying a 4xx `status` keep
 * their answers. Nothing is added to the path of a request that does not fail.
 */
function serve(id: string, app: AnyElysia, log: Logger): Handler {
  // The hook sits on a new parent app, before the plugin's routes join it: routes take the error
  // hooks in place when they are added (a hook added to the plugin's own app afterwards reached
  // only apps that already had an error hook of their own), and it runs after the plugin's own
  // (local) error handlers.
  const served = new Elysia()
    .onError({ as: 'global' }, ({ code, error, request, path }) => {
      if (error instanceof Response) return error
      if (code === 'NOT_FOUND') return notFoundFor(request, path)
      if (isUniqueViolation(error)) return conflictFor(request, path)
      // an unreadable body: core's 400 (JSON on the API, like every other error there)
      if (code === 'PARSE') return errorFor(path, 400, 'bad_request', 'Bad request', 'The request body could not be read: send valid JSON or form data.')
      // Elysia's own 4xx (bad body, bad cookie...) answer as Elysia words them. Anything else is
      // core's 500, including errors that carry a `code` of their own (a driver's SQLITE_ERROR,
      // 23505...), which Elysia passes on as its code: their text must not reach the client.
      if (ELYSIA_CLIENT_ERRORS.has(String(code))) return undefined
      const status = (error as { status?: unknown } | null)?.status
      if (typeof status === 'number' && status >= 400 && status < 500) return undefined
      const rid = requestMeta(request).id
      // the masked path: capability tokens in the URL (invitations, feeds) never reach the log
      log.error('request failed', { rid, plugin: id, method: request.method, path: requestMeta(request).logPath?.() ?? path, error })
      return internalErrorFor(request, path, rid)
    })
    .use(app)
  served.compile()
  return served.fetch as Handler
}

/**
 * A plugin may serve only under `/<id>` and `/api/v1/<id>`, and every route declares its permission
 * (`{ permission }` or `{ public: true }` from the guard); anything else is refused.
 */
function checkRoutes(id: string, app: AnyElysia): RouteInfo[] {
  const ok = (path: string) =>
    path === `/${id}` || path.startsWith(`/${id}/`) || path === `/api/v1/${id}` || path.startsWith(`/api/v1/${id}/`)
  const out: RouteInfo[] = []
  for (const r of app.routes) {
    if (!ok(r.path)) throw new Error(`route ${r.method} ${r.path} is outside /${id} and /api/v1/${id}`)
    const permission = declaredPermission(r)
    if (permission === undefined) {
      throw new Error(`route ${r.method} ${r.path} declares no permission: add { permission: '${id}.<noun>.<verb>' } or { public: true } (use the guard from coder-ide/sdk)`)
    }
    out.push({ method: r.method, path: r.path, permission })
  }
  return out
}
