/**
 * A designer's review, on both dialects: an occurrence's edit form marks the fields "This event" does
 * not change; a series ended by "This and following" says how it repeats in words; the event page's
 * delete form is last, as a danger zone; the agenda lists an offsite on each of its days; new
 * calendars and the demo's personal calendars take a color none of the viewer's calendars has.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { COLORS } from './service.ts'
import { api } from '../../test/helpers/calendar-api.ts'

/** The form's field names inside and outside the series-only blocks (`div.cal-series-only`). */
async function fieldsBySeries(html: string): Promise<{ inside: Set<string>; outside: Set<string> }> {
  let depth = 0
  const inside = new Set<string>()
  const outside = new Set<string>()
  await new HTMLRewriter()
    .on('div.cal-series-only', {
      element(el) {
        depth++
        el.onEndTag(() => {
          depth--
        })
      },
    })
    .on('form.cal-form [name]', {
      element(el) {
        const name = el.getAttribute('name')!
        if (!name.startsWith('orig.') && !['_csrf', 'version', 'occurrence'].includes(name)) (depth ? inside : outside).add(name)
      },
    })
    .transform(new Response(html))
    .text()
  return { inside, outside }
}

eachDialect('calendar review fixes', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Work', color: COLORS[0] })).json.id
  })
  afterAll(() => p.stop())

  describe('a series split by "This and following"', () => {
    let id: string
    beforeAll(async () => {
      const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Stand-up', timeZone: 'UTC', start: '2026-11-02T08:30', end: '2026-11-02T08:45', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' })
      expect(made.status).toBe(201)
      id = made.json.id
      const split = await api(ada, 'PATCH', `/api/v1/calendar/events/${id}`, { scope: 'following', occurrence: '2026-12-07T08:30:00.000Z', title: 'Stand-up (new time)', start: '2026-12-07T09:00', end: '2026-12-07T09:15' })
      expect(split.status).toBe(200)
    })

    test('the old series says how it repeats in words, not its rule', async () => {
      const { html } = await ada.get(`/calendar/events/${id}?occurrence=2026-11-03T08:30:00.000Z`)
      expect(html).toContain('Every weekday (Mon to Fri), until 6 Dec 2026')
      expect(html).not.toContain('UNTIL=')
    })

    test('its edit form selects the preset with its end, so saving keeps the end', async () => {
      const { html } = await ada.get(`/calendar/events/${id}/edit?occurrence=2026-11-03T08:30:00.000Z`)
      const select = /<select[^>]*name="repeat"[\s\S]*?<\/select>/.exec(html)![0]
      expect(select).toMatch(/<option value="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261207T082959Z" selected[^>]*>Every weekday \(Mon to Fri\), until 6 Dec 2026<\/option>/)
      expect(select).toContain('<option value="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR">Every weekday (Mon to Fri)</option>')
      expect(select).not.toMatch(/value="custom" selected/)
    })

    test('"This event" is preselected and the note says which fields apply to the whole series', async () => {
      const { html } = await ada.get(`/calendar/events/${id}/edit?occurrence=2026-11-03T08:30:00.000Z`)
      expect(html).toMatch(/name="scope" value="this" checked/)
      expect(html).toContain('apply to the whole series: choose &ldquo;All events&rdquo; or &ldquo;This and following events&rdquo; to change them')
      // each of those fields sits in a block calendar.js disables while "This event" is chosen
      const { inside, outside } = await fieldsBySeries(html)
      expect([...inside].sort()).toEqual(['allDay', 'attendeeIds', 'calendarId', 'reminders', 'repeat', 'repeatCount', 'repeatDays', 'repeatEnds', 'repeatEvery', 'repeatMonthly', 'repeatUnit', 'repeatUntil', 'rrule', 'timeZone'])
      for (const field of ['title', 'startDate', 'startTime', 'endDate', 'endTime', 'location', 'description', 'scope']) expect(outside.has(field)).toBe(true)
    })

    test('the page ends with a danger zone after the comments, not a "Delete" section after the answers', async () => {
      const { html } = await ada.get(`/calendar/events/${id}?occurrence=2026-11-03T08:30:00.000Z`)
      expect(html).not.toContain('<h2>Delete</h2>')
      const zone = html.indexOf('<h2>Danger zone</h2>')
      expect(zone).toBeGreaterThan(html.indexOf('<h2>Attendees</h2>'))
      expect(html.indexOf('action="/calendar/events/' + id + '/delete"')).toBeGreaterThan(zone)
      expect(html).toContain('Delete event')
    })
  })

  test('the agenda lists a three-day offsite on each of its days, "Day 2 of 3"', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Offsite', timeZone: 'UTC', allDay: true, start: '2027-03-03', end: '2027-03-06' })
    expect(made.status).toBe(201)
    const { html } = await ada.get('/calendar?view=agenda&date=2027-03-01&tz=UTC')
    const days = [...html.matchAll(/<h3><a [^>]*>([^<]+)<\/a><\/h3><ul>([\s\S]*?)<\/ul>/g)].filter((m) => m[2]!.includes('>Offsite<'))
    expect(days.map((m) => m[1])).toEqual(['Wednesday 3 March 2027', 'Thursday 4 March 2027', 'Friday 5 March 2027'])
    expect(days[0]![2]).toContain('3 Mar &ndash; 5 Mar <span class="cal-day-of">(day 1 of 3)</span>')
    expect(days[1]![2]).toContain('Day 2 of 3')
    expect(days[2]![2]).toContain('Day 3 of 3')
    // from its second day on, the range starts with its dates, counted from its first day
    const later = (await ada.get('/calendar?view=agenda&date=2027-03-04&tz=UTC')).html
    expect(later).toContain('3 Mar &ndash; 5 Mar <span class="cal-day-of">(day 2 of 3)</span>')
  })

  test("the new-calendar form offers a color none of the viewer's calendars has", async () => {
    const offered = async () => /<select[^>]*name="color"[\s\S]*?<\/select>/.exec((await ada.get('/calendar/calendars')).html)![0].match(/<option value="(#[0-9a-f]{6})" selected/)?.[1]
    const used = async () => ((await api(ada, 'GET', '/api/v1/calendar/calendars')).json.items as { color: string }[]).map((c) => c.color)
    expect(await used()).toContain(COLORS[0]!)
    const first = await offered()
    expect(first).toBe(COLORS[1]!)
    // once a calendar has that color too, the next one is offered
    expect((await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Home', color: first })).status).toBe(201)
    const second = await offered()
    expect(await used()).not.toContain(second)
    expect(second).toBe(COLORS.find((c) => c !== COLORS[0] && c !== first)!)
  })

  test("the demo's personal calendar is not the shared calendar's color", async () => {
    const seed = p.host.contributions('demo.seed').find((s) => s.order === 20)!
    const orgId = p.org!.id
    await seed.run({ orgId, people: [{ id: p.admin!.id, name: 'Ada Admin', email: 'admin@example.com' }], now: new Date('2026-11-25T12:00:00Z') })
    const rows = await p.store.query<{ name: string; color: string; owner_kind: string }>(`select name, color, owner_kind from calendar_calendars where org_id = '${orgId}' and name in ('Team calendar', 'Ada Admin')`)
    expect(rows.length).toBe(2)
    expect(rows[0]!.color).not.toBe(rows[1]!.color)
  })
})
