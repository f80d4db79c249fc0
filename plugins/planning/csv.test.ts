/**
 * CSV round trip: export with parent, milestone and cycle; import updates the tasks its keys name
 * (an unchanged export changes nothing), creates the others, resolves parents through the file;
 * labels are created only by those who manage the project; both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import type { TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { type CapturedEvent, createProject, json, startPlanning } from './test-support.ts'
import { parseCsv } from './csv.ts'

/** Posts a CSV file to the import page; returns the status and the report line. */
async function importFile(c: Client, key: string, csv: string, fields: Record<string, string> = {}): Promise<{ status: number; report: string }> {
  await c.get(`/planning/projects/${key}/import`)
  const form = new FormData()
  form.append('_csrf', c.csrf)
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'tasks.csv')
  const res = await c.request(`/planning/projects/${key}/import`, { method: 'POST', body: form })
  const html = await res.text()
  const report = /<p class="flash flash-\w+" role="status">([^<]*)<\/p>/.exec(html)?.[1] ?? /<[^>]+class="form-error"[^>]*>([^<]*)</.exec(html)?.[1] ?? ''
  return { status: res.status, report: report.replace(/&#x27;/g, "'").replace(/&#39;/g, "'") }
}

const toCsv = (rows: string[][]) => rows.map((r) => r.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join('\r\n') + '\r\n'

eachDialect('planning CSV', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let member: Client
  let memberEmail: string
  const events: CapturedEvent[] = []
  const taskEvents = () => events.filter((e) => e.name.startsWith('planning.task.'))
  const get = async (ref: string) => (await (await member.request(`/api/v1/planning/tasks/${ref}`)).json()) as any
  const list = async (key: string) => ((await (await member.request(`/api/v1/planning/tasks?project=${key}&sort=number&dir=asc&limit=200`)).json()) as any).items as any[]
  const exportOf = async (key: string) => {
    const res = await member.request(`/planning/projects/${key}/export.csv`)
    expect(res.status).toBe(200)
    return res.text()
  }

  beforeAll(async () => {
    p = await startPlanning(dialect, events)
    admin = await p.adminClient()
    const m = await p.member('member')
    member = m.client
    memberEmail = m.user.email
    for (const key of ['WEB', 'IMP']) {
      await createProject(admin, key, key)
      await admin.get(`/planning/projects/${key}/settings`)
      await admin.post(`/planning/projects/${key}/labels`, { name: 'bug', color: '#ff0000' })
      await admin.post(`/planning/projects/${key}/labels`, { name: 'ui', color: '#00ff00' })
      await admin.post(`/planning/projects/${key}/milestones`, { name: 'Launch', targetDate: '2030-03-01', description: '' })
      await admin.post(`/planning/projects/${key}/cycles`, { name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })
    }
    const web = await admin.get('/planning/projects/WEB/tasks/new')
    const milestoneId = /<option value="([\w-]+)"[^>]*>Launch<\/option>/.exec(web.html)![1]!
    const cycleId = /<option value="([\w-]+)"[^>]*>Sprint 1<\/option>/.exec(web.html)![1]!
    const create = async (body: Record<string, unknown>) => (await (await json(member, 'POST', '/api/v1/planning/tasks', { project: 'WEB', ...body })).json()) as any
    await create({ title: 'Epic', priority: 'high', milestoneId })
    await create({ title: 'Child', parent: 'WEB-1', labels: ['bug', 'ui'], assigneeEmail: memberEmail, estimate: 3, due: '2030-01-10', milestoneId, cycleId, state: 'In Progress' })
    await create({ title: '=SUM(A1)', description: 'Line one, with "quotes"\nline two\r\nline three;=1+1' })
    await member.get('/planning/projects/WEB')
  }, 30_000)
  afterAll(() => p.stop())

  test('export has parent (key), milestone and cycle (names)', async () => {
    const rows = parseCsv(await exportOf('WEB'))
    expect(rows[0]).toEqual(['key', 'title', 'state', 'priority', 'assignee', 'labels', 'estimate', 'due', 'parent', 'milestone', 'cycle', 'description'])
    expect(rows[1]).toEqual(['WEB-1', 'Epic', 'Todo', 'high', '', '', '', '', '', 'Launch', '', ''])
    expect(rows[2]).toEqual(['WEB-2', 'Child', 'In Progress', 'none', memberEmail, 'bug;ui', '3', '2030-01-10', 'WEB-1', 'Launch', 'Sprint 1', ''])
    expect(rows[3]).toEqual(['WEB-3', "'=SUM(A1)", 'Todo', 'none', '', '', '', '', '', '', '', 'Line one, with "quotes"\nline two\r\nline three;\'=1+1']) // defused after ';' too
  })

  test('re-importing an unchanged export creates nothing and changes nothing', async () => {
    const before = await list('WEB')
    const history = (await member.get('/planning/tasks/WEB-2')).html.match(/<li><small class="muted">/g)!.length
    events.length = 0
    const { status, report } = await importFile(member, 'WEB', await exportOf('WEB'))
    expect(status).toBe(200)
    expect(report).toBe('0 created, 0 updated, 3 unchanged, 0 skipped.')
    expect(await list('WEB')).toEqual(before)
    expect(taskEvents()).toEqual([])
    expect((await member.get('/planning/tasks/WEB-2')).html.match(/<li><small class="muted">/g)!.length).toBe(history)
  })

  test('edited rows update their task (only the changed fields); rows without a known key create tasks', async () => {
    const rows = parseCsv(await exportOf('WEB'))
    rows[2]![1] = 'Child renamed'
    rows[2]![2] = 'Done'
    rows[2]![5] = 'ui'
    rows[2]![10] = ''
    rows[3]![8] = 'WEB-2' // WEB-3 becomes a sub-task of WEB-2
    rows.push(['', 'Brand new', 'Todo', 'low', '', 'bug', '', '', 'WEB-3', '', 'Sprint 1', 'fresh'])
    rows.push(['WEB-99', 'Unknown key', '', '', '', '', '', '', '', '', '', '']) // no such task: created
    events.length = 0
    const { report } = await importFile(member, 'WEB', toCsv(rows))
    expect(report).toBe('2 created, 2 updated, 1 unchanged, 0 skipped.')
    const child = await get('WEB-2')
    expect(child).toMatchObject({ title: 'Child renamed', state: { name: 'Done' }, cycleId: null, estimate: 3, due: '2030-01-10', assignee: { email: memberEmail } })
    expect(child.labels.map((l: any) => l.name)).toEqual(['ui'])
    expect((await get('WEB-3')).parentId).toBe(child.id)
    const all = await list('WEB')
    expect(all.map((t) => t.title)).toEqual(['Epic', 'Child renamed', '=SUM(A1)', 'Brand new', 'Unknown key'])
    const fresh = all[3]
    expect(fresh).toMatchObject({ priority: 'low', description: 'fresh', parentId: all[2].id })
    expect(fresh.labels.map((l: any) => l.name)).toEqual(['bug'])
    const sprint = /<option value="([\w-]+)"[^>]*>Sprint 1<\/option>/.exec((await admin.get('/planning/projects/WEB/tasks/new')).html)![1]!
    expect(fresh.cycleId).toBe(sprint)
    expect(events.filter((e) => e.name === 'planning.task.created').length).toBe(2)
    expect(events.filter((e) => e.name === 'planning.task.state_changed').map((e) => e.payload.task.key)).toEqual(['WEB-2'])
    const page = await member.get('/planning/tasks/WEB-2')
    expect(page.html).toContain('changed title from Child to Child renamed')
    expect(page.html).toContain('changed cycle from Sprint 1 to No cycle')
  })

  test("another project's export imports as new tasks there, sub-tasks pointing at the new parents (even when listed first)", async () => {
    const rows = parseCsv(await exportOf('WEB'))
    // the sub-task rows before their parents: parents are set once every row is in
    const [head, ...body] = rows
    // without saying it is a copy, each WEB key is reported (and nothing is created)
    const refused = await importFile(member, 'IMP', toCsv([head!, ...body.reverse()]))
    expect(refused.report).toStartWith('0 created, 0 updated, 5 skipped. Row 2: WEB-5 is a key of project WEB, not IMP: leave the key empty')
    const { report } = await importFile(member, 'IMP', toCsv([head!, ...body.reverse()]), { copy: 'yes' })
    expect(report).toBe('5 created, 0 updated, 0 skipped.')
    const imp = await list('IMP')
    const byTitle = new Map(imp.map((t) => [t.title, t]))
    expect(imp.every((t) => t.key.startsWith('IMP-'))).toBe(true)
    expect(byTitle.get('Child renamed').parentId).toBe(byTitle.get('Epic').id)
    expect(byTitle.get('=SUM(A1)').parentId).toBe(byTitle.get('Child renamed').id)
    expect(byTitle.get('Brand new').parentId).toBe(byTitle.get('=SUM(A1)').id)
    // milestones and cycles by name, in this project
    const page = await admin.get('/planning/projects/IMP/tasks/new')
    const impLaunch = /<option value="([\w-]+)"[^>]*>Launch<\/option>/.exec(page.html)![1]!
    expect(byTitle.get('Epic').milestoneId).toBe(impLaunch)
    // the WEB tasks are untouched
    expect((await get('WEB-1')).title).toBe('Epic')
    expect((await list('WEB')).length).toBe(5)
  })

  test('bad cells are reported per row and the good rows kept: unknown milestone, cycle, parent, a parent loop', async () => {
    await admin.post('/planning/projects/WEB/milestones', { name: 'Twin', targetDate: '', description: '' })
    await admin.post('/planning/projects/WEB/milestones', { name: 'twin', targetDate: '', description: '' })
    const csv = toCsv([
      ['key', 'title', 'milestone', 'cycle', 'parent'],
      ['', 'Good row', 'Launch', '', ''],
      ['', 'No such milestone', 'Nope', '', ''],
      ['', 'No such cycle', '', 'Sprint 9', ''],
      ['', 'Two milestones of that name', 'TWIN', '', ''],
      ['', 'No such parent', '', '', 'WEB-999'],
      ['', 'Parent in another project', '', '', 'IMP-1'],
      ['WEB-1', 'Epic', '', '', 'WEB-2'], // WEB-2's parent is WEB-1: a loop
    ])
    const { report } = await importFile(member, 'WEB', csv)
    expect(report).toBe(
      "1 created, 0 updated, 6 skipped. Row 3: Unknown milestone 'Nope': use the name of one of the project's milestones. Row 4: Unknown cycle 'Sprint 9': use the name of one of the project's cycles. " +
        "Row 5: More than one milestone is called 'TWIN': rename one of them first. Row 6: Unknown parent task 'WEB-999': use the key of a task of this project or of a row in the file. " +
        "Row 7: Unknown parent task 'IMP-1': use the key of a task of this project or of a row in the file. Row 8: A task cannot be its own parent or ancestor: choose another parent.",
    )
    const all = await list('WEB')
    expect(all.map((t) => t.title)).toContain('Good row')
    expect((await get('WEB-1')).parentId).toBeNull()
  })

  test("a row the CSV rules cannot read, or keyed with another project's key, is reported, not imported as a guess", async () => {
    const before = (await list('WEB')).length
    const csv = ['key,title,state', ',Fine row,Todo', 'API-1,Keyed elsewhere,Todo', ',Bad "quote,Todo', ',"closed"trailing,Todo', ',Wrong state,Nope', ',"unterminated quote,Todo', ',Swallowed row,Todo', ''].join('\r\n')
    const { report } = await importFile(member, 'WEB', csv)
    expect(report).toBe(
      '1 created, 0 updated, 5 skipped. Row 3: API-1 is a key of project API, not WEB: leave the key empty to create a task here, or import the file as a copy of another project. ' +
        'Row 4: A quote is inside unquoted field 2: quote the whole field and double the quotes inside it (&quot;&quot;). ' +
        'Row 5: Text follows a closing quote in field 2: quote the whole field and double the quotes inside it (&quot;&quot;). ' +
        "Row 6: Unknown state 'Nope': choose one of the project's states. " +
        'Row 7: The quote opening field 2 is never closed: add the missing &quot;. The lines after it were read as part of that field and not imported.',
    )
    const titles = (await list('WEB')).map((t) => t.title)
    expect(titles.length).toBe(before + 1)
    expect(titles).toContain('Fine row')
    expect(titles.some((t) => t.includes('unterminated') || t.includes('Keyed elsewhere'))).toBe(false)
  })

  test('unknown labels: reported for members (planning.project.manage is not theirs), created for project managers', async () => {
    const csv = toCsv([
      ['title', 'labels'],
      ['Keeps its label', 'bug'],
      ['Wants a new label', 'bug;brand-new'],
    ])
    let { report } = await importFile(member, 'WEB', csv)
    expect(report).toBe("1 created, 0 updated, 1 skipped. Row 3: Unknown label 'brand-new': only those who manage the project can add labels, so ask one of them or leave it out.")
    let page = await admin.get('/planning/projects/WEB/settings')
    expect(page.html).not.toContain('brand-new')
    // an update through the key is held to the same rule
    ;({ report } = await importFile(member, 'WEB', toCsv([['key', 'title', 'labels'], ['WEB-1', 'Epic', 'brand-new']])))
    expect(report).toBe("0 created, 0 updated, 1 skipped. Row 2: Unknown label 'brand-new': only those who manage the project can add labels, so ask one of them or leave it out.")
    expect((await get('WEB-1')).labels).toEqual([])

    ;({ report } = await importFile(admin, 'WEB', csv))
    expect(report).toBe('2 created, 0 updated, 0 skipped.')
    page = await admin.get('/planning/projects/WEB/settings')
    expect(page.html).toContain('>brand-new</span>')
    const created = (await list('WEB')).find((t) => t.title === 'Wants a new label')
    expect(created.labels.map((l: any) => l.name)).toEqual(['brand-new', 'bug'])
  })
})
