/** @module A project's plan: milestones (the roadmap) and cycles (sprints), with their events. */
import { and, asc, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { ProjectPart, day, newId, parseDay, text, type Actor, type Cycle, type Milestone, type Project } from './project-core.ts'

/** A project's milestones and cycles for ProjectService. */
export class ProjectPlan extends ProjectPart {
  // ---- milestones

  /** Milestones of a project by target date. */
  async milestones(projectId: string): Promise<Milestone[]> {
    return this.core.cached(`milestones:${projectId}`, () =>
      this.db.select().from(this.t.milestones).where(eq(this.t.milestones.projectId, projectId)).orderBy(asc(this.t.milestones.targetDate), asc(this.t.milestones.name)),
    )
  }

  /** A milestone of the organization; 404 otherwise. */
  async milestone(orgId: string, id: string): Promise<Milestone> {
    const [row] = await this.db.select().from(this.t.milestones).where(and(eq(this.t.milestones.orgId, orgId), eq(this.t.milestones.id, String(id)))).limit(1)
    if (!row) throw new InputError('There is no such milestone in this organization.', 'milestoneId', 404)
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
    const project = await this.core.get(orgId, keyOrId)
    const row: Milestone = { id: newId(), orgId, projectId: project.id, ...this.milestoneFields(input), createdAt: new Date() }
    await this.db.insert(this.t.milestones).values(row)
    this.core.changed()
    this.core.deps.bus.emit('planning.milestone.created', { milestone: mBrief(row), activity: milestoneActivity(project, row, actor, `added milestone ${row.name} to ${project.key}`) })
    return row
  }

  /** Edits a milestone's name, description and target date (absent keys stay); emits planning.milestone.updated when something changed. */
  async updateMilestone(orgId: string, actor: Actor, id: string, input: Record<string, unknown>): Promise<Milestone> {
    const m = await this.milestone(orgId, id)
    const project = await this.core.get(orgId, m.projectId)
    const fields = this.milestoneFields({ name: m.name, description: m.description, targetDate: m.targetDate, ...defined(input, ['name', 'description', 'targetDate']) })
    const row = { ...m, ...fields }
    if (row.name === m.name && row.description === m.description && row.targetDate?.getTime() === m.targetDate?.getTime()) return m
    await this.db.update(this.t.milestones).set(fields).where(eq(this.t.milestones.id, m.id))
    this.core.changed()
    this.core.deps.bus.emit('planning.milestone.updated', { milestone: mBrief(row), activity: milestoneActivity(project, row, actor, `updated milestone ${row.name}`) })
    return row
  }

  /** Deletes a milestone (its tasks stay, unlinked). */
  async removeMilestone(orgId: string, actor: Actor, id: string): Promise<void> {
    const m = await this.milestone(orgId, id)
    const project = await this.core.get(orgId, m.projectId)
    await this.db.update(this.t.tasks).set({ milestoneId: null }).where(eq(this.t.tasks.milestoneId, m.id))
    await this.db.delete(this.t.milestones).where(eq(this.t.milestones.id, m.id))
    this.core.changed()
    this.core.deps.bus.emit('planning.milestone.deleted', { milestone: mBrief(m), activity: { ...milestoneActivity(project, m, actor, `deleted milestone ${m.name} from ${project.key}`), entity: undefined } })
  }

  // ---- cycles

  /** Cycles of a project, latest first. */
  async cycles(projectId: string): Promise<Cycle[]> {
    return this.core.cached(`cycles:${projectId}`, () => this.db.select().from(this.t.cycles).where(eq(this.t.cycles.projectId, projectId)).orderBy(asc(this.t.cycles.startsAt)))
  }

  /** A cycle of the organization; 404 otherwise. */
  async cycle(orgId: string, id: string): Promise<Cycle> {
    const [row] = await this.db.select().from(this.t.cycles).where(and(eq(this.t.cycles.orgId, orgId), eq(this.t.cycles.id, String(id)))).limit(1)
    if (!row) throw new InputError('There is no such cycle in this organization.', 'cycleId', 404)
    return row
  }

  private cycleFields(input: Record<string, unknown>) {
    const name = text(input.name, 'name', { required: true, max: 120, label: 'Name' })
    const startsAt = parseDay(input.startsAt, 'startsAt')
    const endsAt = parseDay(input.endsAt, 'endsAt')
    if (!startsAt) throw new InputError('Enter a start date.', 'startsAt')
    if (!endsAt) throw new InputError('Enter an end date.', 'endsAt')
    if (endsAt < startsAt) throw new InputError('Choose an end date on or after the start date.', 'endsAt')
    return { name, startsAt, endsAt }
  }

  /**
   * Refuses dates that overlap another cycle of the project (both ends are days the cycle covers): a
   * project has one current cycle at a time. A 409 naming the other cycle and its dates.
   */
  private async checkOverlap(projectId: string, fields: { startsAt: Date; endsAt: Date }, self?: string): Promise<void> {
    const other = (await this.cycles(projectId)).find((c) => c.id !== self && c.startsAt <= fields.endsAt && c.endsAt >= fields.startsAt)
    if (other) throw new InputError(`These dates overlap ${other.name} (${day(other.startsAt)} to ${day(other.endsAt)}): a project's cycles cannot overlap, so start after ${day(other.endsAt)} or end before ${day(other.startsAt)}.`, 'startsAt', 409)
  }

  /** Creates a cycle (sprint); dates overlapping another cycle of the project are a 409. */
  async addCycle(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>): Promise<Cycle> {
    const project = await this.core.get(orgId, keyOrId)
    const fields = this.cycleFields(input)
    await this.checkOverlap(project.id, fields)
    const row: Cycle = { id: newId(), orgId, projectId: project.id, ...fields, createdAt: new Date() }
    await this.db.insert(this.t.cycles).values(row)
    this.core.changed()
    this.core.deps.bus.emit('planning.cycle.created', { cycle: cBrief(row), activity: cycleActivity(project, row, actor, `added ${row.name} to ${project.key}`) })
    return row
  }

  /** Edits a cycle's name and dates (absent keys stay; dates overlapping another cycle are a 409); emits planning.cycle.updated when something changed. */
  async updateCycle(orgId: string, actor: Actor, id: string, input: Record<string, unknown>): Promise<Cycle> {
    const c = await this.cycle(orgId, id)
    const project = await this.core.get(orgId, c.projectId)
    const fields = this.cycleFields({ name: c.name, startsAt: c.startsAt, endsAt: c.endsAt, ...defined(input, ['name', 'startsAt', 'endsAt']) })
    const row = { ...c, ...fields }
    if (row.name === c.name && row.startsAt.getTime() === c.startsAt.getTime() && row.endsAt.getTime() === c.endsAt.getTime()) return c
    // only new dates are checked: cycles that overlapped before this check existed can still be renamed
    if (row.startsAt.getTime() !== c.startsAt.getTime() || row.endsAt.getTime() !== c.endsAt.getTime()) await this.checkOverlap(c.projectId, fields, c.id)
    await this.db.update(this.t.cycles).set(fields).where(eq(this.t.cycles.id, c.id))
    this.core.changed()
    this.core.deps.bus.emit('planning.cycle.updated', { cycle: cBrief(row), activity: cycleActivity(project, row, actor, `updated ${row.name} in ${project.key}`) })
    return row
  }

  /** Deletes a cycle (its tasks stay, unscheduled). */
  async removeCycle(orgId: string, actor: Actor, id: string): Promise<void> {
    const c = await this.cycle(orgId, id)
    const project = await this.core.get(orgId, c.projectId)
    await this.db.update(this.t.tasks).set({ cycleId: null }).where(eq(this.t.tasks.cycleId, c.id))
    await this.db.delete(this.t.cycles).where(eq(this.t.cycles.id, c.id))
    this.core.changed()
    this.core.deps.bus.emit('planning.cycle.deleted', { cycle: cBrief(c), activity: { ...cycleActivity(project, c, actor, `deleted ${c.name} from ${project.key}`), entity: undefined } })
  }
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

function milestoneActivity(p: Project, m: Milestone, actor: Actor, textValue: string) {
  return { orgId: p.orgId, actor, entity: { type: 'planning.milestone', id: m.id, title: m.name, href: `/planning/projects/${p.key}/milestones` }, text: textValue }
}

function cycleActivity(p: Project, c: Cycle, actor: Actor, textValue: string) {
  return { orgId: p.orgId, actor, entity: { type: 'planning.cycle', id: c.id, title: `${p.key} ${c.name}`, href: `/planning/projects/${p.key}/cycles?cycle=${c.id}` }, text: textValue }
}
