/**
 * Being assigned a task (planning) tells the assignee through collaboration, which hears
 * `planning.task.assigned` on the bus: an 'assignment' notification in their inbox with a link that
 * opens the task, the live bell counting up, and a watch on the task so they hear of its comments and
 * changes. Not when they assigned themself, turned assignments off, or may not see the task. The
 * creator of a task watches it too.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { User } from '../core/auth/accounts.ts'
import collaboration from '../plugins/collaboration/index.ts'
import planning from '../plugins/planning/index.ts'
import type { Client } from './helpers/client.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'
import { sseReader } from './helpers/sse.ts'

interface Notification {
  id: string
  kind: string
  title: string
  text: string | null
  href: string | null
  readAt: string | null
}

eachDialect('task assignment notifications', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let bea: { user: User; client: Client }
  let cid: { user: User; client: Client }
  let n = 0

  const api = async (c: Client, method: string, path: string, body?: unknown) => {
    const res = await c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : undefined }
  }
  /** Waits for collaboration's bus handlers (activity, assignments) of what happened so far. */
  const settled = () => p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()
  const notifications = async (c: Client): Promise<Notification[]> => {
    await settled()
    const { status, json } = await api(c, 'GET', '/api/v1/collaboration/notifications?limit=100')
    expect(status).toBe(200)
    return json.items
  }
  // notifications naming the task (its key as a whole word: ASG-1, not ASG-10), wherever the title puts it
  const about = async (c: Client, key: string) => (await notifications(c)).filter((x) => new RegExp(`\\b${key}\\b`).test(x.title))
  const newTask = async (c: Client, fields: Record<string, unknown>) => {
    const made = await api(c, 'POST', '/api/v1/planning/tasks', { project: 'ASG', title: `Task ${++n} <b>`, ...fields })
    expect(made.status).toBe(201)
    return made.json as { key: string; id: string }
  }
  const watching = async (userId: string, taskId: string) => {
    const rows = await p.store.query<{ n: number }>("select count(*) as n from collaboration_watches where user_id = ? and entity_type = 'planning.task' and entity_id = ?", [userId, taskId])
    return Number(rows[0]!.n) > 0
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning])
    ada = await p.adminClient()
    bea = await p.member('member')
    cid = await p.member('member')
    for (const c of [ada, bea.client, cid.client]) await c.get('/planning')
    expect((await api(ada, 'POST', '/api/v1/planning/projects', { key: 'ASG', name: 'Assignments' })).status).toBe(201)
  }, 30_000)
  afterAll(() => p.stop())

  test('the assignee gets a notification with a working link, and watches the task; so does its creator', async () => {
    const task = await newTask(ada, { assigneeId: bea.user.id })
    const mine = await about(bea.client, task.key)
    expect(mine.length).toBe(1)
    expect(mine[0]!.kind).toBe('assignment')
    expect(mine[0]!.title).toBe(`Ada Admin assigned you ${task.key} Task ${n} <b>`)
    expect(mine[0]!.href).toBe(`/planning/tasks/${task.key}`)
    // the inbox shows it (escaped) and its link opens the task for the assignee
    const inbox = (await bea.client.get('/collaboration/inbox')).html
    expect(inbox).toContain(`href="/planning/tasks/${task.key}"`)
    expect(inbox).toContain(`assigned you <span class="task-key">${task.key}</span> Task ${n} &lt;b&gt;`)
    expect(inbox).not.toContain('Task 1 <b>')
    expect((await bea.client.get(mine[0]!.href!)).res.status).toBe(200)
    // the creator is not told of their own assignment
    expect(await about(ada, task.key)).toEqual([])
    expect(await watching(bea.user.id, task.id)).toBe(true)
    expect(await watching(p.admin!.id, task.id)).toBe(true)

    // watching: the assignee hears of a comment by the creator, the creator of the assignee's reply
    await ada.get(`/planning/tasks/${task.key}`)
    expect((await ada.post('/collaboration/comments', { entity_type: 'planning.task', entity_id: task.id, body: 'Please look at this' })).status).toBe(303)
    expect((await about(bea.client, task.key)).some((x) => x.kind === 'comment' && x.title === `Ada Admin commented on ${task.key} Task ${n} <b>`)).toBe(true)
    await bea.client.get(`/planning/tasks/${task.key}`)
    expect((await bea.client.post('/collaboration/comments', { entity_type: 'planning.task', entity_id: task.id, body: 'On it' })).status).toBe(303)
    expect((await about(ada, task.key)).some((x) => x.kind === 'comment')).toBe(true)
    // and of changes made by others
    expect((await api(ada, 'PATCH', `/api/v1/planning/tasks/${task.key}`, { priority: 'high' })).status).toBe(200)
    expect((await about(bea.client, task.key)).some((x) => x.kind === 'change')).toBe(true)
  })

  test('reassigning tells only the new assignee about the assignment (once); unassigning tells nobody', async () => {
    const task = await newTask(ada, { assigneeId: bea.user.id })
    // cid already watches it (commenting starts a watch)
    await cid.client.get(`/planning/tasks/${task.key}`)
    expect((await cid.client.post('/collaboration/comments', { entity_type: 'planning.task', entity_id: task.id, body: 'I can take it' })).status).toBe(303)
    expect((await api(ada, 'PATCH', `/api/v1/planning/tasks/${task.key}`, { assigneeId: cid.user.id })).status).toBe(200)
    const cids = await about(cid.client, task.key)
    // one notification: the assignment, not also a 'change' as a watcher
    expect(cids.map((x) => x.kind)).toEqual(['assignment'])
    expect(await watching(cid.user.id, task.id)).toBe(true)
    // the previous assignee still watches: they hear of the change
    const beas = await about(bea.client, task.key)
    expect(beas.map((x) => x.kind).sort()).toEqual(['assignment', 'change', 'comment'])
    expect(beas.find((x) => x.kind === 'change')!.title).toContain(`assigned ${task.key} to`)

    expect((await api(ada, 'PATCH', `/api/v1/planning/tasks/${task.key}`, { assigneeId: null })).status).toBe(200)
    expect((await about(cid.client, task.key)).filter((x) => x.kind === 'assignment').length).toBe(1)
  })

  test('assigning oneself sends nothing but watches the task', async () => {
    const task = await newTask(bea.client, { assigneeId: bea.user.id })
    expect(await about(bea.client, task.key)).toEqual([])
    expect(await watching(bea.user.id, task.id)).toBe(true)
    // someone else assigning it back to them later does notify them
    expect((await api(ada, 'PATCH', `/api/v1/planning/tasks/${task.key}`, { assigneeId: cid.user.id })).status).toBe(200)
    expect((await api(ada, 'PATCH', `/api/v1/planning/tasks/${task.key}`, { assigneeId: bea.user.id })).status).toBe(200)
    expect((await about(bea.client, task.key)).filter((x) => x.kind === 'assignment').length).toBe(1)
  })

  test('the preference turns assignment notifications off (the watch still starts)', async () => {
    const dan = await p.member('member')
    await dan.client.get('/collaboration/preferences')
    const prefs = (await dan.client.get('/collaboration/preferences')).html
    expect(prefs).toMatch(/name="assignments" value="1" checked/)
    expect(prefs).toContain('Someone assigns a task to you')
    expect((await dan.client.post('/collaboration/preferences', { mentions: '1', comments: '1', changes: '1', reminders: '1', invitations: '1' })).status).toBe(303)
    expect((await dan.client.get('/collaboration/preferences')).html).not.toMatch(/name="assignments" value="1" checked/)
    const task = await newTask(ada, { assigneeId: dan.user.id })
    expect(await about(dan.client, task.key)).toEqual([])
    expect(await watching(dan.user.id, task.id)).toBe(true)
    // mentions still arrive
    await ada.get(`/planning/tasks/${task.key}`)
    await ada.post('/collaboration/comments', { entity_type: 'planning.task', entity_id: task.id, body: `@[Dan](${dan.user.id}) see this` })
    expect((await about(dan.client, task.key)).map((x) => x.kind)).toEqual(['mention'])
  })

  test('someone who may not see tasks is neither told nor made to watch', async () => {
    const { orgs, accounts } = p.deps.identity
    const role = await orgs.createRole(p.org!.id, 'No tasks', ['collaboration.comment.read', 'collaboration.notification.read'])
    const user = await accounts.createUser({ email: `no-tasks-${dialect}@example.com`, name: 'No Tasks', password: 'no tasks password 1' })
    await orgs.addMember(p.org!.id, user.id, role.id)
    const client = p.client()
    await client.signIn(`no-tasks-${dialect}@example.com`, 'no tasks password 1')
    const task = await newTask(ada, { assigneeId: user.id })
    expect(await notifications(client)).toEqual([])
    expect(await watching(user.id, task.id)).toBe(false)
  })

  test('the live bell counts the assignment up', async () => {
    const eve = await p.member('member')
    const abort = new AbortController()
    const res = await eve.client.request('/collaboration/events', { signal: abort.signal, headers: { accept: 'text/html, text/event-stream' } })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const { readUntil, close } = sseReader(res, abort)
    await readUntil('data-unread="0"')
    await newTask(ada, { assigneeId: eve.user.id })
    await readUntil('data-unread="1"')
    await close()
  })
})
