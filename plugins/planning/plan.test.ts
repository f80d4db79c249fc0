/**
 * Roadmap and cycles: the pages, adding, editing and deleting milestones and cycles (with their
 * events), and the calendar layers for due dates (open tasks only), milestones and cycles; both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Auth } from '../../core/auth/resolve.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, json, signInOutsider, startPlanning } from './test-support.ts'

eachDialect('planning roadmap and cycles', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  let guest: Client
  let outsider: Client
  const events: CapturedEvent[] = []
  const named = (name: string) => events.filter((e) => e.name === name)
  const authOf = async (c: Client) => (await p.deps.identity.resolver.resolve(new Request(p.url + '/', { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })))! as Auth
  const milestoneIds = (html: string) => [...html.matchAll(/action="\/planning\/projects\/WEB\/milestones\/([\w-]+)" class="narrow-form"/g)].map((m) => m[1]!)
  const milestoneId = (html: string, name: string) => new RegExp(`\\?milestone=([\\w-]+)">${name}</a>`).exec(html)![1]!

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    member = (await p.member('member')).client
    guest = (await p.member('guest')).client
    outsider = await signInOutsider(p)
    await createProject(admin, 'WEB', 'Website')
    await createProject(admin, 'API', 'API')
    await admin.get('/planning/projects/WEB/milestones')
    await member.get('/planning/projects/WEB/milestones')
    await guest.get('/planning/projects/WEB/milestones')
  }, 30_000)
  afterAll(() => p.stop())

  test('roadmap: milestones by month with progress; add (event), bad input keeps values (422); guests read only', async () => {
    let page = await admin.get('/planning/projects/WEB/milestones')
    expect(page.html).toContain('No milestones yet')
    // the create form is folded under its button; a refused one comes back open
    expect(page.html).toContain('<details class="pl-create"><summary role="button" class="secondary outline">New milestone</summary>')
    events.length = 0
    let res = await admin.post('/planning/projects/WEB/milestones', { name: 'Beta', targetDate: '2030-03-10', description: 'First <b>users</b>' })
    expect(res.status).toBe(303)
    expect(named('planning.milestone.created').map((e) => e.payload.milestone.name)).toEqual(['Beta'])
    expect(named('planning.milestone.created')[0]!.payload.activity).toMatchObject({ text: 'added milestone Beta to WEB', entity: { type: 'planning.milestone', href: '/planning/projects/WEB/milestones' } })
    expect((await admin.post('/planning/projects/WEB/milestones', { name: 'Launch', targetDate: '2030-04-20', description: '' })).status).toBe(303)
    expect((await admin.post('/planning/projects/WEB/milestones', { name: 'Someday', targetDate: '', description: '' })).status).toBe(303)
    res = await admin.post('/planning/projects/WEB/milestones', { name: '', targetDate: '2030-05-01', description: 'kept text' })
    expect(res.status).toBe(422)
    let html = await res.text()
    expect(html).toContain('Enter a name.')
    expect(html).toContain('kept text')
    expect(html).toContain('<details class="pl-create" open><summary role="button" class="secondary outline">New milestone</summary>')
    res = await admin.post('/planning/projects/WEB/milestones', { name: 'Bad date', targetDate: '2030-02-31' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('value="Bad date"')
    expect((await member.post('/planning/projects/WEB/milestones', { name: 'Mine' })).status).toBe(403)

    page = await admin.get('/planning/projects/WEB/milestones')
    expect(milestoneIds(page.html).length).toBe(3)
    const beta = milestoneId(page.html, 'Beta')
    for (const [i, done] of [false, true, true].entries()) {
      const t = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: `Beta ${i}`, milestoneId: beta, estimate: 3 })).json()) as any
      if (done) await json(member, 'PATCH', `/api/v1/planning/tasks/${t.key}`, { state: 'Done' })
    }
    await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Dropped', milestoneId: beta, state: 'Cancelled' })
    page = await guest.get('/planning/projects/WEB/milestones')
    html = page.html
    expect(html.indexOf('March 2030')).toBeLessThan(html.indexOf('April 2030'))
    expect(html.indexOf('April 2030')).toBeLessThan(html.indexOf('No target date'))
    expect(html).toContain('2/3 done (67%) · 6/9 points')
    expect(html).toContain('0/0 done (0%)')
    expect(html).toContain('First &lt;b&gt;users&lt;/b&gt;')
    expect(html).toContain(`href="/planning/projects/WEB?milestone=${beta}"`)
    expect(html).not.toContain('New milestone')
    expect(milestoneIds(html)).toEqual([]) // guests get no edit forms
  })

  test('milestones: edit emits planning.milestone.updated; errors keep the edit form open with values; 404s and 403', async () => {
    let page = await admin.get('/planning/projects/WEB/milestones')
    const beta = milestoneId(page.html, 'Beta')
    events.length = 0
    let res = await admin.post(`/planning/projects/WEB/milestones/${beta}`, { name: 'Public beta', targetDate: '2030-05-02', description: 'Open to all' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/planning/projects/WEB/milestones')
    const updated = named('planning.milestone.updated')
    expect(updated.map((e) => e.payload.milestone)).toEqual([{ id: beta, orgId: p.org!.id, projectId: expect.any(String), name: 'Public beta' }])
    expect(updated[0]!.payload.activity).toMatchObject({ text: 'updated milestone Public beta', actor: { name: 'Ada Admin' } })
    page = await admin.get('/planning/projects/WEB/milestones')
    const may = page.html.slice(page.html.indexOf('May 2030'))
    expect(may).toContain('Public beta')
    expect(may).toContain('target 2030-05-02')
    expect(page.html).not.toContain('March 2030')
    // the same values again: nothing to say
    events.length = 0
    expect((await admin.post(`/planning/projects/WEB/milestones/${beta}`, { name: 'Public beta', targetDate: '2030-05-02', description: 'Open to all' })).status).toBe(303)
    expect(named('planning.milestone.updated')).toEqual([])

    res = await admin.post(`/planning/projects/WEB/milestones/${beta}`, { name: '', targetDate: '2030-06-01', description: 'edited text' })
    expect(res.status).toBe(422)
    const html = await res.text()
    const form = html.slice(html.lastIndexOf('<details', html.indexOf(`action="/planning/projects/WEB/milestones/${beta}"`)))
    expect(form).toStartWith('<details class="pl-edit-inline" open')
    expect(form).toContain('value="2030-06-01"')
    expect(form).toContain('edited text')
    expect(form).toContain('Enter a name.')
    // the new-milestone form stays empty
    expect(html.slice(html.indexOf('New milestone</summary>'))).not.toContain('edited text')
    expect(html).toContain('<details class="pl-create"><summary') // (an edit's error leaves it folded)
    expect((await admin.post(`/planning/projects/WEB/milestones/${beta}`, { name: 'x', targetDate: 'soon' })).status).toBe(422)

    expect((await admin.post(`/planning/projects/API/milestones/${beta}`, { name: 'Moved?' })).status).toBe(404)
    expect((await admin.post('/planning/projects/WEB/milestones/00000000-0000-7000-8000-000000000000', { name: 'x' })).status).toBe(404)
    expect((await member.post(`/planning/projects/WEB/milestones/${beta}`, { name: 'Mine' })).status).toBe(403)
    expect((await outsider.post(`/planning/projects/WEB/milestones/${beta}`, { name: 'Theirs' })).status).toBe(404)
    expect(named('planning.milestone.updated')).toEqual([])

    // delete: its tasks stay, unlinked
    const linked = (await (await member.request(`/api/v1/planning/tasks?project=WEB&milestone=${beta}`)).json()) as any
    expect(linked.items.length).toBe(4)
    expect((await admin.post(`/planning/projects/API/milestones/${beta}/delete`, {})).status).toBe(404)
    expect((await admin.post(`/planning/projects/WEB/milestones/${beta}/delete`, {})).status).toBe(303)
    expect(named('planning.milestone.deleted').map((e) => e.payload.milestone.name)).toEqual(['Public beta'])
    const task = (await (await member.request(`/api/v1/planning/tasks/${linked.items[0].key}`)).json()) as any
    expect(task.milestoneId).toBeNull()
  })

  test('cycles: add (event), scope of the selected cycle, edit (event) with errors kept, delete unschedules tasks', async () => {
    await admin.get('/planning/projects/WEB/cycles')
    events.length = 0
    let res = await admin.post('/planning/projects/WEB/cycles', { name: 'Sprint 1', startsAt: '2030-01-07', endsAt: '2030-01-20' })
    expect(res.status).toBe(303)
    const id = /cycle=([\w-]+)/.exec(res.headers.get('location')!)![1]!
    expect(named('planning.cycle.created').map((e) => e.payload.cycle)).toEqual([{ id, orgId: p.org!.id, projectId: expect.any(String), name: 'Sprint 1' }])
    expect(named('planning.cycle.created')[0]!.payload.activity).toMatchObject({ text: 'added Sprint 1 to WEB', entity: { type: 'planning.cycle', href: `/planning/projects/WEB/cycles?cycle=${id}` } })
    res = await admin.post('/planning/projects/WEB/cycles', { name: 'Backwards', startsAt: '2030-02-10', endsAt: '2030-02-01' })
    expect(res.status).toBe(422)
    const refused = await res.text()
    expect(refused).toContain('value="Backwards"')
    expect(refused).toContain('<details class="pl-create" open><summary role="button" class="secondary outline">New cycle</summary>')
    expect((await member.post('/planning/projects/WEB/cycles', { name: 'Mine', startsAt: '2030-01-01', endsAt: '2030-01-02' })).status).toBe(403)

    const inCycle = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Sprint work', cycleId: id, estimate: 5 })).json()) as any
    await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Not in the sprint' })
    let page = await guest.get(`/planning/projects/WEB/cycles?cycle=${id}`)
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('<span class="nowrap">2030-01-07</span> &rarr; <span class="nowrap">2030-01-20</span>')
    expect(page.html).toContain('Scope of Sprint 1')
    expect(page.html).toContain(`<span class="task-key">${inCycle.key}</span> Sprint work`)
    expect(page.html).not.toContain('Not in the sprint')
    expect(page.html).toContain('0/1 done (0%) · 0/5 points')
    expect(page.html).not.toContain('Edit Sprint 1') // guests do not edit

    events.length = 0
    res = await admin.post(`/planning/projects/WEB/cycles/${id}`, { name: 'Sprint one', startsAt: '2030-01-06', endsAt: '2030-01-19' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/planning/projects/WEB/cycles?cycle=${id}`)
    expect(named('planning.cycle.updated').map((e) => e.payload.cycle.name)).toEqual(['Sprint one'])
    expect(named('planning.cycle.updated')[0]!.payload.activity.text).toBe('updated Sprint one in WEB')
    page = await admin.get(`/planning/projects/WEB/cycles?cycle=${id}`)
    expect(page.html).toContain('<span class="nowrap">2030-01-06</span> &rarr; <span class="nowrap">2030-01-19</span>')
    expect(page.html).toContain('Edit Sprint one')
    events.length = 0
    expect((await admin.post(`/planning/projects/WEB/cycles/${id}`, { name: 'Sprint one', startsAt: '2030-01-06', endsAt: '2030-01-19' })).status).toBe(303)
    expect(named('planning.cycle.updated')).toEqual([])

    res = await admin.post(`/planning/projects/WEB/cycles/${id}`, { name: 'Sprint renamed', startsAt: '2030-01-20', endsAt: '2030-01-10' })
    expect(res.status).toBe(422)
    const html = await res.text()
    const edit = html.slice(html.indexOf('<details class="pl-edit-inline" open'))
    expect(edit).toContain('value="Sprint renamed"')
    expect(edit).toContain('Choose an end date on or after the start date.')
    expect(html.slice(html.indexOf('New cycle</summary>'))).not.toContain('Sprint renamed')
    expect((await admin.post(`/planning/projects/WEB/cycles/${id}`, { name: '', startsAt: '2030-01-06', endsAt: '2030-01-19' })).status).toBe(422)
    expect((await admin.post(`/planning/projects/API/cycles/${id}`, { name: 'x', startsAt: '2030-01-06', endsAt: '2030-01-19' })).status).toBe(404)
    expect((await member.post(`/planning/projects/WEB/cycles/${id}`, { name: 'x' })).status).toBe(403)
    expect((await outsider.post(`/planning/projects/WEB/cycles/${id}`, { name: 'x' })).status).toBe(404)
    expect(named('planning.cycle.updated')).toEqual([])

    expect((await admin.post(`/planning/projects/API/cycles/${id}/delete`, {})).status).toBe(404)
    expect((await admin.post(`/planning/projects/WEB/cycles/${id}/delete`, {})).status).toBe(303)
    expect(named('planning.cycle.deleted').map((e) => e.payload.cycle.name)).toEqual(['Sprint one'])
    expect(((await (await member.request(`/api/v1/planning/tasks/${inCycle.key}`)).json()) as any).cycleId).toBeNull()
    page = await admin.get('/planning/projects/WEB/cycles')
    expect(page.html).toContain('No cycles yet')
  })

  test('calendar: due dates, milestones and cycles are three layers, each with only its own items', async () => {
    await admin.post('/planning/projects/API/milestones', { name: 'GA', targetDate: '2031-03-15', description: '' })
    await admin.post('/planning/projects/API/milestones', { name: 'Later', targetDate: '2031-06-15', description: '' })
    await admin.get('/planning/projects/API/cycles')
    await admin.post('/planning/projects/API/cycles', { name: 'March sprint', startsAt: '2031-02-24', endsAt: '2031-03-09' })
    await admin.post('/planning/projects/API/cycles', { name: 'May sprint', startsAt: '2031-05-01', endsAt: '2031-05-14' })
    await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Due in March', due: '2031-03-20' })
    // the due-date layer shows open tasks only: done and cancelled ones are left out, however they got there
    const done = (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Finished early', due: '2031-03-21' })).json()) as any
    expect((await json(member, 'PATCH', `/api/v1/planning/tasks/${done.key}`, { state: 'Done' })).status).toBe(200)
    await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Dropped in March', due: '2031-03-22', state: 'Cancelled' })
    await json(member, 'POST', '/api/v1/planning/tasks', { project: 'API', title: 'Started in March', due: '2031-03-25', state: 'In Progress' })

    const sources = p.host.contributionsBy('calendar.source').filter((c) => c.pluginId === 'planning').map((c) => c.value)
    expect(sources.map((s) => s.id)).toEqual(['due', 'milestones', 'cycles'])
    expect(new Set(sources.map((s) => s.label)).size).toBe(3)
    const march = { from: new Date('2031-03-01T00:00:00Z'), to: new Date('2031-03-31T23:59:59Z') }
    const auth = await authOf(member)
    const [due, milestones, cycles] = await Promise.all(sources.map((s) => s.items(march, auth)))
    expect(due!.map((i) => i.title)).toEqual(['API-1 due · Due in March', 'API-4 due · Started in March'])
    expect(due!.some((i) => i.title.includes('Finished early') || i.title.includes('Dropped'))).toBe(false)
    // reopened, it is back
    expect((await json(member, 'PATCH', `/api/v1/planning/tasks/${done.key}`, { state: 'Todo' })).status).toBe(200)
    expect((await sources[0]!.items(march, auth)).map((i) => i.title)).toEqual(['API-1 due · Due in March', 'API-2 due · Finished early', 'API-4 due · Started in March'])
    expect(milestones!.map((i) => [i.title, i.start.toISOString().slice(0, 10), i.allDay, i.href])).toEqual([['API milestone · GA', '2031-03-15', true, '/planning/projects/API/milestones']])
    expect(cycles!.length).toBe(1)
    expect(cycles![0]).toMatchObject({ title: 'API · March sprint', allDay: true })
    expect(cycles![0]!.start.toISOString().slice(0, 10)).toBe('2031-02-24')
    // the layer covers the cycle's last day
    expect(cycles![0]!.end!.toISOString().slice(0, 10)).toBe('2031-03-10')
    expect(cycles![0]!.href).toMatch(/^\/planning\/projects\/API\/cycles\?cycle=[\w-]+$/)
    // a cycle ending the day before the range is out; one ending on its first day is in
    const lastDay = await sources[2]!.items({ from: new Date('2031-03-09T12:00:00Z'), to: new Date('2031-03-12T00:00:00Z') }, auth)
    expect(lastDay.map((i) => i.title)).toEqual(['API · March sprint'])
    expect(await sources[2]!.items({ from: new Date('2031-03-10T00:00:00Z'), to: new Date('2031-03-12T00:00:00Z') }, auth)).toEqual([])
    // guests hold the layers' permissions; other organizations see nothing of ours
    expect((await sources[1]!.items(march, await authOf(guest))).length).toBe(1)
    const theirs = await authOf(outsider)
    for (const s of sources) expect(await s.items(march, theirs)).toEqual([])
  })
})
