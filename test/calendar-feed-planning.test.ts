/**
 * The calendar's subscription feed with planning on: the layers chosen for the address (due dates,
 * milestones, cycles) come as all-day VEVENTs through calendar.source, for the feed owner's
 * organization only, and go when planning is disabled.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import { api } from './helpers/calendar-api.ts'
import planning from '../plugins/planning/index.ts'
import calendar from '../plugins/calendar/index.ts'

const DAY = 86_400_000
/** `YYYY-MM-DD` `days` from today (UTC). */
const date = (days: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY).toISOString().slice(0, 10)
const ics = (d: string) => d.replace(/-/g, '')
const ALL = ['src:planning:due', 'src:planning:milestones', 'src:planning:cycles']

eachDialect('calendar feed with planning layers', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let anon: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, [planning, calendar])
    ada = await p.adminClient()
    anon = p.client()
    expect((await api(ada, 'POST', '/api/v1/planning/projects', { key: 'WEB', name: 'Web' })).status).toBe(201)
    expect((await api(ada, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Ship the beta', due: date(10) })).status).toBe(201)
    await ada.get('/planning/projects/WEB')
    expect((await ada.post('/planning/projects/WEB/milestones', { name: 'Launch', targetDate: date(30), description: '' })).status).toBe(303)
    expect((await ada.post('/planning/projects/WEB/cycles', { name: 'Sprint 1', startsAt: date(1), endsAt: date(14) })).status).toBe(303)
  })
  afterAll(() => p.stop())

  async function makeAddress(c: Client, layers: string[]): Promise<string> {
    const page = await c.get('/calendar/calendars')
    for (const key of ALL) expect(page.html).toContain(`value="${key}"`)
    const res = await c.post('/calendar/feed-token', { layers })
    expect(res.status).toBe(200)
    return /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(await res.text())![1]!
  }
  const feed = async (token: string) => {
    const res = await anon.request(`/calendar/feed/${token}.ics`)
    expect(res.status).toBe(200)
    return (await res.text()).replace(/\r\n[ \t]/g, '')
  }
  const vevent = (text: string, summary: string) => text.split('BEGIN:VEVENT').find((v) => v.includes(`SUMMARY:${summary}\r\n`))

  test("the chosen planning layers are all-day VEVENTs: a task's due date, a milestone, a cycle over its days", async () => {
    const token = await makeAddress(ada, ALL)
    const text = await feed(token)
    const due = vevent(text, 'WEB-1 due · Ship the beta')!
    expect(due).toContain(`DTSTART;VALUE=DATE:${ics(date(10))}`)
    expect(due).toContain(`DTEND;VALUE=DATE:${ics(date(11))}`)
    expect(due).toMatch(/UID:src:planning:due:task:[0-9a-f-]+@coder-ide/)
    expect(due).toContain('/planning/tasks/WEB-1')
    expect(vevent(text, 'WEB milestone · Launch')).toContain(`DTSTART;VALUE=DATE:${ics(date(30))}`)
    const cycle = vevent(text, 'WEB · Sprint 1')!
    expect(cycle).toContain(`DTSTART;VALUE=DATE:${ics(date(1))}`)
    // the cycle covers its end day
    expect(cycle).toContain(`DTEND;VALUE=DATE:${ics(date(15))}`)
    // the same UIDs on the next request
    const uids = (t: string) => [...t.matchAll(/^UID:(src:planning:.*)$/gm)].map((m) => m[1]).sort()
    expect(uids(await feed(token))).toEqual(uids(text))
    expect(uids(text).length).toBe(3)
  })

  test('only the chosen layers; someone of another organization gets none of these items', async () => {
    const token = await makeAddress(ada, ['src:planning:milestones'])
    const text = await feed(token)
    expect(text).toContain('SUMMARY:WEB milestone · Launch')
    expect(text).not.toContain('Ship the beta')
    expect(text).not.toContain('Sprint 1')

    const { accounts, orgs } = p.deps.identity
    const o = await accounts.createUser({ email: 'outsider@example.com', name: 'Outsider', password: 'member password 1' })
    await orgs.createOrg({ name: 'Other' }, o.id)
    const outsider = p.client()
    await outsider.signIn('outsider@example.com', 'member password 1')
    const theirs = await feed(await makeAddress(outsider, ALL))
    expect(theirs).not.toContain('Ship the beta')
    expect(theirs).not.toContain('Launch')
    expect(theirs).not.toContain('Sprint 1')
  })

  test('with planning disabled the feed still answers, without its layers; enabled again they are back', async () => {
    const token = await makeAddress(ada, ALL)
    await p.host.disable('planning')
    try {
      const text = await feed(token)
      expect(text).toContain('BEGIN:VCALENDAR')
      expect(text).not.toContain('src:planning:')
    } finally {
      await p.host.enable('planning')
    }
    expect(await feed(token)).toContain('SUMMARY:WEB-1 due · Ship the beta')
  })
})
