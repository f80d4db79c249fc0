/** @module The JSON API under /api/v1/planning: projects and tasks, with the same services and permissions as the pages. */
import { createHash } from 'node:crypto'
import { seesEmails } from '../../core/auth/permissions.ts'
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import type { People } from '../../core/plugins/contract.ts'
import { guard } from '../../core/http/guard.ts'
import { jsonError } from '../../core/http/respond.ts'
import { actorOf, jsonBody, orgOf, problem } from './http.ts'
import { checkFilterQuery, pageLimit, stateIdsOf } from './filters.ts'
import { filterFrom } from './pages-shared.ts'
import { isoString } from '../../core/time.ts'
import { day, type Cycle, type Label, type Milestone, type Project, type ProjectService, type State } from './service.ts'
import { ChangedError } from './project-core.ts'
import { type Task, type TaskFilter, type TaskService } from './tasks.ts'

/** A project as the API shows it. */
export function projectJson(p: Project) {
  return { id: p.id, key: p.key, name: p.name, description: p.description, leadId: p.leadId, status: p.status, createdAt: isoString(p.createdAt), updatedAt: isoString(p.updatedAt) }
}

/** A project's states, labels, milestones and cycles as the API lists them (the ids task fields and filters take). */
const stateJson = (x: State) => ({ id: x.id, name: x.name, group: x.group, position: x.position })
const labelJson = (x: Label) => ({ id: x.id, name: x.name, color: x.color })
const milestoneJson = (x: Milestone) => ({ id: x.id, name: x.name, description: x.description, targetDate: day(x.targetDate) || null })
const cycleJson = (x: Cycle) => ({ id: x.id, name: x.name, startsAt: day(x.startsAt), endsAt: day(x.endsAt) })

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

/** A list item: `taskJson` and its version for If-Match (set on the object, not spread into a copy: the list is a hot path). */
function taskListItem(t: Task, emails: boolean): ReturnType<typeof taskJson> & { etag: string } {
  const item = taskJson(t, emails) as ReturnType<typeof taskJson> & { etag: string }
  item.etag = versionTag(t.updatedAt)
  return item
}

/** What a single task's answer says about a related task or a sub-task. */
function taskBrief(t: Task) {
  return { id: t.id, key: t.key, title: t.title, state: { name: t.state.name, group: t.state.group }, url: `/planning/tasks/${t.key}` }
}

/**
 * One task as `GET /api/v1/planning/tasks/:ref`, its create and PATCH and the `planning_get_task`,
 * `planning_create_task` and `planning_update_task` tools answer it: `taskJson` with its relations
 * (`blocks`, `blockedBy`) and direct sub-tasks. Lists leave these out (two more queries per task).
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

/**
 * The fields a task's create or update takes (`dueAt` and `parentId` are older names of `due` and
 * `parent`); `blocks` and `blockedBy` are lists of task keys or ids, which an update's replace.
 */
export const TASK_INPUT_FIELDS = ['title', 'description', 'state', 'priority', 'assigneeId', 'assigneeEmail', 'labels', 'estimate', 'due', 'parent', 'milestoneId', 'cycleId', 'position', 'blocks', 'blockedBy'] as const
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
  if (k === 'assignee') throw new InputError(`Unknown field 'assignee': send assigneeId (a user id) or assigneeEmail (an email); null or "" unassigns. The accepted fields are ${accepted}.`, 'assignee')
  throw new InputError(`Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((x) => `'${x}'`).join(', ')}: the accepted fields are ${accepted}.`, k)
}

/**
 * A write's JSON body, which must be an object: an array, a string, a number, true/false or null is a
 * 400 saying so (read as `{}` it would answer 200 with nothing changed). No body at all is `{}`.
 */
function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || (body !== null && typeof body === 'object' && !Array.isArray(body))) return jsonBody(body)
  const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`
  throw new InputError(`The body must be a JSON object of fields, like {"title": "..."}; got ${got}.`, 'body', 400)
}

/**
 * A milestone or cycle of a project by id or name (case aside; `''` or null clears); an unknown one is
 * a 422 naming `field`. The API's `milestoneId`/`cycleId` and the MCP tools' `milestone`/`cycle` share it.
 */
export function planItemId(list: { id: string; name: string }[], value: unknown, what: 'milestone' | 'cycle', field: string = what): string {
  const v = value == null ? '' : String(value).trim()
  if (!v) return ''
  const hit = list.find((x) => x.id === v) ?? list.find((x) => x.name.toLowerCase() === v.toLowerCase())
  if (!hit) throw new InputError(`Unknown ${what} '${v}' in this project: use the id or name of one of its ${what}s.`, field)
  return hit.id
}

/** A task body with `milestoneId` and `cycleId` given as names turned into the project's ids (the rest as it was). */
async function withPlanIds(projects: ProjectService, projectId: () => Promise<string>, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const named = (v: unknown) => v !== undefined && v !== null && v !== ''
  if (!named(input.milestoneId) && !named(input.cycleId)) return input
  const id = await projectId()
  const out = { ...input }
  if (named(input.milestoneId)) out.milestoneId = planItemId(await projects.milestones(id), input.milestoneId, 'milestone', 'milestoneId')
  if (named(input.cycleId)) out.cycleId = planItemId(await projects.cycles(id), input.cycleId, 'cycle', 'cycleId')
  return out
}

/** What `listRequest` asks about an `assignee` filter: the organization's members, and whether anyone's tasks name them. */
export interface AssigneeLookup {
  people: Pick<People, 'members'>
  tasks: Pick<TaskService, 'list'>
}

/**
 * A list request's filter and page size, checked: an unknown priority, state, group, sort, order,
 * date, label, milestone, cycle or assignee, or a `limit` that is no whole number from 1 to 500, is a
 * 400 saying what is allowed. With `project`, `state` takes names as well as ids. An assignee is
 * `me`, `none` or a user id: a member of the organization, or someone its tasks are still assigned
 * to (a former member's tasks can be listed).
 */
export async function listRequest(projects: ProjectService, orgId: string, query: Record<string, string | undefined>, viewerId: string, lookup: AssigneeLookup): Promise<{ filter: TaskFilter; limit: number }> {
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
    if (unknown.length) throw new InputError(`The state filter names an unknown state '${unknown[0]}': use state ids, or state names together with project=KEY.`, 'state', 400)
  }
  // every value of the raw parameter (one id, or a comma list), whatever shape the filter gives them
  const assignees = (query.assignee ?? '').split(',').map((v) => v.trim()).filter((v) => v && v !== 'me' && v !== 'none' && v !== viewerId)
  const members = assignees.length ? await lookup.people.members(orgId) : []
  for (const who of assignees) {
    if (members.some((m) => m.id === who)) continue
    const { items } = await lookup.tasks.list(orgId, { assigneeId: who }, { limit: 1 })
    if (!items.length) throw new InputError(`The assignee filter names an unknown assignee '${who.slice(0, 40)}': use me, none or the id of a member of this organization.`, 'assignee', 400)
  }
  return { filter, limit }
}

// ---- versions: ETag, If-None-Match (304), If-Match (412)

/**
 * A strong ETag for a GET's answer: `"<version>-<digest>"`, the version being the row's updatedAt in
 * milliseconds (what If-Match compares) and the digest a hash of the body, which changes too when what
 * the body shows of other rows does (a sub-task's title, a label's name) though this row did not.
 */
function etagOf(updatedAt: Date, body: string): string {
  return `"${updatedAt.getTime()}-${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`
}

/** A list item's `etag`: the version alone, good for If-Match (a GET's ETag adds the digest). */
const versionTag = (updatedAt: Date) => `"${updatedAt.getTime()}"`

interface EntityTag {
  weak: boolean
  opaque: string
}

/** An If-Match / If-None-Match value: `*`, a list of entity tags (RFC 9110), or null when it is neither. */
function entityTags(header: string): '*' | EntityTag[] | null {
  const h = header.trim()
  if (h === '*') return '*'
  const tags: EntityTag[] = []
  const re = /\s*(W\/)?"([^"\s]*)"\s*(,|$)/y
  while (re.lastIndex < h.length) {
    const m = re.exec(h)
    if (!m) return null
    tags.push({ weak: !!m[1], opaque: m[2]! })
  }
  return tags.length ? tags : null
}

/**
 * The versions an If-Match header lets a write proceed on: undefined without one or with `*` (any
 * current version: last write wins, as before). Strong comparison, on the version part: a weak tag or
 * one this API never gave matches nothing (412). A value that is no entity tag at all (`If-Match:
 * 1732…` without its quotes) is a 400 saying how to write it: a 412 would send the client to read
 * the task again, and it would send the same broken header again.
 */
function expectedVersions(request: Request): Date[] | undefined {
  const header = request.headers.get('if-match')
  if (header === null) return undefined
  const tags = entityTags(header)
  if (!tags) throw new InputError(`If-Match must be * or the ETag a GET answered, with its double quotes (If-Match: "1732550400000-…"); got ${JSON.stringify(header.slice(0, 80))}.`, 'If-Match', 400)
  if (tags === '*') return undefined
  return tags.flatMap((t) => {
    const m = t.weak ? null : /^(\d{1,15})(-[0-9a-f]{1,64})?$/.exec(t.opaque)
    return m ? [new Date(Number(m[1]))] : []
  })
}

/** True when If-None-Match names `etag` (weak comparison, as RFC 9110 asks) or is `*`: the client's copy is current. */
function notModified(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match')
  const tags = header === null ? null : entityTags(header)
  return tags === '*' || !!tags?.some((t) => `"${t.opaque}"` === etag)
}

/** A GET's JSON answer with its ETag; a 304 without a body when If-None-Match names it. */
function validated(request: Request, updatedAt: Date, value: unknown): Response {
  const body = JSON.stringify(value)
  const headers = { etag: etagOf(updatedAt, body), 'cache-control': 'private, no-cache' }
  if (notModified(request, headers.etag)) return new Response(null, { status: 304, headers })
  return new Response(body, { headers: { ...headers, 'content-type': 'application/json;charset=utf-8' } })
}

/** A task's create or update answer: the body and ETag a GET of it would answer now (relations and sub-tasks too, so no second call). */
async function taskWritten(tasks: TaskService, orgId: string, t: Task, emails: boolean, status = 200): Promise<Response> {
  const body = JSON.stringify(await taskDetailJson(tasks, orgId, t, emails))
  return new Response(body, { status, headers: { etag: etagOf(t.updatedAt, body), 'content-type': 'application/json;charset=utf-8' } })
}

/** A write refused by its If-Match: 412, nothing written. Other errors as `problem` answers them. */
function writeProblem(request: Request, err: unknown): Response {
  if (err instanceof ChangedError) return jsonError(412, 'precondition_failed', `The ${err.noun} changed since you read it (If-Match names an older version): GET it again and reapply your change, with the new ETag in If-Match.`)
  return problem(request, err)
}

const P_READ = { permission: 'planning.project.read' }
const P_MANAGE = { permission: 'planning.project.manage' }
const T_READ = { permission: 'planning.task.read' }
const T_WRITE = { permission: 'planning.task.write' }

/** The API routes. */
export function planningApi(projects: ProjectService, tasks: TaskService, people: Pick<People, 'members'>) {
  /** `{ items }` of one of a project's lists (`nextCursor` null: a project's configuration is one page). */
  async function projectItems(request: Request, auth: Auth, key: string, items: (projectId: string) => Promise<unknown[]>) {
    try {
      const project = await projects.get(orgOf(auth), key)
      return { items: await items(project.id), nextCursor: null }
    } catch (err) {
      return problem(request, err)
    }
  }

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
        const p = await projects.create(orgOf(auth), actorOf(auth), objectBody(body))
        set.status = 201
        return projectJson(p)
      } catch (err) {
        return problem(request, err)
      }
    }, P_MANAGE)
    .get('/api/v1/planning/projects/:key', async ({ request, auth, params }) => {
      try {
        const p = await projects.get(orgOf(auth), params.key)
        return validated(request, p.updatedAt, projectJson(p))
      } catch (err) {
        return problem(request, err)
      }
    }, P_READ)
    .patch('/api/v1/planning/projects/:key', async ({ request, auth, params, body }) => {
      try {
        const p = await projects.update(orgOf(auth), actorOf(auth), params.key, objectBody(body), { expectUpdatedAt: expectedVersions(request) })
        const json = projectJson(p)
        return Response.json(json, { headers: { etag: etagOf(p.updatedAt, JSON.stringify(json)) } })
      } catch (err) {
        return writeProblem(request, err)
      }
    }, P_MANAGE)
    .delete('/api/v1/planning/projects/:key', async ({ request, auth, params }) => {
      try {
        await projects.remove(orgOf(auth), actorOf(auth), params.key, { expectUpdatedAt: expectedVersions(request) })
        return new Response(null, { status: 204 })
      } catch (err) {
        return writeProblem(request, err)
      }
    }, P_MANAGE)
    // what a task's fields and the list's filters take, by project: another organization's key is a 404
    .get('/api/v1/planning/projects/:key/states', ({ request, auth, params }) => projectItems(request, auth, params.key, async (id) => (await projects.states(id)).map(stateJson)), T_READ)
    .get('/api/v1/planning/projects/:key/labels', ({ request, auth, params }) => projectItems(request, auth, params.key, async (id) => (await projects.labels(id)).map(labelJson)), T_READ)
    .get('/api/v1/planning/projects/:key/milestones', ({ request, auth, params }) => projectItems(request, auth, params.key, async (id) => (await projects.milestones(id)).map(milestoneJson)), T_READ)
    .get('/api/v1/planning/projects/:key/cycles', ({ request, auth, params }) => projectItems(request, auth, params.key, async (id) => (await projects.cycles(id)).map(cycleJson)), T_READ)
    // a cycle's unfinished tasks to the next cycle (or `to`, an id or name); the cycle by id or name
    .post('/api/v1/planning/projects/:key/cycles/:cycle/rollover', async ({ request, auth, params, body }) => {
      try {
        const input = objectBody(body)
        const unknown = Object.keys(input).filter((k) => k !== 'to')
        if (unknown.length) throw new InputError(`Unknown field '${unknown[0]}': the only field is to (the id or name of the cycle to move the unfinished tasks to; the next cycle without it).`, unknown[0])
        const to = input.to == null ? undefined : String(input.to)
        const { from, to: target, moved } = await tasks.rollover(orgOf(auth), actorOf(auth), params.key, params.cycle, to)
        return { moved: moved.length, tasks: moved.map((t) => t.key), from: cycleJson(from), to: cycleJson(target) }
      } catch (err) {
        return problem(request, err)
      }
    }, T_WRITE)
    .get('/api/v1/planning/tasks', async ({ request, auth, query }) => {
      try {
        const orgId = orgOf(auth)
        const { filter, limit } = await listRequest(projects, orgId, query, auth.user.id, { people, tasks })
        const page = await tasks.list(orgId, filter, { cursor: query.cursor, limit })
        const emails = seesEmails(auth.permissions)
        return { items: page.items.map((t) => taskListItem(t, emails)), nextCursor: page.nextCursor }
      } catch (err) {
        return problem(request, err)
      }
    }, T_READ)
    .post('/api/v1/planning/tasks', async ({ request, auth, body }) => {
      try {
        const input = objectBody(body)
        checkTaskFields(input, ['project', 'projectId'])
        const project = String(input.project ?? input.projectId ?? '')
        if (!project) return problem(request, new InputError('Name the project: send project with its key, like WEB.', 'project'))
        const orgId = orgOf(auth)
        const emails = seesEmails(auth.permissions)
        const t = await tasks.create(orgId, actorOf(auth), project, await withPlanIds(projects, async () => (await projects.get(orgId, project)).id, input))
        return await taskWritten(tasks, orgId, t, emails, 201)
      } catch (err) {
        return problem(request, err)
      }
    }, T_WRITE)
    .get('/api/v1/planning/tasks/:ref', async ({ request, auth, params }) => {
      try {
        const orgId = orgOf(auth)
        const t = await tasks.get(orgId, params.ref)
        return validated(request, t.updatedAt, await taskDetailJson(tasks, orgId, t, seesEmails(auth.permissions)))
      } catch (err) {
        return problem(request, err)
      }
    }, T_READ)
    .patch('/api/v1/planning/tasks/:ref', async ({ request, auth, params, body }) => {
      try {
        const input = objectBody(body)
        checkTaskFields(input)
        const orgId = orgOf(auth)
        const emails = seesEmails(auth.permissions)
        const named = await withPlanIds(projects, async () => (await tasks.row(orgId, params.ref)).task.projectId, input)
        const t = await tasks.update(orgId, actorOf(auth), params.ref, named, { expectUpdatedAt: expectedVersions(request) })
        return await taskWritten(tasks, orgId, t, emails)
      } catch (err) {
        return writeProblem(request, err)
      }
    }, T_WRITE)
    .delete('/api/v1/planning/tasks/:ref', async ({ request, auth, params }) => {
      try {
        await tasks.remove(orgOf(auth), actorOf(auth), params.ref, { expectUpdatedAt: expectedVersions(request) })
        return new Response(null, { status: 204 })
      } catch (err) {
        return writeProblem(request, err)
      }
    }, T_WRITE)
}
