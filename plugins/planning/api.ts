/** @module The JSON API under /api/v1/planning: projects and tasks, with the same services and permissions as the pages. */
import { seesEmails } from '../../core/auth/permissions.ts'
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { guard } from '../../core/http/guard.ts'
import { actorOf, jsonBody, orgOf, problem } from './http.ts'
import { checkFilterQuery, pageLimit, stateIdsOf } from './filters.ts'
import { filterFrom } from './pages-shared.ts'
import { isoString } from '../../core/time.ts'
import { day, type Project, type ProjectService } from './service.ts'
import type { Task, TaskFilter, TaskService } from './tasks.ts'

/** A project as the API shows it. */
export function projectJson(p: Project) {
  return { id: p.id, key: p.key, name: p.name, description: p.description, leadId: p.leadId, status: p.status, createdAt: isoString(p.createdAt), updatedAt: isoString(p.updatedAt) }
}

/** A task as the API (and MCP tools) show it; the assignee's email only for callers who may see emails. */
export function taskJson(t: Task, emails = false) {
  return {
    id: t.id,
    key: t.key,
    number: t.number,
    project: t.project.key,
    title: t.title,
    description: t.description,
    state: { id: t.state.id, name: t.state.name, group: t.state.group },
    priority: t.priority,
    assignee: t.assignee ? { id: t.assignee.id, name: t.assignee.name, email: emails ? t.assignee.email : null } : null,
    labels: t.labels.map((l) => ({ id: l.id, name: l.name, color: l.color })),
    estimate: t.estimate,
    due: day(t.dueAt) || null,
    parentId: t.parentId,
    milestoneId: t.milestoneId,
    cycleId: t.cycleId,
    createdAt: isoString(t.createdAt),
    updatedAt: isoString(t.updatedAt),
    completedAt: t.completedAt ? isoString(t.completedAt) : null,
    url: `/planning/tasks/${t.key}`,
  }
}

/** What a single task's answer says about a related task or a sub-task. */
function taskBrief(t: Task) {
  return { id: t.id, key: t.key, title: t.title, state: { name: t.state.name, group: t.state.group }, url: `/planning/tasks/${t.key}` }
}

/**
 * One task as `GET /api/v1/planning/tasks/:ref` and the `planning_get_task` tool answer it: `taskJson`
 * with its relations (`blocks`, `blockedBy`) and direct sub-tasks. Lists leave these out (two more
 * queries per task).
 */
export async function taskDetailJson(tasks: TaskService, orgId: string, t: Task, emails = false) {
  const [relations, subtasks] = await Promise.all([tasks.relations(orgId, t.id), tasks.subtasks(orgId, t.id)])
  return {
    ...taskJson(t, emails),
    relations: {
      blocks: relations.blocks.map((x) => ({ relationId: x.relationId, ...taskBrief(x) })),
      blockedBy: relations.blockedBy.map((x) => ({ relationId: x.relationId, ...taskBrief(x) })),
    },
    subtasks: subtasks.map(taskBrief),
  }
}

/** The fields a task's create or update takes (`dueAt` and `parentId` are older names of `due` and `parent`). */
export const TASK_INPUT_FIELDS = ['title', 'description', 'state', 'priority', 'assigneeId', 'assigneeEmail', 'labels', 'estimate', 'due', 'parent', 'milestoneId', 'cycleId', 'position'] as const
const TASK_INPUT_ALIASES = ['dueAt', 'parentId']

/**
 * Refuses a body naming a field the API does not take (a 422 naming it and the accepted ones), so a
 * misspelt or read-only field never answers 200 with nothing changed. `assignee` (what GET answers)
 * gets a hint to send `assigneeId` or `assigneeEmail`.
 */
export function checkTaskFields(input: Record<string, unknown>, extra: string[] = []): void {
  const allowed = new Set<string>([...TASK_INPUT_FIELDS, ...TASK_INPUT_ALIASES, ...extra])
  const unknown = Object.keys(input).filter((k) => !allowed.has(k))
  if (!unknown.length) return
  const k = unknown[0]!
  const accepted = [...extra, ...TASK_INPUT_FIELDS].join(', ')
  if (k === 'assignee') throw new InputError(`unknown field 'assignee': send assigneeId (a user id) or assigneeEmail (an email); null or "" unassigns. Accepted fields: ${accepted}`, 'assignee')
  throw new InputError(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((x) => `'${x}'`).join(', ')}: accepted fields are ${accepted}`, k)
}

/**
 * A list request's filter and page size, checked: an unknown priority, state, group, sort, order,
 * date, label, milestone or cycle, or a `limit` that is no whole number from 1 to 500, is a 400
 * saying what is allowed. With `project`, `state` takes names as well as ids.
 */
export async function listRequest(projects: ProjectService, orgId: string, query: Record<string, string | undefined>, viewerId: string): Promise<{ filter: TaskFilter; limit: number }> {
  const limit = pageLimit(query.limit)
  const project = query.project ? await projects.get(orgId, query.project) : undefined
  // the project's states, labels... only when a filter names one (a plain page skips the lookups)
  const named = query.state || query.label || query.milestone || query.cycle
  const choices = project && named ? await projects.filterChoices(project.id) : undefined
  checkFilterQuery(query, choices, 400)
  const filter = filterFrom(query, project?.id, viewerId)
  if (choices) filter.stateIds = stateIdsOf(query.state, choices.states)
  else if (filter.stateIds) {
    const unknown = await projects.unknownStateIds(orgId, filter.stateIds)
    if (unknown.length) throw new InputError(`state: unknown state '${unknown[0]}' (use state ids, or state names together with project=KEY)`, 'state', 400)
  }
  return { filter, limit }
}

const P_READ = { permission: 'planning.project.read' }
const P_MANAGE = { permission: 'planning.project.manage' }
const T_READ = { permission: 'planning.task.read' }
const T_WRITE = { permission: 'planning.task.write' }

/** The API routes. */
export function planningApi(projects: ProjectService, tasks: TaskService) {
  return new Elysia({ name: 'plugin:planning:api' })
    .use(guard)
    .get('/api/v1/planning/projects', async ({ request, auth }) => {
      try {
        return { items: (await projects.list(orgOf(auth))).map(projectJson), nextCursor: null }
      } catch (err) {
        return problem(request, err)
      }
    }, P_READ)
    .post('/api/v1/planning/projects', async ({ request, auth, body, set }) => {
      try {
        const p = await projects.create(orgOf(auth), actorOf(auth), jsonBody(body))
        set.status = 201
        return projectJson(p)
      } catch (err) {
        return problem(request, err)
      }
    }, P_MANAGE)
    .get('/api/v1/planning/projects/:key', async ({ request, auth, params }) => {
      try {
        return projectJson(await projects.get(orgOf(auth), params.key))
      } catch (err) {
        return problem(request, err)
      }
    }, P_READ)
    .patch('/api/v1/planning/projects/:key', async ({ request, auth, params, body }) => {
      try {
        return projectJson(await projects.update(orgOf(auth), actorOf(auth), params.key, jsonBody(body)))
      } catch (err) {
        return problem(request, err)
      }
    }, P_MANAGE)
    .delete('/api/v1/planning/projects/:key', async ({ request, auth, params }) => {
      try {
        await projects.remove(orgOf(auth), actorOf(auth), params.key)
        return new Response(null, { status: 204 })
      } catch (err) {
        return problem(request, err)
      }
    }, P_MANAGE)
    .get('/api/v1/planning/tasks', async ({ request, auth, query }) => {
      try {
        const orgId = orgOf(auth)
        const { filter, limit } = await listRequest(projects, orgId, query, auth.user.id)
        const page = await tasks.list(orgId, filter, { cursor: query.cursor, limit })
        return { items: page.items.map((t) => taskJson(t, seesEmails(auth.permissions))), nextCursor: page.nextCursor }
      } catch (err) {
        return problem(request, err)
      }
    }, T_READ)
    .post('/api/v1/planning/tasks', async ({ request, auth, body, set }) => {
      try {
        const input = jsonBody(body)
        checkTaskFields(input, ['project', 'projectId'])
        const project = String(input.project ?? input.projectId ?? '')
        if (!project) return problem(request, new InputError('project is required (a key like WEB)', 'project'))
        const t = await tasks.create(orgOf(auth), actorOf(auth), project, input)
        set.status = 201
        return taskJson(t, seesEmails(auth.permissions))
      } catch (err) {
        return problem(request, err)
      }
    }, T_WRITE)
    .get('/api/v1/planning/tasks/:ref', async ({ request, auth, params }) => {
      try {
        const orgId = orgOf(auth)
        return await taskDetailJson(tasks, orgId, await tasks.get(orgId, params.ref), seesEmails(auth.permissions))
      } catch (err) {
        return problem(request, err)
      }
    }, T_READ)
    .patch('/api/v1/planning/tasks/:ref', async ({ request, auth, params, body }) => {
      try {
        const input = jsonBody(body)
        checkTaskFields(input)
        return taskJson(await tasks.update(orgOf(auth), actorOf(auth), params.ref, input), seesEmails(auth.permissions))
      } catch (err) {
        return problem(request, err)
      }
    }, T_WRITE)
    .delete('/api/v1/planning/tasks/:ref', async ({ request, auth, params }) => {
      try {
        await tasks.remove(orgOf(auth), actorOf(auth), params.ref)
        return new Response(null, { status: 204 })
      } catch (err) {
        return problem(request, err)
      }
    }, T_WRITE)
}
