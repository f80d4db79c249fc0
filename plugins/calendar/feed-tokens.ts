/** @module Feed tokens (only their hash is stored) and what a subscription feed holds for its owner. */
import { and, eq, inArray, or } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { randomToken, sha256 } from '../../core/auth/crypto.ts'
import type { CalendarService } from './service.ts'
import type { AttendeeRow, CalendarView, EventRow, OverrideRow, Viewer } from './service-types.ts'

/**
 * A new feed token (the old one stops working) carrying `layers` (`src:<pluginId>:<sourceId>` keys)
 * besides the calendars; only its hash is stored.
 */
export async function newFeedToken(svc: CalendarService, v: Viewer, layers: string[] = []): Promise<string> {
  await svc.revokeFeedToken(v)
  const token = randomToken(24)
  await svc.ctx.db.insert(svc.t.feedTokens).values({ id: Bun.randomUUIDv7(), orgId: v.orgId, userId: v.userId, tokenHash: sha256(token), createdAt: new Date(), layers: [...new Set(layers)] })
  return token
}

/** The layers the viewer's feed carries, or undefined when they have no feed address. */
export async function feedLayers(svc: CalendarService, v: Viewer): Promise<string[] | undefined> {
  const [row] = await svc.ctx.db.select({ layers: svc.t.feedTokens.layers }).from(svc.t.feedTokens).where(and(eq(svc.t.feedTokens.orgId, v.orgId), eq(svc.t.feedTokens.userId, v.userId)))
  return row ? (row.layers ?? []) : undefined
}

/** Changes the layers of the viewer's feed, keeping its address; a 422 when they have none. */
export async function setFeedLayers(svc: CalendarService, v: Viewer, layers: string[]): Promise<void> {
  const done = await svc.ctx.db
    .update(svc.t.feedTokens)
    .set({ layers: [...new Set(layers)] })
    .where(and(eq(svc.t.feedTokens.orgId, v.orgId), eq(svc.t.feedTokens.userId, v.userId)))
    .returning({ id: svc.t.feedTokens.id })
  if (!done.length) throw new InputError('You have no subscription address: make one first.', 'layers')
}

export async function revokeFeedToken(svc: CalendarService, v: Viewer): Promise<void> {
  await svc.ctx.db.delete(svc.t.feedTokens).where(and(eq(svc.t.feedTokens.orgId, v.orgId), eq(svc.t.feedTokens.userId, v.userId)))
}

/** The user and org behind a feed token, and the layers it carries, or undefined. */
export async function feedOwner(svc: CalendarService, token: string): Promise<{ orgId: string; userId: string; layers: string[] } | undefined> {
  if (!/^[A-Za-z0-9_-]{10,100}$/.test(token)) return undefined
  const [row] = await svc.ctx.db.select().from(svc.t.feedTokens).where(eq(svc.t.feedTokens.tokenHash, sha256(token)))
  return row ? { orgId: row.orgId, userId: row.userId, layers: row.layers ?? [] } : undefined
}

/** Everything a feed holds for the viewer: events of visible calendars and invitations, with overrides. */
export async function feedData(svc: CalendarService, v: Viewer): Promise<{ calendars: CalendarView[]; events: EventRow[]; overrides: OverrideRow[]; attendees: AttendeeRow[] }> {
  const calendars = await svc.calendars(v)
  const calIds = calendars.map((c) => c.id)
  const invited = (await svc.ctx.db.select({ id: svc.t.attendees.eventId }).from(svc.t.attendees).where(and(eq(svc.t.attendees.orgId, v.orgId), eq(svc.t.attendees.userId, v.userId)))).map((r) => r.id)
  if (!calIds.length && !invited.length) return { calendars, events: [], overrides: [], attendees: [] }
  const events = await svc.ctx.db
    .select()
    .from(svc.t.events)
    .where(and(eq(svc.t.events.orgId, v.orgId), or(calIds.length ? inArray(svc.t.events.calendarId, calIds) : undefined, invited.length ? inArray(svc.t.events.id, invited) : undefined)))
  const ids = events.map((e) => e.id)
  const overrides = ids.length ? await svc.ctx.db.select().from(svc.t.overrides).where(inArray(svc.t.overrides.eventId, ids)) : []
  const attendees = ids.length ? await svc.ctx.db.select().from(svc.t.attendees).where(inArray(svc.t.attendees.eventId, ids)) : []
  return { calendars, events, overrides, attendees }
}
