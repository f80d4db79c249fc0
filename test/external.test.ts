/** External plugins in $DATA_DIR/plugins: picked up at run time, enabled, reloaded, broken files contained. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { externalPluginSource, writeExternalPlugin } from './helpers/external.ts'
import { fixturePlugins } from './fixtures/index.ts'

eachDialect('external plugins', (dialect) => {
  let p: TestPlatform
  const admin = (path: string, method = 'GET') =>
    fetch(`${p.url}/api/v1/admin/plugins${path}`, { method, headers: { 'content-type': 'application/json', authorization: p.serviceAuth } })
  const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message

  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  test('a plugin written at run time is enabled, serves, reloads to new code, and disables to the 404', async () => {
    writeExternalPlugin(p.test.dataDir, 'ext-live', externalPluginSource('ext-live', '1.0.0'))
    writeExternalPlugin(p.test.dataDir, 'ext-live', 'console.log("v1")', 'public/app.js')
    expect((await fetch(`${p.url}/public/ext-live/app.js`)).status).toBe(404) // not enabled yet
    const listed = (await (await admin('')).json()) as { plugins: { id: string; status: string; source: string }[] }
    expect(listed.plugins).toContainEqual(expect.objectContaining({ id: 'ext-live', status: 'disabled', source: 'external' }))
    expect((await admin('/ext-live/enable', 'POST')).status).toBe(200)
    const page = await fetch(`${p.url}/ext-live`)
    expect(await page.text()).toBe('<p class="version">1.0.0 &lt;b&gt;</p>')
    expect(await (await fetch(`${p.url}/api/v1/ext-live/version`)).json()).toEqual({ version: '1.0.0', rows: 1 })
    expect(p.host.contributions('nav').map((n) => n.label)).toContain('External ext-live')
    // its asset, beside its code, with a validator the browser revalidates
    const asset = await fetch(`${p.url}/public/ext-live/app.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(asset.headers.get('cache-control')).toBe('no-cache')
    expect(await asset.text()).toBe('console.log("v1")')
    const etag = asset.headers.get('etag')!
    expect((await fetch(`${p.url}/public/ext-live/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304)
    expect((await fetch(`${p.url}/public/ext-live/index.tsx`)).status).toBe(404) // only declared files
    expect((await fetch(`${p.url}/public/ext-live/constructor`)).status).toBe(404)

    writeExternalPlugin(p.test.dataDir, 'ext-live', 'console.log("v2")', 'public/app.js')
    writeExternalPlugin(p.test.dataDir, 'ext-live', externalPluginSource('ext-live', '2.0.0'))
    const reloaded = await admin('/ext-live/reload', 'POST')
    expect(reloaded.status).toBe(200)
    expect(((await reloaded.json()) as { version: string }).version).toBe('2.0.0')
    expect(await (await fetch(`${p.url}/api/v1/ext-live/version`)).json()).toEqual({ version: '2.0.0', rows: 1 })
    const changed = await fetch(`${p.url}/public/ext-live/app.js`, { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200) // new bytes: the old validator no longer matches
    expect(await changed.text()).toBe('console.log("v2")')
    expect(changed.headers.get('etag')).not.toBe(etag)

    // a syntax error in the new code: reload refused, version 2 keeps serving
    writeExternalPlugin(p.test.dataDir, 'ext-live', 'export default definePlugin({ id: "ext-live", ')
    const bad = await admin('/ext-live/reload', 'POST')
    expect(bad.status).toBe(422)
    expect(await errorOf(bad)).toContain('reload of "ext-live" failed, the running version stays')
    expect(await (await fetch(`${p.url}/api/v1/ext-live/version`)).json()).toEqual({ version: '2.0.0', rows: 1 })

    expect((await admin('/ext-live/disable', 'POST')).status).toBe(200)
    const off = await fetch(`${p.url}/api/v1/ext-live/version`)
    expect(off.status).toBe(404)
    expect(await errorOf(off)).toContain('External ext-live is turned off')
    expect((await fetch(`${p.url}/public/ext-live/app.js`)).status).toBe(404)
    expect(p.host.contributions('nav').map((n) => n.label)).not.toContain('External ext-live')
  })

  test('a plugin file with a syntax error is marked failed with its error; everything else serves; fixed, it enables', async () => {
    writeExternalPlugin(p.test.dataDir, 'ext-broken', 'import { Elysia } from "elysia"\nexport default {{{')
    const list = (await (await admin('')).json()) as { plugins: { id: string; status: string; error?: string }[] }
    const broken = list.plugins.find((x) => x.id === 'ext-broken')!
    expect(broken.status).toBe('failed')
    expect(broken.error).toContain('ext-broken/index.tsx does not load: line 2:')
    expect((await fetch(`${p.url}/api/v1/fixture-notes/notes`)).status).toBe(200)
    const enable = await admin('/ext-broken/enable', 'POST')
    expect(enable.status).toBe(422)
    expect(await errorOf(enable)).toContain('does not load')

    writeExternalPlugin(p.test.dataDir, 'ext-broken', externalPluginSource('ext-broken', '1.0.1'))
    const fixed = await admin('/ext-broken/enable', 'POST')
    expect(fixed.status).toBe(200)
    expect(await (await fetch(`${p.url}/api/v1/ext-broken/version`)).json()).toEqual({ version: '1.0.1', rows: 1 })
  })

  test('a plugin split over several files reloads every file, not only its entry', async () => {
    const entry = `import { Elysia } from 'elysia'
import { definePlugin, guard } from 'coder-ide/sdk'
import { answer } from './lib/answer.ts'
export default definePlugin({
  id: 'ext-multi', name: 'Multi', version: '1.0.0', api: 1,
  setup: () => new Elysia({ name: 'plugin:ext-multi' }).use(guard).get('/api/v1/ext-multi/answer', () => ({ answer: answer() }), { public: true }),
})
`
    writeExternalPlugin(p.test.dataDir, 'ext-multi', entry, 'index.ts')
    writeExternalPlugin(p.test.dataDir, 'ext-multi', `export const answer = () => 'one'`, 'lib/answer.ts')
    expect((await admin('/ext-multi/enable', 'POST')).status).toBe(200)
    const answer = async () => ((await (await fetch(`${p.url}/api/v1/ext-multi/answer`)).json()) as { answer: string }).answer
    expect(await answer()).toBe('one')

    await Bun.sleep(5) // a later modification time than the first import's
    writeExternalPlugin(p.test.dataDir, 'ext-multi', `export const answer = () => 'two'`, 'lib/answer.ts')
    expect((await admin('/ext-multi/reload', 'POST')).status).toBe(200)
    expect(await answer()).toBe('two')

    // off, the helper file changes, on again: enable sees the folder changed and imports it afresh
    expect((await admin('/ext-multi/disable', 'POST')).status).toBe(200)
    await Bun.sleep(5)
    writeExternalPlugin(p.test.dataDir, 'ext-multi', `export const answer = () => 'three'`, 'lib/answer.ts')
    expect((await admin('/ext-multi/enable', 'POST')).status).toBe(200)
    expect(await answer()).toBe('three')
    // this process keeps two copies of the folder: the one that runs and the one before it
    expect(readdirSync(join(p.test.dataDir, '.cache', 'plugins', 'ext-multi')).length).toBe(2)
  })

  test('a folder whose plugin declares another id is refused with both names', async () => {
    writeExternalPlugin(p.test.dataDir, 'ext-misnamed', externalPluginSource('ext-other', '1.0.0'))
    const list = (await (await admin('')).json()) as { plugins: { id: string; status: string; error?: string }[] }
    expect(list.plugins.find((x) => x.id === 'ext-misnamed')!.error).toContain('declares plugin id "ext-other": name its folder "ext-other"')
  })
})
