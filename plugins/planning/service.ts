/**
 * @module Planning domain logic for projects and what belongs to them (states, labels, milestones,
 * cycles, saved views). Pages, the JSON API, MCP tools, workflow actions and the demo seed all call
 * it, so checks and events happen once. Another organization's ids are not found (InputError 404).
 * ProjectService keeps the cache and delegates each noun to its part: projects.ts, project-*.ts.
 */
import { and, asc, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import type { FilterChoices } from './filters.ts'
import { KEY_RE, type Actor, type ExpectedVersion, type Cycle, type Deps, type Label, type Milestone, type Project, type ProjectCore, type SavedView, type State } from './project-core.ts'
import { ProjectLabels } from './project-labels.ts'
import { ProjectPlan } from './project-plan.ts'
import { ProjectStates } from './project-states.ts'
import { ProjectViews } from './project-views.ts'
import { ProjectRecords } from './projects.ts'

export { ChangedError, DEFAULT_STATES, KEY_RE, day, isExpected, newId, nextVersion, parseDay, text } from './project-core.ts'
export type { Actor, Cycle, Deps, ExpectedVersion, Label, Milestone, Project, SavedView, State, StateGroup, Tables } from './project-core.ts'

/** Projects and their configuration. */
export class ProjectService {
  private readonly records: ProjectRecords
  private readonly stateList: ProjectStates
  private readonly labelList: ProjectLabels
  private readonly plan: ProjectPlan
  private readonly viewList: ProjectViews

  constructor(private readonly deps: Deps) {
    const core: ProjectCore = {
      deps,
      cached: (key, load) => this.cached(key, load),
      changed: () => this.changed(),
      get: (orgId, keyOrId) => this.get(orgId, keyOrId),
      filterChoices: (projectId) => this.filterChoices(projectId),
    }
    this.records = new ProjectRecords(core)
    this.stateList = new ProjectStates(core)
    this.labelList = new ProjectLabels(core)
    this.plan = new ProjectPlan(core)
    this.viewList = new ProjectViews(core)
  }

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
    if (!row) throw new InputError('There is no such project in this organization.', 'project', 404)
    return { ...row }
  }

  /** Creates a project with the default states. */
  create(orgId: string, actor: Actor, input: Record<string, unknown>): Promise<Project> {
    return this.records.create(orgId, actor, input)
  }

  /** Edits name, description, lead and status (the key stays: task keys are links). `expectUpdatedAt`: see ProjectRecords.update. */
  update(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>, options: { expectUpdatedAt?: ExpectedVersion } = {}): Promise<Project> {
    return this.records.update(orgId, actor, keyOrId, input, options)
  }

  /** Deletes a project with its tasks and everything else in it. `expectUpdatedAt`: see ProjectRecords.remove. */
  remove(orgId: string, actor: Actor, keyOrId: string, options: { expectUpdatedAt?: ExpectedVersion } = {}): Promise<void> {
    return this.records.remove(orgId, actor, keyOrId, options)
  }

  /** The states, labels, milestones and cycles a list filter of the project may name. */
  async filterChoices(projectId: string): Promise<FilterChoices> {
    const [states, labels, milestones, cycles] = await Promise.all([this.states(projectId), this.labels(projectId), this.milestones(projectId), this.cycles(projectId)])
    return { states, labels, milestones, cycles }
  }

  // ---- states

  /** States of a project in board order. */
  states(projectId: string): Promise<State[]> {
    return this.stateList.states(projectId)
  }

  /** Of `ids`, those that are no state of any project of the organization. */
  unknownStateIds(orgId: string, ids: string[]): Promise<string[]> {
    return this.stateList.unknownStateIds(orgId, ids)
  }

  /** Adds a state at the end. */
  addState(orgId: string, keyOrId: string, input: Record<string, unknown>): Promise<State> {
    return this.stateList.addState(orgId, keyOrId, input)
  }

  /** Renames a state (and may change its group). */
  updateState(orgId: string, keyOrId: string, stateId: string, input: Record<string, unknown>): Promise<State> {
    return this.stateList.updateState(orgId, keyOrId, stateId, input)
  }

  /** Moves a state one place up (-1) or down (+1). */
  moveState(orgId: string, keyOrId: string, stateId: string, direction: number): Promise<void> {
    return this.stateList.moveState(orgId, keyOrId, stateId, direction)
  }

  /** Deletes a state no task uses (and never the last one). */
  removeState(orgId: string, keyOrId: string, stateId: string): Promise<void> {
    return this.stateList.removeState(orgId, keyOrId, stateId)
  }

  // ---- labels

  /** Labels of a project by name. */
  labels(projectId: string): Promise<Label[]> {
    return this.labelList.labels(projectId)
  }

  /** Creates a label. */
  addLabel(orgId: string, keyOrId: string, input: Record<string, unknown>): Promise<Label> {
    return this.labelList.addLabel(orgId, keyOrId, input)
  }

  /** Renames and recolors a label (absent keys stay); its tasks keep it. Another label's name is a 409. */
  updateLabel(orgId: string, keyOrId: string, labelId: string, input: Record<string, unknown>): Promise<Label> {
    return this.labelList.updateLabel(orgId, keyOrId, labelId, input)
  }

  /** Deletes a label (and takes it off tasks). */
  removeLabel(orgId: string, keyOrId: string, labelId: string): Promise<void> {
    return this.labelList.removeLabel(orgId, keyOrId, labelId)
  }

  // ---- milestones and cycles

  /** Milestones of a project by target date. */
  milestones(projectId: string): Promise<Milestone[]> {
    return this.plan.milestones(projectId)
  }

  /** A milestone of the organization; 404 otherwise. */
  milestone(orgId: string, id: string): Promise<Milestone> {
    return this.plan.milestone(orgId, id)
  }

  /** Creates a milestone. */
  addMilestone(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>): Promise<Milestone> {
    return this.plan.addMilestone(orgId, actor, keyOrId, input)
  }

  /** Edits a milestone's name, description and target date (absent keys stay); emits planning.milestone.updated when something changed. */
  updateMilestone(orgId: string, actor: Actor, id: string, input: Record<string, unknown>): Promise<Milestone> {
    return this.plan.updateMilestone(orgId, actor, id, input)
  }

  /** Deletes a milestone (its tasks stay, unlinked). */
  removeMilestone(orgId: string, actor: Actor, id: string): Promise<void> {
    return this.plan.removeMilestone(orgId, actor, id)
  }

  /** Cycles of a project, latest first. */
  cycles(projectId: string): Promise<Cycle[]> {
    return this.plan.cycles(projectId)
  }

  /** A cycle of the organization; 404 otherwise. */
  cycle(orgId: string, id: string): Promise<Cycle> {
    return this.plan.cycle(orgId, id)
  }

  /** Creates a cycle (sprint). */
  addCycle(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>): Promise<Cycle> {
    return this.plan.addCycle(orgId, actor, keyOrId, input)
  }

  /** Edits a cycle's name and dates (absent keys stay); emits planning.cycle.updated when something changed. */
  updateCycle(orgId: string, actor: Actor, id: string, input: Record<string, unknown>): Promise<Cycle> {
    return this.plan.updateCycle(orgId, actor, id, input)
  }

  /** Deletes a cycle (its tasks stay, unscheduled). */
  removeCycle(orgId: string, actor: Actor, id: string): Promise<void> {
    return this.plan.removeCycle(orgId, actor, id)
  }

  // ---- saved views

  /** A user's saved views of a project. */
  views(projectId: string, userId: string): Promise<SavedView[]> {
    return this.viewList.views(projectId, userId)
  }

  /** Saves the current filters under a name: the filters are checked first, and a name the user already gave a view is a 409. */
  saveView(orgId: string, userId: string, keyOrId: string, input: { name?: unknown; query?: unknown }): Promise<SavedView> {
    return this.viewList.saveView(orgId, userId, keyOrId, input)
  }

  /** Deletes one of the user's views. */
  removeView(orgId: string, userId: string, id: string): Promise<void> {
    return this.viewList.removeView(orgId, userId, id)
  }
}
