/** @module Saved views: a user's named task-list filters of a project, checked before they are saved. */
import { and, asc, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { checkFilterQuery } from './filters.ts'
import { ProjectPart, newId, text, type SavedView } from './project-core.ts'

/** A user's saved views of a project for ProjectService. */
export class ProjectViews extends ProjectPart {
  /** A user's saved views of a project. */
  async views(projectId: string, userId: string): Promise<SavedView[]> {
    return this.core.cached(`views:${projectId}:${userId}`, () =>
      this.db.select().from(this.t.views).where(and(eq(this.t.views.projectId, projectId), eq(this.t.views.userId, userId))).orderBy(asc(this.t.views.name)),
    )
  }

  /**
   * Saves the current filters under a name. The filters are checked first (an unknown state,
   * priority, sort or date is a 422 naming it), and a name the user already gave a view is refused
   * (409, field `name`): delete that view first or choose another name, so no view is overwritten.
   */
  async saveView(orgId: string, userId: string, keyOrId: string, input: { name?: unknown; query?: unknown }): Promise<SavedView> {
    const project = await this.core.get(orgId, keyOrId)
    const name = text(input.name, 'name', { required: true, max: 60, label: 'View name' })
    const query = text(input.query, 'query', { max: 2000 }).replace(/^\?/, '')
    checkFilterQuery(Object.fromEntries(new URLSearchParams(query)), await this.core.filterChoices(project.id))
    const existing = (await this.views(project.id, userId)).find((v) => v.name.toLowerCase() === name.toLowerCase())
    if (existing) throw new InputError(`You already have a view named '${existing.name}': choose another name, or delete that view first.`, 'name', 409)
    const row: SavedView = { id: newId(), orgId, projectId: project.id, userId, name, query, createdAt: new Date() }
    await this.db.insert(this.t.views).values(row)
    this.core.changed()
    return row
  }

  /** Deletes one of the user's views. */
  async removeView(orgId: string, userId: string, id: string): Promise<void> {
    const v = this.t.views
    const [row] = await this.db.select().from(v).where(and(eq(v.orgId, orgId), eq(v.userId, userId), eq(v.id, id))).limit(1)
    if (!row) throw new InputError('You have no such view.', 'view', 404)
    await this.db.delete(v).where(eq(v.id, row.id))
    this.core.changed()
  }
}
