/** @module The "My tasks" page: open tasks assigned to the viewer across every project, paged. */
import { EmptyState, PageHeader } from '../../../views/components.tsx'
import { day } from '../service.ts'
import type { Task } from '../tasks.ts'
import { ShortcutsHelp } from './filter-fields.tsx'
import { dueCellHtml } from './tasks.tsx'
import { LabelChips, PriorityBadge, StateBadge } from './ui.tsx'

/** Open tasks assigned to me in every project, by priority; `next` is the next page's URL. */
export function MyTasksPage(props: { tasks: Task[]; next?: string }) {
  const today = day(new Date())
  return (
    <>
      <PageHeader title="My tasks" subtitle="Open tasks assigned to you, in every project, most urgent first." />
      {props.tasks.length === 0 ? (
        <EmptyState title="No open tasks assigned to you">
          <p>
            <a href="/planning">Go to the projects</a>
          </p>
        </EmptyState>
      ) : (
        <div class="table-wrap">
          {/* j / k move through the rows, Enter opens one (app.js: data-rows) */}
          <table class="pl-task-table" data-rows>
            <thead>
              <tr>
                <th>Key</th>
                <th>Title</th>
                <th>Project</th>
                <th>State</th>
                <th>Priority</th>
                <th>Due</th>
              </tr>
            </thead>
            <tbody>
              {props.tasks.map((t) => (
                <tr class="pl-row" tabindex="0" data-href={`/planning/tasks/${t.key}`} data-row>
                  <td class="pl-c-key">
                    <a href={`/planning/tasks/${t.key}`} safe>
                      {t.key}
                    </a>
                  </td>
                  <td class="pl-c-title">
                    <span safe>{t.title}</span> <LabelChips labels={t.labels} />
                  </td>
                  <td>
                    <a href={`/planning/projects/${t.project.key}`} safe>
                      {t.project.name}
                    </a>
                  </td>
                  <td>
                    <StateBadge state={t.state} />
                  </td>
                  <td>{t.priority === 'none' ? '&mdash;' : <PriorityBadge priority={t.priority} />}</td>
                  {t.dueAt ? (dueCellHtml(t, today) as 'safe') : <td class="nowrap pl-c-none">{'&mdash;'}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.next ? (
        <p class="pager">
          <a href={props.next}>Next page</a>
        </p>
      ) : (
        ''
      )}
      <ShortcutsHelp />
      <script src="/public/planning/board.js" defer></script>
    </>
  )
}
