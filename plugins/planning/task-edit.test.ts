/**
 * Editing a task from a page loaded before someone else's change, and changing one property in
 * place. The edit form carries the values it was loaded with: a save applies only the fields its
 * user changed (another person's change to other fields stays); a field both changed is a 409 with
 * the form back (the user's values kept, the current ones as originals, who changed what named), and
 * saving that form again applies it. The task page's state, priority and assignee selects save one
 * field each (htmx: the summary and history come back; without JavaScript: a redirect with a flash),
 * through the service (history, events), refused for readers, with bad values a 422. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'

const decode = (s: string) =>
  s
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

/** The fields a browser without JavaScript submits for the task page's edit form, in order. */
function formFields(html: string): [string, string][] {
  const form = /<form method="post" action="\/planning\/tasks\/[A-Z]+-\d+" class="pl-task-form">[\s\S]*?<\/form>/.exec(html)?.[0]
  if (!form) throw new Error('no edit form in the page')
  const out: [string, string][] = []
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`\\s${name}(?:="([^"]*)")?(?=[\\s/>])`).exec(tag)
    return m ? decode(m[1] ?? '') : undefined
  }
  for (const m of form.matchAll(/<input\b[^>]*>|<textarea\b[^>]*>([\s\S]*?)<\/textarea>|<select\b[^>]*>([\s\S]*?)<\/select>/g)) {
    const tag = m[0]
    const name = attr(tag, 'name')
    if (!name) continue
    if (tag.startsWith('<textarea')) out.push([name, decode(m[1]!).replace(/^\n/, '')])
    else if (tag.startsWith('<select')) {
      const opts = [...m[2]!.matchAll(/<option\b[^>]*>/g)].map((o) => o[0])
      const chosen = opts.find((o) => attr(o, 'selected') !== undefined) ?? opts[0]
      if (chosen) out.push([name, attr(chosen, 'value') ?? ''])
    } else {
      const type = attr(tag, 'type') ?? 'text'
      if ((type === 'checkbox' || type === 'radio') && attr(tag, 'checked') === undefined) continue
      out.push([name, attr(tag, 'value') ?? ''])
    }
  }
  return out
}

/** A form's fields with some replaced (`set`): what the user typed before saving. */
function edit(fields: [string, string][], set: Record<string, string | string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of fields) (out[k] ??= []).push(v)
  for (const [k, v] of Object.entries(set)) out[k] = Array.isArray(v) ? v : [v]
  return out
}

const field = (fields: [string, string][], name: string) => fields.find(([k]) => k === name)?.[1]

eachDialect('planning: editing a task others changed, and its properties in place', (dialect) => {
  let p: TestPlatform
  let ana: Client
  let ben: Client
  let guest: Client
  let anaId: string
  let benId: string
  const events: CapturedEvent[] = []
  let states: Record<string, string> = {}
  let labels: Record<string, string> = {}

  async function person(name: string, email: string, role: 'member' | 'guest' = 'member') {
    const { accounts, orgs } = p.deps.identity
    const user = await accounts.createUser({ email, name, password: 'member password 1' })
    const roles = await orgs.listRoles(p.org!.id)
    await orgs.addMember(p.org!.id, user.id, roles.find((r) => r.builtin === role)!.id)
    const c = p.client()
    await c.signIn(email, 'member password 1')
    await c.get('/planning')
    return { user, client: c }
  }

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    const admin = await p.adminClient()
    await createProject(admin, 'WEB', 'Website')
    await admin.get('/planning/projects/WEB/settings')
    for (const name of ['bug', 'ui']) expect((await admin.post('/planning/projects/WEB/labels', { name, color: '#3b82f6' })).status).toBe(303)
    const a = await person('Ana Lyst', 'ana@example.com')
    const b = await person('Ben Builder', 'ben@example.com')
    ana = a.client
    ben = b.client
    anaId = a.user.id
    benId = b.user.id
    guest = (await person('Gus Guest', 'gus@example.com', 'guest')).client
    // state and label ids, as the new-task form lists them
    const form = (await ana.get('/planning/projects/WEB/tasks/new')).html
    const select = /<select id="f-state" name="state"[^>]*>([\s\S]*?)<\/select>/.exec(form)![1]!
    states = Object.fromEntries([...select.matchAll(/<option value="([^"]+)"[^>]*>([^<]+)<\/option>/g)].map((m) => [m[2]!, m[1]!]))
    labels = Object.fromEntries([...form.matchAll(/name="labels" value="([^"]+)"\/?><span class="pl-label" data-color="[^"]*">([^<]+)<\/span>/g)].map((m) => [m[2]!, m[1]!]))
    expect(Object.keys(states)).toContain('In Progress')
    expect(Object.keys(labels).sort()).toEqual(['bug', 'ui'])
  }, 30_000)
  afterAll(() => p.stop())

  const make = async (extra: Record<string, unknown> = {}) => {
    const res = await json(ana, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Landing page', state: 'Todo', priority: 'medium', ...extra })
    expect(res.status).toBe(201)
    return (await res.json()) as { id: string; key: string }
  }
  const get = async (key: string) => (await (await json(ana, 'GET', `/api/v1/planning/tasks/${key}`)).json()) as any

  test('saving a stale form changes only what its user changed: the other person’s state and priority stay', async () => {
    const t = await make()
    const loaded = formFields((await ana.get(`/planning/tasks/${t.key}`)).html)
    expect(field(loaded, 'orig_state')).toBe(states.Todo)
    expect(field(loaded, 'orig_priority')).toBe('medium')
    expect((await json(ben, 'PATCH', `/api/v1/planning/tasks/${t.key}`, { state: 'Done', priority: 'urgent' })).status).toBe(200)
    const res = await ana.post(`/planning/tasks/${t.key}`, edit(loaded, { title: 'Landing page v2' }))
    expect(res.status).toBe(303)
    const now = await get(t.key)
    expect(now.title).toBe('Landing page v2')
    expect(now.state.name).toBe('Done')
    expect(now.priority).toBe('urgent')
    // Ana's save recorded her one change, nothing reverted
    const history = (await ana.get(`/planning/tasks/${t.key}`)).html
    expect(history).toContain('changed title from Landing page to Landing page v2')
    expect(history).not.toContain('changed state from Done')
    expect(history).not.toContain('changed priority from Urgent')
  })

  test('a field both changed is a 409: nothing saved, the form back with her values, his named; saving it again applies', async () => {
    const t = await make({ labels: ['bug'] })
    const loaded = formFields((await ana.get(`/planning/tasks/${t.key}`)).html)
    expect(field(loaded, 'orig_labels')).toBe(labels.bug)
    expect((await json(ben, 'PATCH', `/api/v1/planning/tasks/${t.key}`, { state: 'Done', priority: 'urgent', estimate: 5 })).status).toBe(200)
    const typed = edit(loaded, { title: 'Ana’s title', state: states['In Progress']!, priority: 'low' })
    const res = await ana.post(`/planning/tasks/${t.key}`, typed)
    expect(res.status).toBe(409)
    const html = await res.text()
    expect(html).toContain('Ben Builder changed State and Priority while you edited: review and save again.')
    expect(html).toContain('Ben Builder set it to “Done” while you edited')
    expect(html).toContain('Ben Builder set it to “Urgent” while you edited')
    expect(html).toContain('<details class="pl-edit" open>')
    // nothing saved, not even the title that conflicted with nobody
    let now = await get(t.key)
    expect([now.title, now.state.name, now.priority, now.estimate]).toEqual(['Landing page', 'Done', 'urgent', 5])
    // the form shows her typed values, his estimate (she did not touch it), and the current values as originals
    const back = formFields(html)
    expect([field(back, 'title'), field(back, 'state'), field(back, 'priority'), field(back, 'estimate')]).toEqual(['Ana’s title', states['In Progress'], 'low', '5'])
    expect([field(back, 'orig_state'), field(back, 'orig_priority'), field(back, 'orig_estimate'), field(back, 'orig_title')]).toEqual([states.Done, 'urgent', '5', 'Landing page'])
    // she reviews and saves: her values win now, his estimate stays
    expect((await ana.post(`/planning/tasks/${t.key}`, edit(back, {}))).status).toBe(303)
    now = await get(t.key)
    expect([now.title, now.state.name, now.priority, now.estimate]).toEqual(['Ana’s title', 'In Progress', 'low', 5])
  })

  test('labels: a label set both changed conflicts; the same value typed by both is no conflict; a form without originals saves every field', async () => {
    const t = await make({ labels: ['bug'] })
    let loaded = formFields((await ana.get(`/planning/tasks/${t.key}`)).html)
    expect((await json(ben, 'PATCH', `/api/v1/planning/tasks/${t.key}`, { labels: ['bug', 'ui'] })).status).toBe(200)
    let res = await ana.post(`/planning/tasks/${t.key}`, edit(loaded, { labels: [] }))
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('Ben Builder changed Labels while you edited')
    expect(((await get(t.key)).labels as { name: string }[]).map((l) => l.name).sort()).toEqual(['bug', 'ui'])
    // both set the priority to high: nothing to review
    loaded = formFields((await ana.get(`/planning/tasks/${t.key}`)).html)
    expect((await json(ben, 'PATCH', `/api/v1/planning/tasks/${t.key}`, { priority: 'high' })).status).toBe(200)
    res = await ana.post(`/planning/tasks/${t.key}`, edit(loaded, { priority: 'high', description: 'Both agreed' }))
    expect(res.status).toBe(303)
    expect([(await get(t.key)).priority, (await get(t.key)).description]).toEqual(['high', 'Both agreed'])
    // a script posting the fields without originals sets every one, as before
    res = await ana.post(`/planning/tasks/${t.key}`, { title: 'Scripted', state: states.Backlog!, priority: 'none' })
    expect(res.status).toBe(303)
    const now = await get(t.key)
    expect([now.title, now.state.name, now.priority, now.description, now.labels.length]).toEqual(['Scripted', 'Backlog', 'none', '', 0])
  })

  test('a refused save (422) keeps the originals it was loaded with: a change made meanwhile still stays', async () => {
    const t = await make({ description: 'Line one\nLine two' })
    const loaded = formFields((await ana.get(`/planning/tasks/${t.key}`)).html)
    let res = await ana.post(`/planning/tasks/${t.key}`, edit(loaded, { title: '', estimate: '3' }))
    expect(res.status).toBe(422)
    const back = formFields(await res.text())
    expect(field(back, 'orig_priority')).toBe('medium')
    expect(field(back, 'estimate')).toBe('3')
    expect((await json(ben, 'PATCH', `/api/v1/planning/tasks/${t.key}`, { priority: 'urgent' })).status).toBe(200)
    // the description's line ends come back as CRLF from a browser: not a change
    res = await ana.post(`/planning/tasks/${t.key}`, edit(back, { title: 'Fixed', description: 'Line one\r\nLine two' }))
    expect(res.status).toBe(303)
    const now = await get(t.key)
    expect([now.title, now.priority, now.estimate, now.description]).toEqual(['Fixed', 'urgent', 3, 'Line one\nLine two'])
  })

  test('the page’s state, priority and assignee selects save one field each (htmx and without JavaScript); readers see text', async () => {
    const t = await make()
    const page = (await ana.get(`/planning/tasks/${t.key}`)).html
    expect(page).toContain(`<form method="post" action="/planning/tasks/${t.key}/priority" class="pl-prop-form" hx-post="/planning/tasks/${t.key}/priority" hx-trigger="change delay:800ms" hx-target="#task-summary" hx-swap="outerMorph">`)
    expect(page).toContain('<select id="prop-state" name="state"')
    expect(page).toContain('<noscript><button type="submit" class="secondary outline" aria-label="Save priority">Save</button></noscript>')
    expect(page).toContain('data-shortcut="c"')
    events.length = 0
    // htmx: the summary comes back with the change, the history out of band
    const hx = { 'hx-request': 'true' }
    let res = await ana.post(`/planning/tasks/${t.key}/priority`, { from: 'task', priority: 'urgent' }, hx)
    expect(res.status).toBe(200)
    let html = await res.text()
    expect(html.startsWith('<div id="task-summary">')).toBe(true)
    expect(html).toContain('<option value="urgent" selected>Urgent</option>')
    expect(html).toContain(`${t.key}: priority Urgent`)
    expect(html).toContain('<section class="section" id="task-history" hx-swap-oob="true">')
    expect(html).toContain('changed priority from Medium to Urgent')
    res = await ana.post(`/planning/tasks/${t.key}/state`, { from: 'task', state: states['In Progress']! }, hx)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain(`<option value="${states['In Progress']}" selected>In Progress</option>`)
    res = await ana.post(`/planning/tasks/${t.key}/assignee`, { from: 'task', assigneeId: benId }, hx)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain(`${t.key}: assigned to Ben Builder`)
    // events and history through the service
    expect(events.map((e) => e.name)).toEqual(['planning.task.updated', 'planning.task.state_changed', 'planning.task.assigned'])
    expect(events[0]!.payload.fields).toEqual(['priority'])
    expect(events[2]!.payload).toMatchObject({ assigneeId: benId, previousAssigneeId: null })
    // without JavaScript: a redirect to the page with a flash
    res = await ana.post(`/planning/tasks/${t.key}/assignee`, { from: 'task', assigneeId: '' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/planning/tasks/${t.key}`)
    res = await ana.post(`/planning/tasks/${t.key}/priority`, { from: 'task', priority: 'low' })
    expect(res.status).toBe(303)
    let now = await get(t.key)
    expect([now.priority, now.state.name, now.assignee]).toEqual(['low', 'In Progress', null])
    // bad values: 422 with the message (in the summary for htmx); an absent field changes nothing
    res = await ana.post(`/planning/tasks/${t.key}/priority`, { from: 'task', priority: 'whenever' }, hx)
    expect(res.status).toBe(422)
    html = await res.text()
    expect(html).toContain('<div id="task-summary">')
    expect(html).toContain('Unknown priority &#x27;whenever&#x27;: use urgent, high, medium, low or none.')
    res = await ana.post(`/planning/tasks/${t.key}/assignee`, { from: 'task', assigneeId: 'nobody' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose an assignee who is a member of this organization.')
    res = await ana.post(`/planning/tasks/${t.key}/assignee`, { from: 'task' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose an assignee (or Unassigned).')
    res = await ana.post(`/planning/tasks/${t.key}/state`, { from: 'task' }, hx)
    expect(res.status).toBe(422)
    now = await get(t.key)
    expect([now.priority, now.state.name, now.assignee]).toEqual(['low', 'In Progress', null])
    // readers: plain text, no forms; their posts are refused; no CSRF token, no change
    const read = (await guest.get(`/planning/tasks/${t.key}`)).html
    expect(read).not.toContain('pl-prop-form')
    expect(read).toMatch(/<dt>State<\/dt><dd><span class="badge pl-state pl-group-started">In Progress<\/span><\/dd>/)
    expect(read).toContain('<dt>Priority</dt><dd><span class="badge pl-priority pl-priority-low" title="Priority">Low</span></dd>')
    expect(read).not.toContain('data-shortcut="c"')
    expect((await guest.post(`/planning/tasks/${t.key}/priority`, { from: 'task', priority: 'urgent' })).status).toBe(403)
    expect((await ana.post(`/planning/tasks/${t.key}/priority`, { from: 'task', priority: 'urgent', _csrf: 'forged' })).status).toBe(403)
    expect((await get(t.key)).priority).toBe('low')
  })
})
