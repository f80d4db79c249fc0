/**
 * The command line (core/main.ts run with bun, as a separate process) against a store a server in
 * this process uses: `admin create` while a fresh server waits for setup, offline `plugins
 * enable|disable` audited, `migrate status` with external plugins. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { DIALECTS, PG_URL } from './helpers/store.ts'
import { testConfig } from './helpers/platform.ts'
import { Client } from './helpers/client.ts'
import { externalPluginSource, writeExternalPlugin } from './helpers/external.ts'
import { openPlatform, servePlatform } from '../core/platform.ts'
import { resetLimits } from '../core/auth/rate-limit.ts'

const root = join(import.meta.dir, '..')
const PASSWORD = 'cli test password 1'

/** Runs `bun core/main.ts <args>` to completion. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, join(root, 'core/main.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'error', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, out, err }
}

/** A loopback port nothing listens on (so the CLI finds no server and works on the store). */
function closedPort(): number {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') })
  const port = server.port!
  server.stop(true)
  return port
}

for (const dialect of DIALECTS) {
  describe(`command line [${dialect}]`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coder-ide-cli-'))
    const pgDb = `cli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const env: Record<string, string> = { DATA_DIR: dataDir }
    let pg: ReturnType<typeof postgres> | undefined

    beforeAll(async () => {
      resetLimits()
      if (dialect === 'postgres') {
        pg = postgres(PG_URL, { max: 1, onnotice: () => {} })
        await pg.unsafe(`create database "${pgDb}"`)
        const url = new URL(PG_URL)
        url.pathname = `/${pgDb}`
        env.DATABASE_URL = url.toString()
      }
    }, 30_000)
    afterAll(async () => {
      if (pg) {
        await pg.unsafe(`drop database if exists "${pgDb}" with (force)`)
        await pg.end()
      }
      rmSync(dataDir, { recursive: true, force: true })
    }, 30_000)

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

          const created = await cli(['admin', 'create', '--email', 'root@example.com', '--name', 'Root', '--org', 'Acme'], { ...env, ADMIN_PASSWORD: PASSWORD })
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

        const before = await cli(['migrate', 'status'], env)
        expect(before.code).toBe(0)
        expect(before.out).toMatch(/core\s+applied\s+\d+\s+pending none/)
        expect(before.out).toMatch(/ext-cli\s+applied\s+0\s+pending 0000_init\s+\(external\)/)

        const enabled = await cli(['plugins', 'enable', 'ext-cli', ...port], env)
        expect(enabled.err).toBe('')
        expect(enabled.code).toBe(0)
        expect(enabled.out).toMatch(/ext-cli\s+enabled/)
        expect(enabled.out).toContain('no server answered')
        const after = await cli(['migrate', 'status'], env)
        expect(after.out).toMatch(/ext-cli\s+applied\s+1\s+pending none\s+\(external\)/)

        const disabled = await cli(['plugins', 'disable', 'ext-cli', ...port], env)
        expect(disabled.code).toBe(0)
        expect(disabled.out).toMatch(/ext-cli\s+disabled/)
        const refused = await cli(['plugins', 'enable', 'nothing-here', ...port], env)
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
