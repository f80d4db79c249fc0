/**
 * The task list's filters: milestone and cycle are panel selects (no longer hidden inputs only Clear
 * removed), every filter in use is a chip that links to the list without it, and the "×" of a saved
 * view asks on a page before deleting it; on both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json } from './test-support.ts'
import planning from './index.ts'

/** The option value of `label` in the select `id` of a page. */
function optionValue(html: string, id: string, label: string): string {
  const select = new RegExp(`<select id="${id}"[\\s\\S]*?</select>`).exec(html)![0]
  return new RegExp(`<option value="([^"]*)"[^>]*>${label}</option>`).exec(select)![1]!
}

/** The chips of a list page: [href, text] each. */
const chips = (html: string) => [...html.matchAll(/<a href="([^"]*)" class="pl-chip" aria-label="Remove filter ([^"]*)"/g)].map((m) => [m[1]!.replace(/&amp;/g, '&'), m[2]!])

eachDialect('planning list filters', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let cycle: string
  let milestone: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'FLT', 'Filters')
    expect((await admin.post('/planning/projects/FLT/milestones', { name: 'Beta', targetDate: '2027-01-31' })).status).toBe(303)
    expect((await admin.post('/planning/projects/FLT/cycles', { name: 'Sprint 7', startsAt: '2027-01-04', endsAt: '2027-01-17' })).status).toBe(303)
    const html = (await admin.get('/planning/projects/FLT')).html
    cycle = optionValue(html, 'filter-cycle', 'Sprint 7')
    milestone = optionValue(html, 'filter-milestone', 'Beta')
    const task = (body: Record<string, unknown>) => json(admin, 'POST', '/api/v1/planning/tasks', { project: 'FLT', ...body })
    expect((await task({ title: 'In both, high', cycleId: cycle, milestoneId: milestone, priority: 'high' })).status).toBe(201)
    expect((await task({ title: 'In both, low', cycleId: cycle, milestoneId: milestone, priority: 'low' })).status).toBe(201)
    expect((await task({ title: 'Milestone only, high', milestoneId: milestone, priority: 'high' })).status).toBe(201)
  }, 60_000)
  afterAll(() => p.stop())

  test('milestone and cycle are selects of the panel; each filter in use is a chip that drops only itself', async () => {
    const html = (await admin.get(`/planning/projects/FLT?cycle=${cycle}&milestone=${milestone}&priority=high`)).html
    expect(html).not.toContain('<input type="hidden" name="cycle"')
    expect(html).toMatch(new RegExp(`<select id="filter-cycle" name="cycle"[^>]*>[\\s\\S]*?<option value="${cycle}" selected>Sprint 7</option>`))
    expect(html).toMatch(new RegExp(`<select id="filter-milestone" name="milestone"[^>]*>[\\s\\S]*?<option value="${milestone}" selected>Beta</option>`))
    expect(html).toContain('In both, high')
    expect(html).not.toContain('In both, low')
    expect(html).not.toContain('Milestone only, high')
    const list = chips(html)
    expect(list.map(([, text]) => text)).toEqual(['Priority: High', 'Milestone: Beta', 'Cycle: Sprint 7'])
    // dropping the cycle keeps the milestone and the priority
    const [href] = list.find(([, text]) => text === 'Cycle: Sprint 7')!
    expect(new URL(href!, 'http://x').searchParams.get('cycle')).toBeNull()
    const after = (await admin.get(href!)).html
    expect(chips(after).map(([, text]) => text)).toEqual(['Priority: High', 'Milestone: Beta'])
    expect(after).toContain('In both, high')
    expect(after).toContain('Milestone only, high')
    expect(after).not.toContain('In both, low')
    // the last chip leads back to the whole list: no chips at all
    const last = chips(after).find(([, text]) => text === 'Priority: High')![0]!
    const lastHtml = (await admin.get(chips((await admin.get(last)).html)[0]![0]!)).html
    expect(chips(lastHtml)).toEqual([])
    expect(lastHtml).not.toContain('class="pl-chips"')
  })

  test('an unknown cycle is a 422 and still a chip to remove', async () => {
    const res = await admin.get('/planning/projects/FLT?cycle=nope&priority=low')
    expect(res.res.status).toBe(422)
    expect(res.html).toContain('The cycle filter names no cycle of this project (&#x27;nope&#x27;): choose one of its cycles.')
    expect(chips(res.html)).toEqual([
      ['/planning/projects/FLT?cycle=nope', 'Priority: Low'],
      ['/planning/projects/FLT?priority=low', 'Cycle: nope'],
    ])
  })

  test('the × of a saved view asks on a page first; Cancel keeps it, the page button deletes it', async () => {
    expect((await admin.post('/planning/projects/FLT/views', { name: 'This cycle', query: `cycle=${cycle}` })).status).toBe(303)
    let html = (await admin.get('/planning/projects/FLT')).html
    const id = /action="\/planning\/projects\/FLT\/views\/([^/"]+)\/delete"/.exec(html)![1]!
    expect(html).toContain('aria-label="Delete view This cycle…"')
    // the × posts without confirm: a page that names the view and asks, nothing deleted
    const ask = await admin.post(`/planning/projects/FLT/views/${id}/delete`)
    expect(ask.status).toBe(200)
    const askHtml = await ask.text()
    expect(askHtml).toContain('<h1>Delete the view This cycle?</h1>')
    expect(askHtml).toContain('<input type="hidden" name="confirm" value="yes"/>')
    expect(askHtml).toContain(`<a href="/planning/projects/FLT?cycle=${cycle}">Cancel</a>`)
    expect((await admin.get('/planning/projects/FLT')).html).toContain('>This cycle</a>')
    // its button confirms
    const done = await admin.post(`/planning/projects/FLT/views/${id}/delete`, { confirm: 'yes' })
    expect(done.status).toBe(303)
    html = (await admin.get('/planning/projects/FLT')).html
    expect(html).not.toContain('>This cycle</a>')
    // gone, or another's: 404 on both steps
    expect((await admin.post(`/planning/projects/FLT/views/${id}/delete`)).status).toBe(404)
    expect((await admin.post(`/planning/projects/FLT/views/${id}/delete`, { confirm: 'yes' })).status).toBe(404)
  })
})
