/**
 * Hot pages stay one-byte strings: a single character beyond Latin-1 in constant markup makes Bun hold
 * (and transcode on every response) the whole page as UTF-16, so such characters are written as HTML
 * entities (the calendar's times and dashes, the reaction picker, the dashboard's arrows). User text
 * here is ASCII, so any character past U+00FF on these pages comes from our markup. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Client } from './helpers/client.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'
import calendar from '../plugins/calendar/index.ts'
import collaboration from '../plugins/collaboration/index.ts'
import dashboard from '../plugins/dashboard/index.ts'
import planning from '../plugins/planning/index.ts'

async function api(c: Client, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

/**
 * The characters of `html` beyond Latin-1, with a little context each. Activity lines are stored text:
 * calendar's facts quote titles with curly quotes ('created the event “Sync”'), and collaboration
 * writes what is beyond Latin-1 in activity lines and notification titles as entities.
 */
const beyondLatin1 = (html: string) => [...html.matchAll(/[^\x00-\xff]/gu)].map((m) => html.slice(Math.max(0, m.index! - 40), m.index! + 10))

eachDialect('hot pages are Latin-1', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let eventId = ''
  let bea: { user: { id: string; name: string }; client: Client }
  let taskId = ''

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning, calendar, dashboard])
    ada = await p.adminClient()
    await ada.get('/calendar')
    const cal = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Work' })).json.id
    const ev = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Sync', timeZone: 'Europe/Berlin', start: '2027-01-12T09:00', end: '2027-01-12T09:30', location: 'Room 1' })
    expect(ev.status).toBe(201)
    eventId = ev.json.id
    // activity of several kinds on the event (its page and the org feed show it), and an invitation for
    // Bea (its title quotes the event in curly quotes)
    bea = await p.member('member')
    await bea.client.get('/calendar')
    expect((await api(ada, 'PATCH', `/api/v1/calendar/events/${eventId}`, { location: 'Room 2', attendees: [bea.user.id, p.admin!.id] })).status).toBe(200)
    await ada.get(`/calendar/events/${eventId}`)
    expect((await ada.post(`/calendar/events/${eventId}/rsvp`, { rsvp: 'accepted' })).status).toBe(303)
    await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: cal, title: 'Trip', allDay: true, start: '2027-01-13', end: '2027-01-15' })
    expect((await api(ada, 'POST', '/api/v1/planning/projects', { key: 'WEB', name: 'Web' })).status).toBe(201)
    taskId = (await api(ada, 'POST', '/api/v1/planning/tasks', { project: 'WEB', title: 'Fix login' })).json.id
    await ada.get('/planning/tasks/WEB-1')
    const posted = await ada.post('/collaboration/comments', { entity_type: 'planning.task', entity_id: taskId, body: 'Looks good' })
    expect(posted.status).toBeLessThan(400)
  })
  afterAll(() => p.stop())

  test('calendar views, event page and form, calendars page, a task page with a comment, the dashboard in customize mode, activity, an invitation in the inbox, flash messages', async () => {
    const { html: task } = await ada.get('/planning/tasks/WEB-1')
    const comment = /id="comment-([\w-]+)"/.exec(task)?.[1]
    expect(comment).toBeTruthy()
    // a reaction, so a comment's reaction button is on the page too
    expect((await ada.post(`/collaboration/comments/${comment}/react`, { emoji: '\u{1F44D}' })).status).toBeLessThan(400)
    const pages = [
      '/calendar?view=week&date=2027-01-12&tz=Europe/Berlin',
      '/calendar?view=day&date=2027-01-12&tz=Europe/Berlin',
      '/calendar?view=agenda&date=2027-01-11&tz=Europe/Berlin',
      '/calendar?view=month&date=2027-01-12&tz=Europe/Berlin',
      `/calendar/events/${eventId}`,
      `/calendar/events/${eventId}?tz=UTC`,
      '/calendar/new',
      '/calendar/calendars',
      '/planning/tasks/WEB-1',
      '/dashboard?customize=1',
      '/dashboard',
      '/collaboration/activity',
    ]
    for (const path of pages) {
      const { res, html } = await ada.get(path)
      expect(res.status, path).toBe(200)
      expect(`${path}: ${beyondLatin1(html).join(" | ")}`).toBe(`${path}: `)
    }
    // the calendar's activity lines: on the event page and in the org feed, curly quotes as entities
    const { html: eventPage } = await ada.get(`/calendar/events/${eventId}`)
    const { html: feed } = await ada.get('/collaboration/activity')
    for (const text of ['created the event', 'changed the event']) {
      expect(eventPage).toContain(`${text} &#8220;Sync&#8221;`)
      expect(feed).toContain(`${text} &#8220;Sync&#8221;`)
    }
    // an answer reads like the inbox, its curly quotes written as entities
    expect(eventPage).toContain('accepted &#8220;Sync&#8221;')
    expect(feed).toContain('accepted &#8220;Sync&#8221;')
    // Bea's inbox: the invitation keeps its curly quotes, written as entities
    const { html: inbox } = await bea.client.get('/collaboration/inbox')
    expect(`inbox: ${beyondLatin1(inbox).join(' | ')}`).toBe('inbox: ')
    expect(inbox).toContain('invited you to &#8220;Sync&#8221;')
    // flash messages after the calendar's forms (shown once, on the page they lead to)
    await ada.get('/calendar/new')
    const made = await ada.post('/calendar/events', { title: 'Retro', calendarId: (await api(ada, 'GET', '/api/v1/calendar/calendars')).json.items?.[0]?.id ?? '', timeZone: 'Europe/Berlin', startDate: '2027-01-14', startTime: '10:00', endDate: '2027-01-14', endTime: '11:00' })
    expect(made.status).toBe(303)
    const { html: flashed } = await ada.get(made.headers.get('location')!)
    expect(flashed).toMatch(/Created (&quot;|&#34;)Retro(&quot;|&#34;)\./)
    expect(`flash: ${beyondLatin1(flashed).join(' | ')}`).toBe('flash: ')
    await ada.get('/calendar/calendars')
    const cal = await ada.post('/calendar/calendars', { name: 'Team days', color: '#2563eb', ownerKind: 'user' })
    expect(cal.status).toBe(303)
    const { html: calendars } = await ada.get(cal.headers.get('location')!)
    expect(calendars).toMatch(/Created the calendar (&quot;|&#34;)Team days(&quot;|&#34;)\./)
    expect(`calendars flash: ${beyondLatin1(calendars).join(' | ')}`).toBe('calendars flash: ')
    const { html } = await ada.get('/planning/tasks/WEB-1')
    expect(html).toContain('<summary aria-label="Add a reaction">+&#9786;</summary>')
    expect(html).toContain('value="&#128077;"')
    const { html: event } = await ada.get(`/calendar/events/${eventId}?tz=UTC`)
    expect(event).toContain('08:00&ndash;08:30 (UTC)')
    expect(event).toContain('09:00&ndash;09:30 Europe/Berlin')
  })
})
