/** @module The planning pages under /planning: one named instance per noun (projects, list, board, task, CSV, plan), composed here. */
import { Elysia } from 'elysia'
import type { PluginContext } from '../../core/plugins/contract.ts'
import { planningBoardPages } from './pages-board.tsx'
import { planningCsvPages } from './pages-csv.tsx'
import { planningListPages } from './pages-list.tsx'
import { planningMyPages } from './pages-my.tsx'
import { planningPlanPages } from './pages-plan.tsx'
import { planningProjectPages } from './pages-projects.tsx'
import { pageKit } from './pages-shared.ts'
import { planningTaskPages } from './pages-task.tsx'
import type { ProjectService } from './service.ts'
import type { TaskStats } from './stats.ts'
import type { TaskService } from './tasks.ts'

/** The page routes. */
export function planningPages(ctx: PluginContext<any>, projects: ProjectService, tasks: TaskService, stats: TaskStats) {
  const kit = pageKit(ctx, projects, tasks, stats)
  return new Elysia({ name: 'plugin:planning:pages' })
    .use(planningProjectPages(kit))
    .use(planningMyPages(kit))
    .use(planningListPages(kit))
    .use(planningBoardPages(kit))
    .use(planningTaskPages(kit))
    .use(planningCsvPages(kit))
    .use(planningPlanPages(kit))
}
