/** @module Bulk edits and deletes of a project's tasks: every task and value checked before the first change, every edit in one transaction. */
import { and, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { Actor, Deps, Project, ProjectService } from './service.ts'
import type { TaskInput } from './task-input.ts'
import type { Task, TaskRow, TaskService } from './tasks.ts'
import { enrichPaged, type UpdatePlan } from './task-update.ts'

/** Most tasks one bulk edit changes. */
const BULK_MAX = 500

/**
 * Sets the same fields on many tasks of a project; returns how many changed. Every task and every
 * value is checked before the first change: a bad value or a task of another project changes nothing.
 * The changes are one transaction (a write that fails changes no task); each task's events, as
 * `update` emits them, follow the commit.
 */
export async function bulkUpdate(tasks: TaskService, projects: ProjectService, check: TaskInput, orgId: string, actor: Actor, projectRef: string, ids: string[], input: Record<string, unknown>): Promise<number> {
  const project = await projects.get(orgId, projectRef)
  if (!ids.length) throw new InputError('Select at least one task.', 'ids')
  if (ids.length > BULK_MAX) throw new InputError(`Select at most ${BULK_MAX} tasks at once.`, 'ids')
  const patch: Record<string, unknown> = {}
  for (const k of ['state', 'priority', 'assigneeId', 'milestoneId', 'cycleId'] as const) if (input[k] !== undefined && input[k] !== '') patch[k] = input[k] === '-' ? '' : input[k]
  const addLabel = typeof input.label === 'string' && input.label ? (await check.resolveLabels(project, [input.label], false))[0] : undefined
  // `unlabel`: a label to take off every selected task (those without it keep their labels)
  const dropLabel = typeof input.unlabel === 'string' && input.unlabel ? (await check.resolveLabels(project, [input.unlabel], false).catch((e: unknown) => {
    throw e instanceof InputError ? new InputError(e.message, 'unlabel', e.status) : e
  }))[0] : undefined
  if (!Object.keys(patch).length && !addLabel && !dropLabel) throw new InputError('Choose something to change for the selected tasks: a state, an assignee, a priority, a label, a milestone or a cycle.', 'bulk')
  if (addLabel && dropLabel && addLabel.id === dropLabel.id) throw new InputError(`Choose either to add or to remove the label ${addLabel.name}, not both.`, 'unlabel')
  // the same checks update() makes, once, before anything changes
  if (patch.state !== undefined) await check.resolveState(project, patch.state)
  if (patch.priority !== undefined) check.priority(patch.priority)
  if (patch.assigneeId !== undefined) await check.assignee(orgId, { assigneeId: patch.assigneeId })
  if (patch.milestoneId !== undefined) await check.projectChild('milestones', project, patch.milestoneId, 'milestoneId')
  if (patch.cycleId !== undefined) await check.projectChild('cycles', project, patch.cycleId, 'cycleId')
  const chosen = await enrichPaged(tasks, await bulkTasks(tasks, orgId, project, ids))
  // every task's change in one transaction: a write that fails changes none, and the events follow the commit
  const plans: UpdatePlan[] = []
  for (const task of chosen) {
    const extra: Record<string, unknown> = {}
    if (addLabel || dropLabel) {
      const current = task.labels.map((l) => l.id)
      let next = current.filter((id) => id !== dropLabel?.id)
      if (addLabel && !next.includes(addLabel.id)) next = [...next, addLabel.id]
      if (next.length !== current.length || next.some((id) => !current.includes(id))) extra.labels = next
    }
    const plan = await tasks.planUpdate(orgId, actor, task, { ...patch, ...extra })
    if (plan) plans.push(plan)
  }
  await tasks.writeUpdates(plans)
  return chosen.length
}

/** The tasks `ids` names (ids or keys), every one in `project`; 404 naming none changed otherwise. */
async function bulkTasks(tasks: TaskService, orgId: string, project: Project, ids: string[]): Promise<TaskRow[]> {
  const found: TaskRow[] = []
  const seen = new Set<string>()
  for (const id of ids) {
    const { task } = await tasks.row(orgId, id).catch(() => ({ task: undefined }))
    if (!task || task.projectId !== project.id) throw new InputError('A selected task is not in this project, so nothing was changed: reload the list and select again.', 'ids', 404)
    if (!seen.has(task.id)) found.push(task)
    seen.add(task.id)
  }
  return found
}

/** The tasks a bulk delete would remove (checked like `bulkRemove` does), for its confirmation. */
export async function bulkPreview(tasks: TaskService, projects: ProjectService, orgId: string, projectRef: string, ids: string[]): Promise<Task[]> {
  const project = await projects.get(orgId, projectRef)
  if (!ids.length) throw new InputError('Select at least one task.', 'ids')
  if (ids.length > BULK_MAX) throw new InputError(`Select at most ${BULK_MAX} tasks at once.`, 'ids')
  return tasks.enrich(await bulkTasks(tasks, orgId, project, ids))
}

/**
 * Deletes many tasks of a project (planning.task.deleted for each); returns how many. Every task is
 * checked first: one of another project (or unknown) deletes nothing.
 */
export async function bulkRemove(tasks: TaskService, projects: ProjectService, orgId: string, actor: Actor, projectRef: string, ids: string[]): Promise<number> {
  const doomed = await bulkPreview(tasks, projects, orgId, projectRef, ids)
  for (const task of doomed) await tasks.remove(orgId, actor, task.id)
  return doomed.length
}

/**
 * Moves every task of a project's state to another state (before that state is deleted), all in one
 * transaction: a failure moves none. Each gets what `update` gives it (its history line, and after the
 * commit planning.task.state_changed). Returns how many.
 * The target is a state name or id of the same project, never the state itself.
 */
export async function moveStateTasks(tasks: TaskService, projects: ProjectService, check: TaskInput, deps: Deps, orgId: string, actor: Actor, projectRef: string, fromStateId: string, toRef: string): Promise<number> {
  const project = await projects.get(orgId, projectRef)
  const from = (await projects.states(project.id)).find((s) => s.id === fromStateId)
  if (!from) throw new InputError('This project has no such state.', 'state', 404)
  if (!String(toRef ?? '').trim()) throw new InputError(`Choose the state the tasks of ${from.name} move to.`, 'moveTo')
  const to = await check.resolveState(project, toRef).catch((e: unknown) => {
    throw e instanceof InputError ? new InputError(e.message, 'moveTo', e.status) : e
  })
  if (to.id === from.id) throw new InputError(`Choose another state than ${from.name} to move its tasks to.`, 'moveTo')
  const t = deps.tables.tasks
  const rows = await deps.store.db.select().from(t).where(and(eq(t.projectId, project.id), eq(t.stateId, from.id))).orderBy(t.number)
  const plans: UpdatePlan[] = []
  for (const task of await enrichPaged(tasks, rows)) {
    const plan = await tasks.planUpdate(orgId, actor, task, { state: to.id })
    if (plan) plans.push(plan)
  }
  // one transaction: a write that fails moves none (and the state is not deleted)
  await tasks.writeUpdates(plans)
  return rows.length
}
