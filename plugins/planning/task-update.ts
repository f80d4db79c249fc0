/**
 * @module A task's update in three steps, so that many tasks' changes can share one transaction (bulk
 * edit, a deleted state's tasks, cycle rollover) and one task's stays its own (`TaskService.update`):
 * `planUpdate` checks the input against the task as read and writes nothing, `applyUpdate` writes a
 * plan through the caller's transaction, `announceUpdate` emits its events after the commit.
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm'
import type { Db } from '../../core/store/connect.ts'
import { ChangedError, isExpected, nextVersion, parseDay, text, type Actor, type Deps, type ExpectedVersion, type Label, type ProjectService, type State } from './service.ts'
import { activity, ref, updatedText } from './task-facts.ts'
import { FIELD_NAMES, historyNames, recordHistory, type TaskChange } from './task-history.ts'
import { FieldChecks, type TaskInput } from './task-input.ts'
import { emitRelationChanges, guardRelationSets, lockRelations, relationDiff, relationSets, writeRelationChanges, type RelationChange, type RelationSets } from './task-relations.ts'
import type { Task, TaskRow, TaskService } from './tasks.ts'

/** The task changed after the caller read it (update or remove with `expectUpdatedAt`): read again and re-plan. */
export class TaskChangedError extends ChangedError {
  constructor() {
    super('task')
  }
}

/** How an update is written. */
export interface UpdateOptions {
  /** A compare-and-set: a task changed since the caller read it is a TaskChangedError and nothing is written. */
  expectUpdatedAt?: ExpectedVersion
  /**
   * A condition the row must still meet when it is written; a task that no longer does (or is gone)
   * is skipped, not refused (cycle rollover: a task moved to another cycle since the plan was read stays).
   */
  onlyIf?: SQL
}

/** An update checked against the task as read: what `applyUpdate` writes and `announceUpdate` tells. */
export interface UpdatePlan {
  orgId: string
  actor: Actor
  before: Task
  /** The columns to set (`completedAt` included when the state group changes). */
  patch: Partial<TaskRow>
  /** The history lines (none for a move on the board alone). */
  changes: TaskChange[]
  /** The new label set, when it differs from the task's. */
  labels?: Label[]
  newState?: State
  assigneeId?: string | null
  relations?: RelationSets
  /** The new version: always later than the one it replaces, even within the same millisecond. */
  version: Date
  options: UpdateOptions
}

/** A plan as written, with the relation changes its write actually made. */
export interface AppliedUpdate {
  plan: UpdatePlan
  relationChanges: RelationChange[]
}

const DONE_GROUPS = ['completed', 'cancelled']
/** Tasks read back per query after a write of many. */
const PAGE = 500

/** True when a task's input names a relation set (`blocks`, `blockedBy`). */
export const hasRelations = (input: Record<string, unknown>) => input.blocks !== undefined || input.blockedBy !== undefined

/**
 * Checks `input` (absent keys stay; `blocks` or `blockedBy` replaces that set) against `before` and
 * works out the row, labels and history it changes; writes nothing. Undefined when nothing would
 * change. Every given field is checked before anything is refused (the edit form shows all its
 * mistakes); with `expectUpdatedAt` a `before` already newer is a TaskChangedError.
 */
export async function planUpdate(deps: Deps, projects: ProjectService, check: TaskInput, service: TaskService, orgId: string, actor: Actor, before: Task, input: Record<string, unknown>, options: UpdateOptions = {}): Promise<UpdatePlan | undefined> {
  const expected = options.expectUpdatedAt
  if (expected && !isExpected(before.updatedAt, expected)) throw new TaskChangedError()
  const project = before.project
  const patch: Partial<TaskRow> = {}
  const checks = new FieldChecks()
  const set = async <K extends keyof TaskRow>(key: K, run: () => TaskRow[K] | Promise<TaskRow[K]>) => {
    const v = await checks.check(run)
    if (v !== undefined) patch[key] = v
  }
  if (input.title !== undefined) await set('title', () => text(input.title, 'title', { required: true, label: 'Title' }))
  if (input.description !== undefined) await set('description', () => text(input.description, 'description', { max: 50_000, label: 'Description' }))
  const newState = input.state !== undefined ? await checks.check(() => check.resolveState(project, input.state)) : undefined
  if (newState) patch.stateId = newState.id
  if (input.priority !== undefined) await set('priority', () => check.priority(input.priority))
  const assigneeId = await checks.check(() => check.assignee(orgId, input))
  if (assigneeId !== undefined) patch.assigneeId = assigneeId
  if (input.estimate !== undefined) await set('estimate', () => check.estimate(input.estimate))
  if (input.due !== undefined || input.dueAt !== undefined) await set('dueAt', () => parseDay(input.due ?? input.dueAt, 'due'))
  if (input.parent !== undefined || input.parentId !== undefined) await set('parentId', () => check.parent(orgId, project, input.parent ?? input.parentId, before.id))
  if (input.milestoneId !== undefined) await set('milestoneId', () => check.projectChild('milestones', project, input.milestoneId, 'milestoneId'))
  if (input.cycleId !== undefined) await set('cycleId', () => check.projectChild('cycles', project, input.cycleId, 'cycleId'))
  if (input.position !== undefined && Number.isFinite(Number(input.position))) patch.position = Number(input.position)
  const labels = input.labels !== undefined ? await checks.check(() => check.resolveLabels(project, input.labels, false)) : undefined
  const self = { id: before.id, key: before.key }
  const relations = hasRelations(input) ? await checks.check(() => relationSets(deps, service, orgId, self, input)) : undefined
  checks.done()

  const changes: TaskChange[] = []
  const names = await historyNames(deps, projects, (rows) => service.enrich(rows), project, before, patch)
  for (const [k, v] of Object.entries(patch)) {
    const old = (before as unknown as Record<string, unknown>)[k]
    const same = old instanceof Date || v instanceof Date ? (old as Date | null)?.getTime() === (v as Date | null)?.getTime() : old === v
    if (same || k === 'position') continue
    changes.push({ field: FIELD_NAMES[k] ?? k, from: names(k, old), to: names(k, v) })
  }
  const labelsChanged = labels && labels.map((l) => l.id).sort().join() !== before.labels.map((l) => l.id).sort().join()
  if (labels && labelsChanged) changes.push({ field: 'labels', from: before.labels.map((l) => l.name).join(', ') || null, to: labels.map((l) => l.name).join(', ') || null })
  const plannedRelations = relations ? await relationDiff(deps, deps.store.db, service, orgId, self, relations) : []
  if (!changes.length && patch.position === undefined && !plannedRelations.length) return undefined

  const version = nextVersion(before.updatedAt)
  if (newState && newState.id !== before.stateId) patch.completedAt = DONE_GROUPS.includes(newState.group) ? version : null
  return { orgId, actor, before, patch, changes, labels: labelsChanged ? labels : undefined, newState, assigneeId, relations, version, options }
}

/**
 * Writes a plan through `db` (the caller's transaction): the row, its labels, its history and its
 * relations (the sets checked again and diffed as relations stand once the organization's relation
 * writes are serialized). With `expectUpdatedAt` a task changed since it was read is a
 * TaskChangedError, and so is a task gone; with `onlyIf` a row that no longer meets it is skipped
 * (undefined). Throwing rolls the caller's transaction back.
 */
export async function applyUpdate(deps: Deps, db: Db, service: TaskService, plan: UpdatePlan): Promise<AppliedUpdate | undefined> {
  const { orgId, actor, before, patch, changes, options } = plan
  const t = deps.tables
  let diff: RelationChange[] = []
  if (plan.relations) {
    const self = { id: before.id, key: before.key }
    await guardRelationSets(deps, db, service, orgId, self, plan.relations)
    diff = await relationDiff(deps, db, service, orgId, self, plan.relations)
  }
  const changed = changes.length > 0 || diff.length > 0
  const conditions = [eq(t.tasks.id, before.id)]
  if (options.expectUpdatedAt) conditions.push(eq(t.tasks.updatedAt, before.updatedAt))
  if (options.onlyIf) conditions.push(options.onlyIf)
  const written = await db.update(t.tasks).set({ ...patch, updatedAt: changed ? plan.version : before.updatedAt }).where(and(...conditions)).returning({ id: t.tasks.id })
  if (!written.length) {
    if (options.onlyIf) return undefined
    throw new TaskChangedError()
  }
  if (plan.labels) {
    await db.delete(t.taskLabels).where(eq(t.taskLabels.taskId, before.id))
    if (plan.labels.length) await db.insert(t.taskLabels).values(plan.labels.map((l) => ({ taskId: before.id, labelId: l.id, orgId })))
  }
  if (changes.length) await recordHistory(deps, before, actor, changes, db)
  return { plan, relationChanges: await writeRelationChanges(deps, db, orgId, actor, diff, before.id) }
}

/** True when a written update has something to announce (a move on the board alone has not). */
export const announces = (applied: AppliedUpdate) => applied.plan.changes.length > 0 || applied.relationChanges.length > 0

/**
 * After the commit: planning.task.state_changed, planning.task.assigned, planning.task.updated (the
 * other fields) and each relation's events, in that order, about `after` (the task as committed).
 */
export async function announceUpdate(deps: Deps, service: TaskService, applied: AppliedUpdate, after: Task): Promise<void> {
  const { orgId, actor, before, changes, newState, assigneeId } = applied.plan
  const r = ref(after)
  if (newState && newState.id !== before.stateId) {
    deps.bus.emit('planning.task.state_changed', {
      task: r,
      from: { id: before.state.id, name: before.state.name, group: before.state.group },
      to: { id: newState.id, name: newState.name, group: newState.group },
      activity: activity(after, actor, `moved ${after.key} to ${newState.name}`),
    })
  }
  if (assigneeId !== undefined && assigneeId !== before.assigneeId) {
    deps.bus.emit('planning.task.assigned', {
      task: r,
      assigneeId,
      previousAssigneeId: before.assigneeId,
      activity: activity(after, actor, assigneeId ? `assigned ${after.key} to ${after.assignee?.name ?? 'someone'}` : `unassigned ${after.key}`),
    })
  }
  const others = changes.filter((c) => c.field !== 'state' && c.field !== 'assignee')
  if (others.length) deps.bus.emit('planning.task.updated', { task: r, fields: others.map((c) => c.field), activity: activity(after, actor, updatedText(after.key, others)) })
  await emitRelationChanges(deps, service, orgId, actor, applied.relationChanges)
}

/**
 * Writes many plans in one transaction (a failure, or a TaskChangedError, writes none), then reads
 * the tasks back and announces each in plan order, as one `update` after another would. Returns the
 * written tasks as committed, in plan order (a plan its `onlyIf` skipped is left out).
 */
export async function writeUpdates(deps: Deps, service: TaskService, plans: UpdatePlan[]): Promise<Task[]> {
  if (!plans.length) return []
  const applied = await deps.store.tx(async (db) => {
    // first in the transaction, before any row lock, when one of them writes relations
    if (plans.some((p) => p.relations)) await lockRelations(deps, db, plans[0]!.orgId)
    const out: AppliedUpdate[] = []
    for (const plan of plans) {
      const a = await applyUpdate(deps, db, service, plan)
      if (a) out.push(a)
    }
    return out
  })
  const t = deps.tables.tasks
  const rows: TaskRow[] = []
  for (let i = 0; i < applied.length; i += PAGE) {
    const ids = applied.slice(i, i + PAGE).map((a) => a.plan.before.id)
    const byId = new Map((await deps.store.db.select().from(t).where(inArray(t.id, ids))).map((r) => [r.id, r]))
    for (const id of ids) if (byId.has(id)) rows.push(byId.get(id)!)
  }
  const after = new Map((await enrichPaged(service, rows)).map((task) => [task.id, task]))
  for (const a of applied) {
    const task = after.get(a.plan.before.id)
    if (task && announces(a)) await announceUpdate(deps, service, a, task)
  }
  return applied.map((a) => after.get(a.plan.before.id)).filter((x): x is Task => !!x)
}

/** `service.enrich` in pages of at most 500 rows. */
export async function enrichPaged(service: TaskService, rows: TaskRow[]): Promise<Task[]> {
  const out: Task[] = []
  for (let i = 0; i < rows.length; i += PAGE) out.push(...(await service.enrich(rows.slice(i, i + PAGE))))
  return out
}
