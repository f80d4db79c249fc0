/** @module Watches: who follows an entity to hear of its comments and changes. */
import { and, eq } from 'drizzle-orm'
import { uuid, type CollaborationDeps } from './service-core.ts'

/** Who watches what, for Collaboration. */
export class Watches {
  constructor(private readonly deps: CollaborationDeps) {}

  async watch(orgId: string, userId: string, entityType: string, entityId: string): Promise<void> {
    await this.deps.db.insert(this.deps.t.watches).values({ id: uuid(), orgId, userId, entityType, entityId, createdAt: new Date() }).onConflictDoNothing()
  }

  async unwatch(orgId: string, userId: string, entityType: string, entityId: string): Promise<void> {
    const { watches } = this.deps.t
    await this.deps.db.delete(watches).where(and(eq(watches.orgId, orgId), eq(watches.userId, userId), eq(watches.entityType, entityType), eq(watches.entityId, entityId)))
  }

  async isWatching(orgId: string, userId: string, entityType: string, entityId: string): Promise<boolean> {
    const { watches } = this.deps.t
    const [row] = await this.deps.db
      .select({ id: watches.id })
      .from(watches)
      .where(and(eq(watches.orgId, orgId), eq(watches.userId, userId), eq(watches.entityType, entityType), eq(watches.entityId, entityId)))
    return Boolean(row)
  }

  async watchers(orgId: string, entityType: string, entityId: string): Promise<string[]> {
    const { watches } = this.deps.t
    const rows = await this.deps.db
      .select({ userId: watches.userId })
      .from(watches)
      .where(and(eq(watches.orgId, orgId), eq(watches.entityType, entityType), eq(watches.entityId, entityId)))
    return rows.map((r) => r.userId)
  }
}
