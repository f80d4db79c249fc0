/** @module The month grid: chips for one-day items, bars across the days of longer ones. */
import { DAY, toWall, wallDate, wallTime } from '../time.ts'
import { ItemLink, WEEKDAYS, longDate, monthLabel, newHref, viewHref, wallEnd, wallStart, type Item } from './items.tsx'
import { layoutWeek, type Bar, type DaySpan } from './month-layout.ts'

/** The wall midnight of the day a wall time falls on. */
function dayOf(wall: number): number {
  return wall - (((wall % DAY) + DAY) % DAY)
}

/** An item's first and last day (wall midnights, inclusive) in the view zone. */
function daySpan(item: Item, tz: string): DaySpan & { item: Item } {
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

/**
 * An item of two days or more in one week row: one link drawn across its days (a `cal-span-<days>`
 * class sets the width over the next cells); its text says its dates, once per week row.
 */
function BarLink(props: { bar: Bar<DaySpan & { item: Item }>; tz: string }) {
  const { bar, tz } = props
  const span = bar.item
  const i = span.item
  const time = !i.allDay && !bar.before ? wallTime(toWall(i.start.getTime(), tz)) : ''
  const note = bar.before ? ', continued from the week before' : bar.after ? ', continues the week after' : ''
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
  return i.href ? (
    <a class={cls} data-color={i.color} href={i.href} title={label}>
      {body as 'safe'}
    </a>
  ) : (
    <span class={cls} data-color={i.color} title={label}>
      {body as 'safe'}
    </span>
  )
}

/** Lines a month cell shows (bar lanes and chips) before "n more". */
const MONTH_LINES = 4
/** Bar lanes a week row draws at most. */
const MONTH_LANES = 3

/**
 * The month grid: six weeks from the Monday on or before the 1st. Items of two days or more are one
 * bar across their days in each week row (see month-layout.ts), items of one day a chip in its cell.
 */
export function MonthGrid(props: { anchor: number; gridStart: number; items: Item[]; tz: string; today: number; tzParam?: string }) {
  const month = new Date(props.anchor).getUTCMonth()
  const spans = props.items.map((i) => daySpan(i, props.tz))
  const weeks = [0, 1, 2, 3, 4, 5].map((w) => props.gridStart + w * 7 * DAY)
  return (
    <div class="table-wrap">
      <table class="cal-month">
        <caption class="visually-hidden" safe>
          {monthLabel(props.anchor)}
        </caption>
        <thead>
          <tr>
            {WEEKDAYS.map((d) => (
              <th scope="col" safe>{d}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => {
            const layout = layoutWeek(spans, week, MONTH_LANES)
            return (
              <tr>
                {[0, 1, 2, 3, 4, 5, 6].map((d) => {
                  const day = week + d * DAY
                  const date = wallDate(day)
                  const cls = ['cal-cell', new Date(day).getUTCMonth() !== month ? 'cal-other' : '', day === props.today ? 'cal-today' : ''].filter(Boolean).join(' ')
                  const lanes = layout.lanes[d]!
                  const chips = layout.chips[d]!.map((s) => s.item)
                  const room = Math.max(0, MONTH_LINES - lanes)
                  const shown = chips.length > room ? chips.slice(0, Math.max(0, room - 1)) : chips
                  const more = chips.length - shown.length + layout.hidden[d]!.length
                  return (
                    <td class={cls}>
                      <div class="cal-cell-head">
                        <a href={viewHref('day', date, props.tzParam)} class="cal-daynum" aria-label={longDate(day)} safe>
                          {String(new Date(day).getUTCDate())}
                        </a>
                        <a href={newHref(date)} class="cal-add" aria-label={`New event on ${longDate(day)}`}>
                          +
                        </a>
                      </div>
                      <ul class="cal-items">
                        {Array.from({ length: lanes }, (_, lane) => {
                          const bar = layout.bars.find((b) => b.column === d && b.lane === lane)
                          // a lane another bar crosses here (or a free one under a bar): room kept, nothing to read
                          return bar ? (
                            <li class="cal-lane">
                              <BarLink bar={bar} tz={props.tz} />
                            </li>
                          ) : (
                            <li class="cal-lane" aria-hidden="true"></li>
                          )
                        })}
                        {shown.map((i) => (
                          <li>
                            <ItemLink item={i} tz={props.tz} />
                          </li>
                        ))}
                        {more > 0 ? (
                          <li>
                            <a href={viewHref('day', date, props.tzParam)} class="cal-more" safe>{`${more} more`}</a>
                          </li>
                        ) : (
                          ''
                        )}
                      </ul>
                    </td>
                  )
                })}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
