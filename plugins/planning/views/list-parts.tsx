/** @module Pieces of a project's task list page: the active filters as removable chips, and the page that asks before a saved view is deleted. */
import { CsrfField, PageHeader } from '../../../views/components.tsx'
import type { SavedView } from '../service.ts'
import type { ProjectContext } from './tasks.tsx'
import { LIST_FILTERS } from '../filters.ts'
import { groupOptions } from './filter-fields.tsx'
import { priorityLabel, sentenceCase } from './ui.tsx'

/** The list's query keys a chip can show, in the order the chips appear. */
const CHIP_KEYS = ['q', 'open', 'group', 'state', 'assignee', 'label', 'priority', 'milestone', 'cycle', 'dueAfter', 'dueBefore', 'sort', 'dir'] as const

const CHIP_NAMES: Record<(typeof CHIP_KEYS)[number], string> = {
  q: 'Search',
  open: 'Open only',
  group: 'State group',
  state: 'State',
  assignee: 'Assignee',
  label: 'Label',
  priority: 'Priority',
  milestone: 'Milestone',
  cycle: 'Cycle',
  dueAfter: 'Due after',
  dueBefore: 'Due before',
  sort: 'Sort',
  dir: 'Order',
}

/** What a filter's value reads as: names for ids, labels for codes; an unknown id stays as typed. */
function chipValue(pc: ProjectContext, key: (typeof CHIP_KEYS)[number], value: string): string {
  switch (key) {
    case 'state':
      return pc.states.find((s) => s.id === value)?.name ?? value
    case 'group':
      return groupOptions.find((g) => g.value === value)?.label ?? value
    case 'priority':
      return priorityLabel(value)
    case 'assignee':
      return value === 'me' ? 'Me' : value === 'none' ? 'Unassigned' : (pc.people.find((p) => p.id === value)?.name ?? value)
    case 'label':
      return pc.labels.find((l) => l.id === value)?.name ?? value
    case 'milestone':
      return pc.milestones.find((m) => m.id === value)?.name ?? value
    case 'cycle':
      return pc.cycles.find((c) => c.id === value)?.name ?? value
    case 'sort':
      return sentenceCase(value)
    case 'dir':
      return value === 'asc' ? 'Ascending' : 'Descending'
    default:
      return value
  }
}

/**
 * The filters in use, each a chip linking to the same list without it (the others stay), so any one
 * of them (a saved view's cycle too) can be dropped without opening the panel or clearing them all.
 * A filter of several values (`label=a,b`) shows a chip per value, each dropping only that value.
 */
export function FilterChips(props: { pc: ProjectContext; query: Record<string, string> }) {
  const { pc, query } = props
  const base = `/planning/projects/${pc.project.key}`
  const keys = CHIP_KEYS.filter((k) => query[k] && !(k === 'sort' && query[k] === 'number'))
  if (!keys.length) return ''
  const without = (drop: string, value: string) => {
    const rest = Object.entries(query).map(([k, v]): [string, string] => [k, k === drop ? (LIST_FILTERS as readonly string[]).includes(k) ? v.split(',').filter((x) => x !== value).join(',') : '' : v])
    const qs = new URLSearchParams(rest.filter(([k, v]) => v && k !== 'cursor')).toString()
    return qs ? `${base}?${qs}` : base
  }
  const chips = keys.flatMap((k) => ((LIST_FILTERS as readonly string[]).includes(k) ? query[k]!.split(',').filter(Boolean) : [query[k]!]).map((v) => ({ k, v })))
  return (
    <ul class="pl-chips" aria-label="Filters in use">
      {chips.map(({ k, v }) => {
        const text = k === 'open' ? CHIP_NAMES.open : `${CHIP_NAMES[k]}: ${chipValue(pc, k, v)}`
        return (
          <li>
            <a href={without(k, v)} class="pl-chip" aria-label={`Remove filter ${text}`} title="Remove this filter">
              <span safe>{text}</span>
              <span aria-hidden="true">×</span>
            </a>
          </li>
        )
      })}
    </ul>
  )
}

/** Asks before a saved view is deleted (a page of its own: no script needed); Cancel goes back to the view. */
export function ViewDeletePage(props: { pc: ProjectContext; view: SavedView }) {
  const base = `/planning/projects/${props.pc.project.key}`
  return (
    <>
      <PageHeader title={`Delete the view ${props.view.name}?`} subtitle="Only the saved filters go; no task changes." />
      <form method="post" action={`${base}/views/${props.view.id}/delete`} class="pl-form-actions">
        <CsrfField token={props.pc.csrf} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="outline danger">
          Delete view
        </button>
        <a href={`${base}?${props.view.query}`}>Cancel</a>
      </form>
    </>
  )
}
