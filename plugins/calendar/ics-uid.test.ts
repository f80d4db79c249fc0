/**
 * An imported event's UID cannot write lines into someone else's feed: ical.js turns an escaped `\n`
 * in a UID into a real newline and ical-generator writes the UID as it is, so the import keeps only a
 * printable UID of at most 255 characters (else makes a new one) and the feed strips control
 * characters from what it writes unescaped.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import ICAL from 'ical.js'
import type { Client } from '../../test/helpers/client.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { buildFeed, icsRaw, importedUid } from './ics.ts'
import calendar from './index.ts'
import type { EventRow } from './service.ts'
import { api } from '../../test/helpers/calendar-api.ts'

async function upload(c: Client, calendarId: string, ics: string): Promise<{ status: number; html: string }> {
  await c.get('/calendar/calendars')
  const form = new FormData()
  form.set('_csrf', c.csrf)
  form.set('calendarId', calendarId)
  form.set('timeZone', 'UTC')
  form.set('file', new File([ics], 'cal.ics', { type: 'text/calendar' }))
  const res = await c.request('/calendar/import', { method: 'POST', body: form })
  return { status: res.status, html: await res.text() }
}

const vcal = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events.flatMap((e) => ['BEGIN:VEVENT', 'DTSTAMP:20270101T000000Z', ...e, 'END:VEVENT']), 'END:VCALENDAR', ''].join('\r\n')

/** The escaped `\n` sequences of the file become real newlines once ical.js reads the UID. */
const EVIL_UID = String.raw`evil@x\nURL:https://evil.example/phish\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT5M\nDESCRIPTION:Your password expired\nEND:VALARM\nX-INJECTED:1`

/** The property names of each VEVENT of a feed, and its sub-components, as ical.js reads them. */
function vevents(text: string) {
  const root = new ICAL.Component(ICAL.parse(text) as never)
  return root.getAllSubcomponents('vevent').map((ve) => ({
    summary: String(ve.getFirstPropertyValue('summary')),
    uid: String(ve.getFirstPropertyValue('uid')),
    props: ve.getAllProperties().map((p) => p.name).sort(),
    components: ve.getAllSubcomponents().map((c) => c.name),
  }))
}

const EXPECTED_PROPS = ['categories', 'created', 'dtend', 'dtstamp', 'dtstart', 'last-modified', 'sequence', 'summary', 'uid', 'url']

eachDialect('calendar .ics import: UIDs cannot inject feed lines', (dialect) => {
  let p: TestPlatform
  let bea: { user: { id: string }; client: Client }
  let cid: { user: { id: string }; client: Client }
  let calId: string
  let feedText: () => Promise<string>

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    bea = await p.member('member')
    cid = await p.member('member')
    const cal = await api(bea.client, 'POST', '/api/v1/calendar/calendars', { name: 'Bea shared' })
    expect(cal.status).toBe(201)
    calId = cal.json.id
    expect((await api(bea.client, 'POST', `/api/v1/calendar/calendars/${calId}/shares`, { userId: cid.user.id, access: 'read' })).status).toBeLessThan(300)
    await cid.client.get('/calendar/calendars')
    const res = await cid.client.post('/calendar/feed-token')
    const token = /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics/.exec(await res.text())![1]!
    const anon = p.client()
    feedText = async () => (await anon.request(`/calendar/feed/${token}.ics`)).text()
  }, 30_000)
  afterAll(() => p.stop())

  test("a UID with an escaped newline gets a new UID; a colleague's feed holds only the event's own lines", async () => {
    const ics = vcal(
      [`UID:${EVIL_UID}`, 'DTSTART:20301001T090000Z', 'DTEND:20301001T100000Z', 'SUMMARY:Evil sync'],
      ['UID:normal-42@example.com', 'DTSTART:20301002T090000Z', 'DTEND:20301002T100000Z', 'SUMMARY:Normal sync'],
    )
    const first = await upload(bea.client, calId, ics)
    expect(first.status).toBe(200)
    expect(first.html).toContain('2 imported, 0 skipped')

    const text = await feedText()
    expect(text).not.toContain('evil.example')
    expect(text).not.toContain('X-INJECTED')
    expect(text).not.toContain('BEGIN:VALARM')
    const events = vevents(text)
    expect(events.map((e) => e.summary).sort()).toEqual(['Evil sync', 'Normal sync'])
    for (const e of events) {
      expect(e.props).toEqual(EXPECTED_PROPS)
      expect(e.components).toEqual([])
    }
    const evil = events.find((e) => e.summary === 'Evil sync')!
    expect(evil.uid).toMatch(/@import$/)
    expect(evil.uid).not.toContain('\n')
    // a valid UID round-trips, and importing the file again skips that event
    expect(events.find((e) => e.summary === 'Normal sync')!.uid).toBe('normal-42@example.com')
    const again = await upload(bea.client, calId, ics)
    expect(again.html).toContain('Already in this calendar.')
  })
})

describe('UID checks', () => {
  test('importedUid keeps printable UIDs up to 255 characters and replaces the others', () => {
    expect(importedUid('  abc-123@example.com ')).toBe('abc-123@example.com')
    expect(importedUid('Réunion 2027 ✓')).toBe('Réunion 2027 ✓')
    expect(importedUid('x'.repeat(255))).toBe('x'.repeat(255))
    for (const bad of ['x'.repeat(256), 'a\nb', 'a\rb', 'a\u0000b', 'a\u007fb', 'a\u0085b', 'a\u2028b', '', '   ']) {
      const uid = importedUid(bad)
      expect(uid).toMatch(/^[0-9a-f-]{36}@import$/)
    }
  })

  test('the feed strips control characters from a UID stored before the check', () => {
    const at = new Date('2030-01-01T09:00:00Z')
    const row = {
      id: 'e1', orgId: 'o', calendarId: 'c', uid: 'old\r\nX-INJECTED:1\nBEGIN:VALARM', title: 'Old', description: '', location: '', allDay: false,
      timeZone: 'UTC', startAt: at, endAt: new Date(at.getTime() + 3_600_000), rrule: 'FREQ=DAILY;COUNT=2\nX-RRULE-INJECTED:1', exdates: [], reminders: [],
      createdAt: at, updatedAt: at,
    } as unknown as EventRow
    const text = buildFeed({ name: 'Feed\nX-NAME-INJECTED:1', baseUrl: 'https://ide.example', calendars: [], events: [row], overrides: [], attendees: [], people: new Map() })
    expect(text).not.toMatch(/^X-(?!WR-CALNAME:)/m)
    expect(text).not.toMatch(/^BEGIN:VALARM/m)
    expect(text).toContain('UID:oldX-INJECTED:1BEGIN:VALARM')
    expect(icsRaw('a\tb\u0085c\u2029d')).toBe('abcd')
  })
})
