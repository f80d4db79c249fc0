/**
 * TaskService.writeUpdates (bulk edit, a deleted state's tasks, cycle rollover): the plans of many
 * tasks are written in one transaction; a task changed since its plan was read with a compare-and-set
 * writes none of them, and a plan whose `onlyIf` no longer holds is skipped while the others are
 * written, each announced after the commit. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { schema } from './schema.ts'
import { ProjectService } from './service.ts'
import { TaskChangedError, TaskService } from './tasks.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

eachDialect('planning writeUpdates', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let tasks: TaskService
  const tables = () => schema(columnFacade(p.store.dialect))
  const events: CapturedEvent[] = []
  const cycles: Record<string, string> = {}

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await createProject(admin, 'WEB', 'Website')
    await admin.get('/planning/projects/WEB/cycles')
    for (const [name, startsAt, endsAt] of [
      ['C1', '2030-01-01', '2030-01-14'],
      ['C2', '2030-01-15', '2030-01-28'],
      ['C3', '2030-01-29', '2030-02-11'],
    ]) expect((await admin.post('/planning/projects/WEB/cycles', { name: name!, startsAt: startsAt!, endsAt: endsAt! })).status).toBe(303)
    for (const c of ((await (await admin.request('/api/v1/planning/projects/WEB/cycles')).json()) as { items: { id: string; name: string }[] }).items) cycles[c.name] = c.id
    for (const title of ['One', 'Two']) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title, cycleId: cycles.C1 })).status).toBe(201)
    const deps = { store: p.store, tables: tables(), bus: p.host.bus.scope('planning'), people: p.host.people! }
    tasks = new TaskService(deps, new ProjectService(deps))
  }, 30_000)
  afterAll(() => p.stop())

  const actor = () => ({ id: p.admin!.id, name: 'Ada' })
  const history = async (field: string) => (await p.store.db.select().from(tables().history).where(eq(tables().history.field, field))).map((h) => `${h.fromValue} -> ${h.toValue}`)

  test('a task changed since its plan was read, with a compare-and-set, writes none of the plans', async () => {
    const orgId = p.org!.id
    const [one, two] = [await tasks.get(orgId, 'WEB-1'), await tasks.get(orgId, 'WEB-2')]
    const plans = [await tasks.planUpdate(orgId, actor(), one, { priority: 'high' }, { expectUpdatedAt: one.updatedAt }), await tasks.planUpdate(orgId, actor(), two, { priority: 'high' }, { expectUpdatedAt: two.updatedAt })]
    await Bun.sleep(2)
    await tasks.update(orgId, actor(), 'WEB-2', { title: 'Two, renamed' }) // someone else, in between
    events.length = 0
    expect(await tasks.writeUpdates(plans.map((x) => x!)).catch((e: unknown) => e)).toBeInstanceOf(TaskChangedError)
    expect([(await tasks.get(orgId, 'WEB-1')).priority, (await tasks.get(orgId, 'WEB-2')).priority]).toEqual(['none', 'none'])
    expect(await history('priority')).toEqual([])
    expect(events).toEqual([])
  })

  test('a plan whose onlyIf no longer holds is skipped; the others are written and announced', async () => {
    const orgId = p.org!.id
    const cycleId = tables().tasks.cycleId
    const plans = []
    for (const key of ['WEB-1', 'WEB-2']) plans.push((await tasks.planUpdate(orgId, actor(), await tasks.get(orgId, key), { cycleId: cycles.C3 }, { onlyIf: eq(cycleId, cycles.C1!) }))!)
    await tasks.update(orgId, actor(), 'WEB-2', { cycleId: cycles.C2 }) // moved elsewhere in between
    events.length = 0
    const written = await tasks.writeUpdates(plans)
    expect(written.map((t) => `${t.key} ${t.cycleId}`)).toEqual([`WEB-1 ${cycles.C3}`])
    expect((await tasks.get(orgId, 'WEB-2')).cycleId).toBe(cycles.C2!)
    expect((await history('cycle')).sort()).toEqual(['C1 -> C2', 'C1 -> C3'])
    expect(events.map((e) => [e.name, e.payload.task.key, e.payload.fields])).toEqual([['planning.task.updated', 'WEB-1', ['cycle']]])
  })
})
