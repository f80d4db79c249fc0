/** @module Planning pages for one task: new task, the task page, edits, moves, delete and relations. */
import { Elysia } from 'elysia'
import type { Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { isFragmentRequest, redirect } from '../../core/http/render.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import { readForm, readFormAll, safeNext } from '../../core/pages/context.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { actorOf, fieldErrors, isFormError, orgOf, problem } from './http.ts'
import { boardFragment } from './pages-board.tsx'
import { TASK_READ, TASK_WRITE, boardQuery, type PageKit } from './pages-shared.ts'
import { NewTaskPage, TaskPage, taskValues } from './views/tasks.tsx'

/** Creating a task and the task page with its edits, moves and relations. */
export function planningTaskPages(kit: PageKit) {
  const { ctx, tasks, page, load } = kit

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

  return new Elysia({ name: 'plugin:planning:pages:task' })
    .use(guard)
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
          if (isFragmentRequest(request)) return boardFragment(kit, auth, task.project.key, boardQuery(form.view))
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
