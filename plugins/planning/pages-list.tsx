/** @module Planning pages for a project's task list: filters, saved views and bulk edits. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { redirect } from '../../core/http/render.ts'
import { readForm, readFormAll, safeNext } from '../../core/pages/context.ts'
import { checkFilterQuery, readFilterQuery, stateIdsOf } from './filters.ts'
import { actorOf, isFormError, orgOf, problem } from './http.ts'
import { TASK_READ, TASK_WRITE, filterFrom, type PageKit } from './pages-shared.ts'
import type { TaskService } from './tasks.ts'
import { ViewDeletePage } from './views/list-parts.tsx'
import { BulkDeletePage, TaskListPage } from './views/tasks.tsx'

const FILTER_KEYS = ['q', 'state', 'group', 'open', 'assignee', 'label', 'priority', 'dueAfter', 'dueBefore', 'sort', 'dir', 'milestone', 'cycle'] as const

/** A project's task list, its saved views and bulk edits. */
export function planningListPages(kit: PageKit) {
  const { projects, tasks, page, load } = kit

  async function listPage(
    request: Request,
    auth: Auth,
    key: string,
    query: URLSearchParams,
    extra: { error?: string; bulkError?: string; status?: number; view?: { name: string; error: string } } = {},
  ) {
    const pc = await load(auth, key)
    // list filters arrive repeated (a multiple select) or as comma lists: kept as comma lists
    const clean = readFilterQuery(query, FILTER_KEYS)
    // labels may be named too (checked as ids; an unknown name stays and is refused)
    if (clean.label) clean.label = stateIdsOf(clean.label, pc.labels)!.join(',')
    let result: Awaited<ReturnType<TaskService['list']>> = { items: [], nextCursor: null }
    let error = extra.error
    try {
      checkFilterQuery(clean, pc)
      const filter = filterFrom(clean, pc.project.id, auth.user.id)
      filter.stateIds = stateIdsOf(clean.state, pc.states) // states may be named, as the API allows
      result = await tasks.list(orgOf(auth), filter, { cursor: query.get('cursor') ?? undefined, limit: 50 })
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

  return new Elysia({ name: 'plugin:planning:pages:list' })
    .use(guard)
    .get('/planning/projects/:key', ({ request, auth, params }) => listPage(request, auth, params.key, new URL(request.url).searchParams).catch((e) => problem(request, e)), TASK_READ)
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
          return listPage(request, auth, params.key, back.searchParams, { bulkError: err.message, status: err.status }).catch((e) => problem(request, e))
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
          return listPage(request, auth, params.key, new URLSearchParams(form.query ?? ''), { view, status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_READ,
    )
    .post(
      '/planning/projects/:key/views/:id/delete',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        try {
          // first a page that names the view and asks (the "×" beside it posts here without confirm)
          if (form.confirm !== 'yes') {
            const pc = await load(auth, params.key)
            const view = (await projects.views(pc.project.id, auth.user.id)).find((v) => v.id === params.id)
            if (!view) throw new InputError('You have no such view.', 'view', 404)
            return page(request, auth, `Delete the view ${view.name}?`, ViewDeletePage({ pc, view }))
          }
          await projects.get(orgOf(auth), params.key)
          await projects.removeView(orgOf(auth), auth.user.id, params.id)
          return redirect(request, `/planning/projects/${params.key}`, { kind: 'ok', text: 'View deleted' })
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_READ,
    )
}
