/**
 * The demo seed: a shared calendar (the team's when there is one) and one personal calendar per
 * person; events made by different people with mixed answers, a weekday stand-up with a moved and a
 * cancelled occurrence, a three-day all-day offsite; it works for an organization of one too.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Person } from '../../core/plugins/points.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import calendar from './index.ts'

const NOW = new Date('2026-11-25T12:00:00Z') // a Wednesday; the week starts on Monday 23

eachDialect('calendar demo seed', (dialect) => {
  let p: TestPlatform
  let people: Person[]

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    people = [{ id: p.admin!.id, name: 'Ada Admin', email: 'admin@example.com' }]
    const { accounts, orgs } = p.deps.identity
    const member = (await orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!
    for (const [name, email] of [
      ['Ana Lima', 'ana@demo.local'],
      ['Ben Okafor', 'ben@demo.local'],
      ['Chloé Martin', 'chloe@demo.local'],
      ['Dev Patel', 'dev@demo.local'],
    ] as const) {
      const user = await accounts.createUser({ name, email, password: 'member password 1' })
      await orgs.addMember(p.org!.id, user.id, member.id)
      people.push({ id: user.id, name, email })
    }
  }, 30_000)
  afterAll(() => p.stop())

  const seed = () => p.host.contributions('demo.seed').find((s) => s.order === 20)!
  const q = <T>(sql: string) => p.store.query<T>(sql)
  const nameOf = (id: string) => people.find((x) => x.id === id)?.name ?? id

  test('a shared calendar and one personal calendar each; events by different people with mixed answers, exceptions and a multi-day all-day event', async () => {
    const summary = await seed().run({ orgId: p.org!.id, people, now: NOW })
    expect(summary).toBe('6 calendars (1 shared, 5 personal), 8 events (a weekday stand-up with one occurrence moved and one cancelled, a three-day offsite), 14 answers')
    const cals = await q<{ id: string; name: string; owner_kind: string; owner_id: string }>(`select id, name, owner_kind, owner_id from calendar_calendars where org_id = '${p.org!.id}' order by name`)
    expect(cals.filter((c) => c.owner_kind === 'org').map((c) => c.name)).toEqual(['Team calendar'])
    const personal = cals.filter((c) => c.owner_kind === 'user')
    expect(personal.map((c) => [c.name, nameOf(c.owner_id)])).toEqual(people.map((x) => [x.name, x.name]).sort())

    const events = await q<{ id: string; title: string; created_by: string; calendar_id: string; rrule: string | null; exdates: string | string[]; all_day: boolean | number; start_at: unknown; end_at: unknown }>(
      `select id, title, created_by, calendar_id, rrule, exdates, all_day, start_at, end_at from calendar_events where org_id = '${p.org!.id}'`,
    )
    const by = (title: string) => events.find((e) => e.title === title)!
    // made by four different people: the members do the work, the owner plans the offsite
    expect(new Set(events.map((e) => nameOf(e.created_by)))).toEqual(new Set(['Ana Lima', 'Ben Okafor', 'Chloé Martin', 'Dev Patel', 'Ada Admin']))
    expect(nameOf(by('Stand-up').created_by)).toBe('Ana Lima')
    expect(nameOf(by('Sprint review').created_by)).toBe('Ben Okafor')
    expect(nameOf(by('Team offsite').created_by)).toBe('Ada Admin')
    // personal events sit in their maker's calendar
    for (const title of ['Dentist', 'Focus time', 'Week off', '1:1 Dev / Ana']) {
      const e = by(title)
      expect(personal.find((c) => c.id === e.calendar_id)?.owner_id, title).toBe(e.created_by)
    }

    // answers: accepted, tentative and declined, each by its attendee
    const answers = await q<{ title: string; user_id: string; rsvp: string }>(`select e.title, a.user_id, a.rsvp from calendar_attendees a join calendar_events e on e.id = a.event_id where a.org_id = '${p.org!.id}'`)
    const of = (title: string) => Object.fromEntries(answers.filter((a) => a.title === title && a.rsvp !== 'needs-action').map((a) => [nameOf(a.user_id), a.rsvp]))
    expect(of('Sprint review')).toEqual({ 'Ana Lima': 'accepted', 'Chloé Martin': 'declined', 'Dev Patel': 'tentative' })
    expect(of('Team offsite')).toEqual({ 'Ana Lima': 'accepted', 'Ben Okafor': 'accepted', 'Chloé Martin': 'tentative', 'Dev Patel': 'declined' })
    expect(of('Design critique')).toEqual({ 'Ana Lima': 'accepted', 'Ben Okafor': 'declined' })
    expect(new Set(answers.map((a) => a.rsvp))).toEqual(new Set(['needs-action', 'accepted', 'declined', 'tentative']))

    // the stand-up: next Wednesday's moved to 11:00 (an override), next Friday's cancelled (an EXDATE)
    const standup = by('Stand-up')
    expect(standup.rrule).toBe('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')
    const exdates = typeof standup.exdates === 'string' ? JSON.parse(standup.exdates) : standup.exdates
    expect(exdates).toEqual(['2026-12-04T08:30:00.000Z'])
    const overrides = await q<{ title: string; start_at: unknown }>(`select title, start_at from calendar_overrides where event_id = '${standup.id}'`)
    expect(overrides.map((o) => [o.title, new Date(o.start_at as string | number).toISOString()])).toEqual([['Stand-up (after the all-hands)', '2026-12-02T10:00:00.000Z']])

    // the offsite: all day, Wednesday to Friday of the week after next
    const offsite = by('Team offsite')
    expect(Boolean(offsite.all_day)).toBe(true)
    expect([new Date(offsite.start_at as string | number).toISOString(), new Date(offsite.end_at as string | number).toISOString()]).toEqual(['2026-12-09T00:00:00.000Z', '2026-12-12T00:00:00.000Z'])

    // Ana lets Ben see her week
    const shares = await q<{ calendar_id: string; user_id: string; access: string }>(`select calendar_id, user_id, access from calendar_shares where org_id = '${p.org!.id}'`)
    expect(shares.map((s) => [cals.find((c) => c.id === s.calendar_id)?.name, nameOf(s.user_id), s.access])).toEqual([['Ana Lima', 'Ben Okafor', 'read']])
  })

  test('an organization with a team: the shared calendar is the team\'s, its members are invited', async () => {
    const { orgs } = p.deps.identity
    const org = await orgs.createOrg({ name: 'Studio' }, p.admin!.id)
    const member = (await orgs.listRoles(org.id)).find((r) => r.builtin === 'member')!
    for (const x of people.slice(1)) await orgs.addMember(org.id, x.id, member.id)
    const team = await orgs.createTeam(org.id, 'Design')
    for (const x of people.slice(1, 3)) await orgs.addTeamMember(org.id, team.id, x.id)
    await seed().run({ orgId: org.id, people, now: NOW })
    const shared = await q<{ id: string; name: string; owner_kind: string }>(`select id, name, owner_kind from calendar_calendars where org_id = '${org.id}' and owner_kind <> 'user'`)
    expect(shared.map((c) => [c.name, c.owner_kind])).toEqual([['Design calendar', 'team']])
    const invited = await q<{ user_id: string }>(`select a.user_id from calendar_attendees a join calendar_events e on e.id = a.event_id where e.title = 'Stand-up' and e.org_id = '${org.id}'`)
    expect(invited.map((a) => nameOf(a.user_id)).sort()).toEqual(['Ana Lima', 'Ben Okafor'])
  })

  test('an organization of one: a shared and a personal calendar, and events', async () => {
    const org = await p.deps.identity.orgs.createOrg({ name: 'Solo' }, p.admin!.id)
    const summary = await seed().run({ orgId: org.id, people: people.slice(0, 1), now: NOW })
    expect(summary).toStartWith('2 calendars (1 shared, 1 personal)')
    const n = await q<{ n: number | string }>(`select count(*) as n from calendar_events where org_id = '${org.id}'`)
    expect(Number(n[0]!.n)).toBeGreaterThanOrEqual(6)
  })
})
