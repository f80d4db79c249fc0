/** Planning counts and progress past 500 tasks (SQL aggregates): projects page, settings, roadmap, cycles; both dialects. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { columnFacade } from '../../core/store/facade.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import planning from './index.ts'
import { schema } from './schema.ts'

const json = (c: Client, method: string, path: string, body?: unknown) =>
  c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })

/** Text of the element after `marker` up to the end of its row or item. */
const near = (html: string, marker: string, length = 600) => {
  const i = html.indexOf(marker)
  return i < 0 ? '' : html.slice(i, i + length)
}

eachDialect('planning counts past 500 tasks', (dialect) => {
  let p: TestPlatform
  let admin: Client
  const TODO = 550
  const DONE = 40
  const CANCELLED = 10

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    admin = await p.adminClient()
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'BIG', name: 'Big one' })).status).toBe(201)
    expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'EMP', name: 'Empty one' })).status).toBe(201)
    await admin.get('/planning/projects/BIG/milestones')
    expect((await admin.post('/planning/projects/BIG/milestones', { name: 'Launch', targetDate: '2030-03-01', description: '' })).status).toBe(303)
    expect((await admin.post('/planning/projects/BIG/cycles', { name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    // the rows go in directly: 600 tasks through HTTP would be slow
    const t = schema(columnFacade(p.store.dialect))
    const db = p.store.db
    const [project] = await db.select().from(t.projects).where(eq(t.projects.key, 'BIG'))
    const states = await db.select().from(t.states)
    const [milestone] = await db.select().from(t.milestones)
    const [cycle] = await db.select().from(t.cycles)
    const state = (name: string) => states.find((s) => s.projectId === project!.id && s.name === name)!.id
    const now = new Date()
    const rows = Array.from({ length: TODO + DONE + CANCELLED }, (_, i) => ({
      id: Bun.randomUUIDv7(),
      orgId: project!.orgId,
      projectId: project!.id,
      number: i + 1,
      title: `Task ${i + 1}`,
      stateId: state(i < TODO ? 'Todo' : i < TODO + DONE ? 'Done' : 'Cancelled'),
      estimate: 2,
      milestoneId: milestone!.id,
      cycleId: cycle!.id,
      createdAt: now,
      updatedAt: now,
    }))
    for (let i = 0; i < rows.length; i += 100) await db.insert(t.tasks).values(rows.slice(i, i + 100))
    await p.store.query('update planning_projects set task_counter = ? where id = ?', [rows.length, project!.id])
  }, 30_000)
  afterAll(() => p.stop())

  test('the projects page counts every task and the open ones', async () => {
    const { res, html } = await admin.get('/planning')
    expect(res.status).toBe(200)
    expect(near(html, 'href="/planning/projects/BIG"')).toContain(`${TODO} of ${TODO + DONE + CANCELLED}`)
    expect(near(html, 'href="/planning/projects/EMP"')).toContain('0 of 0')
  })

  test('settings show how many tasks use each state; a used state cannot be deleted', async () => {
    const { html } = await admin.get('/planning/projects/BIG/settings')
    const used = [...html.matchAll(/aria-label="State name" required maxlength="60"\/?>[\s\S]*?<\/form>\s*<\/td>\s*<td data-label="Tasks">(\d+)<\/td>/g)].map((m) => Number(m[1]))
    expect(used).toEqual([0, TODO, 0, DONE, CANCELLED])
  })

  test('roadmap and cycle progress count every task (cancelled ones are out of scope) and their points', async () => {
    const scope = TODO + DONE
    const expected = `${DONE}/${scope} done (${Math.round((DONE / scope) * 100)}%) · ${DONE * 2}/${scope * 2} points`
    const roadmap = await admin.get('/planning/projects/BIG/milestones')
    expect(roadmap.html).toContain(expected)
    const cycles = await admin.get('/planning/projects/BIG/cycles')
    expect(cycles.html).toContain(expected)
    // the selected cycle lists part of its scope and links to the whole list
    const [cycleId] = /cycles\?cycle=([\w-]+)/.exec(cycles.html)!.slice(1)
    const one = await admin.get(`/planning/projects/BIG/cycles?cycle=${cycleId}`)
    expect(one.html).toContain('Scope of Sprint 1')
    expect(one.html).toContain(`href="/planning/projects/BIG?cycle=${cycleId}"`)
    expect(one.html.match(/href="\/planning\/tasks\/BIG-\d+"/g)!.length).toBe(200)
  })
})
