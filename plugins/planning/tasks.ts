/**
 * @module Task logic: numbering (WEB-42 from a per-project counter), validation, filters with cursor
 * pagination, history of every field change, relations and the task events.
 */
import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { Db } from '../../core/store/connect.ts'
import type { ActivityFact, Person } from '../../core/plugins/points.ts'
import { SORTS } from './filters.ts'
import { PRIORITIES } from './schema.ts'
import { day, newId, parseDay, text, type Actor, type Deps, type Label, type Project, type ProjectService, type State, type Tables } from './service.ts'
import type { TaskRef } from './events.ts'

export type TaskRow = Tables['tasks']['$inferSelect']
export type Priority = (typeof PRIORITIES)[number]

/** A task with what pages and the API show next to it. */
export interface Task extends TaskRow {
  key: string
  project: Project
  state: State
  labels: Label[]
  assignee?: Person
}

/** List filters; every one is optional. */
export interface TaskFilter {
  projectId?: string
  stateIds?: string[]
  stateGroups?: string[]
  /** A user id, or 'none'. */
  assigneeId?: string
  labelId?: string
  priorities?: string[]
  dueBefore?: string
  dueAfter?: string
  q?: string
  parentId?: string
  milestoneId?: string
  cycleId?: string
  /** Leaves out completed and cancelled tasks. */
  open?: boolean
  sort?: 'created' | 'updated' | 'priority' | 'due' | 'number'
  dir?: 'asc' | 'desc'
}

export { SORTS }
const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3, none: 4 }
const DONE_GROUPS = ['completed', 'cancelled']
const OPEN_GROUPS = ['backlog', 'unstarted', 'started'] as const
/** Labels by name, case aside, then exactly. */
const byLabelName = (a: Label, b: Label): number => {
  const x = a.name.toLowerCase()
  const y = b.name.toLowerCase()
  return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}
/** How long a board column's count is trusted without a planning event, and how many are kept. */
const COUNT_TTL_MS = 10_000
const COUNT_CACHE_SIZE = 1000
/** Most tasks the calendar's due-date layer shows for one range (the first by due date). */
export const DUE_MAX = 1000
/** Most tasks one bulk edit changes. */
const BULK_MAX = 500
const TASK_REF_RE = /^([A-Za-z0-9]{2,6})-(\d{1,9})$/

/**
 * Where the next page starts, as an opaque string: `{ k: number }` after the last task number when
 * the list is one project's tasks by number (the default list: the next page is an index seek, and
 * tasks created meanwhile do not shift it); `{ o: offset }` for every other order.
 */
type Cursor = { k: number } | { o: number }

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Number.isInteger(c?.k) && c.k >= 0) return { k: c.k }
    if (Number.isInteger(c?.o) && c.o >= 0) return { o: c.o }
  } catch {
    // falls through
  }
  throw new InputError('The cursor is not valid: start again without it', 'cursor', 400)
}

/** Tasks of projects. */
export class TaskService {
  constructor(
    private readonly deps: Deps,
    private readonly projects: ProjectService,
  ) {}

  /**
   * Counts of full board columns (a count reads one state's whole index range: thousands of
   * entries on a big project), kept until planning changes: the plugin calls `changed()` on every
   * planning event. Entries also expire after COUNT_TTL_MS, which bounds what a write the events
   * miss (another process on the same database) can leave stale.
   */
  private readonly columnCounts = new Map<string, { generation: number; at: number; n: number }>()
  private generation = 0

  /** Something in planning changed: cached counts are stale. */
  changed(): void {
    this.generation++
  }

  private get db() {
    return this.deps.store.db
  }

  private get t() {
    return this.deps.tables
  }

  /** The raw row and project of a task by id or key (WEB-42) in `orgId`; 404 otherwise. */
  async row(orgId: string, ref: string): Promise<{ task: TaskRow; project: Project }> {
    const t = this.t.tasks
    const m = TASK_REF_RE.exec(String(ref ?? '').trim())
    let task: TaskRow | undefined
    let project: Project | undefined
    if (m) {
      project = await this.projects.get(orgId, m[1]!.toUpperCase()).catch(() => undefined)
      if (project) [task] = await this.db.select().from(t).where(and(eq(t.projectId, project.id), eq(t.number, Number(m[2])))).limit(1)
    } else {
      ;[task] = await this.db.select().from(t).where(and(eq(t.orgId, orgId), eq(t.id, String(ref)))).limit(1)
      if (task) project = await this.projects.get(orgId, task.projectId)
    }
    if (!task || !project) throw new InputError('No such task in this organization', 'task', 404)
    return { task, project }
  }

  /** A task with its state, labels and assignee. */
  async get(orgId: string, ref: string): Promise<Task> {
    const { task } = await this.row(orgId, ref)
    return (await this.enrich([task]))[0]!
  }

  /** Adds key, project, state, labels and assignee to rows (in their order). */
  async enrich(rows: TaskRow[]): Promise<Task[]> {
    if (!rows.length) return []
    const t = this.t
    const projectIds = [...new Set(rows.map((r) => r.projectId))]
    const ids: Record<string, string> = {}
    for (let i = 0; i < rows.length; i++) ids[`t${i}`] = rows[i]!.id
    const [projects, states, links, people] = await Promise.all([
      // projects and their states are cached by the project service
      Promise.all(projectIds.map((id) => this.projects.get(rows[0]!.orgId, id))),
      projectIds.length === 1 ? this.projects.states(projectIds[0]!) : this.db.select().from(t.states).where(inArray(t.states.projectId, projectIds)),
      this.deps.store.prepared(`planning.task-labels:${rows.length}`, (db) =>
        db
          .select({ taskId: t.taskLabels.taskId, label: t.labels })
          .from(t.taskLabels)
          .innerJoin(t.labels, eq(t.labels.id, t.taskLabels.labelId))
          .where(inArray(t.taskLabels.taskId, rows.map((_, i) => sql.placeholder(`t${i}`)))),
      ids),
      this.deps.people.byIds([...new Set(rows.map((r) => r.assigneeId).filter((x): x is string => !!x))]),
    ])
    const pById = new Map(projects.map((p) => [p.id, p]))
    const sById = new Map(states.map((s) => [s.id, s]))
    const personById = new Map(people.map((p) => [p.id, p]))
    const labelsByTask = new Map<string, Label[]>()
    for (const l of links) {
      const list = labelsByTask.get(l.taskId)
      if (list) list.push(l.label)
      else labelsByTask.set(l.taskId, [l.label])
    }
    // each task's labels in name order, case aside (an ORDER BY in the query cost more: a sort step)
    for (const list of labelsByTask.values()) if (list.length > 1) list.sort(byLabelName)
    return rows.map((r) => {
      const project = pById.get(r.projectId)!
      return {
        ...r,
        key: `${project.key}-${r.number}`,
        project,
        state: sById.get(r.stateId) ?? { id: r.stateId, orgId: r.orgId, projectId: r.projectId, name: '?', group: 'backlog', position: 0, createdAt: r.createdAt },
        labels: labelsByTask.get(r.id) ?? [],
        assignee: r.assigneeId ? personById.get(r.assigneeId) : undefined,
      }
    })
  }

  /** A page of tasks matching `filter`: `{ items, nextCursor }`. */
  async list(orgId: string, filter: TaskFilter, page: { cursor?: string; limit?: number } = {}): Promise<{ items: Task[]; nextCursor: string | null }> {
    const cursor = decodeCursor(page.cursor)
    const limit = Math.min(Math.max(Math.trunc(Number(page.limit) || 50), 1), 500)
    // The query is built once per shape (which filters, how many values in each list, the order)
    // and then only run: building drizzle SQL costs more than running an indexed query.
    const f = this.filterWhere(orgId, filter)
    const { shape, values } = f
    values.limit = limit + 1
    values.offset = 0
    const sort = filter.sort && SORTS.includes(filter.sort) ? filter.sort : 'number'
    const dirName = filter.dir === 'asc' || filter.dir === 'desc' ? filter.dir : ''
    shape.push(`sort:${sort}:${dirName}`)
    // one project by number: pages continue after the last number seen (keyset)
    const hasProject = 'project' in values
    const keyset = hasProject && sort === 'number'
    if (cursor && 'k' in cursor) {
      if (!keyset) throw new InputError('The cursor is not valid for this order: start again without it', 'cursor', 400)
      values.after = cursor.k
      shape.push('after')
    } else if (cursor) values.offset = cursor.o
    const hasAfter = 'after' in values
    const rows = await this.deps.store.prepared(`planning.tasks:${shape.join(',')}`, (db) => {
      const t = this.t.tasks
      const where: SQL[] = [f.where(db)!]
      if (hasAfter) where.push((dirName === 'asc' ? gt : lt)(t.number, sql.placeholder('after')))
      const dir = dirName === 'asc' ? asc : dirName === 'desc' ? desc : undefined
      const order: SQL[] = (() => {
        switch (sort) {
          case 'created':
            return [(dir ?? desc)(t.createdAt)]
          case 'updated':
            return [(dir ?? desc)(t.updatedAt)]
          case 'priority':
            return [(dir ?? asc)(sql`case ${t.priority} when 'urgent' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end`)]
          case 'due':
            return [asc(sql`case when ${t.dueAt} is null then 1 else 0 end`), (dir ?? asc)(t.dueAt)]
          default:
            return [(dir ?? desc)(t.number)]
        }
      })()
      return (
        db
          .select()
          .from(t)
          .where(and(...where))
          // Tie-breakers keep pages stable; within one project the number is unique, so sorting by it
          // needs none (and then SQLite walks the (project_id, number) index instead of sorting).
          .orderBy(...(hasProject && sort === 'number' ? order : [...order, asc(t.projectId), desc(t.number)]))
          .limit(sql.placeholder('limit'))
          .offset(sql.placeholder('offset'))
      )
    }, values)
    const more = rows.length > limit
    const items = rows.slice(0, limit)
    const next: Cursor = keyset ? { k: items.at(-1)?.number ?? 0 } : { o: (values.offset as number) + limit }
    return { items: await this.enrich(items), nextCursor: more ? encodeCursor(next) : null }
  }

  /**
   * A project's board: per state, the `perColumn` most recently updated tasks matching `filter` (the
   * list's filters; its state, sort and order are left out: columns are states) and the true number
   * of matching tasks in each state. One indexed query per state (the (project_id, state_id,
   * updated_at, number) index hands each column its newest tasks without sorting) and a count of
   * each full column (remembered until planning changes), however many tasks the project has.
   * Cards carry no description.
   */
  async board(orgId: string, projectRef: string, filter: TaskFilter, perColumn: number): Promise<{ cards: Task[]; counts: Map<string, number> }> {
    const project = await this.projects.get(orgId, projectRef)
    const states = await this.projects.states(project.id)
    // the project is this organization's: its id alone selects the rows (and lets the count read only the index)
    const f = this.filterWhere(orgId, { ...filter, projectId: project.id, stateIds: undefined, stateGroups: undefined, open: undefined }, { org: false })
    const key = f.shape.join(',')
    const t = this.t.tasks
    const cap = Math.max(1, Math.trunc(perColumn))
    const columns = await Promise.all(
      states.map((s) =>
        this.deps.store.prepared(
          `planning.board:${key}`,
          (db) =>
            db
              // cards never show the description (often the biggest field): it is left empty
              .select({ ...getTableColumns(t), description: sql<string>`''` })
              .from(t)
              .where(and(f.where(db), eq(t.stateId, sql.placeholder('state'))))
              .orderBy(desc(t.updatedAt), desc(t.number))
              .limit(sql.placeholder('cap')),
          { ...f.values, state: s.id, cap },
        ),
      ),
    )
    // A column that is not full holds all its tasks; only full ones are counted (one state's
    // range of the index each, cheaper than grouping the whole project).
    const counts = new Map<string, number>()
    await Promise.all(
      states.map(async (s, i) => {
        const cards = columns[i]!
        if (cards.length < cap) return void counts.set(s.id, cards.length)
        const values = { ...f.values, state: s.id }
        const cacheKey = `${key}|${JSON.stringify(values)}`
        const hit = this.columnCounts.get(cacheKey)
        if (hit && hit.generation === this.generation && Date.now() - hit.at < COUNT_TTL_MS) return void counts.set(s.id, hit.n)
        const generation = this.generation
        const [row] = await this.deps.store.prepared(
          `planning.board-count:${key}`,
          (db) => db.select({ n: sql<number>`count(*)` }).from(t).where(and(f.where(db), eq(t.stateId, sql.placeholder('state')))),
          values,
        )
        const n = Number(row?.n ?? cards.length)
        counts.set(s.id, n)
        if (this.columnCounts.size >= COUNT_CACHE_SIZE) this.columnCounts.clear()
        this.columnCounts.set(cacheKey, { generation, at: Date.now(), n })
      }),
    )
    return { cards: await this.enrich(columns.flat()), counts }
  }

  /**
   * The conditions of a filter with every value as a placeholder (`list` and `board` share them, so
   * a filter means the same in both): `shape` names which filters are present (the prepared query's key),
   * `values` fills the placeholders, `where(db)` builds the condition. `org: false` leaves out the
   * organization when the filter names a project the caller found in it.
   */
  private filterWhere(orgId: string, filter: TaskFilter, options: { org?: boolean } = {}): { shape: string[]; values: Record<string, unknown>; where: (db: Db) => SQL | undefined } {
    const byOrg = options.org !== false || !filter.projectId
    const values: Record<string, unknown> = byOrg ? { org: orgId } : {}
    const shape: string[] = byOrg ? ['org'] : []
    const many = (name: string, items: readonly string[] | undefined) => {
      if (!items?.length) return undefined
      shape.push(`${name}${items.length}`)
      return items.map((v, i) => ((values[`${name}${i}`] = v), sql.placeholder(`${name}${i}`)))
    }
    const one = (name: string, value: unknown) => {
      if (value === undefined || value === '' || value === null) return false
      shape.push(name)
      values[name] = value
      return true
    }
    const stateIds = many('s', filter.stateIds)
    const groups = many('g', filter.open ? OPEN_GROUPS : filter.stateGroups)
    const priorities = many('p', filter.priorities)
    const noAssignee = filter.assigneeId === 'none'
    if (noAssignee) shape.push('unassigned')
    const hasAssignee = !noAssignee && one('assignee', filter.assigneeId)
    const hasProject = one('project', filter.projectId)
    const hasLabel = one('label', filter.labelId)
    const due = (value: string | undefined, field: string) => (value ? this.t.tasks.dueAt.mapToDriverValue(parseDay(value, field)!) : undefined)
    const hasBefore = one('dueBefore', due(filter.dueBefore, 'dueBefore'))
    const hasAfter = one('dueAfter', due(filter.dueAfter, 'dueAfter'))
    const hasParent = one('parent', filter.parentId)
    const hasMilestone = one('milestone', filter.milestoneId)
    const hasCycle = one('cycle', filter.cycleId)
    const q = filter.q?.trim()
    const ref = q ? (TASK_REF_RE.exec(q) ?? /^#?(\d{1,9})$/.exec(q)) : null
    if (q) one('like', `%${q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`)
    if (ref) one('number', Number(ref[2] ?? ref[1]))
    const where = (db: Db) => {
      const t = this.t.tasks
      const s = this.t.states
      const w: SQL[] = byOrg ? [eq(t.orgId, sql.placeholder('org'))] : []
      if (hasProject) w.push(eq(t.projectId, sql.placeholder('project')))
      if (stateIds) w.push(inArray(t.stateId, stateIds))
      if (groups) w.push(inArray(t.stateId, db.select({ id: s.id }).from(s).where(inArray(s.group, groups))))
      if (noAssignee) w.push(isNull(t.assigneeId))
      if (hasAssignee) w.push(eq(t.assigneeId, sql.placeholder('assignee')))
      if (hasLabel) w.push(inArray(t.id, db.select({ id: this.t.taskLabels.taskId }).from(this.t.taskLabels).where(eq(this.t.taskLabels.labelId, sql.placeholder('label')))))
      if (priorities) w.push(inArray(t.priority, priorities))
      if (hasBefore) w.push(lte(t.dueAt, sql.placeholder('dueBefore')))
      if (hasAfter) w.push(gte(t.dueAt, sql.placeholder('dueAfter')))
      if (hasParent) w.push(eq(t.parentId, sql.placeholder('parent')))
      if (hasMilestone) w.push(eq(t.milestoneId, sql.placeholder('milestone')))
      if (hasCycle) w.push(eq(t.cycleId, sql.placeholder('cycle')))
      if (q) {
        const like = sql.placeholder('like')
        const textMatch = or(sql`lower(${t.title}) like ${like} escape '\\'`, sql`lower(${t.description}) like ${like} escape '\\'`)!
        w.push(ref ? or(textMatch, eq(t.number, sql.placeholder('number')))! : textMatch)
      }
      return and(...w)
    }
    return { shape, values, where }
  }

  // ---- validation of input fields

  private async resolveState(project: Project, value: unknown): Promise<State> {
    const states = await this.projects.states(project.id)
    const v = String(value ?? '').trim()
    const s = states.find((x) => x.id === v) ?? states.find((x) => x.name.toLowerCase() === v.toLowerCase())
    if (!s) throw new InputError(`unknown state '${v}'`, 'state')
    return s
  }

  private priority(value: unknown): Priority {
    const v = String(value ?? '').trim().toLowerCase() || 'none'
    if (!(PRIORITIES as readonly string[]).includes(v)) throw new InputError(`unknown priority '${value}' (use ${PRIORITIES.join(', ')})`, 'priority')
    return v as Priority
  }

  private async assignee(orgId: string, input: Record<string, unknown>): Promise<string | null | undefined> {
    const byEmail = input.assigneeEmail !== undefined && input.assigneeId === undefined
    const raw = byEmail ? input.assigneeEmail : input.assigneeId
    if (raw === undefined) return undefined
    const v = String(raw ?? '').trim()
    if (!v) return null
    const members = await this.deps.people.members(orgId)
    const m = byEmail ? members.find((p) => p.email.toLowerCase() === v.toLowerCase()) : members.find((p) => p.id === v)
    if (!m) throw new InputError(byEmail ? `unknown assignee '${v}'` : 'The assignee must be a member of this organization', byEmail ? 'assigneeEmail' : 'assigneeId')
    return m.id
  }

  private async resolveLabels(project: Project, value: unknown, create: boolean): Promise<Label[]> {
    const list = (Array.isArray(value) ? value : String(value ?? '').split(/[,;]/)).map((x) => String(x).trim()).filter(Boolean)
    const labels = await this.projects.labels(project.id)
    const out: Label[] = []
    for (const v of list) {
      let l = labels.find((x) => x.id === v) ?? labels.find((x) => x.name.toLowerCase() === v.toLowerCase())
      if (!l && create) {
        l = await this.projects.addLabel(project.orgId, project.id, { name: v })
        labels.push(l)
      }
      if (!l) throw new InputError(`unknown label '${v}'`, 'labels')
      if (!out.includes(l)) out.push(l)
    }
    return out
  }

  private estimate(value: unknown): number | null {
    if (value == null || value === '') return null
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0 || n > 1000) throw new InputError('Estimate must be a whole number of points from 0 to 1000', 'estimate')
    return n
  }

  private async parent(orgId: string, project: Project, value: unknown, selfId?: string): Promise<string | null> {
    const v = String(value ?? '').trim()
    if (!v) return null
    const { task } = await this.row(orgId, v).catch(() => {
      throw new InputError(`unknown parent task '${v}'`, 'parent')
    })
    if (task.projectId !== project.id) throw new InputError('The parent task must be in the same project', 'parent')
    // no loops: walk up from the new parent
    let cur: TaskRow | undefined = task
    for (let i = 0; cur && i < 50; i++) {
      if (cur.id === selfId) throw new InputError('A task cannot be its own parent or ancestor', 'parent')
      cur = cur.parentId ? (await this.db.select().from(this.t.tasks).where(eq(this.t.tasks.id, cur.parentId)).limit(1))[0] : undefined
    }
    return task.id
  }

  private async projectChild(table: 'milestones' | 'cycles', project: Project, value: unknown, field: string): Promise<string | null> {
    const v = String(value ?? '').trim()
    if (!v) return null
    const tb = this.t[table]
    const [row] = await this.db.select({ id: tb.id }).from(tb).where(and(eq(tb.projectId, project.id), eq(tb.id, v))).limit(1)
    if (!row) throw new InputError(`No such ${table === 'milestones' ? 'milestone' : 'cycle'} in this project`, field)
    return row.id
  }

  // ---- create, update, delete

  /** Creates a task with the next number of its project. */
  async create(orgId: string, actor: Actor, projectRef: string, input: Record<string, unknown>, options: { createLabels?: boolean } = {}): Promise<Task> {
    const project = await this.projects.get(orgId, projectRef)
    const title = text(input.title, 'title', { required: true, label: 'Title' })
    const description = text(input.description, 'description', { max: 50_000, label: 'Description' })
    const states = await this.projects.states(project.id)
    const state = input.state ? await this.resolveState(project, input.state) : (states.find((s) => s.group === 'unstarted') ?? states.find((s) => s.group === 'backlog') ?? states[0])
    if (!state) throw new InputError('The project has no states', 'state')
    const priority = this.priority(input.priority)
    const assigneeId = (await this.assignee(orgId, input)) ?? null
    const estimate = this.estimate(input.estimate)
    const dueAt = parseDay(input.due ?? input.dueAt, 'due')
    const parentId = await this.parent(orgId, project, input.parent ?? input.parentId)
    const milestoneId = await this.projectChild('milestones', project, input.milestoneId, 'milestoneId')
    const cycleId = await this.projectChild('cycles', project, input.cycleId, 'cycleId')
    const labels = await this.resolveLabels(project, input.labels, !!options.createLabels)
    const p = this.t.projects
    // One statement increments and reads the counter: two writers never get the same number.
    const [counter] = await this.db.update(p).set({ taskCounter: sql`${p.taskCounter} + 1` }).where(eq(p.id, project.id)).returning({ n: p.taskCounter })
    const now = new Date()
    const row: TaskRow = {
      id: newId(),
      orgId,
      projectId: project.id,
      number: counter!.n,
      title,
      description,
      stateId: state.id,
      priority,
      assigneeId,
      estimate,
      dueAt,
      parentId,
      milestoneId,
      cycleId,
      position: now.getTime(),
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      completedAt: DONE_GROUPS.includes(state.group) ? now : null,
    }
    await this.db.insert(this.t.tasks).values(row)
    if (labels.length) await this.db.insert(this.t.taskLabels).values(labels.map((l) => ({ taskId: row.id, labelId: l.id, orgId })))
    await this.record(row, actor, [{ field: 'created', from: null, to: `${project.key}-${row.number}` }])
    const task = (await this.enrich([row]))[0]!
    this.deps.bus.emit('planning.task.created', { task: ref(task), activity: activity(task, actor, `created ${task.key} ${task.title}`) })
    if (assigneeId) this.deps.bus.emit('planning.task.assigned', { task: ref(task), assigneeId, previousAssigneeId: null, activity: activity(task, actor, `assigned ${task.key} to ${task.assignee?.name ?? 'someone'}`) })
    return task
  }

  /** Changes the given fields (absent keys stay); records history and emits events. */
  async update(orgId: string, actor: Actor, taskRef: string, input: Record<string, unknown>): Promise<Task> {
    const before = await this.get(orgId, taskRef)
    const project = before.project
    const patch: Partial<TaskRow> = {}
    if (input.title !== undefined) patch.title = text(input.title, 'title', { required: true, label: 'Title' })
    if (input.description !== undefined) patch.description = text(input.description, 'description', { max: 50_000, label: 'Description' })
    let newState: State | undefined
    if (input.state !== undefined) {
      newState = await this.resolveState(project, input.state)
      patch.stateId = newState.id
    }
    if (input.priority !== undefined) patch.priority = this.priority(input.priority)
    const assigneeId = await this.assignee(orgId, input)
    if (assigneeId !== undefined) patch.assigneeId = assigneeId
    if (input.estimate !== undefined) patch.estimate = this.estimate(input.estimate)
    if (input.due !== undefined || input.dueAt !== undefined) patch.dueAt = parseDay(input.due ?? input.dueAt, 'due')
    if (input.parent !== undefined || input.parentId !== undefined) patch.parentId = await this.parent(orgId, project, input.parent ?? input.parentId, before.id)
    if (input.milestoneId !== undefined) patch.milestoneId = await this.projectChild('milestones', project, input.milestoneId, 'milestoneId')
    if (input.cycleId !== undefined) patch.cycleId = await this.projectChild('cycles', project, input.cycleId, 'cycleId')
    if (input.position !== undefined && Number.isFinite(Number(input.position))) patch.position = Number(input.position)
    const labels = input.labels !== undefined ? await this.resolveLabels(project, input.labels, false) : undefined

    const changes: { field: string; from: string | null; to: string | null }[] = []
    const names = await this.displayNames(orgId, project, before, patch)
    for (const [k, v] of Object.entries(patch)) {
      const old = (before as unknown as Record<string, unknown>)[k]
      const same = old instanceof Date || v instanceof Date ? (old as Date | null)?.getTime() === (v as Date | null)?.getTime() : old === v
      if (same || k === 'position') continue
      changes.push({ field: FIELD_NAMES[k] ?? k, from: names(k, old), to: names(k, v) })
    }
    const labelsChanged = labels && labels.map((l) => l.id).sort().join() !== before.labels.map((l) => l.id).sort().join()
    if (labels && labelsChanged) changes.push({ field: 'labels', from: before.labels.map((l) => l.name).join(', ') || null, to: labels.map((l) => l.name).join(', ') || null })
    if (!changes.length && patch.position === undefined) return before

    const now = new Date()
    if (newState && newState.id !== before.stateId) patch.completedAt = DONE_GROUPS.includes(newState.group) ? now : null
    await this.db.update(this.t.tasks).set({ ...patch, updatedAt: changes.length ? now : before.updatedAt }).where(eq(this.t.tasks.id, before.id))
    if (labels && labelsChanged) {
      await this.db.delete(this.t.taskLabels).where(eq(this.t.taskLabels.taskId, before.id))
      if (labels.length) await this.db.insert(this.t.taskLabels).values(labels.map((l) => ({ taskId: before.id, labelId: l.id, orgId })))
    }
    if (!changes.length) return this.get(orgId, before.id)
    await this.record(before, actor, changes)
    const after = await this.get(orgId, before.id)
    const r = ref(after)
    if (newState && newState.id !== before.stateId) {
      this.deps.bus.emit('planning.task.state_changed', {
        task: r,
        from: { id: before.state.id, name: before.state.name, group: before.state.group },
        to: { id: newState.id, name: newState.name, group: newState.group },
        activity: activity(after, actor, `moved ${after.key} to ${newState.name}`),
      })
    }
    if (assigneeId !== undefined && assigneeId !== before.assigneeId) {
      this.deps.bus.emit('planning.task.assigned', {
        task: r,
        assigneeId,
        previousAssigneeId: before.assigneeId,
        activity: activity(after, actor, assigneeId ? `assigned ${after.key} to ${after.assignee?.name ?? 'someone'}` : `unassigned ${after.key}`),
      })
    }
    const others = changes.map((c) => c.field).filter((f) => f !== 'state' && f !== 'assignee')
    if (others.length) this.deps.bus.emit('planning.task.updated', { task: r, fields: others, activity: activity(after, actor, `updated ${after.key} (${others.join(', ')})`) })
    return after
  }

  /** Readable values for history rows. */
  private async displayNames(orgId: string, project: Project, before: Task, patch: Partial<TaskRow>) {
    const states = patch.stateId ? await this.projects.states(project.id) : []
    const ids = [before.assigneeId, patch.assigneeId].filter((x): x is string => !!x)
    const people = ids.length ? await this.deps.people.byIds(ids) : []
    const taskIds = [before.parentId, patch.parentId].filter((x): x is string => !!x)
    const parents = taskIds.length ? await this.enrich(await this.db.select().from(this.t.tasks).where(inArray(this.t.tasks.id, taskIds))) : []
    const ms = patch.milestoneId !== undefined ? await this.projects.milestones(project.id) : []
    const cs = patch.cycleId !== undefined ? await this.projects.cycles(project.id) : []
    return (field: string, v: unknown): string | null => {
      if (v == null || v === '') return null
      if (v instanceof Date) return day(v)
      const s = String(v)
      if (field === 'stateId') return states.find((x) => x.id === s)?.name ?? s
      if (field === 'assigneeId') return people.find((x) => x.id === s)?.name ?? s
      if (field === 'parentId') return parents.find((x) => x.id === s)?.key ?? s
      if (field === 'milestoneId') return ms.find((x) => x.id === s)?.name ?? s
      if (field === 'cycleId') return cs.find((x) => x.id === s)?.name ?? s
      if (field === 'description') return s.length > 200 ? s.slice(0, 200) + '…' : s
      return s
    }
  }

  private async record(task: TaskRow, actor: Actor, changes: { field: string; from: string | null; to: string | null }[]): Promise<void> {
    const at = new Date()
    await this.db.insert(this.t.history).values(changes.map((c) => ({ id: newId(), orgId: task.orgId, taskId: task.id, actorId: actor.id, actorName: actor.name, field: c.field, fromValue: c.from, toValue: c.to, at })))
  }

  /** Deletes a task; its sub-tasks lose their parent. */
  async remove(orgId: string, actor: Actor, taskRef: string): Promise<void> {
    const task = await this.get(orgId, taskRef)
    const t = this.t
    await this.db.update(t.tasks).set({ parentId: null }).where(eq(t.tasks.parentId, task.id))
    await this.db.delete(t.taskLabels).where(eq(t.taskLabels.taskId, task.id))
    await this.db.delete(t.relations).where(or(eq(t.relations.blockerId, task.id), eq(t.relations.blockedId, task.id)))
    await this.db.delete(t.history).where(eq(t.history.taskId, task.id))
    await this.db.delete(t.tasks).where(eq(t.tasks.id, task.id))
    this.deps.bus.emit('planning.task.deleted', { task: ref(task), activity: { ...activity(task, actor, `deleted ${task.key} ${task.title}`), entity: undefined } })
  }

  /**
   * Sets the same fields on many tasks of a project; returns how many changed. Every task and every
   * value is checked before the first change: a bad value or a task of another project changes nothing.
   */
  async bulk(orgId: string, actor: Actor, projectRef: string, ids: string[], input: Record<string, unknown>): Promise<number> {
    const project = await this.projects.get(orgId, projectRef)
    if (!ids.length) throw new InputError('Select at least one task', 'ids')
    if (ids.length > BULK_MAX) throw new InputError(`Select at most ${BULK_MAX} tasks at once`, 'ids')
    const patch: Record<string, unknown> = {}
    for (const k of ['state', 'priority', 'assigneeId', 'milestoneId', 'cycleId'] as const) if (input[k] !== undefined && input[k] !== '') patch[k] = input[k] === '-' ? '' : input[k]
    const addLabel = typeof input.label === 'string' && input.label ? (await this.resolveLabels(project, [input.label], false))[0] : undefined
    if (!Object.keys(patch).length && !addLabel) throw new InputError('Choose something to change', 'bulk')
    // the same checks update() makes, once, before anything changes
    if (patch.state !== undefined) await this.resolveState(project, patch.state)
    if (patch.priority !== undefined) this.priority(patch.priority)
    if (patch.assigneeId !== undefined) await this.assignee(orgId, { assigneeId: patch.assigneeId })
    if (patch.milestoneId !== undefined) await this.projectChild('milestones', project, patch.milestoneId, 'milestoneId')
    if (patch.cycleId !== undefined) await this.projectChild('cycles', project, patch.cycleId, 'cycleId')
    const tasks = await this.bulkTasks(orgId, project, ids)
    let n = 0
    for (const task of tasks) {
      const extra: Record<string, unknown> = {}
      if (addLabel) {
        const current = (await this.get(orgId, task.id)).labels.map((l) => l.id)
        if (!current.includes(addLabel.id)) extra.labels = [...current, addLabel.id]
      }
      await this.update(orgId, actor, task.id, { ...patch, ...extra })
      n++
    }
    return n
  }

  /** The tasks `ids` names (ids or keys), every one in `project`; 404 naming none changed otherwise. */
  private async bulkTasks(orgId: string, project: Project, ids: string[]): Promise<TaskRow[]> {
    const tasks: TaskRow[] = []
    const seen = new Set<string>()
    for (const id of ids) {
      const { task } = await this.row(orgId, id).catch(() => ({ task: undefined }))
      if (!task || task.projectId !== project.id) throw new InputError('No such task in this project: nothing was changed', 'ids', 404)
      if (!seen.has(task.id)) tasks.push(task)
      seen.add(task.id)
    }
    return tasks
  }

  /** The tasks a bulk delete would remove (checked like `bulkRemove` does), for its confirmation. */
  async bulkPreview(orgId: string, projectRef: string, ids: string[]): Promise<Task[]> {
    const project = await this.projects.get(orgId, projectRef)
    if (!ids.length) throw new InputError('Select at least one task', 'ids')
    if (ids.length > BULK_MAX) throw new InputError(`Select at most ${BULK_MAX} tasks at once`, 'ids')
    return this.enrich(await this.bulkTasks(orgId, project, ids))
  }

  /**
   * Deletes many tasks of a project (planning.task.deleted for each); returns how many. Every task is
   * checked first: one of another project (or unknown) deletes nothing.
   */
  async bulkRemove(orgId: string, actor: Actor, projectRef: string, ids: string[]): Promise<number> {
    const tasks = await this.bulkPreview(orgId, projectRef, ids)
    for (const task of tasks) await this.remove(orgId, actor, task.id)
    return tasks.length
  }

  // ---- sub-tasks, relations, history

  /** Direct sub-tasks. */
  async subtasks(orgId: string, taskId: string): Promise<Task[]> {
    return (await this.list(orgId, { parentId: taskId, sort: 'number', dir: 'asc' }, { limit: 500 })).items
  }

  /** Tasks this one blocks and tasks blocking it. */
  async relations(orgId: string, taskId: string): Promise<{ blocks: (Task & { relationId: string })[]; blockedBy: (Task & { relationId: string })[] }> {
    const r = this.t.relations
    const rows = await this.db.select().from(r).where(and(eq(r.orgId, orgId), or(eq(r.blockerId, taskId), eq(r.blockedId, taskId))))
    const otherIds = rows.map((x) => (x.blockerId === taskId ? x.blockedId : x.blockerId))
    const tasks = otherIds.length ? await this.enrich(await this.db.select().from(this.t.tasks).where(inArray(this.t.tasks.id, otherIds))) : []
    const byId = new Map(tasks.map((x) => [x.id, x]))
    const blocks = rows.filter((x) => x.blockerId === taskId && byId.has(x.blockedId)).map((x) => ({ ...byId.get(x.blockedId)!, relationId: x.id }))
    const blockedBy = rows.filter((x) => x.blockedId === taskId && byId.has(x.blockerId)).map((x) => ({ ...byId.get(x.blockerId)!, relationId: x.id }))
    return { blocks, blockedBy }
  }

  /**
   * `kind` 'blocks': this task blocks `other`; 'blocked_by': `other` blocks it. Both tasks record it
   * in their history naming the other ("blocks WEB-12" on one, "blocked by WEB-7" on the other) and
   * get planning.task.updated with the field 'relations'. The reverse of an existing relation (A
   * blocks B, then B blocks A) is a 422 naming both tasks.
   */
  async relate(orgId: string, actor: Actor, taskRef: string, kind: string, otherRef: string): Promise<void> {
    const { task, project } = await this.row(orgId, taskRef)
    if (kind !== 'blocks' && kind !== 'blocked_by') throw new InputError('Choose blocks or blocked by', 'kind')
    const other = await this.row(orgId, String(otherRef ?? '').trim()).catch(() => {
      throw new InputError(`unknown task '${otherRef}'`, 'other')
    })
    if (other.task.id === task.id) throw new InputError('A task cannot block itself', 'other')
    const [blockerId, blockedId] = kind === 'blocks' ? [task.id, other.task.id] : [other.task.id, task.id]
    const r = this.t.relations
    const [dupe] = await this.db.select({ id: r.id }).from(r).where(and(eq(r.blockerId, blockerId), eq(r.blockedId, blockedId))).limit(1)
    if (dupe) return
    // the reverse too would make each task wait for the other: refused, naming both
    const [reverse] = await this.db.select({ id: r.id }).from(r).where(and(eq(r.blockerId, blockedId), eq(r.blockedId, blockerId))).limit(1)
    if (reverse) {
      const selfKey = `${project.key}-${task.number}`
      const otherKey = `${other.project.key}-${other.task.number}`
      const [blocker, blocked] = kind === 'blocks' ? [selfKey, otherKey] : [otherKey, selfKey]
      throw new InputError(`${blocked} already blocks ${blocker}, so ${blocker} cannot also block ${blocked}: remove that relation first`, 'other')
    }
    await this.db.insert(r).values({ id: newId(), orgId, blockerId, blockedId, createdAt: new Date() })
    await this.relationChanged(orgId, actor, blockerId, blockedId, 'added')
  }

  /** Removes a relation of the task; both tasks record it ("removed: blocked by WEB-7") and get planning.task.updated. */
  async unrelate(orgId: string, actor: Actor, taskRef: string, relationId: string): Promise<void> {
    const { task } = await this.row(orgId, taskRef)
    const r = this.t.relations
    const [row] = await this.db.select().from(r).where(and(eq(r.id, relationId), eq(r.orgId, orgId), or(eq(r.blockerId, task.id), eq(r.blockedId, task.id)))).limit(1)
    if (!row) throw new InputError('No such relation', 'relation', 404)
    await this.db.delete(r).where(eq(r.id, row.id))
    await this.relationChanged(orgId, actor, row.blockerId, row.blockedId, 'removed')
  }

  /**
   * History on both tasks of a relation (field 'blocks' or 'blocked by', the other task's key as the
   * new value when added, as the old one when removed), their update time, and planning.task.updated
   * (fields ['relations']) for each.
   */
  private async relationChanged(orgId: string, actor: Actor, blockerId: string, blockedId: string, change: 'added' | 'removed'): Promise<void> {
    const rows = await this.db.select().from(this.t.tasks).where(and(eq(this.t.tasks.orgId, orgId), inArray(this.t.tasks.id, [blockerId, blockedId])))
    const both = await this.enrich(rows)
    const blocker = both.find((x) => x.id === blockerId)
    const blocked = both.find((x) => x.id === blockedId)
    if (!blocker || !blocked) return
    const now = new Date()
    await this.db.update(this.t.tasks).set({ updatedAt: now }).where(inArray(this.t.tasks.id, [blocker.id, blocked.id]))
    for (const [self, field, other] of [
      [blocker, 'blocks', blocked],
      [blocked, 'blocked by', blocker],
    ] as const) {
      await this.record(self, actor, [change === 'added' ? { field, from: null, to: other.key } : { field, from: other.key, to: null }])
      const text = change === 'added' ? `marked ${self.key} as ${field} ${other.key}` : `removed "${self.key} ${field} ${other.key}"`
      this.deps.bus.emit('planning.task.updated', { task: ref(self), fields: ['relations'], activity: activity(self, actor, text) })
    }
  }

  /** The change log of a task, newest first. */
  async history(orgId: string, taskId: string) {
    const h = this.t.history
    return this.db.select().from(h).where(and(eq(h.orgId, orgId), eq(h.taskId, taskId))).orderBy(desc(h.at), desc(h.id)).limit(200)
  }

  /**
   * Open tasks (backlog, unstarted and started states: completed and cancelled ones are left out) of
   * any project due in a range, for the calendar, by due date. At most `DUE_MAX` (1000): the first
   * 1000 by due date; a range that holds more (a month with over a thousand open due tasks) shows
   * those and not the rest.
   */
  async dueBetween(orgId: string, from: Date, to: Date): Promise<Task[]> {
    const t = this.t.tasks
    const s = this.t.states
    const open = this.db.select({ id: s.id }).from(s).where(and(eq(s.orgId, orgId), inArray(s.group, OPEN_GROUPS)))
    const rows = await this.db
      .select()
      .from(t)
      .where(and(eq(t.orgId, orgId), gte(t.dueAt, from), lte(t.dueAt, to), inArray(t.stateId, open)))
      .orderBy(asc(t.dueAt), asc(t.projectId), asc(t.number))
      .limit(DUE_MAX)
    return this.enrich(rows)
  }

  /** Tasks in any project whose title or key matches (search). */
  async search(orgId: string, q: string, limit = 8): Promise<Task[]> {
    return (await this.list(orgId, { q, sort: 'updated' }, { limit })).items
  }
}

const FIELD_NAMES: Record<string, string> = { stateId: 'state', assigneeId: 'assignee', dueAt: 'due', parentId: 'parent', milestoneId: 'milestone', cycleId: 'cycle' }

/** What events carry about a task. */
export function ref(task: Task): TaskRef {
  return { id: task.id, orgId: task.orgId, projectId: task.projectId, key: task.key, title: task.title }
}

/** The activity fact of a task event. */
export function activity(task: Task, actor: Actor, textValue: string): ActivityFact {
  return { orgId: task.orgId, actor: { id: actor.id, name: actor.name }, entity: { type: 'planning.task', id: task.id, title: `${task.key} ${task.title}`, href: `/planning/tasks/${task.key}` }, text: textValue }
}

/** Priority order for sorting in memory. */
export const priorityRank = (p: string) => PRIORITY_RANK[p] ?? 4

