/** @module Demo data: a team calendar with a weekday stand-up, a one-off review and an all-day offsite. */
import type { Person } from '../../core/plugins/points.ts'
import type { CalendarService } from './service.ts'
import { DAY, fromWall, toWall, weekStart } from './time.ts'

const ZONE = 'Europe/Berlin'

/** Seeds one organization; returns a one-line summary. */
export async function seedDemo(svc: CalendarService, input: { orgId: string; people: Person[]; now: Date }): Promise<string> {
  const { orgId, people, now } = input
  const owner = people[0]
  if (!owner) return 'no people, no calendar'
  const teams = await svc.teams(orgId)
  const team = teams.find((t) => t.memberIds.length > 0) ?? teams[0]
  const cal = team
    ? await svc.insertCalendar(orgId, 'team', team.id, `${team.name} calendar`, '#16a34a', owner.id)
    : await svc.insertCalendar(orgId, 'org', orgId, 'Team calendar', '#16a34a', owner.id)
  const attendees = (team ? people.filter((p) => team.memberIds.includes(p.id)) : people).slice(0, 8).map((p) => p.id)
  const today = toWall(now.getTime(), ZONE)
  const monday = weekStart(today - (today % DAY))
  const at = (day: number, h: number, m = 0) => new Date(fromWall(day + (h * 60 + m) * 60_000, ZONE))
  const base = { calendarId: cal.id, description: '', location: '', allDay: false, timeZone: ZONE, reminders: [] as number[] }
  await svc.insertEvent(orgId, owner.id, {
    ...base,
    title: 'Stand-up',
    location: 'Video call',
    description: 'Fifteen minutes: yesterday, today, blockers.',
    startAt: at(monday, 9, 30),
    endAt: at(monday, 9, 45),
    rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    attendeeIds: attendees,
    reminders: [5],
  })
  const reviewDay = monday + 7 * DAY + 3 * DAY
  await svc.insertEvent(orgId, owner.id, {
    ...base,
    title: 'Sprint review',
    location: 'Main room',
    description: 'Demo what shipped; agree on the next goals.',
    startAt: at(reviewDay, 14),
    endAt: at(reviewDay, 15, 30),
    rrule: null,
    attendeeIds: attendees,
    reminders: [15],
  })
  const offsite = monday + 14 * DAY + 3 * DAY
  await svc.insertEvent(orgId, owner.id, {
    ...base,
    title: 'Team offsite',
    location: 'Lakeside lodge',
    allDay: true,
    timeZone: 'UTC',
    startAt: new Date(offsite),
    endAt: new Date(offsite + 2 * DAY),
    rrule: null,
    attendeeIds: attendees,
  })
  return `1 calendar, 3 events (weekday stand-up, review, offsite)`
}
