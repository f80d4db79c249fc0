/** @module Assembles the platform: store, plugin host, HTTP. main.ts and the tests start it the same way. */
import type { Config } from './config.ts'
import { createLogger } from './log.ts'
import { connect, type ConnectOptions, type Store } from './store/connect.ts'
import { PluginHost } from './plugins/host.ts'
import type { PluginManifest } from './plugins/contract.ts'
import { enablePlugin, reloadPlugin, syncExternal } from './plugins/external.ts'
import { startServer, type ServerDeps } from './http/server.ts'

/** A store with every plugin registered (not yet booted). */
export interface Platform {
  config: Config
  store: Store
  host: PluginHost
  deps: ServerDeps
}

/** Connects the store and registers built-in and external plugins. */
export async function openPlatform(
  config: Config,
  plugins: PluginManifest<any>[],
  options: ConnectOptions & { store?: Store } = {},
): Promise<Platform> {
  const store = options.store ?? (await connect(config.databaseUrl, options))
  const host = new PluginHost(store, { log: createLogger('plugins') })
  for (const p of plugins) host.register(p as PluginManifest)
  await syncExternal(host, config.pluginsDir)
  const deps: ServerDeps = {
    host,
    store,
    log: createLogger('http'),
    adminToken: config.adminToken,
    reload: (id) => reloadPlugin(host, id),
    enable: (id) => enablePlugin(host, config.pluginsDir, id),
    list: async () => {
      await syncExternal(host, config.pluginsDir)
      return host.list()
    },
  }
  return { config, store, host, deps }
}

/** Boots plugins and listens. `stop` drains requests, stops plugins and closes the store. */
export async function servePlatform(platform: Platform) {
  await platform.host.boot()
  const http = startServer(platform.deps, { port: platform.config.port, hostname: platform.config.host })
  let stopping: Promise<void> | undefined
  return {
    url: http.url,
    port: http.server.port,
    stop(): Promise<void> {
      stopping ??= (async () => {
        const finished = await http.stop(platform.config.shutdownTimeoutMs)
        if (!finished) platform.deps.log.warn('shutdown: requests still running after the grace period were cut off')
        await platform.host.stop()
        await platform.store.close()
      })()
      return stopping
    },
  }
}
