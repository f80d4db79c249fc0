/** @module Starts a real platform (store, plugins, HTTP on loopback) for a test. */
import { loadConfig, type Config } from '../../core/config.ts'
import { setLogLevel } from '../../core/log.ts'
import type { PluginManifest } from '../../core/plugins/contract.ts'
import { openPlatform, servePlatform, type Platform } from '../../core/platform.ts'
import type { Dialect } from '../../core/store/facade.ts'
import { testStore, type TestStore } from './store.ts'

setLogLevel((process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent')

/** A running platform on a free port. */
export interface TestPlatform extends Platform {
  url: string
  test: TestStore
  stop(): Promise<void>
}

/** A Config for tests: free port, loopback, the test store's data dir. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '5000', ...env })
}

/** Opens a fresh store on `dialect`, registers `plugins`, boots and listens. */
export async function startPlatform(dialect: Dialect, plugins: PluginManifest<any>[], env: Record<string, string> = {}): Promise<TestPlatform> {
  const test = await testStore(dialect)
  const config = testConfig(test.dataDir, env)
  const platform = await openPlatform(config, plugins, { store: test.store })
  const running = await servePlatform(platform)
  return {
    ...platform,
    url: running.url,
    test,
    async stop() {
      await running.stop() // closes the store too
      await test.cleanup().catch(() => {})
    },
  }
}
