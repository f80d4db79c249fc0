/** @module Planning pages for one task: new task, the task page, edits, moves, delete and relations. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { isFragmentRequest, redirect } from '../../core/http/render.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import { readForm, readFormAll, safeNext } from '../../core/pages/context.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { actorOf, fieldErrors, formSummary, isFormError, orgOf, problem } from './http.ts'
import { boardFragment } from './pages-board.tsx'
import { TASK_READ, TASK_WRITE, boardQuery, type PageKit } from './pages-shared.ts'
import { conflictReport, originalsOf, planEdit, type Originals } from './task-edit.ts'
import { TaskChangedError, type Task } from './tasks.ts'
import { NewTaskPage, TaskHistory, TaskPage, TaskSummary, taskValues } from './views/tasks.tsx'
import { priorityLabel } from './views/ui.tsx'

/** Creating a task and the task page with its edits, moves and relations. */
export function planningTaskPages(kit: PageKit) {
  const { ctx, tasks, page, load } = kit

  async function taskPage(
    request: Request,
    auth: Auth,
    ref: string,
    form?: { values: Record<string, string>; labels: string[]; errors: FieldErrors; status: number; orig?: Originals },
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
        safeThread = await thread.render(request, auth, { type: 'planning.task', id: task.id }, { activity: false }) // the History section below shows the same facts with field changes
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
      orig: form?.orig,
      errors: form?.errors ?? {},
      error: form?.errors._ ?? extra?.error,
      relation: extra?.relation,
      safeThread,
    })
    return page(request, auth, `${task.key} ${task.title}`, body, form?.status ?? extra?.status)
  }

  /**
   * The answer to a property changed from the task page through htmx: the page's summary (swapped in
   * place) and its history (out of band); with the error, and its status, when the change was refused.
   */
  async function summaryFragment(auth: Auth, task: Task, said: { status?: string; error?: string }, status = 200) {
    const orgId = orgOf(auth)
    const [pc, parent, history] = await Promise.all([
      load(auth, task.project.key),
      task.parentId ? tasks.get(orgId, task.parentId).catch(() => undefined) : undefined,
      tasks.history(orgId, task.id),
    ])
    const html = (TaskSummary({ pc, task, parent, ...said }) as string) + (TaskHistory({ history, oob: true }) as string)
    return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
  }

  /**
   * One property of a task changed on its own (the task page's state, priority and assignee selects):
   * through the service (permission, history, events), then the summary for the task page's htmx, or
   * back to the page (or `back`) with a flash; a refused value comes back with its message (422).
   */
  async function setProperty(request: Request, auth: Auth, ref: string, form: Record<string, string>, input: () => Record<string, unknown>, said: (task: Task) => string) {
    const fromTask = form.from === 'task' && isFragmentRequest(request)
    try {
      const task = await tasks.update(orgOf(auth), actorOf(auth), ref, input())
      if (fromTask) return await summaryFragment(auth, task, { status: `${task.key}: ${said(task)}` })
      return redirect(request, form.back ? safeNext(form.back) : `/planning/tasks/${task.key}`, { kind: 'ok', text: `${task.key}: ${said(task)}` })
    } catch (err) {
      if (!isFormError(err)) return problem(request, err)
      try {
        if (fromTask) return await summaryFragment(auth, await tasks.get(orgOf(auth), ref), { error: err.message }, err.status)
        return await taskPage(request, auth, ref, undefined, { error: err.message, status: err.status })
      } catch (e) {
        return problem(request, e)
      }
    }
  }

  /** A form field that must be present (an absent one would clear the property). */
  const required = (form: Record<string, string>, name: string, what: string) => {
    if (form[name] === undefined) throw new InputError(`Choose ${what}.`, name)
    return form[name]
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
          // a link may start the task in a state, under a parent, in a cycle or milestone (the cycles page's "New task")
          const values = { state: query.state ?? '', parent: query.parent ?? '', priority: 'none', cycleId: query.cycle ?? '', milestoneId: query.milestone ?? '' }
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
            return page(request, auth, `New task in ${pc.project.key}`, NewTaskPage({ pc, values: one, labels: all.labels ?? [], errors: fieldErrors(err), error: formSummary(err) }), err.status)
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
        const typedLabels = all.labels ?? []
        // the originals the form was loaded with, kept through a refused save (so a later save still
        // sees what changed since the page was first loaded)
        const orig = originalsOf(one)
        try {
          const orgId = orgOf(auth)
          // only the fields the user changed are sent: another person's change to any other field stays;
          // the write happens only if the task is still as read here, else it is read and planned again
          for (let attempt = 1; ; attempt++) {
            const current = await tasks.get(orgId, params.ref)
            const parentKey = current.parentId ? (await tasks.get(orgId, current.parentId).catch(() => undefined))?.key : undefined
            const now = { values: taskValues(current, parentKey), labels: current.labels.map((l) => l.id) }
            const plan = planEdit(one, typedLabels, now)
            if (plan.conflicts.length) {
              // nothing is saved: the form comes back with the current values, the user's typed values
              // in the fields they changed, and new originals (the current values) for the next save
              const report = conflictReport(plan.conflicts, await tasks.history(orgId, current.id), (field, v) => (field === 'priority' ? priorityLabel(v) : v))
              const values = { ...now.values }
              for (const name of plan.changed) if (name !== 'labels') values[name] = one[name] ?? ''
              const labels = plan.changed.includes('labels') ? typedLabels : now.labels
              return taskPage(request, auth, params.ref, { values, labels, errors: { ...report.errors, _: report.message }, status: 409 })
            }
            try {
              const task = await tasks.update(orgId, actorOf(auth), current.id, plan.input, { expectUpdatedAt: current.updatedAt })
              return redirect(request, `/planning/tasks/${task.key}`, { kind: 'ok', text: `${task.key} saved` })
            } catch (err) {
              if (!(err instanceof TaskChangedError) || attempt >= 5) throw err
            }
          }
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return taskPage(request, auth, params.ref, { values: one, labels: typedLabels, errors: fieldErrors(err), status: err.status, orig }).catch((e) => problem(request, e))
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/tasks/:ref/state',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        if (form.from === 'task') return setProperty(request, auth, params.ref, form, () => ({ state: required(form, 'state', 'a state') }), (t) => `moved to ${t.state.name}`)
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
      '/planning/tasks/:ref/priority',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        return setProperty(request, auth, params.ref, form, () => ({ priority: required(form, 'priority', 'a priority') }), (t) => (t.priority === 'none' ? 'no priority' : `priority ${priorityLabel(t.priority)}`))
      },
      TASK_WRITE,
    )
    .post(
      '/planning/tasks/:ref/assignee',
      async ({ request, auth, params }) => {
        const form = await readForm(request)
        return setProperty(request, auth, params.ref, form, () => ({ assigneeId: required(form, 'assigneeId', 'an assignee (or Unassigned)') }), (t) => (t.assignee ? `assigned to ${t.assignee.name}` : 'unassigned'))
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
