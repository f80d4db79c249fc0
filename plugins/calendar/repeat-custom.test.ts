/**
 * The event form's "Custom…" repeat (the server builds the RRULE from its fields, an edit prefills them
 * from a rule they can say, bad values come back beside their field with everything typed). Both dialects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { buildCustomRule, defaultCustom, fitCustom, type CustomRepeat } from './repeat-custom.ts'
import { api } from '../../test/helpers/calendar-api.ts'

/** 2026-03-10 is the second Tuesday of March; 2026-03-31 its last Tuesday. */
const START = { startDate: '2026-03-10', startTime: '09:00', timeZone: 'Europe/Berlin', allDay: false }
const c = (o: Partial<CustomRepeat>): CustomRepeat => ({ ...defaultCustom(START.startDate), ...o })

describe('custom repeat fields -> RRULE', () => {
  test('every N units, weekdays, monthly by day or nth weekday, and the three ends', () => {
    expect(defaultCustom(START.startDate)).toMatchObject({ every: '1', unit: 'WEEKLY', days: ['TU'], ends: 'never' })
    expect(buildCustomRule(c({ every: '2', days: ['WE', 'MO'] }), START)).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE')
    expect(buildCustomRule(c({ unit: 'DAILY', every: '3', days: ['MO'] }), START)).toBe('FREQ=DAILY;INTERVAL=3')
    expect(buildCustomRule(c({ unit: 'MONTHLY', monthly: 'day' }), START)).toBe('FREQ=MONTHLY')
    expect(buildCustomRule(c({ unit: 'MONTHLY', monthly: 'nth' }), START)).toBe('FREQ=MONTHLY;BYDAY=2TU')
    expect(buildCustomRule(c({ unit: 'MONTHLY', monthly: 'last' }), { ...START, startDate: '2026-03-31' })).toBe('FREQ=MONTHLY;BYDAY=-1TU')
    expect(buildCustomRule(c({ unit: 'YEARLY', ends: 'count', count: '5' }), START)).toBe('FREQ=YEARLY;COUNT=5')
    // the end of that day in the event's zone (Berlin is UTC+2 from 29 March)
    expect(buildCustomRule(c({ ends: 'until', until: '2026-06-30' }), START)).toBe('FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T215959Z')
    expect(buildCustomRule(c({ ends: 'until', until: '2026-06-30' }), { ...START, allDay: true })).toBe('FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T235959Z')
  })

  test('bad values name their field and say what to enter', () => {
    const fails = (o: Partial<CustomRepeat>, start = START) => {
      try {
        buildCustomRule(c(o), start)
      } catch (e: any) {
        return [e.field, e.message]
      }
      return undefined
    }
    expect(fails({ every: '0' })).toEqual(['repeatEvery', 'Repeat every 1 to 99 weeks.'])
    expect(fails({ every: '100', unit: 'DAILY' })).toEqual(['repeatEvery', 'Repeat every 1 to 99 days.'])
    expect(fails({ every: 'x' })).toEqual(['repeatEvery', 'Repeat every 1 to 99 weeks.'])
    expect(fails({ unit: 'HOURLY' })).toEqual(['repeatUnit', 'Choose days, weeks, months or years.'])
    expect(fails({ ends: 'count', count: '731' })).toEqual(['repeatCount', 'End after 1 to 730 occurrences.'])
    expect(fails({ ends: 'count', count: '0' })).toEqual(['repeatCount', 'End after 1 to 730 occurrences.'])
    expect(fails({ ends: 'until', until: '2026-03-09' })).toEqual(['repeatUntil', 'End the repetition on or after the start date (2026-03-10).'])
    expect(fails({ ends: 'until', until: '' })).toEqual(['repeatUntil', 'Enter the day the repetition ends as YYYY-MM-DD.'])
    expect(fails({ ends: 'until', until: '2201-01-01' })).toEqual(['repeatUntil', 'Enter an end date between 1900-01-01 and 2200-12-31.'])
    expect(fails({ unit: 'MONTHLY', monthly: 'last' })).toEqual(['repeatMonthly', '10 March 2026 is not the last of its weekday in its month: choose another day of the month.'])
    expect(fails({ ends: 'sometime' })).toEqual(['repeatEnds', 'Choose when the repetition ends.'])
  })

  test('a stored rule fills the fields when they can say it exactly, and builds back to the same occurrences', () => {
    expect(fitCustom('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10', START)).toMatchObject({ unit: 'WEEKLY', every: '2', days: ['MO', 'WE'], ends: 'count', count: '10' })
    expect(fitCustom('FREQ=MONTHLY;BYDAY=2TU', START)).toMatchObject({ unit: 'MONTHLY', monthly: 'nth' })
    expect(fitCustom('FREQ=MONTHLY;BYMONTHDAY=10', START)).toMatchObject({ unit: 'MONTHLY', monthly: 'day' })
    // a split series' UNTIL (one second before the 7 April 09:00 occurrence) lets none start on the 7th
    const split = fitCustom('FREQ=WEEKLY;BYDAY=TU;UNTIL=20260407T065959Z', START)
    expect(split).toMatchObject({ ends: 'until', until: '2026-04-06' })
    expect(buildCustomRule(split!, START)).toBe('FREQ=WEEKLY;BYDAY=TU;UNTIL=20260406T215959Z')
    // what only the RRULE box can hold
    for (const rule of ['FREQ=MONTHLY;BYDAY=3TU', 'FREQ=MONTHLY;BYMONTHDAY=1,15', 'FREQ=YEARLY;BYMONTH=3', 'FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1', 'FREQ=DAILY;COUNT=731', 'FREQ=WEEKLY;WKST=SU;INTERVAL=2', 'FREQ=DAILY;INTERVAL=100', 'FREQ=HOURLY']) {
      expect(fitCustom(rule, START), rule).toBeUndefined()
    }
  })
})

eachDialect('calendar: custom repeat', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let calId = ''

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Repeats' })).json.id
  })
  afterAll(() => p.stop())

  const form = (o: Record<string, string | string[]>) => ({ calendarId: calId, title: 'Team sync <b>', location: 'Room 4', timeZone: 'Europe/Berlin', startDate: '2026-03-10', startTime: '09:00', endDate: '2026-03-10', endTime: '09:30', reminders: '', rrule: '', ...o })
  const custom = { repeat: 'pick', repeatEvery: '2', repeatUnit: 'WEEKLY', repeatDays: ['TU', 'TH'], repeatMonthly: 'day', repeatEnds: 'count', repeatCount: '6', repeatUntil: '' }
  const created = async (res: Response) => {
    expect(res.status).toBe(303)
    const id = /\/calendar\/events\/([^/?]+)/.exec(res.headers.get('location') ?? '')![1]!
    return { id, event: (await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).json }
  }

  test('"Custom…" fields post a rule the server builds (no RRULE typed), and the event page says it in words', async () => {
    const { id, event } = await created(await ada.post('/calendar/events', form(custom)))
    expect(event.rrule).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=6')
    const page = (await ada.get(`/calendar/events/${id}`)).html
    expect(page).toContain('Every 2 weeks on Tue and Thu, 6 times')
    const nth = await created(await ada.post('/calendar/events', form({ ...custom, repeatEvery: '1', repeatUnit: 'MONTHLY', repeatMonthly: 'nth', repeatEnds: 'until', repeatUntil: '2026-12-31' })))
    expect(nth.event.rrule).toBe('FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231T225959Z')
  })

  test('bad custom values: 422 with the error beside the field and every value kept', async () => {
    for (const [fields, field, message] of [
      [{ repeatEvery: '0' }, 'repeatEvery', 'Repeat every 1 to 99 weeks.'],
      [{ repeatEvery: '150' }, 'repeatEvery', 'Repeat every 1 to 99 weeks.'],
      [{ repeatCount: '900' }, 'repeatCount', 'End after 1 to 730 occurrences.'],
      [{ repeatEnds: 'until', repeatUntil: '2026-03-01' }, 'repeatUntil', 'End the repetition on or after the start date (2026-03-10).'],
    ] as const) {
      const res = await ada.post('/calendar/events', form({ ...custom, ...fields }))
      expect(res.status).toBe(422)
      const html = await res.text()
      expect(html).toContain(`<small id="f-${field}-error" class="field-error">${message}</small>`)
      expect(html).toMatch(/<option value="pick" selected>Custom\.\.\.<\/option>/)
      expect(html).toContain('value="Team sync <b>"')
      expect(html).toContain('value="Room 4"')
      expect(html).toMatch(/name="repeatDays" value="TU" checked/)
      expect(html).toMatch(/name="repeatDays" value="TH" checked/)
      expect(html).not.toMatch(/name="repeatDays" value="MO" checked/)
      const sent: Record<string, unknown> = { ...custom, ...fields }
      for (const k of ['repeatEvery', 'repeatCount', 'repeatUntil']) expect(html).toMatch(new RegExp(`name="${k}"[^>]*value="${sent[k]}"`))
    }
  })

  test('the existing rule limits still apply to a built rule', async () => {
    // 730 years from 2200 runs past 2200-12-31 (time.ts checkRuleInRange)
    const res = await ada.post('/calendar/events', form({ ...custom, startDate: '2200-03-10', endDate: '2200-03-10', repeatEvery: '1', repeatUnit: 'YEARLY', repeatCount: '730' }))
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('With COUNT=730 the last occurrence would be after 2399, past 2200-12-31')
  })

  test('editing prefills the custom fields from a rule they can say; any other rule stays in the RRULE box', async () => {
    const fits = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Fits', timeZone: 'Europe/Berlin', start: '2026-03-10T09:00', end: '2026-03-10T09:30', rrule: 'FREQ=MONTHLY;BYDAY=2TU;COUNT=12' })
    expect(fits.status).toBe(201)
    const html = (await ada.get(`/calendar/events/${fits.json.id}/edit`)).html
    expect(html).toMatch(/<option value="pick" selected>Custom\.\.\.<\/option>/)
    expect(html).toMatch(/<option value="MONTHLY" selected>month\(s\)<\/option>/)
    expect(html).toMatch(/name="repeatMonthly" value="nth" checked[^>]*\/?>\s*<span>On the second Tuesday<\/span>/)
    expect(html).toMatch(/name="repeatEnds" value="count" checked/)
    expect(html).toMatch(/name="repeatCount"[^>]*value="12"/)
    expect(html).toMatch(/name="rrule"[^>]*value=""/)

    const raw = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Raw', timeZone: 'UTC', start: '2026-03-10T09:00', end: '2026-03-10T09:30', rrule: 'FREQ=YEARLY;BYMONTH=3;BYDAY=2TU' })
    expect(raw.status).toBe(201)
    const rawHtml = (await ada.get(`/calendar/events/${raw.json.id}/edit`)).html
    expect(rawHtml).toMatch(/<option value="custom" selected>Advanced rule \(RRULE\)\.\.\.<\/option>/)
    expect(rawHtml).toMatch(/name="rrule"[^>]*value="FREQ=YEARLY;BYMONTH=3;BYDAY=2TU"/)
  })

  test('saving an edit with the custom fields untouched keeps the rule as stored; changing them rebuilds it', async () => {
    const made = await api(ada, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Split', timeZone: 'Europe/Berlin', start: '2026-03-10T09:00', end: '2026-03-10T09:30', rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20260407T065959Z' })
    const id = made.json.id
    const { html } = await ada.get(`/calendar/events/${id}/edit`)
    const fields: Record<string, string | string[]> = {}
    for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!
    const base = { ...fields, ...form({ title: 'Split renamed', ...custom, repeatEvery: '1', repeatDays: ['TU'], repeatEnds: 'until', repeatUntil: '2026-04-06' }), scope: 'all' }
    expect((await ada.post(`/calendar/events/${id}`, base)).status).toBe(303)
    let now = (await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).json
    expect(now.title).toBe('Split renamed')
    expect(now.rrule).toBe('FREQ=WEEKLY;BYDAY=TU;UNTIL=20260407T065959Z')
    const again = (await ada.get(`/calendar/events/${id}/edit`)).html
    const fresh: Record<string, string> = {}
    for (const m of again.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fresh[m[1]!] = m[2]!
    expect((await ada.post(`/calendar/events/${id}`, { ...base, ...fresh, repeatDays: ['TU', 'TH'] })).status).toBe(303)
    now = (await api(ada, 'GET', `/api/v1/calendar/events/${id}`)).json
    expect(now.rrule).toBe('FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260406T215959Z')
  })

})
