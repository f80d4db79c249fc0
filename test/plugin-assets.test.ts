/** Built-in plugins' browser files: declared in their manifests, served from /public/<id>/ while enabled. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { eachDialect, testStore } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { builtinPlugins } from '../plugins/index.ts'
import { PluginHost } from '../core/plugins/host.ts'

const root = join(import.meta.dir, '..')

test("every /public/<id>/ file a built-in plugin's markup loads is one of its declared assets", () => {
  for (const manifest of builtinPlugins) {
    const dir = join(root, 'plugins', manifest.id)
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.includes('.test.'))
    for (const f of files) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\/public\/([a-z0-9-]+)\/([\w./-]+)/g)) {
        expect({ file: `plugins/${manifest.id}/${f}`, asset: m[0], own: m[1] === manifest.id, declared: !!manifest.assets?.[m[2]!] }).toEqual({
          file: `plugins/${manifest.id}/${f}`,
          asset: m[0],
          own: true,
          declared: true,
        })
      }
    }
  }
})

test('an asset name that could climb out of /public/<id>/ is refused at registration, naming the plugin', async () => {
  const t = await testStore('sqlite')
  const host = new PluginHost(t.store)
  const bad = { id: 'fixture-assets', name: 'Assets', version: '1.0.0', api: 1, assets: { '../app.css': '/tmp/x.css' }, setup() {} }
  expect(() => host.register(bad)).toThrow('plugin "fixture-assets" declares asset "../app.css"')
  await t.cleanup()
})

eachDialect('plugin assets', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, builtinPlugins)
  })
  afterAll(() => p.stop())

  test('each built-in asset is served embedded, revalidated by ETag, and gone while its plugin is off', async () => {
    const served = builtinPlugins.flatMap((m) => Object.keys(m.assets ?? {}).map((name) => `/public/${m.id}/${name}`))
    expect(served.toSorted()).toEqual([
      '/public/calendar/calendar.css',
      '/public/calendar/calendar.js',
      '/public/collaboration/collaboration.css',
      '/public/collaboration/live.js',
      '/public/dashboard/dashboard.css',
      '/public/dashboard/dashboard.js',
      '/public/planning/board.js',
      '/public/planning/planning.css',
    ])
    for (const url of served) {
      const res = await fetch(`${p.url}${url}`)
      const type = url.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8'
      expect({ url, status: res.status, type: res.headers.get('content-type') }).toEqual({ url, status: 200, type })
      expect((await res.text()).length).toBeGreaterThan(100)
      expect((await fetch(`${p.url}${url}`, { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304)
    }
    await p.host.disable('dashboard')
    expect((await fetch(`${p.url}/public/dashboard/dashboard.js`)).status).toBe(404)
    expect((await fetch(`${p.url}/public/planning/board.js`)).status).toBe(200)
    await p.host.enable('dashboard')
    expect((await fetch(`${p.url}/public/dashboard/dashboard.js`)).status).toBe(200)
    expect((await fetch(`${p.url}/public/planning/nothing.js`)).status).toBe(404)
    expect((await fetch(`${p.url}/public/nobody/board.js`)).status).toBe(404)
  })
})
