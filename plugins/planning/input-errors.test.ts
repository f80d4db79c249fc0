/**
 * Bad input on planning's forms and JSON API: every refusal is a 4xx that says what to fix, the form
 * comes back with what was typed, and nothing is half-saved (relations, saved views, bulk edit, the
 * API's fields and list parameters); on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json, startPlanning, type CapturedEvent } from './test-support.ts'

eachDialect('planning input errors', (dialect) => {
  let p: TestPlatform
  let admin: Client

  beforeAll(async () => {
    p = await startPlanning(dialect, [] as CapturedEvent[])
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Web')
    await createProject(admin, 'EMP', 'Empty')
    for (let i = 1; i <= 3; i++) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: `Task ${i}` })).status).toBe(201)
  })
  afterAll(() => p.stop())

  test('a relation to an unknown task comes back with the typed key and the error beside it', async () => {
    await admin.get('/planning/tasks/WEB-2')
    const res = await admin.post('/planning/tasks/WEB-2/relations', { kind: 'blocked_by', other: 'WEB-999' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toMatch(/name="other" value="WEB-999"/)
    expect(html).toMatch(/<option value="blocked_by" selected>/)
    expect(html).toContain('id="relation-other-error"')
    expect(html).toContain('Unknown task &#x27;WEB-999&#x27;: enter a task key, like WEB-12.')
  })

  test('"A blocks B" then "A blocked by B" is refused naming both tasks; B lists A once', async () => {
    await admin.get('/planning/tasks/WEB-2')
    expect((await admin.post('/planning/tasks/WEB-2/relations', { kind: 'blocks', other: 'WEB-3' })).status).toBe(303)
    const res = await admin.post('/planning/tasks/WEB-2/relations', { kind: 'blocked_by', other: 'WEB-3' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('WEB-2 already blocks WEB-3, so WEB-3 cannot also block WEB-2')
    expect(html).toMatch(/name="other" value="WEB-3"/)
    // from the other side too
    await admin.get('/planning/tasks/WEB-3')
    expect((await admin.post('/planning/tasks/WEB-3/relations', { kind: 'blocks', other: 'WEB-2' })).status).toBe(422)
    const detail = (await (await admin.request('/api/v1/planning/tasks/WEB-3')).json()) as { relations: { blocks: unknown[]; blockedBy: { key: string }[] } }
    expect(detail.relations.blocks).toEqual([])
    expect(detail.relations.blockedBy.map((x) => x.key)).toEqual(['WEB-2'])
  })

  test('saving a view: a long name, bad filters and a taken name are refused with the name kept', async () => {
    await admin.get('/planning/projects/WEB')
    const long = 'N'.repeat(61)
    let res = await admin.post('/planning/projects/WEB/views', { name: long, query: 'priority=high' })
    expect(res.status).toBe(422)
    let html = await res.text()
    expect(html).toContain(`value="${long}"`)
    expect(html).toContain('id="view-name-error"')
    expect(html).toMatch(/<details class="pl-save-view" open/)

    res = await admin.post('/planning/projects/WEB/views', { name: 'Broken', query: 'state=zzz&priority=mega&sort=evil&dueAfter=notadate' })
    expect(res.status).toBe(422)
    html = await res.text()
    expect(html).toContain('value="Broken"')
    expect(html).toContain('The priority filter has an unknown value &#x27;mega&#x27;: use urgent, high, medium, low or none.')
    for (const [query, says] of [['state=zzz', 'The state filter names'], ['sort=evil', 'The sort has'], ['dueAfter=notadate', 'The dueAfter filter must be a date'], ['label=nope', 'The label filter names']] as const) {
      res = await admin.post('/planning/projects/WEB/views', { name: 'Broken', query })
      expect(res.status).toBe(422)
      expect(await res.text()).toContain(says)
    }
    ;({ html } = await admin.get('/planning/projects/WEB'))
    expect(html).not.toContain('Broken')

    expect((await admin.post('/planning/projects/WEB/views', { name: 'Urgent', query: 'priority=urgent' })).status).toBe(303)
    res = await admin.post('/planning/projects/WEB/views', { name: 'urgent', query: 'priority=low' })
    expect(res.status).toBe(409)
    html = await res.text()
    expect(html).toContain('You already have a view named &#x27;Urgent&#x27;')
    expect(html).toContain('value="urgent"')
    ;({ html } = await admin.get('/planning/projects/WEB'))
    expect(html).toContain('href="/planning/projects/WEB?priority=urgent"')
    expect(html).not.toContain('priority=low')
  })

  test('the list refuses unknown filter values with a message (422) instead of an empty list', async () => {
    const { res, html } = await admin.get('/planning/projects/WEB?priority=mega')
    expect(res.status).toBe(422)
    expect(html).toContain('The priority filter has an unknown value &#x27;mega&#x27;')
  })

  test('bulk edit with nothing selected on a project without tasks says so', async () => {
    await admin.get('/planning/projects/EMP')
    const res = await admin.post('/planning/projects/EMP/bulk', { state: '', back: '/planning/projects/EMP' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('role="alert">Select at least one task.')
  })

  test('JSON API: a body that is no JSON is a JSON error', async () => {
    const res = await admin.request('/api/v1/planning/tasks/WEB-2', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf }, body: '{bad' })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('application/json')
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBeTruthy()
    expect(body.error.message).toContain('JSON')
  })

  test('JSON API: an unknown field is a 422 naming it and the accepted ones; nothing changes', async () => {
    let res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-2', { assignee: 'nobody@x' })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('invalid')
    expect(body.error.message).toContain("Unknown field 'assignee'")
    expect(body.error.message).toContain('assigneeId')
    expect(body.error.message).toContain('assigneeEmail')
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-2', { title: 'Renamed', colour: 'red' })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("Unknown field 'colour': the accepted fields are title,")
    expect(((await (await admin.request('/api/v1/planning/tasks/WEB-2')).json()) as { title: string }).title).toBe('Task 2')
    res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'x', asignee: 'a' })
    expect(res.status).toBe(422)
    // the admin's own email assigns
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-2', { assigneeEmail: 'admin@example.com' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { assignee: { email: string } }).assignee.email).toBe('admin@example.com')
  })

  test('JSON API list: bad filters, sorts and limits are a 400 saying what is allowed', async () => {
    const cases: [string, string][] = [
      ['priority=mega', "The priority filter has an unknown value 'mega': use urgent, high, medium, low or none."],
      ['state=nope', "The state filter names an unknown state 'nope'"],
      ['project=WEB&state=nope', 'use Backlog'],
      ['limit=abc', "The limit must be a whole number from 1 to 500 (got 'abc')."],
      ['limit=0', 'The limit must be a whole number from 1 to 500'],
      ['limit=100000', 'The limit must be a whole number from 1 to 500'],
      ['sort=evil', 'use number, created, updated, priority or due.'],
      ['dir=up', 'use asc or desc.'],
      ['dueBefore=2025-02-30', 'The dueBefore filter must be a date'],
    ]
    for (const [q, says] of cases) {
      const res = await admin.request(`/api/v1/planning/tasks?${q}`)
      expect(res.status, q).toBe(400)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.message, q).toContain(says)
    }
    // good values still work; with a project, a state may be named
    let res = await admin.request('/api/v1/planning/tasks?project=WEB&state=todo&limit=500&sort=priority&dir=asc')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { items: unknown[] }).items.length).toBe(3)
    res = await admin.request('/api/v1/planning/tasks?priority=none,high')
    expect(res.status).toBe(200)
    // the list page and a saved view take a named state the same way
    const byName = await admin.get('/planning/projects/WEB?state=Todo')
    expect(byName.res.status).toBe(200)
    expect(byName.html.match(/<tr class="pl-row"/g)?.length).toBe(3)
    expect((await admin.post('/planning/projects/WEB/views', { name: 'Todo by name', query: 'state=Todo' })).status).toBe(303)
    // a task's position is still set through the API (the board's order)
    const moved = await admin.request('/api/v1/planning/tasks/WEB-1', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf }, body: '{"position":5}' })
    expect(moved.status).toBe(200)
  })
})
