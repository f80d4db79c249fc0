/**
 * Bulk edits and moving a deleted state's tasks are one transaction: when one task's write fails
 * (here a database trigger refuses the task titled 'Poison'), no task, label or history line
 * changes and no event goes out; once it can, every task changes and the events follow the commit,
 * task by task, as single updates emit them. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { schema } from './schema.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

/** A trigger that refuses any change of the row of a task titled 'Poison'. */
const POISON = {
  sqlite: [`create trigger test_poison before update on planning_tasks when old.title = 'Poison' begin select raise(abort, 'poisoned task'); end`],
  postgres: [
    `create function test_poison() returns trigger as $$ begin if old.title = 'Poison' then raise exception 'poisoned task'; end if; return new; end $$ language plpgsql`,
    'create trigger test_poison before update on planning_tasks for each row execute function test_poison()',
  ],
}
const CURE = { sqlite: ['drop trigger test_poison'], postgres: ['drop trigger test_poison on planning_tasks', 'drop function test_poison()'] }

type TaskJson = { id: string; key: string; title: string; state: { name: string }; priority: string; assignee?: { id: string } | null; labels: { name: string }[]; updatedAt: string }

eachDialect('planning bulk edit and state move, all or nothing', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  let memberId: string
  let memberName: string
  const events: CapturedEvent[] = []
  const tasks: TaskJson[] = []

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    const m = await p.member('member')
    member = m.client
    memberId = m.user.id
    memberName = m.user.name
    await createProject(admin, 'WEB', 'Website')
    await admin.get('/planning/projects/WEB/settings')
    for (const name of ['bug', 'ui']) expect((await admin.post('/planning/projects/WEB/labels', { name })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/states', { name: 'Review', group: 'started' })).status).toBe(303)
    await member.get('/planning/projects/WEB')
    // selected in this order: WEB-1 is written first, then WEB-2 fails
    for (const body of [
      { title: 'First', state: 'Review', labels: ['ui'] },
      { title: 'Poison', state: 'Review', labels: ['bug'] },
      { title: 'Third', state: 'Todo', assigneeEmail: p.admin!.email },
    ]) {
      const res = await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', ...body })
      expect(res.status).toBe(201)
      tasks.push((await res.json()) as TaskJson)
    }
  }, 30_000)
  afterAll(() => p.stop())

  const read = async (key: string) => (await (await json(member, 'GET', `/api/v1/planning/tasks/${key}`)).json()) as TaskJson
  const snapshot = async () => Promise.all(tasks.map(async (t) => {
    const now = await read(t.key)
    return { key: now.key, state: now.state.name, priority: now.priority, assigneeId: now.assignee?.id ?? null, labels: now.labels.map((l) => l.name), updatedAt: now.updatedAt }
  }))
  const historyLines = async () => {
    const { history } = schema(columnFacade(p.store.dialect))
    return (await p.store.db.select().from(history)).filter((h) => h.field !== 'created').length
  }
  const stateId = async (name: string) => ((await (await json(admin, 'GET', '/api/v1/planning/projects/WEB/states')).json()) as { items: { id: string; name: string }[] }).items.find((s) => s.name === name)!.id
  const poison = async () => {
    for (const statement of POISON[dialect]) await p.store.query(statement)
  }
  const cure = async () => {
    for (const statement of CURE[dialect]) await p.store.query(statement)
  }
  const bulkEdit = { state: 'In Progress', priority: 'high', label: 'bug', back: '/planning/projects/WEB' }

  test('a bulk edit whose second task fails changes no task, label or history line and emits nothing', async () => {
    const before = await snapshot()
    const lines = await historyLines()
    await poison()
    events.length = 0
    const res = await member.post('/planning/projects/WEB/bulk', { ids: tasks.map((t) => t.id), ...bulkEdit, assigneeId: memberId })
    await cure()
    expect(res.status).toBe(500)
    expect(await snapshot()).toEqual(before)
    expect(await historyLines()).toBe(lines)
    expect(events).toEqual([])
  })

  test('moving a deleted state\'s tasks when one fails moves none, keeps the state and emits nothing', async () => {
    const before = await snapshot()
    const lines = await historyLines()
    await poison()
    events.length = 0
    const res = await admin.post(`/planning/projects/WEB/states/${await stateId('Review')}/delete`, { moveTo: 'Done' })
    await cure()
    expect(res.status).toBe(500)
    expect(await snapshot()).toEqual(before)
    expect(await historyLines()).toBe(lines)
    expect(events).toEqual([])
    expect(await stateId('Review')).toBeString()
  })

  test('a bulk edit that succeeds changes every task and emits, after the commit, each task\'s events in turn', async () => {
    events.length = 0
    const res = await member.post('/planning/projects/WEB/bulk', { ids: tasks.map((t) => t.id), ...bulkEdit, assigneeId: memberId })
    expect(res.status).toBe(303)
    expect((await snapshot()).map(({ updatedAt: _, ...rest }) => rest)).toEqual([
      { key: 'WEB-1', state: 'In Progress', priority: 'high', assigneeId: memberId, labels: ['bug', 'ui'] },
      { key: 'WEB-2', state: 'In Progress', priority: 'high', assigneeId: memberId, labels: ['bug'] },
      { key: 'WEB-3', state: 'In Progress', priority: 'high', assigneeId: memberId, labels: ['bug'] },
    ])
    const projectId = ((await (await json(member, 'GET', '/api/v1/planning/projects/WEB')).json()) as { id: string }).id
    const [one, two, three] = tasks.map((t) => ({ id: t.id, orgId: p.org!.id, projectId, key: t.key, title: t.title }))
    const admins = { id: p.admin!.id, name: p.admin!.name }
    const actor = { id: memberId, name: memberName }
    const fact = (task: typeof one, text: string) => ({ orgId: task!.orgId, actor, entity: { type: 'planning.task', id: task!.id, title: `${task!.key} ${task!.title}`, href: `/planning/tasks/${task!.key}` }, text })
    const ids = { review: await stateId('Review'), todo: await stateId('Todo'), progress: await stateId('In Progress') }
    const state = (name: string) => ({ Review: { id: ids.review, name, group: 'started' }, Todo: { id: ids.todo, name, group: 'unstarted' }, 'In Progress': { id: ids.progress, name, group: 'started' } })[name]
    expect(events).toEqual([
      { name: 'planning.task.state_changed', payload: { task: one, from: state('Review'), to: state('In Progress'), activity: fact(one, 'moved WEB-1 to In Progress') } },
      { name: 'planning.task.assigned', payload: { task: one, assigneeId: memberId, previousAssigneeId: null, activity: fact(one, `assigned WEB-1 to ${memberName}`) } },
      { name: 'planning.task.updated', payload: { task: one, fields: ['priority', 'labels'], activity: fact(one, 'updated the priority and labels of WEB-1') } },
      { name: 'planning.task.state_changed', payload: { task: two, from: state('Review'), to: state('In Progress'), activity: fact(two, 'moved WEB-2 to In Progress') } },
      { name: 'planning.task.assigned', payload: { task: two, assigneeId: memberId, previousAssigneeId: null, activity: fact(two, `assigned WEB-2 to ${memberName}`) } },
      { name: 'planning.task.updated', payload: { task: two, fields: ['priority'], activity: fact(two, 'updated the priority of WEB-2') } },
      { name: 'planning.task.state_changed', payload: { task: three, from: state('Todo'), to: state('In Progress'), activity: fact(three, 'moved WEB-3 to In Progress') } },
      { name: 'planning.task.assigned', payload: { task: three, assigneeId: memberId, previousAssigneeId: admins.id, activity: fact(three, `assigned WEB-3 to ${memberName}`) } },
      { name: 'planning.task.updated', payload: { task: three, fields: ['priority', 'labels'], activity: fact(three, 'updated the priority and labels of WEB-3') } },
    ])
    expect(await historyLines()).toBe(3 + 3 + 2 + 3)
  })

  test('moving a deleted state\'s tasks moves them all, each with its history line and planning.task.state_changed', async () => {
    // WEB-1 and WEB-2 are in In Progress now; Review is empty, so it is In Progress that goes
    events.length = 0
    const res = await admin.post(`/planning/projects/WEB/states/${await stateId('In Progress')}/delete`, { moveTo: 'Done' })
    expect(res.status).toBe(303)
    expect((await snapshot()).map((t) => t.state)).toEqual(['Done', 'Done', 'Done'])
    expect(events.map((e) => [e.name, e.payload.task.key, e.payload.from?.name, e.payload.to?.name, e.payload.activity.text])).toEqual([
      ['planning.task.state_changed', 'WEB-1', 'In Progress', 'Done', 'moved WEB-1 to Done'],
      ['planning.task.state_changed', 'WEB-2', 'In Progress', 'Done', 'moved WEB-2 to Done'],
      ['planning.task.state_changed', 'WEB-3', 'In Progress', 'Done', 'moved WEB-3 to Done'],
    ])
  })
})
