import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { definePlugin } from '../plugins/contract.ts'
import { guard } from './guard.ts'
import type { Client } from '../../test/helpers/client.ts'

/** What the fixture's header item shows; the test changes it between requests. */
let badge = 'one'

/** A plugin with a nav entry that needs a permission, a header item and two pages in the shell. */
const frame = definePlugin({
  id: 'fixture-frame',
  name: 'Frame',
  version: '1.0.0',
  api: 1,
  permissions: { 'fixture-frame.read': 'Read frames' },
  setup(ctx) {
    ctx.nav({ label: 'Frames', href: '/fixture-frame/list', order: 40, permission: 'fixture-frame.read' })
    ctx.nav({ label: 'Open', href: '/fixture-frame/open', order: 41 })
    ctx.contribute('shell.header', { id: 'badge', order: 1, render: async () => `<span id="badge">${badge}</span>` })
    return new Elysia({ name: 'plugin:fixture-frame' })
      .use(guard)
      .get('/fixture-frame/list', ({ request, auth }) => ctx.page(request, auth!, { title: 'Frames', body: '<p>frames</p>' }), { permission: 'fixture-frame.read' })
      .get('/fixture-frame/open', ({ request, auth }) => ctx.page(request, auth!, { title: 'Open', body: '<p>open</p>' }), { public: true })
  },
})

/** The signed-in frame of a page: from <body> to <main>. */
function frameOf(html: string): string {
  return html.slice(html.indexOf('<body'), html.indexOf('<main'))
}

/** The fixture's hrefs in the main nav. */
function navOf(html: string): string[] {
  const nav = /<ul id="main-nav"[^>]*>([\s\S]*?)<\/ul>/.exec(html)![1]!
  return [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!).filter((href) => href.startsWith('/fixture-frame/'))
}

eachDialect('shell frame', (dialect) => {
  let p: TestPlatform
  let admin: Client
  beforeAll(async () => {
    badge = 'one'
    p = await startPlatform(dialect, [...fixturePlugins, frame])
    await p.host.enable('fixture-frame')
    admin = await p.adminClient()
  })
  afterAll(() => p.stop())

  test('the frame is kept between requests, and whatever it shows changes on the next request', async () => {
    const first = await admin.get('/search')
    expect(first.res.status).toBe(200)
    const again = await admin.get('/search')
    expect(frameOf(again.html)).toBe(frameOf(first.html))
    expect(navOf(first.html)).toEqual(['/fixture-frame/list', '/fixture-frame/open'])
    expect(first.html).toContain('<span id="badge">one</span>')

    // the header item's output (the unread count, say)
    badge = 'two'
    expect((await admin.get('/search')).html).toContain('<span id="badge">two</span>')

    // the path: the current nav entry, and the page outside the frame
    const open = await admin.get('/fixture-frame/open')
    expect(open.html).toContain('<a href="/fixture-frame/open" title="Open" aria-current="page">')
    expect(open.html).toContain('<title>Open')
    expect(open.html).toContain('<p>open</p>')
    expect((await admin.get('/search')).html).not.toContain('aria-current="page"')

    // the search text is in the frame's box, escaped, and gone on the next plain page
    const searched = await admin.get('/search?q=%3Cb%3Ex%22')
    expect(searched.html).toContain('id="global-search" type="search" name="q" placeholder="Search&hellip;" value="&lt;b&gt;x&quot;"')
    expect((await admin.get('/search')).html).not.toContain('value="&lt;b&gt;x')

    // the user's name and the organization's name
    const renamed = await admin.post('/account', { name: 'Ada <Renamed>' })
    expect(renamed.status).toBeLessThan(400)
    expect((await admin.get('/search')).html).toContain('Ada &lt;Renamed&gt;')
    await p.deps.identity.orgs.renameOrg(p.org!.id, 'Acme & Sons')
    expect(frameOf((await admin.get('/search')).html)).toContain('Acme &amp; Sons')

    // plugins: a disabled plugin's entries leave the nav, and come back
    await p.host.disable('fixture-frame')
    expect(navOf((await admin.get('/search')).html)).toEqual([])
    await p.host.enable('fixture-frame')
    expect(navOf((await admin.get('/search')).html)).toEqual(['/fixture-frame/list', '/fixture-frame/open'])

    // a flash message shows once, outside the kept frame
    const withFlash = await admin.post('/account', { name: 'Ada Admin' })
    expect(withFlash.status).toBe(303)
    const flashed = await admin.get(withFlash.headers.get('location')!)
    expect(flashed.html).toContain('class="flash')
    expect((await admin.get(withFlash.headers.get('location')!)).html).not.toContain('class="flash')
  })

  test('kept frames are bounded: 8 paths per identity, 512 in all; search pages are never kept', async () => {
    const frames = () => (p.deps.renderer as unknown as { frames: Map<unknown, unknown> }).frames.size
    const before = frames()
    for (let i = 0; i < 5; i++) expect((await admin.get(`/search?q=${'x'.repeat(i + 1)}`)).res.status).toBe(200)
    expect(frames()).toBe(before)
    // many sessions, many paths each (404 pages render in the shell too)
    const { accounts } = p.deps.identity
    // another user's sessions: one user keeps at most SESSIONS_PER_USER, so the admin's own would end
    const many = await accounts.createUser({ email: 'frames@example.com', name: 'Frames', password: 'frames password 1' })
    for (let s = 0; s < 70; s++) {
      const { token } = await accounts.createSession(many.id, { ip: '127.0.0.1', userAgent: 'frames' })
      for (let i = 0; i < 10; i++) await fetch(`${p.url}/nowhere-${i}`, { headers: { cookie: `sid=${token}` } })
    }
    expect(frames()).toBe(512)
  })

  test("each person gets their own frame: their name, their CSRF token, the nav their role allows", async () => {
    const { user, client } = await p.member('member')
    const mine = frameOf((await client.get('/search')).html)
    const adminFrame = frameOf((await admin.get('/search')).html)
    expect(mine).toContain(user.name)
    expect(mine).not.toContain('Ada Admin')
    expect(mine).not.toContain('href="/admin"')
    expect(adminFrame).toContain('href="/admin"')
    const token = (f: string) => /name="_csrf" value="([^"]+)"/.exec(f)![1]
    expect(token(mine)).not.toBe(token(adminFrame))
    expect(navOf(mine)).toEqual(['/fixture-frame/list', '/fixture-frame/open'])
    // a role without the fixture's permission: its entry goes on the next request...
    const plain = await p.deps.identity.orgs.createRole(p.org!.id, 'Plain', [])
    await p.deps.identity.orgs.setMemberRole(p.org!.id, user.id, plain.id)
    expect(navOf((await client.get('/search')).html)).toEqual(['/fixture-frame/open'])
    // ... and a role that has it brings it back
    const role = await p.deps.identity.orgs.createRole(p.org!.id, 'Framer', ['fixture-frame.read'])
    await p.deps.identity.orgs.setMemberRole(p.org!.id, user.id, role.id)
    expect(navOf((await client.get('/search')).html)).toEqual(['/fixture-frame/list', '/fixture-frame/open'])
  })
})
