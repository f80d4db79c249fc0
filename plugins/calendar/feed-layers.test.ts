/**
 * The subscription feed carries the calendar.source layers chosen for its address (ticked at first as
 * the calendar page shows them) as all-day, free VEVENTs with stable UIDs, read on every request as
 * the owner may see them now. Two stub layers stand in for other plugins' (planning's are in
 * test/calendar-feed-planning.test.ts).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { CalendarItem } from '../../core/plugins/points.ts'
import type { Client } from '../../test/helpers/client.ts'
import { api } from '../../test/helpers/calendar-api.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import calendar from './index.ts'

const DAY = 86_400_000
/** A UTC midnight `days` from today. */
const day = (days: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY)
const icsDate = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '')

/** What the stub layers hold; tests change it between requests. */
const state: { due: CalendarItem[]; failing: boolean; seenBy: string[] } = { due: [], failing: false, seenBy: [] }

/** Two layers: "Due dates" for everyone (failing on demand), "Payroll" for those who may manage calendars. */
const layersPlugin = definePlugin({
  id: 'feed-layers-stub',
  name: 'Layers stub',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ctx.contribute('calendar.source', {
      id: 'due',
      label: 'Due dates',
      color: '#8b5cf6',
      async items(range, auth) {
        if (state.failing) throw new Error('source down')
        state.seenBy.push(auth.user.id)
        return state.due.filter((it) => it.start >= range.from && it.start < range.to)
      },
    })
    ctx.contribute('calendar.source', {
      id: 'payroll',
      label: 'Payroll',
      color: '#0ea5e9',
      permission: 'calendar.calendar.manage',
      async items() {
        return [{ id: 'run-1', title: 'Payroll run', start: day(3), allDay: true }]
      },
    })
  },
})

eachDialect('calendar feed layers', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let anon: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, layersPlugin])
    ada = await p.adminClient()
    anon = p.client()
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Work' })).json.id
    expect((await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Standup', timeZone: 'UTC', start: '2027-01-04T09:00', end: '2027-01-04T09:15' })).status).toBe(201)
  })
  afterAll(() => p.stop())

  /** Makes an address from the calendars page, ticking `layers`; returns its token. */
  async function makeAddress(c: Client, layers: string[]): Promise<string> {
    await c.get('/calendar/calendars')
    const res = await c.post('/calendar/feed-token', { layers })
    expect(res.status).toBe(200)
    return /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(await res.text())![1]!
  }
  const feed = async (token: string) => {
    const res = await anon.request(`/calendar/feed/${token}.ics`)
    expect(res.status).toBe(200)
    return (await res.text()).replace(/\r\n[ \t]/g, '')
  }
  /** The VEVENT whose UID is `uid`, or undefined. */
  const vevent = (ics: string, uid: string) => ics.split('BEGIN:VEVENT').find((v) => v.includes(`UID:${uid}\r\n`))

  test('the calendars page offers the layers the viewer may see, ticked as the calendar page shows them', async () => {
    const bea = await p.member('member')
    const page = await bea.client.get('/calendar/calendars')
    expect(page.html).toContain('Also in the feed, as all-day events')
    expect(page.html).toMatch(/<input type="checkbox" name="layers" value="src:feed-layers-stub:due" checked\/?>/)
    // Payroll needs calendar.calendar.manage: not offered to a member
    expect(page.html).not.toContain('src:feed-layers-stub:payroll')
    // hidden on the calendar page: offered unticked
    await bea.client.get('/calendar')
    expect((await bea.client.post('/calendar/layers', { all: ['src:feed-layers-stub:due'], back: '/calendar' })).status).toBe(303)
    expect((await bea.client.get('/calendar/calendars')).html).toMatch(/<input type="checkbox" name="layers" value="src:feed-layers-stub:due"\/?>/)
  })

  test('a chosen layer: all-day, free VEVENTs with a stable UID, read again on every request', async () => {
    state.due = [{ id: 'task:1', title: 'WEB-1 due · Ship it', start: day(2), allDay: true, href: '/planning/tasks/WEB-1' }]
    const token = await makeAddress(ada, ['src:feed-layers-stub:due'])
    const first = await feed(token)
    expect(first).toContain('SUMMARY:Standup')
    const item = vevent(first, 'src:feed-layers-stub:due:task:1@coder-ide')!
    expect(item).toContain('SUMMARY:WEB-1 due · Ship it')
    expect(item).toContain(`DTSTART;VALUE=DATE:${icsDate(day(2))}`)
    expect(item).toContain(`DTEND;VALUE=DATE:${icsDate(day(3))}`)
    expect(item).toContain('TRANSP:TRANSPARENT')
    expect(item).toContain('CATEGORIES:Due dates')
    expect(item).toMatch(/URL(;VALUE=URI)?:http:\/\/127\.0\.0\.1:\d+\/planning\/tasks\/WEB-1/)
    // read as the feed's owner
    expect(state.seenBy.at(-1)).toBe(p.admin!.id)

    // the item moves and a cycle of several days appears: the same UID carries the new date
    state.due = [
      { id: 'task:1', title: 'WEB-1 due · Ship it', start: day(5), allDay: true },
      { id: 'cycle:9', title: 'WEB · Sprint 9', start: day(7), end: day(21), allDay: true },
    ]
    const again = await feed(token)
    expect(vevent(again, 'src:feed-layers-stub:due:task:1@coder-ide')).toContain(`DTSTART;VALUE=DATE:${icsDate(day(5))}`)
    const cycle = vevent(again, 'src:feed-layers-stub:due:cycle:9@coder-ide')!
    expect(cycle).toContain(`DTSTART;VALUE=DATE:${icsDate(day(7))}`)
    expect(cycle).toContain(`DTEND;VALUE=DATE:${icsDate(day(21))}`)
    // outside the window (a year back, two years ahead): left out
    state.due = [{ id: 'task:old', title: 'Long ago', start: day(-400), allDay: true }]
    expect(await feed(token)).not.toContain('Long ago')
  })

  test('an address made without layers carries the calendars only; "Save layers" changes them and keeps the address', async () => {
    state.due = [{ id: 'task:2', title: 'OPS-2 due', start: day(1), allDay: true }]
    const token = await makeAddress(ada, [])
    expect(await feed(token)).not.toContain('OPS-2 due')
    let page = await ada.get('/calendar/calendars')
    expect(page.html).toContain('Save layers')
    expect(page.html).toMatch(/value="src:feed-layers-stub:due"\/?>/)
    const saved = await ada.post('/calendar/feed-token/layers', { layers: ['src:feed-layers-stub:due', 'src:feed-layers-stub:payroll'] })
    expect(saved.status).toBe(303)
    const withBoth = await feed(token)
    expect(withBoth).toContain('SUMMARY:OPS-2 due')
    expect(withBoth).toContain('SUMMARY:Payroll run')
    page = await ada.get('/calendar/calendars')
    expect(page.html).toMatch(/value="src:feed-layers-stub:due" checked\/?>/)
    expect((await ada.post('/calendar/feed-token/layers', {})).status).toBe(303)
    expect(await feed(token)).not.toContain('OPS-2 due')
  })

  test("layers the owner may not see are dropped when chosen and left out once they lose the right; a failing layer leaves the rest", async () => {
    const cid = await p.member('admin')
    const token = await makeAddress(cid.client, ['src:feed-layers-stub:payroll', 'src:feed-layers-stub:due', 'src:nope:made-up'])
    expect(await feed(token)).toContain('SUMMARY:Payroll run')
    const member = (await p.deps.identity.orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!.id
    await p.deps.identity.orgs.setMemberRole(p.org!.id, cid.user.id, member)
    expect(await feed(token)).not.toContain('Payroll run')

    const dan = await p.member('member')
    const danToken = await makeAddress(dan.client, ['src:feed-layers-stub:payroll', 'src:feed-layers-stub:due'])
    state.due = [{ id: 'task:3', title: 'Dan sees this', start: day(1), allDay: true }]
    const danFeed = await feed(danToken)
    expect(danFeed).toContain('Dan sees this')
    expect(danFeed).not.toContain('Payroll run')

    state.failing = true
    try {
      const down = await feed(danToken)
      expect(down).not.toContain('Dan sees this')
      expect(down).toContain('BEGIN:VCALENDAR')
    } finally {
      state.failing = false
    }
  })

  test('"Save layers" without an address is refused (422); the form needs its CSRF token', async () => {
    const eve = await p.member('member')
    await eve.client.get('/calendar/calendars')
    const res = await eve.client.post('/calendar/feed-token/layers', { layers: ['src:feed-layers-stub:due'] })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('make one first')
    expect((await eve.client.post('/calendar/feed-token', { _csrf: 'wrong', layers: ['src:feed-layers-stub:due'] })).status).toBe(403)
  })
})
