/** Planning lists at scale: cursor pagination (keyset and offset) and all-or-nothing bulk edits; on both dialects. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import planning from './index.ts'

const json = (c: Client, method: string, path: string, body?: unknown) =>
  c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })

type Page = { items: { key: string; number: number; priority: string; state: { name: string } }[]; nextCursor: string | null }

eachDialect('planning lists', (dialect) => {
  let p: TestPlatform
  let member: Client
  const TASKS = 120

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    const admin = await p.adminClient()
    member = (await p.member('member')).client
    await admin.get('/planning')
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'LST', name: 'Lists' })).status).toBe(201)
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'OTH', name: 'Other project' })).status).toBe(201)
    await member.get('/planning')
    for (let i = 1; i <= TASKS; i++) {
      const res = await json(member, 'POST', '/api/v1/planning/tasks', { project: 'LST', title: `Task ${i}`, priority: ['urgent', 'high', 'medium', 'low'][i % 4] })
      expect(res.status).toBe(201)
    }
  }, 60_000)
  afterAll(() => p.stop())

  const page = async (query: string): Promise<Page> => {
    const res = await member.request(`/api/v1/planning/tasks?${query}`)
    expect(res.status).toBe(200)
    return (await res.json()) as Page
  }

  test('one project by number pages after the last number: every task once, in order, not shifted by new tasks', async () => {
    const first = await page('project=LST&limit=50')
    expect(first.items.map((t) => t.number)).toEqual(Array.from({ length: 50 }, (_, i) => TASKS - i))
    expect(first.nextCursor).not.toBeNull()
    // A task created between two pages: with offsets the second page would start with a task seen already.
    expect((await json(member, 'POST', '/api/v1/planning/tasks', { project: 'LST', title: 'Created while paging' })).status).toBe(201)
    const second = await page(`project=LST&limit=50&cursor=${first.nextCursor}`)
    expect(second.items.map((t) => t.number)).toEqual(Array.from({ length: 50 }, (_, i) => TASKS - 50 - i))
    const third = await page(`project=LST&limit=50&cursor=${second.nextCursor}`)
    expect(third.items.map((t) => t.number)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i))
    expect(third.nextCursor).toBeNull()
    // ascending too
    const asc = await page('project=LST&limit=70&dir=asc')
    const asc2 = await page(`project=LST&limit=70&dir=asc&cursor=${asc.nextCursor}`)
    expect([...asc.items, ...asc2.items].map((t) => t.number)).toEqual(Array.from({ length: TASKS + 1 }, (_, i) => i + 1))
  })

  test('other orders page by offset, and filters hold across pages', async () => {
    const seen: string[] = []
    let cursor: string | null = ''
    do {
      const res: Page = await page(`project=LST&priority=high&sort=priority&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.items.every((t) => t.priority === 'high')).toBe(true)
      seen.push(...res.items.map((t) => t.key))
      cursor = res.nextCursor
    } while (cursor)
    expect(seen.length).toBe(TASKS / 4)
    expect(new Set(seen).size).toBe(seen.length)
  })

  test('a bad or mismatched cursor is a 400 that says to start again', async () => {
    let res = await member.request('/api/v1/planning/tasks?project=LST&cursor=not-a-cursor')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('start again')
    const first = await page('project=LST&limit=5')
    res = await member.request(`/api/v1/planning/tasks?project=LST&sort=priority&cursor=${first.nextCursor}`)
    expect(res.status).toBe(400)
  })

  test('bulk edit changes nothing when one task or one value is bad', async () => {
    const list = await page('project=LST&limit=3')
    const keys = list.items.map((t) => t.key)
    const states = list.items.map((t) => t.state.name)
    const other = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'OTH', title: 'Elsewhere' })).json()) as { id: string }
    let res = await member.post('/planning/projects/LST/bulk', { ids: [...keys, other.id], state: 'Done' })
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('nothing was changed')
    res = await member.post('/planning/projects/LST/bulk', { ids: keys, state: 'No such state' })
    expect(res.status).toBe(422)
    // the bulk form shows only while tasks are selected (CSS), but always with its error
    expect(await res.text()).toContain('id="bulk-form" class="pl-bulk-error"')
    const after = await page('project=LST&limit=3')
    expect(after.items.map((t) => t.state.name)).toEqual(states)
    res = await member.post('/planning/projects/LST/bulk', { ids: keys, state: 'Done' })
    expect(res.status).toBe(303)
    expect((await page('project=LST&limit=3')).items.map((t) => t.state.name)).toEqual(['Done', 'Done', 'Done'])
  })

  test('the list folds filters and sort into a panel, open when one is in use; the search box and / stay outside it', async () => {
    const panel = (html: string) => /<details class="pl-filter-panel"( open)?>[\s\S]*?<\/details>/.exec(html)
    let html = (await member.get('/planning/projects/LST')).html
    expect(panel(html)![1]).toBeUndefined()
    expect(html).toContain('placeholder="Title or LST-42"')
    expect(html).not.toContain('Save as view')
    expect(html).toContain('<span class="pl-selected" aria-hidden="true"></span>')
    html = (await member.get('/planning/projects/LST?q=Task')).html
    expect(panel(html)![1]).toBeUndefined() // a search alone leaves the panel folded
    expect(html).toContain('Save as view')
    html = (await member.get('/planning/projects/LST?priority=high&sort=number&milestone=m-1')).html
    expect(panel(html)![1]).toBe(' open')
    expect(panel(html)![0]).toContain('2 active') // priority and the milestone; the default sort is no filter
    expect(html).toContain('<input type="hidden" name="milestone" value="m-1"/>')
    // the board's search box (same / shortcut) filters the board itself
    const board = (await member.get('/planning/projects/LST/board')).html
    expect(board).toMatch(/<form method="get" action="\/planning\/projects\/LST\/board" class="pl-filter-form">[\s\S]*?data-shortcut="\/"/)
  })
})
