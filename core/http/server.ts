/**
 * @module HTTP server: Bun.serve in front, dispatch by the first path segment to the enabled
 * plugin's router (or core's Elysia app), request ids and logs, graceful shutdown.
 */
import { Elysia } from 'elysia'
import type { Server } from 'bun'
import { logs, type Logger } from '../log.ts'
import { RESERVED_SEGMENTS } from '../plugins/contract.ts'
import type { Store } from '../store/connect.ts'
import type { Config } from '../config.ts'
import { fromLoopback } from '../pages/setup-token.ts'
import type { Identity } from '../auth/index.ts'
import type { Auth } from '../auth/resolve.ts'
import type { SessionInfo } from '../auth/accounts.ts'
import { corePages } from '../pages/index.ts'
import { adminApi, type AdminDeps } from './admin-api.ts'
import { CORE_API_SEGMENTS, coreApi } from './core-api.ts'
import { declaredPermission, guard } from './guard.ts'
import type { Renderer } from './render.ts'
import { conflictFor, errorFor, errorInShell, errorPageFor, htmlError, internalErrorFor, isApiPath, jsonError, notFoundFor } from './respond.ts'
import { requestMeta, setRequestMeta } from './request-meta.ts'
import { checkCsrf, isSafeMethod, withSecurityHeaders } from './security.ts'
import { bodyTooLarge, MAX_BODY_BYTES } from './body-limit.ts'
import { securePublicUrl, trustForwardedProto } from './cookies.ts'
import { pluginAsset, staticFile } from './static.ts'
import { PathRedactor, REDACTED } from './redact.ts'
import { isUniqueViolation } from '../store/errors.ts'

/** What the HTTP front, core's pages and the admin API need: one object passed everywhere. */
export interface ServerDeps extends AdminDeps {
  config: Config
  store: Store
  log: Logger
  identity: Identity
  renderer: Renderer
  /** True until the first account exists; every page then leads to /setup. */
  needsSetup: boolean
}

/** Request ids: this process's random prefix and a counter (unique enough to find a request in the log, and cheap). */
const REQUEST_ID_PREFIX = crypto.randomUUID().slice(0, 8)
let requestSeq = 0
function nextRequestId(): string {
  return `${REQUEST_ID_PREFIX}-${(++requestSeq).toString(36)}`
}

/** Paths that stay reachable before setup. */
// The admin API too: only the service token (the CLI's, or ADMIN_TOKEN) gets in before the first account; the guard answers 401 to anyone else.
const BEFORE_SETUP = ['/setup', '/healthz', '/readyz', '/public/', '/api/v1/admin/']

/** The parts of a URL dispatch needs, without allocating a URL object. */
function splitPath(url: string): { pathname: string; plugin: string } {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  let end = url.length
  const q = url.indexOf('?', start)
  if (q !== -1) end = q
  const hash = url.indexOf('#', start)
  if (hash !== -1 && hash < end) end = hash
  const pathname = start === -1 ? '/' : url.slice(start, end)
  return { pathname, plugin: pluginOf(pathname) }
}

/** The plugin segment of a path: `/<id>/...` or `/api/v1/<id>/...`. */
function pluginOf(pathname: string): string {
  const seg = segmentAt(pathname, 1)
  return seg === 'api' && segmentAt(pathname, 5) === 'v1' && pathname.startsWith('/api/v1/') ? segmentAt(pathname, 8) : seg
}

function segmentAt(pathname: string, from: number): string {
  const slash = pathname.indexOf('/', from)
  return pathname.slice(from, slash === -1 ? pathname.length : slash)
}

/** An IPv4 or IPv6 address (no port): what an X-Forwarded-For entry must be to be believed. */
const IP_ADDRESS = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/

/**
 * The client address behind `hops` trusted reverse proxies. Each proxy appends the address it got
 * the request from to X-Forwarded-For, so with one proxy the right-most entry is the client; with
 * `hops` proxies it is the `hops`-th from the right. Entries further left were written by the
 * client and are never believed. When the header has fewer entries, the left-most is taken; when
 * it has none or an entry is not an address, the nearest address believed so far (at worst the
 * peer's). A port (`1.2.3.4:5678`, `[::1]:5678`) is dropped, so one client stays one address.
 */
export function forwardedClient(header: string | null, peer: string, hops: number): string {
  if (!header) return peer
  let client = peer
  let end = header.length
  for (let i = 0; i < hops && end >= 0; i++) {
    const comma = header.lastIndexOf(',', end - 1)
    const entry = stripPort(header.slice(comma + 1, end).trim())
    if (entry.length > 45 || !IP_ADDRESS.test(entry)) break
    client = entry
    end = comma
  }
  return client
}

function stripPort(entry: string): string {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']')
    return close === -1 ? entry : entry.slice(1, close)
  }
  const colon = entry.indexOf(':')
  return colon !== -1 && colon === entry.lastIndexOf(':') ? entry.slice(0, colon) : entry
}

/**
 * Core's own routes: health, readiness, the admin API, static files. `redact` turns a path into
 * what may be logged (capability tokens masked; see redact.ts).
 */
export function coreApp(deps: ServerDeps, redact: (pathname: string) => string = (p) => p) {
  const { host, store } = deps
  return new Elysia({ name: 'core' })
    .use(guard)
    .onError(async ({ code, error, request }) => {
      if (error instanceof Response) return error // the guard's 401/403
      const path = new URL(request.url).pathname
      if (code === 'VALIDATION') {
        const message = 'the request body is not valid: ' + ((error as { message?: string }).message ?? '').split('\n')[0]
        return isApiPath(path) ? jsonError(422, 'invalid_body', message) : htmlError(422, 'Invalid request', message)
      }
      if (code === 'NOT_FOUND') return notFoundFor(request, path)
      if (code === 'PARSE') return errorFor(path, 400, 'bad_request', 'Bad request', 'The request body could not be read: send valid JSON or form data.')
      if (isUniqueViolation(error)) return conflictFor(request, path)
      const rid = requestMeta(request).id
      deps.log.error('unhandled error', { rid, method: request.method, path: redact(path), error })
      return internalErrorFor(request, path, rid)
    })
    .get('/healthz', () => ({ status: 'ok' }), { public: true })
    .get('/readyz', async ({ set, request }) => {
      try {
        await store.ping()
      } catch (err) {
        // The route is public: the driver's text (host, user, database) goes to the log only.
        deps.log.warn('readiness: store not reachable', { error: err })
        set.status = 503
        return { status: 'unavailable', reason: 'store not reachable' }
      }
      if (!host.settled) {
        set.status = 503
        return { status: 'starting', reason: 'plugins are still starting' }
      }
      // which plugins are installed and which failed is for the machine itself (probes, the CLI,
      // an operator's curl), not for anyone on the network: they get the status alone
      if (!fromLoopback(request, deps.config)) return { status: 'ready' }
      return { status: 'ready', plugins: host.list().map((p) => ({ id: p.id, status: p.status })) }
    }, { public: true })
    .use(adminApi(deps))
    .use(coreApi(deps))
    .use(corePages(deps))
}

/** Every route core and the enabled plugins serve, with the permission each declared (for the access matrix). */
export function routeTable(deps: ServerDeps): { owner: string; method: string; path: string; permission: string | false | undefined }[] {
  const app = coreApp(deps)
  const core = app.routes.map((r) => ({ owner: 'core', method: r.method, path: r.path, permission: declaredPermission(r) }))
  const plugins = deps.host.list().flatMap((p) => p.routes.map((r) => ({ owner: p.id, ...r })))
  return [...core, ...plugins]
}

/** The HTTP front: returns `fetch` for Bun.serve and a drain function for shutdown. */
export function createFetch(deps: ServerDeps) {
  const { host, log } = deps
  // What the log shows of a path: tokens in capability URLs (public routes' parameters) masked.
  let redact = (pathname: string) => pathname
  const app = coreApp(deps, (pathname) => redact(pathname))
  const coreRoutes = app.routes.map((r) => ({ path: r.path, permission: declaredPermission(r) }))
  const redactor = new PathRedactor(
    () => [...coreRoutes, ...host.list().flatMap((p) => p.routes)],
    () => host.generation,
  )
  redact = (pathname) => {
    const masked = redactor.redact(pathname)
    if (masked !== pathname) return masked
    // A plugin that is installed but not serving (and perhaps never enabled in this process, so its
    // routes were never learned): which of its segments are secrets is unknown, so none is shown
    // (a calendar feed polled while calendar is off still carries its token).
    const plugin = pluginOf(pathname)
    if (plugin && host.has(plugin) && !host.handlerFor(plugin)) {
      const at = pathname.startsWith('/api/v1/') ? 3 : 1
      const parts = pathname.split('/')
      return parts.map((part, i) => (i > at && part ? REDACTED : part)).join('/')
    }
    return masked
  }
  app.compile()
  const coreFetch = app.fetch
  const trustProxy = deps.config.trustProxy
  const publicUrl = deps.config.publicUrl // an origin (config.ts checks it has no path)
  let inFlight = 0
  let draining = false
  let idle: (() => void) | undefined

  const route = (request: Request, pathname: string, plugin: string): Response | Promise<Response> => {
    if (plugin && host.has(plugin) && !RESERVED_SEGMENTS.includes(plugin)) {
      const handler = host.handlerFor(plugin)
      if (handler) return handler(request)
      const name = host.nameOf(plugin)
      if (host.describe(plugin).status === 'failed') {
        return errorPageFor(request, pathname, 404, 'plugin_failed', `${name} failed to start`, `${name} could not start on this instance. Its data is kept; an admin can see why on the plugins page (/admin/plugins).`)
      }
      return errorPageFor(
        request,
        pathname,
        404,
        'plugin_disabled',
        `${name} is disabled`,
        `${name} is turned off on this instance. Its data is kept; an admin can enable it again.`,
      )
    }
    if (pathname.startsWith('/public/')) {
      const file = staticFile(pathname)
      if (file) return file
      const slash = pathname.indexOf('/', 8)
      const asset = slash > 8 ? host.assetFor(pathname.slice(8, slash), pathname.slice(slash + 1)) : undefined
      if (asset) return pluginAsset(asset, request).then((r) => r ?? coreFetch(request))
    }
    if (plugin && pathname.startsWith('/api/v1/') && !CORE_API_SEGMENTS.includes(plugin)) {
      return jsonError(404, 'unknown_plugin', `no plugin "${plugin}" is installed on this instance`)
    }
    return coreFetch(request)
  }

  async function fetch(request: Request, server: Server<unknown>): Promise<Response> {
    const started = performance.now()
    const incoming = request.headers.get('x-request-id')
    const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : nextRequestId()
    let auth: Promise<Auth | null> | undefined
    let session: Promise<SessionInfo | undefined> | undefined
    const authOnce = () => (auth ??= deps.identity.resolver.resolve(request))
    const sessionOnce = () => (session ??= deps.identity.resolver.session(request))
    if (trustProxy) trustForwardedProto(request)
    securePublicUrl(request, publicUrl)
    // The client address costs a lookup; most requests (reads) never ask for it.
    let ip: string | undefined
    const clientIp = () => {
      if (ip === undefined) {
        const peer = server.requestIP(request)?.address ?? ''
        ip = trustProxy ? forwardedClient(request.headers.get('x-forwarded-for'), peer, trustProxy) : peer
      }
      return ip
    }
    const { pathname, plugin } = splitPath(request.url)
    setRequestMeta(request, {
      id,
      get ip() {
        return clientIp()
      },
      auth: authOnce,
      session: sessionOnce,
      logPath: () => redact(pathname),
    })
    if (draining) {
      return errorFor(pathname, 503, 'shutting_down', 'Restarting', 'The server is shutting down. Try again in a moment.')
    }
    inFlight++
    let response: Response
    try {
      response =
        (isSafeMethod(request.method) ? undefined : await bodyTooLarge(request, pathname)) ??
        (deps.needsSetup ? setupRedirect(pathname) : undefined) ??
        (isSafeMethod(request.method) ? undefined : await checkCsrf(request, pathname, authOnce, async () => (await sessionOnce())?.csrf, publicUrl)) ??
        (await route(request, pathname, plugin))
      if (response.status >= 400) response = await errorInShell(request, response)
    } catch (err) {
      log.error('request failed', { rid: id, path: redact(pathname), error: err })
      response = errorFor(pathname, 500, 'internal', 'Something went wrong', 'The error was logged. Try again; if it keeps happening, tell your admin.')
    } finally {
      inFlight--
      if (draining && inFlight === 0) idle?.()
    }
    try {
      response.headers.set('x-request-id', id)
      withSecurityHeaders(response)
    } catch {
      // immutable headers (a proxied Response): the id is still in the log
    }
    if (logs('info')) log.info(`${request.method} ${redact(pathname)} ${response.status}`, { ms: Math.round((performance.now() - started) * 10) / 10, rid: id })
    return response
  }

  /** Stops taking requests and resolves when in-flight ones finish or `timeoutMs` passes. */
  function drain(timeoutMs: number): Promise<boolean> {
    draining = true
    if (inFlight === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      idle = () => {
        clearTimeout(timer)
        resolve(true)
      }
    })
  }

  return { fetch, drain, inFlight: () => inFlight }
}

/** Before the first account exists, pages lead to /setup (the API says so in JSON). */
function setupRedirect(pathname: string): Response | undefined {
  if (BEFORE_SETUP.some((p) => pathname === p || (p.endsWith('/') && pathname.startsWith(p)))) return undefined
  if (isApiPath(pathname)) return jsonError(503, 'setup_required', 'this instance has no accounts yet: open /setup in a browser, or run coder-ide admin create')
  return new Response(null, { status: 303, headers: { location: '/setup' } })
}

/** A listening address as a URL's host: the wildcard ones as loopback, IPv6 in brackets. */
export function urlHost(hostname: string): string {
  if (hostname === '0.0.0.0') return '127.0.0.1'
  if (hostname === '::') return '[::1]'
  return hostname.includes(':') ? `[${hostname}]` : hostname
}

/** The server could not listen: one line saying on what, why, and what to change. */
export class ListenError extends Error {}

/** Why a listen failed, in words that say what to do. */
function listenFailure(err: unknown, hostname: string, port: number): ListenError {
  const code = (err as { code?: string }).code ?? ''
  const why: Record<string, string> = {
    EADDRINUSE: `port ${port} is in use (another coder-ide or program holds it): stop that one or choose another PORT / --port`,
    EADDRNOTAVAIL: `this machine has no address ${hostname}: set HOST to one of its addresses, 127.0.0.1 or 0.0.0.0`,
    EACCES: `not permitted (ports below 1024 need privileges): choose a PORT above 1023`,
  }
  return new ListenError(`cannot listen on ${hostname}:${port}: ${why[code] ?? (err as Error).message?.split('\n')[0] ?? String(err)}`)
}

/**
 * Requests that arrive before `ready` settles wait for it (plugins still starting), except the
 * probes: /healthz says the process is alive, /readyz that it is not ready yet. After, one check.
 */
function waitUntil(ready: Promise<unknown>, fetch: (request: Request, server: Server<unknown>) => Response | Promise<Response>) {
  let open = false
  const opened = ready.then(
    () => (open = true),
    () => (open = true),
  )
  return (request: Request, server: Server<unknown>): Response | Promise<Response> => {
    if (open) return fetch(request, server)
    const { pathname } = new URL(request.url)
    if (pathname === '/healthz' || pathname === '/readyz') return fetch(request, server)
    return opened.then(() => fetch(request, server))
  }
}

/**
 * Starts listening; `stop` drains, closes the listener and resolves when done. With `ready`, it
 * listens at once and holds requests (not the probes) until `ready` settles. Throws ListenError.
 */
export function startServer(deps: ServerDeps, options: { port: number; hostname: string; ready?: Promise<unknown> }) {
  const front = createFetch(deps)
  let server: Server<unknown>
  try {
    server = Bun.serve({
      port: options.port,
      hostname: options.hostname,
      fetch: options.ready ? waitUntil(options.ready, front.fetch) : front.fetch,
      // Plugin pages may stream or wait on the store; keep idle sockets longer than Bun's 10 s default.
      idleTimeout: 30,
      // No body is read past the largest route limit (Bun's default is 128 MB); smaller routes get
      // their own 413 in `fetch` (body-limit.ts).
      maxRequestBodySize: MAX_BODY_BYTES,
      error(err) {
        deps.log.error('server error', { error: err })
        return jsonError(500, 'internal', 'internal error')
      },
    })
  } catch (err) {
    throw listenFailure(err, options.hostname, options.port)
  }
  return {
    server,
    url: `http://${urlHost(options.hostname)}:${server.port}`,
    async stop(timeoutMs: number): Promise<boolean> {
      // Stop listening; open connections carry on. Bun resolves `graceful` once they are closed.
      const graceful = server.stop(false)
      const finished = await front.drain(timeoutMs)
      // Handlers are done: give responses a moment to flush, then close idle keep-alive sockets
      // (and, past the grace period, whatever is still running).
      if (finished) await Promise.race([graceful, Bun.sleep(Math.min(1000, timeoutMs))])
      await server.stop(true)
      return finished
    },
  }
}
