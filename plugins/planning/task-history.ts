/** @module A task's change log: readable values of changed fields, the rows written, the log read back. */
import { and, desc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../../core/store/connect.ts'
import { day, newId, type Actor, type Deps, type Project, type ProjectService } from './service.ts'
import type { Task, TaskRow } from './tasks.ts'

/** History's name of a changed column (the others keep theirs). */
export const FIELD_NAMES: Record<string, string> = { stateId: 'state', assigneeId: 'assignee', dueAt: 'due', parentId: 'parent', milestoneId: 'milestone', cycleId: 'cycle' }

/** One history row: which field changed, from what to what (readable values). */
export type TaskChange = { field: string; from: string | null; to: string | null }

/** Readable values for history rows of the fields `patch` sets (only those are looked up). */
export async function historyNames(deps: Deps, projects: ProjectService, enrich: (rows: TaskRow[]) => Promise<Task[]>, project: Project, before: Task, patch: Partial<TaskRow>) {
  const states = patch.stateId ? await projects.states(project.id) : []
  const ids = patch.assigneeId !== undefined ? [before.assigneeId, patch.assigneeId].filter((x): x is string => !!x) : []
  const people = ids.length ? await deps.people.byIds(ids) : []
  const taskIds = patch.parentId !== undefined ? [before.parentId, patch.parentId].filter((x): x is string => !!x) : []
  const parents = taskIds.length ? await enrich(await deps.store.db.select().from(deps.tables.tasks).where(inArray(deps.tables.tasks.id, taskIds))) : []
  const ms = patch.milestoneId !== undefined ? await projects.milestones(project.id) : []
  const cs = patch.cycleId !== undefined ? await projects.cycles(project.id) : []
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

/** Writes history rows for `task`, all at one time (through `db`: a transaction's, or the store's). */
export async function recordHistory(deps: Deps, task: Pick<TaskRow, 'id' | 'orgId'>, actor: Actor, changes: TaskChange[], db: Db = deps.store.db): Promise<void> {
  const at = new Date()
  await db.insert(deps.tables.history).values(changes.map((c) => ({ id: newId(), orgId: task.orgId, taskId: task.id, actorId: actor.id, actorName: actor.name, field: c.field, fromValue: c.from, toValue: c.to, at })))
}

/** The change log of a task, newest first. */
export async function taskHistory(deps: Deps, orgId: string, taskId: string) {
  const h = deps.tables.history
  return deps.store.db.select().from(h).where(and(eq(h.orgId, orgId), eq(h.taskId, taskId))).orderBy(desc(h.at), desc(h.id)).limit(200)
}
