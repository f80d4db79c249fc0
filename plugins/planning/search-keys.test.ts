/**
 * A task key in a search names that project's task: "WEB-1" finds WEB-1 (and text that mentions it),
 * not OPS-1 or API-1; a bare number still matches any project's task with that number. Global
 * search, the JSON list and the project list agree; on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json, startPlanning, type CapturedEvent } from './test-support.ts'

eachDialect('planning search by task key', (dialect) => {
  let p: TestPlatform
  let admin: Client

  const keysOf = async (query: string) => {
    const res = await admin.request(`/api/v1/planning/tasks?${query}&limit=100`)
    expect(res.status).toBe(200)
    return ((await res.json()) as { items: { key: string }[] }).items.map((x) => x.key).sort()
  }
  const searchHrefs = async (q: string) => {
    const { res, html } = await admin.get(`/search?q=${encodeURIComponent(q)}`)
    expect(res.status).toBe(200)
    return [...html.matchAll(/href="\/planning\/tasks\/([A-Z0-9]+-\d+)"/g)].map((m) => m[1]!)
  }

  beforeAll(async () => {
    p = await startPlanning(dialect, [] as CapturedEvent[])
    admin = await p.adminClient()
    await admin.get('/planning')
    for (const key of ['WEB', 'OPS', 'API']) await createProject(admin, key, key)
    for (let i = 1; i <= 11; i++) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: `Web task ${i}` })).status).toBe(201)
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'OPS', title: 'Ops task' })).status).toBe(201)
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Api task' })).status).toBe(201)
    // mentions the key in its text: a text match, so it is found too
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'OPS', title: 'Deploy after WEB-1 lands' })).status).toBe(201)
  })
  afterAll(() => p.stop())

  test('the JSON list: a key finds that task and text mentioning it, not the same number elsewhere', async () => {
    expect(await keysOf('q=WEB-1')).toEqual(['OPS-2', 'WEB-1'])
    expect(await keysOf('q=web-1')).toEqual(['OPS-2', 'WEB-1'])
    expect(await keysOf('q=API-1')).toEqual(['API-1'])
    expect(await keysOf('q=WEB-11')).toEqual(['WEB-11'])
    // a key of a project that does not exist matches nothing by number
    expect(await keysOf('q=ZZZ-1')).toEqual([])
    // a bare number (or #n) still matches every project's task with that number
    expect(await keysOf('q=1')).toEqual(['API-1', 'OPS-1', 'OPS-2', 'WEB-1', 'WEB-10', 'WEB-11'])
    expect(await keysOf('q=%232')).toEqual(['OPS-2', 'WEB-2'])
  })

  test("within a project, another project's key does not match this project's number", async () => {
    expect(await keysOf('project=WEB&q=OPS-1')).toEqual([])
    expect(await keysOf('project=WEB&q=WEB-3')).toEqual(['WEB-3'])
    const { html } = await admin.get('/planning/projects/WEB?q=API-1')
    expect(html).not.toContain('href="/planning/tasks/WEB-1"')
  })

  test('global search: "WEB-1" answers WEB-1 first, and neither OPS-1 nor API-1', async () => {
    const hrefs = await searchHrefs('WEB-1')
    expect(hrefs[0]).toBe('WEB-1')
    expect(hrefs).toContain('OPS-2')
    expect(hrefs).not.toContain('OPS-1')
    expect(hrefs).not.toContain('API-1')
    expect(await searchHrefs('web-10')).toEqual(['WEB-10'])
    expect((await searchHrefs('1')).sort()).toEqual(['API-1', 'OPS-1', 'OPS-2', 'WEB-1', 'WEB-10', 'WEB-11'])
  })
})
