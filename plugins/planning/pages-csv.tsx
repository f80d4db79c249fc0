/** @module Planning pages for CSV: a project's tasks exported, the import form and its report. */
import { seesEmails } from '../../core/auth/permissions.ts'
import { Elysia } from 'elysia'
import { can } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { describeImport, exportCsv, importCsv } from './csv.ts'
import { actorOf, isFormError, orgOf, problem } from './http.ts'
import { checkFilterQuery, stateIdsOf } from './filters.ts'
import { TASK_READ, TASK_WRITE, filterFrom, type PageKit } from './pages-shared.ts'
import type { TaskFilter } from './task-queries.ts'
import { ImportPage } from './views/plan.tsx'

/** The list's query parameters an export honours (the list page's export link carries them). */
const EXPORT_FILTER_KEYS = ['q', 'state', 'group', 'open', 'assignee', 'label', 'priority', 'dueAfter', 'dueBefore', 'sort', 'dir', 'milestone', 'cycle'] as const
const LIST_KEYS = new Set<string>(['state', 'group', 'assignee', 'label', 'priority'])

/** CSV export and import of a project's tasks. */
export function planningCsvPages(kit: PageKit) {
  const { projects, tasks, page } = kit

  /**
   * The list's filters of an export's query string, read and checked as the list reads them (repeated
   * list parameters become comma lists; states and labels by id or name): a bad value is a 400 naming it.
   */
  async function exportFilter(projectId: string, viewerId: string, params: URLSearchParams): Promise<TaskFilter> {
    const clean: Record<string, string> = {}
    for (const k of EXPORT_FILTER_KEYS) {
      const value = LIST_KEYS.has(k) ? params.getAll(k).join(',') : (params.get(k) ?? '')
      if (value) clean[k] = value
    }
    if (!Object.keys(clean).length) return {}
    const choices = await projects.filterChoices(projectId)
    if (clean.label) clean.label = stateIdsOf(clean.label, choices.labels)!.join(',')
    checkFilterQuery(clean, choices, 400)
    const filter = filterFrom(clean, projectId, viewerId)
    filter.stateIds = stateIdsOf(clean.state, choices.states)
    return filter
  }

  return new Elysia({ name: 'plugin:planning:pages:csv' })
    .use(guard)
    .get(
      '/planning/projects/:key/export.csv',
      async ({ request, auth, params }) => {
        try {
          const orgId = orgOf(auth)
          const project = await projects.get(orgId, params.key)
          const filter = await exportFilter(project.id, auth.user.id, new URL(request.url).searchParams)
          const csv = await exportCsv(tasks, projects, orgId, project.id, seesEmails(auth.permissions), filter)
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
          if (!text.trim()) return page(request, auth, `Import into ${project.key}`, ImportPage({ project, csrf: auth.session?.csrf, error: 'Choose a CSV file with a header row.' }), 422)
          if (text.length > 5_000_000) return page(request, auth, `Import into ${project.key}`, ImportPage({ project, csrf: auth.session?.csrf, error: 'The file is too large: split it into files of at most 5 MB.' }), 422)
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
}
