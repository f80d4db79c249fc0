/**
 * The board treats its filters as the list does: an unknown priority, label (id or name), milestone
 * or cycle is a 422 naming the parameter, the same message on both pages, over an empty board (never
 * a board that quietly ignores the filter); a move posted with such filters moves nothing. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

/** The page's form error, as rendered. */
const errorOf = (html: string) => /<p class="form-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1]
const cardsOf = (html: string) => [...html.matchAll(/id="card-([A-Z]+-\d+)"/g)].map((m) => m[1]).sort()

eachDialect('planning board filters', (dialect) => {
  let p: TestPlatform
  let member: Client
  let otherCycle: string
  const events: CapturedEvent[] = []

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    const admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Website')
    await createProject(admin, 'OPS', 'Operations')
    await admin.get('/planning/projects/WEB/settings')
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'Bug', color: '#cc0000' })).status).toBe(303)
    await admin.get('/planning/projects/OPS/cycles')
    expect((await admin.post('/planning/projects/OPS/cycles', { name: 'Ops 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    otherCycle = (((await (await admin.request('/api/v1/planning/projects/OPS/cycles')).json()) as { items: { id: string }[] }).items[0]!).id
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Crash', priority: 'urgent', labels: ['Bug'] })).status).toBe(201)
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Polish', priority: 'low' })).status).toBe(201)
    member = (await p.member('member')).client
    await member.get('/planning')
  }, 30_000)
  afterAll(() => p.stop())

  test('known filters narrow the board as they narrow the list (labels by name too)', async () => {
    for (const query of ['priority=urgent', 'label=bug', 'priority=urgent,low&label=Bug']) {
      const board = await member.get(`/planning/projects/WEB/board?${query}`)
      expect(board.res.status).toBe(200)
      expect(errorOf(board.html)).toBeUndefined()
      expect(cardsOf(board.html)).toEqual(['WEB-1'])
      expect((await member.get(`/planning/projects/WEB?${query}`)).res.status).toBe(200)
    }
  })

  test('an unknown value is a 422 on both pages, with the same message naming the filter, and the board shows no card', async () => {
    for (const [query, message] of [
      ['priority=urgentish', 'The priority filter has an unknown value &#x27;urgentish&#x27;: use urgent, high, medium, low or none.'],
      ['priority=urgent,nope', 'The priority filter has an unknown value &#x27;nope&#x27;'],
      ['label=Feature', 'The label filter names no label of this project (&#x27;Feature&#x27;): choose one of its labels.'],
      ['label=bug&label=ghost', 'The label filter names no label of this project (&#x27;ghost&#x27;)'],
      ['milestone=00000000-0000-7000-8000-000000000000', 'The milestone filter names no milestone of this project (&#x27;00000000-0000-7000-8000-000000000000&#x27;)'],
      [`cycle=${otherCycle}`, `The cycle filter names no cycle of this project (&#x27;${otherCycle}&#x27;)`],
    ] as const) {
      const board = await member.get(`/planning/projects/WEB/board?${query}`)
      const list = await member.get(`/planning/projects/WEB?${query}`)
      expect([board.res.status, list.res.status]).toEqual([422, 422])
      expect(errorOf(board.html)).toStartWith(message)
      expect(errorOf(board.html)).toBe(errorOf(list.html)!)
      expect(cardsOf(board.html)).toEqual([])
      // the filter stays in the board's form, to be corrected
      expect(board.html).toContain('<details class="pl-filter-panel" open>')
    }
  })

  test('a move posted with unknown filters moves nothing (422 with the message); with good ones it moves', async () => {
    await member.get('/planning/projects/WEB/board')
    events.length = 0
    let res = await member.post('/planning/projects/WEB/board', { move: 'WEB-2', 'WEB-2': 'Done', view: 'priority=low,sometimes' })
    expect(res.status).toBe(422)
    expect(errorOf(await res.text())).toStartWith('The priority filter has an unknown value &#x27;sometimes&#x27;')
    expect(events).toEqual([])
    expect(((await (await member.request('/api/v1/planning/tasks/WEB-2')).json()) as { state: { name: string } }).state.name).toBe('Todo')
    res = await member.post('/planning/projects/WEB/board', { move: 'WEB-2', 'WEB-2': 'Done', view: 'priority=low' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/projects/WEB/board?priority=low')
    expect(((await (await member.request('/api/v1/planning/tasks/WEB-2')).json()) as { state: { name: string } }).state.name).toBe('Done')
  })
})
