/**
 * @module What ProjectService and its parts (projects.ts, project-*.ts) share: the planning types, the
 * services' dependencies, field checks, and ProjectPart, the base of each part.
 */
import { InputError } from '../../core/auth/accounts.ts'
import type { BusScope } from '../../core/bus.ts'
import type { People } from '../../core/plugins/contract.ts'
import type { Store } from '../../core/store/connect.ts'
import { isoDay } from '../../core/time.ts'
import type { FilterChoices } from './filters.ts'
import { STATE_GROUPS, schema } from './schema.ts'

export type Tables = ReturnType<typeof schema>
export type Project = Tables['projects']['$inferSelect']
export type State = Tables['states']['$inferSelect']
export type Label = Tables['labels']['$inferSelect']
export type Milestone = Tables['milestones']['$inferSelect']
export type Cycle = Tables['cycles']['$inferSelect']
export type SavedView = Tables['views']['$inferSelect']
export type StateGroup = (typeof STATE_GROUPS)[number]

/** Who acts. */
export interface Actor {
  id: string
  name: string
}

/** What the services need from the plugin context. */
export interface Deps {
  store: Store
  tables: Tables
  bus: BusScope
  people: People
}

/**
 * The version (`updatedAt`) a write expects a task or project to still have, or several of which
 * any will do (an If-Match header may list more than one; an empty list matches nothing).
 */
export type ExpectedVersion = Date | readonly Date[]

/** True when the row's version `v` is one the caller expects. */
export function isExpected(v: Date, expected: ExpectedVersion): boolean {
  return (expected instanceof Date ? [expected] : expected).some((d) => d.getTime() === v.getTime())
}

/**
 * A task or project changed after the caller read it (a write with `expectUpdatedAt`): read again and
 * re-plan. The pages answer 409 with the message, the API 412 naming `noun`.
 */
export class ChangedError extends InputError {
  constructor(readonly noun: 'task' | 'project') {
    super(`The ${noun} changed while this change was being saved: open it again and repeat the change.`, undefined, 409)
  }
}

/** The version a write gives a row: now, but always later than the one it replaces (a compare-and-set on the old one must fail). */
export function nextVersion(previous: Date): Date {
  return new Date(Math.max(Date.now(), previous.getTime() + 1))
}

export const KEY_RE = /^[A-Z0-9]{2,6}$/
export const DEFAULT_STATES: { name: string; group: StateGroup }[] = [
  { name: 'Backlog', group: 'backlog' },
  { name: 'Todo', group: 'unstarted' },
  { name: 'In Progress', group: 'started' },
  { name: 'Done', group: 'completed' },
  { name: 'Cancelled', group: 'cancelled' },
]

/** "urgent, high, medium, low or none": the values a message offers. */
export const orList = (values: readonly string[]) => (values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : (values[0] ?? ''))

/** "a name", "an estimate": the noun a message asks for. */
const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`

/**
 * Trims a text field; throws 422 on the field when required and empty ("Enter a name.") or too long
 * ("Shorten the name to 200 characters or fewer."); `label` names the field ("Name", "View name").
 */
export function text(value: unknown, field: string, opts: { required?: boolean; max?: number; label?: string } = {}): string {
  const v = typeof value === 'string' ? value.trim() : value == null ? '' : String(value).trim()
  const noun = (opts.label ?? field).toLowerCase()
  if (opts.required && !v) throw new InputError(`Enter ${withArticle(noun)}.`, field)
  if (v.length > (opts.max ?? 200)) throw new InputError(`Shorten the ${noun} to ${opts.max ?? 200} characters or fewer (it has ${v.length}).`, field)
  return v
}

/** What a date field is called in its error ("Enter the due date as a date like 2025-01-31."). */
const DATE_NAMES: Record<string, string> = { due: 'the due date', dueAt: 'the due date', startsAt: 'the start date', endsAt: 'the end date', targetDate: 'the target date', dueAfter: 'the due-after date', dueBefore: 'the due-before date' }

/** A date `YYYY-MM-DD` (or an ISO time) as a Date at UTC midnight; empty is null. */
export function parseDay(value: unknown, field: string): Date | null {
  if (value == null || value === '') return null
  if (value instanceof Date) return value
  const s = String(value).trim()
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s)
  const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : undefined
  if (!d || Number.isNaN(d.getTime()) || d.getUTCDate() !== +m![3]!) throw new InputError(`Enter ${DATE_NAMES[field] ?? field} as a date like 2025-01-31.`, field)
  return d
}

/** `YYYY-MM-DD` of a date, or ''. */
export function day(d: Date | null | undefined): string {
  return isoDay(d)
}

/** Fresh text id. */
export const newId = () => Bun.randomUUIDv7()

/** What the parts of ProjectService share with it: its cache of project configuration, and the lookups every part makes. */
export interface ProjectCore {
  deps: Deps
  /** `load()` once until the next `changed()`; each caller gets its own copy of a list. */
  cached<T>(key: string, load: () => PromiseLike<T>): Promise<T>
  /** Something cached changed: every write calls it. */
  changed(): void
  get(orgId: string, keyOrId: string): Promise<Project>
  filterChoices(projectId: string): Promise<FilterChoices>
}

/** The base of a part of ProjectService: the core, its database and tables. */
export abstract class ProjectPart {
  constructor(protected readonly core: ProjectCore) {}

  protected get db() {
    return this.core.deps.store.db
  }

  protected get t() {
    return this.core.deps.tables
  }
}
