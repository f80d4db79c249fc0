import { expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { eachDialect, dropSchema, testStore } from '../test/helpers/store.ts'
import { ADMIN, testConfig } from '../test/helpers/platform.ts'
import { fixturePlugins } from '../test/fixtures/index.ts'
import { Client } from '../test/helpers/client.ts'
import { openPlatform, servePlatform } from './platform.ts'
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
      const api = () => fetch(`${running.url}/api/v1/admin/plugins`)
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
