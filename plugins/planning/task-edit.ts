/**
 * @module The task page's edit form against lost updates. The form carries the values it was loaded
 * with (`orig_<field>`, `orig_labels`); a save sends the service only the fields the user changed,
 * so a change someone else made meanwhile to another field stays. A field the user changed that
 * someone else changed too since the form was loaded is a conflict: nothing is saved, and the page
 * comes back (409) with their value and the user's, naming the fields and who changed them.
 */
import { createHash } from 'node:crypto'

/** The edit form's fields (form names), with the label a conflict names and the history field. */
export const EDIT_FIELDS = [
  { name: 'title', label: 'Title', history: 'title' },
  { name: 'description', label: 'Description', history: 'description' },
  { name: 'state', label: 'State', history: 'state' },
  { name: 'priority', label: 'Priority', history: 'priority' },
  { name: 'assigneeId', label: 'Assignee', history: 'assignee' },
  { name: 'estimate', label: 'Estimate', history: 'estimate' },
  { name: 'due', label: 'Due date', history: 'due' },
  { name: 'parent', label: 'Parent task', history: 'parent' },
  { name: 'milestoneId', label: 'Milestone', history: 'milestone' },
  { name: 'cycleId', label: 'Cycle', history: 'cycle' },
] as const
const LABELS = { name: 'labels', label: 'Labels', history: 'labels' } as const

/** The hidden field holding a field's original value. */
export const origName = (field: string) => `orig_${field}`

/** A set of label ids as one string (order aside). */
export const labelSet = (ids: readonly string[]) => [...new Set(ids)].sort().join(',')

/** Line ends aside (a browser sends a textarea's and a hidden field's newlines as CRLF). */
const norm = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n')

/**
 * The values an edit form was loaded with, as the form carries them: each field's value as it is,
 * but the description's digest (it may be 50,000 characters; and it is the user's markup, which a
 * hidden field would repeat).
 */
export interface Originals {
  values: Record<string, string>
  labels: string[]
}

/** A field's value as its original is carried (see Originals). */
export function fingerprint(name: string, value: string | undefined): string {
  const v = norm(value)
  return name === 'description' ? `sha256:${createHash('sha256').update(v).digest('hex')}` : v
}

/** The originals of a form loaded with these values and labels. */
export function originals(values: Record<string, string>, labels: string[]): Originals {
  const out: Record<string, string> = {}
  for (const { name } of EDIT_FIELDS) out[name] = fingerprint(name, values[name])
  return { values: out, labels }
}

/** The originals a submitted form carries; undefined for a form without them. */
export function originalsOf(one: Record<string, string>): Originals | undefined {
  if (one[origName('labels')] === undefined && !EDIT_FIELDS.some((f) => one[origName(f.name)] !== undefined)) return undefined
  const values: Record<string, string> = {}
  for (const { name } of EDIT_FIELDS) values[name] = one[origName(name)] ?? ''
  return { values, labels: (one[origName('labels')] ?? '').split(',').filter(Boolean) }
}

/** The form's values a field has in the service's input. */
function inputValue(name: string, v: string): unknown {
  if (name === 'priority') return v || 'none'
  if (name === 'state') return v || undefined
  return v
}

/** What a submitted edit form asks for, against the task as it is now. */
export interface EditPlan {
  /** For `tasks.update`: the fields the user changed (every field of a form without originals). */
  input: Record<string, unknown>
  /** Form names of the fields the user changed. */
  changed: string[]
  /** Form names of the changed fields someone else changed too since the form was loaded. */
  conflicts: string[]
}

/**
 * Compares a submitted form (`one`, and `labels` from the checkboxes) with its originals and with
 * the task's current form values. A field without an original in the form (an older page, a
 * script) counts as changed, as before: it is sent, never a conflict.
 */
export function planEdit(one: Record<string, string>, labels: string[], current: { values: Record<string, string>; labels: string[] }): EditPlan {
  const input: Record<string, unknown> = {}
  const changed: string[] = []
  const conflicts: string[] = []
  for (const { name } of EDIT_FIELDS) {
    const typed = one[name] ?? ''
    const orig = one[origName(name)]
    if (orig !== undefined && fingerprint(name, typed) === norm(orig)) continue
    input[name] = inputValue(name, typed)
    if (orig === undefined) continue
    changed.push(name)
    const now = fingerprint(name, current.values[name])
    if (now !== norm(orig) && now !== fingerprint(name, typed)) conflicts.push(name)
  }
  const origLabels = one[origName('labels')]
  const typedLabels = labelSet(labels)
  if (origLabels === undefined || typedLabels !== labelSet(origLabels.split(',').filter(Boolean))) {
    input.labels = labels
    if (origLabels !== undefined) {
      changed.push('labels')
      const now = labelSet(current.labels)
      if (now !== labelSet(origLabels.split(',').filter(Boolean)) && now !== typedLabels) conflicts.push('labels')
    }
  }
  return { input, changed, conflicts }
}

/** The label of a form field ("State"). */
export function fieldLabel(name: string): string {
  return (name === 'labels' ? LABELS : EDIT_FIELDS.find((f) => f.name === name))?.label ?? name
}

/** "A", "A and B", "A, B and C". */
export function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

/** A history row, as far as a conflict needs it (newest first). */
interface ChangeRow {
  actorName: string
  field: string
  toValue: string | null
}

/**
 * The message and per-field errors of a conflict, from the task's history (newest first): who last
 * changed each conflicting field and to what. "Ben Builder changed State and Priority while you
 * edited; review and save again".
 */
export function conflictReport(conflicts: string[], history: ChangeRow[], show: (field: string, value: string) => string = (_, v) => v): { message: string; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const who: string[] = []
  for (const name of conflicts) {
    const field = (name === 'labels' ? LABELS : EDIT_FIELDS.find((f) => f.name === name))?.history ?? name
    const row = history.find((h) => h.field === field)
    const actor = row?.actorName || 'Someone else'
    if (!who.includes(actor)) who.push(actor)
    const to = row?.toValue
    const shown = to == null || to === '' ? '' : show(field, to)
    const now = name === 'description' ? 'edited it' : !shown ? 'cleared it' : `set it to “${shown.length > 80 ? shown.slice(0, 80) + '…' : shown}”`
    errors[name] = `${actor} ${now} while you edited. Your value is shown; save to keep it.`
  }
  const message = `${joinAnd(who)} changed ${joinAnd(conflicts.map(fieldLabel))} while you edited: review and save again.`
  return { message, errors }
}
