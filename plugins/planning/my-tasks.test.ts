/**
 * /planning/my (my open tasks of every project, paged, under the Planning nav item) and the "My
 * tasks" dashboard widget's "N more — see all" past its first 10; on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json } from './test-support.ts'
import planning from './index.ts'

eachDialect('planning my tasks', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let me: string
  let orgId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'MUL', 'Multi')
    me = (await p.deps.identity.accounts.findUserByEmail(ADMIN.email))!.id
    orgId = (await p.deps.identity.orgs.orgsOf(me))[0]!.id
    const task = async (title: string, body: Record<string, unknown>) => expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'MUL', title, ...body })).status).toBe(201)
    await task('Started one', { state: 'In Progress', assigneeId: me })
    await task('Not mine', { state: 'Todo' })
    await task('Done one', { state: 'Done', assigneeId: me })
  }, 60_000)
  afterAll(() => p.stop())

  test('/planning/my lists my open tasks of every project, paged; the widget says how many more and links there', async () => {
    await createProject(admin, 'OTH', 'Other')
    for (let i = 1; i <= 11; i++) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'OTH', title: `Mine ${i}`, assigneeId: me })).status).toBe(201)
    const mine = await admin.get('/planning/my')
    expect(mine.res.status).toBe(200)
    expect(mine.html).toContain('MUL-1') // started, mine
    expect(mine.html).not.toContain('Done one') // done
    expect(mine.html).not.toContain('Not mine') // not mine
    expect(mine.html).toContain('OTH-11')
    expect(mine.html).toMatch(/<a href="\/planning"[^>]*aria-current="page"/) // the Planning nav item is current
    const widget = p.host.contributionsBy('dashboard.widget').find((w) => w.pluginId === 'planning' && w.value.id === 'my-tasks')!
    const auth = { user: { id: me }, org: { id: orgId } } as any
    const html = await widget.value.render(new Request('http://x/'), auth)
    expect((html.match(/<li>/g) ?? []).length).toBe(10)
    expect(html).toContain('<a href="/planning/my">2 more — see all</a>')
  })

  test('/planning/my pages by cursor', async () => {
    for (let i = 12; i <= 52; i++) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'OTH', title: `Mine ${i}`, assigneeId: me })).status).toBe(201)
    const first = await admin.get('/planning/my')
    const next = /<a href="(\/planning\/my\?cursor=[^"]+)">Next page<\/a>/.exec(first.html)
    expect(next).not.toBeNull()
    const second = await admin.get(next![1]!.replace(/&amp;/g, '&'))
    expect(second.res.status).toBe(200)
    const keys = (html: string) => [...html.matchAll(/<td class="pl-c-key"><a href="\/planning\/tasks\/([\w-]+)"/g)].map((m) => m[1]!)
    expect(keys(first.html).length).toBe(50)
    expect(keys(second.html).length).toBe(3) // 52 + MUL-1 = 53 open tasks of mine
    expect(new Set([...keys(first.html), ...keys(second.html)]).size).toBe(53)
    expect((await admin.get('/planning/my?cursor=bogus')).res.status).toBe(400)
  }, 60_000)
})
