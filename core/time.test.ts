import { describe, expect, test } from 'bun:test'
import { isoDay, isoString } from './time.ts'


describe('isoString and isoDay match the built-in formatter', () => {
  test('over many instants, including edges of months, years and milliseconds', () => {
    const instants = [0, 1, 9, 10, 99, 100, 999, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(1000, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999)]
    for (let i = 0; i < 5000; i++) instants.push(Math.floor(Math.random() * 4e12) - 1e12)
    for (const t of instants) {
      const d = new Date(t)
      expect(isoString(d)).toBe(d.toISOString())
      expect(isoDay(d)).toBe(d.toISOString().slice(0, 10))
    }
  })
  test('years outside 0–9999 keep the built-in form; invalid dates throw as toISOString does; none is empty; the cache stays bounded', () => {
    const far = new Date(Date.UTC(12000, 0, 1))
    expect(isoString(far)).toBe('+012000-01-01T00:00:00.000Z')
    expect(isoString(new Date(Date.UTC(999, 0, 1)))).toBe(new Date(Date.UTC(999, 0, 1)).toISOString())
    expect(() => isoString(new Date(NaN))).toThrow(RangeError)
    expect(isoDay(null)).toBe('')
    expect(isoDay(undefined)).toBe('')
    expect(isoDay(far)).toBe('+012000-01-01')
    for (let i = 0; i < 20000; i++) expect(isoString(new Date(i * 1000))).toBe(new Date(i * 1000).toISOString())
  })
})
