/** Recurrence rules in words (views/repeat-text.ts) and the Repeat select's preset for a rule with an end. */
import { describe, expect, test } from 'bun:test'
import { repeatOf } from './views/event-form.tsx'
import { describeRule, ruleEventOf, ruleWithoutEnd } from './views/repeat-text.ts'

describe('describeRule', () => {
  test('presets read as the Repeat select names them', () => {
    expect(describeRule('FREQ=DAILY')).toBe('Every day')
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')).toBe('Every weekday (Mon to Fri)')
    expect(describeRule('FREQ=WEEKLY')).toBe('Every week')
    expect(describeRule('FREQ=MONTHLY')).toBe('Every month')
    expect(describeRule('FREQ=YEARLY')).toBe('Every year')
  })

  test('days, intervals and counts', () => {
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10')).toBe('Weekly on Mon and Wed, 10 times')
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,WE,FR')).toBe('Weekly on Mon, Wed and Fri')
    expect(describeRule('FREQ=WEEKLY;INTERVAL=2;BYDAY=FR')).toBe('Every 2 weeks on Fri')
    expect(describeRule('FREQ=DAILY;INTERVAL=3;COUNT=1')).toBe('Every 3 days, once')
    expect(describeRule('FREQ=MONTHLY;BYDAY=-1FR')).toBe('Every month on the last Friday')
    expect(describeRule('FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU')).toBe('Every 2 months on the second Tuesday')
    expect(describeRule('FREQ=MONTHLY;BYMONTHDAY=15')).toBe('Every month on day 15')
    expect(describeRule('freq=weekly;byday=tu')).toBe('Weekly on Tue')
  })

  test('a series split by "This and following" ends the day before the occurrence it was split at', () => {
    // the 08:30 UTC stand-up split at Monday 7 Dec: UNTIL is 08:29:59 that day
    const standUp = ruleEventOf({ startAt: new Date('2026-11-02T08:30:00Z'), allDay: false, timeZone: 'UTC' })
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261207T082959Z', standUp)).toBe('Every weekday (Mon to Fri), until 6 Dec 2026')
    // 09:00 in Berlin is 08:00 UTC: UNTIL at 08:59:59 UTC is 09:59:59 there, after the start, so that day counts
    const berlin = ruleEventOf({ startAt: new Date('2026-11-02T08:00:00Z'), allDay: false, timeZone: 'Europe/Berlin' })
    expect(describeRule('FREQ=DAILY;UNTIL=20261207T085959Z', berlin)).toBe('Every day, until 7 Dec 2026')
    expect(describeRule('FREQ=DAILY;UNTIL=20261207T075959Z', berlin)).toBe('Every day, until 6 Dec 2026')
    // all day: the split leaves UNTIL one second before midnight, a DATE is that day
    const allDay = ruleEventOf({ startAt: new Date('2026-11-02T00:00:00Z'), allDay: true, timeZone: 'UTC' })
    expect(describeRule('FREQ=WEEKLY;UNTIL=20261206T235959Z', allDay)).toBe('Every week, until 6 Dec 2026')
    expect(describeRule('FREQ=YEARLY;UNTIL=20300101')).toBe('Every year, until 1 Jan 2030')
  })

  test('rules it cannot say in words are left to be shown as written', () => {
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO;BYSETPOS=9')).toBeUndefined()
    expect(describeRule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29')).toBeUndefined()
    expect(describeRule('FREQ=HOURLY')).toBeUndefined()
    expect(describeRule('FREQ=MONTHLY;BYDAY=MO,TU')).toBeUndefined()
    expect(describeRule('FREQ=DAILY;UNTIL=tomorrow')).toBeUndefined()
    expect(describeRule('FREQ=DAILY;INTERVAL=0')).toBeUndefined()
  })
})

describe('repeatOf', () => {
  test('a preset with an end keeps the whole rule as the selected value (saving keeps the end)', () => {
    expect(ruleWithoutEnd('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261207T082959Z')).toBe('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')
    expect(repeatOf('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261207T082959Z')).toBe('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261207T082959Z')
    expect(repeatOf('FREQ=DAILY;COUNT=5')).toBe('FREQ=DAILY;COUNT=5')
    expect(repeatOf('FREQ=DAILY')).toBe('FREQ=DAILY')
    expect(repeatOf('')).toBe('')
    expect(repeatOf('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10')).toBe('custom')
  })
})
