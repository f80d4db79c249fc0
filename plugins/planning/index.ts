/**
 * @module The planning plugin (Linear/Plane-like): projects with keys (WEB), numbered tasks (WEB-42)
 * with states, priorities, assignees, labels, estimates, due dates, sub-tasks, relations and
 * history; list with filters and saved views, kanban board, bulk edit, milestones and roadmap,
 * cycles, CSV import/export, JSON API under /api/v1/planning; search, dashboard, calendar, entity
 * link, MCP tool and workflow action contributions; demo data.
 */
import { Elysia } from 'elysia'
import { definePlugin } from '../../core/plugins/contract.ts'
import boardJs from './public/board.js' with { type: 'file' }
import planningCss from './public/planning.css' with { type: 'file' }
import { planningApi } from './api.ts'
import { contribute } from './contributions.ts'
import { EVENTS } from './events.ts'
import { migrations } from './migrations/index.ts'
import { planningPages } from './pages.tsx'
import { schema } from './schema.ts'
import { demoSeed } from './seed.ts'
import { ProjectService } from './service.ts'
import { TaskStats } from './stats.ts'
import { TaskService } from './tasks.ts'

export default definePlugin({
  id: 'planning',
  name: 'Planning',
  version: '1.0.0',
  api: 1,
  uses: { 'collaboration.thread': 'comments on tasks' },
  description: 'Projects, tasks, boards, milestones and cycles.',
  permissions: {
    'planning.project.read': { description: 'See projects, roadmaps and cycles', grant: 'guest' },
    'planning.project.manage': { description: 'Create, edit and delete projects, states, labels, milestones and cycles', grant: 'admin' },
    'planning.task.read': { description: 'See tasks', grant: 'guest' },
    'planning.task.write': { description: 'Create, edit, move and delete tasks; bulk edit and import', grant: 'member' },
  },
  events: EVENTS,
  schema,
  assets: { 'board.js': boardJs, 'planning.css': planningCss },
  // its widget, task keys and labels show on other plugins' pages (dashboard, inbox)
  styles: ['planning.css'],
  migrations,
  setup(ctx) {
    const deps = { store: ctx.store, tables: ctx.tables, bus: ctx.bus, people: ctx.people }
    const projects = new ProjectService(deps)
    const tasks = new TaskService(deps, projects)
    const stats = new TaskStats(deps)
    // any planning change (tasks, states, projects...) may move the board's cached column counts
    ctx.bus.onAny((name) => {
      if (name.startsWith('planning.')) tasks.changed()
    })
    contribute(ctx, projects, tasks, stats)
    ctx.contribute('demo.seed', demoSeed(projects, tasks))
    ctx.provide('planning.summary', { projects: async (orgId: string) => (await projects.list(orgId)).length })
    return new Elysia({ name: 'plugin:planning' }).use(planningPages(ctx, projects, tasks, stats)).use(planningApi(projects, tasks, ctx.people))
  },
})
