/**
 * A project's settings: workflow states (add, rename, reorder, delete) and labels, the project API's
 * PATCH and DELETE, and the project events; both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, json, signInOutsider, startPlanning } from './test-support.ts'

/** State names in board order, with their ids, from the settings page. */
const statesOf = (html: string) => [...html.matchAll(/action="\/planning\/projects\/\w+\/states\/([\w-]+)" class="row-form">[\s\S]*?name="name" value="([^"]*)"/g)].map((m) => ({ id: m[1]!, name: m[2]! }))
/** Labels of the settings page: the chip's colour and name, and the id its rename form posts to. */
const labelsOf = (html: string) => [...html.matchAll(/<span class="pl-label" data-color="([^"]+)">([^<]*)<\/span> <form method="post" action="\/planning\/projects\/\w+\/labels\/([\w-]+)" class="row-form pl-label-edit">/g)].map((m) => ({ color: m[1]!, name: m[2]!, id: m[3]! }))

eachDialect('planning settings', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  let outsider: Client
  const events: CapturedEvent[] = []
  const named = (name: string) => events.filter((e) => e.name === name)

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    member = (await p.member('member')).client
    outsider = await signInOutsider(p)
    await createProject(admin, 'WEB', 'Website')
    await admin.get('/planning/projects/WEB/settings')
    await member.get('/planning/projects/WEB')
  }, 30_000)
  afterAll(() => p.stop())

  test('states: add at the end, rename (and regroup), move up and down; duplicates 409, bad input 422', async () => {
    let res = await admin.post('/planning/projects/WEB/states', { name: 'Review', group: 'started' })
    expect(res.status).toBe(303)
    let page = await admin.get('/planning/projects/WEB/settings')
    expect(statesOf(page.html).map((s) => s.name)).toEqual(['Backlog', 'Todo', 'In Progress', 'Done', 'Cancelled', 'Review'])
    // the first state has no Up and the last no Down: disabled stand-ins keep the buttons in line
    expect(page.html.match(/<button type="button" class="secondary outline" disabled>(Up|Down)<\/button>/g)).toEqual([
      '<button type="button" class="secondary outline" disabled>Up</button>',
      '<button type="button" class="secondary outline" disabled>Down</button>',
    ])
    // destructive buttons look it
    expect(page.html).toMatch(/<button type="submit" class="outline danger" data-confirm="Delete WEB with all its tasks\? This cannot be undone.">Delete project<\/button>/)
    res = await admin.post('/planning/projects/WEB/states', { name: 'review', group: 'started' })
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('There is a state called review already: choose another name.')
    expect((await admin.post('/planning/projects/WEB/states', { name: '', group: 'started' })).status).toBe(422)
    res = await admin.post('/planning/projects/WEB/states', { name: 'Odd', group: 'sideways' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose a group: backlog, unstarted, started, completed or cancelled.')

    const review = statesOf(page.html).find((s) => s.name === 'Review')!
    res = await admin.post(`/planning/projects/WEB/states/${review.id}`, { name: 'Code review', group: 'started' })
    expect(res.status).toBe(303)
    expect((await admin.post(`/planning/projects/WEB/states/${review.id}`, { name: 'Todo', group: 'started' })).status).toBe(409)
    expect((await admin.post(`/planning/projects/WEB/states/${review.id}`, { name: '', group: 'started' })).status).toBe(422)
    // a task in the state shows its new name
    const created = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'In review', state: 'Code review' })).json()) as any
    expect(created.state).toMatchObject({ name: 'Code review', group: 'started' })
    await admin.post(`/planning/projects/WEB/states/${review.id}`, { name: 'Verify', group: 'completed' })
    const task = (await (await member.request(`/api/v1/planning/tasks/${created.key}`)).json()) as any
    expect(task.state).toMatchObject({ name: 'Verify', group: 'completed' })

    expect((await admin.post(`/planning/projects/WEB/states/${review.id}/move`, { direction: 'up' })).status).toBe(303)
    expect((await admin.post(`/planning/projects/WEB/states/${review.id}/move`, { direction: 'up' })).status).toBe(303)
    page = await admin.get('/planning/projects/WEB/settings')
    expect(statesOf(page.html).map((s) => s.name)).toEqual(['Backlog', 'Todo', 'In Progress', 'Verify', 'Done', 'Cancelled'])
    const backlog = statesOf(page.html)[0]!
    // the first cannot go further up, the last not further down: nothing changes
    expect((await admin.post(`/planning/projects/WEB/states/${backlog.id}/move`, { direction: 'up' })).status).toBe(303)
    await admin.post(`/planning/projects/WEB/states/${backlog.id}/move`, { direction: 'down' })
    page = await admin.get('/planning/projects/WEB/settings')
    expect(statesOf(page.html).map((s) => s.name)).toEqual(['Todo', 'Backlog', 'In Progress', 'Verify', 'Done', 'Cancelled'])
    // the board shows the columns in that order
    const board = await member.get('/planning/projects/WEB/board')
    const columns = [...board.html.matchAll(/<section class="pl-column [\w-]+" aria-label="([^"]+)"/g)].map((m) => m[1])
    expect(columns).toEqual(['Todo', 'Backlog', 'In Progress', 'Verify', 'Done', 'Cancelled'])
  })

  test('states: delete an unused one; a used one (409) and the last one (409) stay; unknown 404; members 403', async () => {
    let page = await admin.get('/planning/projects/WEB/settings')
    // one label for deleting a state, whether it opens the move form (in use) or asks (unused)
    expect(page.html).toContain('<summary role="button" class="outline danger">Delete</summary>')
    expect(page.html).not.toContain('Delete&hellip;')
    // the add buttons are the app's secondary style (outline), like Save beside them
    expect(page.html).toContain('<button type="submit" class="secondary outline">Add state</button>')
    expect(page.html).toContain('<button type="submit" class="secondary outline">Add label</button>')
    const verify = statesOf(page.html).find((s) => s.name === 'Verify')!
    let res = await admin.post(`/planning/projects/WEB/states/${verify.id}/delete`, {})
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('Verify still has 1 task(s)')
    const backlog = statesOf(page.html).find((s) => s.name === 'Backlog')!
    expect((await admin.post(`/planning/projects/WEB/states/${backlog.id}/delete`, {})).status).toBe(303)
    page = await admin.get('/planning/projects/WEB/settings')
    expect(statesOf(page.html).map((s) => s.name)).not.toContain('Backlog')
    expect((await admin.post(`/planning/projects/WEB/states/${backlog.id}/delete`, {})).status).toBe(404)
    expect((await admin.post(`/planning/projects/WEB/states/${backlog.id}`, { name: 'Back' })).status).toBe(404)
    expect((await admin.post(`/planning/projects/WEB/states/${backlog.id}/move`, { direction: 'up' })).status).toBe(404)
    expect((await member.post(`/planning/projects/WEB/states/${verify.id}/delete`, {})).status).toBe(403)
    expect((await member.post('/planning/projects/WEB/states', { name: 'Mine', group: 'started' })).status).toBe(403)
    expect((await outsider.post(`/planning/projects/WEB/states/${verify.id}/delete`, {})).status).toBe(404)

    // a project keeps at least one state
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'ONE', name: 'One state' })).status).toBe(201)
    page = await admin.get('/planning/projects/ONE/settings')
    const states = statesOf(page.html)
    for (const s of states.slice(1)) expect((await admin.post(`/planning/projects/ONE/states/${s.id}/delete`, {})).status).toBe(303)
    res = await admin.post(`/planning/projects/ONE/states/${states[0]!.id}/delete`, {})
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('at least one state')
    // a state of another project is not found through this one
    expect((await admin.post(`/planning/projects/WEB/states/${states[0]!.id}/delete`, {})).status).toBe(404)
  })

  test('labels: add with a color, duplicates 409, bad color 422; delete takes them off tasks', async () => {
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'bug', color: '#ff0000' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'docs', color: '' })).status).toBe(303)
    let res = await admin.post('/planning/projects/WEB/labels', { name: 'BUG', color: '#00ff00' })
    expect(res.status).toBe(409)
    res = await admin.post('/planning/projects/WEB/labels', { name: 'red', color: 'red' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Enter the color as # and six hex digits, like #3b82f6.')
    expect((await admin.post('/planning/projects/WEB/labels', { name: '', color: '#ff0000' })).status).toBe(422)
    expect((await member.post('/planning/projects/WEB/labels', { name: 'mine', color: '#ff0000' })).status).toBe(403)
    let page = await admin.get('/planning/projects/WEB/settings')
    expect(labelsOf(page.html).map((l) => [l.name, l.color])).toEqual([
      ['bug', '#ff0000'],
      ['docs', '#6b7280'],
    ])
    const created = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Labelled', labels: ['bug', 'docs'] })).json()) as any
    expect(created.labels.map((l: any) => l.name)).toEqual(['bug', 'docs'])
    const bug = labelsOf(page.html).find((l) => l.name === 'bug')!
    expect((await member.post(`/planning/projects/WEB/labels/${bug.id}/delete`, {})).status).toBe(403)
    expect((await outsider.post(`/planning/projects/WEB/labels/${bug.id}/delete`, {})).status).toBe(404)
    expect((await admin.post(`/planning/projects/ONE/labels/${bug.id}/delete`, {})).status).toBe(404)
    expect((await admin.post(`/planning/projects/WEB/labels/${bug.id}/delete`, {})).status).toBe(303)
    page = await admin.get('/planning/projects/WEB/settings')
    expect(labelsOf(page.html).map((l) => l.name)).toEqual(['docs'])
    const task = (await (await member.request(`/api/v1/planning/tasks/${created.key}`)).json()) as any
    expect(task.labels.map((l: any) => l.name)).toEqual(['docs'])
    expect((await admin.post(`/planning/projects/WEB/labels/${bug.id}/delete`, {})).status).toBe(404)
  })

  test('labels: added, renamed, recolored and deleted emit planning.label.* (no activity); after a delete the board filtered by it is empty', async () => {
    events.length = 0
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'evented', color: '#00aa00' })).status).toBe(303)
    const id = labelsOf((await admin.get('/planning/projects/WEB/settings')).html).find((l) => l.name === 'evented')!.id
    expect(named('planning.label.created').map((e) => e.payload)).toEqual([{ label: { id, orgId: p.org!.id, projectId: expect.any(String), name: 'evented' } }])
    expect((await admin.post(`/planning/projects/WEB/labels/${id}`, { name: 'evented-2', color: '#00aa00' })).status).toBe(303)
    expect((await admin.post(`/planning/projects/WEB/labels/${id}`, { name: 'evented-2', color: '#0000aa' })).status).toBe(303)
    expect(named('planning.label.updated').map((e) => e.payload.fields)).toEqual([['name'], ['color']])
    expect(named('planning.label.updated')[0]!.payload.label.name).toBe('evented-2')
    // 60 labelled tasks: more than a column shows (its count is a query)
    for (let i = 0; i < 60; i++) expect((await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: `Tagged ${i}`, labels: ['evented-2'] })).status).toBe(201)
    const backlog = async () => [...(await member.get(`/planning/projects/WEB/board?label=${id}`)).html.matchAll(/data-count="(\d+)"/g)].reduce((n, m) => n + Number(m[1]), 0)
    expect(await backlog()).toBe(60)
    expect((await admin.post(`/planning/projects/WEB/labels/${id}/delete`, {})).status).toBe(303)
    expect(named('planning.label.deleted').map((e) => e.payload.label.name)).toEqual(['evented-2'])
    expect(events.filter((e) => e.name.startsWith('planning.label.')).every((e) => !('activity' in e.payload))).toBe(true)
    expect(await backlog()).toBe(0)
  })

  test('labels: two renames to one name at once give one success and one 409, never a 500', async () => {
    for (const name of ['race-a', 'race-b']) expect((await admin.post('/planning/projects/WEB/labels', { name, color: '#00aa00' })).status).toBe(303)
    const page = await admin.get('/planning/projects/WEB/settings')
    const ids = ['race-a', 'race-b'].map((n) => labelsOf(page.html).find((l) => l.name === n)!.id)
    const statuses = await Promise.all(ids.map(async (id) => (await admin.post(`/planning/projects/WEB/labels/${id}`, { name: 'race-same', color: '#00aa00' })).status))
    expect(statuses.sort()).toEqual([303, 409])
  })

  test('labels: rename and recolor in place (tasks keep them), duplicates 409, bad input 422 with the error; managers only, 404 elsewhere', async () => {
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'ui', color: '#00aa00' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'backend', color: '#0000aa' })).status).toBe(303)
    let page = await admin.get('/planning/projects/WEB/settings')
    const ui = labelsOf(page.html).find((l) => l.name === 'ui')!
    // each label has its own form: name, colour and Save, beside Delete
    const row = page.html.slice(page.html.indexOf(`action="/planning/projects/WEB/labels/${ui.id}"`))
    expect(row.slice(0, row.indexOf('</form>'))).toContain(`<input type="text" name="name" value="ui" aria-label="Name of the label ui" required maxlength="40"/><input type="color" name="color" value="#00aa00" aria-label="Color of the label ui"/>`)
    const created = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Styled', labels: ['ui'] })).json()) as any

    let res = await admin.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'Frontend <UI>', color: '#AA00FF' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/projects/WEB/settings')
    page = await admin.get('/planning/projects/WEB/settings')
    expect(page.html).toContain('Label saved')
    expect(labelsOf(page.html).find((l) => l.id === ui.id)).toEqual({ id: ui.id, name: 'Frontend &lt;UI&gt;', color: '#AA00FF' })
    const task = (await (await member.request(`/api/v1/planning/tasks/${created.key}`)).json()) as any
    expect(task.labels).toEqual([{ id: ui.id, name: 'Frontend <UI>', color: '#AA00FF' }])
    // the board and the list show the new name and colour (the configuration cache is cleared)
    expect((await member.get('/planning/projects/WEB/board')).html).toContain('<span class="pl-label" data-color="#AA00FF">Frontend &lt;UI&gt;</span>')
    // only the colour, only the name
    expect((await admin.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'Frontend <UI>', color: '#112233' })).status).toBe(303)
    expect((await admin.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'frontend' })).status).toBe(303)
    expect(labelsOf((await admin.get('/planning/projects/WEB/settings')).html).find((l) => l.id === ui.id)).toMatchObject({ name: 'frontend', color: '#112233' })
    // a case change of its own name is fine; another label's name is a conflict
    expect((await admin.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'Frontend', color: '#112233' })).status).toBe(303)
    res = await admin.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'BACKEND', color: '#112233' })
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('There is a label called BACKEND already')
    res = await admin.post(`/planning/projects/WEB/labels/${ui.id}`, { name: '', color: '#112233' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Enter a name.')
    res = await admin.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'Frontend', color: 'blue' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Enter the color as # and six hex digits, like #3b82f6.')
    expect(labelsOf((await admin.get('/planning/projects/WEB/settings')).html).find((l) => l.id === ui.id)).toMatchObject({ name: 'Frontend', color: '#112233' })
    // managers only; another project's or organization's label is not found
    expect((await member.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'mine', color: '#000000' })).status).toBe(403)
    expect((await outsider.post(`/planning/projects/WEB/labels/${ui.id}`, { name: 'theirs', color: '#000000' })).status).toBe(404)
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'LBL', name: 'Labels elsewhere' })).status).toBe(201)
    expect((await admin.post(`/planning/projects/LBL/labels/${ui.id}`, { name: 'moved', color: '#000000' })).status).toBe(404)
    expect((await admin.post('/planning/projects/WEB/labels/00000000-0000-7000-8000-000000000000', { name: 'x', color: '#000000' })).status).toBe(404)
    expect(labelsOf((await admin.get('/planning/projects/WEB/settings')).html).find((l) => l.id === ui.id)).toMatchObject({ name: 'Frontend', color: '#112233' })
  })

  test('project details: the settings form and PATCH emit planning.project.updated with the changed fields', async () => {
    events.length = 0
    let res = await admin.post('/planning/projects/WEB', { name: 'Website 2', description: 'New site', leadId: '', status: 'active' })
    expect(res.status).toBe(303)
    expect(named('planning.project.updated').map((e) => e.payload.fields)).toEqual([['name', 'description']])
    expect(named('planning.project.updated')[0]!.payload).toMatchObject({ project: { key: 'WEB', name: 'Website 2' }, activity: { text: 'updated project WEB', entity: { type: 'planning.project', href: '/planning/projects/WEB' } } })
    res = await admin.post('/planning/projects/WEB', { name: '', description: 'keep this', status: 'active' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('keep this')

    events.length = 0
    res = await json(admin, 'PATCH', '/api/v1/planning/projects/web', { status: 'paused', name: 'Website 3' })
    expect(res.status).toBe(200)
    expect((await res.json()) as any).toMatchObject({ key: 'WEB', name: 'Website 3', status: 'paused', description: 'New site' })
    expect(named('planning.project.updated').map((e) => e.payload.fields)).toEqual([['name', 'status']])
    events.length = 0
    expect((await json(admin, 'PATCH', '/api/v1/planning/projects/WEB', { status: 'paused' })).status).toBe(200)
    expect(named('planning.project.updated')).toEqual([])
    for (const [body, field] of [
      [{ key: 'NEW' }, 'key'],
      [{ status: 'sleeping' }, 'status'],
      [{ name: '' }, 'name'],
      [{ leadId: 'not-a-member' }, 'leadId'],
    ] as const) {
      res = await json(admin, 'PATCH', '/api/v1/planning/projects/WEB', body)
      expect(res.status).toBe(422)
      expect(((await res.json()) as any).error.message).toContain(`(${field})`)
    }
    expect((await json(member, 'PATCH', '/api/v1/planning/projects/WEB', { name: 'Mine' })).status).toBe(403)
    expect((await json(outsider, 'PATCH', '/api/v1/planning/projects/WEB', { name: 'Theirs' })).status).toBe(404)
    expect((await json(admin, 'PATCH', '/api/v1/planning/projects/NOPE', { name: 'x' })).status).toBe(404)
    expect(((await (await admin.request('/api/v1/planning/projects/WEB')).json()) as any).name).toBe('Website 3')
  })

  test('DELETE a project through the API: its tasks go too, planning.project.deleted is emitted', async () => {
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'TMP', name: 'Temporary' })).status).toBe(201)
    const t = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'TMP', title: 'Doomed' })).json()) as any
    expect((await json(member, 'DELETE', '/api/v1/planning/projects/TMP')).status).toBe(403)
    expect((await json(outsider, 'DELETE', '/api/v1/planning/projects/TMP')).status).toBe(404)
    events.length = 0
    expect((await json(admin, 'DELETE', '/api/v1/planning/projects/TMP')).status).toBe(204)
    expect(named('planning.project.deleted').map((e) => e.payload.project)).toEqual([{ id: expect.any(String), orgId: p.org!.id, key: 'TMP', name: 'Temporary' }])
    expect(named('planning.project.deleted')[0]!.payload.activity.text).toBe('deleted project TMP Temporary')
    expect((await admin.request('/api/v1/planning/projects/TMP')).status).toBe(404)
    expect((await member.request(`/api/v1/planning/tasks/${t.id}`)).status).toBe(404)
    expect((await json(admin, 'DELETE', '/api/v1/planning/projects/TMP')).status).toBe(404)
    // the page route does the same
    await admin.get('/planning/projects/ONE/settings')
    const res = await admin.post('/planning/projects/ONE/delete', {})
    expect(res.status).toBe(303)
    expect(named('planning.project.deleted').map((e) => e.payload.project.key)).toEqual(['TMP', 'ONE'])
    expect((await admin.get('/planning/projects/ONE')).res.status).toBe(404)
  })
})
