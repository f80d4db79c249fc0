/**
 * @module Where items sit in one week row of the month grid. An item that covers two days or more is
 * a bar across its days of that week, in a lane (a line under the day numbers) that no other bar of
 * the week uses on those days; an item of one day is a chip in its day's cell, under the bars. Lanes
 * past `maxLanes` are not drawn: their bars count in the "more" of each day they cover. Items `first`
 * picks (the calendar's own events, not a layer's cycles) take the lanes before the others, so a week
 * full of cycle bars still draws the trip or offsite.
 */
import { DAY } from '../time.ts'

/** What the layout needs of an item: its first and last day (wall midnights, inclusive). */
export interface DaySpan {
  first: number
  last: number
}

/** One bar in a week row. */
export interface Bar<T> {
  item: T
  /** Day of the week it starts on in this row (0 = Monday) and how many days it covers here. */
  column: number
  span: number
  lane: number
  /** Begins in an earlier week / goes on into a later one. */
  before: boolean
  after: boolean
}

export interface WeekLayout<T> {
  bars: Bar<T>[]
  /** Per day (0..6): the lanes drawn above its chips (1 + the highest lane drawn on it, else 0). */
  lanes: number[]
  /** Per day: the one-day items, in order. */
  chips: T[][]
  /** Per day: bars past `maxLanes` that cover it (counted in its "more"). */
  hidden: T[][]
}

/**
 * Lays out the items touching the row of `length` days (a week; 3 in the 3-day view) that starts at
 * wall midnight `week`; bars of items `first` picks get lanes before the others (and their chips come
 * first in a day).
 */
export function layoutWeek<T extends DaySpan>(spans: T[], week: number, maxLanes: number, first: (s: T) => boolean = () => true, length = 7): WeekLayout<T> {
  const perDay = <V>(make: () => V) => Array.from({ length }, make)
  const out: WeekLayout<T> = { bars: [], lanes: perDay(() => 0), chips: perDay(() => []), hidden: perDay(() => []) }
  const end = week + (length - 1) * DAY
  const long: Bar<T>[] = []
  for (const s of spans) {
    if (s.last < week || s.first > end) continue
    const from = Math.max(s.first, week)
    const to = Math.min(s.last, end)
    const column = Math.round((from - week) / DAY)
    if (s.last > s.first) long.push({ item: s, column, span: Math.round((to - from) / DAY) + 1, lane: 0, before: s.first < week, after: s.last > end })
    else out.chips[column]!.push(s)
  }
  // preferred items first; then earliest first, the longer of two that start together above, as in
  // Google Calendar
  const rank = (s: T) => (first(s) ? 0 : 1)
  long.sort((a, b) => rank(a.item) - rank(b.item) || a.column - b.column || b.span - a.span)
  for (const [d, chips] of out.chips.entries()) out.chips[d] = [...chips.filter(first), ...chips.filter((s) => !first(s))]
  const laneEnds: number[] = [] // per lane: the first column free after its last bar
  for (const bar of long) {
    let lane = laneEnds.findIndex((free) => free <= bar.column)
    if (lane === -1) lane = laneEnds.length
    laneEnds[lane] = bar.column + bar.span
    bar.lane = lane
    for (let d = bar.column; d < bar.column + bar.span; d++) {
      if (lane < maxLanes) out.lanes[d] = Math.max(out.lanes[d]!, lane + 1)
      else out.hidden[d]!.push(bar.item)
    }
    if (lane < maxLanes) out.bars.push(bar)
  }
  return out
}
