/** The viewer's zone from the cal_tz cookie, and where a calendar day starts in a zone (DST jumps at midnight included). */
import { expect, test } from 'bun:test'
import { dayStartIn, viewerZone } from './viewer-zone.ts'

const midnight = (day: string) => new Date(`${day}T00:00:00Z`).getTime()
const iso = (t: number) => new Date(t).toISOString()

test('viewerZone: a zone this runtime knows from the cal_tz cookie, else UTC', () => {
  const withCookie = (cookie?: string) => new Request('http://x/', { headers: cookie ? { cookie } : {} })
  expect(viewerZone(withCookie('cal_tz=Europe%2FBerlin'))).toBe('Europe/Berlin')
  expect(viewerZone(withCookie('a=1; cal_tz=America/Los_Angeles'))).toBe('America/Los_Angeles')
  expect(viewerZone(withCookie())).toBe('UTC')
  expect(viewerZone(withCookie('cal_tz=Mars%2FOlympus'))).toBe('UTC')
  expect(viewerZone(withCookie(`cal_tz=${'A'.repeat(200)}`))).toBe('UTC')
})

test('dayStartIn: the zone\'s midnight, across DST changes; where clocks jump over midnight, the moment they land', () => {
  expect(iso(dayStartIn(midnight('2026-03-03'), 'UTC'))).toBe('2026-03-03T00:00:00.000Z')
  expect(iso(dayStartIn(midnight('2026-03-29'), 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z') // CET; DST starts at 02:00
  expect(iso(dayStartIn(midnight('2026-03-30'), 'Europe/Berlin'))).toBe('2026-03-29T22:00:00.000Z') // CEST
  expect(iso(dayStartIn(midnight('2026-01-01'), 'Asia/Kolkata'))).toBe('2025-12-31T18:30:00.000Z')
  expect(iso(dayStartIn(midnight('2026-03-02'), 'America/Los_Angeles'))).toBe('2026-03-02T08:00:00.000Z')
  // Chile: 00:00 on 6 September 2026 does not exist (clocks go to 01:00); on 5 April 2026 24:00 goes back to 23:00
  expect(iso(dayStartIn(midnight('2026-09-06'), 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z')
  expect(iso(dayStartIn(midnight('2026-04-05'), 'America/Santiago'))).toBe('2026-04-05T04:00:00.000Z')
  // an unknown zone is UTC
  expect(iso(dayStartIn(midnight('2026-03-03'), 'Mars/Olympus'))).toBe('2026-03-03T00:00:00.000Z')
})

test('dayStartIn: where the clocks turn back at midnight (midnight comes twice), the day starts at the first one', () => {
  // Asia/Gaza left summer time at 01:00 on 2020-10-24 and 2021-10-29, back to 00:00: 00:00-00:59 came twice
  expect(iso(dayStartIn(midnight('2020-10-24'), 'Asia/Gaza'))).toBe('2020-10-23T21:00:00.000Z')
  expect(iso(dayStartIn(midnight('2021-10-29'), 'Asia/Gaza'))).toBe('2021-10-28T21:00:00.000Z')
  // the day before still ends where this one starts (no hour belongs to neither day)
  expect(dayStartIn(midnight('2020-10-24'), 'Asia/Gaza') - dayStartIn(midnight('2020-10-23'), 'Asia/Gaza')).toBe(24 * 3_600_000)
})
