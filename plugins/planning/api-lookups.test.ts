/**
 * The JSON API lists what a task's fields take (a project's states, labels, milestones, cycles), and a
 * task's `milestoneId` / `cycleId` take names as well as ids (an unknown one is a 422 naming the field);
 * on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json, signInOutsider, startPlanning, type CapturedEvent } from './test-support.ts'

type Items<T> = { items: T[]; nextCursor: null }

eachDialect('planning API lookups', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let outsider: Client
  const read = async <T,>(c: Client, path: string) => {
    const res = await c.request(path)
    return { status: res.status, body: (await res.json()) as T }
  }

  beforeAll(async () => {
    p = await startPlanning(dialect, [] as CapturedEvent[])
    admin = await p.adminClient()
    outsider = await signInOutsider(p)
    await admin.get('/planning')
    await createProject(admin, 'WEB', 'Web')
    await createProject(admin, 'OPS', 'Ops')
    await admin.get('/planning/projects/WEB')
    expect((await admin.post('/planning/projects/WEB/labels', { name: 'bug', color: '#ff0000' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/milestones', { name: 'Launch', targetDate: '2030-03-01', description: 'Go live' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/cycles', { name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
    expect((await admin.post('/planning/projects/OPS/cycles', { name: 'Ops sprint', startsAt: '2030-01-01', endsAt: '2030-01-14' })).status).toBe(303)
  })
  afterAll(() => p.stop())

  test("a project's states, labels, milestones and cycles, each with its id", async () => {
    const states = await read<Items<{ id: string; name: string; group: string; position: number }>>(admin, '/api/v1/planning/projects/WEB/states')
    expect(states.status).toBe(200)
    expect(states.body.items.map((s) => s.name)).toContain('In Progress')
    expect(states.body.items.find((s) => s.name === 'Done')).toMatchObject({ group: 'completed' })
    expect(states.body.nextCursor).toBeNull()
    const labels = await read<Items<unknown>>(admin, '/api/v1/planning/projects/web/labels')
    expect(labels.body.items).toEqual([{ id: expect.any(String), name: 'bug', color: '#ff0000' }])
    const milestones = await read<Items<unknown>>(admin, '/api/v1/planning/projects/WEB/milestones')
    expect(milestones.body.items).toEqual([{ id: expect.any(String), name: 'Launch', description: 'Go live', targetDate: '2030-03-01' }])
    const cycles = await read<Items<unknown>>(admin, '/api/v1/planning/projects/WEB/cycles')
    expect(cycles.body.items).toEqual([{ id: expect.any(String), name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' }])
    // the state ids are the ones a task takes
    const inProgress = states.body.items.find((s) => s.name === 'In Progress')!.id
    const res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'By id', state: inProgress })
    expect(res.status).toBe(201)
    expect(((await res.json()) as { state: { name: string } }).state.name).toBe('In Progress')
  })

  test("another organization's project and an unknown key are 404; signed out is refused", async () => {
    for (const what of ['states', 'labels', 'milestones', 'cycles']) {
      expect((await outsider.request(`/api/v1/planning/projects/WEB/${what}`)).status).toBe(404)
      expect((await admin.request(`/api/v1/planning/projects/NOPE/${what}`)).status).toBe(404)
      expect((await p.client().request(`/api/v1/planning/projects/WEB/${what}`)).status).toBe(401)
    }
  })

  test('milestoneId and cycleId take names (case aside) or ids on create and update', async () => {
    const [milestone] = (await read<Items<{ id: string }>>(admin, '/api/v1/planning/projects/WEB/milestones')).body.items
    const [cycle] = (await read<Items<{ id: string }>>(admin, '/api/v1/planning/projects/WEB/cycles')).body.items
    let res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Named', milestoneId: 'launch', cycleId: 'Sprint 1' })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { key: string; milestoneId: string; cycleId: string }
    expect(created).toMatchObject({ milestoneId: milestone!.id, cycleId: cycle!.id })
    res = await json(admin, 'PATCH', `/api/v1/planning/tasks/${created.key}`, { cycleId: null, milestoneId: '' })
    expect(await res.json()).toMatchObject({ milestoneId: null, cycleId: null })
    res = await json(admin, 'PATCH', `/api/v1/planning/tasks/${created.key}`, { cycleId: cycle!.id, milestoneId: 'LAUNCH' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ milestoneId: milestone!.id, cycleId: cycle!.id })
  })

  test("an unknown name, or another project's cycle, is a 422 naming the field; nothing changes", async () => {
    let res = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Not made', cycleId: 'Sprint 9' })
    expect(res.status).toBe(422)
    let error = ((await res.json()) as { error: { message: string } }).error.message
    expect(error).toBe("Unknown cycle 'Sprint 9' in this project: use the id or name of one of its cycles (cycleId).")
    expect(error).toContain('(cycleId)')
    const list = (await read<Items<{ title: string }>>(admin, '/api/v1/planning/tasks?project=WEB')).body.items
    expect(list.map((t) => t.title)).not.toContain('Not made')

    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-1', { title: 'Renamed', milestoneId: 'Beta' })
    expect(res.status).toBe(422)
    error = ((await res.json()) as { error: { message: string } }).error.message
    expect(error).toContain("Unknown milestone 'Beta'")
    expect(error).toContain('(milestoneId)')
    res = await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-1', { cycleId: 'Ops sprint' })
    expect(res.status).toBe(422)
    expect((await read<{ title: string; cycleId: null }>(admin, '/api/v1/planning/tasks/WEB-1')).body).toMatchObject({ title: 'By id', cycleId: null })
    // an unknown task is still a 404, whatever the body names
    expect((await json(admin, 'PATCH', '/api/v1/planning/tasks/WEB-99', { cycleId: 'Sprint 1' })).status).toBe(404)
  })
})
