/**
 * The board: light cards (one form and one CSRF field for the whole board, state options by name),
 * moves without JavaScript (the board's form, a card's Move button names the task), the htmx move a
 * card's select sends, permissions and 4xx paths; both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import planning from './index.ts'

const json = (c: Client, method: string, path: string, body?: unknown) =>
  c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })

/** The column (state name) a card sits in, from the board's HTML. */
function columnOf(html: string, key: string): string | undefined {
  for (const m of html.matchAll(/<section class="pl-column [\w-]+" aria-label="([^"]+)">([\s\S]*?)<\/section>/g)) if (m[2]!.includes(`id="card-${key}"`)) return m[1]
  return undefined
}

/** The board element's HTML (the form or the read-only div). */
const boardOf = (html: string) => html.slice(html.lastIndexOf('<', html.indexOf('id="board"')))

eachDialect('planning board', (dialect) => {
  let p: TestPlatform
  let member: Client
  let guest: Client
  let outsider: Client
  const events: { name: string; payload: any }[] = []

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    p.host.bus.onAny('test', (name, payload) => {
      events.push({ name, payload })
    })
    const admin = await p.adminClient()
    await admin.get('/planning')
    for (const key of ['WEB', 'OPS']) expect((await json(admin, 'POST', '/api/v1/planning/projects', { key, name: key })).status).toBe(201)
    member = (await p.member('member')).client
    guest = (await p.member('guest')).client
    await member.get('/planning')
    for (const title of ['First <b>task</b>', 'Second task', 'Third task']) expect((await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title, priority: 'high', labels: [] })).status).toBe(201)
    expect((await json(member, 'POST', '/api/v1/planning/tasks', { project: 'OPS', title: 'Ops task' })).status).toBe(201)
    const other = await p.deps.identity.orgs.createOrg({ name: `Other ${dialect}` }, p.admin!.id)
    outsider = (await p.member('member', other)).client
    await outsider.get('/planning')
  }, 30_000)
  afterAll(() => p.stop())

  test('cards are light: one form and one CSRF field for the board, options by state name, titles escaped', async () => {
    const { res, html } = await member.get('/planning/projects/WEB/board')
    expect(res.status).toBe(200)
    const board = boardOf(html)
    expect(board.startsWith('<form id="board" class="pl-board" data-board="movable" method="post" action="/planning/projects/WEB/board"')).toBe(true)
    expect(board.match(/<form/g)?.length).toBe(1)
    expect(board.match(/name="_csrf"/g)?.length).toBe(1)
    expect(board).not.toContain('name="back"')
    // three cards, each with a select named by its key, options by name (no ids), and a Move button
    for (const key of ['WEB-1', 'WEB-2', 'WEB-3']) {
      expect(board).toContain(`<select name="${key}" aria-label="State of ${key}"><option>Backlog</option><option selected>Todo</option><option>In Progress</option><option>Done</option><option>Cancelled</option></select>`)
      expect(board).toContain(`<button name="move" value="${key}">Move</button>`)
    }
    expect(board).not.toMatch(/<option value="[0-9a-f-]{36}"/)
    expect(board).toContain('<span>First &lt;b&gt;task&lt;/b&gt;</span>')
    expect(board).not.toContain('<b>task</b>')
    // a card weighs what it shows: no per-card form, hidden fields or state ids
    const card = /<li class="pl-card" id="card-WEB-2"[\s\S]*?<\/li>/.exec(board)![0]
    expect(card.length).toBeLessThan(600)
  })

  test('without JavaScript: the Move button of a card moves it to its selected state (303 back to the board)', async () => {
    await member.get('/planning/projects/WEB/board')
    events.length = 0
    // the browser sends every select; only the task the button names moves
    const res = await member.post('/planning/projects/WEB/board', { 'WEB-1': 'Todo', 'WEB-2': 'Done', 'WEB-3': 'Backlog', move: 'WEB-2' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/projects/WEB/board')
    const { html } = await member.get('/planning/projects/WEB/board')
    expect(html).toContain('WEB-2 moved to Done')
    expect(columnOf(html, 'WEB-2')).toBe('Done')
    expect(columnOf(html, 'WEB-3')).toBe('Todo')
    expect(columnOf(html, 'WEB-1')).toBe('Todo')
    const moved = events.filter((e) => e.name === 'planning.task.state_changed')
    expect(moved.map((e) => e.payload.activity.text)).toEqual(['moved WEB-2 to Done'])
  })

  test('the board form through htmx answers the board; the select route takes a state name (what board.js sends)', async () => {
    await member.get('/planning/projects/WEB/board')
    const headers = { 'hx-request': 'true', 'x-csrf-token': member.csrf, 'content-type': 'application/x-www-form-urlencoded' }
    const viaBoard = await member.request('/planning/projects/WEB/board', { method: 'POST', headers, body: new URLSearchParams({ 'WEB-3': 'In Progress', move: 'WEB-3' }) })
    expect(viaBoard.status).toBe(200)
    const fragment = await viaBoard.text()
    expect(fragment.startsWith('<form id="board"')).toBe(true)
    expect(fragment).not.toContain('<html')
    expect(columnOf(fragment, 'WEB-3')).toBe('In Progress')
    // board.js posts the select's state by name to the task's state route, with the board's fields
    const viaSelect = await member.request('/planning/tasks/WEB-1/state', { method: 'POST', headers, body: new URLSearchParams({ 'WEB-1': 'Done', 'WEB-2': 'Done', state: 'done' }) })
    expect(viaSelect.status).toBe(200)
    expect(columnOf(await viaSelect.text(), 'WEB-1')).toBe('Done')
  })

  test('bad moves: no task named or no state (422, the board again with the error), an unknown state (422), other projects and organizations (404)', async () => {
    await member.get('/planning/projects/WEB/board')
    let res = await member.post('/planning/projects/WEB/board', { 'WEB-1': 'Todo' })
    expect(res.status).toBe(422)
    let html = await res.text()
    expect(html).toContain('press its Move button')
    expect(html).toContain('id="board"')
    res = await member.post('/planning/projects/WEB/board', { move: 'WEB-1' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose a state for WEB-1')
    res = await member.post('/planning/projects/WEB/board', { 'WEB-1': 'Doing', move: 'WEB-1' })
    expect(res.status).toBe(422)
    html = await res.text()
    expect(html).toContain('Unknown state &#x27;Doing&#x27;: choose one of the project&#x27;s states.')
    expect(columnOf(html, 'WEB-1')).toBe('Done')
    // a task of another project, through this board
    expect((await member.post('/planning/projects/WEB/board', { 'OPS-1': 'Done', move: 'OPS-1' })).status).toBe(404)
    expect((await member.post('/planning/projects/WEB/board', { 'WEB-99': 'Done', move: 'WEB-99' })).status).toBe(404)
    // another organization: its project and its tasks are not found
    expect((await outsider.post('/planning/projects/WEB/board', { 'WEB-1': 'Todo', move: 'WEB-1' })).status).toBe(404)
    // no CSRF token
    expect((await member.post('/planning/projects/WEB/board', { _csrf: 'nope', 'WEB-1': 'Todo', move: 'WEB-1' })).status).toBe(403)
    const { html: after } = await member.get('/planning/projects/WEB/board')
    expect(columnOf(after, 'WEB-1')).toBe('Done')
  })

  test('labels as chips; a state name whitespace would change is spelled out as the value; names escaped', async () => {
    const admin = await p.adminClient()
    await admin.get('/planning/projects/OPS/settings')
    expect((await admin.post('/planning/projects/OPS/states', { name: 'Needs  review & <QA>', group: 'started' })).status).toBe(303)
    expect((await admin.post('/planning/projects/OPS/labels', { name: 'Bug & <i>UI</i>', color: '#ff0000' })).status).toBe(303)
    expect((await json(member, 'PATCH', '/api/v1/planning/tasks/OPS-1', { labels: ['Bug & <i>UI</i>'] })).status).toBe(200)
    const { html } = await member.get('/planning/projects/OPS/board')
    const card = /<li class="pl-card" id="card-OPS-1"[\s\S]*?<\/li>/.exec(html)![0]
    expect(card).toContain('<span class="pl-labels"><span class="pl-label" data-color="#ff0000">Bug &amp; &lt;i&gt;UI&lt;/i&gt;</span></span>')
    expect(card).toContain('<option value="Needs  review &amp; &lt;QA&gt;">Needs  review &amp; &lt;QA&gt;</option>')
    expect(card).toContain('<option>Done</option>')
    // what a browser sends for that option
    expect((await member.post('/planning/projects/OPS/board', { 'OPS-1': 'Needs  review & <QA>', move: 'OPS-1' })).status).toBe(303)
    expect(columnOf((await member.get('/planning/projects/OPS/board')).html, 'OPS-1')).toBe('Needs  review & <QA>') // the column's aria-label
  })

  test('guests see a read-only board: no form, no selects, and posting is refused', async () => {
    const { res, html } = await guest.get('/planning/projects/WEB/board')
    expect(res.status).toBe(200)
    const board = boardOf(html)
    expect(board.startsWith('<div id="board" class="pl-board" data-board="readonly"')).toBe(true)
    expect(board).not.toContain('<form')
    expect(board).not.toContain('<select')
    expect(board).not.toContain('name="move"')
    expect(columnOf(html, 'WEB-2')).toBe('Done')
    expect((await guest.post('/planning/projects/WEB/board', { 'WEB-2': 'Todo', move: 'WEB-2' })).status).toBe(403)
  })
})
