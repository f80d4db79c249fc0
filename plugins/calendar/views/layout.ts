/**
 * @module Where timed items sit in the week and day grids. A day is 48 half-hour rows; an item covers
 * the rows from its start to its end (at least one), clipped to the day, so an event that crosses
 * midnight has a piece on each day. Items that overlap share the day's width in lanes, side by side;
 * when more overlap than `maxLanes` allows, the last lane holds a "more" link instead.
 */
import { DAY } from '../time.ts'

/** Rows a day is split into (half hours). */
export const ROWS = 48
export const ROW_MS = DAY / ROWS

/** What the layout needs of an item: wall-clock start and end (ms of a fake UTC date). */
export interface Span<T> {
  item: T
  start: number
  end: number
}

/** One item's piece on one day. */
export interface Piece<T> {
  item: T
  /** The item's own wall-clock start and end (not clipped). */
  start: number
  end: number
  /** First row (0..47) and how many rows it covers (1..48). */
  row: number
  rows: number
  /** Grid columns (1-based start, width) among the day's `columns`. */
  column: number
  width: number
  /** Started on an earlier day / goes on into a later one. */
  before: boolean
  after: boolean
}

/** Items that did not fit beside the others: one link where they would be. */
export interface More<T> {
  items: T[]
  row: number
  rows: number
  column: number
  width: number
}

export interface DayLayout<T> {
  pieces: Piece<T>[]
  more: More<T>[]
  /** Grid columns of the day (1..maxLanes). */
  columns: number
}

/** Lays out the timed items that touch the day starting at wall midnight `day`. */
export function layoutDay<T>(spans: Span<T>[], day: number, maxLanes: number): DayLayout<T> {
  type Slot = { span: Span<T>; row: number; end: number; lane: number }
  const slots: Slot[] = []
  for (const s of spans) {
    const end = Math.max(s.end, s.start)
    const touches = s.start < day + DAY && (end > day || (end === s.start && s.start >= day))
    if (!touches) continue
    const from = Math.max(s.start, day) - day
    const to = Math.min(end, day + DAY) - day
    const row = Math.min(ROWS - 1, Math.floor(from / ROW_MS))
    slots.push({ span: s, row, end: Math.min(ROWS, Math.max(row + 1, Math.ceil(to / ROW_MS))), lane: 0 })
  }
  slots.sort((a, b) => a.row - b.row || b.end - a.end || a.span.start - b.span.start)
  // clusters: runs of slots that overlap one another (directly or through others)
  const clusters: Slot[][] = []
  let reach = -1
  for (const slot of slots) {
    if (slot.row >= reach) clusters.push([])
    clusters[clusters.length - 1]!.push(slot)
    reach = Math.max(reach, slot.end)
  }
  const max = Math.max(1, maxLanes)
  const laid: { cluster: Slot[]; lanes: number }[] = []
  for (const cluster of clusters) {
    const laneEnds: number[] = []
    for (const slot of cluster) {
      let lane = laneEnds.findIndex((end) => end <= slot.row)
      if (lane === -1) lane = laneEnds.length
      laneEnds[lane] = slot.end
      slot.lane = lane
    }
    laid.push({ cluster, lanes: laneEnds.length })
  }
  const columns = Math.min(max, Math.max(1, ...laid.map((l) => l.lanes)))
  const out: DayLayout<T> = { pieces: [], more: [], columns }
  for (const { cluster, lanes } of laid) {
    // a cluster of n lanes shares the day's columns: lane i gets columns [i*C/n, (i+1)*C/n)
    const n = Math.min(lanes, max)
    const place = (lane: number) => {
      const from = Math.floor((lane * columns) / n)
      const to = Math.floor(((lane + 1) * columns) / n)
      return { column: from + 1, width: Math.max(1, to - from) }
    }
    const hidden = lanes > max ? cluster.filter((s) => s.lane >= max - 1) : []
    for (const slot of cluster) {
      if (hidden.includes(slot)) continue
      const s = slot.span
      out.pieces.push({ item: s.item, start: s.start, end: s.end, row: slot.row, rows: slot.end - slot.row, ...place(slot.lane), before: s.start < day, after: Math.max(s.end, s.start) > day + DAY })
    }
    if (hidden.length) {
      const row = Math.min(...hidden.map((s) => s.row))
      out.more.push({ items: hidden.map((s) => s.span.item), row, rows: Math.max(...hidden.map((s) => s.end)) - row, ...place(max - 1) })
    }
  }
  out.pieces.sort((a, b) => a.row - b.row || a.column - b.column)
  return out
}
