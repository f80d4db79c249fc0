/** Planning plugin: pages, API, events, CSV, permissions, org isolation, contributions; on both dialects. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import planning from './index.ts'
import { type CapturedEvent, json, signInOutsider, startPlanning } from './test-support.ts'
import { routeTable } from '../../core/http/server.ts'

eachDialect('planning', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  let guest: Client
  let outsider: Client
  let memberId: string
  const events: CapturedEvent[] = []

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    const m = await p.member('member')
    member = m.client
    memberId = m.user.id
    guest = (await p.member('guest')).client
    outsider = await signInOutsider(p)
    await outsider.get('/planning')
  }, 30_000)
  afterAll(() => p.stop())

  test('projects: create through the page, bad key keeps values (422), duplicate key 409', async () => {
    await admin.get('/planning')
    let res = await admin.post('/planning/projects', { key: 'WEB', name: 'Website', description: 'site', status: 'active', leadId: '' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/projects/WEB')
    res = await admin.post('/planning/projects', { key: 'w!', name: 'Kept name <b>', description: '' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('value="Kept name <b>"')
    expect(html).toContain('2 to 6 letters')
    res = await admin.post('/planning/projects', { key: 'WEB', name: 'Again' })
    expect(res.status).toBe(409)
    const page = await admin.get('/planning/projects/WEB')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('data-shortcut="c"')
    expect(page.html).toContain('data-shortcut="/"')
    expect(events.some((e) => e.name === 'planning.project.created' && e.payload.project.key === 'WEB')).toBe(true)
  })

  test('tasks: numbered per project, created via page and API; empty title 422 with values kept', async () => {
    await member.get('/planning/projects/WEB/tasks/new')
    let res = await member.post('/planning/projects/WEB/tasks', { title: 'First task', description: 'Hello', priority: 'high' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/tasks/WEB-1')
    res = await member.post('/planning/projects/WEB/tasks', { title: '', description: 'keep me please' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('keep me please')
    res = await member.post('/planning/projects/WEB/tasks', { title: 'x', state: 'Doing' })
    expect(res.status).toBe(422)
    res = await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Second', assigneeId: memberId, estimate: 3, due: '2030-01-15' })
    expect(res.status).toBe(201)
    const second = (await res.json()) as any
    expect(second.key).toBe('WEB-2')
    expect(second.assignee.id).toBe(memberId)
    res = await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: '' })
    expect(res.status).toBe(422)
    expect(((await res.json()) as any).error.code).toBe('invalid')
    // another project starts at 1
    await json(admin, 'POST', '/api/v1/planning/projects', { key: 'API', name: 'API' })
    res = await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Api one' })
    expect(((await res.json()) as any).key).toBe('API-1')
    const page = await member.get('/planning/tasks/WEB-1')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('First task')
    expect(page.html).not.toContain('pl-comments')
  })

  test('numbering is safe under concurrent creates', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: `Parallel ${i}` }).then((r) => r.json() as any)))
    const numbers = results.map((r) => r.number).sort((a, b) => a - b)
    expect(new Set(numbers).size).toBe(8)
  })

  test('board move emits state_changed with activity text and writes history', async () => {
    const states = await p.store.query<{ id: string; name: string }>('select id, name from planning_states where name = ?', ['Done'])
    const done = states[0]!
    events.length = 0
    await member.get('/planning/projects/WEB/board')
    const res = await member.post('/planning/tasks/WEB-1/state', { state: done.id, back: '/planning/projects/WEB/board' })
    expect(res.status).toBe(303)
    const ev = events.find((e) => e.name === 'planning.task.state_changed')
    expect(ev?.payload.activity.text).toBe('moved WEB-1 to Done')
    expect(ev?.payload.activity.entity).toMatchObject({ type: 'planning.task', title: 'WEB-1 First task', href: '/planning/tasks/WEB-1' })
    const fragment = await member.request('/planning/tasks/WEB-1/state', { method: 'POST', headers: { 'hx-request': 'true', 'x-csrf-token': member.csrf, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ state: done.id }) })
    expect(fragment.status).toBe(200)
    expect(await fragment.text()).toContain('id="board"')
    // by name through the API
    const api = await json(member, 'PATCH', '/api/v1/planning/tasks/WEB-2', { state: 'In Progress', priority: 'urgent' })
    expect(api.status).toBe(200)
    const page = await member.get('/planning/tasks/WEB-2')
    expect(page.html).toContain('changed state from Todo to In Progress')
    expect(page.html).toContain('changed priority from No priority to Urgent')
    expect((await json(member, 'PATCH', '/api/v1/planning/tasks/WEB-2', { state: 'Doing' })).status).toBe(422)
  })

  test('filters, sorting and cursor pagination', async () => {
    for (let i = 0; i < 5; i++) await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: `Filler ${i}`, priority: 'low' })
    let res = await member.request('/api/v1/planning/tasks?project=WEB&limit=3&sort=number&dir=asc')
    let body = (await res.json()) as any
    expect(body.items.map((x: any) => x.key)).toEqual(['WEB-1', 'WEB-2', 'WEB-3'])
    const seen = [...body.items]
    while (body.nextCursor) {
      body = (await (await member.request(`/api/v1/planning/tasks?project=WEB&limit=3&sort=number&dir=asc&cursor=${body.nextCursor}`)).json()) as any
      seen.push(...body.items)
    }
    expect(seen.length).toBe(7)
    body = (await (await member.request('/api/v1/planning/tasks?project=WEB&priority=low')).json()) as any
    expect(body.items.length).toBe(5)
    body = (await (await member.request('/api/v1/planning/tasks?project=WEB&q=second')).json()) as any
    expect(body.items.map((x: any) => x.key)).toEqual(['WEB-2'])
    body = (await (await member.request(`/api/v1/planning/tasks?assignee=${memberId}`)).json()) as any
    expect(body.items.map((x: any) => x.key)).toEqual(['WEB-2'])
    body = (await (await member.request('/api/v1/planning/tasks?dueBefore=2030-02-01&dueAfter=2030-01-01')).json()) as any
    expect(body.items.map((x: any) => x.key)).toEqual(['WEB-2'])
    expect((await member.request('/api/v1/planning/tasks?cursor=garbage')).status).toBe(400)
    const page = await member.get('/planning/projects/WEB?priority=low&sort=priority')
    expect(page.html).toContain('Filler 0')
    expect(page.html).not.toContain('First task')
  })

  test('saved views and bulk edit', async () => {
    await member.get('/planning/projects/WEB')
    let res = await member.post('/planning/projects/WEB/views', { name: 'Low ones', query: 'priority=low' })
    expect(res.status).toBe(303)
    let page = await member.get('/planning/projects/WEB')
    expect(page.html).toContain('Low ones')
    res = await member.post('/planning/projects/WEB/views', { name: '', query: 'priority=low' })
    expect(res.status).toBe(422)
    const list = (await (await member.request('/api/v1/planning/tasks?project=WEB&priority=low')).json()) as any
    const ids = list.items.map((x: any) => x.id)
    res = await member.post('/planning/projects/WEB/bulk', { ids, state: '', priority: 'high', assigneeId: memberId })
    expect(res.status).toBe(303)
    const after = (await (await member.request('/api/v1/planning/tasks?project=WEB&priority=high')).json()) as any
    expect(after.items.length).toBeGreaterThanOrEqual(5)
    expect(after.items.every((x: any) => x.priority === 'high')).toBe(true)
    res = await member.post('/planning/projects/WEB/bulk', { ids: [] , priority: 'low' })
    expect(res.status).toBe(422)
  })

  test('CSV export and import round trip; bad rows reported, good rows kept', async () => {
    const res = await member.request('/planning/projects/WEB/export.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const csv = await res.text()
    expect(csv.split('\r\n')[0]).toBe('key,title,state,priority,assignee,labels,estimate,due,parent,milestone,cycle,description')
    await json(admin, 'POST', '/api/v1/planning/projects', { key: 'IMP', name: 'Imported' })
    const bad = csv.trimEnd() + '\r\n,"Quoted, title ""x""",Doing,low,,,,,\r\n,,Todo,,,,,,\r\n'
    await member.get('/planning/projects/IMP/import')
    const form = new FormData()
    form.append('_csrf', member.csrf)
    form.append('file', new Blob([bad], { type: 'text/csv' }), 'tasks.csv')
    // WEB's export into IMP: a copy, said so (without it each WEB key is a row error)
    form.append('copy', 'yes')
    const imp = await member.request('/planning/projects/IMP/import', { method: 'POST', body: form })
    expect(imp.status).toBe(200)
    const html = await imp.text()
    expect(html).toContain('7 created, 0 updated, 2 skipped.')
    expect(html).toContain('Row 9: Unknown state &#x27;Doing&#x27;: choose one of the project&#x27;s states. Row 10: Enter a title.')
    const list = (await (await member.request('/api/v1/planning/tasks?project=IMP&sort=number&dir=asc&limit=100')).json()) as any
    expect(list.items.length).toBe(7)
    expect(list.items[1].title).toBe('Second')
    expect(list.items[1].due).toBe('2030-01-15')
  })

  test('guests read but cannot write; other organizations get 404', async () => {
    expect((await guest.get('/planning/projects/WEB')).res.status).toBe(200)
    expect((await guest.get('/planning/tasks/WEB-1')).res.status).toBe(200)
    expect((await guest.post('/planning/projects/WEB/tasks', { title: 'nope' })).status).toBe(403)
    expect((await json(guest, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'nope' })).status).toBe(403)
    expect((await json(member, 'POST', '/api/v1/planning/projects', { key: 'MEM', name: 'nope' })).status).toBe(403)
    const task = (await (await member.request('/api/v1/planning/tasks/WEB-1')).json()) as any
    expect((await outsider.get('/planning/projects/WEB')).res.status).toBe(404)
    expect((await outsider.get(`/planning/tasks/${task.id}`)).res.status).toBe(404)
    expect((await outsider.request(`/api/v1/planning/tasks/${task.id}`)).status).toBe(404)
    expect((await outsider.request('/api/v1/planning/tasks/WEB-1')).status).toBe(404)
    expect((await json(outsider, 'PATCH', `/api/v1/planning/tasks/${task.id}`, { title: 'hijack' })).status).toBe(404)
    expect((await outsider.request('/api/v1/planning/projects/WEB')).status).toBe(404)
    const list = (await (await outsider.request('/api/v1/planning/tasks')).json()) as any
    expect(list.items).toEqual([])
  })

  test('contributions: registered, working, removed on disable', async () => {
    const host = p.host
    const auth = (await p.deps.identity.resolver.resolve(new Request(p.url + '/', { headers: { cookie: [...member.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })))! as Auth
    expect(host.contributions('nav').some((n) => n.href === '/planning')).toBe(true)
    const search = host.contributions('search.provider')[0]!
    expect((await search.search('Second', auth)).some((r) => r.href === '/planning/tasks/WEB-2')).toBe(true)
    const widget = host.contributions('dashboard.widget')[0]!
    expect(await widget.render(new Request(p.url), auth)).toContain('WEB-2')
    const cal = host.contributions('calendar.source').find((s) => s.id === 'due')!
    const items = await cal.items({ from: new Date('2030-01-01'), to: new Date('2030-01-31') }, auth)
    expect(items.some((i) => i.title.includes('WEB-2'))).toBe(true)
    expect((await cal.items({ from: new Date('2031-01-01'), to: new Date('2031-01-31') }, auth)).some((i) => i.title.includes('WEB-2'))).toBe(false)
    const link = host.contributions('entity.link')[0]!
    const task = (await (await member.request('/api/v1/planning/tasks/WEB-2')).json()) as any
    expect(await link.resolve(task.id, auth)).toEqual({ title: 'WEB-2 Second', href: '/planning/tasks/WEB-2' })
    expect(await link.resolve('nope', auth)).toBeUndefined()
    const tools = host.contributions('mcp.tool')
    expect(tools.map((t) => t.name).sort()).toEqual(['planning_create_task', 'planning_get_task', 'planning_list_tasks', 'planning_update_task'])
    const created = (await tools.find((t) => t.name === 'planning_create_task')!.call({ project: 'WEB', title: 'From MCP' }, auth)) as any
    expect(created.key).toMatch(/^WEB-\d+$/)
    const got = (await tools.find((t) => t.name === 'planning_get_task')!.call({ task: created.key }, auth)) as any
    expect(got.title).toBe('From MCP')
    const guestAuth = { ...auth, permissions: new Set(['planning.task.read']) } as Auth
    await expect(tools.find((t) => t.name === 'planning_update_task')!.call({ task: created.key, title: 'x' }, guestAuth)).rejects.toThrow('planning.task.write')
    const actions = host.contributions('workflow.action')
    const moved = (await actions.find((a) => a.id === 'planning.set_state')!.run({ task: created.key, state: 'Done' }, auth)) as any
    expect(moved.state).toBe('Done')
    await expect(actions.find((a) => a.id === 'planning.create_task')!.run({ project: 'WEB', title: 'x' }, guestAuth)).rejects.toThrow()
    expect(host.contributions('demo.seed').length).toBe(1)

    await host.disable('planning')
    for (const point of ['nav', 'search.provider', 'dashboard.widget', 'calendar.source', 'entity.link', 'mcp.tool', 'workflow.action', 'demo.seed'] as const) {
      expect(host.contributions(point).length).toBe(0)
    }
    await host.enable('planning')
    expect(host.contributions('mcp.tool').length).toBe(4)
  })

  test('every planning route: declared permission, never a 5xx with unknown ids and empty bodies', async () => {
    const routes = routeTable(p.deps).filter((r) => r.owner === 'planning')
    expect(routes.length).toBeGreaterThan(30)
    expect(routes.filter((r) => r.permission === undefined)).toEqual([])
    const failures: string[] = []
    for (const route of routes) {
      for (const [name, c] of [['guest', guest], ['member', member], ['admin', admin], ['outsider', outsider]] as const) {
        for (const id of ['00000000-0000-7000-8000-000000000000', 'WEB', 'WEB-1']) {
          const path = route.path.replace(/:key/g, 'WEB').replace(/:\w+/g, id)
          const res = await c.request(path, {
            method: route.method,
            headers: { 'x-csrf-token': c.csrf, ...(route.method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
            body: route.method === 'GET' ? undefined : '',
          })
          await res.arrayBuffer()
          if (res.status >= 500) failures.push(`${route.method} ${path} as ${name}: ${res.status}`)
          if (name === 'guest' && route.permission !== 'planning.task.read' && route.permission !== 'planning.project.read' && res.status !== 403) failures.push(`${route.method} ${path} as guest: ${res.status}`)
        }
      }
    }
    expect(failures).toEqual([])
  }, 60_000)

  test('the demo seed fills a fresh organization', async () => {
    const { accounts, orgs } = p.deps.identity
    const u = await accounts.createUser({ email: 'demo@example.com', name: 'Demo', password: 'member password 1' })
    const org = await orgs.createOrg({ name: 'Demo org' }, u.id)
    const seed = p.host.contributions('demo.seed')[0]!
    const summary = await seed.run({ orgId: org.id, people: [{ id: u.id, name: 'Demo', email: 'demo@example.com' }], now: new Date() })
    expect(summary).toBe('3 projects, 26 tasks, 3 saved views')
    // each project: a parent with two sub-tasks, one task blocking another, and a saved view
    const demo = p.client()
    await demo.signIn('demo@example.com', 'member password 1')
    await demo.post('/orgs/switch', { org: org.id })
    for (const key of ['WEB', 'API', 'OPS']) {
      const all = (await (await demo.request(`/api/v1/planning/tasks?project=${key}&limit=100`)).json()) as any
      const parents = all.items.filter((t: any) => all.items.some((c: any) => c.parentId === t.id))
      expect(parents.length).toBe(1)
      const parent = (await (await demo.request(`/api/v1/planning/tasks/${parents[0].key}`)).json()) as any
      expect(parent.subtasks.length).toBe(2)
      const related = await Promise.all(all.items.map(async (t: any) => ((await (await demo.request(`/api/v1/planning/tasks/${t.key}`)).json()) as any).relations.blocks.length))
      expect(related.reduce((a: number, b: number) => a + b, 0)).toBe(1)
      const list = await demo.get(`/planning/projects/${key}`)
      const view = /<a href="(\/planning\/projects\/\w+\?sort=priority&cycle=[\w-]+)">This cycle<\/a>/.exec(list.html)
      expect(view).not.toBeNull()
      // opening it marks it as the current view, and it lists the cycle's tasks
      const opened = await demo.get(view![1]!)
      expect(opened.html).toContain(`<a href="${view![1]}" aria-current="page">This cycle</a>`)
      expect(opened.html).toContain(parents[0].key)
    }
  })
})

eachDialect('planning with collaboration', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    const thread = definePlugin({
      id: 'collaboration',
      name: 'Stub comments',
      version: '1.0.0',
      api: 1,
      setup(ctx) {
        ctx.provide('collaboration.thread', { render: async (_r: Request, _a: Auth, e: { type: string; id: string }) => `<div class="stub-thread">comments on ${e.type}</div>` })
      },
    })
    p = await startPlatform(dialect, [planning, thread])
  }, 30_000)
  afterAll(() => p.stop())

  test('the comment thread appears when collaboration.thread is provided', async () => {
    const admin = await p.adminClient()
    await json(admin, 'POST', '/api/v1/planning/projects', { key: 'WEB', name: 'Web' })
    await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Talk about me' })
    const page = await admin.get('/planning/tasks/WEB-1')
    expect(page.html).toContain('<div class="stub-thread">comments on planning.task</div>')
    await p.host.disable('collaboration')
    expect((await admin.get('/planning/tasks/WEB-1')).html).not.toContain('stub-thread')
  })
})
