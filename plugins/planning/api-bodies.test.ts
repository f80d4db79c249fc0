/**
 * The JSON API refuses what it would otherwise read as nothing: a write whose body is JSON but no
 * object (an array, a string, a number, null) is a 400 saying an object is expected, and a list's
 * unknown `assignee` is a 400 naming the parameter (a former member's tasks can still be listed);
 * on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { createProject, json, startPlanning, type CapturedEvent } from './test-support.ts'

eachDialect('planning API bodies and assignee filter', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let formerId: string
  let memberId: string
  const events: CapturedEvent[] = []
  const raw = (method: string, path: string, body: string) => admin.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf }, body })
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Web')
    const member = await p.member('member')
    memberId = member.user.id
    const former = await p.member('member')
    formerId = former.user.id
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'First', assigneeId: formerId })).status).toBe(201)
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Second', assigneeId: memberId })).status).toBe(201)
    // disabled: no longer a member anyone can pick, but WEB-1 is still assigned to them
    await p.deps.identity.accounts.setDisabled(formerId, true)
  })
  afterAll(() => p.stop())

  test('a write whose JSON body is no object is a 400 and changes nothing', async () => {
    const before = events.length
    for (const body of ['[1,2]', '"str"', '42', 'true', 'null', '[]']) {
      for (const [method, path] of [
        ['PATCH', '/api/v1/planning/tasks/WEB-1'],
        ['POST', '/api/v1/planning/tasks'],
        ['PATCH', '/api/v1/planning/projects/WEB'],
        ['POST', '/api/v1/planning/projects'],
      ] as [string, string][]) {
        const res = await raw(method, path, body)
        expect(res.status).toBe(400)
        const error = await errorOf(res)
        expect(error.message).toContain('The body must be a JSON object')
      }
    }
    expect((await errorOf(await raw('PATCH', '/api/v1/planning/tasks/WEB-1', '[1,2]'))).message).toContain('got an array')
    expect((await errorOf(await raw('PATCH', '/api/v1/planning/tasks/WEB-1', '"str"'))).message).toContain('got a string')
    expect(events.length).toBe(before)
    const task = (await (await admin.request('/api/v1/planning/tasks/WEB-1')).json()) as { title: string }
    expect(task.title).toBe('First')
    // an object still works
    expect((await raw('PATCH', '/api/v1/planning/tasks/WEB-1', '{"priority":"high"}')).status).toBe(200)
  })

  test('assignee: an unknown one is a 400 naming the parameter; me, none, members and former assignees list', async () => {
    const keys = async (query: string) => {
      const res = await admin.request(`/api/v1/planning/tasks?${query}`)
      expect(res.status).toBe(200)
      return ((await res.json()) as { items: { key: string }[] }).items.map((t) => t.key)
    }
    for (const who of ['nobody', 'me2', crypto.randomUUID()]) {
      const res = await admin.request(`/api/v1/planning/tasks?assignee=${who}`)
      expect(res.status).toBe(400)
      const error = await errorOf(res)
      expect(error.code).toBe('invalid')
      expect(error.message).toContain(`The assignee filter names an unknown assignee '${who}'`)
    }
    // one unknown among several is refused too (a comma list)
    const listed = await admin.request(`/api/v1/planning/tasks?assignee=${memberId},nobody`)
    expect(listed.status).toBe(400)
    expect((await errorOf(listed)).message).toContain("unknown assignee 'nobody'")
    expect(await keys('assignee=me')).toEqual([])
    expect(await keys('assignee=none')).toEqual([])
    expect(await keys(`assignee=${memberId}`)).toEqual(['WEB-2'])
    expect(await keys(`assignee=${formerId}&project=WEB`)).toEqual(['WEB-1'])
  })

  test('the planning_list_tasks tool checks the assignee the same way', async () => {
    const auth = (await p.deps.identity.resolver.resolve(new Request(p.url + '/', { headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })))! as Auth
    const tool = p.host.contributions('mcp.tool').find((t) => t.name === 'planning_list_tasks')!
    await expect(tool.call({ assignee: 'nobody' }, auth)).rejects.toThrow("unknown assignee 'nobody'")
  })
})
