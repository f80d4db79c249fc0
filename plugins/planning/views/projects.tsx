/** @module Project views: the projects index with the create form, and a project's settings (details, states, labels). */
import type { Person } from '../../../core/plugins/points.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, PageHeader, Select, type FieldErrors } from '../../../views/components.tsx'
import { PROJECT_STATUSES, STATE_GROUPS } from '../schema.ts'
import type { Label, Project, State } from '../service.ts'
import { ShortcutsHelp } from './filter-fields.tsx'
import { ProjectTabs, TextArea, peopleOptions, sentenceCase } from './ui.tsx'

const statusOptions = PROJECT_STATUSES.map((s) => ({ value: s, label: sentenceCase(s) }))

/** The fields of a project (create and settings). */
function ProjectFields(props: { values: Record<string, string>; errors: FieldErrors; people: Person[]; keyLocked?: boolean }) {
  const { values: v, errors: e } = props
  return (
    <>
      {props.keyLocked ? '' : <Field name="key" label="Key" value={v.key} error={e.key} required hint="2 to 6 capital letters or digits; tasks are numbered WEB-1, WEB-2, and so on" maxlength={6} />}
      <Field name="name" label="Name" value={v.name} error={e.name} required maxlength={200} />
      <TextArea name="description" label="Description" value={v.description} error={e.description} rows={3} />
      <Select name="leadId" label="Lead" options={peopleOptions(props.people, 'No lead')} value={v.leadId} error={e.leadId} />
      <Select name="status" label="Status" options={statusOptions} value={v.status || 'active'} error={e.status} />
    </>
  )
}

/** The projects of the organization. */
export function ProjectsPage(props: { projects: (Project & { open: number; total: number })[]; people: Person[]; manage: boolean; csrf?: string; values: Record<string, string>; errors: FieldErrors; error?: string }) {
  const lead = (id: string | null) => props.people.find((p) => p.id === id)?.name
  return (
    <>
      <PageHeader title="Planning" subtitle="Projects, tasks, boards, milestones and cycles." />
      <FormError message={props.error} />
      {props.projects.length === 0 ? (
        <EmptyState title="No projects yet">{props.manage ? <p>Create one below.</p> : <p>Ask an admin to create a project.</p>}</EmptyState>
      ) : (
        <div class="table-wrap">
          {/* j / k move through the projects (app.js: data-rows) */}
          <table data-rows>
            <thead>
              <tr>
                <th>Key</th>
                <th>Name</th>
                <th>Status</th>
                <th>Lead</th>
                <th>Open tasks</th>
              </tr>
            </thead>
            <tbody>
              {props.projects.map((p) => (
                <tr data-row>
                  <td>
                    <a href={`/planning/projects/${p.key}`} safe>
                      {p.key}
                    </a>
                  </td>
                  <td>
                    <a href={`/planning/projects/${p.key}`} safe>
                      {p.name}
                    </a>
                  </td>
                  <td>
                    <span class="badge" safe>
                      {sentenceCase(p.status)}
                    </span>
                  </td>
                  {lead(p.leadId) ? <td safe>{lead(p.leadId)}</td> : <td class="muted">{'&mdash;'}</td>}
                  <td safe>{`${p.open} of ${p.total}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.manage ? (
        <section class="section">
          <h2>New project</h2>
          <form method="post" action="/planning/projects" class="narrow-form">
            <CsrfField token={props.csrf} />
            {/* c (app.js: data-shortcut) focuses its first field, the key; planning makes a project before its tasks */}
            {String(<ProjectFields values={props.values} errors={props.errors} people={props.people} />).replace('<input ', '<input data-shortcut="c" aria-keyshortcuts="c" ') as 'safe'}
            <button type="submit">Create project</button>
          </form>
        </section>
      ) : (
        ''
      )}
      <ShortcutsHelp />
      <script src="/public/planning/board.js" defer></script>
    </>
  )
}

/** The Up of the first state and the Down of the last: disabled, so the row's buttons line up. */
function EdgeButton(props: { label: string }) {
  return (
    <button type="button" class="secondary outline" disabled safe>
      {props.label}
    </button>
  )
}

/**
 * Deleting a state that tasks are in: a folded form that moves them to another state (each task
 * keeps a history line and its state-change event), then deletes the state. The choice starts on
 * the first other state of the same group, else the first other state.
 */
function StateDeleteMoving(props: { base: string; csrf?: string; state: State & { used: number }; others: State[] }) {
  const { state: s } = props
  const id = `move-${s.id}`
  const preferred = props.others.find((o) => o.group === s.group) ?? props.others[0]!
  const tasks = `${s.used} task${s.used === 1 ? '' : 's'}`
  return (
    <details class="pl-state-delete">
      <summary role="button" class="outline danger">
        Delete
      </summary>
      <form method="post" action={`${props.base}/states/${s.id}/delete`} class="row-form">
        <CsrfField token={props.csrf} />
        <label for={id} safe>
          {`Move its ${tasks} to`}
        </label>
        <select id={id} name="moveTo">
          {props.others.map((o) => (
            <option value={o.id} selected={o.id === preferred.id} safe>
              {o.name}
            </option>
          ))}
        </select>
        <button type="submit" class="outline danger" data-confirm={`Move the ${tasks} of ${s.name} and delete ${s.name}?`} safe>
          {`Move and delete ${s.name}`}
        </button>
      </form>
    </details>
  )
}

const groupOptions = STATE_GROUPS.map((g) => ({ value: g, label: sentenceCase(g) }))

/** A project's settings: details, workflow states and labels (renamed and recolored in place). */
export function SettingsPage(props: { project: Project; states: (State & { used: number })[]; labels: Label[]; people: Person[]; csrf?: string; values: Record<string, string>; errors: FieldErrors; error?: string }) {
  const base = `/planning/projects/${props.project.key}`
  const csrf = props.csrf
  return (
    <>
      <PageHeader title={`${props.project.key} · ${props.project.name}`} subtitle="Project settings" />
      <ProjectTabs project={props.project} current="settings" manage />
      <FormError message={props.error} />
      <section class="section">
        <h2>Details</h2>
        <form method="post" action={base} class="narrow-form">
          <CsrfField token={csrf} />
          <ProjectFields values={props.values} errors={props.errors} people={props.people} keyLocked />
          <button type="submit">Save project</button>
        </form>
      </section>
      <section class="section">
        <h2>States</h2>
        <div class="table-wrap">
          <table class="stack pl-states">
            <thead>
              <tr>
                <th>Name and group</th>
                <th>Tasks</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {props.states.map((s, i) => (
                <tr>
                  <td>
                    <form method="post" action={`${base}/states/${s.id}`} class="row-form">
                      <CsrfField token={csrf} />
                      <input type="text" name="name" value={s.name} aria-label="State name" required maxlength={60} />
                      <select name="group" aria-label={`Group of ${s.name}`}>
                        {groupOptions.map((g) => (
                          <option value={g.value} selected={g.value === s.group} safe>
                            {g.label}
                          </option>
                        ))}
                      </select>
                      <button type="submit" class="secondary outline">
                        Save
                      </button>
                    </form>
                  </td>
                  <td data-label="Tasks" safe>
                    {String(s.used)}
                  </td>
                  <td class="row-actions">
                    {i > 0 ? <ActionButton action={`${base}/states/${s.id}/move`} csrf={csrf} label="Up" fields={{ direction: 'up' }} /> : <EdgeButton label="Up" />}
                    {i < props.states.length - 1 ? <ActionButton action={`${base}/states/${s.id}/move`} csrf={csrf} label="Down" fields={{ direction: 'down' }} /> : <EdgeButton label="Down" />}
                    {s.used === 0 ? (
                      <ActionButton action={`${base}/states/${s.id}/delete`} csrf={csrf} label="Delete" class="outline danger" confirm={`Delete the state ${s.name}?`} />
                    ) : props.states.length > 1 ? (
                      <StateDeleteMoving base={base} csrf={csrf} state={s} others={props.states.filter((o) => o.id !== s.id)} />
                    ) : (
                      <small class="muted">in use</small>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form method="post" action={`${base}/states`} class="row-form pl-add-row">
          <CsrfField token={csrf} />
          <input type="text" name="name" placeholder="New state" aria-label="New state name" required maxlength={60} />
          <select name="group" aria-label="Group of the new state">
            {groupOptions.map((g) => (
              <option value={g.value} selected={g.value === 'started'} safe>
                {g.label}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary outline">
            Add state
          </button>
        </form>
      </section>
      <section class="section">
        <h2>Labels</h2>
        {props.labels.length === 0 ? (
          <p class="muted">No labels yet.</p>
        ) : (
          <ul class="pl-label-list">
            {props.labels.map((l) => (
              <li>
                <span class="pl-label" data-color={l.color} safe>
                  {l.name}
                </span>{' '}
                <form method="post" action={`${base}/labels/${l.id}`} class="row-form pl-label-edit">
                  <CsrfField token={csrf} />
                  <input type="text" name="name" value={l.name} aria-label={`Name of the label ${l.name}`} required maxlength={40} />
                  <input type="color" name="color" value={l.color} aria-label={`Color of the label ${l.name}`} />
                  <button type="submit" class="secondary outline">
                    Save
                  </button>
                </form>{' '}
                <ActionButton action={`${base}/labels/${l.id}/delete`} csrf={csrf} label="Delete" class="outline danger" confirm={`Delete the label ${l.name}? It is taken off every task.`} />
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`${base}/labels`} class="row-form pl-add-row">
          <CsrfField token={csrf} />
          <input type="text" name="name" placeholder="New label" aria-label="New label name" required maxlength={40} />
          <input type="color" name="color" value="#3b82f6" aria-label="Label color" />
          <button type="submit" class="secondary outline">
            Add label
          </button>
        </form>
      </section>
      <section class="section pl-danger-zone">
        <h2>Danger zone</h2>
        <p class="muted">Deleting the project deletes all its tasks, milestones and cycles.</p>
        <ActionButton action={`${base}/delete`} csrf={csrf} label="Delete project" class="outline danger" confirm={`Delete ${props.project.key} with all its tasks? This cannot be undone.`} />
      </section>
      <script src="/public/planning/board.js" defer></script>
    </>
  )
}
