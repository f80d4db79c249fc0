/**
 * The CSV export honours the list's filters and order (state, group, assignee, label, priority, due
 * dates, q, milestone, cycle, sort, dir): the same query string gives the same tasks as the list; a
 * bad value is a 400 naming it; without a query the export is every task by number, as before. Both
 * dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json, signInOutsider, startPlanning, type CapturedEvent } from './test-support.ts'
import { parseCsv } from './csv.ts'

eachDialect('planning CSV export with the list filters', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let outsider: Client
  let ids: { label: string; milestone: string; cycle: string; done: string }

  /** The keys (first column) of an export with `query`. */
  const exported = async (query = '') => {
    const res = await admin.request(`/planning/projects/WEB/export.csv${query ? '?' + query : ''}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    return parseCsv(await res.text()).slice(1).map((r) => r[0]!)
  }
  /** The keys the JSON list answers for the same query, in its order. */
  const listed = async (query: string) => {
    const res = await admin.request(`/api/v1/planning/tasks?project=WEB&limit=500&${query}`)
    expect(res.status).toBe(200)
    return ((await res.json()) as { items: { key: string }[] }).items.map((t) => t.key)
  }

  beforeAll(async () => {
    p = await startPlanning(dialect, [] as CapturedEvent[])
    admin = await p.adminClient()
    outsider = await signInOutsider(p)
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Web')
    await admin.get('/planning/projects/WEB/settings')
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'bug', color: '#ff0000' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/milestones', { name: 'Launch', targetDate: '2030-03-01', description: '' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/cycles', { name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    const create = async (body: Record<string, unknown>) => expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', ...body })).status).toBe(201)
    await create({ title: 'Epic login', priority: 'high', milestoneId: 'Launch' }) // WEB-1
    await create({ title: 'Login form', priority: 'low', parent: 'WEB-1', labels: ['bug'], cycleId: 'Sprint 1', due: '2030-01-10' }) // WEB-2
    await create({ title: 'Docs', priority: 'urgent', state: 'Done', due: '2030-02-10' }) // WEB-3
    await create({ title: 'Mine', priority: 'medium', assigneeEmail: 'admin@example.com' }) // WEB-4
    const get = async (path: string) => ((await (await admin.request(`/api/v1/planning/projects/WEB/${path}`)).json()) as { items: { id: string; name: string }[] }).items
    ids = {
      label: (await get('labels'))[0]!.id,
      milestone: (await get('milestones'))[0]!.id,
      cycle: (await get('cycles'))[0]!.id,
      done: (await get('states')).find((s) => s.name === 'Done')!.id,
    }
  })
  afterAll(() => p.stop())

  test('without a query: every task by number, as before', async () => {
    expect(await exported()).toEqual(['WEB-1', 'WEB-2', 'WEB-3', 'WEB-4'])
  })

  test('each filter keeps what the list keeps', async () => {
    const cases: [string, string[]][] = [
      ['priority=high', ['WEB-1']],
      ['priority=high,urgent', ['WEB-1', 'WEB-3']],
      ['state=Done', ['WEB-3']],
      [`state=${ids.done}`, ['WEB-3']],
      ['open=true', ['WEB-1', 'WEB-2', 'WEB-4']],
      ['group=completed', ['WEB-3']],
      ['assignee=me', ['WEB-4']],
      ['assignee=none', ['WEB-1', 'WEB-2', 'WEB-3']],
      [`label=${ids.label}`, ['WEB-2']],
      ['label=bug', ['WEB-2']],
      ['q=login', ['WEB-1', 'WEB-2']],
      ['q=WEB-3', ['WEB-3']],
      [`milestone=${ids.milestone}`, ['WEB-1']],
      [`cycle=${ids.cycle}`, ['WEB-2']],
      ['dueBefore=2030-01-31', ['WEB-2']],
      ['dueAfter=2030-01-31', ['WEB-3']],
      ['priority=high,low&q=login', ['WEB-1', 'WEB-2']],
    ]
    for (const [query, keys] of cases) {
      expect({ query, keys: await exported(query) }).toEqual({ query, keys })
      if (!query.startsWith('label=bug')) expect({ query, keys: [...(await listed(query))].sort() }).toEqual({ query, keys })
    }
  })

  test('sort and dir give the list order; the parent column names a parent left out by the filter', async () => {
    expect(await exported('sort=priority')).toEqual(['WEB-3', 'WEB-1', 'WEB-4', 'WEB-2'])
    expect(await exported('sort=priority')).toEqual(await listed('sort=priority'))
    expect(await exported('sort=number&dir=desc')).toEqual(['WEB-4', 'WEB-3', 'WEB-2', 'WEB-1'])
    expect(await exported('sort=due&dir=asc')).toEqual(await listed('sort=due&dir=asc'))
    const res = await admin.request(`/planning/projects/WEB/export.csv?label=${ids.label}`)
    const rows = parseCsv(await res.text())
    const parent = rows[0]!.indexOf('parent')
    expect(rows[1]![parent]).toBe('WEB-1')
  })

  test('a bad filter is a 400 naming it; another organization is a 404', async () => {
    for (const [query, text] of [
      ['priority=mega', 'The priority filter has an unknown value'],
      ['state=Nope', 'The state filter names an unknown state'],
      ['sort=evil', 'The sort has an unknown value'],
      ['dueBefore=soon', 'The dueBefore filter must be a date'],
      ['milestone=nope', 'The milestone filter names no milestone'],
    ] as [string, string][]) {
      const res = await admin.request(`/planning/projects/WEB/export.csv?${query}`)
      expect(res.status).toBe(400)
      expect(await res.text()).toContain(text)
    }
    expect((await outsider.request('/planning/projects/WEB/export.csv?priority=high')).status).toBe(404)
  })

  test("the list page's Export CSV link carries the list's filters, so it exports what the list shows", async () => {
    const page = (await admin.get('/planning/projects/WEB?priority=high,urgent&sort=priority')).html
    const href = /<a href="([^"]*export\.csv[^"]*)"/.exec(page)?.[1]?.replace(/&amp;/g, '&')
    expect(href).toBeDefined()
    const query = href!.split('?')[1] ?? ''
    expect(new URLSearchParams(query).get('priority')).toBe('high,urgent')
    expect(await exported(query)).toEqual(['WEB-3', 'WEB-1'])
    expect((await admin.get('/planning/projects/WEB')).html).toContain('href="/planning/projects/WEB/export.csv"')
  })
})
