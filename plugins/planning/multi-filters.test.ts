/**
 * Filters of several values on the task list and the board (repeated parameters or comma lists, for
 * state, group, assignee, label and priority), the state-group filter with its "open" choice, a chip
 * per value, saved views keeping them; the board's "+" per column and the new-task form's preselected
 * state; on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json } from './test-support.ts'
import planning from './index.ts'

/** The chips of a list page: [href, text] each. */
const chips = (html: string) => [...html.matchAll(/<a href="([^"]*)" class="pl-chip" aria-label="Remove filter ([^"]*)"/g)].map((m) => [m[1]!.replace(/&amp;/g, '&'), m[2]!] as const)
/** The task titles a list or board page shows (rows and cards link to the task). */
const titles = (html: string) => [...html.matchAll(/T-(\w+)/g)].map((m) => m[1]!).filter((v, i, a) => a.indexOf(v) === i).sort()

eachDialect('planning filters of several values', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let me: string
  const labels: Record<string, string> = {}
  const states: Record<string, string> = {}

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'MUL', 'Multi')
    for (const name of ['design', 'seo', 'ops']) expect((await admin.post('/planning/projects/MUL/labels', { name, color: '#336699' })).status).toBe(303)
    for (const l of (await (await json(admin, 'GET', '/api/v1/planning/projects/MUL/labels')).json()).items ?? []) labels[l.name] = l.id
    const st = await (await json(admin, 'GET', '/api/v1/planning/projects/MUL/states')).json()
    for (const s of st.items ?? st) states[s.name] = s.id
    const user = (await p.deps.identity.accounts.findUserByEmail(ADMIN.email))!
    me = user.id
    const task = async (title: string, body: Record<string, unknown>) => expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'MUL', title, ...body })).status).toBe(201)
    await task('T-design', { labels: [labels.design], priority: 'high', state: 'In Progress', assigneeId: me })
    await task('T-seo', { labels: [labels.seo], priority: 'low', state: 'Todo' })
    await task('T-ops', { labels: [labels.ops], priority: 'urgent', state: 'Done', assigneeId: me })
    await task('T-plain', { priority: 'none', state: 'Backlog' })
  }, 60_000)
  afterAll(() => p.stop())

  test('labels, priorities and states take several values, repeated or as a comma list; a chip per value drops only it', async () => {
    const repeated = await admin.get('/planning/projects/MUL?label=design&label=seo')
    expect(repeated.res.status).toBe(200)
    expect(titles(repeated.html)).toEqual(['design', 'seo'])
    const byIds = await admin.get(`/planning/projects/MUL?label=${labels.design},${labels.seo}`)
    expect(titles(byIds.html)).toEqual(['design', 'seo'])
    const list = chips(repeated.html)
    expect(list.map(([, t]) => t)).toEqual(['Label: design', 'Label: seo'])
    const after = await admin.get(list[1]![0])
    expect(titles(after.html)).toEqual(['design'])
    expect(chips(after.html).map(([, t]) => t)).toEqual(['Label: design'])
    // each chosen value is selected in the panel's multiple select
    expect(repeated.html).toMatch(new RegExp(`<select id="filter-label" name="label" multiple[^>]*>[\\s\\S]*<option value="${labels.design}" selected>design</option>[\\s\\S]*<option value="${labels.seo}" selected>seo</option>`))
    expect(titles((await admin.get('/planning/projects/MUL?priority=high&priority=urgent')).html)).toEqual(['design', 'ops'])
    expect(titles((await admin.get('/planning/projects/MUL?state=Todo&state=Backlog')).html)).toEqual(['plain', 'seo'])
    expect(titles((await admin.get(`/planning/projects/MUL?assignee=me&assignee=none&priority=high,none,low`)).html)).toEqual(['design', 'plain', 'seo'])
    const unknown = await admin.get('/planning/projects/MUL?label=design&label=nope')
    expect(unknown.res.status).toBe(422)
    expect(unknown.html).toContain('The label filter names no label of this project')
  })

  test('state group: one or several groups, "open" (backlog, unstarted, started) and ?open=1 each filter and show as chips', async () => {
    const started = await admin.get('/planning/projects/MUL?group=started')
    expect(titles(started.html)).toEqual(['design'])
    expect(chips(started.html).map(([, t]) => t)).toEqual(['State group: Started'])
    expect(titles((await admin.get('/planning/projects/MUL?group=started&group=completed')).html)).toEqual(['design', 'ops'])
    expect(titles((await admin.get('/planning/projects/MUL?group=open')).html)).toEqual(['design', 'plain', 'seo'])
    const open = await admin.get('/planning/projects/MUL?open=1')
    expect(titles(open.html)).toEqual(['design', 'plain', 'seo'])
    expect(chips(open.html).map(([, t]) => t)).toEqual(['Open only'])
    expect(titles((await admin.get('/planning/projects/MUL?open=1&group=completed')).html)).toEqual([])
    expect(open.html).toContain('<option value="open">Open (not done)</option>')
    const bad = await admin.get('/planning/projects/MUL?group=later')
    expect(bad.res.status).toBe(422)
    expect(bad.html).toContain('The group filter has an unknown value &#x27;later&#x27;: use open, backlog, unstarted, started, completed or cancelled.')
  })

  test('a saved view keeps several values per filter', async () => {
    const res = await admin.post('/planning/projects/MUL/views', { name: 'Design or SEO, open', query: `label=${labels.design},${labels.seo}&group=open` })
    expect(res.status).toBe(303)
    const page = await admin.get(res.headers.get('location')!)
    expect(titles(page.html)).toEqual(['design', 'seo'])
    expect(page.html).toContain('aria-current="page">Design or SEO, open</a>')
  })

  test('board: several values per filter; a "+" per column opens the new-task form in that state', async () => {
    const board = await admin.get('/planning/projects/MUL/board?label=design&label=ops')
    expect(board.res.status).toBe(200)
    expect(titles(board.html)).toEqual(['design', 'ops'])
    const add = new RegExp(`<a class="pl-add" href="/planning/projects/MUL/tasks/new\\?state=${states.Todo}" aria-label="Add task in Todo"`)
    expect(board.html).toMatch(add)
    const form = (await admin.get(`/planning/projects/MUL/tasks/new?state=${states.Todo}`)).html
    expect(form).toMatch(new RegExp(`<select id="f-state" name="state"[^>]*>[\\s\\S]*?<option value="${states.Todo}" selected>Todo</option>`))
    expect(form).toMatch(/<input[^>]*name="title"[^>]*autofocus/)
  })
})
