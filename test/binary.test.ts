/** The compiled binary: built here, run from a folder with no node_modules, on both dialects. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import type { Subprocess } from 'bun'
import { DIALECTS, PG_URL } from './helpers/store.ts'
import { externalPluginSource, writeExternalPlugin } from './helpers/external.ts'

const root = join(import.meta.dir, '..')
const work = mkdtempSync(join(tmpdir(), 'coder-ide-bin-'))
const binary = join(work, 'coder-ide')

// CI builds dist/coder-ide before the tests and names it in CODER_IDE_TEST_BINARY (one build instead
// of two); elsewhere the suite builds its own from the sources here.
beforeAll(() => {
  const built = process.env.CODER_IDE_TEST_BINARY
  if (built) {
    copyFileSync(built, binary)
    chmodSync(binary, 0o755)
    return
  }
  const build = Bun.spawnSync([process.execPath, join(root, 'scripts/build.ts'), '--outfile', binary], { stdout: 'pipe', stderr: 'pipe' })
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`)
}, 120_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Runs the binary to completion from the work folder (no node_modules there). */
function run(args: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync([binary, ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', ...env }, stdout: 'pipe', stderr: 'pipe' })
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() }
}

/** Starts `serve` and resolves with its port once it logs that it listens. */
async function serve(env: Record<string, string>): Promise<{ proc: Subprocess<'ignore', 'pipe', 'pipe'>; url: string; port: number }> {
  const proc = Bun.spawn([binary, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const reader = proc.stdout.getReader()
  let seen = ''
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const { value, done } = await reader.read()
    if (done) break
    seen += new TextDecoder().decode(value)
    const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(seen)
    if (m) {
      reader.releaseLock()
      void proc.stdout.pipeTo(new WritableStream()) // keep draining so the child never blocks on a full pipe
      return { proc, url: m[1]!, port: Number(m[2]) }
    }
  }
  proc.kill()
  throw new Error(`the binary did not start: ${seen} ${await new Response(proc.stderr).text()}`)
}

describe('binary without a store', () => {
  test('--help lists the commands and the configuration', () => {
    const r = run(['--help'])
    expect(r.code).toBe(0)
    for (const word of ['serve', 'migrate status', 'plugins list', 'plugins enable <id>', 'backup <file>', 'PORT', 'DATA_DIR', 'DATABASE_URL', 'LOG_LEVEL', 'ADMIN_TOKEN']) {
      expect(r.out).toContain(word)
    }
  })

  test('bad config: one clear line, exit 2', () => {
    const r = run(['serve'], { PORT: 'eighty' })
    expect(r.code).toBe(2)
    expect(r.err.trim()).toBe('coder-ide: PORT=eighty is not a port: use a whole number from 0 to 65535')
    const flag = run(['serve', '--log-level', 'chatty'])
    expect(flag.code).toBe(2)
    expect(flag.err.trim().split('\n')).toHaveLength(1)
  })

  test('an unreachable database: a clear message, exit 1, no password shown', () => {
    // DATABASE_WAIT_S=0: fail at once instead of waiting for the server to come up (core/store/pg-wait.test.ts)
    const r = run(['serve'], { DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/nowhere', DATABASE_WAIT_S: '0', DATA_DIR: join(work, 'unreachable') })
    expect(r.code).toBe(1)
    expect(r.err).toContain('cannot reach PostgreSQL at postgres://app:***@127.0.0.1:1/nowhere')
    expect(r.err).not.toContain('hunter2')
  })
})

for (const dialect of DIALECTS) {
  describe(`binary [${dialect}]`, () => {
    const dataDir = join(work, `data-${dialect}`)
    const pgDb = `bin_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'info' }
    let server: Awaited<ReturnType<typeof serve>>
    let admin: ReturnType<typeof postgres> | undefined

    beforeAll(async () => {
      if (dialect === 'postgres') {
        admin = postgres(PG_URL, { max: 1, onnotice: () => {} })
        await admin.unsafe(`create database "${pgDb}"`)
        const url = new URL(PG_URL)
        url.pathname = `/${pgDb}`
        env.DATABASE_URL = url.toString()
      }
      const created = run(['admin', 'create', '--email', 'root@example.com', '--name', 'Root', '--org', 'Acme'], { ...env, ADMIN_PASSWORD: 'binary test password' })
      expect(created.err).toBe('')
      expect(created.out).toContain('created instance admin root@example.com and organization Acme')
      server = await serve(env)
    })
    afterAll(async () => {
      server?.proc.kill('SIGKILL')
      if (admin) {
        await admin.unsafe(`drop database if exists "${pgDb}" with (force)`)
        await admin.end()
      }
    })

    test('answers /healthz and serves embedded static files', async () => {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' })
      const htmx = await fetch(`${server.url}/public/htmx.min.js`)
      expect(htmx.status).toBe(200)
      expect((await htmx.text()).length).toBeGreaterThan(10_000)
      const board = await fetch(`${server.url}/public/planning/board.js`) // a built-in plugin's declared asset
      expect(board.status).toBe(200)
      expect(await board.text()).toContain('Sortable')
    })

    test('an external plugin written at run time: enabled by the CLI, reloaded, disabled to the 404', async () => {
      const cli = (...args: string[]) => run(['plugins', ...args, '--port', String(server.port), '--host', '127.0.0.1'], env)
      writeExternalPlugin(dataDir, 'ext-bin', externalPluginSource('ext-bin', '1.0.0'))
      writeExternalPlugin(dataDir, 'ext-bin', 'console.log("ext-bin")', 'public/app.js')
      const enabled = cli('enable', 'ext-bin')
      expect(enabled.err).toBe('')
      expect(enabled.out).toContain('ext-bin')
      expect(enabled.out).toContain('enabled')
      expect(enabled.out).toContain('on the running server')
      expect(await (await fetch(`${server.url}/ext-bin`)).text()).toBe('<p class="version">1.0.0 &lt;b&gt;</p>')
      expect(await (await fetch(`${server.url}/public/ext-bin/app.js`)).text()).toBe('console.log("ext-bin")')

      writeExternalPlugin(dataDir, 'ext-bin', externalPluginSource('ext-bin', '1.1.0'))
      expect(cli('reload', 'ext-bin').code).toBe(0)
      expect(await (await fetch(`${server.url}/api/v1/ext-bin/version`)).json()).toEqual({ version: '1.1.0', rows: 1 })

      const list = cli('list')
      expect(list.out).toMatch(/ext-bin\s+enabled\s+1\.1\.0/)
      expect(cli('disable', 'ext-bin').code).toBe(0)
      const off = await fetch(`${server.url}/ext-bin`)
      expect(off.status).toBe(404)
      expect(await off.text()).toContain('External ext-bin is disabled')
      const refused = cli('enable', 'nothing-here')
      expect(refused.code).toBe(1)
      expect(refused.err).toContain('no plugin "nothing-here"')
    })

    test('state survives a restart; SIGTERM shuts down cleanly with exit 0', async () => {
      writeExternalPlugin(dataDir, 'ext-keep', externalPluginSource('ext-keep', '3.0.0'))
      const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim()
      const enable = await fetch(`${server.url}/api/v1/admin/plugins/ext-keep/enable`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
      expect(enable.status).toBe(200)
      expect((await fetch(`${server.url}/api/v1/admin/plugins/ext-keep/enable`, { method: 'POST' })).status).toBe(403) // no token, no session: refused at the CSRF check
      server.proc.kill('SIGTERM')
      expect(await server.proc.exited).toBe(0)
      server = await serve(env)
      expect((await fetch(`${server.url}/ext-keep`)).status).toBe(200)
      expect((await fetch(`${server.url}/ext-bin`)).status).toBe(404)
      const status = run(['migrate', 'status'], env)
      expect(status.code).toBe(0)
      expect(status.out).toMatch(/core\s+applied\s+\d+\s+pending none/)
    })

    test('a plugin that leaves a promise rejected or throws in a timer does not end the process', async () => {
      const source = externalPluginSource('ext-stray', '1.0.0').replace(
        ".get('/ext-stray', () =>",
        ".get('/ext-stray/stray', () => { void Promise.reject(new Error('forgotten promise')); setTimeout(() => { throw new Error('timer throw') }, 1); return 'thrown' }, { public: true })\n      .get('/ext-stray', () =>",
      )
      writeExternalPlugin(dataDir, 'ext-stray', source)
      const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim()
      expect((await fetch(`${server.url}/api/v1/admin/plugins/ext-stray/enable`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
      expect(await (await fetch(`${server.url}/ext-stray/stray`)).text()).toBe('thrown')
      await Bun.sleep(200)
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      expect(await (await fetch(`${server.url}/ext-stray`)).text()).toContain('1.0.0')
    })

    test('a second serve on a taken port: one line, exit 1, and the running server keeps its CLI token', async () => {
      const token = readFileSync(join(dataDir, 'admin.token'), 'utf8')
      const r = Bun.spawnSync([binary, 'serve', '--port', String(server.port), '--host', '127.0.0.1'], { cwd: work, env: { PATH: process.env.PATH ?? '', ...env }, stdout: 'pipe', stderr: 'pipe' })
      expect(r.exitCode).toBe(1)
      expect(r.stderr.toString().trim()).toBe(`coder-ide: cannot listen on 127.0.0.1:${server.port}: port ${server.port} is in use (another coder-ide or program holds it): stop that one or choose another PORT / --port`)
      expect(readFileSync(join(dataDir, 'admin.token'), 'utf8')).toBe(token)
      expect(run(['plugins', 'list', '--port', String(server.port), '--host', '127.0.0.1'], env).code).toBe(0)
    })

    test('the plugins CLI finds the server of this data dir without --port (server.json), instead of changing the store under it', () => {
      const listed = run(['plugins', 'list'], env) // PORT unset: 3000, where nothing listens
      expect(listed.code).toBe(0)
      expect(listed.out).toMatch(/planning\s+enabled/)
      const off = run(['plugins', 'disable', 'ext-stray'], env)
      expect(off.code).toBe(0)
      expect(off.out).toContain(`on the running server at ${server.url}`)
    })

    test('demo fills a new organization with every enabled plugin\'s sample data', () => {
      const r = run(['demo', '--org', 'Demo Co'], env)
      expect(r.err).toBe('')
      expect(r.code).toBe(0)
      expect(r.out).toContain('creating organization "Demo Co"')
      for (const plugin of ['planning', 'calendar']) expect(r.out).toMatch(new RegExp(`${plugin} \\.\\.\\. \\S`))
      // comments were really written ("no comments (nothing to comment on)" would say something too)
      expect(r.out).toMatch(/collaboration \.\.\. [1-9]\d* comments on [1-9]\d* items?\n/)
      expect(r.out).toContain('Sign in as root@example.com')
    }, 60_000)

    test(dialect === 'sqlite' ? 'backup copies the live store' : 'backup says to use pg_dump', () => {
      const file = join(work, `backup-${dialect}.db`)
      const r = run(['backup', file], env)
      if (dialect === 'sqlite') {
        expect(r.code).toBe(0)
        expect(r.out).toContain(`backup written to ${file}`)
        expect(r.out).toContain('integrity ok')
        // a wrong data dir is an error, not an empty backup of a store made up on the spot
        const wrong = run(['backup', join(work, 'never.db')], { ...env, DATA_DIR: join(work, 'no-such-dir') })
        expect(wrong.code).toBe(1)
        expect(wrong.err.trim()).toBe(`coder-ide: no store at ${join(work, 'no-such-dir', 'coder-ide.db')}: check DATA_DIR or DATABASE_URL`)
      } else {
        expect(r.code).toBe(1)
        expect(r.err).toContain('use pg_dump')
      }
    })
  })
}
