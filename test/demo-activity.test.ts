/**
 * The demo reads like a team at work: planning's seed spreads the work over the demo's people, files
 * tasks in Backlog or Todo and has their assignees move them along, so the organization's activity
 * shows several people, moves and assignments (not "Ada Admin created" again and again); each
 * milestone has its own description; the seed stays fast, and a second run adds nothing. The
 * collaboration seed that follows still finds items to comment on. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import collaboration from '../plugins/collaboration/index.ts'
import planning from '../plugins/planning/index.ts'
import type { Person } from '../core/plugins/points.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'

eachDialect('demo activity', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning])
  })
  afterAll(() => p.stop())

  test('the seeded organization shows several people moving and assigning tasks', async () => {
    const { accounts, orgs } = p.deps.identity
    const org = await orgs.createOrg({ name: `Demo activity ${dialect}` }, p.admin!.id)
    const member = (await orgs.listRoles(org.id)).find((r) => r.builtin === 'member')!
    const people: Person[] = [{ id: p.admin!.id, name: p.admin!.name, email: p.admin!.email }]
    for (const [name, email] of [['Ana Lima', 'ana'], ['Ben Okafor', 'ben'], ['Chloé Martin', 'chloe'], ['Dev Patel', 'dev']] as const) {
      const user = await accounts.createUser({ name, email: `${email}-${dialect}@demo.local`, password: 'demo password 1' })
      await orgs.addMember(org.id, user.id, member.id)
      people.push({ id: user.id, name: user.name, email: user.email })
    }
    const seeds = p.host.contributions('demo.seed').sort((a, b) => a.order - b.order)
    const started = performance.now()
    expect(await seeds[0]!.run({ orgId: org.id, people, now: new Date() })).toBe('3 projects, 26 tasks, 3 saved views')
    const took = performance.now() - started
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()

    const rows = await p.store.query<{ actor_id: string; actor_name: string; text: string; event: string }>('select actor_id, actor_name, text, event from collaboration_activity where org_id = ?', [org.id])
    const actors = new Set(rows.map((r) => r.actor_id))
    expect(actors.size).toBeGreaterThanOrEqual(2)
    // the admin who ran the demo is not the one doing everything
    expect(rows.filter((r) => r.actor_id === p.admin!.id).length).toBeLessThan(rows.length / 2)
    const moves = rows.filter((r) => r.event === 'planning.task.state_changed')
    expect(moves.length).toBeGreaterThanOrEqual(1)
    expect(moves.some((r) => /^moved (WEB|API|OPS)-\d+ to Done$/.test(r.text))).toBe(true)
    expect(new Set(moves.map((r) => r.actor_id)).size).toBeGreaterThanOrEqual(2)
    const assigned = rows.filter((r) => r.event === 'planning.task.assigned')
    expect(new Set(assigned.map((r) => r.actor_id)).size).toBeGreaterThanOrEqual(2)
    expect(rows.filter((r) => r.event === 'planning.task.created').length).toBe(26)

    // the admin's feed shows the moves by name
    const admin = await p.adminClient()
    await admin.post('/orgs/switch', { org: org.id })
    const feed = (await admin.get('/collaboration/activity')).html
    expect(feed).toMatch(/<strong>(Ana Lima|Ben Okafor|Chlo[^<]*Martin|Dev Patel)<\/strong> <span>moved <span class="task-key">(WEB|API|OPS)-\d+<\/span> to (In Progress|Done)<\/span>/)
    expect(feed).toMatch(/<strong>[^<]+<\/strong> <span>assigned <span class="task-key">(WEB|API|OPS)-\d+<\/span> to [^<]+<\/span>/)

    // a task's history: filed by one person, moved by its assignee
    const [done] = await p.store.query<{ id: string; assignee_id: string; created_by: string }>(
      "select t.id, t.assignee_id, t.created_by from planning_tasks t join planning_states s on s.id = t.state_id where t.org_id = ? and s.name = 'Done' and t.parent_id is null and t.assignee_id is not null",
      [org.id],
    )
    expect(done).toBeDefined()
    const history = await p.store.query<{ actor_id: string; field: string; to_value: string }>('select actor_id, field, to_value from planning_history where task_id = ?', [done!.id])
    expect(history.find((h) => h.field === 'created')!.actor_id).toBe(done!.created_by)
    expect(history.filter((h) => h.field === 'state').map((h) => h.to_value)).toEqual(['In Progress', 'Done'])
    expect(history.filter((h) => h.field === 'state').every((h) => h.actor_id === done!.assignee_id)).toBe(true)
    expect(done!.created_by).not.toBe(done!.assignee_id)

    // each milestone its own description
    const milestones = await p.store.query<{ description: string }>('select description from planning_milestones where org_id = ?', [org.id])
    expect(milestones.length).toBe(3)
    expect(new Set(milestones.map((m) => m.description)).size).toBe(3)

    // fast (about 0.3 s on SQLite, 1.3 s on PostgreSQL here; the margin is for a busy machine), and a
    // second run adds nothing
    expect(took).toBeLessThan(8_000)
    expect(await seeds[0]!.run({ orgId: org.id, people, now: new Date() })).toBe('0 projects, 0 tasks, 0 saved views')
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()
    const [after] = await p.store.query<{ n: number }>('select count(*) as n from collaboration_activity where org_id = ?', [org.id])
    expect(Number(after!.n)).toBe(rows.length)

    // collaboration's seed comments on what planning seeded
    expect(await seeds[1]!.run({ orgId: org.id, people, now: new Date() })).toMatch(/^[1-9]\d* comments on [1-9]\d* items?$/)
  }, 60_000)
})
