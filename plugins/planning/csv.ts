/** @module CSV export and import of a project's tasks (RFC 4180 quoting, a header row, per-row errors). */
import { InputError } from '../../core/auth/accounts.ts'
import { csvField, undefuse } from '../../core/http/csv.ts'
import { day, type Actor, type ProjectService } from './service.ts'
import type { Task, TaskService } from './tasks.ts'
import { TASK_REF_RE, type TaskFilter } from './task-queries.ts'

export const CSV_COLUMNS = ['key', 'title', 'state', 'priority', 'assignee', 'labels', 'estimate', 'due', 'parent', 'milestone', 'cycle', 'description'] as const

/** One record of a CSV file: its fields, or why it breaks RFC 4180 (then its fields are unreliable). */
export interface CsvRecord {
  fields: string[]
  error?: string
}

/**
 * Parses CSV text strictly (RFC 4180: quotes, doubled quotes, CRLF, line breaks inside quotes) into
 * records; blank lines are left out. A quote that is never closed, a quote inside an unquoted field
 * or text after a closing quote makes that record an error instead of a guess: a record with an
 * unclosed quote swallows the rest of the file, which is reported with it.
 */
export function parseCsvRecords(input: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let closed = false // the field's closing quote was read: only a comma or line end may follow
  let error: string | undefined
  const s = input.replace(/^\uFEFF/, '')
  const endRecord = () => {
    row.push(field)
    if (error || row.some((f) => f.trim() !== '')) records.push(error ? { fields: row, error } : { fields: row })
    row = []
    field = ''
    closed = false
    error = undefined
  }
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') {
        quoted = false
        closed = true
      } else field += c
    } else if (c === ',') {
      row.push(field)
      field = ''
      closed = false
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++
      endRecord()
    } else if (closed) {
      error ??= `Text follows a closing quote in field ${row.length + 1}: quote the whole field and double the quotes inside it ("").`
      field += c
    } else if (c === '"') {
      if (field === '') quoted = true
      else {
        error ??= `A quote is inside unquoted field ${row.length + 1}: quote the whole field and double the quotes inside it ("").`
        field += c
      }
    } else field += c
  }
  if (quoted) error = `The quote opening field ${row.length + 1} is never closed: add the missing ". The lines after it were read as part of that field and not imported.`
  if (quoted || field !== '' || row.length) endRecord()
  return records
}

/** Parses CSV text into rows of fields (see `parseCsvRecords`; records with an error are left out). */
export function parseCsv(input: string): string[][] {
  return parseCsvRecords(input)
    .filter((r) => !r.error)
    .map((r) => r.fields)
}

/**
 * The CSV of a project's tasks: every one by number, or those `filter` keeps (the list's filters) in
 * its order (by number when it names none). Parent as its key, milestone and cycle by name; the
 * assignee's email only when `emails` (the viewer may see members' emails), else left empty.
 */
export async function exportCsv(tasks: TaskService, projects: ProjectService, orgId: string, projectId: string, emails = false, filter: TaskFilter = {}): Promise<string> {
  const [milestones, cycles] = await Promise.all([projects.milestones(projectId), projects.cycles(projectId)])
  const milestoneName = new Map(milestones.map((m) => [m.id, m.name]))
  const cycleName = new Map(cycles.map((c) => [c.id, c.name]))
  const order: TaskFilter = filter.sort ? { sort: filter.sort, dir: filter.dir } : { sort: 'number', dir: 'asc' }
  const all: Task[] = []
  let cursor: string | undefined
  do {
    const page = await tasks.list(orgId, { ...filter, ...order, projectId }, { cursor, limit: 500 })
    all.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  // a parent is in the same project: among the exported tasks, or (a filtered export) read by id
  const keyOf = new Map(all.map((t) => [t.id, t.key]))
  const missing = [...new Set(all.map((t) => t.parentId).filter((id): id is string => !!id && !keyOf.has(id)))]
  for (const { task, project } of await Promise.all(missing.map((id) => tasks.row(orgId, id)))) keyOf.set(task.id, `${project.key}-${task.number}`)
  const lines = [CSV_COLUMNS.join(',')]
  for (const t of all) {
    const parent = t.parentId ? (keyOf.get(t.parentId) ?? '') : ''
    const milestone = t.milestoneId ? (milestoneName.get(t.milestoneId) ?? '') : ''
    const cycle = t.cycleId ? (cycleName.get(t.cycleId) ?? '') : ''
    lines.push([t.key, t.title, t.state.name, t.priority, emails ? (t.assignee?.email ?? '') : '', t.labels.map((l) => l.name).join(';'), t.estimate ?? '', day(t.dueAt), parent, milestone, cycle, t.description].map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}

/** The outcome of an import: valid rows are kept, bad ones reported by their line number. */
export interface ImportReport {
  /** Rows that made a new task. */
  created: number
  /** Rows whose key named a task of the project that they changed. */
  updated: number
  /** Rows whose key named a task of the project that already had those values. */
  unchanged: number
  /** Rows left out because of an error. */
  skipped: number
  errors: string[]
}

const ALIASES: Record<string, string> = {
  'assignee email': 'assignee',
  assignee_email: 'assignee',
  email: 'assignee',
  label: 'labels',
  points: 'estimate',
  'due date': 'due',
  due_date: 'due',
  status: 'state',
  'parent key': 'parent',
  parent_key: 'parent',
  sprint: 'cycle',
}

/** A milestone or cycle by id or name (case-insensitive); `current` wins when several share the name. */
function byName<T extends { id: string; name: string }>(list: T[], value: string, current: string | null | undefined, what: string): string {
  if (!value) return ''
  const v = value.toLowerCase()
  const found = list.filter((x) => x.id === value || x.name.toLowerCase() === v)
  if (current && found.some((x) => x.id === current)) return current
  if (found.length === 1) return found[0]!.id
  throw new InputError(found.length ? `More than one ${what} is called '${value}': rename one of them first.` : `Unknown ${what} '${value}': use the name of one of the project's ${what}s.`, what)
}

/**
 * Imports rows (header names: key, title, state, priority, assignee email, labels, estimate, due,
 * parent, milestone, cycle, description). A row whose `key` names a task of this project updates
 * that task (only the columns the file has); a row keyed with another project's key (API-1 in a
 * WEB import) is reported, unless `copyForeign` (the file is another project's export: its rows
 * become new tasks here); any other row creates a task. A record the CSV parser cannot read (an
 * unclosed or stray quote) is reported, never guessed at. Parents are task keys, of this project or
 * of rows in the file (an export of another project imports with its sub-tasks); milestones and
 * cycles are names. Unknown labels are created only with `createLabels` (those who may manage the
 * project); otherwise the row is reported.
 */
export async function importCsv(
  tasks: TaskService,
  projects: ProjectService,
  orgId: string,
  actor: Actor,
  projectRef: string,
  csv: string,
  options: { createLabels?: boolean; copyForeign?: boolean } = {},
): Promise<ImportReport> {
  const project = await projects.get(orgId, projectRef)
  const records = parseCsvRecords(csv)
  if (records.length === 0) throw new InputError('The file is empty: choose a CSV file with a header row.', 'file')
  if (records[0]!.error) throw new InputError(`The header row cannot be read: ${records[0]!.error}.`, 'file')
  const rows = records.map((r) => r.fields)
  const header = rows[0]!.map((h) => {
    const k = h.trim().toLowerCase()
    return ALIASES[k] ?? k
  })
  if (!header.includes('title')) throw new InputError('The first row must name the columns and include "title".', 'file')
  const has = (name: string) => header.includes(name)
  const [milestones, cycles] = await Promise.all([projects.milestones(project.id), projects.cycles(project.id)])
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, skipped: 0, errors: [] }
  const cell = (fields: string[], name: string) => {
    const idx = header.indexOf(name)
    const v = idx >= 0 ? (fields[idx] ?? '').trim() : ''
    return undefuse(v) // csvField's defusing of formulas, undone
  }
  /** Keys of the file (upper case) -> the task their row created or updated. */
  const imported = new Map<string, string>()
  const fileKeys = new Set(rows.slice(1).filter((_, i) => !records[i + 1]!.error).map((f) => cell(f, 'key').toUpperCase()).filter(Boolean))
  /** Parents named by rows later in the file: set once every row is in. */
  const deferred: { line: number; taskId: string; parent: string }[] = []

  /** The task of this project a key names, if any. */
  const existing = async (key: string) => {
    const m = TASK_REF_RE.exec(key)
    if (!m || m[1]!.toUpperCase() !== project.key) return undefined
    const found = await tasks.row(orgId, key).catch(() => undefined)
    return found && found.project.id === project.id ? found.task : undefined
  }
  /** A parent key as a task id; undefined: a later row of the file, set afterwards. */
  const parentId = async (key: string): Promise<string | undefined> => {
    const k = key.toUpperCase()
    const fromFile = imported.get(k)
    if (fromFile) return fromFile
    const inProject = await existing(k)
    if (inProject) return inProject.id
    if (fileKeys.has(k)) return undefined
    throw new InputError(`Unknown parent task '${key}': use the key of a task of this project or of a row in the file.`, 'parent')
  }

  for (const [i, fields] of rows.slice(1).entries()) {
    const line = i + 2
    const get = (name: string) => cell(fields, name)
    try {
      const broken = records[i + 1]!.error
      if (broken) throw new InputError(broken, 'file')
      const key = get('key').toUpperCase()
      const foreign = TASK_REF_RE.exec(key)
      if (foreign && foreign[1]!.toUpperCase() !== project.key && !options.copyForeign) {
        throw new InputError(`${key} is a key of project ${foreign[1]!.toUpperCase()}, not ${project.key}: leave the key empty to create a task here, or import the file as a copy of another project.`, 'key')
      }
      const task = key ? await existing(key) : undefined
      const input: Record<string, unknown> = {}
      if (has('title')) input.title = get('title')
      if (!task && !input.title) throw new InputError('Enter a title.', 'title')
      if (has('description')) input.description = get('description')
      if (has('state') && get('state')) input.state = get('state')
      if (has('priority')) input.priority = get('priority') || 'none'
      if (has('assignee')) input.assigneeEmail = get('assignee')
      if (has('estimate')) input.estimate = get('estimate')
      if (has('due')) input.due = get('due')
      if (has('milestone')) input.milestoneId = byName(milestones, get('milestone'), task?.milestoneId, 'milestone')
      if (has('cycle')) input.cycleId = byName(cycles, get('cycle'), task?.cycleId, 'cycle')
      let laterParent: string | undefined
      if (has('parent')) {
        const p = get('parent')
        const id = p ? await parentId(p) : ''
        if (id === undefined) laterParent = p
        else input.parent = id
      }
      if (has('labels')) input.labels = await labelIds(projects, project.id, orgId, get('labels'), !!options.createLabels)
      let id: string
      if (task) {
        const after = await tasks.update(orgId, actor, task.id, input)
        if (after.updatedAt.getTime() !== task.updatedAt.getTime()) report.updated++
        else report.unchanged++
        id = task.id
      } else {
        id = (await tasks.create(orgId, actor, project.id, input)).id
        report.created++
      }
      if (key) imported.set(key, id)
      if (laterParent) deferred.push({ line, taskId: id, parent: laterParent })
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      report.skipped++
      report.errors.push(`Row ${line}: ${err.message}`)
    }
  }
  for (const d of deferred) {
    try {
      const id = imported.get(d.parent.toUpperCase())
      if (!id) throw new InputError(`Unknown parent task '${d.parent}'.`, 'parent')
      await tasks.update(orgId, actor, d.taskId, { parent: id })
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      report.errors.push(`Row ${d.line}: ${err.message} The row was imported without its parent.`)
    }
  }
  return report
}

/** Label names or ids (`;` or `,` between them) as ids; unknown names are created only with `create`. */
async function labelIds(projects: ProjectService, projectId: string, orgId: string, value: string, create: boolean): Promise<string[]> {
  const names = value.split(/[,;]/).map((x) => x.trim()).filter(Boolean)
  if (!names.length) return []
  const labels = await projects.labels(projectId)
  const ids: string[] = []
  for (const name of names) {
    let l = labels.find((x) => x.id === name) ?? labels.find((x) => x.name.toLowerCase() === name.toLowerCase())
    if (!l && !create) throw new InputError(`Unknown label '${name}': only those who manage the project can add labels, so ask one of them or leave it out.`, 'labels')
    if (!l) {
      l = await projects.addLabel(orgId, projectId, { name })
      labels.push(l)
    }
    if (!ids.includes(l.id)) ids.push(l.id)
  }
  return ids
}

/** "12 created, 3 updated, 2 skipped. Row 5: Unknown state 'Doing': choose one of the project's states. Row 9: Enter a title." (the first 20 rows' errors). */
export function describeImport(r: ImportReport): string {
  const counts = [`${r.created} created`, `${r.updated} updated`, ...(r.unchanged ? [`${r.unchanged} unchanged`] : []), `${r.skipped} skipped`].join(', ')
  const more = r.errors.length > 20 ? ` And ${r.errors.length - 20} more rows.` : ''
  return `${counts}.${r.errors.length ? ' ' + r.errors.slice(0, 20).join(' ') + more : ''}`
}
