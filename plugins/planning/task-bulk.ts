/** @module Bulk edits and deletes of a project's tasks: every task and value checked before the first change. */
import { InputError } from '../../core/auth/accounts.ts'
import type { Actor, Project, ProjectService } from './service.ts'
import type { TaskInput } from './task-input.ts'
import type { Task, TaskRow, TaskService } from './tasks.ts'

/** Most tasks one bulk edit changes. */
const BULK_MAX = 500

/**
 * Sets the same fields on many tasks of a project; returns how many changed. Every task and every
 * value is checked before the first change: a bad value or a task of another project changes nothing.
 */
export async function bulkUpdate(tasks: TaskService, projects: ProjectService, check: TaskInput, orgId: string, actor: Actor, projectRef: string, ids: string[], input: Record<string, unknown>): Promise<number> {
  const project = await projects.get(orgId, projectRef)
  if (!ids.length) throw new InputError('Select at least one task', 'ids')
  if (ids.length > BULK_MAX) throw new InputError(`Select at most ${BULK_MAX} tasks at once`, 'ids')
  const patch: Record<string, unknown> = {}
  for (const k of ['state', 'priority', 'assigneeId', 'milestoneId', 'cycleId'] as const) if (input[k] !== undefined && input[k] !== '') patch[k] = input[k] === '-' ? '' : input[k]
  const addLabel = typeof input.label === 'string' && input.label ? (await check.resolveLabels(project, [input.label], false))[0] : undefined
  if (!Object.keys(patch).length && !addLabel) throw new InputError('Choose something to change', 'bulk')
  // the same checks update() makes, once, before anything changes
  if (patch.state !== undefined) await check.resolveState(project, patch.state)
  if (patch.priority !== undefined) check.priority(patch.priority)
  if (patch.assigneeId !== undefined) await check.assignee(orgId, { assigneeId: patch.assigneeId })
  if (patch.milestoneId !== undefined) await check.projectChild('milestones', project, patch.milestoneId, 'milestoneId')
  if (patch.cycleId !== undefined) await check.projectChild('cycles', project, patch.cycleId, 'cycleId')
  const chosen = await bulkTasks(tasks, orgId, project, ids)
  let n = 0
  for (const task of chosen) {
    const extra: Record<string, unknown> = {}
    if (addLabel) {
      const current = (await tasks.get(orgId, task.id)).labels.map((l) => l.id)
      if (!current.includes(addLabel.id)) extra.labels = [...current, addLabel.id]
    }
    await tasks.update(orgId, actor, task.id, { ...patch, ...extra })
    n++
  }
  return n
}

/** The tasks `ids` names (ids or keys), every one in `project`; 404 naming none changed otherwise. */
async function bulkTasks(tasks: TaskService, orgId: string, project: Project, ids: string[]): Promise<TaskRow[]> {
  const found: TaskRow[] = []
  const seen = new Set<string>()
  for (const id of ids) {
    const { task } = await tasks.row(orgId, id).catch(() => ({ task: undefined }))
    if (!task || task.projectId !== project.id) throw new InputError('No such task in this project: nothing was changed', 'ids', 404)
    if (!seen.has(task.id)) found.push(task)
    seen.add(task.id)
  }
  return found
}

/** The tasks a bulk delete would remove (checked like `bulkRemove` does), for its confirmation. */
export async function bulkPreview(tasks: TaskService, projects: ProjectService, orgId: string, projectRef: string, ids: string[]): Promise<Task[]> {
  const project = await projects.get(orgId, projectRef)
  if (!ids.length) throw new InputError('Select at least one task', 'ids')
  if (ids.length > BULK_MAX) throw new InputError(`Select at most ${BULK_MAX} tasks at once`, 'ids')
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
