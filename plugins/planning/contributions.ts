/** @module What planning contributes to other plugins: search, dashboard widget, calendar, entity links, MCP tools, workflow actions. */
import { seesEmails } from '../../core/auth/permissions.ts'
import { t } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import type { PluginContext } from '../../core/plugins/contract.ts'
import { listRequest, planItemId, taskDetailJson, taskJson } from './api.ts'
import { actorOf } from './http.ts'
import type { ProjectService } from './service.ts'
import type { TaskStats } from './stats.ts'
import { TASK_REF_RE } from './task-queries.ts'
import type { TaskService } from './tasks.ts'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Throws 403 unless `auth` holds `permission` (tools and actions check like the routes do). */
function need(auth: Auth, permission: string): string {
  if (!can(auth, permission)) throw new InputError(`You need the permission "${permission}": ask an admin for it.`, 'permission', 403)
  if (!auth.org) throw new InputError('You belong to no organization: ask an admin to add you to one.', 'org', 404)
  return auth.org.id
}

/** Registers every contribution; the host removes them on disable. */
export function contribute(ctx: PluginContext<any>, projects: ProjectService, tasks: TaskService, stats: TaskStats): void {
  ctx.nav({ label: 'Planning', href: '/planning', icon: 'kanban', permission: 'planning.project.read' })

  ctx.contribute('search.provider', {
    label: 'Tasks and projects',
    permission: 'planning.task.read',
    async search(query, auth) {
      if (!auth.org) return []
      const q = query.trim().toLowerCase()
      const ps = (await projects.list(auth.org.id)).filter((p) => p.key.toLowerCase() === q || p.name.toLowerCase().includes(q)).slice(0, 3)
      // a key (WEB-1) names one task: it comes first, before text matches found by recency
      const [exact, found] = await Promise.all([TASK_REF_RE.test(query.trim()) ? tasks.get(auth.org.id, query.trim()).catch(() => undefined) : undefined, tasks.search(auth.org.id, query, 8)])
      const ts = exact ? [exact, ...found.filter((x) => x.id !== exact.id)].slice(0, 8) : found
      return [
        ...ps.map((p) => ({ title: `${p.key} ${p.name}`, href: `/planning/projects/${p.key}`, snippet: 'Project' })),
        ...ts.map((x) => ({ title: `${x.key} ${x.title}`, href: `/planning/tasks/${x.key}`, snippet: `${x.state.name} · ${x.project.name}` })),
      ]
    },
  })

  ctx.contribute('dashboard.widget', {
    id: 'my-tasks',
    title: 'My tasks',
    description: 'Open tasks assigned to you',
    permission: 'planning.task.read',
    async render(_request, auth) {
      if (!auth.org) return '<p class="muted">You belong to no organization.</p>'
      const [{ items }, total] = await Promise.all([tasks.list(auth.org.id, { assigneeId: auth.user.id, open: true, sort: 'priority' }, { limit: 10 }), stats.openAssignedCount(auth.org.id, auth.user.id)])
      if (!items.length) return '<p class="muted">No open tasks assigned to you.</p>'
      // the first 10 by priority; past them, how many more and a link to them all (/planning/my)
      const more = total - items.length
      return `<ul class="pl-widget">${items
        .map((x) => `<li><a href="/planning/tasks/${esc(x.key)}">${esc(x.key)} ${esc(x.title)}</a> <small class="muted">${esc(x.state.name)}${x.dueAt ? ' · due ' + x.dueAt.toISOString().slice(0, 10) : ''}</small></li>`)
        .join('')}</ul>${more > 0 ? `<p><a href="/planning/my">${more} more — see all</a></p>` : ''}`
    },
  })

  // Three layers, so the calendar shows (and remembers) a toggle for each: `src:planning:<id>`.
  // Titles start with what tells items apart (the project key or task key): narrow month cells show
  // only their first letters, and 'Cycle: Cycle 1 (W…' looked the same for every project.
  ctx.contribute('calendar.source', {
    id: 'due',
    label: 'Planning: due dates',
    color: '#8b5cf6',
    permission: 'planning.task.read',
    async items(range, auth) {
      if (!auth.org) return []
      const due = await tasks.dueBetween(auth.org.id, range.from, range.to)
      return due.map((x) => ({ id: `task:${x.id}`, title: `${x.key} due · ${x.title}`, start: x.dueAt!, allDay: true, href: `/planning/tasks/${x.key}` }))
    },
  })
  ctx.contribute('calendar.source', {
    id: 'milestones',
    label: 'Planning: milestones',
    color: '#0ea5e9',
    permission: 'planning.project.read',
    async items(range, auth) {
      if (!auth.org) return []
      const rows = await stats.milestonesBetween(auth.org.id, range.from, range.to)
      return rows.map(({ milestone: m, project: p }) => ({ id: `milestone:${m.id}`, title: `${p.key} milestone · ${m.name}`, start: m.targetDate!, allDay: true, href: `/planning/projects/${p.key}/milestones` }))
    },
  })
  ctx.contribute('calendar.source', {
    id: 'cycles',
    label: 'Planning: cycles',
    color: '#14b8a6',
    permission: 'planning.project.read',
    async items(range, auth) {
      if (!auth.org) return []
      const rows = await stats.cyclesOverlapping(auth.org.id, range.from, range.to)
      return rows.map(({ cycle: c, project: p }) => ({
        id: `cycle:${c.id}`,
        title: `${p.key} · ${c.name}`,
        start: c.startsAt,
        // the cycle covers its end day
        end: new Date(c.endsAt.getTime() + 86_400_000),
        allDay: true,
        href: `/planning/projects/${p.key}/cycles?cycle=${c.id}`,
      }))
    },
  })

  ctx.contribute('entity.link', {
    type: 'planning.task',
    label: 'Task',
    permission: 'planning.task.read',
    async resolve(id, auth) {
      if (!auth.org) return undefined
      const task = await tasks.get(auth.org.id, id).catch(() => undefined)
      return task ? { title: `${task.key} ${task.title}`, href: `/planning/tasks/${task.key}` } : undefined
    },
  })
  // Projects, milestones and cycles carry activity facts too (their feeds show a row only through a
  // link that resolves it for the viewer). Ids only: a project's key is not its entity id.
  ctx.contribute('entity.link', {
    type: 'planning.project',
    label: 'Project',
    permission: 'planning.project.read',
    async resolve(id, auth) {
      if (!auth.org) return undefined
      const project = await projects.get(auth.org.id, id).catch(() => undefined)
      return project && project.id === id ? { title: `${project.key} ${project.name}`, href: `/planning/projects/${project.key}` } : undefined
    },
  })
  // Milestones and cycles: found by id in the viewer's organization, titled and linked through their project.
  const projectChildLink = (
    type: string,
    label: string,
    find: (orgId: string, id: string) => Promise<{ projectId: string; name: string; id: string }>,
    href: (projectKey: string, id: string) => string,
  ) =>
    ctx.contribute('entity.link', {
      type,
      label,
      permission: 'planning.project.read',
      async resolve(id, auth) {
        if (!auth.org) return undefined
        const orgId = auth.org.id
        const child = await find(orgId, id).catch(() => undefined)
        const project = child && (await projects.get(orgId, child.projectId).catch(() => undefined))
        return child && project ? { title: `${project.key} ${child.name}`, href: href(project.key, child.id) } : undefined
      },
    })
  projectChildLink('planning.milestone', 'Milestone', (orgId, id) => projects.milestone(orgId, id), (key) => `/planning/projects/${key}/milestones`)
  projectChildLink('planning.cycle', 'Cycle', (orgId, id) => projects.cycle(orgId, id), (key, id) => `/planning/projects/${key}/cycles?cycle=${encodeURIComponent(id)}`)

  const taskFields = {
    title: t.Optional(t.String({ description: 'Title' })),
    description: t.Optional(t.String({ description: 'Markdown description' })),
    state: t.Optional(t.String({ description: 'State name (e.g. "In Progress") or id' })),
    priority: t.Optional(t.Union([t.Literal('urgent'), t.Literal('high'), t.Literal('medium'), t.Literal('low'), t.Literal('none')])),
    assigneeEmail: t.Optional(t.String({ description: "Assignee's email (empty to unassign)" })),
    labels: t.Optional(t.Array(t.String(), { description: 'Label names' })),
    estimate: t.Optional(t.Union([t.Number(), t.Null()])),
    due: t.Optional(t.Union([t.String({ description: 'YYYY-MM-DD' }), t.Null()])),
    parent: t.Optional(t.Union([t.String({ description: 'Parent task key (WEB-1) or id in the same project; empty to clear' }), t.Null()])),
    milestone: t.Optional(t.Union([t.String({ description: 'Milestone name or id in the project; empty to clear' }), t.Null()])),
    cycle: t.Optional(t.Union([t.String({ description: 'Cycle name or id in the project; empty to clear' }), t.Null()])),
    blocks: t.Optional(t.Array(t.String(), { description: 'Keys (WEB-12) or ids of the tasks this one blocks; on update the whole set ([] clears)' })),
    blockedBy: t.Optional(t.Array(t.String(), { description: 'Keys (WEB-12) or ids of the tasks blocking this one; on update the whole set ([] clears)' })),
  }

  /** The tools' input as the task service takes it: `milestone`/`cycle` names become ids, a null parent clears it. */
  const serviceInput = async (projectId: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const { milestone, cycle, ...rest } = input
    const out: Record<string, unknown> = { ...rest }
    if (rest.parent === null) out.parent = ''
    if (milestone !== undefined) out.milestoneId = planItemId(await projects.milestones(projectId), milestone, 'milestone')
    if (cycle !== undefined) out.cycleId = planItemId(await projects.cycles(projectId), cycle, 'cycle')
    return out
  }

  ctx.contribute('mcp.tool', {
    name: 'planning_list_tasks',
    description: 'Lists tasks of the organization, optionally of one project (key like WEB), filtered by text, state, assignee ("me") or priority.',
    input: t.Object({
      project: t.Optional(t.String()),
      q: t.Optional(t.String()),
      state: t.Optional(t.String({ description: 'state id' })),
      assignee: t.Optional(t.String({ description: '"me", "none" or a user id' })),
      priority: t.Optional(t.String()),
      open: t.Optional(t.Boolean()),
      cursor: t.Optional(t.String()),
      limit: t.Optional(t.Number()),
    }),
    permission: 'planning.task.read',
    async call(input, auth) {
      const orgId = need(auth, 'planning.task.read')
      const q = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v == null ? undefined : String(v)]))
      const { filter, limit } = await listRequest(projects, orgId, q, auth.user.id, { people: ctx.people, tasks })
      const page = await tasks.list(orgId, filter, { cursor: q.cursor, limit })
      const emails = seesEmails(auth.permissions)
      return { items: page.items.map((t) => taskJson(t, emails)), nextCursor: page.nextCursor }
    },
  })
  ctx.contribute('mcp.tool', {
    name: 'planning_get_task',
    description: 'Gets one task by key (WEB-42) or id, with its relations (blocks, blockedBy) and sub-tasks.',
    input: t.Object({ task: t.String({ description: 'WEB-42 or id' }) }),
    permission: 'planning.task.read',
    async call(input, auth) {
      const orgId = need(auth, 'planning.task.read')
      return taskDetailJson(tasks, orgId, await tasks.get(orgId, String(input.task ?? '')), seesEmails(auth.permissions))
    },
  })
  ctx.contribute('mcp.tool', {
    name: 'planning_create_task',
    description: 'Creates a task in a project (key like WEB); answers it as planning_get_task does.',
    input: t.Object({ project: t.String(), ...taskFields, title: t.String() }),
    permission: 'planning.task.write',
    async call(input, auth) {
      const orgId = need(auth, 'planning.task.write')
      const project = await projects.get(orgId, String(input.project ?? ''))
      return taskDetailJson(tasks, orgId, await tasks.create(orgId, actorOf(auth), project.id, await serviceInput(project.id, input)), seesEmails(auth.permissions))
    },
  })
  ctx.contribute('mcp.tool', {
    name: 'planning_update_task',
    description: 'Changes fields of a task (key like WEB-42); absent fields stay. parent, milestone and cycle take a key, name or id ("" clears).',
    input: t.Object({ task: t.String(), ...taskFields }),
    permission: 'planning.task.write',
    async call(input, auth) {
      const orgId = need(auth, 'planning.task.write')
      const { task, ...rest } = input
      const { task: row } = await tasks.row(orgId, String(task ?? ''))
      return taskDetailJson(tasks, orgId, await tasks.update(orgId, actorOf(auth), row.id, await serviceInput(row.projectId, rest)), seesEmails(auth.permissions))
    },
  })

  ctx.contribute('workflow.action', {
    id: 'planning.create_task',
    label: 'Create a task',
    input: t.Object({ project: t.String(), title: t.String(), description: t.Optional(t.String()), priority: t.Optional(t.String()), assigneeEmail: t.Optional(t.String()), state: t.Optional(t.String()) }),
    permission: 'planning.task.write',
    async run(input, auth) {
      const task = await tasks.create(need(auth, 'planning.task.write'), actorOf(auth), String(input.project ?? ''), input)
      return { id: task.id, key: task.key, url: `/planning/tasks/${task.key}` }
    },
  })
  ctx.contribute('workflow.action', {
    id: 'planning.set_state',
    label: 'Move a task to a state',
    input: t.Object({ task: t.String({ description: 'WEB-42 or id' }), state: t.String({ description: 'State name or id' }) }),
    permission: 'planning.task.write',
    async run(input, auth) {
      const task = await tasks.update(need(auth, 'planning.task.write'), actorOf(auth), String(input.task ?? ''), { state: String(input.state ?? '') })
      return { id: task.id, key: task.key, state: task.state.name }
    },
  })
}
