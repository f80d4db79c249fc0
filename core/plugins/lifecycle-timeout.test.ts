/**
 * A plugin whose setup or teardown never settles: it is failed (or abandoned) after the host's
 * limit, the lifecycle queue moves on, boot settles, and `serve` exits on SIGTERM regardless.
 */
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { join } from 'node:path'
import { eachDialect, testStore, type TestStore } from '../../test/helpers/store.ts'
import { processStore, runCli } from '../../test/helpers/cli.ts'
import { writeExternalPlugin } from '../../test/helpers/external.ts'
import { setLogLevel } from '../log.ts'
import { definePlugin, type PluginManifest } from './contract.ts'
import { PluginHost } from './host.ts'

setLogLevel('silent')

const never = () => new Promise<never>(() => {})

function plugin(id: string, extra: Partial<PluginManifest> = {}): PluginManifest {
  return definePlugin({ id, name: id, version: '1.0.0', api: 1, setup: () => {}, ...extra })
}

eachDialect('lifecycle time limits', (dialect) => {
  let t: TestStore
  let host: PluginHost
  beforeEach(async () => {
    t = await testStore(dialect)
    host = new PluginHost(t.store, { lifecycleTimeoutMs: 150 })
  })
  afterEach(async () => {
    await host.stop()
    await t.cleanup()
  })

  test('a setup that never settles is failed with the limit named; boot settles and the others serve', async () => {
    host.register(plugin('stuck', { setup: never }))
    host.register(plugin('after'))
    await host.boot()
    expect(host.settled).toBe(true)
    expect(host.describe('stuck').status).toBe('failed')
    expect(host.describe('stuck').error).toBe('setup did not finish in 150 ms')
    expect(host.describe('after').status).toBe('enabled')
    // the queue is not frozen: later operations run
    await host.disable('after')
    expect(host.describe('after').status).toBe('disabled')
  })

  test('a setup given up on that carries on later registers nothing', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let late: unknown
    host.register(
      plugin('late', {
        async setup(ctx) {
          await gate
          ctx.bus.on('late.thing.happened', () => {})
          try {
            ctx.nav({ label: 'Late', href: '/late' })
          } catch (err) {
            late = err
          }
        },
      }),
    )
    await host.boot()
    expect(host.describe('late').status).toBe('failed')
    release()
    await Bun.sleep(10)
    expect(host.bus.listenerCount('late.thing.happened')).toBe(0)
    expect(String(late)).toContain('after it was disabled')
    expect(host.contributions('nav')).toEqual([])
  })

  test('a teardown that never settles is abandoned: disable and stop finish', async () => {
    host.register(plugin('sticky', { teardown: never }))
    await host.boot()
    expect(host.describe('sticky').status).toBe('enabled')
    await host.disable('sticky')
    expect(host.describe('sticky').status).toBe('disabled')
    await host.enable('sticky')
    const started = performance.now()
    await host.stop()
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

test('serve exits on SIGTERM within SHUTDOWN_TIMEOUT_MS plus a few seconds even when a teardown hangs', async () => {
  const s = processStore('sqlite', 'hard-stop')
  try {
    writeExternalPlugin(
      s.dataDir,
      'hangs',
      `import { definePlugin } from 'coder-ide/sdk'
export default definePlugin({ id: 'hangs', name: 'Hangs', version: '1.0.0', api: 1, setup() {}, teardown: () => (process.env.HANG_TEARDOWN ? new Promise(() => {}) : undefined) })
`,
    )
    const enabled = await runCli(['plugins', 'enable', 'hangs', '--port', '1'], s.env)
    expect(enabled.code).toBe(0)
    const port = 20000 + Math.floor(Math.random() * 20000)
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, '..', 'main.ts'), 'serve'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'error', DATA_DIR: s.dataDir, PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '0', HANG_TEARDOWN: '1' },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    let ready = false
    for (let i = 0; i < 300 && !ready; i++) {
      ready = (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200
      if (!ready) await Bun.sleep(100)
    }
    expect(ready).toBe(true)
    const started = performance.now()
    proc.kill('SIGTERM')
    const code = await proc.exited
    expect(performance.now() - started).toBeLessThan(9000)
    expect(code).toBe(1)
    expect(await new Response(proc.stderr).text()).toContain('shutdown did not finish within 5000 ms')
  } finally {
    await s.drop()
  }
}, 60_000)
