/** @module Roadmap (milestones by month with progress), cycles with scope and progress, and the CSV import page. */
import type { Children } from '@kitajs/html'
import { ActionButton, CsrfField, EmptyState, Field, FormError, PageHeader, Select, type FieldErrors } from '../../../views/components.tsx'
import { day, type Cycle, type Milestone, type Project } from '../service.ts'
import type { RolloverPlan } from '../task-rollover.ts'
import type { Task } from '../tasks.ts'
import { InputField, LabelChips, NewTaskButton, PriorityBadge, Progress, ProjectTabs, StateBadge, TextArea, safeKeys, sentenceCase } from './ui.tsx'

type Prog = { total: number; done: number; points: number; donePoints: number }

const monthName = (d: Date) => d.toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' })

/** Milestones grouped by the month of their target date; `editing` names the milestone whose edit form holds `values` and `errors`. */
export function RoadmapPage(props: { project: Project; milestones: (Milestone & { progress: Prog })[]; manage: boolean; write?: boolean; csrf?: string; values: Record<string, string>; errors: FieldErrors; error?: string; editing?: string }) {
  const base = `/planning/projects/${props.project.key}`
  const newValues = props.editing ? {} : props.values
  const newErrors = props.editing ? {} : props.errors
  const groups = new Map<string, (Milestone & { progress: Prog })[]>()
  // undated milestones last on both dialects (SQLite sorts nulls first, PostgreSQL last)
  const byDate = [...props.milestones].sort((a, b) => (a.targetDate?.getTime() ?? Infinity) - (b.targetDate?.getTime() ?? Infinity))
  for (const m of byDate) {
    const k = m.targetDate ? monthName(m.targetDate) : 'No target date'
    groups.set(k, [...(groups.get(k) ?? []), m])
  }
  return (
    <>
      <PageHeader title={`${props.project.key} · Roadmap`} subtitle="Milestones by month and how far along they are.">
        {props.write ? <NewTaskButton project={props.project} /> : ''}
      </PageHeader>
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
                  {props.manage ? (
                    <div class="pl-item-actions">
                      <MilestoneEdit base={base} milestone={m} csrf={props.csrf} {...(props.editing === m.id ? { values: props.values, errors: props.errors, open: true } : { values: {}, errors: {} })} />
                      <ActionButton action={`${base}/milestones/${m.id}/delete`} csrf={props.csrf} label="Delete" class="outline danger" confirm={`Delete the milestone ${m.name}? Its tasks stay.`} />
                    </div>
                  ) : (
                    ''
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
      {props.manage ? (
        <CreateDisclosure title="New milestone" open={Object.keys(newErrors).length > 0}>
          <form method="post" action={`${base}/milestones`} class="narrow-form">
            <CsrfField token={props.csrf} />
            <Field name="name" label="Name" value={newValues.name} error={newErrors.name} required />
            <Field name="targetDate" label="Target date" type="date" value={newValues.targetDate} error={newErrors.targetDate} />
            <TextArea name="description" label="Description" value={newValues.description} error={newErrors.description} rows={3} />
            <button type="submit">Add milestone</button>
          </form>
        </CreateDisclosure>
      ) : (
        ''
      )}
    </>
  )
}

/**
 * A create form folded under its button ("New milestone"), so the roadmap or the cycles lead the page;
 * open when it comes back refused (422), with the values typed and the errors. No script needed.
 */
function CreateDisclosure(props: { title: string; open: boolean; children: Children }) {
  return (
    <section class="section">
      <details class="pl-create" open={props.open || undefined}>
        <summary role="button" class="secondary outline" safe>
          {props.title}
        </summary>
        {props.children}
      </details>
    </section>
  )
}

/** The edit form of a milestone, folded unless it holds an error. */
function MilestoneEdit(props: { base: string; milestone: Milestone; csrf?: string; values: Record<string, string>; errors: FieldErrors; open?: boolean }) {
  const m = props.milestone
  const v = props.values
  return (
    <details class="pl-edit-inline" open={props.open || undefined}>
      <summary role="button" class="secondary outline" aria-label={`Edit ${m.name}`}>
        Edit
      </summary>
      <form method="post" action={`${props.base}/milestones/${m.id}`} class="narrow-form">
        <CsrfField token={props.csrf} />
        <InputField id={`m-${m.id}-name`} name="name" label="Name" value={v.name ?? m.name} error={props.errors.name} required maxlength={120} />
        <InputField id={`m-${m.id}-target`} name="targetDate" label="Target date" type="date" value={v.targetDate ?? day(m.targetDate)} error={props.errors.targetDate} />
        <TextArea id={`m-${m.id}-description`} name="description" label="Description" value={v.description ?? m.description} error={props.errors.description} rows={3} />
        <button type="submit">Save milestone</button>
      </form>
    </details>
  )
}

/** Cycles of a project; the selected one shows its scope. */
export function CyclesPage(props: {
  project: Project
  cycles: (Cycle & { progress: Prog })[]
  current?: Cycle & { progress: Prog }
  scope: Task[]
  /** The scope has more tasks than shown. */
  scopeMore?: boolean
  manage: boolean
  write?: boolean
  csrf?: string
  values: Record<string, string>
  errors: FieldErrors
  error?: string
  /** The values and errors belong to the edit form of the current cycle, not the new one. */
  editing?: boolean
  now: Date
}) {
  const base = `/planning/projects/${props.project.key}`
  const newValues = props.editing ? {} : props.values
  const newErrors = props.editing ? {} : props.errors
  const editValues = props.editing ? props.values : {}
  const editErrors = props.editing ? props.errors : {}
  const when = (c: Cycle) => (c.endsAt.getTime() + 86_400_000 < props.now.getTime() ? 'past' : c.startsAt > props.now ? 'upcoming' : 'current')
  // progress leaves cancelled tasks out: what is not done is unfinished
  const unfinished = props.current ? props.current.progress.total - props.current.progress.done : 0
  // the move goes to the next cycle by start date, as the rollover's POST picks it: none after the last cycle
  const hasNext = !!props.current && props.cycles.some((c) => c.id !== props.current!.id && c.startsAt > props.current!.startsAt)
  return (
    <>
      <PageHeader title={`${props.project.key} · Cycles`} subtitle="Time-boxed sprints: what is in scope and how much is done.">
        {/* a task made from a cycle's page starts in that cycle */}
        {props.write ? <NewTaskButton project={props.project} query={props.current ? { cycle: props.current.id } : undefined} /> : ''}
      </PageHeader>
      <ProjectTabs project={props.project} current="cycles" manage={props.manage} />
      <FormError message={props.error} />
      {props.cycles.length === 0 ? (
        <EmptyState title="No cycles yet">{props.manage ? <p>Add one below; then pick the cycle on tasks.</p> : ''}</EmptyState>
      ) : (
        <div class="table-wrap">
          {/* on phones each cycle is a card (app.css: table.stack) with labelled dates and progress */}
          <table class="stack pl-cycles">
            <thead>
              <tr>
                <th>Cycle</th>
                <th>Dates</th>
                <th>Progress</th>
                {props.manage ? <th>Actions</th> : ''}
              </tr>
            </thead>
            <tbody>
              {props.cycles.map((c) => (
                <tr aria-current={props.current?.id === c.id ? 'true' : undefined}>
                  <td>
                    <a href={`${base}/cycles?cycle=${c.id}`} safe>
                      {c.name}
                    </a>{' '}
                    <span class={`badge${when(c) === 'current' ? ' badge-ok' : ''}`} safe>{sentenceCase(when(c))}</span>
                  </td>
                  <td data-label="Dates">
                    <span>
                      <span class="nowrap" safe>{day(c.startsAt)}</span> {'&rarr;'} <span class="nowrap" safe>{day(c.endsAt)}</span>
                    </span>
                  </td>
                  <td data-label="Progress">
                    <Progress {...c.progress} />
                  </td>
                  {props.manage ? (
                    <td class="row-actions">
                      <ActionButton action={`${base}/cycles/${c.id}/delete`} csrf={props.csrf} label="Delete" class="outline danger" confirm={`Delete ${c.name}? Its tasks stay.`} />
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
                  <a href={`/planning/tasks/${t.key}`}>
                    {safeKeys(`${t.key} ${t.title}`)}
                  </a>{' '}
                  <StateBadge state={t.state} /> <PriorityBadge priority={t.priority} /> <LabelChips labels={t.labels} />
                  {t.estimate != null ? <small class="muted" safe>{` ${t.estimate} pt`}</small> : ''}
                </li>
              ))}
            </ul>
          )}
          {props.scopeMore ? (
            <p>
              <a href={`${base}?cycle=${props.current.id}`}>All tasks of this cycle in the list</a>
            </p>
          ) : (
            ''
          )}
          {props.write && unfinished > 0 && hasNext ? (
            // first a page that names the tasks and the cycle they go to (the next one, or another chosen there)
            <form method="post" action={`${base}/cycles/${props.current.id}/rollover`} class="pl-rollover">
              <CsrfField token={props.csrf} />
              <button type="submit" class="secondary outline" safe>
                {`Move ${unfinished} unfinished task${unfinished === 1 ? '' : 's'} to the next cycle...`}
              </button>
            </form>
          ) : props.write && unfinished > 0 ? (
            <p class="muted pl-rollover" safe>
              {`${props.current.name} is the last cycle: create the next cycle to move its ${unfinished} unfinished task${unfinished === 1 ? '' : 's'}.`}
            </p>
          ) : (
            ''
          )}
          {props.manage ? (
            <div class="pl-item-actions">
              <details class="pl-edit-inline" open={props.editing || undefined}>
                <summary role="button" class="secondary outline" safe>
                  {`Edit ${props.current.name}`}
                </summary>
                <form method="post" action={`${base}/cycles/${props.current.id}`} class="narrow-form">
                  <CsrfField token={props.csrf} />
                  <InputField id="cycle-edit-name" name="name" label="Name" value={editValues.name ?? props.current.name} error={editErrors.name} required maxlength={120} />
                  <InputField id="cycle-edit-starts" name="startsAt" label="Starts" type="date" value={editValues.startsAt ?? day(props.current.startsAt)} error={editErrors.startsAt} required />
                  <InputField id="cycle-edit-ends" name="endsAt" label="Ends" type="date" value={editValues.endsAt ?? day(props.current.endsAt)} error={editErrors.endsAt} required />
                  <button type="submit">Save cycle</button>
                </form>
              </details>
            </div>
          ) : (
            ''
          )}
        </section>
      ) : (
        ''
      )}
      {props.manage ? (
        <CreateDisclosure title="New cycle" open={Object.keys(newErrors).length > 0}>
          <form method="post" action={`${base}/cycles`} class="narrow-form">
            <CsrfField token={props.csrf} />
            <Field name="name" label="Name" value={newValues.name} error={newErrors.name} required />
            <Field name="startsAt" label="Starts" type="date" value={newValues.startsAt} error={newErrors.startsAt} required />
            <Field name="endsAt" label="Ends" type="date" value={newValues.endsAt} error={newErrors.endsAt} required />
            <button type="submit">Add cycle</button>
          </form>
        </CreateDisclosure>
      ) : (
        ''
      )}
      <script src="/public/planning/board.js" defer></script>
    </>
  )
}

/** Asks before a cycle's unfinished tasks move: which tasks, and the cycle they go to (the next one, or another chosen). */
export function RolloverPage(props: { plan: RolloverPlan; to: Cycle; csrf?: string }) {
  const { plan } = props
  const base = `/planning/projects/${plan.project.key}`
  const n = plan.tasks.length
  const what = `${n} unfinished task${n === 1 ? '' : 's'}`
  const back = `${base}/cycles?cycle=${plan.from.id}`
  const label = (c: Cycle) => `${c.name} (${day(c.startsAt)} to ${day(c.endsAt)})${c.id === plan.next?.id ? ', the next cycle' : ''}`
  return (
    <>
      <PageHeader title={`Move ${what} of ${plan.from.name}?`} subtitle={`Done and cancelled tasks stay in ${plan.from.name}. Each task moved records it in its history.`} />
      {n === 0 ? (
        <p class="muted" safe>
          {`${plan.from.name} has no unfinished tasks: nothing to move.`}
        </p>
      ) : (
        <ul class="pl-related">
          {plan.tasks.map((t) => (
            <li>
              <a href={`/planning/tasks/${t.key}`}>{safeKeys(`${t.key} ${t.title}`)}</a> <StateBadge state={t.state} />
            </li>
          ))}
        </ul>
      )}
      {n === 0 ? (
        <p>
          <a href={back}>Back to the cycle</a>
        </p>
      ) : (
        <form method="post" action={`${base}/cycles/${plan.from.id}/rollover`} class="narrow-form">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="confirm" value="yes" />
          <Select name="to" label="Move them to" options={plan.others.map((c) => ({ value: c.id, label: label(c) }))} value={props.to.id} />
          <div class="pl-form-actions">
            <button type="submit" safe>
              {`Move ${n} task${n === 1 ? '' : 's'}`}
            </button>
            <a href={back}>Cancel</a>
          </div>
        </form>
      )}
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
        Columns (by header name, any order): <code>key</code>, <code>title</code> (required for new tasks), <code>state</code>, <code>priority</code>, <code>assignee</code> (email), <code>labels</code> (separated by <code>;</code>), <code>estimate</code>, <code>due</code> (YYYY-MM-DD), <code>parent</code> (a task key), <code>milestone</code> and <code>cycle</code> (by name), <code>description</code>.
      </p>
      <p>
        A row whose <code>key</code> names a task of this project updates that task (only the columns in the file); other rows create tasks. An <a href={`${base}/export.csv`}>export</a>, edited or not, imports as is. Unknown labels are added only when you manage the project; otherwise the row is reported.
      </p>
      <form method="post" action={`${base}/import`} enctype="multipart/form-data" class="narrow-form">
        <CsrfField token={props.csrf} />
        <label for="f-file">
          <span>CSV file</span>
          <input id="f-file" type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <label for="f-copy">
          <input id="f-copy" type="checkbox" name="copy" value="yes" /> The file is another project's export: its rows become new tasks here (otherwise a row keyed like{' '}
          <code>API-1</code> is reported)
        </label>
        <button type="submit">Import</button> <a href={base}>Back to the list</a>
      </form>
    </>
  )
}
