/**
 * @module Counts and progress of a project's tasks as SQL aggregates (count / sum grouped by state
 * group, state, milestone or cycle), so totals stay right however many tasks there are and cost one
 * grouped query instead of loading tasks. Also the calendar's milestones and cycles of a date range.
 */
import { and, eq, gt, gte, isNotNull, lte, sql } from 'drizzle-orm'
import type { Deps } from './service.ts'

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

  /** `{ total, open }` tasks per project of an organization (projects without tasks are absent). */
  async projectCounts(orgId: string): Promise<Map<string, { total: number; open: number }>> {
    const { tasks, states } = this.t
    const rows = await this.db
      .select({ projectId: tasks.projectId, group: states.group, n: sql<number>`count(*)` })
      .from(tasks)
      .innerJoin(states, eq(states.id, tasks.stateId))
      .where(eq(tasks.orgId, orgId))
      .groupBy(tasks.projectId, states.group)
    const out = new Map<string, { total: number; open: number }>()
    for (const r of rows) {
      const c = out.get(r.projectId) ?? { total: 0, open: 0 }
      const n = Number(r.n)
      c.total += n
      if (OPEN_GROUPS.includes(r.group)) c.open += n
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
    const { tasks, states } = this.t
    const col = by === 'milestone' ? tasks.milestoneId : tasks.cycleId
    const rows = await this.db
      .select({ id: col, group: states.group, n: sql<number>`count(*)`, points: sql<number>`coalesce(sum(${tasks.estimate}), 0)` })
      .from(tasks)
      .innerJoin(states, eq(states.id, tasks.stateId))
      .where(and(eq(tasks.projectId, projectId), isNotNull(col)))
      .groupBy(col, states.group)
    const out = new Map<string, Progress>()
    for (const r of rows) {
      if (!r.id || r.group === 'cancelled') continue
      const p = out.get(r.id) ?? empty()
      const n = Number(r.n)
      const pts = Number(r.points)
      p.total += n
      p.points += pts
      if (r.group === 'completed') {
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
