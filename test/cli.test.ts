/**
 * The command line (core/main.ts run with bun, as a separate process) against a store a server in
 * this process uses: `admin create` while a fresh server waits for setup, offline `plugins
 * enable|disable` audited, `migrate status` with external plugins. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DIALECTS } from './helpers/store.ts'
import { testConfig } from './helpers/platform.ts'
import { processStore, runCli } from './helpers/cli.ts'
import { Client } from './helpers/client.ts'
import { externalPluginSource, writeExternalPlugin } from './helpers/external.ts'
import { openPlatform, servePlatform } from '../core/platform.ts'
import { resetLimits } from '../core/auth/rate-limit.ts'

const PASSWORD = 'cli test password 1'


/** A loopback port nothing listens on (so the CLI finds no server and works on the store). */
function closedPort(): number {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') })
  const port = server.port!
  server.stop(true)
  return port
}

for (const dialect of DIALECTS) {
  describe(`command line [${dialect}]`, () => {
    const store = processStore(dialect, 'cli')
    const { dataDir, env } = store

    beforeAll(async () => {
      resetLimits()
      await store.create()
    }, 30_000)
    afterAll(() => store.drop(), 30_000)

    test(
      '`admin create` while a fresh server waits for setup: the server notices, /setup leads to sign-in, the new admin signs in',
      async () => {
        const running = await servePlatform(await openPlatform(testConfig(dataDir, env), []))
        try {
          const c = new Client(running.url)
          const first = await c.request('/')
          expect(first.status).toBe(303)
          expect(first.headers.get('location')).toBe('/setup')
          expect((await c.get('/setup')).html).toContain('Set up Coder IDE')

          const created = await runCli(['admin', 'create', '--email', 'root@example.com', '--name', 'Root', '--org', 'Acme'], { ...env, ADMIN_PASSWORD: PASSWORD })
          expect(created.err).toBe('')
          expect(created.code).toBe(0)
          expect(created.out).toContain('created instance admin root@example.com and organization Acme')

          // the page everything led to now says setup is over and leads to sign-in
          const setup = await c.request('/setup')
          expect(setup.status).toBe(303)
          expect(setup.headers.get('location')).toBe('/login')
          const home = await c.request('/')
          expect(home.status).toBe(303)
          expect(home.headers.get('location')).toStartWith('/login')
          expect((await c.request('/api/v1/admin/plugins')).status).toBe(401) // no longer 503 setup_required
          const again = await c.get('/setup')
          expect(again.res.status).toBe(404)
          expect(again.html).toContain('Setup is done')
          expect(again.html).not.toContain('name="password"')
          const signedIn = await c.signIn('root@example.com', PASSWORD)
          expect(signedIn.status).toBe(303)
          expect(signedIn.headers.get('location')).toBe('/')
          expect((await c.get('/')).res.status).toBe(200)
        } finally {
          await running.stop()
        }
      },
      60_000,
    )

    test(
      'with no server answering, `plugins enable|disable` change the store and write audit entries; `migrate status` lists external plugins',
      async () => {
        writeExternalPlugin(dataDir, 'ext-cli', externalPluginSource('ext-cli', '1.0.0'))
        const port = ['--host', '127.0.0.1', '--port', String(closedPort())]

        const before = await runCli(['migrate', 'status'], env)
        expect(before.code).toBe(0)
        expect(before.out).toMatch(/core\s+applied\s+\d+\s+pending none/)
        expect(before.out).toMatch(/ext-cli\s+applied\s+0\s+pending 0000_init\s+\(external\)/)

        const enabled = await runCli(['plugins', 'enable', 'ext-cli', ...port], env)
        expect(enabled.err).toBe('')
        expect(enabled.code).toBe(0)
        expect(enabled.out).toMatch(/ext-cli\s+enabled/)
        expect(enabled.out).toContain('no server answered')
        const after = await runCli(['migrate', 'status'], env)
        expect(after.out).toMatch(/ext-cli\s+applied\s+1\s+pending none\s+\(external\)/)

        const disabled = await runCli(['plugins', 'disable', 'ext-cli', ...port], env)
        expect(disabled.code).toBe(0)
        expect(disabled.out).toMatch(/ext-cli\s+disabled/)
        const refused = await runCli(['plugins', 'enable', 'nothing-here', ...port], env)
        expect(refused.code).toBe(1)

        const platform = await openPlatform(testConfig(dataDir, env), [])
        try {
          const entries = (await platform.deps.identity.accounts.listAudit({ action: 'plugin.', limit: 200 })).filter((a) => a.target === 'ext-cli')
          expect(entries.map((a) => a.action).sort()).toEqual(['plugin.disabled', 'plugin.enabled'])
          for (const a of entries) {
            expect(a.actorId).toBeNull()
            expect(a.actorEmail).toBe('cli')
            expect(a.ip).toBe('local')
            expect(a.orgId).toBeNull()
            expect((a.details as { via?: string }).via).toBe('cli')
          }
          expect(entries.find((a) => a.action === 'plugin.disabled')!.details).toMatchObject({ cascade: [] })
        } finally {
          await platform.store.close()
        }
      },
      120_000,
    )
  })
}
