/**
 * Plugins' stylesheets (the manifest's `styles`): every signed-in page links each enabled plugin's,
 * after core's app.css, in registration order, at a `?v=<content hash>` URL served as immutable; a
 * disabled plugin's link is gone from the next page and its file answers 404.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect, testStore } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { builtinPlugins } from '../plugins/index.ts'
import { PluginHost } from '../core/plugins/host.ts'
import type { Client } from './helpers/client.ts'

const IMMUTABLE = 'public, max-age=31536000, immutable'

/** The stylesheet URLs in a page's <head>, in order. */
function headStyles(html: string): string[] {
  const head = html.slice(0, html.indexOf('</head>'))
  return [...head.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!)
}

test('styles must name .css files the plugin declares as assets: refused at registration, naming the plugin', async () => {
  const t = await testStore('sqlite')
  const host = new PluginHost(t.store)
  const base = { name: 'Styles', version: '1.0.0', api: 1, setup() {} }
  expect(() => host.register({ ...base, id: 'fixture-styles-a', assets: { 'a.css': '/tmp/a.css' }, styles: ['b.css'] })).toThrow(
    'plugin "fixture-styles-a" lists "b.css" in styles: name a .css file it declares in assets',
  )
  expect(() => host.register({ ...base, id: 'fixture-styles-b', assets: { 'a.js': '/tmp/a.js' }, styles: ['a.js'] })).toThrow('plugin "fixture-styles-b" lists "a.js" in styles')
  expect(() => host.register({ ...base, id: 'fixture-styles-c', assets: { 'a.css': '/tmp/a.css' }, styles: 'a.css' as unknown as string[] })).toThrow(
    'plugin "fixture-styles-c" declares styles that are not a list',
  )
  host.register({ ...base, id: 'fixture-styles-d', assets: { 'a.css': '/tmp/a.css' }, styles: ['a.css'] })
  expect(host.has('fixture-styles-d')).toBe(true)
  await t.cleanup()
})

eachDialect('plugin stylesheets', (dialect) => {
  let p: TestPlatform
  let admin: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, builtinPlugins)
    admin = await p.adminClient()
  })
  afterAll(() => p.stop())

  test("a signed-in page links the four plugins' stylesheets after app.css, tagged, and each loads as immutable CSS", async () => {
    const { res, html } = await admin.get('/search')
    expect(res.status).toBe(200)
    const styles = headStyles(html)
    expect(styles.slice(0, 2)).toEqual(['/public/pico.css', '/public/app.css'])
    const plugins = styles.slice(2)
    // registration order (plugins/index.ts): collaboration, planning, calendar, dashboard
    expect(plugins.map((u) => u.replace(/\?v=[0-9a-z]+$/, ''))).toEqual([
      '/public/collaboration/collaboration.css',
      '/public/planning/planning.css',
      '/public/calendar/calendar.css',
      '/public/dashboard/dashboard.css',
    ])
    for (const url of plugins) {
      const r = await fetch(p.url + url)
      expect({ url, status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control') }).toEqual({
        url,
        status: 200,
        type: 'text/css; charset=utf-8',
        cache: IMMUTABLE,
      })
      // the tag is the content's hash: the ETag names the same content
      expect(r.headers.get('etag')).toBe(`"${url.slice(url.indexOf('?v=') + 3)}"`)
      expect((await r.text()).length).toBeGreaterThan(500)
      // without the tag (or with another one: older content) the file is revalidated as before
      const bare = url.slice(0, url.indexOf('?'))
      expect((await fetch(p.url + bare)).headers.get('cache-control')).toBe('no-cache')
      expect((await fetch(`${p.url}${bare}?v=stale`)).headers.get('cache-control')).toBe('no-cache')
    }
    // the same links on the next page (built once per plugin generation), and on a plugin's page
    expect(headStyles((await admin.get('/search')).html)).toEqual(styles)
    expect(headStyles((await admin.get('/planning')).html)).toEqual(styles)
    // a fragment has no head; anonymous pages link core's stylesheets only
    expect((await admin.get('/search', { 'hx-request': 'true' })).html).not.toContain('<link rel="stylesheet"')
    expect(headStyles((await p.client().get('/login')).html)).toEqual(['/public/pico.css', '/public/app.css'])
  })

  test("disabling collaboration drops its stylesheet from the next page and its file answers 404; enabling brings both back", async () => {
    const before = headStyles((await admin.get('/search')).html)
    const link = before.find((u) => u.startsWith('/public/collaboration/'))!
    expect(link).toBeDefined()
    await p.host.disable('collaboration')
    try {
      const after = headStyles((await admin.get('/search')).html)
      expect(after).toEqual(before.filter((u) => u !== link))
      expect((await fetch(p.url + link)).status).toBe(404)
      expect((await fetch(p.url + link.slice(0, link.indexOf('?')))).status).toBe(404)
    } finally {
      await p.host.enable('collaboration')
    }
    expect(headStyles((await admin.get('/search')).html)).toEqual(before)
    expect((await fetch(p.url + link)).status).toBe(200)
  })
})
