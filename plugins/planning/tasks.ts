/**
 * @module Task logic: numbering (WEB-42 from a per-project counter), create, update and delete with
 * the task events; lists, the board, bulk edits, relations and history are delegated to task-*.ts.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { Person } from '../../core/plugins/points.ts'
import { SORTS } from './filters.ts'
import { PRIORITIES } from './schema.ts'
import { isExpected, newId, parseDay, text, type Actor, type Cycle, type Deps, type ExpectedVersion, type Label, type Project, type ProjectService, type State, type Tables } from './service.ts'
import { TaskBoard } from './task-board.ts'
import { bulkPreview, bulkRemove, bulkUpdate, moveStateTasks } from './task-bulk.ts'
import { activity, ref } from './task-facts.ts'
import { recordHistory, taskHistory } from './task-history.ts'
import { FieldChecks, TaskInput } from './task-input.ts'
import { DUE_MAX, TASK_REF_RE, dueTaskRows, listTaskRows, type TaskFilter } from './task-queries.ts'
import { emitRelationChanges, guardRelationSets, relateTasks, relationSets, taskRelations, unrelateTasks, writeRelationChanges, type RelationChange, type RelationSets } from './task-relations.ts'
import { rolloverCycle, rolloverPlan, type RolloverPlan } from './task-rollover.ts'
import { TaskChangedError, announceUpdate, announces, applyUpdate, hasRelations, planUpdate, writeUpdates, type UpdateOptions, type UpdatePlan } from './task-update.ts'

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

export { DUE_MAX, SORTS, TaskChangedError, activity, ref, type ExpectedVersion, type TaskFilter, type UpdatePlan }
const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3, none: 4 }
const DONE_GROUPS = ['completed', 'cancelled']
/** Labels by name, case aside, then exactly. */
const byLabelName = (a: Label, b: Label): number => {
  const x = a.name.toLowerCase()
  const y = b.name.toLowerCase()
  return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/** Tasks of projects. */
export class TaskService {
  private readonly input: TaskInput
  private readonly boards: TaskBoard

  constructor(
    private readonly deps: Deps,
    private readonly projects: ProjectService,
  ) {
    this.input = new TaskInput(deps, projects, (orgId, ref) => this.row(orgId, ref))
    this.boards = new TaskBoard(deps, projects, (rows) => this.enrich(rows))
  }

  /** Something in planning changed: cached board counts are stale. */
  changed(): void {
    this.boards.changed()
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
    if (!task || !project) throw new InputError('There is no such task in this organization.', 'task', 404)
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
    const [projects, states, projectLabels, links, people] = await Promise.all([
      // projects, their states and their labels are cached by the project service
      Promise.all(projectIds.map((id) => this.projects.get(rows[0]!.orgId, id))),
      projectIds.length === 1 ? this.projects.states(projectIds[0]!) : this.db.select().from(t.states).where(inArray(t.states.projectId, projectIds)),
      Promise.all(projectIds.map((id) => this.projects.labels(id))),
      // only the links (a covering index): a task's labels are its project's, read from the cache
      this.deps.store.prepared(`planning.task-label-links:${rows.length}`, (db) =>
        db
          .select({ taskId: t.taskLabels.taskId, labelId: t.taskLabels.labelId })
          .from(t.taskLabels)
          .where(inArray(t.taskLabels.taskId, rows.map((_, i) => sql.placeholder(`t${i}`)))),
      ids),
      this.deps.people.byIds([...new Set(rows.map((r) => r.assigneeId).filter((x): x is string => !!x))]),
    ])
    const pById = new Map(projects.map((p) => [p.id, p]))
    const sById = new Map(states.map((s) => [s.id, s]))
    const personById = new Map(people.map((p) => [p.id, p]))
    const labelById = new Map<string, Label>()
    for (const list of projectLabels) for (const l of list) labelById.set(l.id, l)
    // A link to a label the cache does not hold cannot happen through the services (labels belong
    // to the task's project and every label write clears the cache); read any such label directly.
    const unknown = [...new Set(links.filter((l) => !labelById.has(l.labelId)).map((l) => l.labelId))]
    if (unknown.length) for (const l of await this.db.select().from(t.labels).where(inArray(t.labels.id, unknown))) labelById.set(l.id, l)
    const labelsByTask = new Map<string, Label[]>()
    for (const link of links) {
      const label = labelById.get(link.labelId)
      if (!label) continue
      const list = labelsByTask.get(link.taskId)
      if (list) list.push(label)
      else labelsByTask.set(link.taskId, [label])
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
    const { rows, nextCursor } = await listTaskRows(this.deps, orgId, filter, page)
    return { items: await this.enrich(rows), nextCursor }
  }

  /** A project's board: per state, the `perColumn` newest tasks matching `filter` and each state's true count (see TaskBoard). */
  board(orgId: string, projectRef: string, filter: TaskFilter, perColumn: number): Promise<{ cards: Task[]; counts: Map<string, number> }> {
    return this.boards.board(orgId, projectRef, filter, perColumn)
  }

  // ---- create, update, delete

  /**
   * Creates a task with the next number of its project; `blocks` and `blockedBy` (task keys or ids)
   * relate it on the way (see `relationSets`). The task, its labels, history and relations are one transaction.
   */
  async create(orgId: string, actor: Actor, projectRef: string, input: Record<string, unknown>, options: { createLabels?: boolean } = {}): Promise<Task> {
    const project = await this.projects.get(orgId, projectRef)
    // every field is checked before anything is refused, so a form shows all its mistakes at once
    const checks = new FieldChecks()
    const title = (await checks.check(() => text(input.title, 'title', { required: true, label: 'Title' })))!
    const description = (await checks.check(() => text(input.description, 'description', { max: 50_000, label: 'Description' })))!
    const states = await this.projects.states(project.id)
    const state = input.state ? await checks.check(() => this.input.resolveState(project, input.state)) : (states.find((s) => s.group === 'unstarted') ?? states.find((s) => s.group === 'backlog') ?? states[0])
    if (!state && !input.state) throw new InputError('The project has no states: add one in its settings first.', 'state')
    const priority = (await checks.check(() => this.input.priority(input.priority)))!
    const assigneeId = (await checks.check(() => this.input.assignee(orgId, input))) ?? null
    const estimate = (await checks.check(() => this.input.estimate(input.estimate))) ?? null
    const dueAt = (await checks.check(() => parseDay(input.due ?? input.dueAt, 'due'))) ?? null
    const parentId = (await checks.check(() => this.input.parent(orgId, project, input.parent ?? input.parentId))) ?? null
    const milestoneId = (await checks.check(() => this.input.projectChild('milestones', project, input.milestoneId, 'milestoneId'))) ?? null
    const cycleId = (await checks.check(() => this.input.projectChild('cycles', project, input.cycleId, 'cycleId'))) ?? null
    // labels that may be created (API, import) are resolved only once every other field passed
    const known = options.createLabels ? [] : await checks.check(() => this.input.resolveLabels(project, input.labels, false))
    const relations = hasRelations(input) ? await checks.check(() => relationSets(this.deps, this, orgId, undefined, input)) : undefined
    checks.done()
    const labels = options.createLabels ? await this.input.resolveLabels(project, input.labels, true) : known!
    if (!state) throw new InputError('The project has no states: add one in its settings first.', 'state')
    const p = this.t.projects
    const now = new Date()
    // the task, its labels, its history and its relations are written together or not at all
    const { row, relationChanges } = await this.deps.store.tx(async (db) => {
      if (relations) await guardRelationSets(this.deps, db, this, orgId, undefined, relations)
      // One statement increments and reads the counter: two writers never get the same number.
      const [counter] = await db.update(p).set({ taskCounter: sql`${p.taskCounter} + 1` }).where(eq(p.id, project.id)).returning({ n: p.taskCounter })
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
      await db.insert(this.t.tasks).values(row)
      if (labels.length) await db.insert(this.t.taskLabels).values(labels.map((l) => ({ taskId: row.id, labelId: l.id, orgId })))
      await recordHistory(this.deps, row, actor, [{ field: 'created', from: null, to: `${project.key}-${row.number}` }], db)
      const relationChanges = relations ? newTaskRelations({ id: row.id, key: `${project.key}-${row.number}` }, relations) : []
      return { row, relationChanges: await writeRelationChanges(this.deps, db, orgId, actor, relationChanges, row.id) }
    })
    const task = (await this.enrich([row]))[0]!
    this.deps.bus.emit('planning.task.created', { task: ref(task), activity: activity(task, actor, `created ${task.key} ${task.title}`) })
    if (assigneeId) this.deps.bus.emit('planning.task.assigned', { task: ref(task), assigneeId, previousAssigneeId: null, activity: activity(task, actor, `assigned ${task.key} to ${task.assignee?.name ?? 'someone'}`) })
    await emitRelationChanges(this.deps, this, orgId, actor, relationChanges)
    return task
  }

  /**
   * Changes the given fields (absent keys stay; `blocks` or `blockedBy` replaces that relation set);
   * records history and emits events, the row, its labels, history and relations in one transaction. With
   * `expectUpdatedAt` the write is a compare-and-set: a task changed since the caller read it is a
   * TaskChangedError and nothing is written (the edit form's save, the API's If-Match).
   */
  async update(orgId: string, actor: Actor, taskRef: string, input: Record<string, unknown>, options: { expectUpdatedAt?: ExpectedVersion } = {}): Promise<Task> {
    const before = await this.get(orgId, taskRef)
    const plan = await this.planUpdate(orgId, actor, before, input, options)
    if (!plan) return before
    // the row, its labels, its history and its relations are written together or not at all
    const applied = (await this.deps.store.tx((db) => applyUpdate(this.deps, db, this, plan)))!
    const after = await this.get(orgId, before.id)
    if (announces(applied)) await announceUpdate(this.deps, this, applied, after)
    return after
  }

  /**
   * Checks an update of `before` (as `update` does) and works out what it changes, writing nothing;
   * undefined when nothing would change. Write plans with `writeUpdates`.
   */
  planUpdate(orgId: string, actor: Actor, before: Task, input: Record<string, unknown>, options: UpdateOptions = {}): Promise<UpdatePlan | undefined> {
    return planUpdate(this.deps, this.projects, this.input, this, orgId, actor, before, input, options)
  }

  /**
   * Writes updates of many tasks in one transaction (one failure writes none), then emits each
   * task's events in turn, as `update` would; returns the tasks written, as committed.
   */
  writeUpdates(plans: UpdatePlan[]): Promise<Task[]> {
    return writeUpdates(this.deps, this, plans)
  }

  /**
   * Deletes a task, in one transaction; its sub-tasks lose their parent. With `expectUpdatedAt` a
   * task changed since the caller read it is a TaskChangedError and nothing is deleted.
   */
  async remove(orgId: string, actor: Actor, taskRef: string, options: { expectUpdatedAt?: ExpectedVersion } = {}): Promise<void> {
    const task = await this.get(orgId, taskRef)
    const expected = options.expectUpdatedAt
    if (expected && !isExpected(task.updatedAt, expected)) throw new TaskChangedError()
    const t = this.t
    await this.deps.store.tx(async (db) => {
      await db.update(t.tasks).set({ parentId: null }).where(eq(t.tasks.parentId, task.id))
      await db.delete(t.taskLabels).where(eq(t.taskLabels.taskId, task.id))
      await db.delete(t.relations).where(or(eq(t.relations.blockerId, task.id), eq(t.relations.blockedId, task.id)))
      await db.delete(t.history).where(eq(t.history.taskId, task.id))
      // the compare-and-set: a write in between changed updatedAt, and the throw rolls all of this back
      const where = expected ? and(eq(t.tasks.id, task.id), eq(t.tasks.updatedAt, task.updatedAt)) : eq(t.tasks.id, task.id)
      const deleted = await db.delete(t.tasks).where(where).returning({ id: t.tasks.id })
      if (expected && !deleted.length) throw new TaskChangedError()
    })
    this.deps.bus.emit('planning.task.deleted', { task: ref(task), activity: { ...activity(task, actor, `deleted ${task.key} ${task.title}`), entity: undefined } })
  }

  /**
   * Sets the same fields on many tasks of a project; returns how many changed. Every task and every
   * value is checked before the first change: a bad value or a task of another project changes nothing;
   * the changes are one transaction and each task's events follow the commit.
   */
  bulk(orgId: string, actor: Actor, projectRef: string, ids: string[], input: Record<string, unknown>): Promise<number> {
    return bulkUpdate(this, this.projects, this.input, orgId, actor, projectRef, ids, input)
  }

  /** Moves every task of a state to another state of the project (name or id) in one transaction, each with its history and (after the commit) its event; returns how many. */
  moveStateTasks(orgId: string, actor: Actor, projectRef: string, fromStateId: string, toRef: string): Promise<number> {
    return moveStateTasks(this, this.projects, this.input, this.deps, orgId, actor, projectRef, fromStateId, toRef)
  }

  /** What moving a cycle's unfinished tasks would move, and where to (see task-rollover.ts), for its confirmation. */
  rolloverPlan(orgId: string, projectRef: string, cycleRef: string, toRef?: string): Promise<RolloverPlan> {
    return rolloverPlan(this, this.projects, orgId, projectRef, cycleRef, toRef)
  }

  /**
   * Moves a cycle's unfinished tasks to `toRef` or else the project's next cycle in one transaction,
   * each with its history and (after the commit) planning.task.updated; no next cycle is a 409 saying
   * to create one (see task-rollover.ts).
   */
  rollover(orgId: string, actor: Actor, projectRef: string, cycleRef: string, toRef?: string): Promise<{ from: Cycle; to: Cycle; moved: Task[] }> {
    return rolloverCycle(this, this.projects, this.deps, orgId, actor, projectRef, cycleRef, toRef)
  }

  /** The tasks a bulk delete would remove (checked like `bulkRemove` does), for its confirmation. */
  bulkPreview(orgId: string, projectRef: string, ids: string[]): Promise<Task[]> {
    return bulkPreview(this, this.projects, orgId, projectRef, ids)
  }

  /** Deletes many tasks of a project (planning.task.deleted for each); returns how many. One unknown task deletes nothing. */
  bulkRemove(orgId: string, actor: Actor, projectRef: string, ids: string[]): Promise<number> {
    return bulkRemove(this, this.projects, orgId, actor, projectRef, ids)
  }

  // ---- sub-tasks, relations, history

  /** Direct sub-tasks. */
  async subtasks(orgId: string, taskId: string): Promise<Task[]> {
    return (await this.list(orgId, { parentId: taskId, sort: 'number', dir: 'asc' }, { limit: 500 })).items
  }

  /** Tasks this one blocks and tasks blocking it. */
  relations(orgId: string, taskId: string): Promise<{ blocks: (Task & { relationId: string })[]; blockedBy: (Task & { relationId: string })[] }> {
    return taskRelations(this.deps, this, orgId, taskId)
  }

  /**
   * `kind` 'blocks': this task blocks `other`; 'blocked_by': `other` blocks it. Both tasks record it
   * in their history and get planning.task.updated with the field 'relations'; the reverse of an
   * existing relation is a 422 naming both tasks.
   */
  relate(orgId: string, actor: Actor, taskRef: string, kind: string, otherRef: string): Promise<void> {
    return relateTasks(this.deps, this, orgId, actor, taskRef, kind, otherRef)
  }

  /** Removes a relation of the task; both tasks record it ("removed: blocked by WEB-7") and get planning.task.updated. */
  unrelate(orgId: string, actor: Actor, taskRef: string, relationId: string): Promise<void> {
    return unrelateTasks(this.deps, this, orgId, actor, taskRef, relationId)
  }

  /** The change log of a task, newest first. */
  history(orgId: string, taskId: string) {
    return taskHistory(this.deps, orgId, taskId)
  }

  /**
   * Open tasks of any project due in a range, for the calendar, by due date: at most `DUE_MAX`
   * (1000), the first by due date.
   */
  async dueBetween(orgId: string, from: Date, to: Date): Promise<Task[]> {
    return this.enrich(await dueTaskRows(this.deps, orgId, from, to))
  }

  /** Tasks in any project whose title or key matches (search). */
  async search(orgId: string, q: string, limit = 8): Promise<Task[]> {
    return (await this.list(orgId, { q, sort: 'updated' }, { limit })).items
  }
}

/** The relations a new task's sets add. */
function newTaskRelations(self: { id: string; key: string }, sets: RelationSets): RelationChange[] {
  return [...(sets.blocks ?? []).map((t) => ({ blocker: self, blocked: t, change: 'added' as const })), ...(sets.blockedBy ?? []).map((t) => ({ blocker: t, blocked: self, change: 'added' as const }))]
}

/** Priority order for sorting in memory. */
export const priorityRank = (p: string) => PRIORITY_RANK[p] ?? 4
