/**
 * @module Blocking relations between tasks: listed, added and removed one at a time (the task page)
 * or as whole sets (the API's `blocks` and `blockedBy`), each change in both tasks' history; no
 * relation may close a loop of tasks each waiting for the next. The loop check runs before the
 * write and again inside its transaction, once the organization's relation writes are serialized
 * (`lockRelations`): two writes at once (A blocks B, B blocks A) cannot both pass.
 */
import { and, eq, inArray, or } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { Db } from '../../core/store/connect.ts'
import { newId, type Actor, type Deps } from './service.ts'
import { activity, ref } from './task-facts.ts'
import { recordHistory } from './task-history.ts'
import type { Task, TaskService } from './tasks.ts'

/** A task a relation names: its id and key. */
export interface RelatedTask {
  id: string
  key: string
}

/** A task's relation sets as create and update take them; an absent set stays as it is. */
export interface RelationSets {
  blocks?: RelatedTask[]
  blockedBy?: RelatedTask[]
}

/** One relation added or removed: `blocker` blocks `blocked`. */
export interface RelationChange {
  blocker: RelatedTask
  blocked: RelatedTask
  change: 'added' | 'removed'
}

/** The input fields that carry relation sets. */
export const RELATION_FIELDS = ['blocks', 'blockedBy'] as const
/** Most tasks one set names. */
const SET_MAX = 200
/** Most tasks a loop search visits (a bound on the work one write can cause). */
const LOOP_SEARCH_MAX = 20_000

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
 * blocks B, then B blocks A) is a 422 naming both tasks, and so is a longer loop (A blocks B, B
 * blocks C, then C blocks A), naming its tasks.
 */
export async function relateTasks(deps: Deps, service: TaskService, orgId: string, actor: Actor, taskRef: string, kind: string, otherRef: string): Promise<void> {
  const { task, project } = await service.row(orgId, taskRef)
  if (kind !== 'blocks' && kind !== 'blocked_by') throw new InputError('Choose blocks or blocked by.', 'kind')
  const other = await service.row(orgId, String(otherRef ?? '').trim()).catch(() => {
    throw new InputError(`Unknown task '${otherRef}': enter a task key, like WEB-12.`, 'other')
  })
  if (other.task.id === task.id) throw new InputError('A task cannot block itself: enter another task key.', 'other')
  const self = { id: task.id, key: `${project.key}-${task.number}` }
  const them = { id: other.task.id, key: `${other.project.key}-${other.task.number}` }
  const [blocker, blocked] = kind === 'blocks' ? [self, them] : [them, self]
  const r = deps.tables.relations
  const [dupe] = await deps.store.db.select({ id: r.id }).from(r).where(and(eq(r.blockerId, blocker.id), eq(r.blockedId, blocked.id))).limit(1)
  if (dupe) return
  await refusePairLoop(deps, deps.store.db, service, orgId, blocker, blocked)
  const applied = await deps.store.tx(async (db) => {
    // again, serialized: a relation committed since the check above may close the loop now
    await lockRelations(deps, db, orgId)
    await refusePairLoop(deps, db, service, orgId, blocker, blocked)
    return writeRelationChanges(deps, db, orgId, actor, [{ blocker, blocked, change: 'added' }])
  })
  await emitRelationChanges(deps, service, orgId, actor, applied)
}

/** A 422 (field `other`) when `blocker` blocking `blocked` would close a loop, as relations stand in `db`. */
async function refusePairLoop(deps: Deps, db: Db, service: TaskService, orgId: string, blocker: RelatedTask, blocked: RelatedTask): Promise<void> {
  // a path back from the blocked task to the blocker would make each task of it wait for the next
  const path = await blockingPath(deps, db, orgId, [blocked.id], new Set([blocker.id]))
  if (!path) return
  if (path.length === 2) throw new InputError(`${blocked.key} already blocks ${blocker.key}, so ${blocker.key} cannot also block ${blocked.key}: remove that relation first.`, 'other')
  const keys = await keysOf(service, orgId, path)
  throw new InputError(`${blocked.key} already blocks ${blocker.key} through ${keys.slice(1, -1).join(', ')} (${chain(keys)}), so ${blocker.key} cannot also block ${blocked.key}: remove one of those relations first.`, 'other')
}

/**
 * Serializes the organization's relation writes until the transaction `db` ends. Take it first in
 * any transaction that writes relations, before its other writes (see Store.lockKey).
 */
export function lockRelations(deps: Deps, db: Db, orgId: string): Promise<void> {
  return deps.store.lockKey(db, `planning.relations:${orgId}`)
}

/**
 * First in the transaction that writes a task's relation sets (create, update): serializes the
 * organization's relation writes, then checks again, as relations stand now, that `sets` close no
 * loop: a write committed since `relationSets` checked may. The same 422 as `relationSets`.
 */
export async function guardRelationSets(deps: Deps, db: Db, service: TaskService, orgId: string, self: RelatedTask | undefined, sets: RelationSets): Promise<void> {
  await lockRelations(deps, db, orgId)
  await refuseSetLoop(deps, db, service, orgId, self, sets)
}

/** Removes a relation of the task; both tasks record it ("removed: blocked by WEB-7") and get planning.task.updated. */
export async function unrelateTasks(deps: Deps, service: TaskService, orgId: string, actor: Actor, taskRef: string, relationId: string): Promise<void> {
  const { task } = await service.row(orgId, taskRef)
  const r = deps.tables.relations
  const [row] = await deps.store.db.select().from(r).where(and(eq(r.id, relationId), eq(r.orgId, orgId), or(eq(r.blockerId, task.id), eq(r.blockedId, task.id)))).limit(1)
  if (!row) throw new InputError('There is no such relation.', 'relation', 404)
  const [blockerKey, blockedKey] = await keysOf(service, orgId, [row.blockerId, row.blockedId])
  const changes: RelationChange[] = [{ blocker: { id: row.blockerId, key: blockerKey! }, blocked: { id: row.blockedId, key: blockedKey! }, change: 'removed' }]
  const applied = await deps.store.tx(async (db) => {
    await lockRelations(deps, db, orgId)
    return writeRelationChanges(deps, db, orgId, actor, changes)
  })
  await emitRelationChanges(deps, service, orgId, actor, applied)
}

/**
 * The `blocks` and `blockedBy` of a task's create or update input, checked (an absent field is
 * left out: update keeps that set). Each is a list of task keys (`WEB-12`) or ids of the
 * organization; null or `[]` is none. A value naming no task of the organization (another one's
 * included), the task itself, a task in both lists, or one that would close a loop of tasks each
 * blocking the next is a 422 naming the field and the value. `self` is the task being updated
 * (undefined on create).
 */
export async function relationSets(deps: Deps, service: TaskService, orgId: string, self: RelatedTask | undefined, input: Record<string, unknown>): Promise<RelationSets> {
  const sets: RelationSets = {}
  for (const field of RELATION_FIELDS) {
    const raw = input[field]
    if (raw === undefined) continue
    if (raw !== null && !Array.isArray(raw)) throw new InputError(`The ${field} field must be a list of task keys or ids, like ["WEB-12"] ([] or null for none).`, field)
    const values = (raw ?? []) as unknown[]
    if (values.length > SET_MAX) throw new InputError(`The ${field} field names ${values.length} tasks: name at most ${SET_MAX} at once.`, field)
    const list: RelatedTask[] = []
    for (const v of values) {
      const value = typeof v === 'string' ? v.trim() : ''
      if (!value) throw new InputError(`The ${field} field holds ${JSON.stringify(v)}, which is no task key or id: use keys like "WEB-12".`, field)
      const found = await service.row(orgId, value).catch((err: unknown) => {
        if (err instanceof InputError && err.status === 404) throw new InputError(`The ${field} field names an unknown task '${value.slice(0, 60)}': use the key, like WEB-12, or the id of a task of this organization.`, field)
        throw err
      })
      const task = { id: found.task.id, key: `${found.project.key}-${found.task.number}` }
      if (task.id === self?.id) throw new InputError(`The ${field} field names this task ('${value}'), and a task cannot block itself: leave it out.`, field)
      if (!list.some((x) => x.id === task.id)) list.push(task)
    }
    sets[field] = list
  }
  const both = sets.blockedBy?.find((x) => sets.blocks?.some((y) => y.id === x.id))
  if (both) throw new InputError(`The blockedBy field names '${both.key}', which is in blocks too, and two tasks cannot block each other: leave it out of one.`, 'blockedBy')
  await refuseSetLoop(deps, deps.store.db, service, orgId, self, sets)
  return sets
}

/** A 422 naming the field and the value when giving `self` the relation `sets` would close a loop, as relations stand in `db`. */
async function refuseSetLoop(deps: Deps, db: Db, service: TaskService, orgId: string, self: RelatedTask | undefined, sets: RelationSets): Promise<void> {
  // the sets after the write: the given ones, and the current ones of an updated task for a set left out
  const current = self && (!sets.blocks || !sets.blockedBy) ? await currentSets(deps, db, orgId, self.id) : { blocks: [], blockedBy: [] }
  const outs = sets.blocks?.map((x) => x.id) ?? current.blocks
  const ins = sets.blockedBy?.map((x) => x.id) ?? current.blockedBy
  if (!outs.length || !ins.length) return
  // a loop passes through this task: from a task it blocks, along other relations, to a task blocking it
  const path = await blockingPath(deps, db, orgId, outs, new Set(ins), self?.id)
  if (!path) return
  const keys = await keysOf(service, orgId, path)
  const selfKey = self?.key ?? 'the new task'
  const [field, value] = sets.blocks?.some((x) => x.id === path[0]) ? ['blocks', keys[0]!] : ['blockedBy', keys[keys.length - 1]!]
  throw new InputError(`The ${field} field names '${value}', which would make a loop of tasks each waiting for the next (${chain([selfKey, ...keys, selfKey])}): remove one of those relations first.`, field)
}

/** What replacing a task's relation sets with `sets` adds and removes (a set left out changes nothing), as relations stand in `db`. */
export async function relationDiff(deps: Deps, db: Db, service: TaskService, orgId: string, self: RelatedTask, sets: RelationSets): Promise<RelationChange[]> {
  if (!sets.blocks && !sets.blockedBy) return []
  const current = await currentSets(deps, db, orgId, self.id)
  // the keys of the tasks whose relation goes (history names them)
  const removed = [...(sets.blocks ? current.blocks.filter((id) => !sets.blocks!.some((x) => x.id === id)) : []), ...(sets.blockedBy ? current.blockedBy.filter((id) => !sets.blockedBy!.some((x) => x.id === id)) : [])]
  const keys = await keysOf(service, orgId, removed)
  const other = (id: string): RelatedTask => ({ id, key: keys[removed.indexOf(id)]! })
  const changes: RelationChange[] = []
  if (sets.blocks) {
    for (const id of current.blocks) if (!sets.blocks.some((x) => x.id === id)) changes.push({ blocker: self, blocked: other(id), change: 'removed' })
    for (const t of sets.blocks) if (!current.blocks.includes(t.id)) changes.push({ blocker: self, blocked: t, change: 'added' })
  }
  if (sets.blockedBy) {
    for (const id of current.blockedBy) if (!sets.blockedBy.some((x) => x.id === id)) changes.push({ blocker: other(id), blocked: self, change: 'removed' })
    for (const t of sets.blockedBy) if (!current.blockedBy.includes(t.id)) changes.push({ blocker: t, blocked: self, change: 'added' })
  }
  return changes
}

/**
 * Writes `changes` through `db` (the caller's transaction, holding `lockRelations`): the relation
 * rows, a history line on both tasks (field 'blocks' or 'blocked by', the other task's key as the
 * new value when added, as the old one when removed) and the tasks' update time, except
 * `untouched`'s (the caller sets it). Returns the changes it made: a relation already there (or
 * already gone) changes nothing and gets no history line, so it gets no event either.
 */
export async function writeRelationChanges(deps: Deps, db: Db, orgId: string, actor: Actor, changes: RelationChange[], untouched?: string): Promise<RelationChange[]> {
  if (!changes.length) return []
  const r = deps.tables.relations
  const now = new Date()
  const applied: RelationChange[] = []
  for (const c of changes) {
    const rows =
      c.change === 'added'
        ? await db.insert(r).values({ id: newId(), orgId, blockerId: c.blocker.id, blockedId: c.blocked.id, createdAt: now }).onConflictDoNothing().returning({ id: r.id })
        : await db.delete(r).where(and(eq(r.orgId, orgId), eq(r.blockerId, c.blocker.id), eq(r.blockedId, c.blocked.id))).returning({ id: r.id })
    if (!rows.length) continue
    applied.push(c)
    for (const [self, field, other] of [
      [c.blocker, 'blocks', c.blocked],
      [c.blocked, 'blocked by', c.blocker],
    ] as const) {
      await recordHistory(deps, { id: self.id, orgId }, actor, [c.change === 'added' ? { field, from: null, to: other.key } : { field, from: other.key, to: null }], db)
    }
  }
  const touched = [...new Set(applied.flatMap((c) => [c.blocker.id, c.blocked.id]))].filter((id) => id !== untouched)
  if (touched.length) await db.update(deps.tables.tasks).set({ updatedAt: now }).where(and(eq(deps.tables.tasks.orgId, orgId), inArray(deps.tables.tasks.id, touched)))
  return applied
}

/** After the write: planning.task.updated (fields ['relations']) for both tasks of each change, naming the other. */
export async function emitRelationChanges(deps: Deps, service: TaskService, orgId: string, actor: Actor, changes: RelationChange[]): Promise<void> {
  if (!changes.length) return
  const ids = [...new Set(changes.flatMap((c) => [c.blocker.id, c.blocked.id]))]
  const rows = await deps.store.db.select().from(deps.tables.tasks).where(and(eq(deps.tables.tasks.orgId, orgId), inArray(deps.tables.tasks.id, ids)))
  const byId = new Map((await service.enrich(rows)).map((t) => [t.id, t]))
  for (const c of changes) {
    for (const [self, field, other] of [
      [c.blocker, 'blocks', c.blocked],
      [c.blocked, 'blocked by', c.blocker],
    ] as const) {
      const task = byId.get(self.id)
      if (!task) continue
      // "marked OPS-1 as blocking OPS-2" / "marked OPS-2 as blocked by OPS-1"
      const text = c.change === 'added' ? `marked ${self.key} as ${field === 'blocks' ? 'blocking' : field} ${other.key}` : `removed "${self.key} ${field} ${other.key}"`
      deps.bus.emit('planning.task.updated', { task: ref(task), fields: ['relations'], activity: activity(task, actor, text) })
    }
  }
}

/** The ids of the tasks a task blocks and of those blocking it. */
async function currentSets(deps: Deps, db: Db, orgId: string, taskId: string): Promise<{ blocks: string[]; blockedBy: string[] }> {
  const r = deps.tables.relations
  const rows = await db.select({ blockerId: r.blockerId, blockedId: r.blockedId }).from(r).where(and(eq(r.orgId, orgId), or(eq(r.blockerId, taskId), eq(r.blockedId, taskId))))
  return { blocks: rows.filter((x) => x.blockerId === taskId).map((x) => x.blockedId), blockedBy: rows.filter((x) => x.blockedId === taskId).map((x) => x.blockerId) }
}

/**
 * A shortest chain of relations from one of `starts` to one of `targets` (each task blocking the
 * next), as task ids from start to target, or undefined. `avoid`'s relations are left out (the task
 * whose sets are being replaced: `starts` and `targets` stand for them).
 */
async function blockingPath(deps: Deps, db: Db, orgId: string, starts: string[], targets: Set<string>, avoid?: string): Promise<string[] | undefined> {
  const r = deps.tables.relations
  const previous = new Map<string, string | null>()
  const pathTo = (id: string) => {
    const out: string[] = []
    for (let at: string | null | undefined = id; at; at = previous.get(at)) out.unshift(at)
    return out
  }
  let frontier: string[] = []
  for (const id of starts) {
    if (previous.has(id)) continue
    previous.set(id, null)
    if (targets.has(id)) return [id]
    frontier.push(id)
  }
  while (frontier.length && previous.size < LOOP_SEARCH_MAX) {
    const next: string[] = []
    for (let i = 0; i < frontier.length; i += 500) {
      const edges = await db.select({ from: r.blockerId, to: r.blockedId }).from(r).where(and(eq(r.orgId, orgId), inArray(r.blockerId, frontier.slice(i, i + 500))))
      for (const e of edges) {
        if (e.to === avoid || e.from === avoid || previous.has(e.to)) continue
        previous.set(e.to, e.from)
        if (targets.has(e.to)) return pathTo(e.to)
        next.push(e.to)
      }
    }
    frontier = next
  }
  return undefined
}

/** The keys of tasks by id, in the ids' order. */
async function keysOf(service: TaskService, orgId: string, ids: string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await service.row(orgId, id).then(({ project, task }) => `${project.key}-${task.number}`).catch(() => id))))
}

/** "A blocks B, B blocks C and C blocks A" for the keys A, B, C, A. */
function chain(keys: string[]): string {
  const links = keys.slice(1).map((k, i) => `${keys[i]} blocks ${k}`)
  return links.length > 1 ? `${links.slice(0, -1).join(', ')} and ${links[links.length - 1]}` : links.join('')
}
