/** @module Date formatting on hot paths (a JSON list of tasks formats hundreds of dates per answer). */

const CACHED = 8192
const cache = new Map<number, string>()

/**
 * `d.toISOString()`, remembered per instant. A list answer formats the same few hundred dates on
 * every request, and JavaScriptCore's formatter is slow; a string built by hand is no help, since
 * JSON.stringify then has to flatten it. The memory is bounded (8,192 strings, dropped together).
 */
export function isoString(d: Date): string {
  const t = d.getTime()
  let s = cache.get(t)
  if (s === undefined) {
    s = d.toISOString() // throws RangeError on an invalid date, as before
    if (cache.size >= CACHED) cache.clear()
    cache.set(t, s)
  }
  return s
}

/** The UTC day of `d` as YYYY-MM-DD ('' for none). */
export function isoDay(d: Date | null | undefined): string {
  return d ? isoString(d).slice(0, -14) : ''
}
