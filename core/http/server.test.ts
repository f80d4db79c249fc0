import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'

const TOKEN = 'test-admin-token-0123456789abcdef'
import type { Client } from '../../test/helpers/client.ts'

eachDialect('http', (dialect) => {
  let p: TestPlatform
  let ada: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins, { ADMIN_TOKEN: TOKEN })
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${p.url}/api/v1/admin/plugins${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: p.serviceAuth, ...(init.headers as Record<string, string>) },
    })
  const postNote = (body: string, headers: Record<string, string> = {}) =>
    ada.request('/api/v1/fixture-notes/notes', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': ada.csrf, ...headers }, body })

  test('/healthz is alive and /readyz reports the store and settled plugins', async () => {
    expect(await (await fetch(`${p.url}/healthz`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${p.url}/readyz`)
    expect(ready.status).toBe(200)
    const body = (await ready.json()) as { status: string; plugins: { id: string; status: string }[] }
    expect(body.status).toBe('ready')
    expect(body.plugins).toContainEqual({ id: 'fixture-notes', status: 'enabled' })
    expect(body.plugins).toContainEqual({ id: 'fixture-broken', status: 'failed' })
  })

  test('dispatches /<id>/... and /api/v1/<id>/... to the plugin; every answer has a request id', async () => {
    const created = await postNote(JSON.stringify({ title: 'From HTTP', tags: ['x'] }), { 'x-request-id': 'abc-123' })
    expect(created.status).toBe(201)
    expect(created.headers.get('x-request-id')).toBe('abc-123')
    const list = (await (await fetch(`${p.url}/api/v1/fixture-notes/notes`)).json()) as { notes: { title: string }[] }
    expect(list.notes.map((n) => n.title)).toContain('From HTTP')
    const page = await fetch(`${p.url}/fixture-notes`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<h1>Hello</h1>')
    expect((await fetch(`${p.url}/healthz`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  test('bad input to a plugin route is a 4xx, not a 500', async () => {
    const res = await postNote('{"title":""}')
    expect(res.status).toBe(422)
  })

  test('a disabled plugin: an HTML page for the browser, a JSON error for the API; enabled again, it serves', async () => {
    const off = await admin('/fixture-notes/disable', { method: 'POST', body: '{}' })
    expect(off.status).toBe(200)
    const page = await fetch(`${p.url}/fixture-notes`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toContain('text/html')
    const html = await page.text()
    expect(html).toContain('Notes is disabled')
    expect(html).toContain('an admin can enable it again')
    const api = await fetch(`${p.url}/api/v1/fixture-notes/notes`)
    expect(api.status).toBe(404)
    expect(await api.json()).toEqual({
      error: { code: 'plugin_disabled', message: 'Notes is turned off on this instance. Its data is kept; an admin can enable it again.' },
    })
    expect((await admin('/fixture-notes/enable', { method: 'POST' })).status).toBe(200)
    const back = (await (await fetch(`${p.url}/api/v1/fixture-notes/notes`)).json()) as { notes: unknown[] }
    expect(back.notes.length).toBeGreaterThan(0) // data stayed
  })

  test('a signed-in browser gets 404 and 403 pages inside the shell, with its nav', async () => {
    const missing = await ada.get('/nowhere')
    expect(missing.res.status).toBe(404)
    expect(missing.html).toContain('id="main-nav"')
    expect(missing.html).toContain('Page not found')
    const { client: guest } = await p.member('guest')
    const forbidden = await guest.get('/admin/plugins')
    expect(forbidden.res.status).toBe(403)
    expect(forbidden.html).toContain('id="main-nav"')
    expect(forbidden.html).toContain('You need the permission')
  })

  test('unknown plugin and unknown page: clear 404s', async () => {
    const api = await fetch(`${p.url}/api/v1/ghost/items`)
    expect(api.status).toBe(404)
    expect(await api.json()).toEqual({ error: { code: 'unknown_plugin', message: 'no plugin "ghost" is installed on this instance' } })
    const page = await fetch(`${p.url}/ghost`)
    expect(page.status).toBe(404)
    expect(await page.text()).toContain('Nothing lives at /ghost')
  })

  test('admin API: lists, refuses with reasons, returns JSON errors', async () => {
    const list = (await (await admin('')).json()) as { plugins: { id: string; status: string; error?: string }[] }
    expect(list.plugins.map((x) => x.id)).toEqual(['fixture-notes', 'fixture-broken'])
    const enableBroken = await admin('/fixture-broken/enable', { method: 'POST' })
    expect(enableBroken.status).toBe(422)
    expect(((await enableBroken.json()) as { error: { message: string } }).error.message).toContain('missing FIXTURE_KEY')
    const ghost = await admin('/ghost/enable', { method: 'POST' })
    expect(ghost.status).toBe(404)
    const badBody = await admin('/fixture-notes/disable', { method: 'POST', body: '{"cascade":"yes"}' })
    expect(badBody.status).toBe(422)
    expect(((await badBody.json()) as { error: { code: string } }).error.code).toBe('invalid_body')
    const settings = await admin('/fixture-notes/settings', { method: 'PUT', body: '{"greeting":""}' })
    expect(settings.status).toBe(422)
    expect(((await settings.json()) as { error: { message: string } }).error.message).toContain('greeting')
  })

  test('admin API: instance admins and the service token only; CSRF for browser sessions', async () => {
    const list = (init: RequestInit) => fetch(`${p.url}/api/v1/admin/plugins`, init)
    expect((await list({})).status).toBe(401)
    expect((await list({ headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status).toBe(401)
    expect((await list({ headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200) // ADMIN_TOKEN
    expect((await list({ headers: { authorization: p.serviceAuth } })).status).toBe(200) // the runtime token
    expect((await ada.request('/api/v1/admin/plugins')).status).toBe(200) // an instance admin's session
    const { client: member } = await p.member('admin')
    const refused = await member.request('/api/v1/admin/plugins')
    expect(refused.status).toBe(403) // an org admin is not an instance admin
    const noCsrf = await ada.request('/api/v1/admin/plugins/fixture-notes/disable', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(noCsrf.status).toBe(403)
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('csrf')
    const crossSite = await ada.request('/api/v1/admin/plugins/fixture-notes/disable', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': ada.csrf, origin: 'https://evil.example' },
      body: '{}',
    })
    expect(crossSite.status).toBe(403)
    expect((await fetch(`${p.url}/api/v1/fixture-notes/notes`)).status).toBe(200) // still enabled
  })
})

test('graceful shutdown: an in-flight request finishes, then the listener is closed', async () => {
  const p = await startPlatform('sqlite', fixturePlugins)
  const slow = fetch(`${p.url}/fixture-notes/slow`)
  await Bun.sleep(50)
  const stopping = p.stop()
  const res = await slow
  expect(res.status).toBe(200)
  expect(await res.text()).toBe('slow done')
  await stopping
  await expect(fetch(`${p.url}/healthz`)).rejects.toThrow()
})
