/**
 * The task page and task API beyond the basics: markdown descriptions (safe), sub-tasks and the
 * parent-loop check, blocks/blocked-by relations (history and events on both tasks), the single task's
 * relations and sub-tasks in the API, the MCP tools' parent, milestone and cycle, DELETE through the
 * API, bulk "add label", and the task events; both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Auth } from '../../core/auth/resolve.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, json, signInOutsider, startPlanning } from './test-support.ts'

const task = async (c: Client, ref: string) => (await (await c.request(`/api/v1/planning/tasks/${ref}`)).json()) as any

/** The rendered description of a task page (sanitized HTML holds no div). */
const description = (html: string) => /<div class="pl-description">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? ''

eachDialect('planning task page', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  let guest: Client
  let outsider: Client
  let memberId: string
  const events: CapturedEvent[] = []
  const named = (name: string) => events.filter((e) => e.name === name)

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    const m = await p.member('member')
    member = m.client
    memberId = m.user.id
    guest = (await p.member('guest')).client
    outsider = await signInOutsider(p)
    await createProject(admin, 'WEB', 'Website')
    await createProject(admin, 'API', 'API')
    await json(outsider, 'POST', '/api/v1/planning/projects', { key: 'OUT', name: 'Theirs' })
  }, 30_000)
  afterAll(() => p.stop())

  test('the description renders as markdown; script, handlers and javascript: links come out inert', async () => {
    const body = [
      '**bold** and `code`',
      '',
      '- one',
      '- two',
      '',
      '<script>alert(1)</script>',
      '',
      '<img src=x onerror="alert(2)">',
      '',
      '[click](javascript:alert(3))',
      '',
      '<a href="https://example.com/" onclick="alert(4)">site</a>',
      '',
      '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>',
    ].join('\n')
    const res = await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Markdown', description: body })
    expect(res.status).toBe(201)
    const { key } = (await res.json()) as any
    for (const c of [member, guest]) {
      const page = await c.get(`/planning/tasks/${key}`)
      const html = description(page.html)
      expect(html).toContain('<strong>bold</strong>')
      expect(html).toContain('<code>code</code>')
      expect(html).toContain('<li>one</li>')
      expect(html).toContain('<a href="https://example.com/" rel="noopener nofollow ugc">site</a>')
      expect(html).toContain('<a rel="noopener nofollow ugc">click</a>')
      for (const bad of ['<script', 'alert(', '<img', 'onerror', 'javascript:', 'onclick', '<iframe', '<style', 'display:none']) expect(html).not.toContain(bad)
    }
    // the edit form keeps the source, escaped
    const page = await member.get(`/planning/tasks/${key}`)
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page.html).not.toContain('<script>alert(1)')
  })

  test('sub-tasks: added from the parent page, listed there; loops, self and other projects refused (422)', async () => {
    const parent = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Parent' })).json()) as any
    const first = (await member.get(`/planning/tasks/${parent.key}`)).html
    // the add buttons take the app's secondary style (outline), not a filled slate button
    expect(first).toContain('<button type="submit" class="secondary outline">Add sub-task</button>')
    expect(first).toContain('<button type="submit" class="secondary outline">Add relation</button>')
    let res = await member.post('/planning/projects/WEB/tasks', { title: 'Child one', parent: parent.key, back: `/planning/tasks/${parent.key}` })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/planning/tasks/${parent.key}`)
    const child = (await (await member.request(`/api/v1/planning/tasks?project=WEB&q=Child%20one`)).json()) as any
    const childKey = child.items[0].key as string
    expect(child.items[0].parentId).toBe(parent.id)
    const grand = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Grandchild', parent: childKey })).json()) as any
    expect(grand.parentId).toBe(child.items[0].id)

    let page = await member.get(`/planning/tasks/${parent.key}`)
    expect(page.html).toContain(`<span class="task-key">${childKey}</span> Child one`)
    page = await member.get(`/planning/tasks/${childKey}`)
    expect(page.html).toContain('Sub-task of')
    expect(page.html).toContain(`Sub-task of <a href="/planning/tasks/${parent.key}"><span class="task-key">${parent.key}</span> Parent</a>`)

    // a task cannot be its own ancestor: parent -> child -> grandchild -> parent would loop
    res = await json(member, 'PATCH', `/api/v1/planning/tasks/${parent.key}`, { parent: grand.key })
    expect(res.status).toBe(422)
    expect(((await res.json()) as any).error.message).toContain('own parent or ancestor')
    res = await json(member, 'PATCH', `/api/v1/planning/tasks/${parent.key}`, { parent: parent.key })
    expect(res.status).toBe(422)
    const other = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Elsewhere' })).json()) as any
    res = await json(member, 'PATCH', `/api/v1/planning/tasks/${childKey}`, { parent: other.key })
    expect(res.status).toBe(422)
    expect(((await res.json()) as any).error.message).toContain('same project')
    res = await json(member, 'PATCH', `/api/v1/planning/tasks/${childKey}`, { parent: 'WEB-999' })
    expect(res.status).toBe(422)
    // the page form keeps the values and shows the error
    res = await member.post(`/planning/tasks/${parent.key}`, { title: 'Parent kept', parent: grand.key })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('value="Parent kept"')
    expect(html).toContain('own parent or ancestor')
    expect((await task(member, parent.key)).parentId).toBeNull()

    // deleting the parent through the API leaves its sub-task without one
    events.length = 0
    res = await json(member, 'DELETE', `/api/v1/planning/tasks/${parent.key}`)
    expect(res.status).toBe(204)
    expect((await member.request(`/api/v1/planning/tasks/${parent.key}`)).status).toBe(404)
    expect((await task(member, childKey)).parentId).toBeNull()
    const deleted = named('planning.task.deleted')
    expect(deleted.map((e) => e.payload.task.key)).toEqual([parent.key])
    expect(deleted[0]!.payload.activity.text).toBe(`deleted ${parent.key} Parent`)
    expect((await json(member, 'DELETE', `/api/v1/planning/tasks/${parent.key}`)).status).toBe(404)
    expect((await json(guest, 'DELETE', `/api/v1/planning/tasks/${childKey}`)).status).toBe(403)
    expect((await json(outsider, 'DELETE', `/api/v1/planning/tasks/${child.items[0].id}`)).status).toBe(404)
    expect((await task(member, childKey)).key).toBe(childKey)
  })

  test('relations: blocks and blocked by show on both tasks; self, unknown and duplicates handled; removal', async () => {
    const a = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Blocker' })).json()) as any
    const b = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Waiting' })).json()) as any
    const c = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Upstream' })).json()) as any
    await member.get(`/planning/tasks/${a.key}`)
    events.length = 0
    let res = await member.post(`/planning/tasks/${a.key}/relations`, { kind: 'blocks', other: b.key })
    expect(res.status).toBe(303)
    // both tasks are updated, each naming the other
    expect(named('planning.task.updated').map((e) => [e.payload.task.key, e.payload.fields, e.payload.activity.text])).toEqual([
      [a.key, ['relations'], `marked ${a.key} as blocking ${b.key}`],
      [b.key, ['relations'], `marked ${b.key} as blocked by ${a.key}`],
    ])
    events.length = 0
    res = await member.post(`/planning/tasks/${a.key}/relations`, { kind: 'blocks', other: b.key.toLowerCase() })
    expect(res.status).toBe(303) // the same pair again is no second relation
    expect(events.filter((e) => e.name.startsWith('planning.'))).toEqual([]) // and nothing to say
    res = await member.post(`/planning/tasks/${a.key}/relations`, { kind: 'blocked_by', other: c.key })
    expect(res.status).toBe(303)
    expect(named('planning.task.updated').map((e) => e.payload.task.key).sort()).toEqual([a.key, c.key].sort())

    const section = (html: string, title: string) => html.slice(html.indexOf(`<h3>${title}</h3>`), html.indexOf('</ul>', html.indexOf(`<h3>${title}</h3>`)) + 5)
    let page = await member.get(`/planning/tasks/${a.key}`)
    expect(section(page.html, 'Blocks')).toContain(`<span class="task-key">${b.key}</span> Waiting`)
    expect(section(page.html, 'Blocks').match(/\/relations\/[\w-]+\/delete/g)!.length).toBe(1)
    expect(section(page.html, 'Blocked by')).toContain(`<span class="task-key">${c.key}</span> Upstream`)
    const historyOf = (html: string) => [...html.slice(html.indexOf('<h2>History</h2>')).matchAll(/<strong>[^<]*<\/strong> <span>((?:[^<]|<\/?span[^>]*>)*)<\/span>\s*<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''))
    expect(historyOf(page.html)).toEqual([`marked as blocked by ${c.key}`, `marked as blocking ${b.key}`, `created ${a.key}`])
    // keys never break at their hyphen (app.css .task-key): in history and in the relation lists
    expect(page.html).toContain(`marked as blocking <span class="task-key">${b.key}</span>`)
    expect(section(page.html, 'Blocks')).toContain(`<span class="task-key">${b.key}</span> `)
    page = await member.get(`/planning/tasks/${b.key}`)
    expect(section(page.html, 'Blocked by')).toContain(`<span class="task-key">${a.key}</span> Blocker`)
    expect(page.html).not.toContain('<h3>Blocks</h3>\n<ul')
    expect(historyOf(page.html)).toEqual([`marked as blocked by ${a.key}`, `created ${b.key}`])
    expect(historyOf((await member.get(`/planning/tasks/${c.key}`)).html)).toEqual([`marked as blocking ${a.key}`, `created ${c.key}`])

    for (const [fields, message] of [
      [{ kind: 'blocks', other: a.key }, 'cannot block itself'],
      [{ kind: 'blocks', other: 'WEB-999' }, 'Unknown task &#x27;WEB-999&#x27;: enter a task key, like WEB-12.'],
      [{ kind: 'sideways', other: b.key }, 'Choose blocks or blocked by'],
    ] as const) {
      res = await member.post(`/planning/tasks/${a.key}/relations`, fields)
      expect(res.status).toBe(422)
      expect(await res.text()).toContain(message)
    }
    expect((await guest.post(`/planning/tasks/${a.key}/relations`, { kind: 'blocks', other: c.key })).status).toBe(403)

    page = await member.get(`/planning/tasks/${a.key}`)
    const relationId = /\/relations\/([\w-]+)\/delete/.exec(section(page.html, 'Blocks'))![1]!
    expect((await outsider.post(`/planning/tasks/${a.key}/relations/${relationId}/delete`, {})).status).toBe(404)
    // the relation belongs to A and B, not to C
    expect((await member.post(`/planning/tasks/${c.key}/relations/${relationId}/delete`, {})).status).toBe(404)
    events.length = 0
    res = await member.post(`/planning/tasks/${a.key}/relations/${relationId}/delete`, {})
    expect(res.status).toBe(303)
    expect(named('planning.task.updated').map((e) => [e.payload.task.key, e.payload.fields, e.payload.activity.text])).toEqual([
      [a.key, ['relations'], `removed "${a.key} blocks ${b.key}"`],
      [b.key, ['relations'], `removed "${b.key} blocked by ${a.key}"`],
    ])
    // B records the removal too, naming A
    expect(historyOf((await member.get(`/planning/tasks/${b.key}`)).html)[0]).toBe(`marked as no longer blocked by ${a.key}`)
    page = await member.get(`/planning/tasks/${a.key}`)
    // an empty side is left out; with no relation at all one quiet line says so
    expect(page.html).not.toContain('<h3>Blocks</h3>')
    expect(section(page.html, 'Blocked by')).toContain(`<span class="task-key">${c.key}</span> Upstream`)
    expect(page.html).not.toContain('No relations yet.')
    expect(page.html).not.toContain(`<a href="/planning/tasks/${b.key}"><span class="task-key">${b.key}</span> Waiting</a>`)
    expect(historyOf(page.html)[0]).toBe(`marked as no longer blocking ${b.key}`)
    // from C's page (C blocks A): the relation goes from both
    const cPage = await member.get(`/planning/tasks/${c.key}`)
    const cRelation = /\/relations\/([\w-]+)\/delete/.exec(section(cPage.html, 'Blocks'))![1]!
    expect((await member.post(`/planning/tasks/${c.key}/relations/${cRelation}/delete`, {})).status).toBe(303)
    expect(historyOf((await member.get(`/planning/tasks/${c.key}`)).html)[0]).toBe(`marked as no longer blocking ${a.key}`)
    page = await member.get(`/planning/tasks/${a.key}`)
    expect(historyOf(page.html)[0]).toBe(`marked as no longer blocked by ${c.key}`)
    expect(page.html).toContain('No relations yet.')
    expect((await guest.post(`/planning/tasks/${c.key}/relations/${cRelation}/delete`, {})).status).toBe(403)
    const loose = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Loose' })).json()) as any
    const lone = (await member.get(`/planning/tasks/${loose.key}`)).html
    expect(lone).toContain('No relations yet.')
    expect(lone).not.toContain('<h3>Blocked by</h3>')
    expect((await member.post(`/planning/tasks/${a.key}/relations/${relationId}/delete`, {})).status).toBe(404)
  })

  test('GET one task answers its relations and sub-tasks; the list leaves them out', async () => {
    const parent = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Epic <one>' })).json()) as any
    expect(parent.relations).toEqual({ blocks: [], blockedBy: [] }) // a created task answers as GET does
    expect(parent.subtasks).toEqual([])
    const sub1 = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Part one', parent: parent.key })).json()) as any
    const sub2 = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Part two', parent: parent.id, state: 'Done' })).json()) as any
    const blocker = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Elsewhere first' })).json()) as any
    await member.get(`/planning/tasks/${parent.key}`)
    expect((await member.post(`/planning/tasks/${parent.key}/relations`, { kind: 'blocked_by', other: blocker.key })).status).toBe(303)
    expect((await member.post(`/planning/tasks/${parent.key}/relations`, { kind: 'blocks', other: sub2.key })).status).toBe(303)

    const one = await task(guest, parent.key)
    expect(one).toMatchObject({ key: parent.key, title: 'Epic <one>' })
    expect(one.subtasks).toEqual([
      { id: sub1.id, key: sub1.key, title: 'Part one', state: { name: 'Todo', group: 'unstarted' }, url: `/planning/tasks/${sub1.key}` },
      { id: sub2.id, key: sub2.key, title: 'Part two', state: { name: 'Done', group: 'completed' }, url: `/planning/tasks/${sub2.key}` },
    ])
    expect(one.relations.blocks).toEqual([{ relationId: expect.any(String), id: sub2.id, key: sub2.key, title: 'Part two', state: { name: 'Done', group: 'completed' }, url: `/planning/tasks/${sub2.key}` }])
    expect(one.relations.blockedBy.map((r: any) => [r.key, r.title])).toEqual([[blocker.key, 'Elsewhere first']])
    // by id too; the other side sees its half
    expect((await task(member, parent.id)).subtasks.length).toBe(2)
    const other = await task(member, blocker.key)
    expect(other.relations).toEqual({ blocks: [expect.objectContaining({ key: parent.key })], blockedBy: [] })
    expect(other.subtasks).toEqual([])
    // the list (performance-critical) answers without them
    const list = (await (await member.request('/api/v1/planning/tasks?project=WEB&limit=5')).json()) as any
    for (const item of list.items) {
      expect(item.relations).toBeUndefined()
      expect(item.subtasks).toBeUndefined()
    }
    expect((await outsider.request(`/api/v1/planning/tasks/${parent.id}`)).status).toBe(404)
    expect((await member.request('/api/v1/planning/tasks/WEB-9999')).status).toBe(404)
  })

  test('MCP: update_task sets and clears parent, milestone and cycle (names or ids); get_task carries relations and sub-tasks; bad values 422', async () => {
    const authOf = async (c: Client) => (await p.deps.identity.resolver.resolve(new Request(p.url + '/', { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })))! as Auth
    const auth = await authOf(member)
    const tool = (name: string) => p.host.contributions('mcp.tool').find((t) => t.name === name)!
    await admin.get('/planning/projects/WEB/milestones')
    expect((await admin.post('/planning/projects/WEB/milestones', { name: 'Beta', targetDate: '2030-03-10', description: '' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/cycles', { name: 'Sprint 9', startsAt: '2030-01-07', endsAt: '2030-01-20' })).status).toBe(303)
    await admin.get('/planning/projects/API/milestones')
    expect((await admin.post('/planning/projects/API/milestones', { name: 'API only', targetDate: '', description: '' })).status).toBe(303)
    const milestoneId = /\?milestone=([\w-]+)">Beta<\/a>/.exec((await admin.get('/planning/projects/WEB/milestones')).html)![1]!

    // the input schema names the new fields
    const schema = JSON.stringify(tool('planning_update_task').input)
    for (const field of ['parent', 'milestone', 'cycle']) expect(schema).toContain(`"${field}"`)

    const epic = (await tool('planning_create_task').call({ project: 'WEB', title: 'MCP epic', milestone: 'beta', cycle: 'Sprint 9' }, auth)) as any
    const cycleId = epic.cycleId
    expect(epic.milestoneId).toBe(milestoneId)
    expect(cycleId).toEqual(expect.any(String))
    const child = (await tool('planning_create_task').call({ project: 'WEB', title: 'MCP child' }, auth)) as any
    events.length = 0
    let updated = (await tool('planning_update_task').call({ task: child.key, parent: epic.key, milestone: milestoneId, cycle: 'sprint 9' }, auth)) as any
    expect(updated).toMatchObject({ key: child.key, parentId: epic.id, milestoneId, cycleId })
    expect(named('planning.task.updated').map((e) => e.payload.fields)).toEqual([['parent', 'milestone', 'cycle']])
    const got = (await tool('planning_get_task').call({ task: epic.key }, auth)) as any
    expect(got.subtasks.map((x: any) => x.key)).toEqual([child.key])
    expect(got.relations).toEqual({ blocks: [], blockedBy: [] })
    // clearing: empty strings (and null for parent)
    updated = (await tool('planning_update_task').call({ task: child.key, parent: null, milestone: '', cycle: '' }, auth)) as any
    expect(updated).toMatchObject({ parentId: null, milestoneId: null, cycleId: null })
    // unknown names, another project's milestone, a parent in another project: 422 naming the field; nothing changes
    const api = (await tool('planning_create_task').call({ project: 'API', title: 'API task' }, auth)) as any
    for (const [input, field] of [
      [{ milestone: 'Gamma' }, 'milestone'],
      [{ milestone: 'API only' }, 'milestone'],
      [{ cycle: 'Sprint 10' }, 'cycle'],
      [{ parent: api.key }, 'parent'],
      [{ parent: child.key }, 'parent'],
    ] as const) {
      const err = await tool('planning_update_task').call({ task: child.key, ...input }, auth).then(() => undefined, (e: any) => e)
      expect(err).toMatchObject({ status: 422, field })
    }
    expect((await task(member, child.key)) as any).toMatchObject({ parentId: null, milestoneId: null, cycleId: null })
    // another organization's task is not found; guests may not write
    await expect(tool('planning_update_task').call({ task: child.key, cycle: 'Sprint 9' }, await authOf(outsider))).rejects.toMatchObject({ status: 404 })
    await expect(tool('planning_update_task').call({ task: child.key, cycle: 'Sprint 9' }, await authOf(guest))).rejects.toMatchObject({ status: 403 })
  })

  test('events: created, assigned, updated and deleted carry the task and activity text', async () => {
    events.length = 0
    const created = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Eventful', assigneeId: memberId })).json()) as any
    expect(named('planning.task.created').map((e) => e.payload.task)).toEqual([{ id: created.id, orgId: p.org!.id, projectId: expect.any(String), key: created.key, title: 'Eventful' }])
    expect(named('planning.task.created')[0]!.payload.activity).toMatchObject({ text: `created ${created.key} Eventful`, entity: { type: 'planning.task', id: created.id, href: `/planning/tasks/${created.key}` } })
    expect(named('planning.task.assigned').map((e) => [e.payload.assigneeId, e.payload.previousAssigneeId])).toEqual([[memberId, null]])

    events.length = 0
    await json(member, 'PATCH', `/api/v1/planning/tasks/${created.key}`, { title: 'Eventful 2', priority: 'high', assigneeId: '' })
    expect(named('planning.task.updated').map((e) => e.payload.fields)).toEqual([['title', 'priority']])
    expect(named('planning.task.updated')[0]!.payload.activity.text).toBe(`updated the title and priority of ${created.key}`)
    expect(named('planning.task.assigned').map((e) => [e.payload.assigneeId, e.payload.previousAssigneeId, e.payload.activity.text])).toEqual([[null, memberId, `unassigned ${created.key}`]])

    events.length = 0
    await json(member, 'PATCH', `/api/v1/planning/tasks/${created.key}`, { title: 'Eventful 2' })
    expect(events.filter((e) => e.name.startsWith('planning.'))).toEqual([]) // nothing changed, nothing said

    await member.get(`/planning/tasks/${created.key}`)
    expect((await member.post(`/planning/tasks/${created.key}/delete`, {})).status).toBe(303)
    expect(named('planning.task.deleted').map((e) => e.payload.task.key)).toEqual([created.key])
    expect(named('planning.task.deleted')[0]!.payload.activity.entity).toBeUndefined()
  })

  test('bulk "add label" adds the label to each selected task once, keeping their other labels', async () => {
    await admin.get('/planning/projects/API/settings')
    await admin.post('/planning/projects/API/labels', { name: 'bug', color: '#ff0000' })
    await admin.post('/planning/projects/API/labels', { name: 'ui', color: '#00ff00' })
    const a = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Bulk A', labels: ['ui'] })).json()) as any
    const b = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Bulk B' })).json()) as any
    const c = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Bulk C', labels: ['bug'] })).json()) as any
    const page = await member.get('/planning/projects/API')
    const bug = new RegExp(`<option value="([\\w-]+)"[^>]*>bug</option>`).exec(page.html.slice(page.html.indexOf('id="bulk-label"')))![1]!
    let res = await member.post('/planning/projects/API/bulk', { ids: [a.id, b.id, c.id], label: bug, back: '/planning/projects/API' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/projects/API')
    const names = async (key: string) => ((await task(member, key)).labels as { name: string }[]).map((l) => l.name).sort()
    expect(await names(a.key)).toEqual(['bug', 'ui'])
    expect(await names(b.key)).toEqual(['bug'])
    expect(await names(c.key)).toEqual(['bug'])
    // a label of another project is unknown here; a task of another project is not found
    const web = await member.get('/planning/projects/WEB')
    expect(web.res.status).toBe(200)
    res = await member.post('/planning/projects/WEB/bulk', { ids: [a.id], label: bug })
    expect(res.status).toBe(422)
    res = await member.post('/planning/projects/API/bulk', { ids: [a.id], label: 'nope' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Unknown label')
    expect((await guest.post('/planning/projects/API/bulk', { ids: [a.id], label: bug })).status).toBe(403)
    expect(await names(a.key)).toEqual(['bug', 'ui'])
  })

  test('the page shows assignee, estimate, due, milestone and cycle to writers and readers; an open task past due is flagged', async () => {
    await admin.get('/planning/projects/API/milestones')
    expect((await admin.post('/planning/projects/API/milestones', { name: 'Props <b>M</b>', targetDate: '', description: '' })).status).toBe(303)
    expect((await admin.post('/planning/projects/API/cycles', { name: 'Props cycle', startsAt: '2030-02-04', endsAt: '2030-02-17' })).status).toBe(303)
    const milestoneId = /\?milestone=([\w-]+)">Props &lt;b&gt;M&lt;\/b&gt;<\/a>/.exec((await admin.get('/planning/projects/API/milestones')).html)![1]!
    const cycleId = /\/cycles\?cycle=([\w-]+)">Props cycle<\/a>/.exec((await admin.get('/planning/projects/API/cycles')).html)![1]!
    const full = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Props', assigneeId: memberId, estimate: 3, due: '2020-01-31', milestoneId, cycleId })).json()) as any
    const bare = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Bare' })).json()) as any
    const props = (html: string) => /<dl class="pl-props">([\s\S]*?)<\/dl>/.exec(html)?.[1] ?? ''
    for (const c of [member, guest]) {
      const shown = props((await c.get(`/planning/tasks/${full.key}`)).html)
      // the writer changes the assignee in place (a select with them chosen), the reader reads the name
      if (c === member) expect(shown).toContain(`<option value="${memberId}" selected>`)
      else expect(shown).toMatch(/<dt>Assignee<\/dt><dd>[^<]+<\/dd>/)
      expect(shown).toContain('<dd>3 pt</dd>')
      expect(shown).toContain('<span>2020-01-31</span><span class="badge badge-danger">Overdue</span>')
      expect(shown).toContain(`<a href="/planning/projects/API?milestone=${milestoneId}">Props &lt;b&gt;M&lt;/b&gt;</a>`)
      expect(shown).toContain(`<a href="/planning/projects/API?cycle=${cycleId}">Props cycle</a>`)
    }
    // the guest has no edit form but the same properties; an empty task says so
    expect((await guest.get(`/planning/tasks/${full.key}`)).html).not.toContain('Edit task')
    const empty = props((await guest.get(`/planning/tasks/${bare.key}`)).html)
    expect(empty).toContain('<dd class="muted">Unassigned</dd>')
    expect(empty).not.toContain('Overdue')
    expect(empty.match(/&mdash;/g)?.length).toBe(4)
    // done tasks are never overdue
    const done = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Done late', due: '2020-01-31', state: 'Done' })).json()) as any
    expect(done.state).toMatchObject({ name: 'Done' })
    const shownDone = props((await member.get(`/planning/tasks/${done.key}`)).html)
    expect(shownDone).toContain('<span>2020-01-31</span>')
    expect(shownDone).not.toContain('Overdue')
  })
})
