/**
 * Someone with no calendar yet: the event form offers "Personal (new)" without creating anything
 * (no GET changes state); saving the first event makes exactly one personal calendar, even when
 * several first events arrive at once.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { NEW_PERSONAL } from './service.ts'

const EVENT = { title: 'First event', timeZone: 'UTC', startDate: '2026-12-01', startTime: '09:00', endDate: '2026-12-01', endTime: '10:00' }

eachDialect('calendar: the first personal calendar', (dialect) => {
  let p: TestPlatform

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
  }, 30_000)
  afterAll(() => p.stop())

  const calendarsOf = async (c: Client) => ((await (await c.request('/api/v1/calendar/calendars')).json()) as { items: { name: string }[] }).items

  test('the form offers a new personal calendar and creates nothing', async () => {
    const { client } = await p.member('member')
    await client.get('/calendar')
    const { res, html } = await client.get('/calendar/new')
    expect(res.status).toBe(200)
    expect(html).toContain(`value="${NEW_PERSONAL}"`)
    expect(html).toContain('Personal (new, yours)')
    await client.get('/calendar/new')
    expect(await calendarsOf(client)).toEqual([])
  })

  test('a bad first event creates no calendar; a good one creates one, however many arrive at once', async () => {
    const { client } = await p.member('member')
    await client.get('/calendar')
    expect((await client.post('/calendar/events', { ...EVENT, calendarId: NEW_PERSONAL, title: '' })).status).toBe(422)
    expect(await calendarsOf(client)).toEqual([])
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => client.post('/calendar/events', { ...EVENT, calendarId: NEW_PERSONAL, title: `First ${i}` })))
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303, 303, 303])
    const calendars = await calendarsOf(client)
    expect(calendars.map((c) => c.name)).toEqual(['Personal'])
    // with a calendar, the form offers it and no longer the new one
    const { html } = await client.get('/calendar/new')
    expect(html).not.toContain(`value="${NEW_PERSONAL}"`)
  })

  test('JSON API: an event without calendarId goes to the personal calendar, made on first use (one, however many arrive at once)', async () => {
    const { client } = await p.member('member')
    await client.get('/calendar')
    const post = (body: Record<string, unknown>) =>
      client.request('/api/v1/calendar/events', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': client.csrf }, body: JSON.stringify(body) })
    const event = { title: 'From a script', timeZone: 'UTC', start: '2026-12-02T09:00', end: '2026-12-02T10:00' }
    // a bad one still makes nothing
    const bad = await post({ ...event, title: '' })
    expect(bad.status).toBe(422)
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('title')
    expect(await calendarsOf(client)).toEqual([])
    const answers = await Promise.all([post(event), post({ ...event, calendarId: null }), post({ ...event, calendarId: '' })])
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201])
    const made = (await Promise.all(answers.map((r) => r.json()))) as { calendarId: string }[]
    const calendars = (await (await client.request('/api/v1/calendar/calendars')).json()) as { items: { id: string; name: string; ownerKind: string }[] }
    expect(calendars.items.map((c) => [c.name, c.ownerKind])).toEqual([['Personal', 'user']])
    expect(new Set(made.map((m) => m.calendarId))).toEqual(new Set([calendars.items[0]!.id]))
    // an id that names no calendar is still a 404, not a silent fallback
    expect((await post({ ...event, calendarId: 'no-such-calendar' })).status).toBe(404)
  })

  test('a guest (who may not write) is not offered a new calendar', async () => {
    const { client } = await p.member('guest')
    await client.get('/calendar')
    const { html } = await client.get('/calendar/new')
    expect(html).not.toContain(NEW_PERSONAL)
  })
})
