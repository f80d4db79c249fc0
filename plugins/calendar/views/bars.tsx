/** @module Items of two days or more drawn as one bar across their days in a row of seven (month and week grids). */
import { DAY, toWall, wallTime } from '../time.ts'
import { ItemAnchor, longDate, wallEnd, wallStart, type Item } from './items.tsx'
import type { Bar, DaySpan, WeekLayout } from './month-layout.ts'

/** The wall midnight of the day a wall time falls on. */
function dayOf(wall: number): number {
  return wall - (((wall % DAY) + DAY) % DAY)
}

/** An item's first and last day (wall midnights, inclusive) in the view zone. */
export function daySpan(item: Item, tz: string): DaySpan & { item: Item } {
  const s = wallStart(item, tz)
  const e = wallEnd(item, tz)
  const first = dayOf(s)
  // all-day ends are exclusive midnights; a timed item ending at midnight does not touch the next day
  const last = e > s ? Math.max(first, dayOf(item.allDay ? e - DAY : e - 1)) : first
  return { item, first, last }
}

/** "Tuesday 12 January to Monday 25 January 2027" (with times for timed items): the dates a bar covers. */
function barDates(span: DaySpan & { item: Item }, tz: string): string {
  const i = span.item
  if (i.allDay) return `${longDate(span.first)} to ${longDate(span.last)}`
  return `${longDate(span.first)} ${wallTime(toWall(i.start.getTime(), tz))} to ${longDate(span.last)} ${wallTime(toWall(i.end.getTime(), tz))}`
}

/** What a row of bars is called in a bar's note: a week, or the 3-day view's days ("continues the days after"). */
export type RowName = 'week' | 'days'

/**
 * An item of two days or more in one week row: one link drawn across its days (a `cal-span-<days>`
 * class sets the width over the next cells); its text says its dates, once per week row.
 */
export function BarLink(props: { bar: Bar<DaySpan & { item: Item }>; tz: string; row?: RowName }) {
  const { bar, tz } = props
  const span = bar.item
  const i = span.item
  const time = !i.allDay && !bar.before ? wallTime(toWall(i.start.getTime(), tz)) : ''
  const row = props.row ?? 'week'
  const note = bar.before ? `, continued from the ${row} before` : bar.after ? `, continues the ${row} after` : ''
  const label = `${i.title}, ${barDates(span, tz)} (${i.source})`
  const cls = ['cal-item', 'cal-bar', `cal-span-${bar.span}`, i.layer ? 'cal-layer-item' : '', bar.before ? 'cal-bar-before' : '', bar.after ? 'cal-bar-after' : ''].filter(Boolean).join(' ')
  const body = (
    <>
      {time ? <span class="cal-time" safe>{time}</span> : ''}
      <span class="cal-title" safe>
        {i.title}
      </span>
      <span class="visually-hidden" safe>{`, ${barDates(span, tz)} (${i.source})${note}`}</span>
    </>
  )
  return ItemAnchor({ item: i, class: cls, title: label, body: body as string })
}

/**
 * The lanes of one day of a row (see month-layout.ts): the bars that start there, and an empty line for
 * a lane another bar crosses here (or a free one under a bar): room kept, nothing to read.
 */
export function BarLanes(props: { layout: WeekLayout<DaySpan & { item: Item }>; column: number; tz: string; row?: RowName }) {
  const { layout, column } = props
  return (
    <>
      {Array.from({ length: layout.lanes[column]! }, (_, lane) => {
        const bar = layout.bars.find((b) => b.column === column && b.lane === lane)
        return bar ? (
          <li class="cal-lane">
            <BarLink bar={bar} tz={props.tz} row={props.row} />
          </li>
        ) : (
          <li class="cal-lane" aria-hidden="true"></li>
        )
      })}
    </>
  )
}
