import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import dashboard from './index.ts'
import { widgetTimeout } from './service.ts'

/** Contributes one good widget, one that throws, one that is too slow, one only admins may see. */
const testWidgets = definePlugin({
  id: 'test-widgets',
  name: 'Test widgets',
  version: '1.0.0',
  api: 1,
  permissions: { 'test-widgets.secret.manage': 'Admins only' },
  setup(ctx) {
    ctx.contribute('dashboard.widget', { id: 'good', title: 'Good widget', render: () => '<p>good body</p>' })
    ctx.contribute('dashboard.widget', {
      id: 'broken',
      title: 'Broken widget',
      render: () => {
        throw new Error('boom')
      },
    })
    ctx.contribute('dashboard.widget', {
      id: 'slow',
      title: 'Slow widget',
      render: async () => {
        await Bun.sleep(1500)
        return 'late'
      },
    })
    ctx.contribute('dashboard.widget', { id: 'secret', title: 'Secret widget', permission: 'test-widgets.secret.manage', render: () => '<p>secret body</p>' })
  },
})

/** Stands in for collaboration's activity service. */
const testActivity = definePlugin({
  id: 'test-activity',
  name: 'Test activity',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    // Like collaboration's, the feed is per viewer: nothing without one.
    const service = {
      recent: async (orgId: string, limit: number, viewer?: { org?: { id: string } }): ReturnType<KnownServices['collaboration.activity']['recent']> =>
        viewer?.org?.id !== orgId ? [] : [
          { at: new Date('2024-05-01T10:00:00Z'), actorName: 'Ana <b>Lee</b>', text: 'moved WEB-42 to Done', href: '/planning/tasks/1' },
          { at: new Date('2024-05-01T09:00:00Z'), actorName: 'Bo', text: 'commented <script>x</script>', href: 'https://evil.example/' },
        ].slice(0, limit),
    }
    ctx.provide('collaboration.activity', service)
  },
})

const G = 'test-widgets.good'
const B = 'test-widgets.broken'
const S = 'test-widgets.secret'
const SLOW = 'test-widgets.slow'
const card = (key: string) => `id="w-${key.replace('.', '-')}"`
/** Card keys on a dashboard page, in order. */
const order = (html: string) => [...html.matchAll(/class="widget-card" id="w-[^"]+" data-key="([^"]+)"/g)].map((m) => m[1]!)

eachDialect('dashboard', (dialect) => {
  let p: TestPlatform
  let admin: Client

  beforeAll(async () => {
    widgetTimeout.ms = 300
    p = await startPlatform(dialect, [dashboard, testWidgets, testActivity])
    await p.host.disable('test-activity')
    admin = await p.adminClient()
    await admin.get('/dashboard')
  })
  afterAll(async () => {
    widgetTimeout.ms = 3000
    await p.stop()
  })

  const member = async (role: 'member' | 'guest' | 'admin' = 'member') => {
    const m = await p.member(role)
    await m.client.get('/dashboard')
    return m
  }

  test('GET / after sign-in redirects to /dashboard; the page lists the cards the viewer may see', async () => {
    const res = await admin.request('/')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/dashboard')
    // the redirect is dashboard's shell.home contribution: off, core's own start page answers
    await p.host.disable('dashboard')
    const plain = await admin.get('/')
    expect(plain.res.status).toBe(200)
    expect(plain.html).toContain('Welcome, ')
    await p.host.enable('dashboard')
    expect((await admin.request('/')).headers.get('location')).toBe('/dashboard')
    const { res: page, html } = await admin.get('/dashboard')
    expect(page.status).toBe(200)
    for (const key of [G, B, S, SLOW, 'dashboard.getting-started', 'dashboard.recent-activity', 'dashboard.plugin-health']) expect(html).toContain(card(key))
    expect(html).toContain(`hx-get="/dashboard/widgets/${G}"`)
    expect(html).toContain('hx-trigger="load"')
    expect(html).toContain('aria-busy="true"')
    expect(html).toContain('href="/dashboard?inline=1"')
    expect(html).toContain('/public/dashboard/dashboard.js')

    const { client } = await member('member')
    const mine = (await client.get('/dashboard')).html
    expect(mine).toContain(card(G))
    expect(mine).not.toContain(card(S))
    expect(mine).not.toContain(card('dashboard.plugin-health'))
    expect(mine).not.toContain('Save as organization default')
    expect((await client.request(`/dashboard/widgets/${S}`)).status).toBe(404)
    expect((await client.request('/dashboard/widgets/dashboard.plugin-health')).status).toBe(404)

    const { client: guest } = await member('guest')
    expect(order((await guest.get('/dashboard')).html)).toContain(G)
    expect((await p.client().request('/dashboard')).status).toBe(303)
  })

  test('each widget loads on its own: a throwing or slow one answers an error card, the others render', async () => {
    const good = await admin.request(`/dashboard/widgets/${G}`, { headers: { 'hx-request': 'true' } })
    expect(good.status).toBe(200)
    expect(await good.text()).toContain('<p>good body</p>')
    const broken = await admin.request(`/dashboard/widgets/${B}`, { headers: { 'hx-request': 'true' } })
    expect(broken.status).toBe(200)
    const brokenHtml = await broken.text()
    expect(brokenHtml).toContain('This widget failed to load')
    expect(brokenHtml).toContain(`hx-get="/dashboard/widgets/${B}"`)
    expect(brokenHtml).not.toContain('boom')
    const started = Date.now()
    const slow = await admin.request(`/dashboard/widgets/${SLOW}`)
    expect(slow.status).toBe(200)
    expect(await slow.text()).toContain('This widget failed to load')
    expect(Date.now() - started).toBeLessThan(1400)
    expect((await admin.request(`/dashboard/widgets/${S}`)).status).toBe(200)
    const health = await (await admin.request('/dashboard/widgets/dashboard.plugin-health')).text()
    expect(health).toContain('Test widgets')
    expect(health).toContain('<span>Test activity</span> <span class="badge">Disabled</span>') // from ctx.plugins()

    const inline = await admin.get('/dashboard?inline=1')
    expect(inline.res.status).toBe(200)
    expect(inline.html).toContain('<p>good body</p>')
    expect(inline.html).toContain('This widget failed to load')
    expect(inline.html).toContain('Getting started')
  })

  test('unknown or malformed widget keys answer 404, never 500', async () => {
    for (const key of ['nope.nothing', 'test-widgets.missing', 'no-dot', '%3Cscript%3E', 'a.' + 'x'.repeat(300)]) {
      const res = await admin.request(`/dashboard/widgets/${key}`)
      expect(res.status).toBe(404)
      expect(await res.text()).toContain('no longer available')
    }
  })

  test('disabling the widget plugin makes its cards disappear on the next load', async () => {
    const { client } = await member('member')
    expect(order((await client.get('/dashboard')).html)).toContain(G)
    // a user with a saved layout keeps working too
    expect((await client.post('/dashboard/layout/move', { key: G, dir: 'down' })).status).toBe(303)
    await p.host.disable('test-widgets')
    try {
      const { html } = await client.get('/dashboard')
      expect(order(html)).not.toContain(G)
      expect(order(html)).toContain('dashboard.recent-activity')
      const gone = await client.request(`/dashboard/widgets/${G}`)
      expect(gone.status).toBe(404)
      expect(await gone.text()).toContain('This widget is no longer available')
    } finally {
      await p.host.enable('test-widgets')
    }
    expect(order((await client.get('/dashboard')).html)).toContain(G)
  })

  test('add, remove and reorder persist per user and do not affect another user', async () => {
    const a = (await member('member')).client
    const b = (await member('member')).client
    const before = order((await a.get('/dashboard')).html)
    expect(before).toEqual(order((await b.get('/dashboard')).html))
    expect(before.indexOf(G)).toBeLessThan(before.indexOf(B))

    expect((await a.post('/dashboard/layout/remove', { key: G })).status).toBe(303)
    expect((await a.post('/dashboard/layout/move', { key: 'dashboard.recent-activity', dir: 'up' })).status).toBe(303)
    let mine = order((await a.get('/dashboard')).html)
    expect(mine).not.toContain(G)
    const ra = before.indexOf('dashboard.recent-activity')
    expect(mine.indexOf('dashboard.recent-activity')).toBe(ra - 1)

    const customize = (await a.get('/dashboard?customize=1')).html
    expect(customize).toContain('aria-label="Add Good widget"')
    expect(customize).toContain('aria-label="Move Broken widget up"')
    expect(customize).toContain('aria-label="Remove Broken widget"')

    expect((await a.post('/dashboard/layout/add', { key: G })).status).toBe(303)
    mine = order((await a.get('/dashboard')).html)
    expect(mine.at(-1)).toBe(G)
    expect(order((await b.get('/dashboard')).html)).toEqual(before)

    // the whole order at once (drag and drop)
    const reversed = [...mine].reverse()
    expect((await a.post('/dashboard/layout', { widgets: reversed })).status).toBe(303)
    expect(order((await a.get('/dashboard')).html)).toEqual(reversed)

    // htmx gets the re-rendered dashboard fragment, not a page
    const hx = await a.post('/dashboard/layout/move', { key: reversed[1]!, dir: 'up' }, { 'hx-request': 'true', 'x-csrf-token': a.csrf })
    expect(hx.status).toBe(200)
    const frag = await hx.text()
    expect(frag).toContain('id="dashboard"')
    expect(frag).not.toContain('<html')
    expect(order(frag).slice(0, 2)).toEqual([reversed[1]!, reversed[0]!])
  })

  test('Customize says once where the layout comes from and what to do next; Done is a primary button', async () => {
    const { client } = await member('member')
    const fresh = (await client.get('/dashboard?customize=1')).html
    // the default layout holds every widget a member may see: nothing to add, one line says so
    expect(fresh).toContain('Your dashboard uses the default layout. Every widget you can see is on it; move or remove them with the buttons on each card.')
    expect(fresh.match(/Every widget you can see/g)).toHaveLength(1)
    expect(fresh).not.toContain('class="widget-catalog"')
    expect(fresh).toContain('<a href="/dashboard" role="button">Done</a>')
    expect((await client.post('/dashboard/layout/remove', { key: G })).status).toBe(303)
    const own = (await client.get('/dashboard?customize=1')).html
    expect(own).toContain('Your dashboard uses your own layout. Add widgets from the list below; move or remove them with the buttons on each card.')
    expect(own).toContain('class="widget-catalog"')
    expect(own).not.toContain('Every widget you can see')
    // outside Customize the button that opens it stays secondary
    expect((await client.get('/dashboard')).html).toContain('<a href="/dashboard?customize=1" role="button" class="secondary outline">Customize</a>')
  })

  test('bad layout input answers 422 with the message, never 500', async () => {
    const { client } = await member('member')
    const cases: [string, Record<string, string | string[]>][] = [
      ['/dashboard/layout/add', { key: 'nope.nothing' }],
      ['/dashboard/layout/add', { key: S }], // exists, but members may not see it
      ['/dashboard/layout/add', {}],
      ['/dashboard/layout/remove', { key: 'nope.nothing' }],
      ['/dashboard/layout/move', { key: G, dir: 'sideways' }],
      ['/dashboard/layout/move', { key: 'x'.repeat(500), dir: 'up' }],
      ['/dashboard/layout', { widgets: [G, 'nope.nothing'] }],
    ]
    for (const [path, fields] of cases) {
      const res = await client.post(path, fields)
      expect(`${path} ${res.status}`).toBe(`${path} 422`)
      expect(await res.text()).toContain('form-error')
    }
    expect((await client.post('/dashboard/dismiss', { key: 'nope.nothing' })).status).toBe(404)
    expect(order((await client.get('/dashboard')).html)).toContain(G)
  })

  test('org default: admins save it, a new user gets it, Restore default returns to it; members may not save it', async () => {
    const { client: m } = await member('member')
    const res = await m.post('/dashboard/layout/org-default')
    expect(res.status).toBe(403)

    // admin arranges: broken off, good first
    await admin.get('/dashboard')
    expect((await admin.post('/dashboard/layout/remove', { key: B })).status).toBe(303)
    const adminKeys = order((await admin.get('/dashboard')).html)
    const wanted = [G, ...adminKeys.filter((k) => k !== G)]
    expect((await admin.post('/dashboard/layout', { widgets: wanted })).status).toBe(303)
    expect((await admin.post('/dashboard/layout/org-default')).status).toBe(303)

    const { client: fresh } = await member('member')
    const freshKeys = order((await fresh.get('/dashboard')).html)
    // the org default minus what a member may not see
    expect(freshKeys).toEqual(wanted.filter((k) => k !== S && k !== 'dashboard.plugin-health'))
    expect(freshKeys).not.toContain(B)

    expect((await fresh.post('/dashboard/layout/add', { key: B })).status).toBe(303)
    expect((await fresh.post('/dashboard/layout/remove', { key: G })).status).toBe(303)
    expect(order((await fresh.get('/dashboard')).html)).not.toEqual(freshKeys)
    expect((await fresh.post('/dashboard/layout/restore')).status).toBe(303)
    expect(order((await fresh.get('/dashboard')).html)).toEqual(freshKeys)
  })

  test('getting started can be dismissed per user and comes back with Restore default', async () => {
    const { client } = await member('member')
    const body = await (await client.request('/dashboard/widgets/dashboard.getting-started')).text()
    expect(body).toContain('Arrange your dashboard')
    expect(body).toContain('action="/dashboard/dismiss"')
    const res = await client.post('/dashboard/dismiss', { key: 'dashboard.getting-started' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/dashboard')
    expect(order((await client.get('/dashboard')).html)).not.toContain('dashboard.getting-started')
    expect(order((await admin.get('/dashboard')).html)).toContain('dashboard.getting-started')
    expect((await client.post('/dashboard/layout/restore')).status).toBe(303)
    expect(order((await client.get('/dashboard')).html)).toContain('dashboard.getting-started')
  })

  test('getting started shows each step only to those who may take it, and counts the steps shown', async () => {
    const steps = async (client: Client) => {
      const html = await (await client.request('/dashboard/widgets/dashboard.getting-started')).text()
      const labels = [...html.matchAll(/<span class="visually-hidden">(?:Done|To do): <\/span><(?:a [^>]*|span)>([^<]+)</g)].map((m) => m[1]!)
      return { labels, count: /(\d+) of (\d+) done/.exec(html)!.slice(1).map(Number), done: html.split('<li class="done">').length - 1 }
    }
    // a member may neither invite nor turn on apps: only their own dashboard is left
    const plain = await steps((await member('member')).client)
    expect(plain.labels).toEqual(['Arrange your dashboard'])
    expect(plain.count).toEqual([0, 1])
    // an organization admin manages members (the organization has several by now: done)
    const orgAdmin = await steps((await member('admin')).client)
    expect(orgAdmin.labels).toEqual(['Invite a teammate', 'Arrange your dashboard'])
    expect(orgAdmin.count).toEqual([1, 2])
    // the instance admin also turns on apps, and Planning for projects (off here)
    const instance = await steps(admin)
    expect(instance.labels).toEqual(['Invite a teammate', 'Turn on the apps your team needs', 'Create a project', 'Arrange your dashboard'])
    expect(instance.count[1]).toBe(4)
    expect(instance.count[0]).toBe(instance.done)
  })

  test('getting started: a done step is plain text with a check mark, a step to do keeps its link', async () => {
    const { client } = await member('member')
    const step = (html: string, label: string) => new RegExp(`<li( class="done")?>((?!</li>).)*${label}((?!</li>).)*</li>`).exec(html)?.[0] ?? ''
    const before = await (await client.request('/dashboard/widgets/dashboard.getting-started')).text()
    expect(step(before, 'Arrange your dashboard')).toContain('<a href="/dashboard?customize=1">Arrange your dashboard</a>')
    expect(step(before, 'Arrange your dashboard')).toStartWith('<li>')
    expect((await client.post('/dashboard/layout/move', { key: G, dir: 'down' })).status).toBe(303) // a layout of their own: the step is done
    const after = await (await client.request('/dashboard/widgets/dashboard.getting-started')).text()
    const done = step(after, 'Arrange your dashboard')
    expect(done).toStartWith('<li class="done">')
    expect(done).toContain('&#10003;')
    expect(done).toContain('<span class="visually-hidden">Done: </span><span>Arrange your dashboard</span>')
    expect(done).not.toContain('<a ')
  })

  test('recent activity: empty state without collaboration, the entries (escaped) when a plugin provides it', async () => {
    const { client } = await member('guest')
    const off = await (await client.request('/dashboard/widgets/dashboard.recent-activity')).text()
    expect(off).toContain('Turn on Collaboration to see activity')
    await p.host.enable('test-activity')
    try {
      const on = await (await client.request('/dashboard/widgets/dashboard.recent-activity')).text()
      expect(on).toContain('Ana &lt;b&gt;Lee&lt;/b&gt;')
      expect(on).toContain('href="/planning/tasks/1"')
      expect(on).toContain('moved WEB-42 to Done')
      expect(on).not.toContain('<script>x')
      expect(on).not.toContain('evil.example')
    } finally {
      await p.host.disable('test-activity')
    }
  })

  test('editing a layout while a plugin is off keeps its widgets: hidden meanwhile, back in place when it returns', async () => {
    const org = await p.deps.identity.orgs.createOrg({ name: `Layouts ${dialect}` }, p.admin!.id)
    const inOrg = async (role: 'member' | 'admin') => {
      const m = await p.member(role, org)
      await m.client.get('/dashboard')
      return m.client
    }
    const GS = 'dashboard.getting-started'
    const RA = 'dashboard.recent-activity'
    const own = await inOrg('member') // has a layout of their own before the plugin goes off
    const fresh = await inOrg('member') // follows the built-in layout until they edit it while it is off
    const removing = await inOrg('member')
    const orgAdmin = await inOrg('admin')
    expect(order((await own.get('/dashboard')).html)).toEqual([GS, RA, G, B, SLOW])
    for (let i = 0; i < 3; i++) expect((await own.post('/dashboard/layout/move', { key: RA, dir: 'down' })).status).toBe(303)
    expect(order((await own.get('/dashboard')).html)).toEqual([GS, G, B, SLOW, RA])
    expect((await removing.post('/dashboard/layout/move', { key: G, dir: 'down' })).status).toBe(303)

    await p.host.disable('test-widgets')
    try {
      expect(order((await own.get('/dashboard')).html)).toEqual([GS, RA])
      expect((await own.post('/dashboard/layout/move', { key: RA, dir: 'up' })).status).toBe(303)
      expect(order((await own.get('/dashboard')).html)).toEqual([RA, GS])
      expect((await fresh.post('/dashboard/layout/remove', { key: RA })).status).toBe(303)
      expect(order((await fresh.get('/dashboard')).html)).toEqual([GS])
      // the whole order at once (drag and drop) names only what is shown
      expect((await removing.post('/dashboard/layout', { widgets: [RA, GS] })).status).toBe(303)
      expect((await orgAdmin.post('/dashboard/layout/move', { key: RA, dir: 'up' })).status).toBe(303)
      expect((await orgAdmin.post('/dashboard/layout/org-default')).status).toBe(303)
    } finally {
      await p.host.enable('test-widgets')
    }

    // back where they were: after the widget that preceded them (or last, when they were last)
    expect(order((await own.get('/dashboard')).html)).toEqual([RA, GS, G, B, SLOW])
    // the built-in layout's widgets of the plugin that was off join in plugin order; removed ones stay removed
    expect(order((await fresh.get('/dashboard')).html)).toEqual([GS, G, B, SLOW])
    expect(order((await removing.get('/dashboard')).html)).toEqual([RA, GS, B, G, SLOW])
    // the org default saved meanwhile has them too
    expect(order((await orgAdmin.get('/dashboard')).html)).toEqual([RA, GS, G, B, SLOW, S]) // admins also see the secret one
    const newcomer = await inOrg('member')
    expect(order((await newcomer.get('/dashboard')).html)).toEqual([RA, GS, G, B, SLOW])

    // once back, a removal sticks
    expect((await own.post('/dashboard/layout/remove', { key: B })).status).toBe(303)
    expect(order((await own.get('/dashboard')).html)).toEqual([RA, GS, G, SLOW])
    expect((await fresh.post('/dashboard/layout/remove', { key: SLOW })).status).toBe(303)
    expect(order((await fresh.get('/dashboard')).html)).toEqual([GS, G, B])
  })

  test('every dashboard route answers an empty request without 5xx; only admins save the org default', async () => {
    const routes = ['/dashboard/layout/add', '/dashboard/layout/remove', '/dashboard/layout/move', '/dashboard/layout', '/dashboard/layout/restore', '/dashboard/layout/org-default', '/dashboard/dismiss']
    const { client: guest } = await member('guest')
    const { client: orgAdmin } = await member('admin')
    for (const path of routes) {
      const g = await guest.post(path)
      expect(g.status).toBeLessThan(500)
      expect(g.status === 403).toBe(path === '/dashboard/layout/org-default')
      expect((await orgAdmin.post(path)).status).toBeLessThan(500)
      expect((await p.client().request(path, { method: 'POST' })).status).not.toBe(200)
    }
    expect((await orgAdmin.post('/dashboard/layout/org-default')).status).toBe(303)
    expect((await guest.request('/dashboard/widgets/00000000-0000-7000-8000-000000000000')).status).toBe(404)
  })
})
