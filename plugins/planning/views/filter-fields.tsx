/** @module Filter fields that take several values (a multiple select: repeated parameters, none chosen = any), and the keyboard shortcuts dialog. */
import { STATE_GROUPS } from '../schema.ts'
import { sentenceCase } from './ui.tsx'

/** A select of several values (Ctrl or Cmd picks more than one); `values` are chosen. */
export function MultiSelect(props: { name: string; label: string; id: string; options: { value: string; label: string }[]; values: string[] }) {
  const size = Math.min(Math.max(props.options.length, 2), 5)
  return (
    <label for={props.id}>
      <span safe>{props.label}</span>
      <select id={props.id} name={props.name} multiple="multiple" size={String(size)} title="Ctrl or Cmd + click to pick several">
        {props.options.map((o) => (
          <option value={o.value} selected={props.values.includes(o.value)} safe>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The state-group choices: "Open" (backlog, unstarted and started), then each group. */
export const groupOptions = [{ value: 'open', label: 'Open (not done)' }, ...STATE_GROUPS.map((g) => ({ value: g, label: sentenceCase(g) }))]

/** The comma list of a filter value as values. */
export const valuesOf = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : [])

const SHORTCUTS: [string, string][] = [
  ['c', 'New task (a new project on the projects page)'],
  ['/', 'Search'],
  ['j / k', 'Next / previous row or card'],
  ['Enter', 'Open the focused row'],
  ['x', 'Select the focused row'],
  ['?', 'This help'],
]

/**
 * The "Keyboard shortcuts" dialog; `?` opens it (board.js), Esc or Close shuts it and the focus goes
 * back to what had it. Pico draws a modal's panel from the <article> inside the <dialog>.
 */
export function ShortcutsHelp() {
  return (
    <dialog id="pl-shortcuts" class="pl-shortcuts" aria-labelledby="pl-shortcuts-title">
      <article>
        <header>
          <h2 id="pl-shortcuts-title">Keyboard shortcuts</h2>
        </header>
        <dl>
          {SHORTCUTS.map(([key, what]) => (
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
