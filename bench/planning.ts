// The planning part of `npm run bench`: a project of 10,000 tasks, loaded through the list page, the
// board and the JSON API, against a bare Bun.serve running the same queries on the same file.
import { Database } from 'bun:sqlite'

export const TASKS = 10_000
const PRIORITIES = ['urgent', 'high', 'medium', 'low', 'none']

/** Creates project WEB through the JSON API (as the signed-in admin), then 10,000 tasks straight into its table. */
export async function seedPlanning(base: string, session: string, dbFile: string): Promise<{ projectId: string }> {
  const page = await fetch(`${base}/search`, { headers: { cookie: session } }).then((r) => r.text())
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
  if (!csrf) throw new Error('no CSRF token on the signed-in page')
  const res = await fetch(`${base}/api/v1/planning/projects`, {
    method: 'POST',
    headers: { cookie: session, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'WEB', name: 'Website' }),
  })
  if (res.status !== 201) throw new Error(`creating the project failed: ${res.status} ${await res.text()}`)
  const db = new Database(dbFile)
  db.exec('PRAGMA busy_timeout = 5000')
  const project = db.query<{ id: string; org_id: string }, []>(`select id, org_id from planning_projects where key = 'WEB'`).get()!
  const states = db.query<{ id: string }, [string]>('select id from planning_states where project_id = ? order by position').all(project.id)
  const user = db.query<{ id: string }, []>('select id from core_users limit 1').get()!
  const insert = db.query(
    `insert into planning_tasks (id, org_id, project_id, number, title, description, state_id, priority, assignee_id, estimate, due_at, position, created_by, created_at, updated_at)
     values (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const now = Date.now()
  // three labels; a third of the tasks carry one, a fifth another (so lists and the board show labels)
  const labels = ['bug', 'design', 'backend'].map((name, i) => ({ id: Bun.randomUUIDv7(), name, color: ['#dc2626', '#7c3aed', '#0891b2'][i]! }))
  const addLabel = db.query('insert into planning_labels (id, org_id, project_id, name, color, created_at) values (?, ?, ?, ?, ?, ?)')
  const tag = db.query('insert into planning_task_labels (task_id, label_id, org_id) values (?, ?, ?)')
  db.transaction(() => {
    for (const l of labels) addLabel.run(l.id, project.org_id, project.id, l.name, l.color, now)
    for (let n = 1; n <= TASKS; n++) {
      const at = now - (TASKS - n) * 60_000
      const id = Bun.randomUUIDv7()
      if (n % 3 === 0) tag.run(id, labels[0]!.id, project.org_id)
      if (n % 5 === 0) tag.run(id, labels[(n / 5) % 2 ? 1 : 2]!.id, project.org_id)
      insert.run(id, project.org_id, project.id, n, `Task ${n}: tidy <the> "pricing" page & co`, states[n % states.length]!.id, PRIORITIES[n % 5]!, n % 3 ? user.id : null, n % 8, n % 4 ? null : at + 7 * 86_400_000, n, user.id, at, at)
    }
  })()
  db.query('update planning_projects set task_counter = ? where id = ?').run(TASKS, project.id)
  db.close()
  return { projectId: project.id }
}

/** The baseline's version of GET /api/v1/planning/tasks?project=WEB&limit=50: the same five queries, as JSON. */
export function baselineTasks(db: Database): (projectId: string) => unknown {
  const tasks = db.query<{ id: string; project_id: string; assignee_id: string | null }, [string]>(
    'select * from planning_tasks where org_id = (select org_id from planning_projects where id = ?1) and project_id = ?1 order by number desc limit 51 offset 0',
  )
  const projects = db.query<Record<string, unknown>, [string]>('select * from planning_projects where id = ?')
  const states = db.query<{ id: string }, [string]>('select * from planning_states where project_id = ?')
  const projectLabels = db.query<{ id: string }, [string]>('select * from planning_labels where project_id = ?')
  return (projectId: string) => {
    const rows = tasks.all(projectId).slice(0, 50)
    const ids = rows.map((r) => r.id)
    // the links (as the platform reads them), and the project's labels (which the platform caches)
    const links = db.query<{ task_id: string; label_id: string }, string[]>(`select task_id, label_id from planning_task_labels where task_id in (${ids.map(() => '?').join(',')})`).all(...ids)
    const labelById = new Map(projectLabels.all(projectId).map((l) => [l.id, l]))
    const labels = links.map((k) => ({ task_id: k.task_id, ...labelById.get(k.label_id) }))
    const people = [...new Set(rows.map((r) => r.assignee_id).filter(Boolean))] as string[]
    const users = people.length ? db.query(`select id, name, email from core_users where id in (${people.map(() => '?').join(',')})`).all(...people) : []
    const project = projects.get(projectId)
    const byState = new Map(states.all(projectId).map((s) => [s.id, s]))
    const labelsOf = new Map<string, unknown[]>()
    for (const l of labels as { task_id: string }[]) {
      const list = labelsOf.get(l.task_id)
      if (list) list.push(l)
      else labelsOf.set(l.task_id, [l])
    }
    const userOf = new Map((users as { id: string }[]).map((u) => [u.id, u]))
    return {
      items: rows.map((r) => ({ ...r, project, state: byState.get((r as unknown as { state_id: string }).state_id), labels: labelsOf.get(r.id) ?? [], assignee: r.assignee_id ? userOf.get(r.assignee_id) : null })),
      nextCursor: 'NTA',
    }
  }
}
