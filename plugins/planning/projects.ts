/** @module Project records: create (with the default states), edit and delete with everything in them, and their events. */
import { and, eq, inArray } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { ChangedError, DEFAULT_STATES, KEY_RE, ProjectPart, isExpected, nextVersion, newId, orList, text, type Actor, type ExpectedVersion, type Project } from './project-core.ts'
import { PROJECT_STATUSES } from './schema.ts'
import { FieldChecks } from './task-input.ts'

/** A new project's key, upper case: 2 to 6 letters or digits (empty, too long or anything else gets the one message that says so). */
function projectKey(value: unknown): string {
  const key = text(value, 'key', { max: 100, label: 'Key' }).toUpperCase()
  if (!KEY_RE.test(key)) throw new InputError('Enter a key of 2 to 6 letters or digits, like WEB.', 'key')
  return key
}

/** Creates, edits and deletes projects for ProjectService. */
export class ProjectRecords extends ProjectPart {
  private async checkLead(orgId: string, leadId: unknown): Promise<string | null> {
    const id = typeof leadId === 'string' ? leadId.trim() : ''
    if (!id) return null
    const members = await this.core.deps.people.members(orgId)
    if (!members.some((m) => m.id === id)) throw new InputError('Choose a lead who is a member of this organization.', 'leadId')
    return id
  }

  private status(value: unknown): Project['status'] {
    const s = (typeof value === 'string' && value) || 'active'
    if (!(PROJECT_STATUSES as readonly string[]).includes(s)) throw new InputError(`Choose a status: ${orList(PROJECT_STATUSES)}.`, 'status')
    return s as Project['status']
  }

  /** Creates a project with the default states; every field is checked before any is refused (the form shows them all). */
  async create(orgId: string, actor: Actor, input: Record<string, unknown>): Promise<Project> {
    const checks = new FieldChecks()
    const key = (await checks.check(() => projectKey(input.key))) ?? ''
    const name = (await checks.check(() => text(input.name, 'name', { required: true, label: 'Name' }))) ?? ''
    const description = (await checks.check(() => text(input.description, 'description', { max: 20_000, label: 'Description' }))) ?? ''
    const status = (await checks.check(() => this.status(input.status))) ?? 'active'
    const leadId = (await checks.check(() => this.checkLead(orgId, input.leadId))) ?? null
    checks.done()
    const p = this.t.projects
    const [dupe] = await this.db.select({ id: p.id }).from(p).where(and(eq(p.orgId, orgId), eq(p.key, key))).limit(1)
    if (dupe) throw new InputError(`A project with the key ${key} exists already: choose another key.`, 'key', 409)
    const now = new Date()
    const project: Project = { id: newId(), orgId, key, name, description, leadId, status, taskCounter: 0, createdBy: actor.id, createdAt: now, updatedAt: now }
    await this.core.deps.store.tx(async (db) => {
      await db.insert(p).values(project)
      await db.insert(this.t.states).values(DEFAULT_STATES.map((s, i) => ({ id: newId(), orgId, projectId: project.id, name: s.name, group: s.group, position: i, createdAt: now })))
    })
    this.core.changed()
    this.core.deps.bus.emit('planning.project.created', { project: brief(project), activity: projectActivity(project, actor, `created project ${key} ${name}`) })
    return project
  }

  /** Edits name, description, lead and status (the key stays: task keys are links). */
  async update(orgId: string, actor: Actor, keyOrId: string, input: Record<string, unknown>, options: { expectUpdatedAt?: ExpectedVersion } = {}): Promise<Project> {
    const project = await this.core.get(orgId, keyOrId)
    const expected = options.expectUpdatedAt
    if (expected && !isExpected(project.updatedAt, expected)) throw new ProjectChangedError()
    const patch: Partial<Project> = {}
    const checks = new FieldChecks()
    const set = async <K extends keyof Project>(key: K, run: () => Project[K] | Promise<Project[K]>) => {
      const v = await checks.check(run)
      if (v !== undefined) patch[key] = v
    }
    if (input.name !== undefined) await set('name', () => text(input.name, 'name', { required: true, label: 'Name' }))
    if (input.description !== undefined) await set('description', () => text(input.description, 'description', { max: 20_000, label: 'Description' }))
    if (input.status !== undefined) await set('status', () => this.status(input.status))
    if (input.leadId !== undefined) await set('leadId', () => this.checkLead(orgId, input.leadId))
    if (input.key !== undefined && String(input.key).trim().toUpperCase() !== project.key) await checks.check(() => { throw new InputError('The key of a project cannot change (task keys link to it): leave it out.', 'key') })
    checks.done()
    const fields = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== (project as Record<string, unknown>)[k])
    if (!fields.length) return project
    // a new version is always later than the one it replaces, so a second compare-and-set on the old one fails
    const updated = { ...project, ...patch, updatedAt: nextVersion(project.updatedAt) }
    const p = this.t.projects
    // with expectUpdatedAt: written only if nobody changed the project since the caller read it
    const where = expected ? and(eq(p.id, project.id), eq(p.updatedAt, project.updatedAt)) : eq(p.id, project.id)
    const written = await this.db.update(p).set({ ...patch, updatedAt: updated.updatedAt }).where(where).returning({ id: p.id })
    if (!written.length) {
      this.core.changed()
      throw new ProjectChangedError()
    }
    this.core.changed()
    this.core.deps.bus.emit('planning.project.updated', { project: brief(updated), fields, activity: projectActivity(updated, actor, `updated project ${updated.key}`) })
    return updated
  }

  /**
   * Deletes a project with its tasks and everything else in it, in one transaction. With
   * `expectUpdatedAt` a project changed since the caller read it is a ProjectChangedError and
   * nothing is deleted.
   */
  async remove(orgId: string, actor: Actor, keyOrId: string, options: { expectUpdatedAt?: ExpectedVersion } = {}): Promise<void> {
    const project = await this.core.get(orgId, keyOrId)
    const expected = options.expectUpdatedAt
    if (expected && !isExpected(project.updatedAt, expected)) throw new ProjectChangedError()
    const t = this.t
    await this.core.deps.store.tx(async (db) => {
      if (expected) {
        // the compare-and-set first: a write in between changed updatedAt, and nothing is deleted
        const still = await db.update(t.projects).set({ updatedAt: project.updatedAt }).where(and(eq(t.projects.id, project.id), eq(t.projects.updatedAt, project.updatedAt))).returning({ id: t.projects.id })
        if (!still.length) throw new ProjectChangedError()
      }
      const ids = db.select({ id: t.tasks.id }).from(t.tasks).where(eq(t.tasks.projectId, project.id))
      await db.delete(t.taskLabels).where(inArray(t.taskLabels.taskId, ids))
      await db.delete(t.relations).where(inArray(t.relations.blockerId, ids))
      await db.delete(t.relations).where(inArray(t.relations.blockedId, ids))
      await db.delete(t.history).where(inArray(t.history.taskId, ids))
      for (const table of [t.tasks, t.states, t.labels, t.views, t.milestones, t.cycles]) await db.delete(table).where(eq(table.projectId, project.id))
      await db.delete(t.projects).where(eq(t.projects.id, project.id))
    })
    this.core.changed()
    this.core.deps.bus.emit('planning.project.deleted', { project: brief(project), activity: { orgId, actor, text: `deleted project ${project.key} ${project.name}` } })
  }
}

/** The project changed after the caller read it (update or remove with `expectUpdatedAt`): read again and re-plan. */
export class ProjectChangedError extends ChangedError {
  constructor() {
    super('project')
  }
}

function brief(p: Project) {
  return { id: p.id, orgId: p.orgId, key: p.key, name: p.name }
}

function projectActivity(p: Project, actor: Actor, textValue: string) {
  return { orgId: p.orgId, actor, entity: { type: 'planning.project', id: p.id, title: `${p.key} ${p.name}`, href: `/planning/projects/${p.key}` }, text: textValue }
}
