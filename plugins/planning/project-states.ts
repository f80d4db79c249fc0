/** @module A project's states (board columns): listed in board order, added, renamed, moved and deleted. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { ProjectPart, newId, orList, text, type Project, type State, type StateGroup } from './project-core.ts'
import { STATE_GROUPS } from './schema.ts'

/** A project's states for ProjectService. */
export class ProjectStates extends ProjectPart {
  /** States of a project in board order. */
  async states(projectId: string): Promise<State[]> {
    return this.core.cached(`states:${projectId}`, () =>
      this.db.select().from(this.t.states).where(eq(this.t.states.projectId, projectId)).orderBy(asc(this.t.states.position), asc(this.t.states.createdAt)),
    )
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
    if (!row) throw new InputError('This project has no such state.', 'state', 404)
    return row
  }

  private group(value: unknown): StateGroup {
    if (!(STATE_GROUPS as readonly string[]).includes(String(value))) throw new InputError(`Choose a group: ${orList(STATE_GROUPS)}.`, 'group')
    return value as StateGroup
  }

  /** Adds a state at the end. */
  async addState(orgId: string, keyOrId: string, input: Record<string, unknown>): Promise<State> {
    const project = await this.core.get(orgId, keyOrId)
    const name = text(input.name, 'name', { required: true, max: 60, label: 'Name' })
    const group = this.group(input.group)
    const existing = await this.states(project.id)
    if (existing.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new InputError(`There is a state called ${name} already: choose another name.`, 'name', 409)
    const row: State = { id: newId(), orgId, projectId: project.id, name, group, position: (existing.at(-1)?.position ?? -1) + 1, createdAt: new Date() }
    await this.db.insert(this.t.states).values(row)
    this.core.changed()
    return row
  }

  /** Renames a state (and may change its group). */
  async updateState(orgId: string, keyOrId: string, stateId: string, input: Record<string, unknown>): Promise<State> {
    const project = await this.core.get(orgId, keyOrId)
    const state = await this.state(project, stateId)
    const name = text(input.name, 'name', { required: true, max: 60, label: 'Name' })
    const group = input.group ? this.group(input.group) : state.group
    const others = (await this.states(project.id)).filter((s) => s.id !== state.id)
    if (others.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new InputError(`There is a state called ${name} already: choose another name.`, 'name', 409)
    await this.db.update(this.t.states).set({ name, group }).where(eq(this.t.states.id, state.id))
    this.core.changed()
    return { ...state, name, group }
  }

  /** Moves a state one place up (-1) or down (+1). */
  async moveState(orgId: string, keyOrId: string, stateId: string, direction: number): Promise<void> {
    const project = await this.core.get(orgId, keyOrId)
    const list = await this.states(project.id)
    const i = list.findIndex((s) => s.id === stateId)
    if (i < 0) throw new InputError('This project has no such state.', 'state', 404)
    const j = i + (direction < 0 ? -1 : 1)
    if (j < 0 || j >= list.length) return
    ;[list[i], list[j]] = [list[j]!, list[i]!]
    for (const [pos, s] of list.entries()) await this.db.update(this.t.states).set({ position: pos }).where(eq(this.t.states.id, s.id))
    this.core.changed()
  }

  /** Deletes a state no task uses (and never the last one); TaskService.moveStateTasks empties one first. */
  async removeState(orgId: string, keyOrId: string, stateId: string): Promise<void> {
    const project = await this.core.get(orgId, keyOrId)
    const state = await this.state(project, stateId)
    const [used] = await this.db.select({ n: sql<number>`count(*)` }).from(this.t.tasks).where(eq(this.t.tasks.stateId, state.id))
    if (Number(used?.n ?? 0) > 0) throw new InputError(`${state.name} still has ${used!.n} task(s): choose a state to move them to, or move them first.`, 'state', 409)
    if ((await this.states(project.id)).length <= 1) throw new InputError('A project needs at least one state: add another before deleting this one.', 'state', 409)
    await this.db.delete(this.t.states).where(eq(this.t.states.id, state.id))
    this.core.changed()
  }
}
