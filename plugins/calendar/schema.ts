/** @module Tables of the calendar plugin. Times are instants (UTC); all-day events use UTC midnights. */
import { defineSchema } from '../../core/store/facade.ts'

export const OWNER_KINDS = ['user', 'team', 'org'] as const
export const SHARE_ACCESS = ['read', 'edit'] as const
export const RSVP = ['needs-action', 'accepted', 'declined', 'tentative'] as const

export const schema = defineSchema((t) => ({
  calendars: t.table(
    'calendar_calendars',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      ownerKind: t.enumText('owner_kind', OWNER_KINDS).notNull(),
      /** A user id, a team id or the org id, as text. */
      ownerId: t.text('owner_id').notNull(),
      name: t.text('name').notNull(),
      color: t.text('color').notNull(),
      createdBy: t.text('created_by').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (c) => [t.index('calendar_calendars_org').on(c.orgId, c.ownerKind, c.ownerId)],
  ),
  shares: t.table(
    'calendar_shares',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      calendarId: t.text('calendar_id').notNull(),
      userId: t.text('user_id').notNull(),
      access: t.enumText('access', SHARE_ACCESS).notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (c) => [t.uniqueIndex('calendar_shares_cal_user').on(c.calendarId, c.userId), t.index('calendar_shares_user').on(c.orgId, c.userId)],
  ),
  events: t.table(
    'calendar_events',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      calendarId: t.text('calendar_id').notNull(),
      /** iCalendar UID (imported events keep theirs). */
      uid: t.text('uid').notNull(),
      /** The first event of a series split by "this and following". */
      seriesId: t.text('series_id'),
      title: t.text('title').notNull(),
      description: t.text('description').notNull().default(''),
      location: t.text('location').notNull().default(''),
      allDay: t.bool('all_day').notNull().default(false),
      timeZone: t.text('time_zone').notNull(),
      startAt: t.time('start_at').notNull(),
      endAt: t.time('end_at').notNull(),
      /** RRULE without DTSTART ("FREQ=WEEKLY;BYDAY=MO"), or null. */
      rrule: t.text('rrule'),
      /** Original starts (ISO instants) of removed occurrences. */
      exdates: t.json<string[]>('exdates').notNull(),
      /** Minutes before the start. */
      reminders: t.json<number[]>('reminders').notNull(),
      hasReminders: t.bool('has_reminders').notNull().default(false),
      createdBy: t.text('created_by').notNull(),
      createdAt: t.time('created_at').notNull(),
      /** The last change to the event or one of its occurrences (also the version an edit form saw). */
      updatedAt: t.time('updated_at').notNull(),
      /** Who made that change; null for changes made before this was recorded. */
      updatedBy: t.text('updated_by'),
    },
    (c) => [
      t.index('calendar_events_cal').on(c.orgId, c.calendarId),
      t.index('calendar_events_start').on(c.orgId, c.startAt),
      t.index('calendar_events_uid').on(c.orgId, c.uid),
      // the reminder pass reads events with reminders that start before its horizon
      t.index('calendar_events_reminders_start').on(c.hasReminders, c.startAt),
    ],
  ),
  overrides: t.table(
    'calendar_overrides',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      eventId: t.text('event_id').notNull(),
      /** The occurrence's original start (RECURRENCE-ID). */
      originalStart: t.time('original_start').notNull(),
      title: t.text('title').notNull(),
      description: t.text('description').notNull().default(''),
      location: t.text('location').notNull().default(''),
      startAt: t.time('start_at').notNull(),
      endAt: t.time('end_at').notNull(),
      updatedAt: t.time('updated_at').notNull(),
    },
    (c) => [t.uniqueIndex('calendar_overrides_event_start').on(c.eventId, c.originalStart)],
  ),
  attendees: t.table(
    'calendar_attendees',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      eventId: t.text('event_id').notNull(),
      userId: t.text('user_id').notNull(),
      rsvp: t.enumText('rsvp', RSVP).notNull(),
      updatedAt: t.time('updated_at').notNull(),
    },
    (c) => [t.uniqueIndex('calendar_attendees_event_user').on(c.eventId, c.userId), t.index('calendar_attendees_user').on(c.orgId, c.userId)],
  ),
  remindersSent: t.table(
    'calendar_reminders_sent',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      eventId: t.text('event_id').notNull(),
      occurrenceStart: t.time('occurrence_start').notNull(),
      minutes: t.int('minutes').notNull(),
      sentAt: t.time('sent_at').notNull(),
    },
    (c) => [t.uniqueIndex('calendar_reminders_sent_key').on(c.eventId, c.occurrenceStart, c.minutes)],
  ),
  layerPrefs: t.table(
    'calendar_layer_prefs',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      userId: t.text('user_id').notNull(),
      /** `src:<pluginId>:<sourceId>` for calendar.source layers, `cal:<calendarId>` for calendars. */
      layer: t.text('layer').notNull(),
      hidden: t.bool('hidden').notNull(),
    },
    (c) => [t.uniqueIndex('calendar_layer_prefs_key').on(c.orgId, c.userId, c.layer)],
  ),
  feedTokens: t.table(
    'calendar_feed_tokens',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      userId: t.text('user_id').notNull(),
      tokenHash: t.text('token_hash').notNull(),
      createdAt: t.time('created_at').notNull(),
      /** The calendar.source layers (`src:<pluginId>:<sourceId>`) the feed carries besides the calendars; null: none. */
      layers: t.json<string[]>('layers'),
    },
    (c) => [t.uniqueIndex('calendar_feed_tokens_hash').on(c.tokenHash), t.uniqueIndex('calendar_feed_tokens_user').on(c.orgId, c.userId)],
  ),
}))
