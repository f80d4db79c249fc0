/** @module What the planning page modules share: permissions, list and board query parsing, the page shell and a project's context. */
import { can, type Auth } from '../../core/auth/resolve.ts'
import type { PluginContext } from '../../core/plugins/contract.ts'
import { listOf, readFilterQuery } from './filters.ts'
import { orgOf } from './http.ts'
import type { ProjectService } from './service.ts'
import type { TaskStats } from './stats.ts'
import { OPEN_GROUPS } from './task-queries.ts'
import type { TaskFilter, TaskService } from './tasks.ts'
import type { ProjectContext } from './views/tasks.tsx'

export const READ = { permission: 'planning.project.read' }
export const MANAGE = { permission: 'planning.project.manage' }
export const TASK_READ = { permission: 'planning.task.read' }
export const TASK_WRITE = { permission: 'planning.task.write' }

/**
 * Turns list query parameters into a filter. `state`, `group`, `assignee` (ids, `me`, `none`),
 * `label` and `priority` take comma lists (any of the values; the group `open` is the open groups); `open` with `group` keeps the open
 * groups among those named.
 */
export function filterFrom(query: Record<string, string | undefined>, projectId?: string, viewerId?: string): TaskFilter {
  const sort = ['created', 'updated', 'priority', 'due', 'number'].includes(query.sort ?? '') ? (query.sort as TaskFilter['sort']) : undefined
  const assignees = listOf(query.assignee).flatMap((a) => (a === 'me' ? (viewerId ? [viewerId] : []) : [a]))
  const labels = listOf(query.label)
  // the group 'open' stands for the open groups (backlog, unstarted, started)
  const groups = [...new Set(listOf(query.group).flatMap((g) => (g === 'open' ? [...OPEN_GROUPS] : [g])))]
  const open = query.open === 'true' || query.open === '1'
  // open and named groups: the named ones that are open (none open: a group no state has, so nothing)
  const openGroups = groups.filter((g) => (OPEN_GROUPS as readonly string[]).includes(g))
  return {
    projectId,
    q: query.q || undefined,
    stateIds: query.state ? listOf(query.state) : undefined,
    stateGroups: groups.length ? (open ? (openGroups.length ? openGroups : ['-']) : groups) : undefined,
    assigneeId: assignees.length === 1 ? assignees[0] : undefined,
    assigneeIds: assignees.length > 1 ? assignees : undefined,
    labelId: labels.length === 1 ? labels[0] : undefined,
    labelIds: labels.length > 1 ? labels : undefined,
    priorities: query.priority ? listOf(query.priority) : undefined,
    dueAfter: query.dueAfter || undefined,
    dueBefore: query.dueBefore || undefined,
    milestoneId: query.milestone || undefined,
    cycleId: query.cycle || undefined,
    open: (open && !groups.length) || undefined,
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

/** The board filters of a query string (a request's, or the one a board form carries in `view`); list filters as comma lists. */
export function boardQuery(query: URLSearchParams | string | undefined): Record<string, string> {
  const clean = readFilterQuery(typeof query === 'string' || query === undefined ? new URLSearchParams(query ?? '') : query, BOARD_FILTER_KEYS)
  for (const k of Object.keys(clean)) clean[k] = clean[k]!.slice(0, 200)
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
