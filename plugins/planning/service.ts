/**
 * @module Planning domain logic for projects and what belongs to them (states, labels, milestones,
 * cycles, saved views). Pages, the JSON API, MCP tools, workflow actions and the demo seed all call
 * it, so checks and events happen once. Another organization's ids are not found (InputError 404).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { BusScope } from '../../core/bus.ts'
import type { People } from '../../core/plugins/contract.ts'
import type { Store } from '../../core/store/connect.ts'
import { checkFilterQuery, type FilterChoices } from './filters.ts'
import { PROJECT_STATUSES, STATE_GROUPS, schema } from './schema.ts'
import { isUniqueViolation } from '../../core/store/errors.ts'
import { isoDay } from '../../core/time.ts'

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

export const KEY_RE = /^[A-Z0-9]{2,6}$/
const COLOR_RE = /^#[0-9a-fA-F]{6}$/
export const DEFAULT_STATES: { name: string; group: StateGroup }[] = [
  { name: 'Backlog', group: 'backlog' },
  { name: 'Todo', group: 'unstarted' },
  { name: 'In Progress', group: 'started' },
  { name: 'Done', group: 'completed' },
  { name: 'Cancelled', group: 'cancelled' },
]

/** Trims a text field; throws 422 on the field when required and empty or too long. */
export function text(value: unknown, field: string, opts: { required?: boolean; max?: number; label?: string } = {}): string {
  const v = typeof value === 'string' ? value.trim() : value == null ? '' : String(value).trim()
  if (opts.required && !v) throw new InputError(`${opts.label ?? field} is required`, field)
  if (v.length > (opts.max ?? 200)) throw new InputError(`${opts.label ?? field} is too long (at most ${opts.max ?? 200} characters)`, field)
  return v
}

/** A date `YYYY-MM-DD` (or an ISO time) as a Date at UTC midnight; empty is null. */
export function parseDay(value: unknown, field: string): Date | null {
  if (value == null || value === '') return null
  if (value instanceof Date) return value
  const s = String(value).trim()
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s)
  const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : undefined
  if (!d || Number.isNaN(d.getTime()) || d.getUTCDate() !== +m![3]!) throw new InputError(`${field} must be a date like 2025-01-31`, field)
  return d
}

/** `YYYY-MM-DD` of a date, or ''. */
export function day(d: Date | null | undefined): string {
  return isoDay(d)
}

/** What label events say about a label. */
const lBrief = (l: Label) => ({ id: l.id, orgId: l.orgId, projectId: l.projectId, name: l.name })

/** Fresh text id. */
export const newId = () => Bun.randomUUIDv7()

/** Projects and their configuration. */
export class ProjectService {
  constructor(private readonly deps: Deps) {}

  /**
   * A project's states, labels, milestones and cycles are read on every planning page and change
   * rarely; they are cached until any write through this service (the only writer of those tables).
   */
  private version = 0
  private readonly cache = new Map<string, { version: number; value: Promise<unknown> }>()

  private changed(): void {
    this.version++
  }

  private cached<T>(key: string, load: () => PromiseLike<T>): Promise<T> {
    let hit = this.cache.get(key)
    if (!hit || hit.version !== this.version) {
      // A drizzle query is a thenable that runs again on every `then`: settle it once, keep the result.
      const value = Promise.resolve(load())
      if (this.cache.size > 5_000) this.cache.clear()
      hit = { version: this.version, value }
      this.cache.set(key, hit)
      value.catch(() => this.cache.delete(key))
    }
    // A copy per caller: callers may reorder the list they get.
    return hit.value.then((v) => (Array.isArray(v) ? [...v] : v)) as Promise<T>
  }

  private get db() {
    return this.deps.store.db
  }

  private get t() {
    return this.deps.tables
  }

  /** Projects of an organization, by key. */
  async list(orgId: string): Promise<Project[]> {
    return this.db.select().from(this.t.projects).where(eq(this.t.projects.orgId, orgId)).orderBy(asc(this.t.projects.key))
  }

  /** A project by key (case-insensitive) or id, in `orgId`; 404 otherwise. */
  async get(orgId: string, keyOrId: string): Promise<Project> {
    const p = this.t.projects
    const ref = String(keyOrId ?? '')
    const byKey = KEY_RE.test(ref.toUpperCase())
    // Cached like the rest of a project's configuration: every write to a project goes through this
    // service (the task counter moves without it, and nothing reads the counter from here).
    const [row] = await this.cached(`project:${orgId}:${byKey ? ref.toUpperCase() : ref}`, () =>
      this.db
        .select()
        .from(p)
        .where(and(eq(p.orgId, orgId), byKey ? eq(p.key, ref.toUpperCase()) : eq(p.id, ref)))
        .limit(1),
    )
    if (!row) throw new InputError('No such project in this organization', 'project', 404)
    return { ...row }
  }

  private async checkLead(orgId: string, leadId: unknown): Promise<string | null> {
    const id = typeof leadId === 'string' ? leadId.trim() : ''
    if (!id) return null
    const members = await this.deps.people.members(orgId)
    if (!members.some((m) => m.id === id)) throw new InputError('The lead must be a member of this organization', 'leadId')
    return id
  }

  private status(value: unknown): Project['status'] {
    const s = (typeof value === 'string' && value) || 'active'
    if (!(PROJECT_STATUSES as readonly string[]).includes(s)) throw new InputError(`Status must be one of ${PROJECT_STATUSES.join(', ')}`, 'status')
    return s as Project['status']
  }

  /** Creates a project with the default states. */
  async create(orgId: string, actor: Actor, input: Record<string, unknown>): Promise<Project> {
    const key = text(input.key, 'key', { required: true, max: 6, label: 'Key' }).toUpperCase()
    if (!KEY_RE.test(key)) throw new InputError('Key must be 2 to 6 letters or digits, like WEB', 'key')
    const name = text(input.name, 'name', { required: true, label: 'Name' })
    const description = text(input.description, 'description', { max: 20_000, label: 'Description' })
    const status = this.status(input.status)
    const leadId = await this.checkLead(orgId, input.leadId)
    const p = this.t.projects
    const [dupe] = await this.db.select({ id: p.id }).from(p).where(and(eq(p.orgId, orgId), eq(p.key, key))).limit(1)
    if (dupe) throw new InputError(`A project with the key ${key} exists already`, 'key', 409)
    const now = new Date()
    const project: Project = { id: newId(), orgId, key, name, description, leadId, status, taskCounter: 0, createdBy: actor.id, createdAt: now, updatedAt: now }
    await this.deps.store.tx(async (db) => {
      await db.insert(p).values(project)
      await db.insert(this.t.states).values(DEFAULT_STATES.map((s, i) => ({ id: newId(), orgId, projectId: project.id, name: s.name, group: s.group, position: i, createdAt: now })))
    })
    this.changed()
    this.deps.bus.emit('planning.project.created', { project: brief(project), activity: projectActivity(project, actor, `created project ${key} ${name}`) })
    return project
  }

  /** Edits name, description, lead and status (the key stays: task keys are links). */
  async update(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>): Promise<Project> {
    const project = await this.get(orgId, keyOrId)
    const patch: Partial<Project> = {}
    if (input.name !== undefined) patch.name = text(input.name, 'name', { required: true, label: 'Name' })
    if (input.description !== undefined) patch.description = text(input.description, 'description', { max: 20_000, label: 'Description' })
    if (input.status !== undefined) patch.status = this.status(input.status)
    if (input.leadId !== undefined) patch.leadId = await this.checkLead(orgId, input.leadId)
    if (input.key !== undefined && String(input.key).trim().toUpperCase() !== project.key) throw new InputError('The key of a project cannot change', 'key')
    const fields = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== (project as Record<string, unknown>)[k])
    if (!fields.length) return project
    const updated = { ...project, ...patch, updatedAt: new Date() }
    await this.db.update(this.t.projects).set({ ...patch, updatedAt: updated.updatedAt }).where(eq(this.t.projects.id, project.id))
    this.changed()
    this.deps.bus.emit('planning.project.updated', { project: brief(updated), fields, activity: projectActivity(updated, actor, `updated project ${updated.key}`) })
    return updated
  }

  /** Deletes a project with its tasks and everything else in it. */
  async remove(orgId: string, actor: Actor, keyOrId: string): Promise<void> {
    const project = await this.get(orgId, keyOrId)
    const t = this.t
    await this.deps.store.tx(async (db) => {
      const ids = db.select({ id: t.tasks.id }).from(t.tasks).where(eq(t.tasks.projectId, project.id))
      await db.delete(t.taskLabels).where(inArray(t.taskLabels.taskId, ids))
      await db.delete(t.relations).where(inArray(t.relations.blockerId, ids))
      await db.delete(t.relations).where(inArray(t.relations.blockedId, ids))
      await db.delete(t.history).where(inArray(t.history.taskId, ids))
      for (const table of [t.tasks, t.states, t.labels, t.views, t.milestones, t.cycles]) await db.delete(table).where(eq(table.projectId, project.id))
      await db.delete(t.projects).where(eq(t.projects.id, project.id))
    })
    this.changed()
    this.deps.bus.emit('planning.project.deleted', { project: brief(project), activity: { orgId, actor, text: `deleted project ${project.key} ${project.name}` } })
  }

  // ---- states

  /** States of a project in board order. */
  async states(projectId: string): Promise<State[]> {
    return this.cached(`states:${projectId}`, () =>
      this.db.select().from(this.t.states).where(eq(this.t.states.projectId, projectId)).orderBy(asc(this.t.states.position), asc(this.t.states.createdAt)),
    )
  }

  /** The states, labels, milestones and cycles a list filter of the project may name. */
  async filterChoices(projectId: string): Promise<FilterChoices> {
    const [states, labels, milestones, cycles] = await Promise.all([this.states(projectId), this.labels(projectId), this.milestones(projectId), this.cycles(projectId)])
    return { states, labels, milestones, cycles }
  }

  /** Of `ids`, those that are no state of any project of the organization. */
  async unknownStateIds(orgId: string, ids: string[]): Promise<string[]> {
    if (!ids.length) return []
    const rows = await this.db.select({ id: this.t.states.id }).from(this.t.states).where(and(eq(this.t.states.orgId, orgId), inArray(this.t.states.id, ids)))
    const known = new Set(rows.map((r) => r.id))
    return ids.filter((id) => !known.has(id))
  }

  private async state(project: Project, stateId: string): Promise<State> {
    const [row] = await this.db.select().from(this.t.states).where(and(eq(this.t.states.projectId, project.id), eq(this.t.states.id, String(stateId)))).limit(1)
    if (!row) throw new InputError('No such state in this project', 'state', 404)
    return row
  }

  private group(value: unknown): StateGroup {
    if (!(STATE_GROUPS as readonly string[]).includes(String(value))) throw new InputError(`Group must be one of ${STATE_GROUPS.join(', ')}`, 'group')
    return value as StateGroup
  }

  /** Adds a state at the end. */
  async addState(orgId: string, keyOrId: string, input: Record<string, unknown>): Promise<State> {
    const project = await this.get(orgId, keyOrId)
    const name = text(input.name, 'name', { required: true, max: 60, label: 'Name' })
    const group = this.group(input.group)
    const existing = await this.states(project.id)
    if (existing.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new InputError(`There is a state called ${name} already`, 'name', 409)
    const row: State = { id: newId(), orgId, projectId: project.id, name, group, position: (existing.at(-1)?.position ?? -1) + 1, createdAt: new Date() }
    await this.db.insert(this.t.states).values(row)
    this.changed()
    return row
  }

  /** Renames a state (and may change its group). */
  async updateState(orgId: string, keyOrId: string, stateId: string, input: Record<string, unknown>): Promise<State> {
    const project = await this.get(orgId, keyOrId)
    const state = await this.state(project, stateId)
    const name = text(input.name, 'name', { required: true, max: 60, label: 'Name' })
    const group = input.group ? this.group(input.group) : state.group
    const others = (await this.states(project.id)).filter((s) => s.id !== state.id)
    if (others.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new InputError(`There is a state called ${name} already`, 'name', 409)
    await this.db.update(this.t.states).set({ name, group }).where(eq(this.t.states.id, state.id))
    this.changed()
    return { ...state, name, group }
  }

  /** Moves a state one place up (-1) or down (+1). */
  async moveState(orgId: string, keyOrId: string, stateId: string, direction: number): Promise<void> {
    const project = await this.get(orgId, keyOrId)
    const list = await this.states(project.id)
    const i = list.findIndex((s) => s.id === stateId)
    if (i < 0) throw new InputError('No such state in this project', 'state', 404)
    const j = i + (direction < 0 ? -1 : 1)
    if (j < 0 || j >= list.length) return
    ;[list[i], list[j]] = [list[j]!, list[i]!]
    for (const [pos, s] of list.entries()) await this.db.update(this.t.states).set({ position: pos }).where(eq(this.t.states.id, s.id))
    this.changed()
  }

  /** Deletes a state no task uses (and never the last one). */
  async removeState(orgId: string, keyOrId: string, stateId: string): Promise<void> {
    const project = await this.get(orgId, keyOrId)
    const state = await this.state(project, stateId)
    const [used] = await this.db.select({ n: sql<number>`count(*)` }).from(this.t.tasks).where(eq(this.t.tasks.stateId, state.id))
    if (Number(used?.n ?? 0) > 0) throw new InputError(`${state.name} still has ${used!.n} task(s): move them first`, 'state', 409)
    if ((await this.states(project.id)).length <= 1) throw new InputError('A project needs at least one state', 'state', 409)
    await this.db.delete(this.t.states).where(eq(this.t.states.id, state.id))
    this.changed()
  }

  // ---- labels

  /** Labels of a project by name. */
  async labels(projectId: string): Promise<Label[]> {
    return this.cached(`labels:${projectId}`, () => this.db.select().from(this.t.labels).where(eq(this.t.labels.projectId, projectId)).orderBy(asc(this.t.labels.name)))
  }

  /** Creates a label. */
  async addLabel(orgId: string, keyOrId: string, input: Record<string, unknown>): Promise<Label> {
    const project = await this.get(orgId, keyOrId)
    const name = text(input.name, 'name', { required: true, max: 40, label: 'Name' })
    const color = text(input.color, 'color', { max: 7 }) || '#6b7280'
    if (!COLOR_RE.test(color)) throw new InputError('Color must look like #3b82f6', 'color')
    if ((await this.labels(project.id)).some((l) => l.name.toLowerCase() === name.toLowerCase())) throw new InputError(`There is a label called ${name} already`, 'name', 409)
    const row: Label = { id: newId(), orgId, projectId: project.id, name, color, createdAt: new Date() }
    await this.db.insert(this.t.labels).values(row)
    this.changed()
    this.deps.bus.emit('planning.label.created', { label: lBrief(row) })
    return row
  }

  /** Renames and recolors a label (absent keys stay); its tasks keep it. Another label's name is a 409. */
  async updateLabel(orgId: string, keyOrId: string, labelId: string, input: Record<string, unknown>): Promise<Label> {
    const project = await this.get(orgId, keyOrId)
    const [label] = await this.db.select().from(this.t.labels).where(and(eq(this.t.labels.projectId, project.id), eq(this.t.labels.id, String(labelId)))).limit(1)
    if (!label) throw new InputError('No such label in this project', 'label', 404)
    const name = input.name === undefined ? label.name : text(input.name, 'name', { required: true, max: 40, label: 'Name' })
    const color = input.color === undefined ? label.color : text(input.color, 'color', { max: 7 }) || label.color
    if (!COLOR_RE.test(color)) throw new InputError('Color must look like #3b82f6', 'color')
    const taken = () => new InputError(`There is a label called ${name} already`, 'name', 409)
    if ((await this.labels(project.id)).some((l) => l.id !== label.id && l.name.toLowerCase() === name.toLowerCase())) throw taken()
    if (name === label.name && color === label.color) return label
    try {
      await this.db.update(this.t.labels).set({ name, color }).where(eq(this.t.labels.id, label.id))
    } catch (err) {
      // two renames to one name at once: the unique (project, name) index stops the second
      if (isUniqueViolation(err)) throw taken()
      throw err
    }
    this.changed()
    const fields = [...(name !== label.name ? ['name'] : []), ...(color !== label.color ? ['color'] : [])]
    this.deps.bus.emit('planning.label.updated', { label: lBrief({ ...label, name }), fields })
    return { ...label, name, color }
  }

  /** Deletes a label (and takes it off tasks). */
  async removeLabel(orgId: string, keyOrId: string, labelId: string): Promise<void> {
    const project = await this.get(orgId, keyOrId)
    const [label] = await this.db.select().from(this.t.labels).where(and(eq(this.t.labels.projectId, project.id), eq(this.t.labels.id, labelId))).limit(1)
    if (!label) throw new InputError('No such label in this project', 'label', 404)
    await this.db.delete(this.t.taskLabels).where(eq(this.t.taskLabels.labelId, label.id))
    this.changed()
    await this.db.delete(this.t.labels).where(eq(this.t.labels.id, label.id))
    this.changed()
    this.deps.bus.emit('planning.label.deleted', { label: lBrief(label) })
  }

  // ---- milestones

  /** Milestones of a project by target date. */
  async milestones(projectId: string): Promise<Milestone[]> {
    return this.cached(`milestones:${projectId}`, () =>
      this.db.select().from(this.t.milestones).where(eq(this.t.milestones.projectId, projectId)).orderBy(asc(this.t.milestones.targetDate), asc(this.t.milestones.name)),
    )
  }

  /** A milestone of the organization; 404 otherwise. */
  async milestone(orgId: string, id: string): Promise<Milestone> {
    const [row] = await this.db.select().from(this.t.milestones).where(and(eq(this.t.milestones.orgId, orgId), eq(this.t.milestones.id, String(id)))).limit(1)
    if (!row) throw new InputError('No such milestone in this organization', 'milestoneId', 404)
    return row
  }

  private milestoneFields(input: Record<string, unknown>) {
    return {
      name: text(input.name, 'name', { required: true, max: 120, label: 'Name' }),
      description: text(input.description, 'description', { max: 5000, label: 'Description' }),
      targetDate: parseDay(input.targetDate, 'targetDate'),
    }
  }

  /** Creates a milestone. */
  async addMilestone(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>): Promise<Milestone> {
    const project = await this.get(orgId, keyOrId)
    const row: Milestone = { id: newId(), orgId, projectId: project.id, ...this.milestoneFields(input), createdAt: new Date() }
    await this.db.insert(this.t.milestones).values(row)
    this.changed()
    this.deps.bus.emit('planning.milestone.created', { milestone: mBrief(row), activity: milestoneActivity(project, row, actor, `added milestone ${row.name} to ${project.key}`) })
    return row
  }

  /** Edits a milestone's name, description and target date (absent keys stay); emits planning.milestone.updated when something changed. */
  async updateMilestone(orgId: string, actor: Actor, id: string, input: Record<string, unknown>): Promise<Milestone> {
    const m = await this.milestone(orgId, id)
    const project = await this.get(orgId, m.projectId)
    const fields = this.milestoneFields({ name: m.name, description: m.description, targetDate: m.targetDate, ...defined(input, ['name', 'description', 'targetDate']) })
    const row = { ...m, ...fields }
    if (row.name === m.name && row.description === m.description && row.targetDate?.getTime() === m.targetDate?.getTime()) return m
    await this.db.update(this.t.milestones).set(fields).where(eq(this.t.milestones.id, m.id))
    this.changed()
    this.deps.bus.emit('planning.milestone.updated', { milestone: mBrief(row), activity: milestoneActivity(project, row, actor, `updated milestone ${row.name}`) })
    return row
  }

  /** Deletes a milestone (its tasks stay, unlinked). */
  async removeMilestone(orgId: string, actor: Actor, id: string): Promise<void> {
    const m = await this.milestone(orgId, id)
    const project = await this.get(orgId, m.projectId)
    await this.db.update(this.t.tasks).set({ milestoneId: null }).where(eq(this.t.tasks.milestoneId, m.id))
    await this.db.delete(this.t.milestones).where(eq(this.t.milestones.id, m.id))
    this.changed()
    this.deps.bus.emit('planning.milestone.deleted', { milestone: mBrief(m), activity: { ...milestoneActivity(project, m, actor, `deleted milestone ${m.name} from ${project.key}`), entity: undefined } })
  }

  // ---- cycles

  /** Cycles of a project, latest first. */
  async cycles(projectId: string): Promise<Cycle[]> {
    return this.cached(`cycles:${projectId}`, () => this.db.select().from(this.t.cycles).where(eq(this.t.cycles.projectId, projectId)).orderBy(asc(this.t.cycles.startsAt)))
  }

  /** A cycle of the organization; 404 otherwise. */
  async cycle(orgId: string, id: string): Promise<Cycle> {
    const [row] = await this.db.select().from(this.t.cycles).where(and(eq(this.t.cycles.orgId, orgId), eq(this.t.cycles.id, String(id)))).limit(1)
    if (!row) throw new InputError('No such cycle in this organization', 'cycleId', 404)
    return row
  }

  private cycleFields(input: Record<string, unknown>) {
    const name = text(input.name, 'name', { required: true, max: 120, label: 'Name' })
    const startsAt = parseDay(input.startsAt, 'startsAt')
    const endsAt = parseDay(input.endsAt, 'endsAt')
    if (!startsAt) throw new InputError('Start date is required', 'startsAt')
    if (!endsAt) throw new InputError('End date is required', 'endsAt')
    if (endsAt < startsAt) throw new InputError('The cycle must end on or after its start', 'endsAt')
    return { name, startsAt, endsAt }
  }

  /** Creates a cycle (sprint). */
  async addCycle(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>): Promise<Cycle> {
    const project = await this.get(orgId, keyOrId)
    const row: Cycle = { id: newId(), orgId, projectId: project.id, ...this.cycleFields(input), createdAt: new Date() }
    await this.db.insert(this.t.cycles).values(row)
    this.changed()
    this.deps.bus.emit('planning.cycle.created', { cycle: cBrief(row), activity: cycleActivity(project, row, actor, `added ${row.name} to ${project.key}`) })
    return row
  }

  /** Edits a cycle's name and dates (absent keys stay); emits planning.cycle.updated when something changed. */
  async updateCycle(orgId: string, actor: Actor, id: string, input: Record<string, unknown>): Promise<Cycle> {
    const c = await this.cycle(orgId, id)
    const project = await this.get(orgId, c.projectId)
    const fields = this.cycleFields({ name: c.name, startsAt: c.startsAt, endsAt: c.endsAt, ...defined(input, ['name', 'startsAt', 'endsAt']) })
    const row = { ...c, ...fields }
    if (row.name === c.name && row.startsAt.getTime() === c.startsAt.getTime() && row.endsAt.getTime() === c.endsAt.getTime()) return c
    await this.db.update(this.t.cycles).set(fields).where(eq(this.t.cycles.id, c.id))
    this.changed()
    this.deps.bus.emit('planning.cycle.updated', { cycle: cBrief(row), activity: cycleActivity(project, row, actor, `updated ${row.name} in ${project.key}`) })
    return row
  }

  /** Deletes a cycle (its tasks stay, unscheduled). */
  async removeCycle(orgId: string, actor: Actor, id: string): Promise<void> {
    const c = await this.cycle(orgId, id)
    const project = await this.get(orgId, c.projectId)
    await this.db.update(this.t.tasks).set({ cycleId: null }).where(eq(this.t.tasks.cycleId, c.id))
    await this.db.delete(this.t.cycles).where(eq(this.t.cycles.id, c.id))
    this.changed()
    this.deps.bus.emit('planning.cycle.deleted', { cycle: cBrief(c), activity: { ...cycleActivity(project, c, actor, `deleted ${c.name} from ${project.key}`), entity: undefined } })
  }

  // ---- saved views

  /** A user's saved views of a project. */
  async views(projectId: string, userId: string): Promise<SavedView[]> {
    return this.cached(`views:${projectId}:${userId}`, () =>
      this.db.select().from(this.t.views).where(and(eq(this.t.views.projectId, projectId), eq(this.t.views.userId, userId))).orderBy(asc(this.t.views.name)),
    )
  }

  /**
   * Saves the current filters under a name. The filters are checked first (an unknown state,
   * priority, sort or date is a 422 naming it), and a name the user already gave a view is refused
   * (409, field `name`): delete that view first or choose another name, so no view is overwritten.
   */
  async saveView(orgId: string, userId: string, keyOrId: string, input: { name?: unknown; query?: unknown }): Promise<SavedView> {
    const project = await this.get(orgId, keyOrId)
    const name = text(input.name, 'name', { required: true, max: 60, label: 'View name' })
    const query = text(input.query, 'query', { max: 2000 }).replace(/^\?/, '')
    checkFilterQuery(Object.fromEntries(new URLSearchParams(query)), await this.filterChoices(project.id))
    const existing = (await this.views(project.id, userId)).find((v) => v.name.toLowerCase() === name.toLowerCase())
    if (existing) throw new InputError(`You already have a view named '${existing.name}': choose another name, or delete that view first`, 'name', 409)
    const row: SavedView = { id: newId(), orgId, projectId: project.id, userId, name, query, createdAt: new Date() }
    await this.db.insert(this.t.views).values(row)
    this.changed()
    return row
  }

  /** Deletes one of the user's views. */
  async removeView(orgId: string, userId: string, id: string): Promise<void> {
    const v = this.t.views
    const [row] = await this.db.select().from(v).where(and(eq(v.orgId, orgId), eq(v.userId, userId), eq(v.id, id))).limit(1)
    if (!row) throw new InputError('No such view', 'view', 404)
    await this.db.delete(v).where(eq(v.id, row.id))
    this.changed()
  }
}

function brief(p: Project) {
  return { id: p.id, orgId: p.orgId, key: p.key, name: p.name }
}

function mBrief(m: Milestone) {
  return { id: m.id, orgId: m.orgId, projectId: m.projectId, name: m.name }
}

function cBrief(c: Cycle) {
  return { id: c.id, orgId: c.orgId, projectId: c.projectId, name: c.name }
}

/** The keys of `input` among `keys` whose value is not undefined. */
function defined(input: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]))
}

function projectActivity(p: Project, actor: Actor, textValue: string) {
  return { orgId: p.orgId, actor, entity: { type: 'planning.project', id: p.id, title: `${p.key} ${p.name}`, href: `/planning/projects/${p.key}` }, text: textValue }
}

function milestoneActivity(p: Project, m: Milestone, actor: Actor, textValue: string) {
  return { orgId: p.orgId, actor, entity: { type: 'planning.milestone', id: m.id, title: m.name, href: `/planning/projects/${p.key}/milestones` }, text: textValue }
}

function cycleActivity(p: Project, c: Cycle, actor: Actor, textValue: string) {
  return { orgId: p.orgId, actor, entity: { type: 'planning.cycle', id: c.id, title: `${p.key} ${c.name}`, href: `/planning/projects/${p.key}/cycles?cycle=${c.id}` }, text: textValue }
}
