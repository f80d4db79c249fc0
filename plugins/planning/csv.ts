/** @module CSV export and import of a project's tasks (RFC 4180 quoting, a header row, per-row errors). */
import { InputError } from '../../core/auth/accounts.ts'
import { day, type Actor, type ProjectService } from './service.ts'
import type { TaskService } from './tasks.ts'

export const CSV_COLUMNS = ['key', 'title', 'state', 'priority', 'assignee', 'labels', 'estimate', 'due', 'description'] as const

/** One CSV field, quoted when it holds a comma, quote or line break (and defused against formula injection). */
export function csvField(value: unknown): string {
  let s = value == null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Parses CSV text into rows of fields (quotes, doubled quotes, CRLF, line breaks inside quotes). */
export function parseCsv(input: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const s = input.replace(/^\uFEFF/, '')
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''))
}

/** The CSV of every task of a project, by number. */
export async function exportCsv(tasks: TaskService, orgId: string, projectId: string): Promise<string> {
  const lines = [CSV_COLUMNS.join(',')]
  let cursor: string | undefined
  do {
    const page = await tasks.list(orgId, { projectId, sort: 'number', dir: 'asc' }, { cursor, limit: 500 })
    for (const t of page.items) {
      lines.push([t.key, t.title, t.state.name, t.priority, t.assignee?.email ?? '', t.labels.map((l) => l.name).join(';'), t.estimate ?? '', day(t.dueAt), t.description].map(csvField).join(','))
    }
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return lines.join('\r\n') + '\r\n'
}

/** The outcome of an import: valid rows are kept, bad ones reported by their line number. */
export interface ImportReport {
  imported: number
  skipped: number
  errors: string[]
}

const ALIASES: Record<string, string> = { 'assignee email': 'assignee', assignee_email: 'assignee', email: 'assignee', label: 'labels', points: 'estimate', 'due date': 'due', due_date: 'due', status: 'state' }

/** Imports rows (header names: title, state, priority, assignee email, labels, estimate, due, description). */
export async function importCsv(tasks: TaskService, projects: ProjectService, orgId: string, actor: Actor, projectRef: string, csv: string): Promise<ImportReport> {
  const project = await projects.get(orgId, projectRef)
  const rows = parseCsv(csv)
  if (rows.length === 0) throw new InputError('The file is empty', 'file')
  const header = rows[0]!.map((h) => {
    const k = h.trim().toLowerCase()
    return ALIASES[k] ?? k
  })
  if (!header.includes('title')) throw new InputError('The first row must name the columns and include "title"', 'file')
  const report: ImportReport = { imported: 0, skipped: 0, errors: [] }
  for (const [i, fields] of rows.slice(1).entries()) {
    const line = i + 2
    const get = (name: string) => {
      const idx = header.indexOf(name)
      return idx >= 0 ? (fields[idx] ?? '').trim() : undefined
    }
    const undefuse = (v: string | undefined) => (v && /^'[=+\-@]/.test(v) ? v.slice(1) : v)
    try {
      const input: Record<string, unknown> = { title: undefuse(get('title')), description: undefuse(get('description')), priority: get('priority') || undefined, estimate: get('estimate'), due: get('due') }
      if (get('state')) input.state = get('state')
      if (get('assignee')) input.assigneeEmail = get('assignee')
      if (get('labels')) input.labels = get('labels')
      await tasks.create(orgId, actor, project.id, input, { createLabels: true })
      report.imported++
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      report.skipped++
      report.errors.push(`row ${line}: ${err.message}`)
    }
  }
  return report
}

/** "12 imported, 2 skipped: row 5: unknown state 'Doing'; row 9: Title is required". */
export function describeImport(r: ImportReport): string {
  return `${r.imported} imported, ${r.skipped} skipped${r.errors.length ? ': ' + r.errors.slice(0, 20).join('; ') + (r.errors.length > 20 ? '; …' : '') : ''}`
}
