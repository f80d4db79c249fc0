/** @module Planning pages for projects: the project list and create, a project's settings with its states and labels. */
import { Elysia } from 'elysia'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { redirect } from '../../core/http/render.ts'
import { readForm } from '../../core/pages/context.ts'
import type { FieldErrors } from '../../views/components.tsx'
import { actorOf, fieldErrors, isFormError, orgOf, problem } from './http.ts'
import { MANAGE, READ, type PageKit } from './pages-shared.ts'
import { ProjectsPage, SettingsPage } from './views/projects.tsx'

/** The projects page and project settings. */
export function planningProjectPages(kit: PageKit) {
  const { ctx, projects, tasks, stats, page } = kit

  async function projectsPage(request: Request, auth: Auth, values: Record<string, string> = {}, errors: FieldErrors = {}, status?: number) {
    const orgId = orgOf(auth)
    const [list, people, counts] = await Promise.all([projects.list(orgId), ctx.people.members(orgId), stats.projectCounts(orgId)])
    const withCounts = list.map((p) => ({ ...p, ...(counts.get(p.id) ?? { total: 0, open: 0 }) }))
    return page(request, auth, 'Planning', ProjectsPage({ projects: withCounts, people, manage: can(auth, 'planning.project.manage'), csrf: auth.session?.csrf, values, errors, error: errors._ }), status)
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

  /** Runs a settings change; a bad value re-renders the settings with the error (422). */
  async function settingsAction<T>(request: Request, auth: Auth, key: string, fn: () => Promise<T>, ok: string | ((result: T) => string)) {
    try {
      const result = await fn()
      return redirect(request, `/planning/projects/${key}/settings`, { kind: 'ok', text: typeof ok === 'string' ? ok : ok(result) })
    } catch (err) {
      if (!isFormError(err)) return problem(request, err)
      return settingsPage(request, auth, key, { error: err.message, status: err.status })
    }
  }

  return new Elysia({ name: 'plugin:planning:pages:projects' })
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
    .post('/planning/projects/:key/states/:id/delete', async ({ request, auth, params }) => {
      // `moveTo` (a state of the project): its tasks move there first, each through the task service
      const form = await readForm(request)
      return settingsAction(
        request,
        auth,
        params.key,
        async () => {
          const moved = form.moveTo !== undefined ? await tasks.moveStateTasks(orgOf(auth), actorOf(auth), params.key, params.id, form.moveTo) : 0
          await projects.removeState(orgOf(auth), params.key, params.id)
          return moved
        },
        (moved) => (moved ? `State deleted; its ${moved} task${moved === 1 ? '' : 's'} moved` : 'State deleted'),
      )
    }, MANAGE)
    .post('/planning/projects/:key/labels', async ({ request, auth, params }) => {
      const form = await readForm(request)
      return settingsAction(request, auth, params.key, () => projects.addLabel(orgOf(auth), params.key, form), 'Label added')
    }, MANAGE)
    .post('/planning/projects/:key/labels/:id', async ({ request, auth, params }) => {
      const form = await readForm(request)
      return settingsAction(request, auth, params.key, () => projects.updateLabel(orgOf(auth), params.key, params.id, { name: form.name, color: form.color }), 'Label saved')
    }, MANAGE)
    .post('/planning/projects/:key/labels/:id/delete', ({ request, auth, params }) => settingsAction(request, auth, params.key, () => projects.removeLabel(orgOf(auth), params.key, params.id), 'Label deleted'), MANAGE)
}
