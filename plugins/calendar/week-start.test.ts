/** The calendar setting "First day of the week": month and week grids start on it (Monday by default). */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { weekStart } from './time.ts'

const DAY = 86_400_000

test('weekStart: the Monday, Sunday or Saturday on or before a day', () => {
  const wed = Date.UTC(2027, 0, 13)
  expect(new Date(weekStart(wed)).toISOString().slice(0, 10)).toBe('2027-01-11')
  expect(new Date(weekStart(wed, 0)).toISOString().slice(0, 10)).toBe('2027-01-10')
  expect(new Date(weekStart(wed, 6)).toISOString().slice(0, 10)).toBe('2027-01-09')
  const sun = Date.UTC(2027, 0, 10)
  expect(weekStart(sun, 0)).toBe(sun)
  expect(weekStart(sun)).toBe(sun - 6 * DAY)
})

eachDialect('calendar week start', (dialect) => {
  let p: TestPlatform
  let ada: Client
  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  /** The weekday names heading the month grid, and the week view's day links. */
  const headings = async () => {
    const month = (await ada.get('/calendar?view=month&date=2027-01-13')).html
    const head = /<table class="cal-month">[\s\S]*?<thead>([\s\S]*?)<\/thead>/.exec(month)![1]!
    const week = (await ada.get('/calendar?view=week&date=2027-01-13')).html
    return {
      month: [...head.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1]),
      week: [...week.matchAll(/<th scope="col"[^>]*><a href="\/calendar\?view=day&(?:amp;)?date=(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]),
    }
  }

  test('Monday by default; Sunday or Saturday once an admin says so on the plugins page; bad values refused', async () => {
    expect((await ada.get('/admin/plugins')).html).toContain('href="/admin/plugins/calendar/settings"')
    const admin = (await ada.get('/admin/plugins/calendar/settings')).html
    const select = /<select[^>]*name="weekStartsOn"[\s\S]*?<\/select>/.exec(admin)?.[0] ?? ''
    expect([...select.matchAll(/<option value="(\w+)"/g)].map((m) => m[1])).toEqual(['monday', 'sunday', 'saturday'])
    // the hint names the days as the select shows them (sentence case)
    expect([...select.matchAll(/<option value="\w+"[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual(['Monday', 'Sunday', 'Saturday'])
    expect(admin).toContain('Where the month and week views start: Monday (ISO, most of the world), Sunday (Americas, Japan) or Saturday.')
    expect(admin).not.toMatch(/\bmonday \(ISO/)
    expect(await headings()).toEqual({
      month: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
      week: ['2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15', '2027-01-16', '2027-01-17'],
    })
    await p.host.updateSettings('calendar', { weekStartsOn: 'sunday' })
    expect(await headings()).toEqual({
      month: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
      week: ['2027-01-10', '2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15', '2027-01-16'],
    })
    await p.host.updateSettings('calendar', { weekStartsOn: 'saturday' })
    expect((await headings()).month[0]).toBe('Sat')
    const refused = await p.host.updateSettings('calendar', { weekStartsOn: 'tuesday' }).catch((err: Error) => err)
    expect(refused).toBeInstanceOf(Error)
    expect((await headings()).month[0]).toBe('Sat') // the saved value stays
    await p.host.updateSettings('calendar', { weekStartsOn: 'monday' })
  })
})
