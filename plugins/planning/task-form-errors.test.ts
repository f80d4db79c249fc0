/**
 * The task forms (new task, edit) report every refused field in one 422, each beside its field, with
 * the focus on the first; the API names them all; nothing is saved; on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json, startPlanning, type CapturedEvent } from './test-support.ts'

/** The field error shown beside the field `name` of a task form, or undefined. */
const errorOf = (html: string, name: string) => new RegExp(`id="f-${name}-error"[^>]*>([^<]*)<`).exec(html)?.[1]
/** The names of the form's fields that carry autofocus. */
const focused = (html: string) => [...html.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)].map((m) => m[0]).filter((tag) => /\sautofocus\b/.test(tag)).map((tag) => /name="([^"]+)"/.exec(tag)![1])

eachDialect('planning task form errors', (dialect) => {
  let p: TestPlatform
  let admin: Client
  const events: CapturedEvent[] = []

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'ERR', 'Errors')
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'ERR', title: 'Existing', estimate: 2 })).status).toBe(201)
  })
  afterAll(() => p.stop())

  test('new task: a bad estimate, an unknown parent and an impossible date come back together; focus on the first', async () => {
    await admin.get('/planning/projects/ERR/tasks/new')
    const before = events.length
    const res = await admin.post('/planning/projects/ERR/tasks', { title: 'Kept title', estimate: 'lots', parent: 'ZZZ-9', due: '2027-02-30', priority: 'high' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorOf(html, 'estimate')).toBe('Enter the estimate as a whole number of points from 0 to 1000.')
    expect(errorOf(html, 'parent')).toBe('Unknown parent task &#x27;ZZZ-9&#x27;: enter the key of a task of this project, like ERR-12.')
    expect(errorOf(html, 'due')).toBe('Enter the due date as a date like 2025-01-31.')
    expect(errorOf(html, 'title')).toBeUndefined()
    expect(html).toContain('<p class="form-error" role="alert">3 fields need a change (marked below).</p>')
    expect(focused(html)).toEqual(['estimate']) // the first refused field in the form's order
    expect(html).toContain('value="Kept title"')
    expect(html).toMatch(/<option value="high" selected>/)
    expect(events.length).toBe(before) // nothing created
    const list = (await (await admin.request('/api/v1/planning/tasks?project=ERR')).json()) as { items: unknown[] }
    expect(list.items).toHaveLength(1)
  })

  test('new task: one refused field reads as before; an empty title takes the focus before the estimate', async () => {
    let res = await admin.post('/planning/projects/ERR/tasks', { title: 'Only one', estimate: '-1' })
    expect(res.status).toBe(422)
    let html = await res.text()
    expect(html).toContain('<p class="form-error" role="alert">Enter the estimate as a whole number of points from 0 to 1000.</p>')
    expect(focused(html)).toEqual(['estimate'])
    res = await admin.post('/planning/projects/ERR/tasks', { title: '', estimate: '9999' })
    html = await res.text()
    expect(errorOf(html, 'title')).toBe('Enter a title.')
    expect(errorOf(html, 'estimate')).toBeDefined()
    expect(focused(html)).toEqual(['title'])
    // a refused select takes the focus too (core's Select has no autofocus prop: it is added to the tag)
    res = await admin.post('/planning/projects/ERR/tasks', { title: 'Bad state', state: 'Nowhere', parent: 'ZZZ-1' })
    html = await res.text()
    expect(res.status).toBe(422)
    expect(html).toContain('Unknown state &#x27;Nowhere&#x27;: choose one of the project&#x27;s states.')
    expect(focused(html)).toEqual(['state'])
  })

  test('edit form: every refused field at once, nothing saved; the API names them all', async () => {
    await admin.get('/planning/tasks/ERR-1')
    const res = await admin.post('/planning/tasks/ERR-1', { title: '', estimate: 'x', parent: 'ZZZ-9', priority: 'none' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorOf(html, 'title')).toBe('Enter a title.')
    expect(errorOf(html, 'estimate')).toBeDefined()
    expect(errorOf(html, 'parent')).toBe('Unknown parent task &#x27;ZZZ-9&#x27;: enter the key of a task of this project, like ERR-12.')
    expect(focused(html)).toEqual(['title'])
    const task = (await (await admin.request('/api/v1/planning/tasks/ERR-1')).json()) as { title: string; estimate: number }
    expect([task.title, task.estimate]).toEqual(['Existing', 2])
    const api = await json(admin, 'PATCH', '/api/v1/planning/tasks/ERR-1', { estimate: 'x', parent: 'ZZZ-9' })
    expect(api.status).toBe(422)
    const body = JSON.stringify(await api.json())
    expect(body).toContain('Enter the estimate as a whole number of points from 0 to 1000 (estimate). Unknown parent task')
    expect(body).toContain('like ERR-12 (parent).')
  })
})
