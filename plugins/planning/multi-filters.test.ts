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
/** A filter picker of a page: its summary's text and its checkboxes in order. */
function pickerOf(html: string, id: string) {
  const picker = new RegExp(`<details class="dropdown pl-picker" id="${id}">([\\s\\S]*?)</details>`).exec(html)![1]!
  const text = (h: string) => h.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()
  const summary = text(/<summary>([\s\S]*?)<\/summary>/.exec(picker)![1]!)
  const boxes = [...picker.matchAll(/<label><input type="checkbox" name="([^"]+)" value="([^"]+)"( checked)?\/>([\s\S]*?)<\/label>/g)].map((m) => ({ name: m[1]!, value: m[2]!, checked: !!m[3], text: text(m[4]!) }))
  return { summary, boxes }
}

/**
 * The query a browser without JavaScript sends from the page's filter form (`action`) after checking
 * the boxes `check` names (`name=value`): every named control in order, checkboxes only when checked,
 * selects with their selected option, the rest with their value.
 */
function submitFilters(html: string, action: string, check: string[]): string {
  const form = new RegExp(`<form method="get" action="${action}" class="pl-filter-form">([\\s\\S]*?)</form>`).exec(html)![1]!
  const query = new URLSearchParams()
  for (const m of form.matchAll(/<input ([^>]*?)\/?>|<select [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    if (m[2]) {
      query.append(m[2], /<option value="([^"]*)" selected>/.exec(m[3]!)?.[1] ?? /<option value="([^"]*)"/.exec(m[3]!)![1]!)
      continue
    }
    const attr = (a: string) => new RegExp(`(?:^| )${a}="([^"]*)"`).exec(m[1]!)?.[1]
    const name = attr('name')
    if (!name) continue
    const value = (attr('value') ?? '').replace(/&amp;/g, '&')
    if (attr('type') === 'checkbox' && !/ checked(?: |$)/.test(m[1]!) && !check.includes(`${name}=${value}`)) continue
    query.append(name, value)
  }
  return query.toString()
}

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
    // each chosen value is checked in the panel's label picker, whose summary names them
    const picker = pickerOf(repeated.html, 'filter-label')
    expect(picker.summary).toBe('Label: design, seo')
    expect(picker.boxes).toEqual([
      { name: 'label', value: labels.design!, checked: true, text: 'design' },
      { name: 'label', value: labels.ops!, checked: false, text: 'ops' },
      { name: 'label', value: labels.seo!, checked: true, text: 'seo' },
    ])
    // named labels (as a board's URL may have them) are checked too
    expect(pickerOf((await admin.get('/planning/projects/MUL/board?label=ops')).html, 'board-label').summary).toBe('Label: ops')
    expect(titles((await admin.get('/planning/projects/MUL?priority=high&priority=urgent')).html)).toEqual(['design', 'ops'])
    const byName = await admin.get('/planning/projects/MUL?state=Todo&state=Backlog')
    expect(titles(byName.html)).toEqual(['plain', 'seo'])
    expect(pickerOf(byName.html, 'filter-state').summary).toBe('State: Backlog, Todo') // states named in the URL are checked too
    expect(titles((await admin.get(`/planning/projects/MUL?assignee=me&assignee=none&priority=high,none,low`)).html)).toEqual(['design', 'plain', 'seo'])
    const unknown = await admin.get('/planning/projects/MUL?label=design&label=nope')
    expect(unknown.res.status).toBe(422)
    expect(unknown.html).toContain('The label filter names no label of this project')
  })

  test('without JavaScript the filter form, boxes checked in its pickers, sends repeated parameters that filter the list and the board', async () => {
    const list = await admin.get('/planning/projects/MUL')
    expect(pickerOf(list.html, 'filter-priority').summary).toBe('Priority: any')
    const query = submitFilters(list.html, '/planning/projects/MUL', ['priority=urgent', 'priority=high', `label=${labels.design}`, `label=${labels.ops}`])
    expect(new URLSearchParams(query).getAll('priority')).toEqual(['urgent', 'high'])
    expect(new URLSearchParams(query).getAll('label')).toEqual([labels.design!, labels.ops!])
    const filtered = await admin.get(`/planning/projects/MUL?${query}`)
    expect(filtered.res.status).toBe(200)
    expect(titles(filtered.html)).toEqual(['design', 'ops'])
    // the page comes back with those boxes checked and summaries naming them, so a second Apply keeps them
    expect(pickerOf(filtered.html, 'filter-priority').summary).toBe('Priority: Urgent, High')
    expect(pickerOf(filtered.html, 'filter-priority').boxes.filter((b) => b.checked).map((b) => b.value)).toEqual(['urgent', 'high'])
    expect(titles((await admin.get(`/planning/projects/MUL?${submitFilters(filtered.html, '/planning/projects/MUL', [])}`)).html)).toEqual(['design', 'ops'])
    // three states: two named, "+1"
    const states3 = submitFilters(list.html, '/planning/projects/MUL', [`state=${states.Backlog}`, `state=${states.Todo}`, `state=${states.Done}`])
    const byState = await admin.get(`/planning/projects/MUL?${states3}`)
    expect(titles(byState.html)).toEqual(['ops', 'plain', 'seo'])
    expect(pickerOf(byState.html, 'filter-state').summary).toBe('State: Backlog, Todo +1')
    // the board's form the same way
    const board = await admin.get('/planning/projects/MUL/board')
    const boardQuery = submitFilters(board.html, '/planning/projects/MUL/board', ['assignee=none', 'priority=low', 'priority=none'])
    const filteredBoard = await admin.get(`/planning/projects/MUL/board?${boardQuery}`)
    expect(filteredBoard.res.status).toBe(200)
    expect(titles(filteredBoard.html)).toEqual(['plain', 'seo'])
    expect(pickerOf(filteredBoard.html, 'board-assignee').summary).toBe('Assignee: Unassigned')
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
    expect(pickerOf(open.html, 'filter-group').boxes[0]).toEqual({ name: 'group', value: 'open', checked: false, text: 'Open (not done)' })
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
