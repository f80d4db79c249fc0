/**
 * @module Checks a task list's query before it runs or is saved as a view: an unknown filter value,
 * sort, order, date or page size is an InputError naming the parameter and what it accepts.
 */
import { InputError } from '../../core/auth/accounts.ts'
import { orList } from './project-core.ts'
import { PRIORITIES, STATE_GROUPS } from './schema.ts'

/** The orders a task list knows. */
export const SORTS = ['number', 'created', 'updated', 'priority', 'due'] as const
/** Tasks per page: 50 unless `limit` says otherwise, at most this many. */
export const MAX_PAGE = 500

/** A project's values a filter may name (ids; states also by name). */
export interface FilterChoices {
  states: { id: string; name: string }[]
  labels: { id: string; name: string }[]
  milestones: { id: string; name: string }[]
  cycles: { id: string; name: string }[]
}

/** The comma-separated values of one filter parameter, trimmed, without empty ones. */
export const listOf = (value: string | undefined) => (value ? value.split(',').map((v) => v.trim()).filter(Boolean) : [])

/** The filters that take several values: repeated (`label=a&label=b`) or as a comma list (`label=a,b`). */
export const LIST_FILTERS = ['state', 'group', 'assignee', 'label', 'priority'] as const

/**
 * The `keys` of a query string as one string each: a list filter's values (repeated parameters and
 * comma lists alike) joined by commas without repeats, any other key's first non-empty value.
 */
export function readFilterQuery(params: URLSearchParams, keys: readonly string[]): Record<string, string> {
  const clean: Record<string, string> = {}
  for (const k of keys) {
    const all = params.getAll(k)
    const value = (LIST_FILTERS as readonly string[]).includes(k) ? [...new Set(all.flatMap((v) => listOf(v)))].join(',') : (all.find((v) => v.trim() !== '') ?? '')
    if (value) clean[k] = value
  }
  return clean
}
const quoted = (v: string) => `'${v.length > 40 ? v.slice(0, 40) + '...' : v}'`

function isDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim())
  if (!m) return false
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!))
  return d.getUTCDate() === +m[3]! && d.getUTCMonth() === +m[2]! - 1
}

/**
 * Throws an InputError (field = the parameter) for the first value of `query` the list cannot use:
 * `priority`, `group`, `sort`, `dir`, `dueAfter`, `dueBefore`, `open`, and, given the project's
 * `choices`, `state` (ids or names), `label`, `milestone` and `cycle` (ids). `state`, `group`,
 * `assignee`, `label` and `priority` take comma lists. Unknown parameters are ignored.
 */
export function checkFilterQuery(query: Record<string, string | undefined>, choices?: FilterChoices, status: 400 | 422 = 422): void {
  const fail = (field: string, message: string) => {
    throw new InputError(message, field, status)
  }
  for (const p of listOf(query.priority)) if (!(PRIORITIES as readonly string[]).includes(p)) fail('priority', `The priority filter has an unknown value ${quoted(p)}: use ${orList(PRIORITIES)}.`)
  for (const g of listOf(query.group)) if (g !== 'open' && !(STATE_GROUPS as readonly string[]).includes(g)) fail('group', `The group filter has an unknown value ${quoted(g)}: use ${orList(['open', ...STATE_GROUPS])}.`)
  if (query.sort && !(SORTS as readonly string[]).includes(query.sort)) fail('sort', `The sort has an unknown value ${quoted(query.sort)}: use ${orList(SORTS)}.`)
  if (query.dir && query.dir !== 'asc' && query.dir !== 'desc') fail('dir', `The dir (order) has an unknown value ${quoted(query.dir)}: use asc or desc.`)
  for (const k of ['dueAfter', 'dueBefore'] as const) if (query[k] && !isDay(query[k]!)) fail(k, `The ${k} filter must be a date like 2025-01-31 (got ${quoted(query[k]!)}).`)
  if (query.open && !['true', 'false', '1', '0'].includes(query.open)) fail('open', `The open filter takes true or false (got ${quoted(query.open)}).`)
  if (!choices) return
  for (const s of listOf(query.state)) {
    if (!choices.states.some((x) => x.id === s || x.name.toLowerCase() === s.toLowerCase())) fail('state', `The state filter names an unknown state ${quoted(s)} in this project: use ${orList(choices.states.map((x) => x.name))}.`)
  }
  for (const l of listOf(query.label)) {
    if (!choices.labels.some((x) => x.id === l)) fail('label', `The label filter names no label of this project (${quoted(l)}): choose one of its labels.`)
  }
  const byId = (field: 'milestone' | 'cycle', list: { id: string }[]) => {
    const v = query[field]
    if (v && !list.some((x) => x.id === v)) fail(field, `The ${field} filter names no ${field} of this project (${quoted(v)}): choose one of its ${field}s.`)
  }
  byId('milestone', choices.milestones)
  byId('cycle', choices.cycles)
}

/** The states (or labels) a `state` (or `label`) filter names, as ids (names are matched case aside). */
export function stateIdsOf(value: string | undefined, states: { id: string; name: string }[]): string[] | undefined {
  const list = listOf(value)
  if (!list.length) return undefined
  return list.map((s) => states.find((x) => x.id === s)?.id ?? states.find((x) => x.name.toLowerCase() === s.toLowerCase())?.id ?? s)
}

/** `limit` of a list request: 50 when absent, else a whole number from 1 to MAX_PAGE (anything else is a 400). */
export function pageLimit(value: string | undefined): number {
  if (value === undefined || value === '') return 50
  if (!/^\d{1,9}$/.test(value) || +value < 1 || +value > MAX_PAGE) throw new InputError(`The limit must be a whole number from 1 to ${MAX_PAGE} (got ${quoted(value)}).`, 'limit', 400)
  return +value
}
