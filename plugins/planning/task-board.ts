/** @module A project's board: the newest tasks of each state and each column's count, counts cached until planning changes. */
import { and, desc, eq, getTableColumns, sql } from 'drizzle-orm'
import type { Deps, ProjectService } from './service.ts'
import { taskFilterWhere, type TaskFilter } from './task-queries.ts'
import type { Task, TaskRow } from './tasks.ts'

/** How long a board column's count is trusted without a planning event, and how many are kept. */
const COUNT_TTL_MS = 10_000
const COUNT_CACHE_SIZE = 1000

/** Board columns for TaskService.board, with the cache of full columns' counts. */
export class TaskBoard {
  constructor(
    private readonly deps: Deps,
    private readonly projects: ProjectService,
    private readonly enrich: (rows: TaskRow[]) => Promise<Task[]>,
  ) {}

  /**
   * Counts of full board columns (a count reads one state's whole index range: thousands of
   * entries on a big project), kept until planning changes: the plugin calls `changed()` on every
   * planning event. Entries also expire after COUNT_TTL_MS, which bounds what a write the events
   * miss (another process on the same database) can leave stale.
   */
  private readonly columnCounts = new Map<string, { generation: number; at: number; n: number }>()
  private generation = 0

  /** Something in planning changed: cached counts are stale. */
  changed(): void {
    this.generation++
  }

  /**
   * A project's board: per state, the `perColumn` most recently updated tasks matching `filter` (the
   * list's filters; its state, sort and order are left out: columns are states) and the true number
   * of matching tasks in each state. One indexed query per state (the (project_id, state_id,
   * updated_at, number) index hands each column its newest tasks without sorting) and a count of
   * each full column (remembered until planning changes), however many tasks the project has.
   * Cards carry no description.
   */
  async board(orgId: string, projectRef: string, filter: TaskFilter, perColumn: number): Promise<{ cards: Task[]; counts: Map<string, number> }> {
    const project = await this.projects.get(orgId, projectRef)
    const states = await this.projects.states(project.id)
    // the project is this organization's: its id alone selects the rows (and lets the count read only the index)
    const f = taskFilterWhere(this.deps.tables, orgId, { ...filter, projectId: project.id, stateIds: undefined, stateGroups: undefined, open: undefined }, { org: false })
    const key = f.shape.join(',')
    const t = this.deps.tables.tasks
    const cap = Math.max(1, Math.trunc(perColumn))
    const columns = await Promise.all(
      states.map((s) =>
        this.deps.store.prepared(
          `planning.board:${key}`,
          (db) =>
            db
              // cards never show the description (often the biggest field): it is left empty
              .select({ ...getTableColumns(t), description: sql<string>`''` })
              .from(t)
              .where(and(f.where(db), eq(t.stateId, sql.placeholder('state'))))
              .orderBy(desc(t.updatedAt), desc(t.number))
              .limit(sql.placeholder('cap')),
          { ...f.values, state: s.id, cap },
        ),
      ),
    )
    // A column that is not full holds all its tasks; only full ones are counted (one state's
    // range of the index each, cheaper than grouping the whole project).
    const counts = new Map<string, number>()
    await Promise.all(
      states.map(async (s, i) => {
        const cards = columns[i]!
        if (cards.length < cap) return void counts.set(s.id, cards.length)
        const values = { ...f.values, state: s.id }
        const cacheKey = `${key}|${JSON.stringify(values)}`
        const hit = this.columnCounts.get(cacheKey)
        if (hit && hit.generation === this.generation && Date.now() - hit.at < COUNT_TTL_MS) return void counts.set(s.id, hit.n)
        const generation = this.generation
        const [row] = await this.deps.store.prepared(
          `planning.board-count:${key}`,
          (db) => db.select({ n: sql<number>`count(*)` }).from(t).where(and(f.where(db), eq(t.stateId, sql.placeholder('state')))),
          values,
        )
        const n = Number(row?.n ?? cards.length)
        counts.set(s.id, n)
        if (this.columnCounts.size >= COUNT_CACHE_SIZE) this.columnCounts.clear()
        this.columnCounts.set(cacheKey, { generation, at: Date.now(), n })
      }),
    )
    return { cards: await this.enrich(columns.flat()), counts }
  }
}
