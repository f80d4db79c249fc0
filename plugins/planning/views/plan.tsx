/** @module Roadmap (milestones by month with progress), cycles with scope and progress, and the CSV import page. */
import { ActionButton, CsrfField, EmptyState, Field, FormError, PageHeader, type FieldErrors } from '../../../views/components.tsx'
import { day, type Cycle, type Milestone, type Project } from '../service.ts'
import type { Task } from '../tasks.ts'
import { LabelChips, PriorityBadge, Progress, ProjectTabs, StateBadge, TextArea } from './ui.tsx'

type Prog = { total: number; done: number; points: number; donePoints: number }

const monthName = (d: Date) => d.toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' })

/** Milestones grouped by the month of their target date. */
export function RoadmapPage(props: { project: Project; milestones: (Milestone & { progress: Prog })[]; manage: boolean; csrf?: string; values: Record<string, string>; errors: FieldErrors; error?: string }) {
  const base = `/planning/projects/${props.project.key}`
  const groups = new Map<string, (Milestone & { progress: Prog })[]>()
  for (const m of props.milestones) {
    const k = m.targetDate ? monthName(m.targetDate) : 'No target date'
    groups.set(k, [...(groups.get(k) ?? []), m])
  }
  return (
    <>
      <PageHeader title={`${props.project.key} · Roadmap`} subtitle="Milestones by month and how far along they are." />
      <ProjectTabs project={props.project} current="milestones" manage={props.manage} />
      <FormError message={props.error} />
      {props.milestones.length === 0 ? (
        <EmptyState title="No milestones yet">{props.manage ? <p>Add one below, then link tasks to it.</p> : ''}</EmptyState>
      ) : (
        [...groups].map(([month, list]) => (
          <section class="section pl-month">
            <h2 safe>{month}</h2>
            <ul class="pl-milestones">
              {list.map((m) => (
                <li>
                  <strong>
                    <a href={`${base}?milestone=${m.id}`} safe>
                      {m.name}
                    </a>
                  </strong>{' '}
                  <small class="muted">{m.targetDate ? `target ${day(m.targetDate)}` : ''}</small>
                  <Progress {...m.progress} />
                  {m.description ? (
                    <p class="muted" safe>
                      {m.description}
                    </p>
                  ) : (
                    ''
                  )}
                  {props.manage ? <ActionButton action={`${base}/milestones/${m.id}/delete`} csrf={props.csrf} label="Delete" confirm={`Delete the milestone ${m.name}? Its tasks stay.`} /> : ''}
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
      {props.manage ? (
        <section class="section">
          <h2>New milestone</h2>
          <form method="post" action={`${base}/milestones`} class="narrow-form">
            <CsrfField token={props.csrf} />
            <Field name="name" label="Name" value={props.values.name} error={props.errors.name} required />
            <Field name="targetDate" label="Target date" type="date" value={props.values.targetDate} error={props.errors.targetDate} />
            <TextArea name="description" label="Description" value={props.values.description} error={props.errors.description} rows={3} />
            <button type="submit">Add milestone</button>
          </form>
        </section>
      ) : (
        ''
      )}
    </>
  )
}

/** Cycles of a project; the selected one shows its scope. */
export function CyclesPage(props: { project: Project; cycles: (Cycle & { progress: Prog })[]; current?: Cycle & { progress: Prog }; scope: Task[]; manage: boolean; csrf?: string; values: Record<string, string>; errors: FieldErrors; error?: string; now: Date }) {
  const base = `/planning/projects/${props.project.key}`
  const when = (c: Cycle) => (c.endsAt.getTime() + 86_400_000 < props.now.getTime() ? 'past' : c.startsAt > props.now ? 'upcoming' : 'current')
  return (
    <>
      <PageHeader title={`${props.project.key} · Cycles`} subtitle="Time-boxed sprints: what is in scope and how much is done." />
      <ProjectTabs project={props.project} current="cycles" manage={props.manage} />
      <FormError message={props.error} />
      {props.cycles.length === 0 ? (
        <EmptyState title="No cycles yet">{props.manage ? <p>Add one below; then pick the cycle on tasks.</p> : ''}</EmptyState>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Cycle</th>
                <th>Dates</th>
                <th>Progress</th>
                {props.manage ? <th>Delete</th> : ''}
              </tr>
            </thead>
            <tbody>
              {props.cycles.map((c) => (
                <tr aria-current={props.current?.id === c.id ? 'true' : undefined}>
                  <td>
                    <a href={`${base}/cycles?cycle=${c.id}`} safe>
                      {c.name}
                    </a>{' '}
                    <span class={`badge${when(c) === 'current' ? ' badge-ok' : ''}`}>{when(c)}</span>
                  </td>
                  <td safe>{`${day(c.startsAt)} → ${day(c.endsAt)}`}</td>
                  <td>
                    <Progress {...c.progress} />
                  </td>
                  {props.manage ? (
                    <td>
                      <ActionButton action={`${base}/cycles/${c.id}/delete`} csrf={props.csrf} label="Delete" confirm={`Delete ${c.name}? Its tasks stay.`} />
                    </td>
                  ) : (
                    ''
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.current ? (
        <section class="section">
          <h2 safe>{`Scope of ${props.current.name}`}</h2>
          {props.scope.length === 0 ? (
            <p class="muted">No tasks in this cycle yet: set the cycle on a task.</p>
          ) : (
            <ul class="pl-related">
              {props.scope.map((t) => (
                <li>
                  <a href={`/planning/tasks/${t.key}`} safe>
                    {`${t.key} ${t.title}`}
                  </a>{' '}
                  <StateBadge state={t.state} /> <PriorityBadge priority={t.priority} /> <LabelChips labels={t.labels} />
                  {t.estimate != null ? <small class="muted" safe>{` ${t.estimate} pt`}</small> : ''}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : (
        ''
      )}
      {props.manage ? (
        <section class="section">
          <h2>New cycle</h2>
          <form method="post" action={`${base}/cycles`} class="narrow-form">
            <CsrfField token={props.csrf} />
            <Field name="name" label="Name" value={props.values.name} error={props.errors.name} required />
            <Field name="startsAt" label="Starts" type="date" value={props.values.startsAt} error={props.errors.startsAt} required />
            <Field name="endsAt" label="Ends" type="date" value={props.values.endsAt} error={props.errors.endsAt} required />
            <button type="submit">Add cycle</button>
          </form>
        </section>
      ) : (
        ''
      )}
      <script src="/public/planning/board.js" defer></script>
    </>
  )
}

/** The CSV import form, with the report of the last import. */
export function ImportPage(props: { project: Project; csrf?: string; report?: string; error?: string; status?: 'ok' | 'partial' }) {
  const base = `/planning/projects/${props.project.key}`
  return (
    <>
      <PageHeader title={`Import tasks into ${props.project.key}`} subtitle="A CSV file with a header row. Valid rows are imported; the others are reported." />
      <FormError message={props.error} />
      {props.report ? (
        <p class={`flash flash-${props.status === 'ok' ? 'ok' : 'error'}`} role="status" safe>
          {props.report}
        </p>
      ) : (
        ''
      )}
      <p>
        Columns (by header name, any order): <code>title</code> (required), <code>state</code>, <code>priority</code>, <code>assignee</code> (email), <code>labels</code> (separated by <code>;</code>), <code>estimate</code>, <code>due</code> (YYYY-MM-DD), <code>description</code>. An <a href={`${base}/export.csv`}>export</a> imports as is.
      </p>
      <form method="post" action={`${base}/import`} enctype="multipart/form-data" class="narrow-form">
        <CsrfField token={props.csrf} />
        <label for="f-file">
          <span>CSV file</span>
          <input id="f-file" type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit">Import</button> <a href={base}>Back to the list</a>
      </form>
    </>
  )
}
