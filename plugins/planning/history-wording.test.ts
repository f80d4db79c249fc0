/**
 * A task's history reads in the UI's words, not stored codes: priorities by their labels ("No
 * priority", "Urgent"), an empty assignee "Unassigned", no milestone "No milestone", an estimate in
 * points; state names as the project names them. On both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { createProject, json } from './test-support.ts'
import planning from './index.ts'

/** The history lines of a task page, as text. */
const historyOf = (html: string) => {
  const section = /<section class="section" id="task-history"[^>]*>([\s\S]*?)<\/section>/.exec(html)![1]!
  return [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim())
}

eachDialect('planning history wording', (dialect) => {
  let p: TestPlatform
  let admin: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning])
    admin = await p.adminClient()
    await admin.get('/planning')
    await createProject(admin, 'HIS', 'History')
  }, 60_000)
  afterAll(() => p.stop())

  test('priority, assignee, estimate, milestone and state changes read as the UI names them', async () => {
    expect((await admin.post('/planning/projects/HIS/milestones', { name: 'Beta' })).status).toBe(303)
    const me = (await p.deps.identity.accounts.findUserByEmail(ADMIN.email))!
    expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'HIS', title: 'Words' })).status).toBe(201)
    const patch = (body: Record<string, unknown>) => json(admin, 'PATCH', '/api/v1/planning/tasks/HIS-1', body)
    expect((await patch({ priority: 'urgent', assigneeId: me.id, estimate: 3, milestoneId: 'Beta', state: 'In Progress' })).status).toBe(200)
    expect((await patch({ priority: 'none', assigneeId: '', estimate: '', milestoneId: '' })).status).toBe(200)
    const lines = historyOf((await admin.get('/planning/tasks/HIS-1')).html)
    for (const line of [
      'changed priority from No priority to Urgent',
      `changed assignee from Unassigned to ${ADMIN.name}`,
      'changed estimate from No estimate to 3 pt',
      'changed milestone from No milestone to Beta',
      'changed state from Todo to In Progress',
      'changed priority from Urgent to No priority',
      `changed assignee from ${ADMIN.name} to Unassigned`,
      'changed estimate from 3 pt to No estimate',
      'changed milestone from Beta to No milestone',
    ]) {
      expect(lines.some((l) => l.endsWith(line))).toBe(true)
    }
    // no raw code or bare "none" left
    expect(lines.filter((l) => / (none|urgent)\b/.test(l))).toEqual([])
  })
})
