/** @module Who sees which calendar (personal, team, organization, shared) and what they may do with it; creating, changing, deleting and sharing calendars. */
import { and, eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { checkColor } from './event-fields.ts'
import { emitChange } from './event-announce.ts'
import { removeEvents } from './event-writes.ts'
import { BULK_ACTIVITY } from './events.ts'
import { OWNER_KINDS } from './schema.ts'
import type { CalendarService } from './service.ts'
import { COLORS, type CalendarRow, type CalendarView, type OwnerKind, type Viewer } from './service-types.ts'

/** Calendars the viewer can see. */
export async function calendars(svc: CalendarService, v: Viewer): Promise<CalendarView[]> {
  const rows = await svc.ctx.db.select().from(svc.t.calendars).where(eq(svc.t.calendars.orgId, v.orgId))
  const shares = await svc.ctx.db.select().from(svc.t.shares).where(and(eq(svc.t.shares.orgId, v.orgId), eq(svc.t.shares.userId, v.userId)))
  const shareOf = new Map(shares.map((s) => [s.calendarId, s.access]))
  const teams = rows.some((r) => r.ownerKind === 'team') ? await svc.teams(v.orgId) : undefined
  const out: CalendarView[] = []
  for (const r of rows) {
    let read = false
    let edit = false
    let manage = false
    let ownerLabel = 'Organization'
    let shared = false
    if (r.ownerKind === 'user') {
      ownerLabel = 'Personal'
      if (r.ownerId === v.userId) read = edit = manage = true
      else if (shareOf.has(r.id)) {
        read = true
        shared = true
        edit = shareOf.get(r.id) === 'edit'
      }
    } else if (r.ownerKind === 'org') {
      read = true
      edit = true
      manage = v.canManage
    } else {
      const team = teams?.find((t) => t.id === r.ownerId)
      ownerLabel = team ? team.name : 'Team'
      const member = !!team?.memberIds.includes(v.userId)
      read = member || v.canManage || shareOf.has(r.id)
      edit = member || v.canManage || shareOf.get(r.id) === 'edit'
      manage = v.canManage || (member && v.canWrite)
      shared = !member && shareOf.has(r.id)
    }
    if (!read) continue
    out.push({ ...r, canEdit: edit && v.canWrite, canManage: manage && v.canWrite, ownerLabel, shared })
  }
  const rank = { user: 0, team: 1, org: 2 }
  return out.sort((a, b) => Number(a.shared) - Number(b.shared) || rank[a.ownerKind] - rank[b.ownerKind] || a.name.localeCompare(b.name))
}

/** Creates a calendar: personal for writers, team for its members (or admins), organization for admins. */
export async function createCalendar(svc: CalendarService, v: Viewer, input: { name: string; color?: string; ownerKind?: string; ownerId?: string }): Promise<CalendarRow> {
  if (!v.canWrite) throw new InputError('You may not create calendars: ask an admin of the organization to make you a member.', 'name', 403)
  const name = (input.name ?? '').trim()
  if (!name || name.length > 80) throw new InputError('Enter a name of 1 to 80 characters.', 'name')
  const color = checkColor(input.color || COLORS[0]!)
  const kind = (input.ownerKind || 'user') as OwnerKind
  if (!OWNER_KINDS.includes(kind)) throw new InputError('Choose personal, team or organization.', 'ownerKind')
  let ownerId = v.userId
  if (kind === 'org') {
    if (!v.canManage) throw new InputError('Only admins create organization calendars: choose personal or team.', 'ownerKind', 403)
    ownerId = v.orgId
  } else if (kind === 'team') {
    const team = (await svc.teams(v.orgId)).find((t) => t.id === input.ownerId)
    if (!team) throw new InputError('Choose one of your teams.', 'ownerId')
    if (!v.canManage && !team.memberIds.includes(v.userId)) throw new InputError('Only members of the team (or admins) create its calendar: choose one of your teams.', 'ownerId', 403)
    ownerId = team.id
  }
  const row = { id: Bun.randomUUIDv7(), orgId: v.orgId, ownerKind: kind, ownerId, name, color, createdBy: v.userId, createdAt: new Date() }
  await svc.ctx.db.insert(svc.t.calendars).values(row)
  return row
}

/** Renames and recolors a calendar (a missing or empty color keeps the old one). */
export async function updateCalendar(svc: CalendarService, v: Viewer, id: string, input: { name?: string; color?: string }): Promise<void> {
  const cal = await svc.manageable(v, id)
  const name = (input.name ?? cal.name).trim()
  if (!name || name.length > 80) throw new InputError('Enter a name of 1 to 80 characters.', 'name')
  const color = checkColor(input.color || cal.color)
  await svc.ctx.db.update(svc.t.calendars).set({ name, color }).where(and(eq(svc.t.calendars.id, id), eq(svc.t.calendars.orgId, v.orgId)))
}

/** Deletes a calendar with its events and shares; one `calendar.event.deleted` per event. */
export async function deleteCalendar(svc: CalendarService, v: Viewer, id: string): Promise<void> {
  await svc.manageable(v, id)
  const events = await svc.ctx.db.select().from(svc.t.events).where(and(eq(svc.t.events.orgId, v.orgId), eq(svc.t.events.calendarId, id)))
  await removeEvents(svc, events.map((e) => e.id))
  await svc.ctx.db.delete(svc.t.shares).where(eq(svc.t.shares.calendarId, id))
  await svc.ctx.db.delete(svc.t.layerPrefs).where(and(eq(svc.t.layerPrefs.orgId, v.orgId), eq(svc.t.layerPrefs.layer, `cal:${id}`)))
  await svc.ctx.db.delete(svc.t.calendars).where(eq(svc.t.calendars.id, id))
  const each = events.length <= BULK_ACTIVITY
  for (const e of events) emitChange(svc, 'calendar.event.deleted', v, e, each ? `deleted the event “${e.title}” with its calendar` : undefined, e.rrule ? 'all' : undefined)
}

/** Who a visible calendar is shared with, and how. */
export async function shares(svc: CalendarService, v: Viewer, calendarId: string): Promise<{ userId: string; access: 'read' | 'edit' }[]> {
  await svc.calendar(v, calendarId)
  return svc.ctx.db.select({ userId: svc.t.shares.userId, access: svc.t.shares.access }).from(svc.t.shares).where(eq(svc.t.shares.calendarId, calendarId))
}

/** Shares a calendar with an org member (read or edit); sharing again changes the access. */
export async function share(svc: CalendarService, v: Viewer, calendarId: string, userId: string, access: string): Promise<void> {
  const cal = await svc.manageable(v, calendarId)
  if (access !== 'read' && access !== 'edit') throw new InputError('Choose read or edit.', 'access')
  if (!(await svc.members(v.orgId)).some((m) => m.id === userId)) throw new InputError('Choose a member of this organization.', 'userId')
  if (cal.ownerKind === 'user' && cal.ownerId === userId) throw new InputError('This is their own calendar: choose someone else.', 'userId')
  const existing = await svc.ctx.db.select().from(svc.t.shares).where(and(eq(svc.t.shares.calendarId, calendarId), eq(svc.t.shares.userId, userId)))
  if (existing[0]) await svc.ctx.db.update(svc.t.shares).set({ access }).where(eq(svc.t.shares.id, existing[0].id))
  else await svc.ctx.db.insert(svc.t.shares).values({ id: Bun.randomUUIDv7(), orgId: v.orgId, calendarId, userId, access, createdAt: new Date() })
}

/** Stops sharing a calendar with a member. */
export async function unshare(svc: CalendarService, v: Viewer, calendarId: string, userId: string): Promise<void> {
  await svc.manageable(v, calendarId)
  await svc.ctx.db.delete(svc.t.shares).where(and(eq(svc.t.shares.calendarId, calendarId), eq(svc.t.shares.userId, userId)))
}
