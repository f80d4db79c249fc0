/**
 * A project's cycles never overlap: a new cycle or new dates that overlap another cycle of the same
 * project are a 409 naming it, the form comes back with what was typed, and nothing is saved; other
 * projects are not affected. On both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, startPlanning, type CapturedEvent } from './test-support.ts'

eachDialect('planning cycles do not overlap', (dialect) => {
  let p: TestPlatform
  let admin: Client
  const events: CapturedEvent[] = []
  const cycles = async (key: string) => {
    const res = await admin.request(`/api/v1/planning/projects/${key}/cycles`)
    return ((await res.json()) as { items: { id: string; name: string; startsAt: string; endsAt: string }[] }).items
  }
  const overlap = "These dates overlap Sprint 1 (2030-01-01 to 2030-01-14): a project&#x27;s cycles cannot overlap"

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Web')
    await createProject(admin, 'OPS', 'Ops')
    await admin.get('/planning/projects/WEB/cycles')
    expect((await admin.post('/planning/projects/WEB/cycles', { name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
  })
  afterAll(() => p.stop())

  test('a new cycle overlapping another (a shared day, or around it) is a 409 naming it, with the values kept', async () => {
    const created = events.filter((e) => e.name === 'planning.cycle.created').length
    for (const [startsAt, endsAt] of [
      ['2030-01-14', '2030-01-27'],
      ['2029-12-20', '2030-01-01'],
      ['2029-12-01', '2030-02-28'],
      ['2030-01-05', '2030-01-06'],
    ] as [string, string][]) {
      const res = await admin.post('/planning/projects/WEB/cycles', { name: 'Sprint 2', startsAt, endsAt })
      expect(res.status).toBe(409)
      const html = await res.text()
      expect(html).toContain(overlap)
      expect(html).toContain('value="Sprint 2"')
      expect(html).toContain(`value="${startsAt}"`)
      expect(html).toContain(`value="${endsAt}"`)
    }
    expect((await cycles('WEB')).map((c) => c.name)).toEqual(['Sprint 1'])
    expect(events.filter((e) => e.name === 'planning.cycle.created').length).toBe(created)
  })

  test('the next day on, and the same dates in another project, are fine', async () => {
    expect((await admin.post('/planning/projects/WEB/cycles', { name: 'Sprint 2', startsAt: '2030-01-15', endsAt: '2030-01-28' })).status).toBe(303)
    expect((await admin.post('/planning/projects/OPS/cycles', { name: 'Ops 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    expect((await cycles('WEB')).map((c) => c.name)).toEqual(['Sprint 1', 'Sprint 2'])
  })

  test("editing a cycle onto another's dates is a 409 with the edit form's values; its own dates and a rename are fine", async () => {
    const [s1, s2] = await cycles('WEB')
    await admin.get(`/planning/projects/WEB/cycles?cycle=${s2!.id}`)
    let res = await admin.post(`/planning/projects/WEB/cycles/${s2!.id}`, { name: 'Sprint 2b', startsAt: '2030-01-10', endsAt: '2030-01-28' })
    expect(res.status).toBe(409)
    const html = await res.text()
    expect(html).toContain(overlap)
    expect(html).toMatch(/id="cycle-edit-starts"[^>]*value="2030-01-10"|value="2030-01-10"[^>]*id="cycle-edit-starts"/)
    expect(html).toContain('value="Sprint 2b"')
    expect((await cycles('WEB')).find((c) => c.id === s2!.id)).toMatchObject({ name: 'Sprint 2', startsAt: '2030-01-15' })
    // shrinking or moving within its own dates overlaps only itself
    res = await admin.post(`/planning/projects/WEB/cycles/${s1!.id}`, { name: 'Sprint 1', startsAt: '2030-01-02', endsAt: '2030-01-14' })
    expect(res.status).toBe(303)
    res = await admin.post(`/planning/projects/WEB/cycles/${s2!.id}`, { name: 'Sprint two', startsAt: '2030-01-15', endsAt: '2030-01-28' })
    expect(res.status).toBe(303)
    expect((await cycles('WEB')).map((c) => c.name)).toEqual(['Sprint 1', 'Sprint two'])
  })
})
