/** @module Planning pages for a project's board: columns of the newest cards per state, moves without JavaScript. */
import { Elysia } from 'elysia'
import { InputError } from '../../core/auth/accounts.ts'
import type { Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { isFragmentRequest, redirect } from '../../core/http/render.ts'
import { readForm } from '../../core/pages/context.ts'
import { checkFilterQuery, stateIdsOf, type FilterChoices } from './filters.ts'
import { actorOf, isFormError, orgOf, problem } from './http.ts'
import { BOARD_COLUMN_LIMIT, TASK_READ, TASK_WRITE, boardQuery, filterFrom, type PageKit } from './pages-shared.ts'
import type { TaskFilter, TaskService } from './tasks.ts'
import { Board, BoardPage, type ProjectContext } from './views/tasks.tsx'

/**
 * The board's filter, checked as the list checks its own: an unknown priority, label (id or name),
 * milestone or cycle is an InputError (422) naming the parameter, never a board that quietly ignores it.
 */
function boardFilter(auth: Auth, pc: ProjectContext, query: Record<string, string>): TaskFilter {
  const labels = checkBoardQuery(pc, query)
  const filter = filterFrom(query, pc.project.id, auth.user.id)
  if (labels) Object.assign(filter, labels.length === 1 ? { labelId: labels[0], labelIds: undefined } : { labelId: undefined, labelIds: labels })
  return filter
}

/** Checks a board's query against the project's choices (see boardFilter); answers the label filter's ids. */
function checkBoardQuery(choices: FilterChoices, query: Record<string, string>): string[] | undefined {
  // labels may be named, as on the list (`label=design&label=seo`); an unknown name stays and is refused
  const labels = stateIdsOf(query.label, choices.labels)
  checkFilterQuery(labels ? { ...query, label: labels.join(',') } : query, choices)
  return labels
}

/** The cards of a board (per column the most recently updated, in board order) and each column's true count. */
async function boardTasks(tasks: TaskService, auth: Auth, pc: ProjectContext, query: Record<string, string>) {
  const { cards, counts } = await tasks.board(orgOf(auth), pc.project.id, boardFilter(auth, pc, query), BOARD_COLUMN_LIMIT)
  return { cards: cards.sort((a, b) => a.position - b.position), counts }
}

/** The board alone, for htmx to swap in after a move (the task page's state route sends it too). */
export async function boardFragment(kit: PageKit, auth: Auth, key: string, query: Record<string, string>) {
  const pc = await kit.load(auth, key)
  const { cards, counts } = await boardTasks(kit.tasks, auth, pc, query)
  return new Response(Board({ pc, tasks: cards, counts, query }) as string, { headers: { 'content-type': 'text/html; charset=utf-8' } })
}

/** A project's board and its no-JavaScript move form. */
export function planningBoardPages(kit: PageKit) {
  const { projects, tasks, page, load } = kit

  async function boardPage(request: Request, auth: Auth, key: string, query: Record<string, string>, failed?: { error: string; status: number }) {
    const pc = await load(auth, key)
    let board: Awaited<ReturnType<typeof boardTasks>> = { cards: [], counts: new Map() }
    let error = failed
    try {
      board = await boardTasks(tasks, auth, pc, query)
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      // bad filters (an old bookmark): the list's answer, a 422 naming the filter over an empty board
      error = { error: err.message, status: err.status }
    }
    return page(request, auth, `${pc.project.key} board`, BoardPage({ pc, tasks: board.cards, counts: board.counts, query, error: error?.error }), error?.status)
  }

  return new Elysia({ name: 'plugin:planning:pages:board' })
    .use(guard)
    .get('/planning/projects/:key/board', ({ request, auth, params }) => boardPage(request, auth, params.key, boardQuery(new URL(request.url).searchParams)).catch((e) => problem(request, e)), TASK_READ)
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
          // the board answered after the move must be one: bad filters move nothing
          if (Object.keys(view).length) checkBoardQuery(await projects.filterChoices(project.id), view)
          const ref = form.move ?? ''
          if (!ref) throw new InputError("Choose a card's state, then press its Move button.", 'move')
          const current = await tasks.get(orgId, ref)
          if (current.projectId !== project.id) throw new InputError('This board has no such task.', 'move', 404)
          const state = form[ref] ?? ''
          if (!state) throw new InputError(`Choose a state for ${current.key}.`, 'state')
          const task = await tasks.update(orgId, actorOf(auth), current.id, { state })
          if (isFragmentRequest(request)) return boardFragment(kit, auth, project.key, view)
          const qs = new URLSearchParams(view).toString()
          return redirect(request, `/planning/projects/${project.key}/board${qs ? '?' + qs : ''}`, { kind: 'ok', text: `${task.key} moved to ${task.state.name}` })
        } catch (err) {
          if (!isFormError(err)) return problem(request, err)
          return boardPage(request, auth, params.key, view, { error: err.message, status: err.status }).catch((e) => problem(request, e))
        }
      },
      TASK_WRITE,
    )
}
