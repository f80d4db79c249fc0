/**
 * Planning's workflow actions run for a member: `planning.create_task` creates the next numbered
 * task (its key, url, fields and the planning.task.created event, plus planning.task.assigned when
 * given an assignee), `planning.set_state` moves a task (planning.task.state_changed with from and
 * to); bad input is an InputError naming the field, a reader is refused and nothing changes. Both
 * dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, startPlanning } from './test-support.ts'

eachDialect('planning workflow actions', (dialect) => {
  let p: TestPlatform
  let member: Client
  let memberAuth: Auth
  let guestAuth: Auth
  let memberEmail: string
  let memberId: string
  const events: CapturedEvent[] = []

  /** The signed-in user of `c` as the host resolves them. */
  const authOf = async (c: Client) => (await p.deps.identity.resolver.resolve(new Request(p.url + '/', { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })))! as Auth
  const action = (id: string) => p.host.contributions('workflow.action').find((a) => a.id === id)!
  const task = async (ref: string) => (await (await member.request(`/api/v1/planning/tasks/${ref}`)).json()) as any

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    const admin = await p.adminClient()
    await createProject(admin, 'OPS', 'Operations')
    const m = await p.member('member')
    member = m.client
    memberEmail = m.user.email
    memberId = m.user.id
    await member.get('/planning')
    memberAuth = await authOf(member)
    const g = await p.member('guest')
    await g.client.get('/planning')
    guestAuth = await authOf(g.client)
  }, 30_000)
  afterAll(() => p.stop())

  test('create_task: a member gets the next key, the fields set, and planning.task.created (and assigned)', async () => {
    const create = action('planning.create_task')
    expect(create.permission).toBe('planning.task.write')
    events.length = 0
    const first = (await create.run({ project: 'OPS', title: 'Rotate the keys' }, memberAuth)) as any
    expect(first).toEqual({ id: expect.any(String), key: 'OPS-1', url: '/planning/tasks/OPS-1' })
    const second = (await create.run({ project: 'ops', title: 'Page the on-call', description: 'From a workflow', priority: 'urgent', assigneeEmail: memberEmail, state: 'In Progress' }, memberAuth)) as any
    expect(second.key).toBe('OPS-2')
    const got = await task('OPS-2')
    expect([got.title, got.description, got.priority, got.state.name, got.assignee?.id]).toEqual(['Page the on-call', 'From a workflow', 'urgent', 'In Progress', memberId])
    const created = events.filter((e) => e.name === 'planning.task.created')
    expect(created.map((e) => e.payload.task.key)).toEqual(['OPS-1', 'OPS-2'])
    expect(created[0]!.payload.task).toMatchObject({ id: first.id, key: 'OPS-1', title: 'Rotate the keys' })
    expect(created[0]!.payload.activity).toMatchObject({ actor: { id: memberId }, text: 'created OPS-1 Rotate the keys' })
    const assigned = events.filter((e) => e.name === 'planning.task.assigned')
    expect(assigned.map((e) => [e.payload.task.key, e.payload.assigneeId, e.payload.previousAssigneeId])).toEqual([['OPS-2', memberId, null]])
  })

  test('create_task: bad input names the field; a reader is refused; nothing is created', async () => {
    const create = action('planning.create_task')
    events.length = 0
    const failure = async (input: Record<string, unknown>, auth: Auth) => {
      try {
        await create.run(input, auth)
      } catch (err) {
        expect(err).toBeInstanceOf(InputError)
        return { field: (err as InputError).field, status: (err as InputError).status, message: (err as Error).message }
      }
      throw new Error('the action ran')
    }
    expect(await failure({ project: 'OPS', title: '' }, memberAuth)).toMatchObject({ field: 'title', status: 422 })
    expect(await failure({ project: 'OPS', title: 'x', priority: 'asap' }, memberAuth)).toMatchObject({ field: 'priority', status: 422 })
    expect(await failure({ project: 'OPS', title: 'x', assigneeEmail: 'nobody@example.com' }, memberAuth)).toMatchObject({ field: 'assigneeEmail', status: 422 })
    expect(await failure({ project: 'NOPE', title: 'x' }, memberAuth)).toMatchObject({ status: 404 })
    expect(await failure({ project: 'OPS', title: 'x' }, guestAuth)).toMatchObject({ status: 403, message: expect.stringContaining('planning.task.write') })
    expect(events.filter((e) => e.name === 'planning.task.created')).toEqual([])
    const list = (await (await member.request('/api/v1/planning/tasks?project=OPS')).json()) as any
    expect(list.items.map((t: any) => t.key).sort()).toEqual(['OPS-1', 'OPS-2'])
  })

  test('set_state: moves a task by name or id with planning.task.state_changed; unknown states and readers are refused', async () => {
    const move = action('planning.set_state')
    expect(move.permission).toBe('planning.task.write')
    events.length = 0
    const moved = (await move.run({ task: 'OPS-1', state: 'done' }, memberAuth)) as any
    expect(moved).toEqual({ id: expect.any(String), key: 'OPS-1', state: 'Done' })
    const changed = events.filter((e) => e.name === 'planning.task.state_changed')
    expect(changed.length).toBe(1)
    expect(changed[0]!.payload).toMatchObject({ task: { key: 'OPS-1' }, from: { name: 'Todo', group: 'unstarted' }, to: { name: 'Done', group: 'completed' } })
    expect(changed[0]!.payload.activity).toMatchObject({ actor: { id: memberId }, text: 'moved OPS-1 to Done' })
    const done = await task('OPS-1')
    expect(done.state.name).toBe('Done')
    // the task by id, the state by id
    const startedId = (await task('OPS-2')).state.id as string
    expect(((await move.run({ task: done.id, state: startedId }, memberAuth)) as any).state).toBe('In Progress')
    await expect(move.run({ task: 'OPS-1', state: 'Limbo' }, memberAuth)).rejects.toThrow("Unknown state 'Limbo': choose one of the project's states.")
    await expect(move.run({ task: 'OPS-99', state: 'Done' }, memberAuth)).rejects.toThrow('There is no such task in this organization.')
    await expect(move.run({ task: 'OPS-1', state: 'Todo' }, guestAuth)).rejects.toThrow('planning.task.write')
    expect((await task('OPS-1')).state.name).toBe('In Progress')
  })
})
