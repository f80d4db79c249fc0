/** @module What the planning page modules share: permissions, list and board query parsing, the page shell and a project's context. */
import { can, type Auth } from '../../core/auth/resolve.ts'
import type { PluginContext } from '../../core/plugins/contract.ts'
import { orgOf } from './http.ts'
import type { ProjectService } from './service.ts'
import type { TaskStats } from './stats.ts'
import type { TaskFilter, TaskService } from './tasks.ts'
import type { ProjectContext } from './views/tasks.tsx'

export const READ = { permission: 'planning.project.read' }
export const MANAGE = { permission: 'planning.project.manage' }
export const TASK_READ = { permission: 'planning.task.read' }
export const TASK_WRITE = { permission: 'planning.task.write' }

/** Turns list query parameters into a filter. */
export function filterFrom(query: Record<string, string | undefined>, projectId?: string, viewerId?: string): TaskFilter {
  const sort = ['created', 'updated', 'priority', 'due', 'number'].includes(query.sort ?? '') ? (query.sort as TaskFilter['sort']) : undefined
  return {
    projectId,
    q: query.q || undefined,
    stateIds: query.state ? query.state.split(',') : undefined,
    stateGroups: query.group ? query.group.split(',') : undefined,
    assigneeId: query.assignee === 'me' ? viewerId : query.assignee || undefined,
    labelId: query.label || undefined,
    priorities: query.priority ? query.priority.split(',') : undefined,
    dueAfter: query.dueAfter || undefined,
    dueBefore: query.dueBefore || undefined,
    milestoneId: query.milestone || undefined,
    cycleId: query.cycle || undefined,
    open: query.open === 'true' || query.open === '1' || undefined,
    sort,
    dir: query.dir === 'asc' || query.dir === 'desc' ? query.dir : undefined,
  }
}

/** Cards per board column: the most recently updated of each state; a link opens the rest in the list. */
export const BOARD_COLUMN_LIMIT = 50
/** The list's filters a board takes (its columns are the states; its order is the cards' positions). */
export const BOARD_FILTER_KEYS = ['q', 'assignee', 'label', 'priority', 'milestone', 'cycle'] as const
/** Tasks the cycles page lists for the selected cycle; the list has them all. */
export const SCOPE_LIMIT = 200

/** The board filters of a query (or of the query string a board form carries in `view`). */
export function boardQuery(query: Record<string, string | undefined> | string | undefined): Record<string, string> {
  const source: Record<string, string | undefined> = typeof query === 'string' ? Object.fromEntries(new URLSearchParams(query)) : (query ?? {})
  const clean: Record<string, string> = {}
  for (const k of BOARD_FILTER_KEYS) if (source[k]) clean[k] = String(source[k]).slice(0, 200)
  return clean
}

/** The services every planning page module uses, with `page` (the shell) and `load` (a project with its configuration). */
export interface PageKit {
  ctx: PluginContext<any>
  projects: ProjectService
  tasks: TaskService
  stats: TaskStats
  page: (request: Request, auth: Auth, title: string, body: unknown, status?: number) => Promise<Response>
  load: (auth: Auth, key: string) => Promise<ProjectContext>
}

/** The kit the page modules share. */
export function pageKit(ctx: PluginContext<any>, projects: ProjectService, tasks: TaskService, stats: TaskStats): PageKit {
  const page = (request: Request, auth: Auth, title: string, body: unknown, status?: number) => ctx.page(request, auth, { title, body: body as string, status })

  async function load(auth: Auth, key: string): Promise<ProjectContext> {
    const orgId = orgOf(auth)
    const project = await projects.get(orgId, key)
    const [states, labels, people, milestones, cycles] = await Promise.all([projects.states(project.id), projects.labels(project.id), ctx.people.members(orgId), projects.milestones(project.id), projects.cycles(project.id)])
    return { project, states, labels, people, milestones, cycles, csrf: auth.session?.csrf, manage: can(auth, 'planning.project.manage'), write: can(auth, 'planning.task.write') }
  }
  return { ctx, projects, tasks, stats, page, load }
}
