/** @module A project's labels: listed by name, added, renamed and recolored, deleted (and taken off tasks), with their events. */
import { and, asc, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { isUniqueViolation } from '../../core/store/errors.ts'
import { ProjectPart, newId, text, type Label } from './project-core.ts'

const COLOR_RE = /^#[0-9a-fA-F]{6}$/
/** What label events say about a label. */
const lBrief = (l: Label) => ({ id: l.id, orgId: l.orgId, projectId: l.projectId, name: l.name })

/** A project's labels for ProjectService. */
export class ProjectLabels extends ProjectPart {
  /** Labels of a project by name. */
  async labels(projectId: string): Promise<Label[]> {
    return this.core.cached(`labels:${projectId}`, () => this.db.select().from(this.t.labels).where(eq(this.t.labels.projectId, projectId)).orderBy(asc(this.t.labels.name)))
  }

  /** Creates a label. */
  async addLabel(orgId: string, keyOrId: string, input: Record<string, unknown>): Promise<Label> {
    const project = await this.core.get(orgId, keyOrId)
    const name = text(input.name, 'name', { required: true, max: 40, label: 'Name' })
    const color = text(input.color, 'color', { max: 7 }) || '#6b7280'
    if (!COLOR_RE.test(color)) throw new InputError('Enter the color as # and six hex digits, like #3b82f6.', 'color')
    if ((await this.labels(project.id)).some((l) => l.name.toLowerCase() === name.toLowerCase())) throw new InputError(`There is a label called ${name} already: choose another name.`, 'name', 409)
    const row: Label = { id: newId(), orgId, projectId: project.id, name, color, createdAt: new Date() }
    await this.db.insert(this.t.labels).values(row)
    this.core.changed()
    this.core.deps.bus.emit('planning.label.created', { label: lBrief(row) })
    return row
  }

  /** Renames and recolors a label (absent keys stay); its tasks keep it. Another label's name is a 409. */
  async updateLabel(orgId: string, keyOrId: string, labelId: string, input: Record<string, unknown>): Promise<Label> {
    const project = await this.core.get(orgId, keyOrId)
    const [label] = await this.db.select().from(this.t.labels).where(and(eq(this.t.labels.projectId, project.id), eq(this.t.labels.id, String(labelId)))).limit(1)
    if (!label) throw new InputError('This project has no such label.', 'label', 404)
    const name = input.name === undefined ? label.name : text(input.name, 'name', { required: true, max: 40, label: 'Name' })
    const color = input.color === undefined ? label.color : text(input.color, 'color', { max: 7 }) || label.color
    if (!COLOR_RE.test(color)) throw new InputError('Enter the color as # and six hex digits, like #3b82f6.', 'color')
    const taken = () => new InputError(`There is a label called ${name} already: choose another name.`, 'name', 409)
    if ((await this.labels(project.id)).some((l) => l.id !== label.id && l.name.toLowerCase() === name.toLowerCase())) throw taken()
    if (name === label.name && color === label.color) return label
    try {
      await this.db.update(this.t.labels).set({ name, color }).where(eq(this.t.labels.id, label.id))
    } catch (err) {
      // two renames to one name at once: the unique (project, name) index stops the second
      if (isUniqueViolation(err)) throw taken()
      throw err
    }
    this.core.changed()
    const fields = [...(name !== label.name ? ['name'] : []), ...(color !== label.color ? ['color'] : [])]
    this.core.deps.bus.emit('planning.label.updated', { label: lBrief({ ...label, name }), fields })
    return { ...label, name, color }
  }

  /** Deletes a label (and takes it off tasks). */
  async removeLabel(orgId: string, keyOrId: string, labelId: string): Promise<void> {
    const project = await this.core.get(orgId, keyOrId)
    const [label] = await this.db.select().from(this.t.labels).where(and(eq(this.t.labels.projectId, project.id), eq(this.t.labels.id, labelId))).limit(1)
    if (!label) throw new InputError('This project has no such label.', 'label', 404)
    await this.db.delete(this.t.taskLabels).where(eq(this.t.taskLabels.labelId, label.id))
    this.core.changed()
    await this.db.delete(this.t.labels).where(eq(this.t.labels.id, label.id))
    this.core.changed()
    this.core.deps.bus.emit('planning.label.deleted', { label: lBrief(label) })
  }
}
