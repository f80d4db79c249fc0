import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Elysia, t } from 'elysia'
import { eachDialect, testStore } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { definePlugin } from '../plugins/contract.ts'
import { logged } from '../../test/helpers/log.ts'
import { guard } from './guard.ts'
import { errorFor } from './respond.ts'
import { forwardedClient } from './server.ts'

/** What a route of the faulty fixture throws: internals a user must never see. */
const INTERNALS = 'relation faulty_secret_rows does not exist at /srv/coder/db.ts:42'

/** A plugin whose routes fail in every way a plugin route can. */
const faulty = definePlugin({
  id: 'fixture-faulty',
  name: 'Faulty',
  version: '1.0.0',
  api: 1,
  permissions: { 'fixture-faulty.thing.read': 'Read things' },
  setup(ctx) {
    class NotThere extends Error {
      status = 404
    }
    return new Elysia({ name: 'plugin:fixture-faulty' })
      .use(guard)
      .onError(({ error }) => (error instanceof NotThere ? new Response(`own answer: ${error.message}`, { status: 404 }) : undefined))
      .get('/fixture-faulty/boom', () => {
        throw new Error(INTERNALS)
      }, { public: true })
      .post('/api/v1/fixture-faulty/twice', async () => {
        // the same primary key twice: what a race between two saves of one name looks like
        await ctx.store.query('create table if not exists fixture_faulty_once (id integer primary key)')
        await ctx.store.query('insert into fixture_faulty_once (id) values (1)')
        return 'inserted'
      }, { public: true })
      .get('/api/v1/fixture-faulty/boom', async () => {
        await Bun.sleep(1)
        throw new Error(INTERNALS)
      }, { public: true })
      .get('/fixture-faulty/reset/:token', () => {
        throw new Error(INTERNALS)
      }, { public: true })
      .get('/fixture-faulty/missing', () => {
        throw new NotThere('no such thing')
      }, { public: true })
      .get('/fixture-faulty/gone', () => {
        throw Object.assign(new Error('that thing is gone'), { status: 410 })
      }, { public: true })
      .get('/fixture-faulty/private', () => 'private', { permission: 'fixture-faulty.thing.read' })
      // what plugins answer for a thing that is gone: core's bare error page (errorFor)
      .get('/fixture-faulty/stale/:id', ({ request }) => {
        const res = errorFor(new URL(request.url).pathname, 404, 'not_found', 'Not found', 'No thing with that id: it may have been deleted.')
        res.headers.set('x-fixture', 'kept')
        res.headers.set('cache-control', 'public, max-age=3600')
        res.headers.append('set-cookie', 'one=1; Path=/')
        res.headers.append('set-cookie', 'two=2; Path=/')
        return res
      }, { public: true })
      .get('/api/v1/fixture-faulty/stale/:id', ({ request }) => errorFor(new URL(request.url).pathname, 404, 'not_found', 'Not found', 'No thing with that id.'), { public: true })
      .post('/api/v1/fixture-faulty/things', ({ body }) => body, { public: true, body: t.Object({ name: t.String({ minLength: 1 }) }) })
      .get('/fixture-faulty/hang', async () => {
        await Bun.sleep(3000)
        return 'finally'
      }, { public: true })
  },
})

/** A plugin with no error handler of its own, whose routes fail the way store calls do. */
const plain = definePlugin({
  id: 'fixture-plain',
  name: 'Plain',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    return new Elysia({ name: 'plugin:fixture-plain' })
      .use(guard)
      .get('/fixture-plain/coded', () => {
        throw Object.assign(new Error(INTERNALS), { code: 'SQLITE_ERROR' })
      }, { public: true })
      .get('/api/v1/fixture-plain/query', async () => ctx.store.query('select * from fixture_plain_secret_rows'), { public: true })
  },
})

/** A plugin with secret settings (write-only strings) beside a plain one. */
const secretive = definePlugin({
  id: 'fixture-secretive',
  name: 'Secretive',
  version: '1.0.0',
  api: 1,
  settings: t.Object({
    greeting: t.String({ default: 'Hello' }),
    apiKey: t.String({ writeOnly: true, default: '' }),
    webhook: t.Optional(t.String({ writeOnly: true })),
    password: t.Optional(t.String({ format: 'password' })),
  }),
  setup() {},
})

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
    // from elsewhere (here: forwarded by a proxy on this machine) the status alone
    const remote = await fetch(`${p.url}/readyz`, { headers: { 'x-forwarded-for': '203.0.113.9' } })
    expect(remote.status).toBe(200)
    expect(await remote.json()).toEqual({ status: 'ready' })
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
    const ids = await Promise.all([1, 2].map(async () => (await fetch(`${p.url}/healthz`)).headers.get('x-request-id')))
    for (const rid of ids) expect(rid).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
    expect(ids[0]).not.toBe(ids[1])
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
    expect(forbidden.html).toContain('Only instance admins may do this')
    // a plugin permission the role lacks: who can grant it
    const { user: bare, client: bareClient } = await p.member('guest')
    const nothing = await p.deps.identity.orgs.createRole(p.org!.id, 'Nothing', [])
    await p.deps.identity.orgs.setMemberRole(p.org!.id, bare.id, nothing.id)
    const notes = await bareClient.request('/api/v1/fixture-notes/seen')
    expect(notes.status).toBe(403)
    expect(((await notes.json()) as { error: { message: string } }).error.message).toBe('You need the permission “Read notes” (fixture-notes.note.read) here. Your role in Acme (Nothing) does not include it: ask an owner or admin of Acme to give it to you.')
  })

  test('a plugin that failed to start says so (not "disabled") and where to see why', async () => {
    await p.host.enable('fixture-broken').catch(() => {})
    expect(p.host.describe('fixture-broken').status).toBe('failed')
    const page = await ada.get('/fixture-broken')
    expect(page.res.status).toBe(404)
    expect(page.html).toContain('Broken failed to start')
    expect(page.html).toContain('/admin/plugins')
    const api = await ada.request('/api/v1/fixture-broken/anything')
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('plugin_failed')
  })

  test('a token without a permission says to create a token that has it', async () => {
    const { user } = await p.member('member')
    const { secret } = await p.deps.identity.tokens.create({ userId: user.id, orgId: p.org!.id, name: 'narrow', permissions: ['core.members.read'], expiresInDays: 7 })
    const res = await fetch(`${p.url}/api/v1/fixture-notes/seen`, { headers: { authorization: `Bearer ${secret}` } })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('This API token does not grant "fixture-notes.note.read". Create a token that includes it on /account/tokens')
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

eachDialect('http: errors, readiness, request ids', (dialect) => {
  let p: TestPlatform
  let ada: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, [...fixturePlugins, faulty, secretive, plain])
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  test('admin API: secret settings are saved but never echoed (masked as the admin page hides them)', async () => {
    const put = (body: unknown) =>
      fetch(`${p.url}/api/v1/admin/plugins/fixture-secretive/settings`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: p.serviceAuth }, body: JSON.stringify(body) })
    const res = await put({ greeting: 'Hi there', apiKey: 'sk-live-0123456789', webhook: 'pw-secret-42' })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).not.toContain('sk-live-0123456789')
    expect(text).not.toContain('pw-secret-42')
    expect(JSON.parse(text)).toEqual({ settings: { greeting: 'Hi there', apiKey: '********', webhook: '********' } })
    // stored as sent
    expect(p.host.settingsOf('fixture-secretive')).toMatchObject({ apiKey: 'sk-live-0123456789', webhook: 'pw-secret-42' })
    // an empty secret clears it and reads as empty; a secret left out, or sent back masked, keeps
    // its stored value (as an empty secret field does on the admin page)
    const cleared = (await (await put({ greeting: 'Hi', apiKey: '' })).json()) as { settings: Record<string, unknown> }
    expect(cleared.settings).toEqual({ greeting: 'Hi', apiKey: '', webhook: '********' })
    expect(p.host.settingsOf('fixture-secretive')).toMatchObject({ apiKey: '', webhook: 'pw-secret-42' })
    expect((await put({ greeting: 'Hey', apiKey: '********', webhook: '********' })).status).toBe(200)
    expect(p.host.settingsOf('fixture-secretive')).toMatchObject({ greeting: 'Hey', apiKey: '', webhook: 'pw-secret-42' })
    // the mask sent back for a secret never stored stores nothing (not the mask)
    expect((await put({ greeting: 'Hey', apiKey: '', password: '********' })).status).toBe(200)
    expect(p.host.settingsOf('fixture-secretive').password).toBeUndefined()
    // format: 'password' is a secret too, and any string is valid for it
    const withPassword = await put({ greeting: 'Hi', apiKey: '', password: 'hunter2 hunter2' })
    expect(withPassword.status).toBe(200)
    expect(((await withPassword.json()) as { settings: Record<string, unknown> }).settings.password).toBe('********')
    for (const path of ['', '/fixture-secretive']) {
      const read = await (await fetch(`${p.url}/api/v1/admin/plugins${path}`, { headers: { authorization: p.serviceAuth } })).text()
      expect(read).not.toContain('sk-live')
      expect(read).not.toContain('pw-secret')
    }
    // the admin page does not show the stored secret either
    await put({ greeting: 'Hi', apiKey: 'sk-live-0123456789' })
    const page = await ada.get('/admin/plugins/fixture-secretive/settings')
    expect(page.res.status).toBe(200)
    expect(page.html).not.toContain('sk-live-0123456789')
  })

  test('a plugin route that throws with a token in its path: the error line shows the path masked', async () => {
    const { result, lines } = await logged(() => fetch(`${p.url}/fixture-faulty/reset/tok-0123456789abcdef`, { headers: { 'x-request-id': 'boom-token-1' } }))
    expect(result.status).toBe(500)
    const failure = lines.find((l) => l.includes('request failed') && l.includes('boom-token-1'))!
    expect(failure).toContain('path="/fixture-faulty/reset/***"')
    expect(lines.join('\n')).not.toContain('tok-0123456789abcdef')
  })

  test("a plugin with no error handler of its own: a driver's error (it carries a code) is core's 500 too, its text never shown", async () => {
    const page = await fetch(`${p.url}/fixture-plain/coded`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(500)
    const html = await page.text()
    expect(html).toContain('Something went wrong')
    expect(html).not.toContain('faulty_secret_rows')
    const api = await fetch(`${p.url}/api/v1/fixture-plain/query`)
    expect(api.status).toBe(500)
    const body = (await api.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('internal')
    expect(body.error.message).not.toContain('fixture_plain_secret_rows')
    expect((await fetch(`${p.url}/fixture-plain/nothing-here`)).status).toBe(404)
  })

  test('a unique index refusing a write (two saves of one name at once) answers 409 with what to do, not a 500', async () => {
    const twice = () => fetch(`${p.url}/api/v1/fixture-faulty/twice`, { method: 'POST', headers: { authorization: p.serviceAuth } })
    expect((await twice()).status).toBe(200)
    const again = await twice()
    expect(again.status).toBe(409)
    expect(await again.json()).toEqual({ error: { code: 'conflict', message: 'Someone saved the same name or address at the same moment. Reload the page and try again with another one.' } })
  })

  test("a plugin route that throws answers core's 500: a page for the browser, JSON on the API, never the exception's text; logged with the request id and plugin id", async () => {
    const { result, lines } = await logged(async () => {
      const page = await fetch(`${p.url}/fixture-faulty/boom`, { headers: { accept: 'text/html', 'x-request-id': 'boom-page-1' } })
      const api = await fetch(`${p.url}/api/v1/fixture-faulty/boom`, { headers: { 'x-request-id': 'boom-api-1' } })
      const shell = await ada.get('/fixture-faulty/boom')
      return { page, pageHtml: await page.text(), api, apiBody: await api.json(), shell }
    })
    const { page, pageHtml, api, apiBody, shell } = result
    expect(page.status).toBe(500)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('x-request-id')).toBe('boom-page-1')
    expect(pageHtml).toContain('Something went wrong')
    expect(pageHtml).toContain('request id boom-page-1')
    expect(pageHtml).not.toContain('faulty_secret_rows')
    expect(api.status).toBe(500)
    expect(apiBody).toEqual({ error: { code: 'internal', message: 'The error was logged (request id boom-api-1). Try again; if it keeps happening, tell your admin and quote that id.' } })
    // a signed-in browser gets the page inside the shell
    expect(shell.res.status).toBe(500)
    expect(shell.html).toContain('id="main-nav"')
    expect(shell.html).toContain('Something went wrong')
    expect(shell.html).not.toContain('faulty_secret_rows')

    const failures = lines.filter((l) => l.includes('request failed'))
    expect(failures).toHaveLength(3)
    expect(failures[0]).toContain('ERROR [plugins:fixture-faulty] request failed rid="boom-page-1" plugin="fixture-faulty" method="GET" path="/fixture-faulty/boom"')
    expect(failures[1]).toContain('rid="boom-api-1" plugin="fixture-faulty"')
    expect(lines.some((l) => l.includes('GET /fixture-faulty/boom 500') && l.includes('rid="boom-page-1"'))).toBe(true)
  })

  test("an unknown path under an enabled plugin is core's 404 (page or JSON), not a bare NOT_FOUND", async () => {
    const page = await fetch(`${p.url}/fixture-notes/nope`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('Nothing lives at /fixture-notes/nope')
    const api = await fetch(`${p.url}/api/v1/fixture-notes/nope`)
    expect(api.status).toBe(404)
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'Nothing lives at /api/v1/fixture-notes/nope. Check the address, or start again from the home page.' } })
    const shell = await ada.get('/fixture-faulty/nope')
    expect(shell.res.status).toBe(404)
    expect(shell.html).toContain('id="main-nav"')
    expect(shell.html).toContain('Page not found')
  })

  test('what a plugin answers itself stays: its own error handler, errors with a 4xx status, validation, the guard', async () => {
    const own = await fetch(`${p.url}/fixture-faulty/missing`)
    expect(own.status).toBe(404)
    expect(await own.text()).toBe('own answer: no such thing')
    const gone = await fetch(`${p.url}/fixture-faulty/gone`)
    expect(gone.status).toBe(410)
    expect(await gone.text()).toBe('that thing is gone')
    const invalid = await fetch(`${p.url}/api/v1/fixture-faulty/things`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: p.serviceAuth }, body: '{"name":""}' })
    expect(invalid.status).toBe(422)
    expect(((await invalid.json()) as { type: string }).type).toBe('validation')
    const anonymous = await fetch(`${p.url}/fixture-faulty/private`, { redirect: 'manual' })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Ffixture-faulty%2Fprivate')
  })

  test("a plugin's error page (core's errorFor) is shown inside the shell to a signed-in browser, with the headers the route set; bare for anonymous callers, JSON on the API", async () => {
    const signedIn = await ada.get('/fixture-faulty/stale/42')
    expect(signedIn.res.status).toBe(404)
    expect(signedIn.html).toContain('id="main-nav"')
    expect(signedIn.html).toContain('No thing with that id: it may have been deleted.')
    expect(signedIn.res.headers.get('x-fixture')).toBe('kept')
    expect(signedIn.res.headers.getSetCookie().filter((c) => /^(one|two)=/.test(c))).toEqual(['one=1; Path=/', 'two=2; Path=/'])
    // it now holds the viewer's name and CSRF token: never a shared cache's
    expect(signedIn.res.headers.get('cache-control')).toBe('private, no-cache')
    expect(signedIn.res.headers.get('content-security-policy')).toContain("default-src 'self'")
    const anonymous = await fetch(`${p.url}/fixture-faulty/stale/42`)
    expect(anonymous.status).toBe(404)
    const bare = await anonymous.text()
    expect(bare).toContain('No thing with that id')
    expect(bare).not.toContain('id="main-nav"')
    const api = await ada.request('/api/v1/fixture-faulty/stale/42')
    expect(api.status).toBe(404)
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'No thing with that id.' } })
  })

  test('an unreadable JSON body to a plugin API is a JSON 400 saying so, like the rest of the API', async () => {
    const res = await fetch(`${p.url}/api/v1/fixture-faulty/things`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: p.serviceAuth }, body: '{"name": "unterminated' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'bad_request', message: 'The request body could not be read: send valid JSON or form data.' })
  })

  test("a core handler that throws answers core's 500: the page in the shell for a browser, JSON on the API; logged with the request id", async () => {
    const accounts = p.deps.identity.accounts
    const listAudit = accounts.listAudit
    const list = p.deps.list
    accounts.listAudit = async () => {
      throw new Error(INTERNALS)
    }
    p.deps.list = async () => {
      throw new Error(INTERNALS)
    }
    try {
      const { result, lines } = await logged(async () => {
        const page = await ada.get('/admin/audit', { 'x-request-id': 'core-page-1' })
        const api = await fetch(`${p.url}/api/v1/admin/plugins`, { headers: { authorization: p.serviceAuth, 'x-request-id': 'core-api-1' } })
        return { page, api, body: await api.json() }
      })
      expect(result.page.res.status).toBe(500)
      expect(result.page.res.headers.get('content-type')).toContain('text/html')
      expect(result.page.html).toContain('id="main-nav"')
      expect(result.page.html).toContain('Something went wrong')
      expect(result.page.html).toContain('request id core-page-1')
      expect(result.page.html).not.toContain('faulty_secret_rows')
      expect(result.api.status).toBe(500)
      expect(result.body).toEqual({ error: { code: 'internal', message: 'The error was logged (request id core-api-1). Try again; if it keeps happening, tell your admin and quote that id.' } })
      expect(lines.some((l) => l.includes('[http] unhandled error rid="core-page-1" method="GET" path="/admin/audit"'))).toBe(true)
      expect(lines.some((l) => l.includes('[http] unhandled error rid="core-api-1" method="GET" path="/api/v1/admin/plugins"'))).toBe(true)
    } finally {
      accounts.listAudit = listAudit
      p.deps.list = list
    }
    expect((await ada.get('/admin/audit')).res.status).toBe(200)
  })

  test('the request log line carries the request id the response header shows', async () => {
    const { result, lines } = await logged(async () => {
      const minted = await fetch(`${p.url}/healthz`)
      const kept = await fetch(`${p.url}/api/v1/fixture-notes/notes`, { headers: { 'x-request-id': 'from-the-proxy.1' } })
      const refused = await fetch(`${p.url}/healthz`, { headers: { 'x-request-id': 'no spaces <allowed>' } })
      return { minted: minted.headers.get('x-request-id')!, kept: kept.headers.get('x-request-id')!, refused: refused.headers.get('x-request-id')! }
    })
    expect(result.minted).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
    expect(result.kept).toBe('from-the-proxy.1')
    expect(result.refused).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
    const line = (path: string, rid: string) => lines.find((l) => l.includes(`[http] GET ${path} 200`) && l.includes(`rid="${rid}"`))
    expect(line('/healthz', result.minted)).toBeDefined()
    expect(line('/api/v1/fixture-notes/notes', 'from-the-proxy.1')).toBeDefined()
    expect(line('/healthz', result.refused)).toBeDefined()
  })

  test('/readyz answers 503 while plugins have not settled, and when the store is unreachable', async () => {
    p.host.settled = false
    try {
      const starting = await fetch(`${p.url}/readyz`)
      expect(starting.status).toBe(503)
      expect(await starting.json()).toEqual({ status: 'starting', reason: 'plugins are still starting' })
    } finally {
      p.host.settled = true
    }
    const closed = await testStore(dialect)
    await closed.store.close()
    const ping = p.store.ping
    p.store.ping = () => closed.store.ping()
    try {
      const { result: down, lines } = await logged(async () => {
        const res = await fetch(`${p.url}/readyz`)
        return { status: res.status, body: (await res.json()) as { status: string; reason: string } }
      })
      expect(down.status).toBe(503)
      // a public route: a generic reason, never the driver's text (it may name the host, user or database)
      expect(down.body).toEqual({ status: 'unavailable', reason: 'store not reachable' })
      const logged503 = lines.find((l) => l.includes('readiness: store not reachable'))
      expect(logged503).toBeDefined()
      expect(logged503).toMatch(/error="[^"]+"/) // the detail is in the log
    } finally {
      p.store.ping = ping
      await closed.cleanup().catch(() => {})
    }
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200)
  })
})

test('X-Forwarded-For: the client is as many entries from the right as there are trusted proxies; anything else falls back', () => {
  expect(forwardedClient(null, '10.0.0.2', 1)).toBe('10.0.0.2')
  expect(forwardedClient('', '10.0.0.2', 1)).toBe('10.0.0.2')
  expect(forwardedClient('203.0.113.7', '10.0.0.2', 1)).toBe('203.0.113.7')
  expect(forwardedClient('6.6.6.6, 203.0.113.7', '10.0.0.2', 1)).toBe('203.0.113.7') // the forged left entry is ignored
  expect(forwardedClient('6.6.6.6, 203.0.113.7,10.0.0.5', '10.0.0.2', 2)).toBe('203.0.113.7')
  expect(forwardedClient('203.0.113.7', '10.0.0.2', 3)).toBe('203.0.113.7') // fewer entries than proxies: the left-most
  expect(forwardedClient('203.0.113.7:51234', '10.0.0.2', 1)).toBe('203.0.113.7')
  expect(forwardedClient('2001:db8::1', '10.0.0.2', 1)).toBe('2001:db8::1')
  expect(forwardedClient('[2001:db8::1]:443', '10.0.0.2', 1)).toBe('2001:db8::1')
  expect(forwardedClient('203.0.113.7, unknown', '10.0.0.2', 1)).toBe('10.0.0.2') // not an address: the peer
  expect(forwardedClient('<script>, 203.0.113.7', '10.0.0.2', 2)).toBe('203.0.113.7') // the nearest believed address
  expect(forwardedClient(',203.0.113.7', '10.0.0.2', 2)).toBe('203.0.113.7')
})

test('graceful shutdown: a request still running after SHUTDOWN_TIMEOUT_MS is cut off, and the stop says so', async () => {
  const p = await startPlatform('sqlite', [faulty], { SHUTDOWN_TIMEOUT_MS: '200' })
  const hanging = fetch(`${p.url}/fixture-faulty/hang`).then(
    (res) => res.status,
    () => 'cut off',
  )
  await Bun.sleep(50)
  const { lines } = await logged(async () => {
    const started = performance.now()
    await p.stop()
    return performance.now() - started
  }).then(async (r) => {
    expect(r.result).toBeLessThan(2000) // the 3 s handler was not waited for
    return r
  })
  expect(await hanging).toBe('cut off')
  expect(lines.some((l) => l.includes('shutdown: requests still running after the grace period were cut off'))).toBe(true)
  await expect(fetch(`${p.url}/healthz`)).rejects.toThrow()
}, 10_000)
