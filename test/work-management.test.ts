/**
 * The four work plugins together: any subset can be on; planning works with calendar off (its dates
 * just show in no calendar); with collaboration off the comment box disappears and, re-enabled,
 * every comment is back; activity from planning reaches collaboration's feed.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import { builtinPlugins } from '../plugins/index.ts'

const IDS = ['planning', 'calendar', 'dashboard', 'collaboration'] as const
const HOME: Record<(typeof IDS)[number], string> = { planning: '/planning', calendar: '/calendar', dashboard: '/dashboard', collaboration: '/collaboration/inbox' }

eachDialect('work management', (dialect) => {
  let p: TestPlatform
  let ada: Client
  const json = (path: string, method: string, body?: unknown) =>
    ada.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': ada.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
  const toggle = (id: string, action: 'enable' | 'disable') =>
    fetch(`${p.url}/api/v1/admin/plugins/${id}/${action}`, { method: 'POST', headers: { authorization: p.serviceAuth, 'content-type': 'application/json' }, body: '{}' })

  beforeAll(async () => {
    p = await startPlatform(dialect, builtinPlugins)
    ada = await p.adminClient()
  }, 60_000)
  afterAll(() => p.stop())

  test('all four are on; a task with a due date shows in the calendar; with calendar off planning still works', async () => {
    expect(p.host.list().filter((x) => x.status === 'enabled').map((x) => x.id).sort()).toEqual([...IDS].sort())
    expect((await json('/api/v1/planning/projects', 'POST', { key: 'WEB', name: 'Website' })).status).toBe(201)
    const due = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
    const created = await json('/api/v1/planning/tasks', 'POST', { project: 'WEB', title: 'Launch the new pricing page', due })
    expect(created.status).toBe(201)
    const week = await ada.get(`/calendar?view=week&date=${due}`)
    expect(week.res.status).toBe(200)
    expect(week.html).toContain('Launch the new pricing page')

    expect((await toggle('calendar', 'disable')).status).toBe(200)
    expect((await ada.get('/calendar')).res.status).toBe(404)
    const task = await ada.get('/planning/tasks/WEB-1')
    expect(task.res.status).toBe(200)
    expect(task.html).toContain('Launch the new pricing page')
    expect((await json('/api/v1/planning/tasks', 'POST', { project: 'WEB', title: 'Works without a calendar', due })).status).toBe(201)
    expect((await toggle('calendar', 'enable')).status).toBe(200)
    expect((await ada.get(`/calendar?view=week&date=${due}`)).html).toContain('Works without a calendar')
  }, 60_000)

  test('collaboration off: the comment box disappears; on again: every comment is back', async () => {
    const task = (await (await json('/api/v1/planning/tasks/WEB-1', 'GET')).json()) as { id: string }
    const comment = await json('/api/v1/collaboration/comments', 'POST', { type: 'planning.task', id: task.id, body: 'Shipping this **Friday**' })
    expect(comment.status).toBe(201)
    const withComments = await ada.get('/planning/tasks/WEB-1')
    expect(withComments.html).toContain('Shipping this <strong>Friday</strong>')
    expect(withComments.html).toContain('/collaboration/comments')

    expect((await toggle('collaboration', 'disable')).status).toBe(200)
    const without = await ada.get('/planning/tasks/WEB-1')
    expect(without.res.status).toBe(200)
    expect(without.html).not.toContain('Shipping this')
    expect(without.html).not.toContain('/collaboration/comments')

    expect((await toggle('collaboration', 'enable')).status).toBe(200)
    const back = await ada.get('/planning/tasks/WEB-1')
    expect(back.html).toContain('Shipping this <strong>Friday</strong>')
  }, 60_000)

  test("planning's events reach collaboration's activity feed and the dashboard's widget", async () => {
    expect((await json('/api/v1/planning/tasks/WEB-1', 'PATCH', { state: 'In Progress' })).status).toBe(200)
    await Bun.sleep(50) // activity is recorded by a bus handler, detached from the request
    const feed = await ada.get('/collaboration/activity')
    expect(feed.html).toContain('WEB-1')
    const widgets = p.host.contributionsBy('dashboard.widget').map((w) => `${w.pluginId}.${w.value.id}`)
    expect(widgets.some((k) => k.startsWith('planning.'))).toBe(true)
    expect(widgets.some((k) => k.startsWith('calendar.'))).toBe(true)
  }, 60_000)

  test('team calendars: a team of the organization owns a calendar its members see', async () => {
    const { orgs } = p.deps.identity
    const team = await orgs.createTeam(p.org!.id, 'Platform')
    await orgs.addTeamMember(p.org!.id, team.id, p.admin!.id)
    const created = await json('/api/v1/calendar/calendars', 'POST', { name: 'Platform on-call', ownerKind: 'team', ownerId: team.id, color: '#2f6feb' })
    expect(created.status).toBe(201)
    const wrong = await json('/api/v1/calendar/calendars', 'POST', { name: 'Nope', ownerKind: 'team', ownerId: 'not-a-team' })
    expect(wrong.status).toBe(422)
    const list = (await (await json('/api/v1/calendar/calendars', 'GET')).json()) as { items?: { name: string }[] } | { name: string }[]
    const names = (Array.isArray(list) ? list : (list.items ?? [])).map((c) => c.name)
    expect(names).toContain('Platform on-call')
  }, 30_000)

  test('a mention or a watch never tells someone about a task they may not see', async () => {
    const { orgs, accounts } = p.deps.identity
    const outsiderRole = await orgs.createRole(p.org!.id, 'No planning', ['core.members.read'])
    const nosy = await accounts.createUser({ email: 'nosy@example.com', name: 'Nosy Parker', password: 'nosy password 1' })
    await orgs.addMember(p.org!.id, nosy.id, outsiderRole.id)
    const { user: reader } = await p.member('guest')
    const task = (await (await json('/api/v1/planning/tasks/WEB-1', 'GET')).json()) as { id: string }
    const body = `Heads up @[Nosy Parker](${nosy.id}) and @[${reader.name}](${reader.id})`
    expect((await json('/api/v1/collaboration/comments', 'POST', { type: 'planning.task', id: task.id, body })).status).toBe(201)
    const unread = async (userId: string) => (await p.store.query<{ n: number }>('select count(*) as n from collaboration_notifications where user_id = ?', [userId]))[0]!.n
    expect(Number(await unread(nosy.id))).toBe(0)
    expect(Number(await unread(reader.id))).toBe(1)
  }, 60_000)

  test('the getting-started checklist knows a project exists (through planning.summary)', async () => {
    const card = await ada.get('/dashboard/widgets/dashboard.getting-started')
    expect(card.res.status).toBe(200)
    // a done step is plain text with a check mark, no longer a link
    expect(card.html).toMatch(/<span class="visually-hidden">Done: <\/span><span>Create a project<\/span>/)
  }, 30_000)

  test('any subset of the four can be on: every enabled one serves, every other answers its disabled page', async () => {
    for (let mask = 0; mask < 16; mask++) {
      for (const [i, id] of IDS.entries()) {
        const want = Boolean(mask & (1 << i))
        const on = p.host.describe(id).status === 'enabled'
        if (want !== on) expect((await toggle(id, want ? 'enable' : 'disable')).status).toBe(200)
      }
      for (const [i, id] of IDS.entries()) {
        const res = await ada.get(HOME[id])
        const want = Boolean(mask & (1 << i))
        expect(`${id} ${res.res.status}`).toBe(`${id} ${want ? 200 : 404}`)
      }
      const home = await ada.request('/')
      expect(home.status).toBeLessThan(400)
      expect((await ada.get('/search?q=launch')).res.status).toBe(200)
    }
    for (const id of IDS) if (p.host.describe(id).status !== 'enabled') await toggle(id, 'enable')
  }, 120_000)
})
