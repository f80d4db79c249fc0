/** @module Assembles the platform: store, plugin host, identity, HTTP. main.ts and the tests start it the same way. */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from './config.ts'
import { createLogger, type Logger } from './log.ts'
import { connect, type ConnectOptions, type Store } from './store/connect.ts'
import { PluginHost } from './plugins/host.ts'
import type { PluginManifest } from './plugins/contract.ts'
import { enablePlugin, reloadPlugin, syncExternal } from './plugins/external.ts'
import { createIdentity } from './auth/index.ts'
import { randomToken } from './auth/crypto.ts'
import { loadInstanceKey } from './auth/secret-key.ts'
import { Renderer } from './http/render.ts'
import { setShellErrorPages } from './http/respond.ts'
import { requestAuth, setPermissionCatalog } from './http/guard.ts'
import { ErrorPanel } from '../views/error-page.tsx'
import { startServer, type ServerDeps } from './http/server.ts'
import { mailerFor } from './mail.ts'
import { dropSetupToken, issueSetupToken, setupAnnouncement } from './pages/setup-token.ts'

/** A store with every plugin registered (not yet booted). */
export interface Platform {
  config: Config
  store: Store
  host: PluginHost
  deps: ServerDeps
  /** A service token for this process; `servePlatform` writes it to $DATA_DIR/admin.token for the CLI. */
  runtimeToken: string
}

/** Connects the store and registers built-in and external plugins. */
export async function openPlatform(
  config: Config,
  plugins: PluginManifest<any>[],
  options: ConnectOptions & { store?: Store } = {},
): Promise<Platform> {
  const store =
    options.store ??
    (await connect(config.databaseUrl, {
      pgPoolSize: config.databasePoolSize,
      pgWaitMs: config.databaseWaitMs,
      onWait: (message) => createLogger('store').warn(message),
      ...options,
    }))
  const host = new PluginHost(store, { log: createLogger('plugins') })
  for (const p of plugins) host.register(p as PluginManifest)
  await syncExternal(host, config.pluginsDir)
  const runtimeToken = randomToken(32)
  const identity = createIdentity(store, host, [runtimeToken, ...(config.adminToken ? [config.adminToken] : [])], () => loadInstanceKey(config))
  const renderer = new Renderer(host, identity, config.orgCreation)
  host.ui = renderer
  setShellErrorPages(async (request, status, title, message) => {
    const auth = await requestAuth(request)
    if (!auth) return undefined
    const body = ErrorPanel({ status, title, message, action: { href: '/', label: 'Go to the start page' } }) as string
    return renderer.page(request, auth, { title, body, status })
  })
  // 403 answers describe a missing permission from the same catalog the role editor shows.
  setPermissionCatalog(() => identity.resolver.catalog())
  host.people = {
    members: (orgId) => identity.resolver.members(orgId),
    authFor: (userId, orgId) => identity.resolver.authFor(userId, orgId),
    teams: async (orgId) => (await identity.orgs.listTeams(orgId)).map((t) => ({ id: t.id, name: t.name, memberIds: t.memberIds })),
    byIds: async (ids) => (await identity.accounts.usersByIds(ids)).map((u) => ({ id: u.id, name: u.name, email: u.email })),
  }
  // Plugins get email through ctx.mail (core/plugins/instance.ts pluginMail); config requires PUBLIC_URL with it.
  const mailer = mailerFor(config)
  if (mailer && config.publicUrl) host.mail = { mailer, publicUrl: config.publicUrl }
  // needsSetup is true until the first account exists. Accounts can appear outside the setup page
  // (`coder-ide admin create` against the running server's store), so while the flag is still true,
  // reading it starts a count in the background (one at a time, at most once a second); once false
  // it stays false and costs nothing. The /setup page also counts before it shows its form.
  let needsSetup = true
  let lastCheck = 0
  let checking = false
  const recheckSetup = () => {
    const now = Date.now()
    if (checking || now - lastCheck < 1000) return
    checking = true
    lastCheck = now
    identity.accounts
      .countUsers()
      .then((n) => {
        if (n > 0) needsSetup = false
      })
      .catch(() => {})
      .finally(() => {
        checking = false
      })
  }
  const deps: ServerDeps = {
    config,
    host,
    store,
    identity,
    renderer,
    get needsSetup() {
      if (needsSetup) recheckSetup()
      return needsSetup
    },
    set needsSetup(value: boolean) {
      needsSetup = value
    },
    log: createLogger('http'),
    reload: (id) => reloadPlugin(host, id),
    enable: (id) => enablePlugin(host, config.pluginsDir, id),
    list: async () => {
      await syncExternal(host, config.pluginsDir)
      return host.list()
    },
  }
  return { config, store, host, deps, runtimeToken }
}

/**
 * Listens, then boots plugins (requests wait for them; /healthz answers at once, /readyz once they
 * are settled), then writes the CLI's token. A port that is taken fails before any plugin runs or
 * the running server's token is touched (ListenError). `stop` drains requests, stops plugins and
 * closes the store.
 */
export async function servePlatform(platform: Platform) {
  let booted!: () => void
  const ready = new Promise<void>((resolve) => (booted = resolve))
  const http = startServer(platform.deps, { port: platform.config.port, hostname: platform.config.host, ready })
  try {
    await platform.host.boot()
    // The instance key is read (or made) here, and plaintext two-factor secrets get encrypted.
    await platform.deps.identity.twoFactor.prepare()
    platform.deps.needsSetup = (await platform.deps.identity.accounts.countUsers()) === 0
  } catch (err) {
    await http.stop(0)
    throw err
  } finally {
    booted()
  }
  writeRuntimeToken(platform)
  writeServerFile(platform, http.url)
  // First run: a visitor from another machine needs this token to set up (core/pages/setup-token.ts).
  if (platform.deps.needsSetup) platform.deps.log.warn(setupAnnouncement(platform.config, http.url, issueSetupToken(platform.config)))
  else dropSetupToken(platform.config)
  const prune = setInterval(() => platform.deps.identity.accounts.pruneSessions().catch(() => {}), 3600_000)
  let stopping: Promise<void> | undefined
  return {
    url: http.url,
    port: http.server.port,
    stop(): Promise<void> {
      stopping ??= (async () => {
        clearInterval(prune)
        const finished = await http.stop(platform.config.shutdownTimeoutMs)
        if (!finished) platform.deps.log.warn('shutdown: requests still running after the grace period were cut off')
        removeServerFile(platform)
        await platform.host.stop()
        await platform.store.close()
      })()
      return stopping
    },
  }
}

let strayGuard: ((kind: string, err: unknown) => void) | undefined

/**
 * Keeps a serving process up through a stray rejection or a throw in a timer: Bun ends the process
 * on either by default, so one plugin's forgotten promise took the whole platform down. Each is
 * logged, naming the plugin when the stack runs through `plugins/<id>/`. Installed once, by `serve`
 * (tests keep their runner's own handling).
 */
export function keepServingOnStrayErrors(log: Logger): void {
  const first = !strayGuard
  strayGuard = (kind, err) => {
    const stack = err instanceof Error ? (err.stack ?? '') : ''
    const plugin = /\/plugins\/([a-z0-9][a-z0-9-]*)\//.exec(stack)?.[1]
    log.error(`${kind}${plugin ? ` in plugin ${plugin}` : ''}; the server keeps serving`, { error: err instanceof Error ? err.message : String(err), ...(plugin ? { plugin } : {}) })
  }
  if (!first) return
  process.on('unhandledRejection', (err) => strayGuard!('unhandled promise rejection', err))
  process.on('uncaughtException', (err) => strayGuard!('uncaught exception', err))
}

/** Where the server running on a data dir says it listens (`{ url, pid }`), for the CLI. */
export function serverFile(config: Config): string {
  return join(config.dataDir, 'server.json')
}

/** The server this data dir's `server.json` names, when its process is alive; undefined otherwise. */
export function runningServer(config: Config): { url: string; pid: number } | undefined {
  try {
    const found = JSON.parse(readFileSync(serverFile(config), 'utf8')) as { url?: unknown; pid?: unknown }
    if (typeof found.url !== 'string' || typeof found.pid !== 'number') return undefined
    // The pid may be this very process (two containers both run as pid 1) or, after a crash, a
    // stranger that got the number: neither is the server.
    if (found.pid === process.pid) return undefined
    process.kill(found.pid, 0) // throws when no such process
    if (!looksLikeServer(found.pid)) return undefined
    return { url: found.url, pid: found.pid }
  } catch {
    return undefined
  }
}

/** Whether a live process runs coder-ide (its command line, where /proc tells; elsewhere assumed). */
function looksLikeServer(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return /coder-ide|main\.ts|\bbun\b/.test(cmdline)
  } catch {
    return true
  }
}

function writeServerFile(platform: Platform, url: string): void {
  writeFileSync(serverFile(platform.config), JSON.stringify({ url, pid: process.pid }) + '\n')
}

function removeServerFile(platform: Platform): void {
  try {
    const found = JSON.parse(readFileSync(serverFile(platform.config), 'utf8')) as { pid?: number }
    if (found.pid === process.pid) rmSync(serverFile(platform.config))
  } catch {
    // gone already
  }
}

/** The file the CLI reads to call the admin API of the server running on this data dir. */
export function runtimeTokenFile(config: Config): string {
  return join(config.dataDir, 'admin.token')
}

function writeRuntimeToken(platform: Platform): void {
  const file = runtimeTokenFile(platform.config)
  mkdirSync(platform.config.dataDir, { recursive: true, mode: 0o700 })
  writeFileSync(file, platform.runtimeToken + '\n', { mode: 0o600 })
  chmodSync(file, 0o600)
}
