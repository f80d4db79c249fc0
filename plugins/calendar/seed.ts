/**
 * @module Demo data, made through the service as the demo's people (so the activity, invitations and
 * answers are theirs): a shared calendar (the first team's with members, else the organization's)
 * and a personal calendar per person; a weekday stand-up with one occurrence moved and one
 * cancelled, a review, a critique and a three-day offsite with mixed answers (accepted, tentative,
 * declined), and a few personal events (a morning appointment, focus time, a week off, a 1:1).
 */
import type { Person } from '../../core/plugins/points.ts'
import { unusedColor, type CalendarService, type EventForm, type EventRow, type Rsvp, type Viewer } from './service.ts'
import { DAY, fromWall, toWall, wallDate, weekStart } from './time.ts'

const ZONE = 'Europe/Berlin'

/** Seeds one organization; returns a one-line summary. */
export async function seedDemo(svc: CalendarService, input: { orgId: string; people: Person[]; now: Date }): Promise<string> {
  const { orgId, people, now } = input
  if (!people.length) return 'no people, no calendar'
  // the first person ran the demo (the organization's owner); the others are members
  const as = (p: Person, i = people.indexOf(p)): Viewer => ({ orgId, userId: p.id, userName: p.name, canWrite: true, canManage: i === 0 })
  /** The i-th member, round the cast (the owner only when alone: the members do most of the work). */
  const member = (i: number): Person => (people.length > 1 ? people[1 + (i % (people.length - 1))]! : people[0]!)
  const owner = people[0]!

  // the shared calendar: the first team with people of the demo in it, else the organization's
  const teams = await svc.teams(orgId)
  const team = teams.find((t) => t.memberIds.some((id) => people.some((p) => p.id === id)))
  const teamPerson = team ? (people.find((p) => team.memberIds.includes(p.id)) ?? owner) : owner
  const shared = team
    ? await svc.createCalendar(as(teamPerson), { name: `${team.name} calendar`, color: '#16a34a', ownerKind: 'team', ownerId: team.id })
    : await svc.createCalendar(as(owner, 0), { name: 'Team calendar', color: '#16a34a', ownerKind: 'org' })
  const everyone = (team ? people.filter((p) => team.memberIds.includes(p.id)) : people).slice(0, 8)
  /** Who makes an event in the shared calendar: `p` when they may (a team calendar: its members). */
  const inShared = (p: Person): Person => (!team || team.memberIds.includes(p.id) ? p : teamPerson)

  // a personal calendar each, in the person's name (as Google names a primary calendar), in a color
  // the shared calendar and the others' do not have (so Ada's and the team's greens are not the same)
  const personal = new Map<string, string>()
  const used = [shared.color]
  for (const p of people) {
    const cal = await svc.createCalendar(as(p), { name: p.name, color: unusedColor(used), ownerKind: 'user' })
    used.push(cal.color)
    personal.set(p.id, cal.id)
  }

  const today = toWall(now.getTime(), ZONE)
  const monday = weekStart(today - (today % DAY))
  const day = (n: number) => wallDate(monday + n * DAY)
  const form = (f: Partial<EventForm> & Pick<EventForm, 'calendarId' | 'title'>): EventForm => ({
    description: '',
    location: '',
    allDay: false,
    timeZone: ZONE,
    startDate: '',
    startTime: '',
    endDate: '',
    endTime: '',
    rrule: '',
    attendeeIds: [],
    reminders: '',
    ...f,
  })
  let events = 0
  let answers = 0
  const make = async (by: Person, f: EventForm): Promise<EventRow> => {
    events++
    return svc.createEvent(as(by), { ...f, attendeeIds: [...new Set(f.attendeeIds)] })
  }
  /** Each person answers once, if invited (the others leave it open). */
  const answer = async (e: EventRow, list: [Person, Rsvp][]) => {
    const creator = people.find((p) => p.id === e.createdBy) ?? owner
    const invited = new Set((await svc.event(as(creator), e.id)).attendees.map((a) => a.userId))
    const done = new Set<string>()
    for (const [p, status] of list) {
      if (!invited.has(p.id) || done.has(p.id)) continue
      done.add(p.id)
      await svc.rsvp(as(p), e.id, status)
      answers++
    }
  }
  const ids = (list: Person[]) => list.map((p) => p.id)

  // the stand-up, every weekday; next Wednesday's is later (all-hands first), next Friday's is off
  const lead = inShared(member(0))
  const standup = await make(
    lead,
    form({ calendarId: shared.id, title: 'Stand-up', location: 'Video call', description: 'Fifteen minutes: yesterday, today, blockers.', startDate: day(0), startTime: '09:30', endTime: '09:45', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', attendeeIds: ids(everyone), reminders: '5' }),
  )
  const occurrence = (n: number) => new Date(fromWall(monday + n * DAY + (9 * 60 + 30) * 60_000, ZONE)).toISOString()
  await svc.updateEvent(as(lead), standup.id, form({ calendarId: shared.id, title: 'Stand-up (after the all-hands)', location: 'Video call', description: 'Later today: the all-hands runs until 11:00.', startDate: day(9), startTime: '11:00', endDate: day(9), endTime: '11:15' }), 'this', occurrence(9))
  await svc.deleteEvent(as(lead), standup.id, 'this', occurrence(11))
  await answer(standup, [
    [member(1), 'accepted'],
    [member(2), 'accepted'],
    [member(3), 'tentative'],
    [owner, 'accepted'],
  ])

  const critique = await make(
    inShared(member(2)),
    form({ calendarId: shared.id, title: 'Design critique', location: 'Studio', description: 'Bring two sketches of the new onboarding.', startDate: day(2), startTime: '15:00', endTime: '16:00', attendeeIds: [member(0).id, member(1).id, member(2).id] }),
  )
  await answer(critique, [
    [member(0), 'accepted'],
    [member(1), 'declined'],
  ])

  const review = await make(
    inShared(member(1)),
    form({ calendarId: shared.id, title: 'Sprint review', location: 'Main room', description: 'Demo what shipped; agree on the next goals.', startDate: day(10), startTime: '14:00', endTime: '15:30', attendeeIds: ids(everyone), reminders: '15' }),
  )
  await answer(review, [
    [member(0), 'accepted'],
    [member(2), 'declined'],
    [member(3), 'tentative'],
  ])

  const offsite = await make(owner, form({ calendarId: shared.id, title: 'Team offsite', location: 'Lakeside lodge', allDay: true, timeZone: 'UTC', startDate: day(16), endDate: day(18), attendeeIds: ids(everyone) }))
  await answer(offsite, [
    [member(0), 'accepted'],
    [member(1), 'accepted'],
    [member(2), 'tentative'],
    [member(3), 'declined'],
  ])

  // personal: an early appointment, focus time twice a week, a week off, a 1:1 (its guest accepts)
  const cal = (p: Person) => personal.get(p.id)!
  await make(member(0), form({ calendarId: cal(member(0)), title: 'Dentist', location: 'Dr. Weber, Hauptstrasse 5', startDate: day(1), startTime: '08:00', endTime: '08:45', reminders: '60' }))
  await make(member(1), form({ calendarId: cal(member(1)), title: 'Focus time', description: 'No meetings, please.', startDate: day(1), startTime: '13:00', endTime: '15:00', rrule: 'FREQ=WEEKLY;BYDAY=TU,TH' }))
  await make(member(2), form({ calendarId: cal(member(2)), title: 'Week off', allDay: true, timeZone: 'UTC', startDate: day(21), endDate: day(25) }))
  if (member(3).id !== member(0).id) {
    const oneOnOne = await make(member(3), form({ calendarId: cal(member(3)), title: `1:1 ${member(3).name.split(' ')[0]} / ${member(0).name.split(' ')[0]}`, startDate: day(7), startTime: '10:00', endTime: '10:30', rrule: 'FREQ=WEEKLY;COUNT=6', attendeeIds: [member(0).id, member(3).id] }))
    await answer(oneOnOne, [[member(0), 'accepted']])
  }
  // one personal calendar shared: the stand-up's lead lets a teammate see their week
  if (member(1).id !== lead.id) await svc.share(as(lead), cal(lead), member(1).id, 'read')

  return `${people.length + 1} calendars (1 shared, ${people.length} personal), ${events} events (a weekday stand-up with one occurrence moved and one cancelled, a three-day offsite), ${answers} answers`
}
