/** @module Planning pages for the plan: a project's roadmap (milestones) and cycles. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { redirect } from '../../core/http/render.ts'
import { readForm } from '../../core/pages/context.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { actorOf, fieldErrors, isFormError, orgOf, problem } from './http.ts'
import { MANAGE, READ, SCOPE_LIMIT, TASK_WRITE, type PageKit } from './pages-shared.ts'
import { progressOf } from './stats.ts'
import { rolloverTarget } from './task-rollover.ts'
import { CyclesPage, RoadmapPage, RolloverPage } from './views/plan.tsx'

/** The roadmap and cycles pages with their milestone and cycle forms. */
export function planningPlanPages(kit: PageKit) {
  const { projects, tasks, stats, page } = kit

  async function roadmapPage(request: Request, auth: Auth, key: string, form?: { values: Record<string, string>; errors: FieldErrors; status: number; editing?: string }) {
    const orgId = orgOf(auth)
    const project = await projects.get(orgId, key)
    const [list, progress] = await Promise.all([projects.milestones(project.id), stats.progressBy(project.id, 'milestone')])
    const milestones = list.map((m) => ({ ...m, progress: progressOf(progress, m.id) }))
    const body = RoadmapPage({ project, milestones, manage: can(auth, 'planning.project.manage'), write: can(auth, 'planning.task.write'), csrf: auth.session?.csrf, values: form?.values ?? {}, errors: form?.errors ?? {}, error: form?.errors._, editing: form?.editing })
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
    const body = CyclesPage({ project, cycles, current, scope: scope.items, scopeMore: !!scope.nextCursor, manage: can(auth, 'planning.project.manage'), write: can(auth, 'planning.task.write'), csrf: auth.session?.csrf, values: form?.values ?? {}, errors: form?.errors ?? {}, error: form?.errors._, editing: form?.editing, now })
    return page(request, auth, `${project.key} cycles`, body, form?.status)
  }

  return new Elysia({ name: 'plugin:planning:pages:plan' })
    .use(guard)
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
          if (m.projectId !== project.id) throw new InputError('This project has no such milestone.', 'milestone', 404)
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
          if (m.projectId !== project.id) throw new InputError('This project has no such milestone.', 'milestone', 404)
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
          if (c.projectId !== project.id) throw new InputError('This project has no such cycle.', 'cycle', 404)
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
      '/planning/projects/:key/cycles/:id/rollover',
      async ({ request, auth, params }) => {
        // first a page naming the unfinished tasks and the cycle they go to; its button posts confirm=yes
        const form = await readForm(request)
        try {
          const orgId = orgOf(auth)
          if (form.confirm !== 'yes') {
            const plan = await tasks.rolloverPlan(orgId, params.key, params.id, form.to)
            const to = rolloverTarget(plan)
            return page(request, auth, `Move the unfinished tasks of ${plan.from.name}?`, RolloverPage({ plan, to, csrf: auth.session?.csrf }))
          }
          const { from, to, moved } = await tasks.rollover(orgId, actorOf(auth), params.key, params.id, form.to)
          const n = moved.length
          const text = n ? `${n} unfinished task${n === 1 ? '' : 's'} moved from ${from.name} to ${to.name}.` : `${from.name} has no unfinished tasks: nothing moved.`
          return redirect(request, `/planning/projects/${params.key}/cycles?cycle=${n ? to.id : from.id}`, { kind: 'ok', text })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          // no next cycle (409): the cycles page says so above its "New cycle" form, opened
          return cyclesPage(request, auth, params.key, params.id, { values: {}, errors: { _: err.message }, status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_WRITE,
    )
    .post(
      '/planning/projects/:key/cycles/:id/delete',
      async ({ request, auth, params }) => {
        try {
          const project = await projects.get(orgOf(auth), params.key)
          const c = await projects.cycle(orgOf(auth), params.id)
          if (c.projectId !== project.id) throw new InputError('This project has no such cycle.', 'cycle', 404)
          await projects.removeCycle(orgOf(auth), actorOf(auth), c.id)
          return redirect(request, `/planning/projects/${project.key}/cycles`, { kind: 'ok', text: 'Cycle deleted' })
        } catch (err) {
          return problem(request, err)
        }
      },
      MANAGE,
    )
}
