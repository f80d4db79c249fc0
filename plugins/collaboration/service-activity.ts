/** @module The activity log: events' activity facts recorded (watchers told of changes), read back in pages, filtered per viewer. */
import { and, desc, eq, inArray, lt } from 'drizzle-orm'
import type { ActivityFact } from '../../core/plugins/points.ts'
import { pageVisible, uuid, type ActivityRow, type CollaborationDeps, type EntityRef } from './service-core.ts'
import type { Notifications } from './service-notifications.ts'
import type { Watches } from './service-watches.ts'

/** The organization's activity, for Collaboration. */
export class ActivityLog {
  constructor(
    private readonly deps: CollaborationDeps,
    private readonly watches: Watches,
    private readonly notices: Notifications,
  ) {}

  /**
   * Records an event's activity fact; the actor's unread notifications about its entity are marked
   * read (they acted on it); watchers of its entity hear of changes made by others, except
   * `quiet` (people another notification tells about this very change, like a new assignee). An
   * entity's own creation (`*.created`) tells no watcher: nobody watched it before it existed, and
   * the watches its creation starts (the creator's, a first assignee's, written by other handlers of
   * the same events at the same moment) must not turn it into a 'change' depending on which write
   * lands first.
   */
  async record(event: string, activity: ActivityFact, quiet: string[] = []): Promise<void> {
    const e = activity.entity
    await this.deps.db.insert(this.deps.t.activity).values({
      id: uuid(),
      orgId: activity.orgId,
      event,
      actorId: activity.actor.id,
      actorName: activity.actor.name,
      entityType: e?.type ?? null,
      entityId: e ? String(e.id) : null,
      entityTitle: e?.title ?? null,
      entityHref: e?.href ?? null,
      text: activity.text.slice(0, 500),
      createdAt: new Date(),
    })
    // whoever acted on the entity has seen what their notifications about it asked for
    if (e && activity.actor.id) await this.notices.markEntityRead(activity.orgId, activity.actor.id, { type: e.type, id: String(e.id) })
    if (e && !event.startsWith('collaboration.') && !event.endsWith('.created')) {
      const watchers = await this.deps.visible(activity.orgId, { type: e.type, id: String(e.id) }, (await this.watches.watchers(activity.orgId, e.type, String(e.id))).filter((id) => id !== activity.actor.id && !quiet.includes(id)))
      await this.notices.deliver({ orgId: activity.orgId, userIds: watchers, kind: 'change', title: `${activity.actor.name} ${activity.text}`, text: e.title, href: e.href, actorId: activity.actor.id, entity: { type: e.type, id: String(e.id) }, checked: true })
    }
  }

  /**
   * The org's activity rows, newest first, unfiltered; `before` is the last id of the previous page.
   * What a person sees goes through visibleActivity.
   */
  async activity(orgId: string, options: { limit?: number; before?: string; entity?: { type: string; id: string } } = {}): Promise<ActivityRow[]> {
    const { activity: a } = this.deps.t
    const conds = [eq(a.orgId, orgId)]
    if (options.before) conds.push(lt(a.id, options.before))
    if (options.entity) conds.push(eq(a.entityType, options.entity.type), eq(a.entityId, options.entity.id))
    return this.deps.db.select().from(a).where(and(...conds)).orderBy(desc(a.id)).limit(options.limit ?? 50)
  }

  /**
   * A page of the activity one viewer may see, newest first: `keep` filters a batch of rows (an
   * ActivityViewer's filter). Reads batches until the page is full, the feed ends or `scan` rows were
   * read; `next` (the `before` of the following page) is set while older rows may remain, so a page
   * of hidden rows never ends the feed early and never makes one request read the whole table.
   */
  async visibleActivity(
    orgId: string,
    keep: (rows: ActivityRow[]) => Promise<ActivityRow[]>,
    options: { limit?: number; before?: string; entity?: { type: string; id: string }; scan?: number } = {},
  ): Promise<{ rows: ActivityRow[]; next?: string }> {
    return pageVisible((before, limit) => this.activity(orgId, { before, limit, entity: options.entity }), keep, options)
  }

  /** Distinct entities the org's activity mentions, newest first (the demo seed comments on them). */
  async recentEntities(orgId: string, types: string[], limit: number): Promise<EntityRef[]> {
    if (types.length === 0) return []
    const { activity: a } = this.deps.t
    const rows = await this.deps.db
      .select()
      .from(a)
      .where(and(eq(a.orgId, orgId), inArray(a.entityType, types)))
      .orderBy(desc(a.id))
      .limit(500)
    const seen = new Map<string, EntityRef>()
    for (const r of rows) {
      const key = `${r.entityType}:${r.entityId}`
      if (!seen.has(key)) seen.set(key, { type: r.entityType!, id: r.entityId!, title: r.entityTitle ?? r.entityId!, href: r.entityHref ?? undefined })
      if (seen.size >= limit) break
    }
    return [...seen.values()]
  }
}
