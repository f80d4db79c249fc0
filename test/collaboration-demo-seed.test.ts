/**
 * The demo's comments, after planning's and the calendar's seeds: on shared items only (tasks mostly,
 * then a team or organization event), never on someone's personal calendar event; every author and
 * every person they mention may see the item; task comments read like task discussion. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { can } from '../core/auth/resolve.ts'
import type { Person } from '../core/plugins/points.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'
import calendar from '../plugins/calendar/index.ts'
import planning from '../plugins/planning/index.ts'
import collaboration from '../plugins/collaboration/index.ts'

eachDialect('demo comments', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning, calendar])
  })
  afterAll(() => p.stop())

  test('land on tasks and shared events, written by people who may see them', async () => {
    const { accounts, orgs, resolver } = p.deps.identity
    const org = await orgs.createOrg({ name: `Demo comments ${dialect}` }, p.admin!.id)
    const member = (await orgs.listRoles(org.id)).find((r) => r.builtin === 'member')!
    const people: Person[] = [{ id: p.admin!.id, name: p.admin!.name, email: p.admin!.email }]
    for (const [name, email] of [['Ana Lima', 'ana'], ['Ben Okafor', 'ben'], ['Chloé Martin', 'chloe'], ['Dev Patel', 'dev']] as const) {
      const user = await accounts.createUser({ name, email: `${email}-comments-${dialect}@demo.local`, password: 'demo password 1' })
      await orgs.addMember(org.id, user.id, member.id)
      people.push({ id: user.id, name: user.name, email: user.email })
    }
    const seeds = p.host.contributions('demo.seed').sort((a, b) => a.order - b.order)
    const said: string[] = []
    for (const seed of seeds) said.push(await seed.run({ orgId: org.id, people, now: new Date() }))
    expect(said.at(-1)).toMatch(/^[1-9]\d* comments on [1-9]\d* items?$/)

    const comments = await p.store.query<{ entity_type: string; entity_id: string; author_id: string; body: string; parent_id: string | null }>(
      'select entity_type, entity_id, author_id, body, parent_id from collaboration_comments where org_id = ?',
      [org.id],
    )
    expect(comments.length).toBeGreaterThanOrEqual(4)
    const links = p.host.contributions('entity.link')
    const sees = async (userId: string, type: string, id: string) => {
      const link = links.find((l) => l.type === type)!
      const auth = await resolver.authFor(userId, org.id)
      return !!auth && can(auth, link.permission) && !!(await link.resolve(id, auth))
    }
    const titles: string[] = []
    for (const c of comments) {
      expect(await sees(c.author_id, c.entity_type, c.entity_id)).toBe(true)
      for (const [, mentioned] of c.body.matchAll(/@\[[^\]]*\]\(([^)]+)\)/g)) expect(await sees(mentioned!, c.entity_type, c.entity_id)).toBe(true)
      const link = links.find((l) => l.type === c.entity_type)!
      titles.push((await link.resolve(c.entity_id, (await resolver.authFor(c.author_id, org.id))!))!.title)
    }
    // at least half on tasks; task discussion stays on tasks
    const onTasks = comments.filter((c) => c.entity_type === 'planning.task')
    expect(onTasks.length * 2).toBeGreaterThanOrEqual(comments.length)
    expect(comments.filter((c) => c.entity_type !== 'planning.task' && /split this|edge cases|blocks the release/.test(c.body))).toEqual([])
    // nobody's personal calendar: not the dentist, the focus time, the week off or a 1:1
    expect(titles.filter((t) => /Dentist|Focus time|Week off|1:1/.test(t))).toEqual([])
    // a top-level comment each item, with a mention, answered by the person it mentions
    const top = comments.filter((c) => !c.parent_id)
    expect(top.every((c) => /@\[[^\]]+\]\([^)]+\)/.test(c.body))).toBe(true)
  }, 60_000)
})
