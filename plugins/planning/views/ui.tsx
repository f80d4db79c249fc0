/** @module Small pieces the planning pages share: project tabs, badges, label chips, option lists. */
import { escapeHtml } from '@kitajs/html'
import type { Person } from '../../../core/plugins/points.ts'
import { day, type Label, type Project, type State } from '../service.ts'
import { PRIORITIES } from '../schema.ts'

/** The tabs of a project. */
export function ProjectTabs(props: { project: Project; current: 'list' | 'board' | 'milestones' | 'cycles' | 'settings' | 'import'; manage: boolean }) {
  const base = `/planning/projects/${props.project.key}`
  const tabs = [
    { id: 'list', href: base, label: 'List' },
    { id: 'board', href: `${base}/board`, label: 'Board' },
    { id: 'milestones', href: `${base}/milestones`, label: 'Roadmap' },
    { id: 'cycles', href: `${base}/cycles`, label: 'Cycles' },
    ...(props.manage ? [{ id: 'settings', href: `${base}/settings`, label: 'Settings' }] : []),
  ]
  return (
    <nav aria-label="Project">
      <ul class="tabs">
        {tabs.map((t) => (
          <li>
            <a href={t.href} aria-current={t.id === props.current ? 'page' : undefined} safe>
              {t.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** A status or other code as the pages show it: sentence case ("active" reads "Active", as the selects offer it). */
export const sentenceCase = (code: string) => (code ? code[0]!.toUpperCase() + code.slice(1) : code)

const PRIORITY_LABEL: Record<string, string> = { urgent: 'Urgent', high: 'High', medium: 'Medium', low: 'Low', none: 'No priority' }

/** The "New task" button of a project's pages; `c` presses it (app.js: data-shortcut). */
export function NewTaskButton(props: { project: Project; query?: Record<string, string>; class?: string }) {
  const qs = new URLSearchParams(Object.entries(props.query ?? {}).filter(([, v]) => v)).toString()
  return (
    <a href={`/planning/projects/${props.project.key}/tasks/new${qs ? '?' + qs : ''}`} role="button" class={props.class} data-shortcut="c" title="New task (c)" aria-keyshortcuts="c">
      New task
    </a>
  )
}

/** A priority's name ("Urgent", "No priority"). */
export const priorityLabel = (priority: string) => PRIORITY_LABEL[priority] ?? priority

/** A priority badge. */
export function PriorityBadge(props: { priority: string }) {
  if (props.priority === 'none') return ''
  return (
    <span class={`badge pl-priority pl-priority-${props.priority}`} title="Priority" safe>
      {PRIORITY_LABEL[props.priority] ?? props.priority}
    </span>
  )
}

/** True when `t` is open (neither done nor cancelled) and its due date lies before `today` (YYYY-MM-DD, UTC). */
export function isOverdue(t: { dueAt: Date | null; state: { group: string } }, today = day(new Date())): boolean {
  return t.dueAt != null && t.state.group !== 'completed' && t.state.group !== 'cancelled' && day(t.dueAt) < today
}

/** A state badge colored by its group. */
export function StateBadge(props: { state: State }) {
  return (
    <span class={`badge pl-state pl-group-${props.state.group}`} safe>
      {props.state.name}
    </span>
  )
}

/** Label chips (their color is applied by board.js: no inline styles under the CSP). */
export function LabelChips(props: { labels: Label[] }) {
  if (!props.labels.length) return ''
  return (
    <span class="pl-labels">
      {props.labels.map((l) => (
        <span class="pl-label" data-color={l.color} safe>
          {l.name}
        </span>
      ))}
    </span>
  )
}

/** Options for priority selects. */
export const priorityOptions = (blank?: string) => [...(blank ? [{ value: '', label: blank }] : []), ...PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABEL[p]! }))]

/** Options for state selects. */
export const stateOptions = (states: State[], blank?: string) => [...(blank ? [{ value: '', label: blank }] : []), ...states.map((s) => ({ value: s.id, label: s.name }))]

/** Options for people selects. */
export const peopleOptions = (people: Person[], blank?: string) => [...(blank !== undefined ? [{ value: '', label: blank }] : []), ...people.map((p) => ({ value: p.id, label: p.name }))]

/** A textarea with its label and error. */
export function TextArea(props: { name: string; label: string; value?: string; error?: string; rows?: number; id?: string; autofocus?: boolean }) {
  const id = props.id ?? `f-${props.name}`
  return (
    <label for={id}>
      <span safe>{props.label}</span>
      <textarea id={id} name={props.name} rows={String(props.rows ?? 6)} aria-invalid={props.error ? 'true' : undefined} autofocus={props.autofocus || undefined} safe>
        {props.value ?? ''}
      </textarea>
      {props.error ? (
        <small class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </label>
  )
}

/** An input with its label and error, with an explicit id (for pages with several forms of the same fields). */
export function InputField(props: { id: string; name: string; label: string; type?: string; value?: string; error?: string; required?: boolean; maxlength?: number }) {
  return (
    <label for={props.id}>
      <span safe>{props.label}</span>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
      />
      {props.error ? (
        <small id={`${props.id}-error`} class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </label>
  )
}

/** Checkboxes for labels. */
export function LabelPicker(props: { labels: Label[]; checked: string[]; error?: string }) {
  if (!props.labels.length) return <p class="muted">No labels in this project yet.</p>
  return (
    <fieldset class="pl-label-picker">
      <legend>Labels</legend>
      {props.labels.map((l) => (
        <label>
          <input type="checkbox" name="labels" value={l.id} checked={props.checked.includes(l.id)} />
          <span class="pl-label" data-color={l.color} safe>
            {l.name}
          </span>
        </label>
      ))}
      {props.error ? (
        <small class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </fieldset>
  )
}

/** A progress bar with its text. */
export function Progress(props: { done: number; total: number; points?: number; donePoints?: number }) {
  const pct = props.total ? Math.round((props.done / props.total) * 100) : 0
  return (
    <span class="pl-progress">
      <progress value={String(props.done)} max={String(Math.max(props.total, 1))} aria-label="Progress"></progress>
      <small safe>{`${props.done}/${props.total} done (${pct}%)${props.points ? ` · ${props.donePoints ?? 0}/${props.points} points` : ''}`}</small>
    </span>
  )
}

/** The script of the planning pages (board drag and drop, j/k, label colors). */
export function BoardScript() {
  return (
    <>
      <script src="/public/sortable.min.js" defer></script>
      <script src="/public/planning/board.js" defer></script>
    </>
  )
}

/** A task key in text ("API-8"; a project key has a letter), not inside a longer word. */
const TASK_KEY = /\b(?=[0-9]*[A-Z])[A-Z0-9]{2,6}-\d+\b/g

/** `text` escaped, each task key in it wrapped in a `task-key` span (app.css: it never breaks at its hyphen). */
export function safeKeys(text: string): string {
  return escapeHtml(text).replace(TASK_KEY, '<span class="task-key">$&</span>')
}
