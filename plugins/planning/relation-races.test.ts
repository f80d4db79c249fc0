/**
 * Relation writes at the same time: two that would close a loop of blocking tasks never both pass
 * (the check runs again inside the write's transaction, serialized per organization), and the same
 * relation added twice at once is one relation with one history line and one event per task. Through
 * the API, the task page and the service (whose calls interleave at every query, on SQLite too),
 * several rounds, both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { and, eq, inArray } from 'drizzle-orm'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { schema } from './schema.ts'
import { InputError } from '../../core/auth/accounts.ts'
import { ProjectService } from './service.ts'
import { writeRelationChanges } from './task-relations.ts'
import { TaskService } from './tasks.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

const ROUNDS = 8

eachDialect('planning relation writes at the same time', (dialect) => {
  let p: TestPlatform
  let admin: Client
  const events: CapturedEvent[] = []
  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Website')
  }, 30_000)
  afterAll(() => p.stop())

  const tables = () => schema(columnFacade(p.store.dialect))
  const newTask = async (title: string) => {
    const res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title })
    expect(res.status).toBe(201)
    return (await res.json()) as { id: string; key: string }
  }
  /** The relations among `ids`, as "blocker>blocked" pairs of ids. */
  const edges = async (ids: string[]) => {
    const { relations: r } = tables()
    return (await p.store.db.select().from(r).where(and(inArray(r.blockerId, ids), inArray(r.blockedId, ids)))).map((x) => `${x.blockerId}>${x.blockedId}`)
  }
  const relate = (from: string, to: string) => admin.post(`/planning/tasks/${from}/relations`, { kind: 'blocks', other: to })
  const historyOf = async (taskId: string) => {
    const { history } = tables()
    return (await p.store.db.select().from(history).where(eq(history.taskId, taskId))).filter((h) => h.field === 'blocks' || h.field === 'blocked by').map((h) => `${h.field}: ${h.fromValue ?? ''} -> ${h.toValue ?? ''}`)
  }
  // a second planning service on the same store, emitting as planning does
  const deps = () => ({ store: p.store, tables: tables(), bus: p.host.bus.scope('planning'), people: p.host.people! })
  const relationEvents = () => events.filter((e) => e.name === 'planning.task.updated' && e.payload.fields.includes('relations')).map((e) => `${e.payload.task.key}: ${e.payload.activity.text}`).sort()

  test('A blocks B and B blocks A at once through the API: one passes, the other is the loop 422, never both', async () => {
    await admin.get('/planning')
    for (let i = 0; i < ROUNDS; i++) {
      const a = await newTask(`A${i}`)
      const b = await newTask(`B${i}`)
      const answers = await Promise.all([
        json(admin, 'PATCH', `/api/v1/planning/tasks/${a.key}`, { blocks: [b.key] }),
        json(admin, 'PATCH', `/api/v1/planning/tasks/${b.key}`, { blocks: [a.key] }),
      ])
      expect(answers.map((r) => r.status).sort()).toEqual([200, 422])
      const refused = answers.find((r) => r.status === 422)!
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('which would make a loop of tasks each waiting for the next')
      expect((await edges([a.id, b.id])).length).toBe(1)
    }
  }, 60_000)

  test('a longer loop closed by two writes at once (the page and the API): never both, no loop afterwards', async () => {
    await admin.get('/planning')
    for (let i = 0; i < ROUNDS; i++) {
      const a = await newTask(`L${i}a`)
      const b = await newTask(`L${i}b`)
      const c = await newTask(`L${i}c`)
      expect((await relate(a.key, b.key)).status).toBe(303) // A blocks B
      // B blocks C and C blocks A at once would close A > B > C > A
      const [page, api] = await Promise.all([relate(b.key, c.key), json(admin, 'PATCH', `/api/v1/planning/tasks/${c.key}`, { blocks: [a.key] })])
      const passed = [page.status === 303, api.status === 200]
      expect(passed.filter(Boolean).length).toBe(1)
      if (!passed[0]) {
        expect(page.status).toBe(422)
        expect(await page.text()).toContain(`so ${b.key} cannot also block ${c.key}`)
      } else {
        expect(api.status).toBe(422)
      }
      expect((await edges([a.id, b.id, c.id])).sort()).toEqual([`${a.id}>${b.id}`, passed[0] ? `${b.id}>${c.id}` : `${c.id}>${a.id}`].sort())
    }
  }, 60_000)

  test('through the service (the requests interleave at every query, on SQLite too): never both, from sets or one at a time', async () => {
    const tasks = new TaskService(deps(), new ProjectService(deps()))
    const orgId = p.org!.id
    const actor = { id: p.admin!.id, name: 'Ada' }
    for (let i = 0; i < ROUNDS; i++) {
      const a = await newTask(`S${i}a`)
      const b = await newTask(`S${i}b`)
      const answers = await Promise.allSettled(i % 2 ? [tasks.update(orgId, actor, a.key, { blocks: [b.key] }), tasks.update(orgId, actor, b.key, { blocks: [a.key] })] : [tasks.relate(orgId, actor, a.key, 'blocks', b.key), tasks.relate(orgId, actor, b.key, 'blocks', a.key)])
      expect(answers.filter((x) => x.status === 'fulfilled').length).toBe(1)
      const refused = answers.find((x) => x.status === 'rejected')!.reason
      expect(refused).toBeInstanceOf(InputError)
      expect((refused as InputError).status).toBe(422)
      expect((await edges([a.id, b.id])).length).toBe(1)
    }
  }, 60_000)

  test('the same relation added twice at once is one relation, one history line and one event on each task', async () => {
    await admin.get('/planning')
    for (let i = 0; i < ROUNDS; i++) {
      const a = await newTask(`D${i}a`)
      const b = await newTask(`D${i}b`)
      events.length = 0
      // twice through the page, then twice through the API (which also names the set A already has)
      const twice = i % 2 ? [relate(a.key, b.key), relate(a.key, b.key)] : [json(admin, 'PATCH', `/api/v1/planning/tasks/${a.key}`, { blocks: [b.key] }), json(admin, 'PATCH', `/api/v1/planning/tasks/${b.key}`, { blockedBy: [a.key] })]
      for (const res of await Promise.all(twice)) expect([200, 303]).toContain(res.status)
      expect(await edges([a.id, b.id])).toEqual([`${a.id}>${b.id}`])
      expect(await historyOf(a.id)).toEqual([`blocks:  -> ${b.key}`])
      expect(await historyOf(b.id)).toEqual([`blocked by:  -> ${a.key}`])
      expect(relationEvents()).toEqual([`${a.key}: marked ${a.key} as blocking ${b.key}`, `${b.key}: marked ${b.key} as blocked by ${a.key}`].sort())
    }
  }, 60_000)

  test('the same relation twice at once through the service: one history line and one event on each task', async () => {
    const tasks = new TaskService(deps(), new ProjectService(deps()))
    const orgId = p.org!.id
    const actor = { id: p.admin!.id, name: 'Ada' }
    for (let i = 0; i < ROUNDS; i++) {
      const a = await newTask(`T${i}a`)
      const b = await newTask(`T${i}b`)
      events.length = 0
      await Promise.all(i % 2 ? [tasks.relate(orgId, actor, a.key, 'blocks', b.key), tasks.relate(orgId, actor, b.key, 'blocked_by', a.key)] : [tasks.update(orgId, actor, a.key, { blocks: [b.key] }), tasks.update(orgId, actor, a.key, { blocks: [b.key] })])
      expect(await edges([a.id, b.id])).toEqual([`${a.id}>${b.id}`])
      expect(await historyOf(a.id)).toEqual([`blocks:  -> ${b.key}`])
      expect(await historyOf(b.id)).toEqual([`blocked by:  -> ${a.key}`])
      expect(relationEvents()).toEqual([`${a.key}: marked ${a.key} as blocking ${b.key}`, `${b.key}: marked ${b.key} as blocked by ${a.key}`].sort())
    }
  }, 60_000)

  test('writing a relation that is already there (or already gone) writes no history and reports no change', async () => {
    const a = await newTask('Already a')
    const b = await newTask('Already b')
    expect((await relate(a.key, b.key)).status).toBe(303)
    const actor = { id: p.admin!.id, name: 'Ada' }
    const added = { blocker: a, blocked: b, change: 'added' as const }
    expect(await p.store.tx((db) => writeRelationChanges(deps(), db, p.org!.id, actor, [added]))).toEqual([])
    expect(await historyOf(a.id)).toEqual([`blocks:  -> ${b.key}`])
    // removed twice: the second removes nothing and records nothing
    const removed = { blocker: a, blocked: b, change: 'removed' as const }
    expect(await p.store.tx((db) => writeRelationChanges(deps(), db, p.org!.id, actor, [removed]))).toEqual([removed])
    expect(await p.store.tx((db) => writeRelationChanges(deps(), db, p.org!.id, actor, [removed]))).toEqual([])
    expect((await historyOf(a.id)).sort()).toEqual([`blocks:  -> ${b.key}`, `blocks: ${b.key} -> `].sort())
  })
})
