/**
 * The planning API against lost updates between clients: ETags on GET (304 on If-None-Match), If-Match
 * on a task's PATCH and DELETE (412 on a stale version, nothing written; one winner when two race).
 * Through a bearer token, on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { columnFacade } from '../../core/store/facade.ts'
import { eq } from 'drizzle-orm'
import { schema } from './schema.ts'
import { type CapturedEvent, createProject, json, signInOutsider, startPlanning } from './test-support.ts'

const PERMISSIONS = ['planning.project.read', 'planning.project.manage', 'planning.task.read', 'planning.task.write']
const VERSIONED = /^"\d+-[0-9a-f]{16}"$/

eachDialect('planning API versions (ETag, If-Match)', (dialect) => {
  let p: TestPlatform
  let outsider: Client
  let secret: string
  const events: CapturedEvent[] = []

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    await createProject(await p.adminClient(), 'WEB', 'Website')
    secret = (await p.deps.identity.tokens.create({ userId: p.admin!.id, orgId: p.org!.id, name: 'etag client', permissions: PERMISSIONS, expiresInDays: 7 })).secret
    outsider = await signInOutsider(p)
    await outsider.get('/planning')
  }, 30_000)
  afterAll(() => p.stop())

  /** A request of the API client (bearer token), JSON body, extra headers. */
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${p.url}/api/v1/planning${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  const newTask = async (title: string, extra: Record<string, unknown> = {}) => {
    const res = await api('POST', '/tasks', { project: 'WEB', title, ...extra })
    expect(res.status).toBe(201)
    return { task: (await res.json()) as any, etag: res.headers.get('etag')! }
  }
  const read = async (ref: string) => {
    const res = await api('GET', `/tasks/${ref}`)
    expect(res.status).toBe(200)
    return { task: (await res.json()) as any, etag: res.headers.get('etag')! }
  }
  const historyOf = async (taskId: string) => {
    const { history } = schema(columnFacade(p.store.dialect))
    return (await p.store.db.select().from(history).where(eq(history.taskId, taskId))).length
  }

  test('GET answers a strong ETag that a create answered too; If-None-Match with it is a 304 without a body', async () => {
    const created = await newTask('Pricing')
    const { etag } = await read(created.task.key)
    expect(etag).toMatch(VERSIONED)
    expect(created.etag).toBe(etag)
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await api('GET', `/tasks/${created.task.key}`, undefined, { 'if-none-match': tag })
      expect(res.status).toBe(304)
      expect(res.headers.get('etag')).toBe(etag)
      expect(await res.text()).toBe('')
    }
    const other = await api('GET', `/tasks/${created.task.key}`, undefined, { 'if-none-match': '"1-0000000000000000"' })
    expect(other.status).toBe(200)
    expect(((await other.json()) as any).title).toBe('Pricing')
  })

  test('a change the task row does not record (a sub-task renamed) changes the ETag too, not its version', async () => {
    const parent = await newTask('Parent')
    const child = await newTask('Child', { parent: parent.task.key })
    const before = await read(parent.task.key)
    expect((await api('PATCH', `/tasks/${child.task.key}`, { title: 'Child renamed' })).status).toBe(200)
    const res = await api('GET', `/tasks/${parent.task.key}`, undefined, { 'if-none-match': before.etag })
    expect(res.status).toBe(200)
    const after = res.headers.get('etag')!
    expect(after).not.toBe(before.etag)
    expect(after.split('-')[0]).toBe(before.etag.split('-')[0]!)
    // the parent itself did not change: its old ETag still lets a write through
    expect((await api('PATCH', `/tasks/${parent.task.key}`, { priority: 'high' }, { 'if-match': before.etag })).status).toBe(200)
  })

  test('PATCH with a stale If-Match is a 412 saying what to do and writes nothing', async () => {
    const { task, etag: stale } = await newTask('Checkout')
    expect((await api('PATCH', `/tasks/${task.key}`, { priority: 'urgent' })).status).toBe(200) // someone else
    const { etag: current } = await read(task.key)
    const eventsBefore = events.length
    const historyBefore = await historyOf(task.id)
    const res = await api('PATCH', `/tasks/${task.key}`, { title: 'Checkout v2' }, { 'if-match': stale })
    expect(res.status).toBe(412)
    const body = (await res.json()) as any
    expect(body.error.code).toBe('precondition_failed')
    expect(body.error.message).toContain('GET it again and reapply your change')
    const now = await read(task.key)
    expect([now.task.title, now.task.priority, now.etag]).toEqual(['Checkout', 'urgent', current])
    expect(events.length).toBe(eventsBefore)
    expect(await historyOf(task.id)).toBe(historyBefore)
  })

  test('PATCH with the current ETag (or a list item\'s etag, or *) writes and answers the new ETag', async () => {
    const { task, etag } = await newTask('Cart')
    let res = await api('PATCH', `/tasks/${task.key}`, { title: 'Cart v2' }, { 'if-match': etag })
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).title).toBe('Cart v2')
    const next = res.headers.get('etag')!
    expect(next).toMatch(VERSIONED)
    expect(next).not.toBe(etag)
    expect((await read(task.key)).etag).toBe(next)
    // a list item carries its version, which If-Match takes as well; the item's other fields are as before
    const list = (await (await api('GET', '/tasks?project=WEB&limit=500')).json()) as any
    const item = list.items.find((x: any) => x.key === task.key)
    expect(item.etag).toBe(next.split('-')[0] + '"')
    expect(item.title).toBe('Cart v2')
    expect(item.relations).toBeUndefined()
    res = await api('PATCH', `/tasks/${task.key}`, { title: 'Cart v3' }, { 'if-match': `"0", ${item.etag}` })
    expect(res.status).toBe(200)
    res = await api('PATCH', `/tasks/${task.key}`, { title: 'Cart v4' }, { 'if-match': '*' })
    expect(res.status).toBe(200)
    expect((await read(task.key)).task.title).toBe('Cart v4')
  })

  test('without If-Match the last write wins, as before', async () => {
    const { task } = await newTask('Search')
    expect((await api('PATCH', `/tasks/${task.key}`, { title: 'Search A' })).status).toBe(200)
    expect((await api('PATCH', `/tasks/${task.key}`, { title: 'Search B' })).status).toBe(200)
    expect((await read(task.key)).task.title).toBe('Search B')
  })

  test('two PATCHes racing with the same If-Match: exactly one is written, the other is a 412', async () => {
    for (let round = 0; round < 4; round++) {
      const { task, etag } = await newTask(`Race ${round}`)
      const [a, b] = await Promise.all([
        api('PATCH', `/tasks/${task.key}`, { title: `A ${round}` }, { 'if-match': etag }),
        api('PATCH', `/tasks/${task.key}`, { title: `B ${round}` }, { 'if-match': etag }),
      ])
      expect([a.status, b.status].sort()).toEqual([200, 412])
      const winner = a.status === 200 ? `A ${round}` : `B ${round}`
      expect((await read(task.key)).task.title).toBe(winner)
    }
  })

  test('DELETE: a stale If-Match is a 412 and deletes nothing; the current one deletes; racing a PATCH, one wins', async () => {
    const { task, etag: stale } = await newTask('Old banner')
    expect((await api('PATCH', `/tasks/${task.key}`, { title: 'Banner' })).status).toBe(200)
    const res = await api('DELETE', `/tasks/${task.key}`, undefined, { 'if-match': stale })
    expect(res.status).toBe(412)
    expect(((await res.json()) as any).error.message).toContain('GET it again')
    const { etag } = await read(task.key)
    expect((await api('DELETE', `/tasks/${task.key}`, undefined, { 'if-match': etag })).status).toBe(204)
    expect((await api('GET', `/tasks/${task.key}`)).status).toBe(404)

    const raced = await newTask('Raced')
    const [patch, del] = await Promise.all([
      api('PATCH', `/tasks/${raced.task.key}`, { title: 'Raced v2' }, { 'if-match': raced.etag }),
      api('DELETE', `/tasks/${raced.task.key}`, undefined, { 'if-match': raced.etag }),
    ])
    if (patch.status === 200) {
      expect(del.status).toBe(412)
      expect((await read(raced.task.key)).task.title).toBe('Raced v2')
    } else {
      expect(del.status).toBe(204)
      expect([404, 412]).toContain(patch.status)
      expect((await api('GET', `/tasks/${raced.task.key}`)).status).toBe(404)
    }
  })

  test("another organization's task is a 404 with any If-Match, never a 412", async () => {
    const { task, etag } = await newTask('Private')
    for (const [method, body] of [['PATCH', { title: 'Mine now' }], ['DELETE', undefined]] as const) {
      for (const tag of ['"1"', etag, '*']) {
        const res = await outsider.request(`/api/v1/planning/tasks/${task.id}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': outsider.csrf, 'if-match': tag },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        expect(res.status).toBe(404)
      }
    }
    const res = await outsider.request(`/api/v1/planning/tasks/${task.id}`, { headers: { 'if-none-match': etag } })
    expect(res.status).toBe(404)
    expect((await read(task.key)).task.title).toBe('Private')
  })

  test('a malformed If-Match is a 400 saying how to write it; a weak or unknown tag is a 412; nothing is written', async () => {
    const { task, etag } = await newTask('Footer')
    const version = etag.slice(1).split('-')[0]!
    for (const tag of [version, `${etag} ${etag}`, '"unclosed', '']) {
      const res = await api('PATCH', `/tasks/${task.key}`, { title: 'Footer v2' }, { 'if-match': tag })
      expect(res.status).toBe(400)
      expect(((await res.json()) as any).error.message).toContain('If-Match must be * or the ETag a GET answered')
    }
    for (const tag of [`W/${etag}`, '"not-ours"']) {
      expect((await api('PATCH', `/tasks/${task.key}`, { title: 'Footer v2' }, { 'if-match': tag })).status).toBe(412)
      expect((await api('DELETE', `/tasks/${task.key}`, undefined, { 'if-match': tag })).status).toBe(412)
    }
    const now = await read(task.key)
    expect([now.task.title, now.etag]).toEqual(['Footer', etag])
  })

  test('a project: GET answers an ETag and 304; PATCH and DELETE honour If-Match like tasks (412 when stale, nothing written)', async () => {
    const res = await api('GET', '/projects/WEB')
    expect(res.status).toBe(200)
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(VERSIONED)
    expect((await api('GET', '/projects/WEB', undefined, { 'if-none-match': etag })).status).toBe(304)
    // a write with the current tag goes through and answers the new one, which a GET answers too
    const renamed = await api('PATCH', '/projects/WEB', { name: 'Site' }, { 'if-match': etag })
    expect(renamed.status).toBe(200)
    const fresh = renamed.headers.get('etag')!
    expect(fresh).not.toBe(etag)
    expect((await api('GET', '/projects/WEB')).headers.get('etag')).toBe(fresh)
    // the old tag is stale now: 412 saying what to do, nothing written
    const stale = await api('PATCH', '/projects/WEB', { name: 'Stale' }, { 'if-match': etag })
    expect(stale.status).toBe(412)
    expect(((await stale.json()) as any).error.message).toContain('The project changed since you read it')
    expect(((await (await api('GET', '/projects/WEB')).json()) as any).name).toBe('Site')
    // two PATCHes racing on the same tag: exactly one is written
    const racing = await Promise.all(['One', 'Two'].map((name) => api('PATCH', '/projects/WEB', { name }, { 'if-match': fresh })))
    expect(racing.map((r) => r.status).sort()).toEqual([200, 412])
    expect((await api('GET', '/projects/WEB', undefined, { 'if-none-match': etag })).status).toBe(200)
    expect((await json(outsider, 'GET', '/api/v1/planning/projects/WEB')).status).toBe(404)

    // DELETE: stale tag -> 412 and the project with its tasks stays; the current one deletes
    expect((await api('POST', '/projects', { key: 'TMP', name: 'Temporary' })).status).toBe(201)
    const tmp = await api('GET', '/projects/TMP')
    const tmpTag = tmp.headers.get('etag')!
    expect((await api('POST', '/tasks', { project: 'TMP', title: 'Keep me' })).status).toBe(201)
    expect((await api('PATCH', '/projects/TMP', { description: 'changed' })).status).toBe(200)
    const refused = await api('DELETE', '/projects/TMP', undefined, { 'if-match': tmpTag })
    expect(refused.status).toBe(412)
    expect(((await (await api('GET', '/tasks?project=TMP')).json()) as any).items.length).toBe(1)
    const current = (await api('GET', '/projects/TMP')).headers.get('etag')!
    expect((await api('DELETE', '/projects/TMP', undefined, { 'if-match': current })).status).toBe(204)
    expect((await api('GET', '/projects/TMP')).status).toBe(404)
  })
})
