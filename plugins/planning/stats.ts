/**
 * @module Counts and progress of a project's tasks as SQL aggregates (count / sum grouped by state
 * group, state, milestone or cycle), so totals stay right however many tasks there are and cost one
 * grouped query instead of loading tasks. Also the calendar's milestones and cycles of a date range.
 */
import { and, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm'
import type { Deps } from './service.ts'
import { OPEN_GROUPS as OPEN_STATE_GROUPS } from './task-queries.ts'

/** Completed/total tasks and points (cancelled tasks are out of scope). */
export interface Progress {
  total: number
  done: number
  points: number
  donePoints: number
}

const OPEN_GROUPS = ['backlog', 'unstarted', 'started']
const empty = (): Progress => ({ total: 0, done: 0, points: 0, donePoints: 0 })

/** Aggregates over planning's tables (read-only). */
export class TaskStats {
  constructor(private readonly deps: Pick<Deps, 'store' | 'tables'>) {}

  private get db() {
    return this.deps.store.db
  }

  private get t() {
    return this.deps.tables
  }

  /** Ids of an organization's projects, as a subquery. */
  private projectIds(orgId: string) {
    const p = this.t.projects
    return this.db.select({ id: p.id }).from(p).where(eq(p.orgId, orgId))
  }

  /** State id -> state group of the given projects. */
  private async groups(projectIds: ReturnType<TaskStats['projectIds']> | string): Promise<Map<string, string>> {
    const s = this.t.states
    const rows = await this.db
      .select({ id: s.id, group: s.group })
      .from(s)
      .where(typeof projectIds === 'string' ? eq(s.projectId, projectIds) : inArray(s.projectId, projectIds))
    return new Map(rows.map((r) => [r.id, r.group]))
  }

  // The aggregates group tasks by state id (no join): the (project_id, state_id, updated_at), (milestone_id,
  // state_id, estimate) and (cycle_id, state_id, estimate) indexes then answer them on their own.

  /** How many open tasks (backlog, unstarted, started) of any project of an organization are assigned to `userId`. */
  async openAssignedCount(orgId: string, userId: string): Promise<number> {
    const t = this.t.tasks
    const s = this.t.states
    const open = this.db.select({ id: s.id }).from(s).where(and(eq(s.orgId, orgId), inArray(s.group, OPEN_STATE_GROUPS)))
    const [row] = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(t)
      .where(and(eq(t.orgId, orgId), eq(t.assigneeId, userId), inArray(t.stateId, open)))
    return Number(row?.n ?? 0)
  }

  /** `{ total, open }` tasks per project of an organization (projects without tasks are absent). */
  async projectCounts(orgId: string): Promise<Map<string, { total: number; open: number }>> {
    const t = this.t.tasks
    const [rows, groups] = await Promise.all([
      this.db
        .select({ projectId: t.projectId, stateId: t.stateId, n: sql<number>`count(*)` })
        .from(t)
        .where(inArray(t.projectId, this.projectIds(orgId)))
        .groupBy(t.projectId, t.stateId),
      this.groups(this.projectIds(orgId)),
    ])
    const out = new Map<string, { total: number; open: number }>()
    for (const r of rows) {
      const c = out.get(r.projectId) ?? { total: 0, open: 0 }
      const n = Number(r.n)
      c.total += n
      if (OPEN_GROUPS.includes(groups.get(r.stateId) ?? '')) c.open += n
      out.set(r.projectId, c)
    }
    return out
  }

  /** How many tasks of a project are in each state. */
  async stateUsage(projectId: string): Promise<Map<string, number>> {
    const t = this.t.tasks
    const rows = await this.db.select({ stateId: t.stateId, n: sql<number>`count(*)` }).from(t).where(eq(t.projectId, projectId)).groupBy(t.stateId)
    return new Map(rows.map((r) => [r.stateId, Number(r.n)]))
  }

  /** Progress of each milestone (`by: 'milestone'`) or cycle of a project, by its id. */
  async progressBy(projectId: string, by: 'milestone' | 'cycle'): Promise<Map<string, Progress>> {
    const t = this.t.tasks
    const owner = by === 'milestone' ? this.t.milestones : this.t.cycles
    const col = by === 'milestone' ? t.milestoneId : t.cycleId
    const [rows, groups] = await Promise.all([
      this.db
        .select({ id: col, stateId: t.stateId, n: sql<number>`count(*)`, points: sql<number>`coalesce(sum(${t.estimate}), 0)` })
        .from(t)
        .where(inArray(col, this.db.select({ id: owner.id }).from(owner).where(eq(owner.projectId, projectId))))
        .groupBy(col, t.stateId),
      this.groups(projectId),
    ])
    const out = new Map<string, Progress>()
    for (const r of rows) {
      const group = groups.get(r.stateId)
      if (!r.id || group === 'cancelled') continue
      const p = out.get(r.id) ?? empty()
      const n = Number(r.n)
      const pts = Number(r.points)
      p.total += n
      p.points += pts
      if (group === 'completed') {
        p.done += n
        p.donePoints += pts
      }
      out.set(r.id, p)
    }
    return out
  }

  /** Milestones of an organization whose target date is in [from, to], with their project. */
  async milestonesBetween(orgId: string, from: Date, to: Date) {
    const { milestones: m, projects: p } = this.t
    return this.db
      .select({ milestone: m, project: { key: p.key, name: p.name } })
      .from(m)
      .innerJoin(p, eq(p.id, m.projectId))
      .where(and(eq(m.orgId, orgId), gte(m.targetDate, from), lte(m.targetDate, to)))
      .orderBy(m.targetDate)
      .limit(1000)
  }

  /** Cycles of an organization overlapping [from, to] (a cycle covers its end day), with their project. */
  async cyclesOverlapping(orgId: string, from: Date, to: Date) {
    const { cycles: c, projects: p } = this.t
    const dayBefore = new Date(from.getTime() - 86_400_000)
    return this.db
      .select({ cycle: c, project: { key: p.key, name: p.name } })
      .from(c)
      .innerJoin(p, eq(p.id, c.projectId))
      .where(and(eq(c.orgId, orgId), lte(c.startsAt, to), gt(c.endsAt, dayBefore)))
      .orderBy(c.startsAt)
      .limit(1000)
  }
}

/** Progress of one id, zero when it has no tasks. */
export function progressOf(map: Map<string, Progress>, id: string): Progress {
  return map.get(id) ?? empty()
}
