/**
 * The task API's `blocks` and `blockedBy`: set on create, replaced on update (an absent set stays),
 * answered by GET; unknown keys, another organization's tasks, the task itself, a task in both sets
 * and loops are a 422 naming the value, with nothing written; history and events on both tasks; the
 * MCP tools take them too. On both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import type { Auth } from '../../core/auth/resolve.ts'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { schema } from './schema.ts'
import { type CapturedEvent, createProject, json, signInOutsider, startPlanning } from './test-support.ts'

type Relations = { blocks: { key: string }[]; blockedBy: { key: string }[] }

eachDialect('planning API relations (blocks, blockedBy)', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let outsiderTask: { id: string; key: string }
  const events: CapturedEvent[] = []

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Website')
    await createProject(admin, 'OPS', 'Operations')
    for (let i = 1; i <= 8; i++) await newTask(`Task ${i}`)
    await newTask('Ops task', {}, 'OPS')
    // another organization has a task WEB-1 too: its key and its id name nothing here
    const outsider = await signInOutsider(p)
    await outsider.get('/planning')
    await createProject(outsider, 'WEB', 'Their web')
    const res = await json(outsider, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Theirs' })
    expect(res.status).toBe(201)
    outsiderTask = (await res.json()) as { id: string; key: string }
  }, 30_000)
  afterAll(() => p.stop())

  async function newTask(title: string, extra: Record<string, unknown> = {}, project = 'WEB') {
    const res = await json(admin, 'POST', '/api/v1/planning/tasks', { project, title, ...extra })
    expect(res.status).toBe(201)
    return (await res.json()) as { id: string; key: string }
  }
  const relationsOf = async (key: string) => {
    const res = await admin.request(`/api/v1/planning/tasks/${key}`)
    expect(res.status).toBe(200)
    const { relations } = (await res.json()) as { relations: Relations }
    return { blocks: relations.blocks.map((x) => x.key).sort(), blockedBy: relations.blockedBy.map((x) => x.key).sort() }
  }
  const historyOf = async (taskId: string) => {
    const { history } = schema(columnFacade(p.store.dialect))
    const rows = await p.store.db.select().from(history).where(eq(history.taskId, taskId))
    return rows.filter((r) => r.field === 'blocks' || r.field === 'blocked by').map((r) => `${r.field}: ${r.fromValue ?? ''} -> ${r.toValue ?? ''}`).sort()
  }
  const relationEvents = () => events.filter((e) => e.name === 'planning.task.updated' && e.payload.fields.includes('relations')).map((e) => `${e.payload.task.key}: ${e.payload.activity.text}`).sort()
  const taskCount = async () => ((await (await admin.request('/api/v1/planning/tasks?project=WEB&limit=500')).json()) as { items: unknown[] }).items.length

  test('create takes blocks and blockedBy (keys, any case, or ids; repeats once): both tasks record it, each gets planning.task.updated', async () => {
    const ops = await relationsOf('OPS-1')
    expect(ops).toEqual({ blocks: [], blockedBy: [] })
    const web2 = (await (await admin.request('/api/v1/planning/tasks/WEB-2')).json()) as { id: string }
    events.length = 0
    const res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Release', blocks: ['web-1', web2.id, 'WEB-1'], blockedBy: ['OPS-1'] })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { id: string; key: string }
    expect(created.key).toBe('WEB-9')
    expect(await relationsOf('WEB-9')).toEqual({ blocks: ['WEB-1', 'WEB-2'], blockedBy: ['OPS-1'] })
    expect(await relationsOf('WEB-1')).toEqual({ blocks: [], blockedBy: ['WEB-9'] })
    expect(await relationsOf('OPS-1')).toEqual({ blocks: ['WEB-9'], blockedBy: [] })
    expect(await historyOf(created.id)).toEqual(['blocked by:  -> OPS-1', 'blocks:  -> WEB-1', 'blocks:  -> WEB-2'])
    expect(await historyOf(web2.id)).toEqual(['blocked by:  -> WEB-9'])
    expect(events[0]!.name).toBe('planning.task.created')
    expect(relationEvents()).toEqual([
      'OPS-1: marked OPS-1 as blocking WEB-9',
      'WEB-1: marked WEB-1 as blocked by WEB-9',
      'WEB-2: marked WEB-2 as blocked by WEB-9',
      'WEB-9: marked WEB-9 as blocked by OPS-1',
      'WEB-9: marked WEB-9 as blocking WEB-1',
      'WEB-9: marked WEB-9 as blocking WEB-2',
    ])
  })

  test('update replaces a set that is present and keeps one that is absent; [] and null clear; the same set again changes nothing', async () => {
    events.length = 0
    let res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-9', { blocks: ['WEB-2', 'WEB-3'] })
    expect(res.status).toBe(200)
    expect(await relationsOf('WEB-9')).toEqual({ blocks: ['WEB-2', 'WEB-3'], blockedBy: ['OPS-1'] })
    expect(await relationsOf('WEB-1')).toEqual({ blocks: [], blockedBy: [] })
    expect(relationEvents()).toEqual(['WEB-1: removed "WEB-1 blocked by WEB-9"', 'WEB-3: marked WEB-3 as blocked by WEB-9', 'WEB-9: marked WEB-9 as blocking WEB-3', 'WEB-9: removed "WEB-9 blocks WEB-1"'])
    const web1 = (await (await admin.request('/api/v1/planning/tasks/WEB-1')).json()) as { id: string }
    expect(await historyOf(web1.id)).toEqual(['blocked by:  -> WEB-9', 'blocked by: WEB-9 -> '])

    // a version moves with a relation change (If-Match sees it)
    const before = (await admin.request('/api/v1/planning/tasks/WEB-9')).headers.get('etag')!
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-9', { blockedBy: [], title: 'Release 1.0' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { title: string }).title).toBe('Release 1.0')
    expect(await relationsOf('WEB-9')).toEqual({ blocks: ['WEB-2', 'WEB-3'], blockedBy: [] })
    expect(await relationsOf('OPS-1')).toEqual({ blocks: [], blockedBy: [] })
    expect(res.headers.get('etag')).not.toBe(before)

    events.length = 0
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-9', { blocks: ['WEB-3', 'WEB-2'], blockedBy: null })
    expect(res.status).toBe(200)
    expect(events).toEqual([])
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-9', { blocks: null })
    expect(res.status).toBe(200)
    expect(await relationsOf('WEB-9')).toEqual({ blocks: [], blockedBy: [] })
  })

  test('create and PATCH answer the task as GET does (relations and sub-tasks included) with the same ETag', async () => {
    let res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Answered whole', blockedBy: ['OPS-1'], blocks: ['WEB-8'] })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { key: string; relations: Relations; subtasks: unknown[] }
    expect(created.relations.blockedBy.map((x) => x.key)).toEqual(['OPS-1'])
    expect(created.relations.blocks.map((x) => x.key)).toEqual(['WEB-8'])
    expect(created.subtasks).toEqual([])
    const get = await admin.request(`/api/v1/planning/tasks/${created.key}`)
    expect(created).toEqual((await get.json()) as typeof created)
    expect(res.headers.get('etag')).toBe(get.headers.get('etag'))
    // a sub-task shows in its parent's PATCH answer; the relations the PATCH changed are answered changed
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Its part', parent: created.key })).status).toBe(201)
    res = await json(admin, 'PATCH', `/api/v1/planning/tasks/${created.key}`, { title: 'Answered whole, again', blocks: [] })
    expect(res.status).toBe(200)
    const patched = (await res.json()) as { title: string; relations: Relations; subtasks: { key: string; title: string }[] }
    expect(patched.title).toBe('Answered whole, again')
    expect(patched.relations.blocks).toEqual([])
    expect(patched.relations.blockedBy.map((x) => x.key)).toEqual(['OPS-1'])
    expect(patched.subtasks.map((x) => x.title)).toEqual(['Its part'])
    const again = await admin.request(`/api/v1/planning/tasks/${created.key}`)
    expect(patched).toEqual((await again.json()) as typeof patched)
    expect(res.headers.get('etag')).toBe(again.headers.get('etag'))
    // the MCP tools answer the same shape
    const auth = (await p.deps.identity.resolver.resolve(new Request(p.url + '/', { headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })))! as Auth
    const tool = (name: string) => p.host.contributions('mcp.tool').find((t) => t.name === name)!
    const viaTool = (await tool('planning_update_task').call({ task: created.key, title: 'Answered whole' }, auth)) as { relations: Relations; subtasks: unknown[] }
    expect(viaTool.relations.blockedBy.map((x) => x.key)).toEqual(['OPS-1'])
    expect(viaTool.subtasks.length).toBe(1)
    // the tests after this one see WEB as it was
    for (const key of [patched.subtasks[0]!.key, created.key]) expect((await admin.request(`/api/v1/planning/tasks/${key}`, { method: 'DELETE', headers: { 'x-csrf-token': admin.csrf } })).status).toBe(204)
  })

  test('bad values are a 422 naming the value (unknown, another organization, itself, in both sets, no list); nothing is written', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ blocks: ['WEB-999'] }, "The blocks field names an unknown task 'WEB-999': use the key, like WEB-12, or the id of a task of this organization (blocks)."],
      [{ blockedBy: ['nope'] }, "The blockedBy field names an unknown task 'nope'"],
      [{ blocks: [outsiderTask.id] }, `The blocks field names an unknown task '${outsiderTask.id}'`],
      [{ blocks: ['WEB-4'] }, "The blocks field names this task ('WEB-4'), and a task cannot block itself"],
      [{ blocks: ['WEB-5'], blockedBy: ['WEB-5'] }, "The blockedBy field names 'WEB-5', which is in blocks too"],
      [{ blocks: 'WEB-5' }, 'The blocks field must be a list of task keys or ids'],
      [{ blockedBy: [42] }, 'The blockedBy field holds 42, which is no task key or id'],
    ]
    events.length = 0
    for (const [body, message] of cases) {
      const res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-4', { title: 'Changed', blocks: ['WEB-5'], ...body })
      expect(res.status).toBe(422)
      const error = ((await res.json()) as { error: { code: string; message: string } }).error
      expect(error.code).toBe('invalid')
      expect(error.message).toContain(message)
    }
    // the same on create: no task is made
    const count = await taskCount()
    for (const [body, message] of cases.slice(0, 3)) {
      const res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Never', ...body })
      expect(res.status).toBe(422)
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message)
    }
    expect(await taskCount()).toBe(count)
    // the title, the valid relation beside the bad one: nothing of it
    const web4 = (await (await admin.request('/api/v1/planning/tasks/WEB-4')).json()) as { title: string; relations: Relations }
    expect(web4.title).toBe('Task 4')
    expect(web4.relations).toEqual({ blocks: [], blockedBy: [] })
    expect(events).toEqual([])
    // keys are per organization: their WEB-1 is a key that names our own WEB-1 here, so only its id was tried
    expect(outsiderTask.key).toBe('WEB-1')
  })

  test('a loop of blocking tasks is refused naming the value and the loop, on create and update, from either set', async () => {
    // WEB-5 blocks WEB-6, WEB-6 blocks WEB-7
    expect((await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-6', { blockedBy: ['WEB-5'], blocks: ['WEB-7'] })).status).toBe(200)
    events.length = 0
    let res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-7', { title: 'Loop', blocks: ['WEB-5'] })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      "The blocks field names 'WEB-5', which would make a loop of tasks each waiting for the next (WEB-7 blocks WEB-5, WEB-5 blocks WEB-6 and WEB-6 blocks WEB-7): remove one of those relations first (blocks).",
    )
    // from the other side: WEB-5 blocked by WEB-7
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-5', { blockedBy: ['WEB-8', 'WEB-7'] })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("The blockedBy field names 'WEB-7', which would make a loop")
    // a new task between the ends of the chain
    res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Loop', blocks: ['WEB-5'], blockedBy: ['WEB-7'] })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('(the new task blocks WEB-5, WEB-5 blocks WEB-6, WEB-6 blocks WEB-7 and WEB-7 blocks the new task)')
    // the direct reverse
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-6', { blocks: ['WEB-5', 'WEB-7'] })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("The blocks field names 'WEB-5', which would make a loop of tasks each waiting for the next (WEB-6 blocks WEB-5 and WEB-5 blocks WEB-6)")
    expect(events).toEqual([])
    expect((await relationsOf('WEB-7')).blocks).toEqual([])
    // replacing the set that made the loop is fine: WEB-6 now only blocked by WEB-5, WEB-7 blocks WEB-5
    expect((await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-6', { blocks: [] })).status).toBe(200)
    expect((await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-7', { blocks: ['WEB-5'] })).status).toBe(200)
    expect(await relationsOf('WEB-5')).toEqual({ blocks: ['WEB-6'], blockedBy: ['WEB-7'] })
  })

  test('the task page refuses a longer loop too, naming the tasks in between', async () => {
    // WEB-7 blocks WEB-5 blocks WEB-6: WEB-6 blocks WEB-7 would close it
    await admin.get('/planning/tasks/WEB-6')
    const res = await admin.post('/planning/tasks/WEB-6/relations', { kind: 'blocks', other: 'WEB-7' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('WEB-7 already blocks WEB-6 through WEB-5 (WEB-7 blocks WEB-5 and WEB-5 blocks WEB-6), so WEB-6 cannot also block WEB-7')
    expect((await relationsOf('WEB-6')).blocks).toEqual([])
  })

  test('two updates racing on one version: one wins, the other writes no relation and no history', async () => {
    const task = await newTask('Race')
    const etag = (await admin.request(`/api/v1/planning/tasks/${task.key}`)).headers.get('etag')!
    const patch = (blocks: string[]) => admin.request(`/api/v1/planning/tasks/${task.key}`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf, 'if-match': etag }, body: JSON.stringify({ blocks }) })
    const [a, b] = await Promise.all([patch(['WEB-1']), patch(['WEB-2', 'WEB-3'])])
    expect([a.status, b.status].sort()).toEqual([200, 412])
    const winner = a.status === 200 ? ['WEB-1'] : ['WEB-2', 'WEB-3']
    expect(await relationsOf(task.key)).toEqual({ blocks: winner, blockedBy: [] })
    expect(await historyOf(task.id)).toEqual(winner.map((k) => `blocks:  -> ${k}`))
  })

  test('the MCP tools take blocks and blockedBy as well', async () => {
    const auth = (await p.deps.identity.resolver.resolve(new Request(p.url + '/', { headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })))! as Auth
    const tool = (name: string) => p.host.contributions('mcp.tool').find((t) => t.name === name)!
    const created = (await tool('planning_create_task').call({ project: 'WEB', title: 'From MCP', blockedBy: ['WEB-8'] }, auth)) as { key: string }
    expect(await relationsOf(created.key)).toEqual({ blocks: [], blockedBy: ['WEB-8'] })
    await tool('planning_update_task').call({ task: created.key, blocks: ['WEB-1'], blockedBy: [] }, auth)
    expect(await relationsOf(created.key)).toEqual({ blocks: ['WEB-1'], blockedBy: [] })
    await expect(tool('planning_update_task').call({ task: created.key, blocks: ['WEB-404'] }, auth)).rejects.toThrow("The blocks field names an unknown task 'WEB-404'")
  })
})
