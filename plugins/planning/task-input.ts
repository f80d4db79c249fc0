/** @module Checks of a task's input fields (state, priority, assignee, labels, estimate, parent, milestone, cycle). */
import { and, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { orList } from './project-core.ts'
import { PRIORITIES } from './schema.ts'
import type { Deps, Label, Project, ProjectService, State } from './service.ts'
import type { Priority, TaskRow } from './tasks.ts'

/**
 * Several fields refused at once: `errors` maps each field to its message, so a form shows every
 * mistake beside its field in one round instead of one per submit. `field` and `message` are the
 * first field's (the API's error names it; with more, the message lists them all).
 */
export class TaskFieldErrors extends InputError {
  constructor(readonly errors: Record<string, string>) {
    const fields = Object.keys(errors)
    super(fields.length === 1 ? errors[fields[0]!]! : fields.map((f) => errors[f]).join(' '), fields[0], 422)
  }
}

/**
 * Runs a task's field checks one after another, keeping each field's InputError (422 with a field)
 * instead of stopping at the first; `done` throws them together as TaskFieldErrors. Anything else
 * (a 404, a failure) is thrown at once.
 */
export class FieldChecks {
  private readonly errors: Record<string, string> = {}

  async check<T>(run: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await run()
    } catch (err) {
      if (!(err instanceof InputError) || err.status !== 422 || !err.field) throw err
      this.errors[err.field] ??= err.message
      return undefined
    }
  }

  done(): void {
    if (Object.keys(this.errors).length) throw new TaskFieldErrors(this.errors)
  }
}

/** Turns input values into column values, or throws InputError naming the field (create, update and bulk share it). */
export class TaskInput {
  constructor(
    private readonly deps: Deps,
    private readonly projects: ProjectService,
    private readonly row: (orgId: string, ref: string) => Promise<{ task: TaskRow; project: Project }>,
  ) {}

  private get db() {
    return this.deps.store.db
  }

  private get t() {
    return this.deps.tables
  }

  async resolveState(project: Project, value: unknown): Promise<State> {
    const states = await this.projects.states(project.id)
    const v = String(value ?? '').trim()
    const s = states.find((x) => x.id === v) ?? states.find((x) => x.name.toLowerCase() === v.toLowerCase())
    if (!s) throw new InputError(`Unknown state '${v}': choose one of the project's states.`, 'state')
    return s
  }

  priority(value: unknown): Priority {
    const v = String(value ?? '').trim().toLowerCase() || 'none'
    if (!(PRIORITIES as readonly string[]).includes(v)) throw new InputError(`Unknown priority '${value}': use ${orList(PRIORITIES)}.`, 'priority')
    return v as Priority
  }

  async assignee(orgId: string, input: Record<string, unknown>): Promise<string | null | undefined> {
    const byEmail = input.assigneeEmail !== undefined && input.assigneeId === undefined
    const raw = byEmail ? input.assigneeEmail : input.assigneeId
    if (raw === undefined) return undefined
    const v = String(raw ?? '').trim()
    if (!v) return null
    const members = await this.deps.people.members(orgId)
    const m = byEmail ? members.find((p) => p.email.toLowerCase() === v.toLowerCase()) : members.find((p) => p.id === v)
    if (!m) throw new InputError(byEmail ? `Unknown assignee '${v}': use the email of a member of this organization.` : 'Choose an assignee who is a member of this organization.', byEmail ? 'assigneeEmail' : 'assigneeId')
    return m.id
  }

  async resolveLabels(project: Project, value: unknown, create: boolean): Promise<Label[]> {
    const list = (Array.isArray(value) ? value : String(value ?? '').split(/[,;]/)).map((x) => String(x).trim()).filter(Boolean)
    const labels = await this.projects.labels(project.id)
    const out: Label[] = []
    for (const v of list) {
      let l = labels.find((x) => x.id === v) ?? labels.find((x) => x.name.toLowerCase() === v.toLowerCase())
      if (!l && create) {
        l = await this.projects.addLabel(project.orgId, project.id, { name: v })
        labels.push(l)
      }
      if (!l) throw new InputError(`Unknown label '${v}': choose one of the project's labels.`, 'labels')
      if (!out.includes(l)) out.push(l)
    }
    return out
  }

  estimate(value: unknown): number | null {
    if (value == null || value === '') return null
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0 || n > 1000) throw new InputError('Enter the estimate as a whole number of points from 0 to 1000.', 'estimate')
    return n
  }

  async parent(orgId: string, project: Project, value: unknown, selfId?: string): Promise<string | null> {
    const v = String(value ?? '').trim()
    if (!v) return null
    const { task } = await this.row(orgId, v).catch(() => {
      throw new InputError(`Unknown parent task '${v}': enter the key of a task of this project, like ${project.key}-12.`, 'parent')
    })
    if (task.projectId !== project.id) throw new InputError('Choose a parent task in the same project.', 'parent')
    // no loops: walk up from the new parent
    let cur: TaskRow | undefined = task
    for (let i = 0; cur && i < 50; i++) {
      if (cur.id === selfId) throw new InputError('A task cannot be its own parent or ancestor: choose another parent.', 'parent')
      cur = cur.parentId ? (await this.db.select().from(this.t.tasks).where(eq(this.t.tasks.id, cur.parentId)).limit(1))[0] : undefined
    }
    return task.id
  }

  async projectChild(table: 'milestones' | 'cycles', project: Project, value: unknown, field: string): Promise<string | null> {
    const v = String(value ?? '').trim()
    if (!v) return null
    const tb = this.t[table]
    const [row] = await this.db.select({ id: tb.id }).from(tb).where(and(eq(tb.projectId, project.id), eq(tb.id, v))).limit(1)
    if (!row) throw new InputError(`This project has no such ${table === 'milestones' ? 'milestone' : 'cycle'}: choose one of its ${table}.`, field)
    return row.id
  }
}
