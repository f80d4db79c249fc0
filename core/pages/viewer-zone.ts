/**
 * @module The viewer's time zone on the server: the browser's IANA zone, which the shell's script
 * (public/app.js) keeps in the `cal_tz` cookie, and the instant a calendar day starts in it. Pages
 * that take days from the user (the audit log's filter) read them in the zone the page shows times in.
 */
import { readCookie } from '../http/cookies.ts'

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's formatter, or undefined when this runtime does not know the zone. */
function formatter(tz: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(tz)
  if (!f) {
    if (!tz || tz.length > 64) return undefined
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    } catch {
      return undefined
    }
    if (formatters.size > 64) formatters.clear()
    formatters.set(tz, f)
  }
  return f
}

/** The zone of the browser (the `cal_tz` cookie) when this runtime knows it, else UTC. */
export function viewerZone(request: Request): string {
  const tz = readCookie(request, 'cal_tz')
  return tz && formatter(tz) ? tz : 'UTC'
}

/** How far the zone's clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, tz: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatter(tz)!.formatToParts(new Date(instant))) if (p.type !== 'literal' && p.type !== 'era') parts[p.type] = Number(p.value)
  const wall = new Date(0)
  wall.setUTCFullYear(parts.year!, parts.month! - 1, parts.day!) // not Date.UTC, which reads years below 100 as 19xx
  wall.setUTCHours(parts.hour! % 24, parts.minute!, parts.second!, 0)
  return wall.getTime() - (instant - (((instant % 1000) + 1000) % 1000))
}

/**
 * The first instant of a day in `tz`, given that day's midnight written as UTC (`utcMidnight`): its
 * midnight there (the earlier one where the clocks turn back at midnight and it comes twice), or,
 * where the clocks jump over midnight, the moment they land after it. The zone's offsets within a
 * day either side are the only ones that can place its midnight; each gives one candidate instant.
 */
export function dayStartIn(utcMidnight: number, tz: string): number {
  if (tz === 'UTC' || !formatter(tz)) return utcMidnight
  const HALF_DAY = 14 * 3_600_000 // no zone is further than 14 hours from UTC
  const offsets = new Set([offsetAt(utcMidnight - HALF_DAY, tz), offsetAt(utcMidnight, tz), offsetAt(utcMidnight + HALF_DAY, tz)])
  const candidates = [...offsets].map((o) => utcMidnight - o).sort((a, b) => a - b)
  const readsAs = (t: number) => t + offsetAt(t, tz)
  // a candidate that reads as midnight is one; else the first that reads as later (the clocks skipped it)
  return candidates.find((t) => readsAs(t) === utcMidnight) ?? candidates.find((t) => readsAs(t) > utcMidnight) ?? candidates.at(-1)!
}
