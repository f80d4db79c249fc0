/** @module Changes to a recurring series ('all' or 'following'): the shift, the fields, moved EXDATEs and carried overrides. */
import type { CleanEvent, EventRow, OverrideRow } from './service-types.ts'
import { fromWall, isOccurrence, toWall } from './time.ts'

/** What a change to a series ('all' or 'following') does, read off the occurrence the form showed. */
export interface SeriesChange {
  /** The same wall-clock time, moved by what the user moved the shown occurrence (old zone to new). */
  shift: (instant: number) => number
  /** The series' fields after the change: the user's edits, the master's values where they left one alone. */
  fields: { title: string; description: string; location: string }
  /** The duration of the series' occurrences after the change. */
  duration: number
  /** The occurrence shown in the form, when it was overridden: it takes the form's values as they are. */
  edited?: { originalStart: number; title: string; description: string; location: string; startAt: Date; endAt: Date }
}

export function seriesChange(event: EventRow, c: CleanEvent, occ: number | undefined, overrides: OverrideRow[]): SeriesChange {
  const ref = occ ?? event.startAt.getTime()
  const ov = occ !== undefined ? overrides.find((o) => o.originalStart.getTime() === occ) : undefined
  const oldDuration = event.endAt.getTime() - event.startAt.getTime()
  const shownStart = ov ? ov.startAt.getTime() : ref
  const shownEnd = ov ? ov.endAt.getTime() : ref + oldDuration
  const zoneOld = event.allDay ? 'UTC' : event.timeZone
  const zoneNew = c.allDay ? 'UTC' : c.timeZone
  const delta = toWall(c.startAt.getTime(), zoneNew) - toWall(shownStart, zoneOld)
  const formDuration = c.endAt.getTime() - c.startAt.getTime()
  const pick = (k: 'title' | 'description' | 'location') => (c[k] === (ov ?? event)[k] ? event[k] : c[k])
  return {
    shift: (t) => fromWall(toWall(t, zoneOld) + delta, zoneNew),
    fields: { title: pick('title'), description: pick('description'), location: pick('location') },
    duration: formDuration === shownEnd - shownStart ? oldDuration : formDuration,
    edited: ov ? { originalStart: ov.originalStart.getTime(), title: c.title, description: c.description, location: c.location, startAt: c.startAt, endAt: c.endAt } : undefined,
  }
}

/** Whether an instant is an original start of this (changed) series. */
export function occurrenceTest(series: { startAt: Date; endAt: Date; allDay: boolean; timeZone: string; rrule: string | null }): (instant: number) => boolean {
  return (t) => isOccurrence({ ...series, exdates: [] }, t)
}

/** EXDATEs of a series moved by `shift`; those that no longer name an occurrence are dropped. */
export function shiftExdates(exdates: string[], shift: (t: number) => number, isOcc: (t: number) => boolean): string[] {
  return [...new Set(exdates.map((d) => shift(Date.parse(d))).filter(isOcc))].map((t) => new Date(t).toISOString())
}

/**
 * The overrides of a series after a change to it: each follows its occurrence (its original start
 * moved by `shift`); a field the override did not change from the old master takes the series' new
 * value, an edited one stays; a moved time moves by the same amount, an unmoved one takes the new
 * duration. Overrides whose occurrence is gone (another rule) or that now equal the series are left out.
 */
export function carryOverrides(list: OverrideRow[], old: EventRow, change: SeriesChange, isOcc: (t: number) => boolean): Omit<OverrideRow, 'id' | 'orgId' | 'eventId' | 'updatedAt'>[] {
  const oldDuration = old.endAt.getTime() - old.startAt.getTime()
  const out: Omit<OverrideRow, 'id' | 'orgId' | 'eventId' | 'updatedAt'>[] = []
  for (const o of list) {
    const orig = change.shift(o.originalStart.getTime())
    if (!isOcc(orig)) continue
    let start: number
    let end: number
    let fields: { title: string; description: string; location: string }
    if (change.edited && change.edited.originalStart === o.originalStart.getTime()) {
      const e = change.edited
      start = e.startAt.getTime()
      end = e.endAt.getTime()
      fields = { title: e.title, description: e.description, location: e.location }
    } else {
      const moved = o.startAt.getTime() !== o.originalStart.getTime() || o.endAt.getTime() - o.startAt.getTime() !== oldDuration
      start = moved ? change.shift(o.startAt.getTime()) : orig
      end = start + (moved ? o.endAt.getTime() - o.startAt.getTime() : change.duration)
      const keep = (k: 'title' | 'description' | 'location') => (o[k] === old[k] ? change.fields[k] : o[k])
      fields = { title: keep('title'), description: keep('description'), location: keep('location') }
    }
    const same = start === orig && end - start === change.duration && fields.title === change.fields.title && fields.description === change.fields.description && fields.location === change.fields.location
    if (same) continue
    out.push({ originalStart: new Date(orig), startAt: new Date(start), endAt: new Date(Math.max(start, end)), ...fields })
  }
  return out
}
