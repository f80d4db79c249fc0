/** @module Task list queries: the filter's conditions as prepared-query placeholders, cursor pages, due tasks. */
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { Db } from '../../core/store/connect.ts'
import { SORTS } from './filters.ts'
import { parseDay, type Deps, type Tables } from './service.ts'
import type { TaskRow } from './tasks.ts'
import { containsPattern } from '../../core/store/like.ts'

/** List filters; every one is optional. */
export interface TaskFilter {
  projectId?: string
  stateIds?: string[]
  stateGroups?: string[]
  /** A user id, or 'none'. */
  assigneeId?: string
  labelId?: string
  /** Any of these users; 'none' also takes unassigned tasks. */
  assigneeIds?: string[]
  /** Tasks with any of these labels. */
  labelIds?: string[]
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

/** State groups of open tasks (completed and cancelled are done). */
export const OPEN_GROUPS = ['backlog', 'unstarted', 'started'] as const
/** Most tasks the calendar's due-date layer shows for one range (the first by due date). */
export const DUE_MAX = 1000
/** A task key like WEB-42: the project key and the number. */
export const TASK_REF_RE = /^([A-Za-z0-9]{2,6})-(\d{1,9})$/

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
  throw new InputError('The cursor is not valid: start again without it.', 'cursor', 400)
}

/**
 * The conditions of a filter with every value as a placeholder (`list` and `board` share them, so
 * a filter means the same in both): `shape` names which filters are present (the prepared query's key),
 * `values` fills the placeholders, `where(db)` builds the condition. `org: false` leaves out the
 * organization when the filter names a project the caller found in it.
 */
export function taskFilterWhere(tables: Tables, orgId: string, filter: TaskFilter, options: { org?: boolean } = {}): { shape: string[]; values: Record<string, unknown>; where: (db: Db) => SQL | undefined } {
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
  const labelIds = many('l', filter.labelIds)
  const assigneeIds = many('a', filter.assigneeIds?.filter((a) => a !== 'none'))
  const orUnassigned = !!filter.assigneeIds?.includes('none')
  if (orUnassigned) shape.push('orUnassigned')
  const noAssignee = filter.assigneeId === 'none'
  if (noAssignee) shape.push('unassigned')
  const hasAssignee = !noAssignee && one('assignee', filter.assigneeId)
  const hasProject = one('project', filter.projectId)
  const hasLabel = one('label', filter.labelId)
  const due = (value: string | undefined, field: string) => (value ? tables.tasks.dueAt.mapToDriverValue(parseDay(value, field)!) : undefined)
  const hasBefore = one('dueBefore', due(filter.dueBefore, 'dueBefore'))
  const hasAfter = one('dueAfter', due(filter.dueAfter, 'dueAfter'))
  const hasParent = one('parent', filter.parentId)
  const hasMilestone = one('milestone', filter.milestoneId)
  const hasCycle = one('cycle', filter.cycleId)
  const q = filter.q?.trim()
  // WEB-42 names one task: number 42 of project WEB (not every project's 42); a bare 42 or #42 any project's
  const keyRef = q ? TASK_REF_RE.exec(q) : null
  const numberRef = q && !keyRef ? /^#?(\d{1,9})$/.exec(q) : null
  if (q) one('like', containsPattern(q))
  if (keyRef) {
    one('number', Number(keyRef[2]))
    one('refKey', keyRef[1]!.toUpperCase())
  } else if (numberRef) one('number', Number(numberRef[1]))
  const where = (db: Db) => {
    const t = tables.tasks
    const s = tables.states
    const w: SQL[] = byOrg ? [eq(t.orgId, sql.placeholder('org'))] : []
    if (hasProject) w.push(eq(t.projectId, sql.placeholder('project')))
    if (stateIds) w.push(inArray(t.stateId, stateIds))
    if (groups) w.push(inArray(t.stateId, db.select({ id: s.id }).from(s).where(inArray(s.group, groups))))
    if (noAssignee) w.push(isNull(t.assigneeId))
    if (hasAssignee) w.push(eq(t.assigneeId, sql.placeholder('assignee')))
    if (hasLabel) w.push(inArray(t.id, db.select({ id: tables.taskLabels.taskId }).from(tables.taskLabels).where(eq(tables.taskLabels.labelId, sql.placeholder('label')))))
    if (priorities) w.push(inArray(t.priority, priorities))
    if (labelIds) w.push(inArray(t.id, db.select({ id: tables.taskLabels.taskId }).from(tables.taskLabels).where(inArray(tables.taskLabels.labelId, labelIds))))
    if (assigneeIds || orUnassigned) w.push(assigneeIds && orUnassigned ? or(inArray(t.assigneeId, assigneeIds), isNull(t.assigneeId))! : assigneeIds ? inArray(t.assigneeId, assigneeIds) : isNull(t.assigneeId))
    if (hasBefore) w.push(lte(t.dueAt, sql.placeholder('dueBefore')))
    if (hasAfter) w.push(gte(t.dueAt, sql.placeholder('dueAfter')))
    if (hasParent) w.push(eq(t.parentId, sql.placeholder('parent')))
    if (hasMilestone) w.push(eq(t.milestoneId, sql.placeholder('milestone')))
    if (hasCycle) w.push(eq(t.cycleId, sql.placeholder('cycle')))
    if (q) {
      const like = sql.placeholder('like')
      const textMatch = or(sql`lower(${t.title}) like ${like} escape '\\'`, sql`lower(${t.description}) like ${like} escape '\\'`)!
      if (keyRef) {
        const p = tables.projects
        const keyed = db.select({ id: p.id }).from(p).where(and(eq(p.key, sql.placeholder('refKey')), ...(byOrg ? [eq(p.orgId, sql.placeholder('org'))] : [])))
        w.push(or(textMatch, and(eq(t.number, sql.placeholder('number')), inArray(t.projectId, keyed)))!)
      } else w.push(numberRef ? or(textMatch, eq(t.number, sql.placeholder('number')))! : textMatch)
    }
    return and(...w)
  }
  return { shape, values, where }
}

/** The rows of a page of tasks matching `filter` (TaskService.list enriches them) and where the next page starts. */
export async function listTaskRows(deps: Deps, orgId: string, filter: TaskFilter, page: { cursor?: string; limit?: number } = {}): Promise<{ rows: TaskRow[]; nextCursor: string | null }> {
  const cursor = decodeCursor(page.cursor)
  const limit = Math.min(Math.max(Math.trunc(Number(page.limit) || 50), 1), 500)
  // The query is built once per shape (which filters, how many values in each list, the order)
  // and then only run: building drizzle SQL costs more than running an indexed query.
  const f = taskFilterWhere(deps.tables, orgId, filter)
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
    if (!keyset) throw new InputError('The cursor is not valid for this order: start again without it.', 'cursor', 400)
    values.after = cursor.k
    shape.push('after')
  } else if (cursor) values.offset = cursor.o
  const hasAfter = 'after' in values
  const rows = await deps.store.prepared(`planning.tasks:${shape.join(',')}`, (db) => {
    const t = deps.tables.tasks
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
  return { rows: items, nextCursor: more ? encodeCursor(next) : null }
}

/**
 * Open tasks (backlog, unstarted and started states: completed and cancelled ones are left out) of
 * any project due in a range, for the calendar, by due date. At most `DUE_MAX` (1000): the first
 * 1000 by due date; a range that holds more (a month with over a thousand open due tasks) shows
 * those and not the rest.
 */
export async function dueTaskRows(deps: Deps, orgId: string, from: Date, to: Date): Promise<TaskRow[]> {
  const t = deps.tables.tasks
  const s = deps.tables.states
  const open = deps.store.db.select({ id: s.id }).from(s).where(and(eq(s.orgId, orgId), inArray(s.group, OPEN_GROUPS)))
  const rows = await deps.store.db
    .select()
    .from(t)
    .where(and(eq(t.orgId, orgId), gte(t.dueAt, from), lte(t.dueAt, to), inArray(t.stateId, open)))
    .orderBy(asc(t.dueAt), asc(t.projectId), asc(t.number))
    .limit(DUE_MAX)
  return rows
}

