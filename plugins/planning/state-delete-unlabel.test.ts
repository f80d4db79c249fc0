/**
 * Deleting a state that tasks are in: the settings page offers "Move its N tasks to <state>", and
 * the delete route with `moveTo` moves each task (history, planning.task.state_changed) then deletes
 * the state; a bad target (the state itself, unknown, another project's) changes nothing. Bulk edit
 * takes a label off the selected tasks (`unlabel`), keeping their other labels, alone or with other
 * changes; adding and removing the same label is refused. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

/** State names in board order, with their ids, from the settings page. */
const statesOf = (html: string) => [...html.matchAll(/action="\/planning\/projects\/\w+\/states\/([\w-]+)" class="row-form">[\s\S]*?name="name" value="([^"]*)"/g)].map((m) => ({ id: m[1]!, name: m[2]! }))

eachDialect('planning: deleting a state in use, removing a label in bulk', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  const events: CapturedEvent[] = []

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    member = (await p.member('member')).client
    await createProject(admin, 'WEB', 'Website')
    await createProject(admin, 'API', 'API')
    await admin.get('/planning/projects/WEB/settings')
    await member.get('/planning/projects/WEB')
  }, 30_000)
  afterAll(() => p.stop())

  const task = async (ref: string) => (await (await json(member, 'GET', `/api/v1/planning/tasks/${ref}`)).json()) as any
  const make = async (body: Record<string, unknown>) => (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', ...body })).json()) as { id: string; key: string }

  test('a state in use: the settings offer to move its tasks; moving them deletes the state, each task recorded', async () => {
    expect((await admin.post('/planning/projects/WEB/states', { name: 'Review', group: 'started' })).status).toBe(303)
    const a = await make({ title: 'One', state: 'Review' })
    const b = await make({ title: 'Two', state: 'Review' })
    let page = (await admin.get('/planning/projects/WEB/settings')).html
    const states = statesOf(page)
    const review = states.find((s) => s.name === 'Review')!
    const progress = states.find((s) => s.name === 'In Progress')!
    const done = states.find((s) => s.name === 'Done')!
    // the offer: a folded form naming the count, the other states to choose (same group first)
    const offer = new RegExp(`<details class="pl-state-delete"><summary role="button" class="outline danger">Delete</summary><form method="post" action="/planning/projects/WEB/states/${review.id}/delete" class="row-form">[\\s\\S]*?</form></details>`).exec(page)?.[0]
    expect(offer).toBeDefined()
    expect(offer).toContain(`<label for="move-${review.id}">Move its 2 tasks to</label>`)
    expect(offer).toContain(`<option value="${progress.id}" selected>In Progress</option>`)
    expect(offer).not.toContain(`<option value="${review.id}"`)
    expect(offer).toContain('data-confirm="Move the 2 tasks of Review and delete Review?">Move and delete Review</button>')
    // unused states keep their plain Delete button
    expect(page).toContain(`action="/planning/projects/WEB/states/${done.id}/delete"`)

    // bad targets change nothing
    const apiStates = statesOf((await admin.get('/planning/projects/API/settings')).html)
    for (const [moveTo, message] of [
      [review.id, 'Choose another state than Review'],
      ['Nowhere', 'Unknown state &#x27;Nowhere&#x27;: choose one of the project&#x27;s states.'],
      [apiStates[0]!.id, 'Unknown state'],
      ['', 'Choose the state the tasks of Review move to'],
    ] as const) {
      const res = await admin.post(`/planning/projects/WEB/states/${review.id}/delete`, { moveTo })
      expect(res.status).toBe(422)
      expect(await res.text()).toContain(message)
    }
    expect((await task(a.key)).state.name).toBe('Review')
    // a member may not; without moveTo it is refused as before
    expect((await member.post(`/planning/projects/WEB/states/${review.id}/delete`, { moveTo: done.id })).status).toBe(403)
    let res = await admin.post(`/planning/projects/WEB/states/${review.id}/delete`, {})
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('Review still has 2 task(s): choose a state to move them to')

    events.length = 0
    res = await admin.post(`/planning/projects/WEB/states/${review.id}/delete`, { moveTo: 'Done' })
    expect(res.status).toBe(303)
    page = (await admin.get('/planning/projects/WEB/settings')).html
    expect(page).toContain('State deleted; its 2 tasks moved')
    expect(statesOf(page).map((s) => s.name)).not.toContain('Review')
    for (const t of [a, b]) {
      const now = await task(t.key)
      expect(now.state.name).toBe('Done')
      expect(now.completedAt).not.toBeNull()
      expect((await member.get(`/planning/tasks/${t.key}`)).html).toContain('changed state from Review to Done')
    }
    const moved = events.filter((e) => e.name === 'planning.task.state_changed')
    expect(moved.map((e) => [e.payload.task.key, e.payload.from.name, e.payload.to.name]).sort()).toEqual([
      [a.key, 'Review', 'Done'],
      [b.key, 'Review', 'Done'],
    ])
    // the state is gone: deleting it again is a 404
    expect((await admin.post(`/planning/projects/WEB/states/${review.id}/delete`, { moveTo: 'Done' })).status).toBe(404)
  })

  test('bulk edit removes a label from the selected tasks, keeping the others; with another change too', async () => {
    await admin.get('/planning/projects/WEB/settings')
    for (const name of ['bug', 'ui']) expect((await admin.post('/planning/projects/WEB/labels', { name, color: '#3b82f6' })).status).toBe(303)
    const a = await make({ title: 'Both', labels: ['bug', 'ui'] })
    const b = await make({ title: 'Bug only', labels: ['bug'] })
    const c = await make({ title: 'None', labels: [] })
    const list = (await member.get('/planning/projects/WEB')).html
    const bug = /<option value="([\w-]+)">bug<\/option>/.exec(/<select id="bulk-unlabel" name="unlabel"[^>]*>[\s\S]*?<\/select>/.exec(list)![0])![1]!
    expect(list).toContain('<label for="bulk-unlabel"><span>Remove label</span>')
    const names = async (key: string) => ((await task(key)).labels as { name: string }[]).map((l) => l.name).sort()

    events.length = 0
    let res = await member.post('/planning/projects/WEB/bulk', { ids: [a.id, b.id, c.id], unlabel: bug, back: '/planning/projects/WEB' })
    expect(res.status).toBe(303)
    expect([await names(a.key), await names(b.key), await names(c.key)]).toEqual([['ui'], [], []])
    // one updated event per task that had it; the one without it is left alone
    expect(events.filter((e) => e.name === 'planning.task.updated').map((e) => [e.payload.task.key, e.payload.fields]).sort()).toEqual([
      [a.key, ['labels']],
      [b.key, ['labels']],
    ])
    expect((await member.get(`/planning/tasks/${a.key}`)).html).toContain('changed labels from bug, ui to ui')

    // with a priority change in the same edit
    res = await member.post('/planning/projects/WEB/bulk', { ids: [a.id], unlabel: 'ui', priority: 'high' })
    expect(res.status).toBe(303)
    expect([await names(a.key), (await task(a.key)).priority]).toEqual([[], 'high'])
    // refused: the same label added and removed, an unknown label; nothing changes
    res = await member.post('/planning/projects/WEB/bulk', { ids: [b.id], label: bug, unlabel: bug })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose either to add or to remove the label bug, not both')
    res = await member.post('/planning/projects/WEB/bulk', { ids: [b.id], unlabel: 'nope' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Unknown label &#x27;nope&#x27;')
    expect(await names(b.key)).toEqual([])
  })
})
