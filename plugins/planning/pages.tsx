/** @module The planning pages under /planning: projects, task list, board, task page, settings, roadmap, cycles, CSV. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { isFragmentRequest, redirect } from '../../core/http/render.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import type { PluginContext } from '../../core/plugins/contract.ts'
import { readForm, readFormAll, safeNext } from '../../core/pages/context.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { describeImport, exportCsv, importCsv } from './csv.ts'
import { checkFilterQuery, stateIdsOf } from './filters.ts'
import { actorOf, fieldErrors, isFormError, orgOf, problem } from './http.ts'
import type { ProjectService } from './service.ts'
import { progressOf, type TaskStats } from './stats.ts'
import type { TaskFilter, TaskService } from './tasks.ts'
import { CyclesPage, ImportPage, RoadmapPage } from './views/plan.tsx'
import { ProjectsPage, SettingsPage } from './views/projects.tsx'
import { Board, BoardPage, BulkDeletePage, NewTaskPage, TaskListPage, TaskPage, taskValues, type ProjectContext } from './views/tasks.tsx'

const READ = { permission: 'planning.project.read' }
const MANAGE = { permission: 'planning.project.manage' }
const TASK_READ = { permission: 'planning.task.read' }
const TASK_WRITE = { permission: 'planning.task.write' }
const FILTER_KEYS = ['q', 'state', 'assignee', 'label', 'priority', 'dueAfter', 'dueBefore', 'sort', 'dir', 'milestone', 'cycle'] as const

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

/** The page routes. */
export function planningPages(ctx: PluginContext<any>, projects: ProjectService, tasks: TaskService, stats: TaskStats) {
  const page = (request: Request, auth: Auth, title: string, body: unknown, status?: number) => ctx.page(request, auth, { title, body: body as string, status })

  async function load(auth: Auth, key: string): Promise<ProjectContext> {
    const orgId = orgOf(auth)
    const project = await projects.get(orgId, key)
    const [states, labels, people, milestones, cycles] = await Promise.all([projects.states(project.id), projects.labels(project.id), ctx.people.members(orgId), projects.milestones(project.id), projects.cycles(project.id)])
    return { project, states, labels, people, milestones, cycles, csrf: auth.session?.csrf, manage: can(auth, 'planning.project.manage'), write: can(auth, 'planning.task.write') }
  }

  /** The cards of a board (per column the most recently updated, in board order) and each column's true count. */
  async function boardTasks(auth: Auth, pc: ProjectContext, query: Record<string, string>) {
    const { cards, counts } = await tasks.board(orgOf(auth), pc.project.id, filterFrom(query, pc.project.id, auth.user.id), BOARD_COLUMN_LIMIT)
    return { cards: cards.sort((a, b) => a.position - b.position), counts }
  }

  async function boardPage(request: Request, auth: Auth, key: string, query: Record<string, string>, failed?: { error: string; status: number }) {
    const pc = await load(auth, key)
    const { cards, counts } = await boardTasks(auth, pc, query)
    return page(request, auth, `${pc.project.key} board`, BoardPage({ pc, tasks: cards, counts, query, error: failed?.error }), failed?.status)
  }

  /** The board alone, for htmx to swap in after a move. */
  async function boardFragment(auth: Auth, key: string, query: Record<string, string>) {
    const pc = await load(auth, key)
    const { cards, counts } = await boardTasks(auth, pc, query)
    return new Response(Board({ pc, tasks: cards, counts, query }) as string, { headers: { 'content-type': 'text/html; charset=utf-8' } })
  }

  async function projectsPage(request: Request, auth: Auth, values: Record<string, string> = {}, errors: FieldErrors = {}, status?: number) {
    const orgId = orgOf(auth)
    const [list, people, counts] = await Promise.all([projects.list(orgId), ctx.people.members(orgId), stats.projectCounts(orgId)])
    const withCounts = list.map((p) => ({ ...p, ...(counts.get(p.id) ?? { total: 0, open: 0 }) }))
    return page(request, auth, 'Planning', ProjectsPage({ projects: withCounts, people, manage: can(auth, 'planning.project.manage'), csrf: auth.session?.csrf, values, errors, error: errors._ }), status)
  }

  async function listPage(
    request: Request,
    auth: Auth,
    key: string,
    query: Record<string, string | undefined>,
    extra: { error?: string; bulkError?: string; status?: number; view?: { name: string; error: string } } = {},
  ) {
    const pc = await load(auth, key)
    const clean: Record<string, string> = {}
    for (const k of FILTER_KEYS) if (query[k]) clean[k] = String(query[k])
    let result: Awaited<ReturnType<TaskService['list']>> = { items: [], nextCursor: null }
    let error = extra.error
    try {
      checkFilterQuery(clean, pc)
      const filter = filterFrom(clean, pc.project.id, auth.user.id)
      filter.stateIds = stateIdsOf(clean.state, pc.states) // states may be named, as the API allows
      result = await tasks.list(orgOf(auth), filter, { cursor: query.cursor, limit: 50 })
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      // a view refused for its filters says so next to its name; once is enough
      if (err.message !== extra.view?.error) error = err.message
      extra.status ??= 422
    }
    const views = await projects.views(pc.project.id, auth.user.id)
    const body = TaskListPage({ pc, tasks: result.items, nextCursor: result.nextCursor, query: clean, views, error, bulkError: extra.bulkError, view: extra.view })
    return page(request, auth, `${pc.project.key} tasks`, body, extra.status)
  }

  async function taskPage(
    request: Request,
    auth: Auth,
    ref: string,
    form?: { values: Record<string, string>; labels: string[]; errors: FieldErrors; status: number },
    extra?: { error?: string; status: number; relation?: { kind: string; other: string; error: string } },
  ) {
    const orgId = orgOf(auth)
    const task = await tasks.get(orgId, ref)
    const pc = await load(auth, task.project.key)
    const [parent, subtasks, relations, history] = await Promise.all([
      task.parentId ? tasks.get(orgId, task.parentId).catch(() => undefined) : undefined,
      tasks.subtasks(orgId, task.id),
      tasks.relations(orgId, task.id),
      tasks.history(orgId, task.id),
    ])
    const thread = ctx.service<KnownServices['collaboration.thread']>('collaboration.thread')
    let safeThread = ''
    if (thread) {
      try {
        safeThread = await thread.render(request, auth, { type: 'planning.task', id: task.id })
      } catch (err) {
        ctx.log.error('comment thread failed', { error: err })
      }
    }
    const body = TaskPage({
      pc,
      task,
      parent,
      subtasks,
      relations,
      history,
      values: form?.values ?? taskValues(task, parent?.key),
      labels: form?.labels ?? task.labels.map((l) => l.id),
      errors: form?.errors ?? {},
      error: form?.errors._ ?? extra?.error,
      relation: extra?.relation,
      safeThread,
    })
    return page(request, auth, `${task.key} ${task.title}`, body, form?.status ?? extra?.status)
  }

  async function settingsPage(request: Request, auth: Auth, key: string, form?: { values?: Record<string, string>; errors?: FieldErrors; error?: string; status?: number }) {
    const orgId = orgOf(auth)
    const project = await projects.get(orgId, key)
    const [states, labels, people, usage] = await Promise.all([projects.states(project.id), projects.labels(project.id), ctx.people.members(orgId), stats.stateUsage(project.id)])
    const used = (id: string) => usage.get(id) ?? 0
    const values = form?.values ?? { name: project.name, description: project.description, leadId: project.leadId ?? '', status: project.status }
    const body = SettingsPage({ project, states: states.map((s) => ({ ...s, used: used(s.id) })), labels, people, csrf: auth.session?.csrf, values, errors: form?.errors ?? {}, error: form?.error })
    return page(request, auth, `${project.key} settings`, body, form?.status)
  }

  async function roadmapPage(request: Request, auth: Auth, key: string, form?: { values: Record<string, string>; errors: FieldErrors; status: number; editing?: string }) {
    const orgId = orgOf(auth)
    const project = await projects.get(orgId, key)
    const [list, progress] = await Promise.all([projects.milestones(project.id), stats.progressBy(project.id, 'milestone')])
    const milestones = list.map((m) => ({ ...m, progress: progressOf(progress, m.id) }))
    const body = RoadmapPage({ project, milestones, manage: can(auth, 'planning.project.manage'), csrf: auth.session?.csrf, values: form?.values ?? {}, errors: form?.errors ?? {}, error: form?.errors._, editing: form?.editing })
    return page(request, auth, `${project.key} roadmap`, body, form?.status)
  }

  async function cyclesPage(request: Request, auth: Auth, key: string, selected?: string, form?: { values: Record<string, string>; errors: FieldErrors; status: number; editing?: boolean }) {
    const orgId = orgOf(auth)
    const project = await projects.get(orgId, key)
    const [list, progress] = await Promise.all([projects.cycles(project.id), stats.progressBy(project.id, 'cycle')])
    const cycles = list.map((c) => ({ ...c, progress: progressOf(progress, c.id) }))
    const now = new Date()
    const current = cycles.find((c) => c.id === selected) ?? cycles.find((c) => c.startsAt <= now && c.endsAt.getTime() + 86_400_000 > now.getTime())
    const scope = current ? await tasks.list(orgId, { projectId: project.id, cycleId: current.id, sort: 'number', dir: 'asc' }, { limit: SCOPE_LIMIT }) : { items: [], nextCursor: null }
    const body = CyclesPage({ project, cycles, current, scope: scope.items, scopeMore: !!scope.nextCursor, manage: can(auth, 'planning.project.manage'), csrf: auth.session?.csrf, values: form?.values ?? {}, errors: form?.errors ?? {}, error: form?.errors._, editing: form?.editing, now })
    return page(request, auth, `${project.key} cycles`, body, form?.status)
  }

  /** Runs a settings change; a bad value re-renders the settings with the error (422). */
  async function settingsAction(request: Request, auth: Auth, key: string, fn: () => Promise<unknown>, ok: string) {
    try {
      await fn()
      return redirect(request, `/planning/projects/${key}/settings`, { kind: 'ok', text: ok })
    } catch (err) {
      if (!isFormError(err)) return problem(request, err)
      return settingsPage(request, auth, key, { error: err.message, status: err.status })
    }
  }

  const taskInput = (form: Record<string, string>, all: Record<string, string[]>) => ({
    title: form.title,
    description: form.description ?? '',
    state: form.state || undefined,
    priority: form.priority || 'none',
    assigneeId: form.assigneeId ?? '',
    estimate: form.estimate ?? '',
    due: form.due ?? '',
    parent: form.parent ?? '',
    milestoneId: form.milestoneId ?? '',
    cycleId: form.cycleId ?? '',
    labels: all.labels ?? [],
  })

  return new Elysia({ name: 'plugin:planning:pages' })
    .use(guard)
    .get('/planning', ({ request, auth }) => projectsPage(request, auth).catch((e) => problem(request, e)), READ)
    .post(
      '/planning/projects',
      async ({ request, auth }) => {
        const form = await readForm(request)
        try {
          const p = await projects.create(orgOf(auth), actorOf(auth), form)
          return redirect(request, `/planning/projects/${p.key}`, { kind: 'ok', text: `Project ${p.key} created` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return projectsPage(request, auth, form, fieldErrors(err), err.status)
        }
      },
      MANAGE,
    )
    .get('/planning/projects/:key', ({ request, auth, params, query }) => listPage(request, auth, params.key, query).catch((e) => problem(request, e)), TASK_READ)
    .get('/planning/projects/:key/board', ({ request, auth, params, query }) => boardPage(request, auth, params.key, boardQuery(query)).catch((e) => problem(request, e)), TASK_READ)
    .post(
      '/planning/projects/:key/board',
      async ({ request, auth, params }) => {
        // The board's form without JavaScript: `move` (a card's button) names the task, the field
        // named by its key (the card's select) the state; `view` holds the board's filters.
        const form = await readForm(request)
        const view = boardQuery(form.view)
        try {
          const orgId = orgOf(auth)
          const project = await projects.get(orgId, params.key)
          const ref = form.move ?? ''
          if (!ref) throw new InputError("Choose a card's state, then press its Move button", 'move')
          const current = await tasks.get(orgId, ref)
          if (current.projectId !== project.id) throw new InputError('No such task on this board', 'move', 404)
          const state = form[ref] ?? ''
          if (!state) throw new InputError(`Choose a state for ${current.key}`, 'state')
          const task = await tasks.update(orgId, actorOf(auth), current.id, { state })
          if (isFragmentRequest(request)) return boardFragment(auth, project.key, view)
          const qs = new URLSearchParams(view).toString()
          return redirect(request, `/planning/projects/${project.key}/board${qs ? '?' + qs : ''}`, { kind: 'ok', text: `${task.key} moved to ${task.state.name}` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return boardPage(request, auth, params.key, view, { error: err.message, status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_WRITE,
    )
    .get(
      '/planning/projects/:key/tasks/new',
      async ({ request, auth, params, query }) => {
        try {
          const pc = await load(auth, params.key)
          const values = { state: query.state ?? '', parent: query.parent ?? '', priority: 'none' }
          return page(request, auth, `New task in ${pc.project.key}`, NewTaskPage({ pc, values, labels: [], errors: {} }))
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/projects/:key/tasks',
      async ({ request, auth, params }) => {
        const { one, all } = await readFormAll(request)
        try {
          const task = await tasks.create(orgOf(auth), actorOf(auth), params.key, taskInput(one, all))
          return redirect(request, one.back ? safeNext(one.back) : `/planning/tasks/${task.key}`, { kind: 'ok', text: `${task.key} created` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          try {
            const pc = await load(auth, params.key)
            return page(request, auth, `New task in ${pc.project.key}`, NewTaskPage({ pc, values: one, labels: all.labels ?? [], errors: fieldErrors(err), error: err.message }), err.status)
          } catch (e) {
            return problem(request, e)
          }
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/projects/:key/bulk',
      async ({ request, auth, params }) => {
        const { one, all } = await readFormAll(request)
        try {
          if (one.op === 'delete') {
            // first a page that names what goes and asks; its button posts again with confirm=yes
            const back = safeNext(one.back || `/planning/projects/${params.key}`)
            if (one.confirm !== 'yes') {
              const [pc, list] = await Promise.all([load(auth, params.key), tasks.bulkPreview(orgOf(auth), params.key, all.ids ?? [])])
              return page(request, auth, `Delete ${list.length} task${list.length === 1 ? '' : 's'}?`, BulkDeletePage({ pc, tasks: list, back }))
            }
            const n = await tasks.bulkRemove(orgOf(auth), actorOf(auth), params.key, all.ids ?? [])
            return redirect(request, back, { kind: 'ok', text: `${n} task${n === 1 ? '' : 's'} deleted` })
          }
          const n = await tasks.bulk(orgOf(auth), actorOf(auth), params.key, all.ids ?? [], one)
          return redirect(request, one.back ? safeNext(one.back) : `/planning/projects/${params.key}`, { kind: 'ok', text: `${n} task${n === 1 ? '' : 's'} updated` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          const back = new URL(safeNext(one.back || `/planning/projects/${params.key}`), 'http://x')
          return listPage(request, auth, params.key, Object.fromEntries(back.searchParams), { bulkError: err.message, status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/projects/:key/views',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          const v = await projects.saveView(orgOf(auth), auth.user.id, params.key, form)
          return redirect(request, `/planning/projects/${params.key}?${v.query}`, { kind: 'ok', text: `View ${v.name} saved` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          const view = { name: form.name ?? '', error: err.message }
          return listPage(request, auth, params.key, Object.fromEntries(new URLSearchParams(form.query ?? '')), { view, status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_READ,
    )
    .post(
      '/planning/projects/:key/views/:id/delete',
      async ({ request, auth, params }) => {
        try {
          await projects.get(orgOf(auth), params.key)
          await projects.removeView(orgOf(auth), auth.user.id, params.id)
          return redirect(request, `/planning/projects/${params.key}`, { kind: 'ok', text: 'View deleted' })
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_READ,
    )
    .get(
      '/planning/projects/:key/export.csv',
      async ({ request, auth, params }) => {
        try {
          const orgId = orgOf(auth)
          const project = await projects.get(orgId, params.key)
          const csv = await exportCsv(tasks, projects, orgId, project.id)
          return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${project.key}-tasks.csv"` } })
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_READ,
    )
    .get(
      '/planning/projects/:key/import',
      async ({ request, auth, params }) => {
        try {
          const project = await projects.get(orgOf(auth), params.key)
          return page(request, auth, `Import into ${project.key}`, ImportPage({ project, csrf: auth.session?.csrf }))
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/projects/:key/import',
      async ({ request, auth, params }) => {
        try {
          const project = await projects.get(orgOf(auth), params.key)
          let text = ''
          let copyForeign = false
          try {
            const form = await request.formData()
            const file = form.get('file')
            text = file && typeof file !== 'string' ? await file.text() : typeof file === 'string' ? file : ''
            copyForeign = form.get('copy') === 'yes'
          } catch {
            text = ''
          }
          if (!text.trim()) return page(request, auth, `Import into ${project.key}`, ImportPage({ project, csrf: auth.session?.csrf, error: 'Choose a CSV file with a header row' }), 422)
          if (text.length > 5_000_000) return page(request, auth, `Import into ${project.key}`, ImportPage({ project, csrf: auth.session?.csrf, error: 'The file is too large (at most 5 MB)' }), 422)
          try {
            // Labels are project configuration: only those who may manage the project add them on import.
            const report = await importCsv(tasks, projects, orgOf(auth), actorOf(auth), project.id, text, { createLabels: can(auth, 'planning.project.manage'), copyForeign })
            return page(request, auth, `Import into ${project.key}`, ImportPage({ project, csrf: auth.session?.csrf, report: describeImport(report), status: report.skipped || report.errors.length ? 'partial' : 'ok' }))
          } catch (err) {
            if (!isFormError(err)) throw err
            return page(request, auth, `Import into ${project.key}`, ImportPage({ project, csrf: auth.session?.csrf, error: err.message }), 422)
          }
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_WRITE,
    )
    // ---- project settings
    .get('/planning/projects/:key/settings', ({ request, auth, params }) => settingsPage(request, auth, params.key).catch((e) => problem(request, e)), MANAGE)
    .post(
      '/planning/projects/:key',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          await projects.update(orgOf(auth), actorOf(auth), params.key, { name: form.name ?? '', description: form.description ?? '', leadId: form.leadId ?? '', status: form.status || 'active' })
          return redirect(request, `/planning/projects/${params.key}/settings`, { kind: 'ok', text: 'Project saved' })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return settingsPage(request, auth, params.key, { values: form, errors: fieldErrors(err), status: err.status }).catch((e) => problem(request, e))
        }
      },
      MANAGE,
    )
    .post(
      '/planning/projects/:key/delete',
      async ({ request, auth, params }) => {
        try {
          await projects.remove(orgOf(auth), actorOf(auth), params.key)
          return redirect(request, '/planning', { kind: 'ok', text: `Project ${params.key.toUpperCase()} deleted` })
        } catch (err) {
          return problem(request, err)
        }
      },
      MANAGE,
    )
    .post('/planning/projects/:key/states', async ({ request, auth, params }) => {
      const form = await readForm(request)
      return settingsAction(request, auth, params.key, () => projects.addState(orgOf(auth), params.key, form), 'State added')
    }, MANAGE)
    .post('/planning/projects/:key/states/:id', async ({ request, auth, params }) => {
      const form = await readForm(request)
      return settingsAction(request, auth, params.key, () => projects.updateState(orgOf(auth), params.key, params.id, form), 'State saved')
    }, MANAGE)
    .post('/planning/projects/:key/states/:id/move', async ({ request, auth, params }) => {
      const form = await readForm(request)
      return settingsAction(request, auth, params.key, () => projects.moveState(orgOf(auth), params.key, params.id, form.direction === 'up' ? -1 : 1), 'State moved')
    }, MANAGE)
    .post('/planning/projects/:key/states/:id/delete', ({ request, auth, params }) => settingsAction(request, auth, params.key, () => projects.removeState(orgOf(auth), params.key, params.id), 'State deleted'), MANAGE)
    .post('/planning/projects/:key/labels', async ({ request, auth, params }) => {
      const form = await readForm(request)
      return settingsAction(request, auth, params.key, () => projects.addLabel(orgOf(auth), params.key, form), 'Label added')
    }, MANAGE)
    .post('/planning/projects/:key/labels/:id', async ({ request, auth, params }) => {
      const form = await readForm(request)
      return settingsAction(request, auth, params.key, () => projects.updateLabel(orgOf(auth), params.key, params.id, { name: form.name, color: form.color }), 'Label saved')
    }, MANAGE)
    .post('/planning/projects/:key/labels/:id/delete', ({ request, auth, params }) => settingsAction(request, auth, params.key, () => projects.removeLabel(orgOf(auth), params.key, params.id), 'Label deleted'), MANAGE)
    // ---- roadmap and cycles
    .get('/planning/projects/:key/milestones', ({ request, auth, params }) => roadmapPage(request, auth, params.key).catch((e) => problem(request, e)), READ)
    .post(
      '/planning/projects/:key/milestones',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          const m = await projects.addMilestone(orgOf(auth), actorOf(auth), params.key, form)
          return redirect(request, `/planning/projects/${params.key}/milestones`, { kind: 'ok', text: `Milestone ${m.name} added` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return roadmapPage(request, auth, params.key, { values: form, errors: fieldErrors(err), status: err.status }).catch((e) => problem(request, e))
        }
      },
      MANAGE,
    )
    .post(
      '/planning/projects/:key/milestones/:id',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          const orgId = orgOf(auth)
          const project = await projects.get(orgId, params.key)
          const m = await projects.milestone(orgId, params.id)
          if (m.projectId !== project.id) throw new InputError('No such milestone in this project', 'milestone', 404)
          const saved = await projects.updateMilestone(orgId, actorOf(auth), m.id, { name: form.name ?? '', targetDate: form.targetDate ?? '', description: form.description ?? '' })
          return redirect(request, `/planning/projects/${project.key}/milestones`, { kind: 'ok', text: `Milestone ${saved.name} saved` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return roadmapPage(request, auth, params.key, { values: form, errors: fieldErrors(err), status: err.status, editing: params.id }).catch((e) => problem(request, e))
        }
      },
      MANAGE,
    )
    .post(
      '/planning/projects/:key/milestones/:id/delete',
      async ({ request, auth, params }) => {
        try {
          const project = await projects.get(orgOf(auth), params.key)
          const m = await projects.milestone(orgOf(auth), params.id)
          if (m.projectId !== project.id) throw new InputError('No such milestone in this project', 'milestone', 404)
          await projects.removeMilestone(orgOf(auth), actorOf(auth), m.id)
          return redirect(request, `/planning/projects/${project.key}/milestones`, { kind: 'ok', text: 'Milestone deleted' })
        } catch (err) {
          return problem(request, err)
        }
      },
      MANAGE,
    )
    .get('/planning/projects/:key/cycles', ({ request, auth, params, query }) => cyclesPage(request, auth, params.key, query.cycle).catch((e) => problem(request, e)), READ)
    .post(
      '/planning/projects/:key/cycles',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          const c = await projects.addCycle(orgOf(auth), actorOf(auth), params.key, form)
          return redirect(request, `/planning/projects/${params.key}/cycles?cycle=${c.id}`, { kind: 'ok', text: `${c.name} added` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return cyclesPage(request, auth, params.key, undefined, { values: form, errors: fieldErrors(err), status: err.status }).catch((e) => problem(request, e))
        }
      },
      MANAGE,
    )
    .post(
      '/planning/projects/:key/cycles/:id',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          const orgId = orgOf(auth)
          const project = await projects.get(orgId, params.key)
          const c = await projects.cycle(orgId, params.id)
          if (c.projectId !== project.id) throw new InputError('No such cycle in this project', 'cycle', 404)
          const saved = await projects.updateCycle(orgId, actorOf(auth), c.id, { name: form.name ?? '', startsAt: form.startsAt ?? '', endsAt: form.endsAt ?? '' })
          return redirect(request, `/planning/projects/${project.key}/cycles?cycle=${saved.id}`, { kind: 'ok', text: `${saved.name} saved` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return cyclesPage(request, auth, params.key, params.id, { values: form, errors: fieldErrors(err), status: err.status, editing: true }).catch((e) => problem(request, e))
        }
      },
      MANAGE,
    )
    .post(
      '/planning/projects/:key/cycles/:id/delete',
      async ({ request, auth, params }) => {
        try {
          const project = await projects.get(orgOf(auth), params.key)
          const c = await projects.cycle(orgOf(auth), params.id)
          if (c.projectId !== project.id) throw new InputError('No such cycle in this project', 'cycle', 404)
          await projects.removeCycle(orgOf(auth), actorOf(auth), c.id)
          return redirect(request, `/planning/projects/${project.key}/cycles`, { kind: 'ok', text: 'Cycle deleted' })
        } catch (err) {
          return problem(request, err)
        }
      },
      MANAGE,
    )
    // ---- one task
    .get('/planning/tasks/:ref', ({ request, auth, params }) => taskPage(request, auth, params.ref).catch((e) => problem(request, e)), TASK_READ)
    .post(
      '/planning/tasks/:ref',
      async ({ request, auth, params }) => {
        const { one, all } = await readFormAll(request)
        try {
          const task = await tasks.update(orgOf(auth), actorOf(auth), params.ref, taskInput(one, all))
          return redirect(request, `/planning/tasks/${task.key}`, { kind: 'ok', text: `${task.key} saved` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return taskPage(request, auth, params.ref, { values: one, labels: all.labels ?? [], errors: fieldErrors(err), status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/tasks/:ref/state',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          const orgId = orgOf(auth)
          const task = await tasks.update(orgId, actorOf(auth), params.ref, { state: form.state ?? '', ...(form.position ? { position: form.position } : {}) })
          if (request.headers.get('accept')?.includes('application/json')) return Response.json({ key: task.key, state: { id: task.state.id, name: task.state.name } })
          if (isFragmentRequest(request)) return boardFragment(auth, task.project.key, boardQuery(form.view))
          return redirect(request, form.back ? safeNext(form.back) : `/planning/tasks/${task.key}`, { kind: 'ok', text: `${task.key} moved to ${task.state.name}` })
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/tasks/:ref/delete',
      async ({ request, auth, params }) => {
        try {
          const task = await tasks.get(orgOf(auth), params.ref)
          await tasks.remove(orgOf(auth), actorOf(auth), task.id)
          return redirect(request, `/planning/projects/${task.project.key}`, { kind: 'ok', text: `${task.key} deleted` })
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/tasks/:ref/relations',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          await tasks.relate(orgOf(auth), actorOf(auth), params.ref, form.kind ?? '', form.other ?? '')
          return redirect(request, `/planning/tasks/${params.ref}`, { kind: 'ok', text: 'Relation added' })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          const relation = { kind: form.kind ?? '', other: form.other ?? '', error: err.message }
          return taskPage(request, auth, params.ref, undefined, { relation, status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/tasks/:ref/relations/:id/delete',
      async ({ request, auth, params }) => {
        try {
          await tasks.unrelate(orgOf(auth), actorOf(auth), params.ref, params.id)
          return redirect(request, `/planning/tasks/${params.ref}`, { kind: 'ok', text: 'Relation removed' })
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_WRITE,
    )
}
