import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { isLoopbackAddress, setupAnnouncement, setupTokenFile } from './setup-token.ts'

/** A visitor from another machine, as the platform (TRUST_PROXY=on) sees it through X-Forwarded-For. */
const REMOTE = { 'x-forwarded-for': '203.0.113.7' }
const FIELDS = { name: 'Ana', email: 'ana@example.com', password: 'ana password 1', org: 'Ana Labs' }

eachDialect('setup token', (dialect) => {
  let p: TestPlatform | undefined
  afterEach(async () => {
    await p?.stop()
    p = undefined
  })

  test('from another machine setup needs the token: none or a wrong one is a 403 keeping the values; the right one sets up and the token is gone', async () => {
    p = await startPlatform(dialect, fixturePlugins, { TRUST_PROXY: 'on' }, { setup: false })
    const file = setupTokenFile(p.config)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const token = readFileSync(file, 'utf8').trim()
    expect(token.length).toBeGreaterThanOrEqual(32)

    const c = p.client()
    const page = await c.get(`/setup?token=${encodeURIComponent('"><b>x')}`, REMOTE)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('name="token"')
    expect(page.html).toContain('value="&#34;><b>x"') // prefilled from ?token=, its quote escaped

    const none = await c.post('/setup', FIELDS, REMOTE)
    expect(none.status).toBe(403)
    const noneHtml = await none.text()
    expect(noneHtml).toContain('Enter the setup token')
    expect(noneHtml).toContain('value="Ana Labs"')
    expect(noneHtml).toContain('value="ana@example.com"')

    const wrong = await c.post('/setup', { ...FIELDS, token: 'not-the-token' }, REMOTE)
    expect(wrong.status).toBe(403)
    const wrongHtml = await wrong.text()
    expect(wrongHtml).toContain('That setup token is not right')
    expect(wrongHtml).toContain('value="Ana"')
    expect(await p.deps.identity.accounts.countUsers()).toBe(0)

    const right = await c.post('/setup', { ...FIELDS, token }, REMOTE)
    expect(right.status).toBe(303)
    expect(right.headers.get('location')).toBe('/')
    const users = await p.deps.identity.accounts.listUsers()
    expect(users.map((u) => [u.email, u.isAdmin])).toEqual([['ana@example.com', true]])
    expect(existsSync(file)).toBe(false)
    // the used token opens nothing afterwards
    const late = p.client()
    await late.get('/login', REMOTE)
    const again = await late.post('/setup', { ...FIELDS, email: 'bea@example.com', token }, REMOTE)
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/login')
    expect(await p.deps.identity.accounts.countUsers()).toBe(1)
  })

  test('a loopback connection that was forwarded (a proxy on this machine, no TRUST_PROXY) needs the token; a direct one does not', async () => {
    p = await startPlatform(dialect, fixturePlugins, {}, { setup: false })
    const token = readFileSync(setupTokenFile(p.config), 'utf8').trim()
    const c = p.client()
    expect((await c.get('/setup')).html).not.toContain('name="token"')
    expect((await c.get('/setup', REMOTE)).html).toContain('name="token"')
    expect((await c.post('/setup', FIELDS, REMOTE)).status).toBe(403)
    expect((await c.post('/setup', FIELDS, { host: 'ide.example.com' })).status).toBe(403)
    expect(await p.deps.identity.accounts.countUsers()).toBe(0)
    expect((await c.post('/setup', { ...FIELDS, token }, REMOTE)).status).toBe(303)
  })

  test('with the token file gone, a remote visitor is told to restart; the server itself still sets up', async () => {
    p = await startPlatform(dialect, fixturePlugins, { TRUST_PROXY: 'on' }, { setup: false })
    rmSync(setupTokenFile(p.config))
    const c = p.client()
    await c.get('/setup', REMOTE)
    const res = await c.post('/setup', { ...FIELDS, token: 'anything' }, REMOTE)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('restart it to print a new one')
    expect((await c.post('/setup', FIELDS)).status).toBe(303)
  })

  test('an instance set up already writes no token (and removes a stale one at start)', async () => {
    p = await startPlatform(dialect, fixturePlugins)
    expect(existsSync(setupTokenFile(p.config))).toBe(false)
  })
})

describe('setup token helpers', () => {
  test('loopback addresses', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(ip)).toBe(true)
    for (const ip of ['10.0.0.1', '203.0.113.7', '::ffff:10.0.0.1', 'fe80::1', 'unknown', '']) expect(isLoopbackAddress(ip)).toBe(false)
  })

  test('the log line names the setup URL with the token and the file', () => {
    const line = setupAnnouncement({ dataDir: '/data', publicUrl: undefined }, 'http://127.0.0.1:3000', 'tok')
    expect(line).toContain('http://127.0.0.1:3000/setup?token=tok')
    expect(line).toContain('/data/setup-token')
    expect(setupAnnouncement({ dataDir: '/data', publicUrl: 'https://ide.example.com' }, 'http://127.0.0.1:3000', 'tok')).toContain('https://ide.example.com/setup?token=tok')
  })
})
