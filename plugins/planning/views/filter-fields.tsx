/**
 * @module Filter fields that take several values (a picker: a dropdown of checkboxes of one name, so
 * the form sends repeated parameters; none checked = any), and the keyboard shortcuts dialog.
 */
import { STATE_GROUPS } from '../schema.ts'
import { sentenceCase } from './ui.tsx'

/** One choice of a picker; `color` (a label's) or `group` (a state's) draws a dot before its name. */
export interface PickerOption {
  value: string
  label: string
  color?: string
  group?: string
}

/** What a picker's summary says of its chosen names: "any", "High", "Urgent, High", "Urgent, High +2" (board.js says the same). */
export function pickerText(names: string[]): string {
  if (!names.length) return 'any'
  return names.length <= 2 ? names.join(', ') : `${names[0]}, ${names[1]} +${names.length - 2}`
}

/**
 * A filter of several values as a compact dropdown, "Priority: Urgent, High" (or "Priority: any"):
 * a `<details class="dropdown">` of checkboxes named `name`, so the form submits what a multiple
 * select did (`priority=urgent&priority=high`), without JavaScript too. app.js closes it on Escape
 * (the focus back on its summary) and on a click elsewhere; board.js closes it when the focus leaves
 * it and keeps its summary in step with the boxes. `values` are checked.
 */
export function FilterPicker(props: { name: string; label: string; id: string; options: PickerOption[]; values: string[] }) {
  const chosen = props.options.filter((o) => props.values.includes(o.value)).map((o) => o.label)
  return (
    <details class="dropdown pl-picker" id={props.id}>
      <summary>
        <span class="pl-picker-text">
          <span safe>{props.label}</span>: <span class="pl-picker-value" safe>{pickerText(chosen)}</span>
        </span>
      </summary>
      <ul aria-label={props.label}>
        {props.options.length ? (
          props.options.map((o) => (
            <li>
              <label>
                <input type="checkbox" name={props.name} value={o.value} checked={props.values.includes(o.value)} />
                {o.color ? <span class="pl-dot" data-color={o.color} aria-hidden="true"></span> : o.group ? <span class={`pl-dot pl-dot-${o.group}`} aria-hidden="true"></span> : ''}
                <span class="pl-picker-name" safe>
                  {o.label}
                </span>
              </label>
            </li>
          ))
        ) : (
          <li class="muted">None in this project</li>
        )}
      </ul>
    </details>
  )
}

/** The state-group choices: "Open" (backlog, unstarted and started), then each group. */
export const groupOptions: PickerOption[] = [{ value: 'open', label: 'Open (not done)' }, ...STATE_GROUPS.map((g) => ({ value: g, label: sentenceCase(g), group: g }))]

/** The comma list of a filter value as values. */
export const valuesOf = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : [])

/** The keys of the lists (task list, projects, My tasks) and of the board, whose cards cannot be selected (board.js: x is the list's). */
const SHORTCUTS: Record<'list' | 'board', [string, string][]> = {
  list: [
    ['c', 'New task (a new project on the projects page)'],
    ['/', 'Search'],
    ['j / k', 'Next / previous row'],
    ['Enter', 'Open the focused row'],
    ['x', 'Select the focused row'],
    ['?', 'This help'],
  ],
  board: [
    ['c', 'New task'],
    ['/', 'Search'],
    ['j / k', 'Next / previous card'],
    ['Enter', 'Open the focused card'],
    ['?', 'This help'],
  ],
}

/**
 * The "Keyboard shortcuts" dialog of a list page or of the board (`for`); `?` opens it (board.js),
 * Esc or Close shuts it and the focus goes back to what had it. Pico draws a modal's panel from the
 * <article> inside the <dialog>.
 */
export function ShortcutsHelp(props: { for?: 'list' | 'board' }) {
  return (
    <dialog id="pl-shortcuts" class="pl-shortcuts" aria-labelledby="pl-shortcuts-title">
      <article>
        <header>
          <h2 id="pl-shortcuts-title">Keyboard shortcuts</h2>
        </header>
        <dl>
          {SHORTCUTS[props.for ?? 'list'].map(([key, what]) => (
            <>
              <dt>
                <kbd safe>{key}</kbd>
              </dt>
              <dd safe>{what}</dd>
            </>
          ))}
        </dl>
        <footer>
          {/* no <form method="dialog">: the board counts its one form; board.js closes it (Esc does natively) */}
          <button type="button" class="secondary" data-close-dialog>
            Close
          </button>
        </footer>
      </article>
    </dialog>
  )
}
