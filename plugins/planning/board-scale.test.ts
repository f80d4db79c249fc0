/**
 * The board past 200 tasks: each column's count is the number of matching tasks in its state (not of
 * the cards shown), a column holds its 50 most recently updated cards and links the rest in the list,
 * and the board takes the list's filters (assignee, label, priority, milestone, cycle, q), kept through
 * moves with and without JavaScript; both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import planning from './index.ts'
import { BOARD_COLUMN_LIMIT } from './pages-shared.ts'
import { schema } from './schema.ts'

const json = (c: Client, method: string, path: string, body?: unknown) =>
  c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })

interface Column {
  name: string
  count: number
  cards: string[]
  more?: { text: string; href: string }
}

/** The columns of a board's HTML: name, the count in its heading, its card keys, its "more" link. */
function columnsOf(html: string): Column[] {
  return [...html.matchAll(/<section class="pl-column [\w-]+" aria-label="([^"]+)">([\s\S]*?)<\/section>/g)].map((m) => {
    const body = m[2]!
    const more = /<a class="pl-more" href="([^"]+)">([^<]+)<\/a>/.exec(body)
    return {
      name: m[1]!,
      count: Number(/<small class="muted pl-count" data-count="(\d+)"/.exec(body)![1]),
      cards: [...body.matchAll(/<li class="pl-card" id="card-([\w-]+)"/g)].map((c) => c[1]!),
      ...(more ? { more: { href: more[1]!.replace(/&amp;/g, '&'), text: more[2]!.replace(/&mdash;/g, '—') } } : {}),
    }
  })
}

const column = (html: string, name: string) => columnsOf(html).find((c) => c.name === name)!

eachDialect('planning board at scale', (dialect) => {
  let p: TestPlatform
  let member: Client
  let guest: Client
  let memberId: string
  /** What the rows are, to count what each filter should match. */
  let rows: { key: string; number: number; state: string; assigneeId: string | null; priority: string; label: boolean; cycle: boolean; milestone: boolean; title: string; updatedAt: number }[] = []
  const ids: Record<string, string> = {}
  const STATES: [string, number][] = [
    ['Todo', 120],
    ['In Progress', 70],
    ['Done', 60],
    ['Backlog', 10],
  ]
  const TOTAL = STATES.reduce((n, [, c]) => n + c, 0)

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    const admin = await p.adminClient()
    const m = await p.member('member')
    member = m.client
    memberId = m.user.id
    guest = (await p.member('guest')).client
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'BIG', name: 'Big board' })).status).toBe(201)
    await admin.get('/planning/projects/BIG/settings')
    expect((await admin.post('/planning/projects/BIG/labels', { name: 'bug', color: '#ff0000' })).status).toBe(303)
    expect((await admin.post('/planning/projects/BIG/milestones', { name: 'Launch', targetDate: '2030-03-01', description: '' })).status).toBe(303)
    expect((await admin.post('/planning/projects/BIG/cycles', { name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    // the rows go in directly: 260 tasks through HTTP would be slow
    const t = schema(columnFacade(p.store.dialect))
    const db = p.store.db
    const [project] = await db.select().from(t.projects).where(eq(t.projects.key, 'BIG'))
    const states = await db.select().from(t.states).where(eq(t.states.projectId, project!.id))
    const [label] = await db.select().from(t.labels).where(eq(t.labels.projectId, project!.id))
    const [milestone] = await db.select().from(t.milestones)
    const [cycle] = await db.select().from(t.cycles)
    for (const s of states) ids[s.name] = s.id
    ids.label = label!.id
    ids.milestone = milestone!.id
    ids.cycle = cycle!.id
    const priorities = ['urgent', 'high', 'medium', 'low', 'none'] as const
    const base = Date.UTC(2030, 0, 1)
    const stateOf = (i: number) => {
      let n = i
      for (const [name, count] of STATES) {
        if (n < count) return name
        n -= count
      }
      throw new Error('out of range')
    }
    const inserts = Array.from({ length: TOTAL }, (_, i) => {
      const number = i + 1
      // updated in an order unlike the numbers: the board's cards are the most recently updated
      const updatedAt = base + ((i * 37) % TOTAL) * 60_000
      const row = {
        id: Bun.randomUUIDv7(),
        orgId: project!.orgId,
        projectId: project!.id,
        number,
        title: i % 10 === 0 ? `Checkout flow ${number}` : `Task ${number}`,
        stateId: ids[stateOf(i)]!,
        priority: priorities[i % 5]!,
        assigneeId: i % 3 === 0 ? memberId : null,
        milestoneId: i % 4 === 0 ? milestone!.id : null,
        cycleId: i % 2 === 0 ? cycle!.id : null,
        position: number,
        createdAt: new Date(base),
        updatedAt: new Date(updatedAt),
      }
      rows.push({ key: `BIG-${number}`, number, state: stateOf(i), assigneeId: row.assigneeId, priority: row.priority, label: i % 5 === 1, cycle: !!row.cycleId, milestone: !!row.milestoneId, title: row.title, updatedAt })
      return row
    })
    for (let i = 0; i < inserts.length; i += 100) await db.insert(t.tasks).values(inserts.slice(i, i + 100))
    const labelled = inserts.filter((_, i) => i % 5 === 1).map((r) => ({ taskId: r.id, labelId: label!.id, orgId: project!.orgId }))
    for (let i = 0; i < labelled.length; i += 100) await db.insert(t.taskLabels).values(labelled.slice(i, i + 100))
    await p.store.query('update planning_projects set task_counter = ? where id = ?', [TOTAL, project!.id])
    await member.get('/planning/projects/BIG/board')
    await guest.get('/planning/projects/BIG/board')
  }, 60_000)
  afterAll(() => p.stop())

  /** Expected count per state for rows matching `keep`. */
  const counts = (keep: (r: (typeof rows)[number]) => boolean) => Object.fromEntries(['Backlog', 'Todo', 'In Progress', 'Done', 'Cancelled'].map((s) => [s, rows.filter((r) => r.state === s && keep(r)).length]))
  const boardCounts = (html: string) => Object.fromEntries(columnsOf(html).map((c) => [c.name, c.count]))

  test('counts are the true counts; a column holds its 50 most recently updated cards and links the rest in the list', async () => {
    const { res, html } = await member.get('/planning/projects/BIG/board')
    expect(res.status).toBe(200)
    expect(boardCounts(html)).toEqual({ Backlog: 10, Todo: 120, 'In Progress': 70, Done: 60, Cancelled: 0 })
    expect(html).not.toContain('200 most recently updated')
    const todo = column(html, 'Todo')
    expect(todo.cards.length).toBe(BOARD_COLUMN_LIMIT)
    const newest = rows.filter((r) => r.state === 'Todo').sort((a, b) => b.updatedAt - a.updatedAt).slice(0, BOARD_COLUMN_LIMIT)
    expect(todo.cards.sort()).toEqual(newest.map((r) => r.number).sort((a, b) => a - b).map((n) => `BIG-${n}`).sort())
    expect(todo.more).toEqual({ text: '70 more — open in the list', href: `/planning/projects/BIG?state=${ids.Todo}` })
    expect(column(html, 'In Progress').more!.text).toBe('20 more — open in the list')
    expect(column(html, 'Done').more!.text).toBe('10 more — open in the list')
    expect(column(html, 'Backlog').cards.length).toBe(10)
    expect(column(html, 'Backlog').more).toBeUndefined()
    expect(column(html, 'Cancelled')).toMatchObject({ count: 0, cards: [] })
    // cards keep the board's order within the column (position)
    const positions = [...html.slice(html.indexOf('aria-label="Todo"')).split('</section>')[0]!.matchAll(/data-position="(\d+)"/g)].map((m) => Number(m[1]))
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    // the link opens the list filtered by that state: all 120 there, page after page
    const list = await member.get(todo.more!.href)
    expect(list.res.status).toBe(200)
    const api = (await (await member.request(`/api/v1/planning/tasks?project=BIG&state=${ids.Todo}&limit=200`)).json()) as any
    expect(api.items.length).toBe(120)
    // guests see the same counts, read only
    const readonly = (await guest.get('/planning/projects/BIG/board')).html
    expect(boardCounts(readonly)).toEqual(boardCounts(html))
    expect(readonly).not.toContain('<select name="BIG-')
  })

  test('counts of full columns are remembered until planning changes: a created task, a move and a delete show at once', async () => {
    const first = boardCounts((await member.get('/planning/projects/BIG/board')).html)
    expect(first.Todo).toBeGreaterThan(BOARD_COLUMN_LIMIT) // a full column: its count is a query, then cached
    const created = (await (await member.request('/api/v1/planning/tasks', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': member.csrf }, body: JSON.stringify({ project: 'BIG', title: 'Counted at once', state: 'Todo' }) })).json()) as { key: string }
    expect(boardCounts((await member.get('/planning/projects/BIG/board')).html)).toEqual({ ...first, Todo: first.Todo! + 1 })
    const todo = column((await member.get('/planning/projects/BIG/board')).html, 'Todo')
    const moved = todo.cards.find((k) => k !== created.key)!
    expect((await member.post('/planning/projects/BIG/board', { [moved]: 'In Progress', move: moved })).status).toBe(303)
    expect(boardCounts((await member.get('/planning/projects/BIG/board')).html)).toEqual({ ...first, Todo: first.Todo!, 'In Progress': first['In Progress']! + 1 })
    expect((await member.request(`/api/v1/planning/tasks/${created.key}`, { method: 'DELETE', headers: { 'x-csrf-token': member.csrf } })).status).toBe(204)
    expect((await member.post('/planning/projects/BIG/board', { [moved]: 'Todo', move: moved })).status).toBe(303)
    expect(boardCounts((await member.get('/planning/projects/BIG/board')).html)).toEqual(first)
  })

  test('the board takes the list filters: assignee (id and me), label, priority, milestone, cycle, q and several at once', async () => {
    const cases: [string, (r: (typeof rows)[number]) => boolean][] = [
      [`assignee=${memberId}`, (r) => r.assigneeId === memberId],
      ['assignee=none', (r) => r.assigneeId === null],
      [`label=${ids.label}`, (r) => r.label],
      ['priority=high', (r) => r.priority === 'high'],
      [`milestone=${ids.milestone}`, (r) => r.milestone],
      [`cycle=${ids.cycle}`, (r) => r.cycle],
      ['q=checkout', (r) => r.title.startsWith('Checkout')],
      [`cycle=${ids.cycle}&priority=urgent&assignee=${memberId}`, (r) => r.cycle && r.priority === 'urgent' && r.assigneeId === memberId],
    ]
    for (const [query, keep] of cases) {
      const { res, html } = await member.get(`/planning/projects/BIG/board?${query}`)
      expect(res.status).toBe(200)
      expect(boardCounts(html)).toEqual(counts(keep))
      const shown = columnsOf(html).flatMap((c) => c.cards)
      const matching = new Set(rows.filter(keep).map((r) => r.key))
      expect(shown.length).toBeGreaterThan(0)
      for (const key of shown) expect(matching.has(key)).toBe(true)
      // a capped column's link keeps the filters
      for (const c of columnsOf(html)) {
        if (c.count > c.cards.length) expect(c.more!.href).toBe(`/planning/projects/BIG?state=${ids[c.name]}&${new URLSearchParams(Object.fromEntries(new URLSearchParams(query))).toString()}`)
        else expect(c.more).toBeUndefined()
      }
    }
    // "me" is the viewer
    const mine = await member.get('/planning/projects/BIG/board?assignee=me')
    expect(boardCounts(mine.html)).toEqual(counts((r) => r.assigneeId === memberId))
    // the filter panel is open with what is in use, and the board form carries the filters
    const { html } = await member.get(`/planning/projects/BIG/board?priority=high&cycle=${ids.cycle}&q=task&sort=due&state=${ids.Done}`)
    expect(html).toMatch(/<details class="pl-filter-panel" open><summary>Filters<span class="badge">2 active<\/span>/)
    expect(html).toContain('<input id="board-q" type="search" name="q" value="task"')
    expect(html).toContain(`<input type="hidden" name="view" value="q=task&priority=high&cycle=${ids.cycle}"/>`)
    // state and sort are no board filters: every column is there
    expect(columnsOf(html).map((c) => c.name)).toEqual(['Backlog', 'Todo', 'In Progress', 'Done', 'Cancelled'])
    expect(column(html, 'Done').count).toBe(counts((r) => r.priority === 'high' && r.cycle && r.title.startsWith('Task')).Done!)
    // an unknown value matches nothing (no error)
    expect(boardCounts((await member.get('/planning/projects/BIG/board?label=nope&priority=sideways')).html)).toEqual({ Backlog: 0, Todo: 0, 'In Progress': 0, Done: 0, Cancelled: 0 })
  })

  test('moves keep the filters: the no-JS form redirects to the same board, htmx answers it; counts follow', async () => {
    const query = `priority=high&cycle=${ids.cycle}`
    const before = (await member.get(`/planning/projects/BIG/board?${query}`)).html
    const key = column(before, 'Backlog').cards[0]!
    const expected = counts((r) => r.priority === 'high' && r.cycle)
    // without JavaScript: the board's form with its view field
    let res = await member.post('/planning/projects/BIG/board', { view: query, [key]: 'Cancelled', move: key })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/planning/projects/BIG/board?${query}`)
    const after = (await member.get(`/planning/projects/BIG/board?${query}`)).html
    expect(boardCounts(after)).toEqual({ ...expected, Backlog: expected.Backlog! - 1, Cancelled: expected.Cancelled! + 1 })
    expect(column(after, 'Cancelled').cards).toEqual([key])
    // the view field takes only board filters (anything else is dropped)
    res = await member.post('/planning/projects/BIG/board', { view: 'priority=high&evil=1&sort=due', [key]: 'Backlog', move: key })
    expect(res.headers.get('location')).toBe('/planning/projects/BIG/board?priority=high')
    // htmx: the state select's move answers the filtered board
    const headers = { 'hx-request': 'true', 'x-csrf-token': member.csrf, 'content-type': 'application/x-www-form-urlencoded' }
    res = await member.request(`/planning/tasks/${key}/state`, { method: 'POST', headers, body: new URLSearchParams({ view: query, state: 'Done' }) })
    expect(res.status).toBe(200)
    const fragment = await res.text()
    expect(fragment.startsWith('<form id="board"')).toBe(true)
    expect(boardCounts(fragment)).toEqual({ ...expected, Backlog: expected.Backlog! - 1, Done: expected.Done! + 1 })
    expect(fragment).toContain(`<input type="hidden" name="view" value="priority=high&cycle=${ids.cycle}"/>`)
    // a bad move on a filtered board answers that board with the error (422)
    res = await member.post('/planning/projects/BIG/board', { view: query, move: key })
    expect(res.status).toBe(422)
    const page = await res.text()
    expect(page).toContain(`Choose a state for ${key}`)
    expect(boardCounts(page)).toEqual({ ...expected, Backlog: expected.Backlog! - 1, Done: expected.Done! + 1 })
  })
})
