/** @module Blocking relations between tasks: listed, added and removed, each change in both tasks' history. */
import { and, eq, inArray, or } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { newId, type Actor, type Deps } from './service.ts'
import { activity, ref } from './task-facts.ts'
import { recordHistory } from './task-history.ts'
import type { Task, TaskService } from './tasks.ts'

/** Tasks this one blocks and tasks blocking it. */
export async function taskRelations(deps: Deps, service: TaskService, orgId: string, taskId: string): Promise<{ blocks: (Task & { relationId: string })[]; blockedBy: (Task & { relationId: string })[] }> {
  const r = deps.tables.relations
  const rows = await deps.store.db.select().from(r).where(and(eq(r.orgId, orgId), or(eq(r.blockerId, taskId), eq(r.blockedId, taskId))))
  const otherIds = rows.map((x) => (x.blockerId === taskId ? x.blockedId : x.blockerId))
  const tasks = otherIds.length ? await service.enrich(await deps.store.db.select().from(deps.tables.tasks).where(inArray(deps.tables.tasks.id, otherIds))) : []
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
export async function relateTasks(deps: Deps, service: TaskService, orgId: string, actor: Actor, taskRef: string, kind: string, otherRef: string): Promise<void> {
  const { task, project } = await service.row(orgId, taskRef)
  if (kind !== 'blocks' && kind !== 'blocked_by') throw new InputError('Choose blocks or blocked by', 'kind')
  const other = await service.row(orgId, String(otherRef ?? '').trim()).catch(() => {
    throw new InputError(`unknown task '${otherRef}'`, 'other')
  })
  if (other.task.id === task.id) throw new InputError('A task cannot block itself', 'other')
  const [blockerId, blockedId] = kind === 'blocks' ? [task.id, other.task.id] : [other.task.id, task.id]
  const r = deps.tables.relations
  const [dupe] = await deps.store.db.select({ id: r.id }).from(r).where(and(eq(r.blockerId, blockerId), eq(r.blockedId, blockedId))).limit(1)
  if (dupe) return
  // the reverse too would make each task wait for the other: refused, naming both
  const [reverse] = await deps.store.db.select({ id: r.id }).from(r).where(and(eq(r.blockerId, blockedId), eq(r.blockedId, blockerId))).limit(1)
  if (reverse) {
    const selfKey = `${project.key}-${task.number}`
    const otherKey = `${other.project.key}-${other.task.number}`
    const [blocker, blocked] = kind === 'blocks' ? [selfKey, otherKey] : [otherKey, selfKey]
    throw new InputError(`${blocked} already blocks ${blocker}, so ${blocker} cannot also block ${blocked}: remove that relation first`, 'other')
  }
  await deps.store.db.insert(r).values({ id: newId(), orgId, blockerId, blockedId, createdAt: new Date() })
  await relationChanged(deps, service, orgId, actor, blockerId, blockedId, 'added')
}

/** Removes a relation of the task; both tasks record it ("removed: blocked by WEB-7") and get planning.task.updated. */
export async function unrelateTasks(deps: Deps, service: TaskService, orgId: string, actor: Actor, taskRef: string, relationId: string): Promise<void> {
  const { task } = await service.row(orgId, taskRef)
  const r = deps.tables.relations
  const [row] = await deps.store.db.select().from(r).where(and(eq(r.id, relationId), eq(r.orgId, orgId), or(eq(r.blockerId, task.id), eq(r.blockedId, task.id)))).limit(1)
  if (!row) throw new InputError('No such relation', 'relation', 404)
  await deps.store.db.delete(r).where(eq(r.id, row.id))
  await relationChanged(deps, service, orgId, actor, row.blockerId, row.blockedId, 'removed')
}

/**
 * History on both tasks of a relation (field 'blocks' or 'blocked by', the other task's key as the
 * new value when added, as the old one when removed), their update time, and planning.task.updated
 * (fields ['relations']) for each.
 */
async function relationChanged(deps: Deps, service: TaskService, orgId: string, actor: Actor, blockerId: string, blockedId: string, change: 'added' | 'removed'): Promise<void> {
  const rows = await deps.store.db.select().from(deps.tables.tasks).where(and(eq(deps.tables.tasks.orgId, orgId), inArray(deps.tables.tasks.id, [blockerId, blockedId])))
  const both = await service.enrich(rows)
  const blocker = both.find((x) => x.id === blockerId)
  const blocked = both.find((x) => x.id === blockedId)
  if (!blocker || !blocked) return
  const now = new Date()
  await deps.store.db.update(deps.tables.tasks).set({ updatedAt: now }).where(inArray(deps.tables.tasks.id, [blocker.id, blocked.id]))
  for (const [self, field, other] of [
    [blocker, 'blocks', blocked],
    [blocked, 'blocked by', blocker],
  ] as const) {
    await recordHistory(deps, self, actor, [change === 'added' ? { field, from: null, to: other.key } : { field, from: other.key, to: null }])
    // "marked OPS-1 as blocking OPS-2" / "marked OPS-2 as blocked by OPS-1"
    const text = change === 'added' ? `marked ${self.key} as ${field === 'blocks' ? 'blocking' : field} ${other.key}` : `removed "${self.key} ${field} ${other.key}"`
    deps.bus.emit('planning.task.updated', { task: ref(self), fields: ['relations'], activity: activity(self, actor, text) })
  }
}
