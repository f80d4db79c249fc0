/**
 * Cycle rollover: "Move unfinished tasks to the next cycle" moves a cycle's tasks that are neither
 * done nor cancelled to the project's next cycle by start date (or a chosen one), each with its
 * history line and planning.task.updated; the last cycle is a 409 saying to create the next one.
 * Through the API and the cycles page (a confirmation first); permissions and 4xx paths; both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { schema } from './schema.ts'
import { type CapturedEvent, createProject, json, signInOutsider, startPlanning } from './test-support.ts'

type CycleJson = { id: string; name: string; startsAt: string; endsAt: string }

eachDialect('planning cycle rollover', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  let guest: Client
  let outsider: Client
  const events: CapturedEvent[] = []
  const cycles: Record<string, CycleJson> = {}

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Website')
    await createProject(admin, 'OPS', 'Operations')
    await admin.get('/planning/projects/WEB/cycles')
    for (const [name, startsAt, endsAt] of [
      ['Sprint 1', '2030-01-01', '2030-01-14'],
      ['Sprint 3', '2030-01-29', '2030-02-11'],
      ['Sprint 2', '2030-01-15', '2030-01-28'],
    ]) expect((await admin.post('/planning/projects/WEB/cycles', { name: name!, startsAt: startsAt!, endsAt: endsAt! })).status).toBe(303)
    expect((await admin.post('/planning/projects/OPS/cycles', { name: 'Ops 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    for (const key of ['WEB', 'OPS']) for (const c of ((await (await admin.request(`/api/v1/planning/projects/${key}/cycles`)).json()) as { items: CycleJson[] }).items) cycles[c.name] = c
    // Sprint 1: two open, one done, one cancelled, one in the backlog; one task without a cycle; one in Sprint 2
    for (const [title, state, cycleId] of [
      ['Open todo', 'Todo', 'Sprint 1'],
      ['Started', 'In Progress', 'Sprint 1'],
      ['Finished', 'Done', 'Sprint 1'],
      ['Dropped', 'Cancelled', 'Sprint 1'],
      ['Someday', 'Backlog', 'Sprint 1'],
      ['No cycle', 'Todo', ''],
      ['Already next', 'Todo', 'Sprint 2'],
    ]) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title, state, cycleId })).status).toBe(201)
    member = (await p.member('member')).client
    guest = (await p.member('guest')).client
    await member.get('/planning')
    await guest.get('/planning')
    outsider = await signInOutsider(p)
    await outsider.get('/planning')
  }, 30_000)
  afterAll(() => p.stop())

  const cycleOf = async (key: string) => ((await (await admin.request(`/api/v1/planning/tasks/${key}`)).json()) as { cycleId: string | null }).cycleId
  const cycleHistory = async (key: string) => {
    const { id } = (await (await admin.request(`/api/v1/planning/tasks/${key}`)).json()) as { id: string }
    const { history } = schema(columnFacade(p.store.dialect))
    return (await p.store.db.select().from(history).where(eq(history.taskId, id))).filter((h) => h.field === 'cycle').map((h) => `${h.fromValue} -> ${h.toValue}`).sort()
  }
  const rollover = (c: Client, cycle: string, body?: unknown, project = 'WEB') => json(c, 'POST', `/api/v1/planning/projects/${project}/cycles/${encodeURIComponent(cycle)}/rollover`, body)
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error

  test('the cycles page offers the move to writers, with the number of unfinished tasks; readers do not see it', async () => {
    const page = await member.get(`/planning/projects/WEB/cycles?cycle=${cycles['Sprint 1']!.id}`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain(`action="/planning/projects/WEB/cycles/${cycles['Sprint 1']!.id}/rollover"`)
    expect(page.html).toContain('Move 3 unfinished tasks to the next cycle...')
    expect((await guest.get(`/planning/projects/WEB/cycles?cycle=${cycles['Sprint 1']!.id}`)).html).not.toContain('/rollover')
  })

  test('the page asks first: the unfinished tasks and the next cycle chosen; nothing moves until confirmed', async () => {
    await member.get(`/planning/projects/WEB/cycles?cycle=${cycles['Sprint 1']!.id}`)
    events.length = 0
    const res = await member.post(`/planning/projects/WEB/cycles/${cycles['Sprint 1']!.id}/rollover`, {})
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Move 3 unfinished tasks of Sprint 1?')
    for (const key of ['WEB-1', 'WEB-2', 'WEB-5']) expect(html).toContain(`href="/planning/tasks/${key}"`)
    for (const key of ['WEB-3', 'WEB-4', 'WEB-6', 'WEB-7']) expect(html).not.toContain(`href="/planning/tasks/${key}"`)
    expect(html).toContain(`<option value="${cycles['Sprint 2']!.id}" selected>Sprint 2 (2030-01-15 to 2030-01-28), the next cycle</option>`)
    expect(html).toContain(`<option value="${cycles['Sprint 3']!.id}">Sprint 3 (2030-01-29 to 2030-02-11)</option>`)
    expect(html).not.toContain('Ops 1')
    expect(html).toContain('name="confirm" value="yes"')
    expect(html).toContain('Move 3 tasks')
    expect(await cycleOf('WEB-1')).toBe(cycles['Sprint 1']!.id)
    expect(events).toEqual([])
    // readers may not, on the page or through the API
    expect((await guest.post(`/planning/projects/WEB/cycles/${cycles['Sprint 1']!.id}/rollover`, { confirm: 'yes' })).status).toBe(403)
    expect((await rollover(guest, 'Sprint 1')).status).toBe(403)
    expect(await cycleOf('WEB-1')).toBe(cycles['Sprint 1']!.id)
  })

  test('confirmed on the page: the unfinished tasks move to the next cycle, each with history and planning.task.updated; finished ones stay', async () => {
    await member.get(`/planning/projects/WEB/cycles?cycle=${cycles['Sprint 1']!.id}`)
    events.length = 0
    const res = await member.post(`/planning/projects/WEB/cycles/${cycles['Sprint 1']!.id}/rollover`, { confirm: 'yes', to: cycles['Sprint 2']!.id })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/planning/projects/WEB/cycles?cycle=${cycles['Sprint 2']!.id}`)
    const after = await member.get(res.headers.get('location')!)
    expect(after.html).toContain('3 unfinished tasks moved from Sprint 1 to Sprint 2.</p>')
    expect(after.html).toContain('Move 4 unfinished tasks to the next cycle...')
    for (const key of ['WEB-1', 'WEB-2', 'WEB-5']) {
      expect(await cycleOf(key)).toBe(cycles['Sprint 2']!.id)
      expect(await cycleHistory(key)).toEqual(['Sprint 1 -> Sprint 2'])
    }
    for (const key of ['WEB-3', 'WEB-4']) expect(await cycleOf(key)).toBe(cycles['Sprint 1']!.id)
    expect(await cycleOf('WEB-6')).toBeNull()
    const updated = events.filter((e) => e.name === 'planning.task.updated')
    expect(updated.map((e) => [e.payload.task.key, e.payload.fields])).toEqual([
      ['WEB-1', ['cycle']],
      ['WEB-2', ['cycle']],
      ['WEB-5', ['cycle']],
    ])
    // again: nothing left to move, said so
    const again = await member.post(`/planning/projects/WEB/cycles/${cycles['Sprint 1']!.id}/rollover`, { confirm: 'yes' })
    expect(again.status).toBe(303)
    expect((await member.get(again.headers.get('location')!)).html).toContain('Sprint 1 has no unfinished tasks: nothing moved.</p>')
  })

  test('the API moves to the next cycle or a chosen one (id or name) and reports how many', async () => {
    events.length = 0
    // Sprint 2 (by name, any case) to Sprint 3, the next one
    let res = await rollover(member, 'sprint 2')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { moved: number; tasks: string[]; from: CycleJson; to: CycleJson }
    expect(body).toEqual({ moved: 4, tasks: ['WEB-1', 'WEB-2', 'WEB-5', 'WEB-7'], from: cycles['Sprint 2']!, to: cycles['Sprint 3']! })
    expect(events.filter((e) => e.name === 'planning.task.updated').length).toBe(4)
    expect(await cycleHistory('WEB-1')).toEqual(['Sprint 1 -> Sprint 2', 'Sprint 2 -> Sprint 3'])
    // back to an earlier cycle when chosen, by id
    res = await rollover(member, cycles['Sprint 3']!.id, { to: cycles['Sprint 1']!.id })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { moved: number }).moved).toBe(4)
    expect(await cycleOf('WEB-7')).toBe(cycles['Sprint 1']!.id)
    // nothing to move: 0
    res = await rollover(member, 'Sprint 2', { to: 'Sprint 3' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { moved: number; tasks: string[] })).toMatchObject({ moved: 0, tasks: [] })
  })

  test('the last cycle has no next one: a 409 saying to create it (API and page), nothing moved', async () => {
    expect((await rollover(member, 'Sprint 1', { to: 'Sprint 3' })).status).toBe(200)
    events.length = 0
    const res = await rollover(member, 'Sprint 3')
    expect(res.status).toBe(409)
    const error = await errorOf(res)
    expect(error.code).toBe('conflict')
    expect(error.message).toBe('Sprint 3 is the last cycle of WEB: create the next cycle (starting 2030-02-12 or later) first, then move the unfinished tasks of Sprint 3 to it.')
    await admin.get(`/planning/projects/WEB/cycles?cycle=${cycles['Sprint 3']!.id}`)
    for (const form of [{}, { confirm: 'yes' }] as Record<string, string>[]) {
      const page = await admin.post(`/planning/projects/WEB/cycles/${cycles['Sprint 3']!.id}/rollover`, form)
      expect(page.status).toBe(409)
      const html = await page.text()
      expect(html).toContain('Sprint 3 is the last cycle of WEB: create the next cycle (starting 2030-02-12 or later) first')
      // the "New cycle" form is open below it, for those who manage the project
      expect(html).toMatch(/<details class="pl-create" open>/)
    }
    expect(await cycleOf('WEB-1')).toBe(cycles['Sprint 3']!.id)
    expect(events).toEqual([])
    // the cycles page of the last cycle offers no move that would end in this 409, it says what to do instead
    const last = await member.get(`/planning/projects/WEB/cycles?cycle=${cycles['Sprint 3']!.id}`)
    expect(last.html).not.toContain('/rollover"')
    expect(last.html).not.toContain('to the next cycle...')
    expect(last.html).toContain('Sprint 3 is the last cycle: create the next cycle to move its 4 unfinished tasks.')
  })

  test('bad requests: unknown or same target (422), unknown field (422), unknown cycle, another project or organization (404)', async () => {
    events.length = 0
    const cases: [string, unknown, number, string][] = [
      ['Sprint 3', { to: 'Sprint 9' }, 422, "Unknown cycle 'Sprint 9' in WEB: use the id or name of one of its cycles (to)."],
      ['Sprint 3', { to: cycles['Ops 1']!.id }, 422, `Unknown cycle '${cycles['Ops 1']!.id}' in WEB`],
      ['Sprint 3', { to: 'sprint 3' }, 422, 'Choose another cycle than Sprint 3'],
      ['Sprint 3', { next: true }, 422, "Unknown field 'next'"],
      ['Sprint 3', [1], 400, 'The body must be a JSON object'],
      ['Sprint 9', {}, 404, "WEB has no cycle 'Sprint 9'."],
      [cycles['Ops 1']!.id, {}, 404, 'WEB has no cycle'],
    ]
    for (const [cycle, body, status, message] of cases) {
      const res = await rollover(member, cycle, body)
      expect(res.status).toBe(status)
      expect((await errorOf(res)).message).toContain(message)
    }
    expect((await rollover(outsider, cycles['Sprint 3']!.id)).status).toBe(404)
    expect((await outsider.post(`/planning/projects/WEB/cycles/${cycles['Sprint 3']!.id}/rollover`, { confirm: 'yes' })).status).toBe(404)
    expect(await cycleOf('WEB-1')).toBe(cycles['Sprint 3']!.id)
    expect(events).toEqual([])
  })
})
