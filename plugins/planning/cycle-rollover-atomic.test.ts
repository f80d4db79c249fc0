/**
 * Cycle rollover is one transaction: when moving one of the unfinished tasks fails (here a database
 * trigger refuses the second), none moves, none gets a history line and no event goes out; the
 * events follow the commit otherwise. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { schema } from './schema.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

type CycleJson = { id: string; name: string }

/** A trigger that refuses to change the cycle of a task titled 'Poison'. */
const POISON = {
  sqlite: [`create trigger test_poison before update of cycle_id on planning_tasks when new.title = 'Poison' begin select raise(abort, 'poisoned task'); end`],
  postgres: [
    `create function test_poison() returns trigger as $$ begin if new.title = 'Poison' and new.cycle_id is distinct from old.cycle_id then raise exception 'poisoned task'; end if; return new; end $$ language plpgsql`,
    'create trigger test_poison before update on planning_tasks for each row execute function test_poison()',
  ],
}
const CURE = { sqlite: ['drop trigger test_poison'], postgres: ['drop trigger test_poison on planning_tasks', 'drop function test_poison()'] }

eachDialect('planning cycle rollover, all or nothing', (dialect) => {
  let p: TestPlatform
  let admin: Client
  const events: CapturedEvent[] = []
  const cycles: Record<string, CycleJson> = {}

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Website')
    await admin.get('/planning/projects/WEB/cycles')
    for (const [name, startsAt, endsAt] of [
      ['Sprint 1', '2030-01-01', '2030-01-14'],
      ['Sprint 2', '2030-01-15', '2030-01-28'],
    ]) expect((await admin.post('/planning/projects/WEB/cycles', { name: name!, startsAt: startsAt!, endsAt: endsAt! })).status).toBe(303)
    for (const c of ((await (await admin.request('/api/v1/planning/projects/WEB/cycles')).json()) as { items: CycleJson[] }).items) cycles[c.name] = c
    // moved in number order: WEB-1 first, then WEB-2 fails
    for (const title of ['First', 'Poison', 'Third']) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title, state: 'Todo', cycleId: cycles['Sprint 1']!.id })).status).toBe(201)
  }, 30_000)
  afterAll(() => p.stop())

  const cycleOf = async (key: string) => ((await (await admin.request(`/api/v1/planning/tasks/${key}`)).json()) as { cycleId: string | null }).cycleId
  const cycleHistory = async () => {
    const { history } = schema(columnFacade(p.store.dialect))
    return (await p.store.db.select().from(history).where(eq(history.field, 'cycle'))).length
  }
  const updated = () => events.filter((e) => e.name === 'planning.task.updated').map((e) => `${e.payload.task.key} ${e.payload.fields.join()}`)

  test('a move that fails midway moves none: no task, no history line, no event', async () => {
    for (const statement of POISON[dialect]) await p.store.query(statement)
    events.length = 0
    const res = await json(admin, 'POST', '/api/v1/planning/projects/WEB/cycles/Sprint%201/rollover')
    expect(res.status).toBe(500)
    for (const key of ['WEB-1', 'WEB-2', 'WEB-3']) expect(await cycleOf(key)).toBe(cycles['Sprint 1']!.id)
    expect(await cycleHistory()).toBe(0)
    expect(updated()).toEqual([])
  })

  test('once it can, every unfinished task moves, each with its history line and its event after the commit', async () => {
    for (const statement of CURE[dialect]) await p.store.query(statement)
    events.length = 0
    const res = await json(admin, 'POST', '/api/v1/planning/projects/WEB/cycles/Sprint%201/rollover')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { tasks: string[] }).tasks).toEqual(['WEB-1', 'WEB-2', 'WEB-3'])
    for (const key of ['WEB-1', 'WEB-2', 'WEB-3']) expect(await cycleOf(key)).toBe(cycles['Sprint 2']!.id)
    expect(await cycleHistory()).toBe(3)
    expect(updated()).toEqual(['WEB-1 cycle', 'WEB-2 cycle', 'WEB-3 cycle'])
  })
})
