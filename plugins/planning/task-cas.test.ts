/**
 * TaskService.update with expectUpdatedAt writes only a task still as the caller read it: the edit
 * form's save re-reads and re-plans instead of overwriting a change made in between. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { columnFacade } from '../../core/store/facade.ts'
import { schema } from './schema.ts'
import { ProjectService } from './service.ts'
import { TaskChangedError, TaskService } from './tasks.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

eachDialect('planning update with an expected version', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let tasks: TaskService
  const events: CapturedEvent[] = []
  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await createProject(admin, 'WEB', 'Website')
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Pricing' })).status).toBe(201)
    const deps = { store: p.store, tables: schema(columnFacade(p.store.dialect)), bus: p.host.bus.scope('planning-test'), people: p.host.people! }
    tasks = new TaskService(deps, new ProjectService(deps))
  })
  afterAll(() => p.stop())

  test('a stale version is refused with a 409 and writes nothing; the current one writes', async () => {
    const orgId = p.org!.id
    const actor = { id: p.admin!.id, name: 'Ada' }
    const read = await tasks.get(orgId, 'WEB-1')
    await Bun.sleep(2)
    await tasks.update(orgId, actor, 'WEB-1', { priority: 'urgent' }) // someone else, in between
    const refused = await tasks.update(orgId, actor, 'WEB-1', { title: 'Pricing v2' }, { expectUpdatedAt: read.updatedAt }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(TaskChangedError)
    expect((refused as TaskChangedError).status).toBe(409)
    const now = await tasks.get(orgId, 'WEB-1')
    expect([now.title, now.priority]).toEqual(['Pricing', 'urgent'])
    const saved = await tasks.update(orgId, actor, 'WEB-1', { title: 'Pricing v2' }, { expectUpdatedAt: now.updatedAt })
    expect([saved.title, saved.priority]).toEqual(['Pricing v2', 'urgent'])
  })
})
