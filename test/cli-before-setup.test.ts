/**
 * The plugins CLI against a running server that has no account yet: the service token reaches the
 * admin API (no 503 setup_required), before and right after `admin create`. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DIALECTS } from './helpers/store.ts'
import { testConfig } from './helpers/platform.ts'
import { processStore, runCli } from './helpers/cli.ts'
import { openPlatform, servePlatform } from '../core/platform.ts'

for (const dialect of DIALECTS) {
  describe(`plugins CLI before setup [${dialect}]`, () => {
    const store = processStore(dialect, 'cli-before-setup')
    beforeAll(() => store.create(), 30_000)
    afterAll(() => store.drop(), 30_000)

    test('`plugins list` works on a server waiting for setup; anonymous callers get 401, not the plugin list', async () => {
      const running = await servePlatform(await openPlatform(testConfig(store.dataDir, store.env), []))
      try {
        const anonymous = await fetch(`${running.url}/api/v1/admin/plugins`)
        expect(anonymous.status).toBe(401)
        const before = await runCli(['plugins', 'list'], store.env)
        expect(before.err).toBe('')
        expect(before.code).toBe(0)
        const created = await runCli(['admin', 'create', '--email', 'root@example.com', '--name', 'Root'], { ...store.env, ADMIN_PASSWORD: 'before setup password 1' })
        expect(created.code).toBe(0)
        const after = await runCli(['plugins', 'list'], store.env)
        expect(after.err).toBe('')
        expect(after.code).toBe(0)
      } finally {
        await running.stop()
      }
    }, 60_000)
  })
}
