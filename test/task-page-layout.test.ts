/**
 * The task page's layout choices, over real HTTP with collaboration on, on both dialects: the
 * comment thread shows no Activity block (the page's History has the same facts with field changes)
 * and keeps it off when a comment swaps the thread back in by htmx, while collaboration's own thread
 * page keeps it; Delete sits in a danger zone at the end, not in the header beside New task; the
 * relation's Remove is a red outline button; key fields suggest another task's key than this one.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import collaboration from '../plugins/collaboration/index.ts'
import planning from '../plugins/planning/index.ts'
import { createProject, json } from '../plugins/planning/test-support.ts'

/** The header's actions (PageHeader: a div of buttons after the title). */
const header = (html: string) => /<div class="page-actions">[\s\S]*?<\/div><\/div>/.exec(html)?.[0] ?? ''

eachDialect('planning task page layout', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let taskId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning])
    admin = await p.adminClient()
    await createProject(admin, 'WEB', 'Website')
    const one = await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'One' })
    taskId = ((await one.json()) as any).id
    await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Two' })
    await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Three' })
    expect((await admin.post('/planning/tasks/WEB-1/relations', { kind: 'blocks', other: 'WEB-2' })).status).toBe(303)
  }, 30_000)
  afterAll(() => p.stop())

  test('the thread on a task page has no Activity block, also after an htmx comment; the thread page keeps it', async () => {
    const { res, html } = await admin.get('/planning/tasks/WEB-1')
    expect(res.status).toBe(200)
    expect(html).toContain('class="collab-thread"')
    expect(html).not.toContain('collab-entity-activity')
    expect(html).toContain('<h2>History</h2>')
    // each thread form says so, and the fragment after a comment stays without it
    expect(html).toContain('<input type="hidden" name="activity" value="off"/>')
    const posted = await admin.post('/collaboration/comments', { entity_type: 'planning.task', entity_id: taskId, body: 'Looks good', activity: 'off' }, { 'hx-request': 'true' })
    expect(posted.status).toBe(200)
    const fragment = await posted.text()
    expect(fragment).toContain('Looks good')
    expect(fragment).not.toContain('collab-entity-activity')
    expect(fragment).toContain('name="activity" value="off"')
    // a thread rendered elsewhere (collaboration's own page; calendar's event page) keeps its Activity
    const own = await admin.get(`/collaboration/threads/planning.task/${taskId}`)
    expect(own.res.status).toBe(200)
    expect(own.html).toContain('collab-entity-activity')
    expect(own.html).not.toContain('name="activity"')
    const plain = await admin.post('/collaboration/comments', { entity_type: 'planning.task', entity_id: taskId, body: 'Second' }, { 'hx-request': 'true' })
    expect(await plain.text()).toContain('collab-entity-activity')
  })

  test('Delete is in a danger zone at the end, not beside New task; Remove is a red outline button; key placeholders name another task', async () => {
    const { html } = await admin.get('/planning/tasks/WEB-1')
    expect(header(html)).toContain('New task')
    expect(header(html)).not.toContain('/delete')
    const zone = html.indexOf('pl-danger-zone')
    expect(zone).toBeGreaterThan(html.indexOf('<h2>History</h2>'))
    expect(html.slice(zone)).toContain('action="/planning/tasks/WEB-1/delete"')
    expect(html).toMatch(/class="inline-form pl-rel-remove">[\s\S]*?<button type="submit" class="outline danger" aria-label="Remove the relation with WEB-2">/)
    expect(html).toContain('placeholder="Task key, e.g. WEB-3"')
    expect(html).not.toContain('placeholder="WEB-1"')
    // on WEB-3 itself the example is another key
    const three = await admin.get('/planning/tasks/WEB-3')
    expect(three.html).toContain('placeholder="Task key, e.g. WEB-2"')
    expect(three.html).not.toContain('e.g. WEB-3')
    // the delete still works from there
    expect((await admin.post('/planning/tasks/WEB-3/delete')).status).toBe(303)
    expect((await admin.get('/planning/tasks/WEB-3')).res.status).toBe(404)
  })
})
