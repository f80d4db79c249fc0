/**
 * How planning's pages word things, on both dialects: statuses read in sentence case as the selects
 * offer them (a project's "Active", a cycle's "Current"); every error a form or the API shows is a
 * sentence in sentence case ending with a period that says what to do; the new-project form reports
 * every refused field at once (an empty key and name: both errors, each beside its field).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json, startPlanning, type CapturedEvent } from './test-support.ts'

/** Text of escaped HTML (what @kitajs/html's escaping writes). */
const unescape = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** The texts of a page's field errors and its error line above the form. */
function errorsOf(html: string): string[] {
  return [...html.matchAll(/<(?:small|p) (?:id="[^"]*" )?class="(?:field-error|form-error)"[^>]*>([^<]*)</g)].map((m) => unescape(m[1]!))
}

/** A sentence in sentence case ending with a period. */
const SENTENCE = /^[A-Z0-9].*\.$/s

eachDialect('planning wording', (dialect) => {
  let p: TestPlatform
  let admin: Client

  beforeAll(async () => {
    p = await startPlanning(dialect, [] as CapturedEvent[])
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Website')
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'First' })).status).toBe(201)
  })
  afterAll(() => p.stop())

  test('statuses read in sentence case: the projects list says "Active" as the Status select does, cycles "Current", "Past", "Upcoming"', async () => {
    let { html } = await admin.get('/planning')
    expect(html).toContain('<span class="badge">Active</span>')
    expect(html).not.toMatch(/>active</)
    expect((await json(admin, 'PATCH', '/api/v1/planning/projects/WEB', { status: 'paused' })).status).toBe(200)
    ;({ html } = await admin.get('/planning'))
    expect(html).toContain('<span class="badge">Paused</span>')
    const today = Date.now()
    const day = (offset: number) => new Date(today + offset * 86_400_000).toISOString().slice(0, 10)
    for (const [name, from, to] of [['Old', -30, -20], ['Now', -3, 3], ['Next', 20, 30]] as const) {
      expect((await admin.post('/planning/projects/WEB/cycles', { name, startsAt: day(from), endsAt: day(to) })).status).toBe(303)
    }
    ;({ html } = await admin.get('/planning/projects/WEB/cycles'))
    const badges = [...html.matchAll(/<span class="badge[^"]*">([^<]*)<\/span>/g)].map((m) => m[1])
    expect(badges).toEqual(['Past', 'Current', 'Upcoming'])
  })

  test('the new-project form reports an empty key and an empty name together, each beside its field', async () => {
    const res = await admin.post('/planning/projects', { key: '', name: '', description: 'kept' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('<small id="f-key-error" class="field-error">Enter a key of 2 to 6 letters or digits, like WEB.</small>')
    expect(html).toContain('<small id="f-name-error" class="field-error">Enter a name.</small>')
    expect(html.match(/aria-invalid="true"/g)?.length).toBe(2)
    expect(html).toContain('>kept</textarea>')
    // a bad key beside a good name: only the key; a key taken: says to choose another
    const bad = await (await admin.post('/planning/projects', { key: 'W', name: 'Web two' })).text()
    expect(errorsOf(bad)).toEqual(['Enter a key of 2 to 6 letters or digits, like WEB.'])
    const taken = await (await admin.post('/planning/projects', { key: 'web', name: 'Web two' })).text()
    expect(errorsOf(taken)).toEqual(['A project with the key WEB exists already: choose another key.'])
    // the API names both fields, each message a sentence
    const api = await json(admin, 'POST', '/api/v1/planning/projects', { key: '', name: '' })
    expect(api.status).toBe(422)
    expect(((await api.json()) as { error: { message: string } }).error.message).toBe('Enter a key of 2 to 6 letters or digits, like WEB (key). Enter a name (name).')
  })

  test('every error the forms show is a sentence in sentence case ending with a period', async () => {
    await admin.get('/planning/projects/WEB')
    const refused: [string, Record<string, string | string[]>][] = [
      ['/planning/projects', { key: '', name: '' }],
      ['/planning/projects/WEB', { name: '', status: 'someday' }],
      ['/planning/projects/WEB/tasks', { title: '', estimate: 'lots', due: 'soon', parent: 'NOPE-1' }],
      ['/planning/projects/WEB/states', { name: '', group: 'started' }],
      ['/planning/projects/WEB/states', { name: 'Todo', group: 'started' }],
      ['/planning/projects/WEB/labels', { name: 'bug', color: 'red' }],
      ['/planning/projects/WEB/milestones', { name: '', targetDate: '2030-02-30' }],
      ['/planning/projects/WEB/cycles', { name: 'Later', startsAt: '', endsAt: '' }],
      ['/planning/projects/WEB/cycles', { name: 'Backwards', startsAt: '2031-02-10', endsAt: '2031-02-01' }],
      ['/planning/projects/WEB/views', { name: '', query: 'priority=high' }],
      ['/planning/projects/WEB/views', { name: 'Odd', query: 'priority=mega' }],
      ['/planning/projects/WEB/bulk', { ids: [], back: '/planning/projects/WEB' }],
      ['/planning/tasks/WEB-1/relations', { kind: 'blocks', other: 'WEB-999' }],
      ['/planning/tasks/WEB-1/relations', { kind: 'blocks', other: 'WEB-1' }],
    ]
    for (const [path, form] of refused) {
      const res = await admin.post(path, form)
      expect([409, 422]).toContain(res.status)
      const errors = errorsOf(await res.text())
      expect(errors.length, path).toBeGreaterThan(0)
      for (const e of errors) expect(e, `${path}: ${e}`).toMatch(SENTENCE)
    }
    // the list's own filters and the board's
    for (const path of ['/planning/projects/WEB?priority=mega&sort=x', '/planning/projects/WEB/board?label=ghost', '/planning/projects/WEB?dueAfter=soon']) {
      const { res, html } = await admin.get(path)
      expect(res.status).toBe(422)
      for (const e of errorsOf(html)) expect(e, path).toMatch(SENTENCE)
    }
  })

  test("the API's errors are sentences too, naming the field before the period", async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/v1/planning/tasks', { project: 'WEB', title: '' }, 'Enter a title (title).'],
      ['POST', '/api/v1/planning/tasks', { title: 'No project' }, 'Name the project: send project with its key, like WEB (project).'],
      ['PATCH', '/api/v1/planning/tasks/WEB-1', { priority: 'asap' }, "Unknown priority 'asap': use urgent, high, medium, low or none (priority)."],
      ['PATCH', '/api/v1/planning/tasks/WEB-1', { due: '31/01/2030' }, 'Enter the due date as a date like 2025-01-31 (due).'],
      ['PATCH', '/api/v1/planning/tasks/WEB-1', { colour: 'red' }, "Unknown field 'colour': the accepted fields are "],
      ['PATCH', '/api/v1/planning/projects/WEB', { key: 'NEW' }, 'The key of a project cannot change (task keys link to it): leave it out (key).'],
      ['GET', '/api/v1/planning/tasks?limit=0', undefined, "The limit must be a whole number from 1 to 500 (got '0')."],
      ['GET', '/api/v1/planning/tasks/WEB-999', undefined, 'There is no such task in this organization.'],
    ]
    for (const [method, path, body, message] of cases) {
      const res = await json(admin, method, path, body)
      expect(res.status).toBeGreaterThanOrEqual(400)
      const text = ((await res.json()) as { error: { message: string } }).error.message
      expect(text, path).toStartWith(message)
      expect(text, path).toMatch(SENTENCE)
    }
  })
})
