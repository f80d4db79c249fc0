/**
 * Activity about planning's projects, milestones and cycles reaches the feed through planning's
 * entity links (collaboration shows a row only when its type's link resolves it for the viewer):
 * people holding planning.project.read see it, a role without it does not, and the links resolve
 * only the viewer's organization's entities. A task's updates read in the task page's words.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import collaboration from '../plugins/collaboration/index.ts'
import planning from '../plugins/planning/index.ts'
import type { Client } from './helpers/client.ts'
import { activityHelpers } from './helpers/activity.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'

eachDialect('planning activity in the collaboration feed', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let n = 0
  /** The admin's JSON calls; signed-in users holding only `permissions` (a custom role); waiting for activity rows. */
  const { json, withRole, rowsLanded } = activityHelpers(() => ({ p, admin }), `planning-activity-${dialect}`, () => ++n)

  /** Ids of the milestones or cycles of a project, by name. */
  const idOf = async (table: 'planning_milestones' | 'planning_cycles', name: string) => {
    const [row] = await p.store.query<{ id: string }>(`select id from ${table} where name = ?`, [name])
    return row!.id
  }

  const ids = { project: '', milestone: '', cycle: '' }

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning])
    admin = await p.adminClient()
    await admin.get('/planning')
    const created = await json('/api/v1/planning/projects', 'POST', { key: 'ACT', name: 'Activity project' })
    expect(created.status).toBe(201)
    ids.project = ((await created.json()) as { id: string }).id
    expect((await admin.post('/planning/projects/ACT/milestones', { name: 'Beta launch', targetDate: '2030-05-01' })).status).toBe(303)
    expect((await admin.post('/planning/projects/ACT/milestones', { name: 'Scrapped milestone', targetDate: '2030-06-01' })).status).toBe(303)
    expect((await admin.post('/planning/projects/ACT/cycles', { name: 'Sprint Alpha', startsAt: '2030-05-01', endsAt: '2030-05-14' })).status).toBe(303)
    expect((await admin.post('/planning/projects/ACT/cycles', { name: 'Sprint Dropped', startsAt: '2030-05-15', endsAt: '2030-05-28' })).status).toBe(303)
    ids.milestone = await idOf('planning_milestones', 'Beta launch')
    ids.cycle = await idOf('planning_cycles', 'Sprint Alpha')
    expect((await admin.post(`/planning/projects/ACT/milestones/${await idOf('planning_milestones', 'Scrapped milestone')}/delete`)).status).toBe(303)
    expect((await admin.post(`/planning/projects/ACT/cycles/${await idOf('planning_cycles', 'Sprint Dropped')}/delete`)).status).toBe(303)
    expect((await json('/api/v1/planning/projects', 'POST', { key: 'OLD', name: 'Old project' })).status).toBe(201)
    expect((await json('/api/v1/planning/projects/OLD', 'DELETE')).status).toBeLessThan(300)
    await rowsLanded(p.org!.id, 9)
  }, 30_000)
  afterAll(() => p.stop())

  /** Rows about entities that exist, and deletions (they carry no entity; the type's permission decides). */
  const VISIBLE = [
    'created project ACT Activity project',
    'added milestone Beta launch to ACT',
    'deleted milestone Scrapped milestone from ACT',
    'added Sprint Alpha to ACT',
    'deleted Sprint Dropped from ACT',
    'deleted project OLD Old project',
  ]
  /** Rows about entities that are gone: their links no longer resolve them. */
  const GONE = ['added milestone Scrapped milestone', 'added Sprint Dropped', 'created project OLD']

  test('members and guests see project, milestone and cycle activity, deletions included', async () => {
    for (const role of ['member', 'guest'] as const) {
      const { client } = await p.member(role)
      const feed = (await client.get('/collaboration/activity')).html
      for (const text of VISIBLE) expect(feed).toContain(text)
      for (const text of GONE) expect(feed).not.toContain(text)
      expect(feed).toContain('href="/planning/projects/ACT"')
    }
  }, 30_000)

  test('a role without planning.project.read sees none of it (planning.task.read is not enough)', async () => {
    const { client } = await withRole(p.org!, ['collaboration.comment.read', 'planning.task.read'])
    const feed = (await client.get('/collaboration/activity')).html
    for (const text of [...VISIBLE, ...GONE]) expect(feed).not.toContain(text)
    expect(feed).toContain('No activity yet')
  }, 30_000)

  test("the links resolve the viewer's organization's projects, milestones and cycles by id only", async () => {
    const { client: member } = await p.member('member')
    const thread = (type: string, id: string) => `/collaboration/threads/${type}/${encodeURIComponent(id)}`
    const project = await member.get(thread('planning.project', ids.project))
    expect(project.res.status).toBe(200)
    expect(project.html).toContain('ACT Activity project')
    const milestone = await member.get(thread('planning.milestone', ids.milestone))
    expect(milestone.res.status).toBe(200)
    expect(milestone.html).toContain('ACT Beta launch')
    const cycle = await member.get(thread('planning.cycle', ids.cycle))
    expect(cycle.res.status).toBe(200)
    expect(cycle.html).toContain('ACT Sprint Alpha')
    // a key is no entity id; unknown and deleted ids are not found
    expect((await member.get(thread('planning.project', 'ACT'))).res.status).toBe(404)
    expect((await member.get(thread('planning.milestone', 'nope'))).res.status).toBe(404)
    expect((await member.get(thread('planning.cycle', 'nope'))).res.status).toBe(404)

    const other = await p.deps.identity.orgs.createOrg({ name: `Other ${dialect}` }, p.admin!.id)
    const { client: outsider } = await p.member('member', other)
    for (const [type, id] of [['planning.project', ids.project], ['planning.milestone', ids.milestone], ['planning.cycle', ids.cycle]] as const) {
      expect((await outsider.get(thread(type, id))).res.status).toBe(404)
    }
    // without planning.project.read the thread does not exist either
    const { client: noProjects } = await withRole(p.org!, ['collaboration.comment.read', 'planning.task.read'])
    expect((await noProjects.get(thread('planning.project', ids.project))).res.status).toBe(404)
  }, 30_000)

  test('task updates read in the task page\'s words: a rollover "moved ACT-1 to Sprint Beta", other fields by their labels', async () => {
    expect((await admin.post('/planning/projects/ACT/cycles', { name: 'Sprint Beta', startsAt: '2030-05-15', endsAt: '2030-05-28' })).status).toBe(303)
    const task = await json('/api/v1/planning/tasks', 'POST', { project: 'ACT', title: 'Ship it', cycleId: 'Sprint Alpha' })
    expect(task.status).toBe(201)
    expect((await json(`/api/v1/planning/projects/ACT/cycles/${ids.cycle}/rollover`, 'POST', {})).status).toBe(200)
    expect((await json('/api/v1/planning/tasks/ACT-1', 'PATCH', { cycleId: null })).status).toBe(200)
    expect((await json('/api/v1/planning/tasks/ACT-1', 'PATCH', { due: '2030-05-20', parent: null, priority: 'high', estimate: 3 })).status).toBe(200)
    // the rows land from a detached handler: wait for the last one
    let feed = ''
    for (let i = 0; i < 200 && !feed.includes('due date of ACT-1'); i++) {
      if (i) await Bun.sleep(20)
      feed = (await admin.get('/collaboration/activity')).html.replace(/<[^>]*>/g, '') // the keys are marked up
    }
    expect(feed).toContain('moved ACT-1 to Sprint Beta')
    expect(feed).toContain('took ACT-1 out of Sprint Beta')
    expect(feed).toContain('updated the priority, estimate and due date of ACT-1')
    expect(feed).not.toMatch(/updated ACT-1 \(/)
  }, 30_000)
})
