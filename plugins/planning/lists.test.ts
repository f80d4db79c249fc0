/**
 * Planning lists at scale: cursor pagination (keyset and offset), all-or-nothing bulk edits (state,
 * milestone, cycle) and bulk delete behind a confirmation page; on both dialects.
 */
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
    expect(html).toContain('aria-label="Remove filter Milestone: m-1"') // an unknown milestone: a chip to drop it
    // the board's search box (same / shortcut) filters the board itself
    const board = (await member.get('/planning/projects/LST/board')).html
    expect(board).toMatch(/<form method="get" action="\/planning\/projects\/LST\/board" class="pl-filter-form">[\s\S]*?data-shortcut="\/"/)
  })

  test('bulk edit sets and clears milestone and cycle; their selects show only when the project has some', async () => {
    let html = (await member.get('/planning/projects/LST')).html
    expect(html).not.toContain('id="bulk-milestone"')
    expect(html).not.toContain('id="bulk-cycle"')
    // the header's select-all box: no name (it is not sent), hidden until board.js shows it
    expect(html).toContain('<th class="pl-c-check"><input type="checkbox" class="pl-select-all" aria-label="Select all tasks on this page" title="Select all" hidden/></th>')
    const admin = await p.adminClient()
    await admin.get('/planning/projects/LST/milestones')
    expect((await admin.post('/planning/projects/LST/milestones', { name: 'M1', targetDate: '2030-01-01', description: '' })).status).toBe(303)
    expect((await admin.post('/planning/projects/LST/cycles', { name: 'C1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    expect((await admin.post('/planning/projects/OTH/cycles', { name: 'Not here', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    html = (await member.get('/planning/projects/LST')).html
    const option = (id: string, name: string) => new RegExp(`<option value="([\\w-]+)">${name}</option>`).exec(html.slice(html.indexOf(`id="${id}"`)))![1]!
    const m1 = option('bulk-milestone', 'M1')
    const c1 = option('bulk-cycle', 'C1')
    expect(html).toMatch(/<select id="bulk-milestone" name="milestoneId"><option value="">Keep<\/option><option value="-">No milestone<\/option>/)
    const other = /cycle=([\w-]+)/.exec((await admin.get('/planning/projects/OTH/cycles')).html)![1]!
    const keys = (await page('project=LST&limit=4')).items.map((t) => t.key)
    let res = await member.post('/planning/projects/LST/bulk', { ids: keys, milestoneId: m1, cycleId: c1, back: '/planning/projects/LST' })
    expect(res.status).toBe(303)
    const detail = async (key: string) => (await (await member.request(`/api/v1/planning/tasks/${key}`)).json()) as { milestoneId: string | null; cycleId: string | null }
    for (const key of keys) expect(await detail(key)).toMatchObject({ milestoneId: m1, cycleId: c1 })
    expect((await page(`project=LST&cycle=${c1}&limit=50`)).items.map((t) => t.key).sort()).toEqual([...keys].sort())
    // '-' clears one and keeps the other; a cycle of another project changes nothing (422)
    res = await member.post('/planning/projects/LST/bulk', { ids: keys.slice(0, 2), cycleId: '-', milestoneId: '' })
    expect(res.status).toBe(303)
    expect(await detail(keys[0]!)).toMatchObject({ milestoneId: m1, cycleId: null })
    expect(await detail(keys[2]!)).toMatchObject({ milestoneId: m1, cycleId: c1 })
    res = await member.post('/planning/projects/LST/bulk', { ids: keys, cycleId: other })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('This project has no such cycle: choose one of its cycles.')
    expect(await detail(keys[2]!)).toMatchObject({ cycleId: c1 })
  })

  test('bulk delete asks first on a page naming the tasks, then deletes each (an event per task); all or nothing; 403 and 404', async () => {
    const made: { key: string; id: string }[] = []
    for (const title of ['Doomed <one>', 'Doomed two', 'Doomed three']) made.push((await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'LST', title })).json()) as { key: string; id: string })
    const ids = made.map((t) => t.id)
    await member.get('/planning/projects/LST')
    // the bulk form's delete button (after Apply, so Enter in a field applies)
    const html = (await member.get('/planning/projects/LST')).html
    const bulk = html.slice(html.indexOf('<fieldset class="pl-bulk" id="bulk-edit">'))
    expect(bulk.indexOf('Apply to selected')).toBeLessThan(bulk.indexOf('<button type="submit" name="op" value="delete" class="outline danger pl-bulk-delete">Delete selected&hellip;</button>'))

    const events: string[] = []
    const off = p.host.bus.onAny('lists-test', (name, payload: any) => {
      if (name === 'planning.task.deleted') events.push(payload.task.key)
    })
    // first the confirmation: 200, names each task (escaped), nothing deleted yet
    let res = await member.post('/planning/projects/LST/bulk', { ids, op: 'delete', state: 'Done', back: '/planning/projects/LST?priority=high' })
    expect(res.status).toBe(200)
    let text = await res.text()
    expect(text).toContain('<h1>Delete 3 tasks?</h1>')
    expect(text).toContain(`<span class="task-key">${made[0]!.key}</span> Doomed &lt;one&gt;`)
    expect(text).toContain('<input type="hidden" name="confirm" value="yes"/>')
    for (const id of ids) expect(text).toContain(`<input type="hidden" name="ids" value="${id}"/>`)
    expect(text).toContain('<a href="/planning/projects/LST?priority=high">Cancel</a>')
    expect(events).toEqual([])
    for (const t of made) expect((await member.request(`/api/v1/planning/tasks/${t.key}`)).status).toBe(200)

    // a task of another project, or none selected: nothing goes
    const elsewhere = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'OTH', title: 'Safe' })).json()) as { key: string; id: string }
    res = await member.post('/planning/projects/LST/bulk', { ids: [...ids, elsewhere.id], op: 'delete', confirm: 'yes' })
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('nothing was changed')
    res = await member.post('/planning/projects/LST/bulk', { op: 'delete', confirm: 'yes' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Select at least one task')
    expect(events).toEqual([])
    // guests may not; another organization finds nothing
    const guest = (await p.member('guest')).client
    await guest.get('/planning/projects/LST')
    expect((await guest.post('/planning/projects/LST/bulk', { ids, op: 'delete', confirm: 'yes' })).status).toBe(403)
    const outsiderOrg = await p.deps.identity.orgs.createOrg({ name: 'Elsewhere' }, p.admin!.id)
    const outsider = (await p.member('member', outsiderOrg)).client
    await outsider.get('/planning')
    expect((await outsider.post('/planning/projects/LST/bulk', { ids, op: 'delete', confirm: 'yes' })).status).toBe(404)
    for (const t of made) expect((await member.request(`/api/v1/planning/tasks/${t.key}`)).status).toBe(200)

    // confirmed: every task goes, each with its event, back to where the list was
    res = await member.post('/planning/projects/LST/bulk', { ids, op: 'delete', confirm: 'yes', back: '/planning/projects/LST?priority=high' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/projects/LST?priority=high')
    expect(events.sort()).toEqual(made.map((t) => t.key).sort())
    for (const t of made) expect((await member.request(`/api/v1/planning/tasks/${t.key}`)).status).toBe(404)
    expect((await member.request(`/api/v1/planning/tasks/${elsewhere.key}`)).status).toBe(200)
    text = (await member.get('/planning/projects/LST?priority=high')).html
    expect(text).toContain('3 tasks deleted')
    off()
  })

  test('a task without priority shows a dash in its Priority cell, like every other empty cell', async () => {
    const html = (await member.get('/planning/projects/LST?q=Created+while+paging')).html
    const row = /<tr class="pl-row"[^>]*>(?:(?!<\/tr>)[\s\S])*Created while paging[\s\S]*?<\/tr>/.exec(html)?.[0] ?? ''
    expect(row).toMatch(/<td><span class="badge pl-state [^"]*">[^<]*<\/span><\/td><td class="pl-c-none">&mdash;<\/td>/)
    expect(row).not.toContain('pl-priority')
    // with a priority, the cell holds its badge
    const urgent = (await member.get('/planning/projects/LST?priority=urgent')).html
    expect(urgent).toMatch(/<\/td><td><span class="badge pl-priority pl-priority-urgent" title="Priority">Urgent<\/span><\/td>/)
  })

  test("a task's labels follow their renames, new colors and deletion at once (the list reads labels from the project's cache)", async () => {
    const admin = await p.adminClient()
    for (const name of ['zeta', 'Alpha']) expect((await admin.post('/planning/projects/LST/labels', { name, color: '#6b7280' })).status).toBeLessThan(400)
    const created = await json(member, 'POST', '/api/v1/planning/tasks', { project: 'LST', title: 'Labelled', labels: ['zeta', 'Alpha'] })
    expect(created.status).toBe(201)
    const key = ((await created.json()) as { key: string }).key
    const labelsOf = async () => {
      const item = (await page('project=LST&limit=5')).items.find((t) => t.key === key) as unknown as { labels: { id: string; name: string; color: string }[] }
      return item.labels
    }
    const before = await labelsOf()
    expect(before.map((l) => l.name)).toEqual(['Alpha', 'zeta'])
    const zeta = before.find((l) => l.name === 'zeta')!
    expect((await admin.post(`/planning/projects/LST/labels/${zeta.id}`, { name: 'Beta', color: '#123456' })).status).toBeLessThan(400)
    expect(await labelsOf()).toEqual([before[0]!, { id: zeta.id, name: 'Beta', color: '#123456' }])
    const alpha = before[0]!
    expect((await admin.post(`/planning/projects/LST/labels/${alpha.id}/delete`, {})).status).toBeLessThan(400)
    expect((await labelsOf()).map((l) => l.name)).toEqual(['Beta'])
  })
})
