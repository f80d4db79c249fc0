import { expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { eachDialect, dropSchema, testStore } from '../test/helpers/store.ts'
import { ADMIN, testConfig } from '../test/helpers/platform.ts'
import { fixturePlugins } from '../test/fixtures/index.ts'
import { Client } from '../test/helpers/client.ts'
import { existsSync } from 'node:fs'
import { Elysia } from 'elysia'
import { openPlatform, runtimeTokenFile, servePlatform } from './platform.ts'
import { ListenError } from './http/server.ts'
import { ensureMigrationTable, migratePlugin } from './store/migrator.ts'
import { migrations as coreMigrations } from './store/migrations/index.ts'
import { guard } from './http/guard.ts'
import { definePlugin } from './plugins/contract.ts'
import { connect } from './store/connect.ts'
import { resetLimits } from './auth/rate-limit.ts'

eachDialect('platform', (dialect) => {
  test(
    'sessions survive a restart: sign in, stop, start a new platform on the same store, the cookie still works',
    async () => {
      resetLimits()
      const t = await testStore(dialect)
      const config = testConfig(t.dataDir)
      let second: Awaited<ReturnType<typeof servePlatform>> | undefined
      try {
        const first = await openPlatform(config, fixturePlugins, { store: t.store })
        await first.host.boot()
        const admin = await first.deps.identity.accounts.createUser({ ...ADMIN, isAdmin: true })
        await first.deps.identity.orgs.createOrg({ name: 'Acme' }, admin.id)
        const running = await servePlatform(first)
        const before = new Client(running.url)
        expect((await before.signIn(ADMIN.email, ADMIN.password)).status).toBe(303)
        expect((await before.get('/account')).res.status).toBe(200)
        await running.stop() // drains, stops plugins, closes the store: nothing is left in memory

        const store = await connect(t.url, t.pgSchema ? { pgSchema: t.pgSchema } : {})
        second = await servePlatform(await openPlatform(config, fixturePlugins, { store }))
        const after = new Client(second.url)
        for (const [name, value] of before.cookies) after.cookies.set(name, value)
        after.csrf = before.csrf
        const page = await after.get('/account')
        expect(page.res.status).toBe(200)
        expect(page.html).toContain(ADMIN.email)
        // the session's CSRF token survived too: a form post with the old token works
        const renamed = await after.post('/account', { name: 'Ada after restart' })
        expect(renamed.status).toBe(303)
        expect((await after.get('/account')).html).toContain('Ada after restart')
        // and signing out still ends it
        expect((await after.post('/logout')).status).toBe(303)
        const replay = await fetch(`${second.url}/account`, { headers: { cookie: `sid=${before.cookies.get('sid')}` }, redirect: 'manual' })
        expect(replay.status).toBe(303)
        expect(replay.headers.get('location')).toStartWith('/login')
      } finally {
        await second?.stop()
        if (t.pgSchema) await dropSchema(t.pgSchema)
        rmSync(t.dataDir, { recursive: true, force: true })
      }
    },
    30_000,
  )
  test('an account made outside /setup (as `coder-ide admin create` does) ends the setup redirect on its own, without a visit to /setup', async () => {
    resetLimits()
    const t = await testStore(dialect)
    const config = testConfig(t.dataDir)
    const platform = await openPlatform(config, [], { store: t.store })
    const running = await servePlatform(platform)
    try {
      const api = () => fetch(`${running.url}/api/v1/me`)
      expect((await api()).status).toBe(503)
      expect(platform.deps.needsSetup).toBe(true)
      await platform.deps.identity.accounts.createUser({ ...ADMIN, isAdmin: true })
      // requests while the flag says setup make the server count accounts again (at most once a second)
      let status = 503
      const deadline = Date.now() + 4000
      while (status === 503 && Date.now() < deadline) {
        status = (await api()).status
        if (status === 503) await Bun.sleep(100)
      }
      expect(status).toBe(401)
      expect(platform.deps.needsSetup).toBe(false)
      const home = await fetch(`${running.url}/`, { redirect: 'manual' })
      expect(home.headers.get('location')).toStartWith('/login')
    } finally {
      await running.stop()
      if (t.pgSchema) await dropSchema(t.pgSchema)
      rmSync(t.dataDir, { recursive: true, force: true })
    }
  }, 15_000)
})

eachDialect('platform start', (dialect) => {
  test('a port already taken: ListenError in one line, before any plugin starts or the running token is touched', async () => {
    const t = await testStore(dialect)
    const holder = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('other') })
    const config = { ...testConfig(t.dataDir), port: holder.port!, host: '127.0.0.1' }
    try {
      const platform = await openPlatform(config, fixturePlugins, { store: t.store })
      const error = await servePlatform(platform).catch((err: Error) => err)
      expect(error).toBeInstanceOf(ListenError)
      expect((error as Error).message).toBe(`cannot listen on 127.0.0.1:${holder.port}: port ${holder.port} is in use (another coder-ide or program holds it): stop that one or choose another PORT / --port`)
      expect(platform.host.list().filter((p) => p.status === 'enabled')).toEqual([]) // nothing booted
      expect(existsSync(runtimeTokenFile(config))).toBe(false)
    } finally {
      holder.stop(true)
      await t.cleanup()
    }
  })

  test('it listens before plugins boot: /healthz answers at once, other requests wait for the plugins instead of a 404', async () => {
    const t = await testStore(dialect)
    const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
    const port = probe.port!
    probe.stop(true)
    const config = { ...testConfig(t.dataDir), port, host: '127.0.0.1' }
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const slow = definePlugin({
      id: 'fixture-slow',
      name: 'Slow',
      version: '1.0.0',
      api: 1,
      async setup() {
        await gate
        return new Elysia({ name: 'plugin:fixture-slow' }).use(guard).get('/fixture-slow', () => 'up', { public: true })
      },
    })
    const platform = await openPlatform(config, [slow], { store: t.store })
    await ensureMigrationTable(t.store)
    await migratePlugin(t.store, 'core', coreMigrations)
    await platform.deps.identity.accounts.createUser({ ...ADMIN, isAdmin: true }) // past /setup
    const serving = servePlatform(platform)
    const url = `http://127.0.0.1:${port}`
    try {
      let health = 0
      for (let i = 0; i < 200 && health !== 200; i++) health = await fetch(`${url}/healthz`).then((r) => r.status, () => (Bun.sleep(10), 0))
      expect(health).toBe(200) // the listener is up while setup still waits on the gate
      expect((await fetch(`${url}/readyz`)).status).toBe(503)
      const early = fetch(`${url}/fixture-slow`)
      await Bun.sleep(50)
      release()
      const res = await early
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('up')
      expect((await fetch(`${url}/readyz`)).status).toBe(200)
    } finally {
      release()
      await (await serving).stop()
      rmSync(t.dataDir, { recursive: true, force: true })
      if (t.pgSchema) await dropSchema(t.pgSchema)
    }
  })
})
