/** @module The planning page /planning/my: the viewer's open tasks in every project (the "My tasks" widget's "see all"). */
import { Elysia } from 'elysia'
import { guard } from '../../core/http/guard.ts'
import { orgOf, problem } from './http.ts'
import { TASK_READ, type PageKit } from './pages-shared.ts'
import { MyTasksPage } from './views/my.tsx'

/** Tasks per page of /planning/my, as in a project's list. */
const MY_PAGE = 50

/** /planning/my: open tasks (backlog, unstarted, started) assigned to the viewer, most urgent first, paged by cursor. */
export function planningMyPages(kit: PageKit) {
  const { tasks, page } = kit
  return new Elysia({ name: 'plugin:planning:pages:my' })
    .use(guard)
    .get(
      '/planning/my',
      async ({ request, auth, query }) => {
        try {
          const result = await tasks.list(orgOf(auth), { assigneeId: auth.user.id, open: true, sort: 'priority' }, { cursor: query.cursor || undefined, limit: MY_PAGE })
          const next = result.nextCursor ? `/planning/my?cursor=${encodeURIComponent(result.nextCursor)}` : undefined
          return page(request, auth, 'My tasks', MyTasksPage({ tasks: result.items, next }))
        } catch (err) {
          return problem(request, err)
        }
      },
      TASK_READ,
    )
}
