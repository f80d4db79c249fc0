/** @module The month grid: chips for one-day items, bars across the days of longer ones. */
import { DAY, wallDate } from '../time.ts'
import { BarLanes, daySpan } from './bars.tsx'
import { ItemLink, WEEKDAYS, longDate, monthLabel, newHref, viewHref, type Item } from './items.tsx'
import { layoutWeek } from './month-layout.ts'

/** Lines a month cell shows (bar lanes and chips, "n more" included) when it has few bars. */
const MONTH_LINES = 4
/** Chips a cell shows under any number of bars (then "n more"): a busy row grows rather than fold its meetings away. */
const MIN_CHIP_LINES = 3
/** Bar lanes a week row draws at most. */
const MONTH_LANES = 3

/** The calendar's own events go before a layer's items (planning's cycles, due dates) in a month row. */
const ownEventsFirst = (s: { item: Item }) => !s.item.layer

/**
 * The month grid: six weeks from the first day of the week (Monday unless the calendar setting says) on or before the 1st. Items of two days or more are one
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
            {[0, 1, 2, 3, 4, 5, 6].map((d) => (
              <th scope="col" safe>{WEEKDAYS[(new Date(props.gridStart + d * DAY).getUTCDay() + 6) % 7]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => {
            const layout = layoutWeek(spans, week, MONTH_LANES, ownEventsFirst)
            return (
              <tr>
                {[0, 1, 2, 3, 4, 5, 6].map((d) => {
                  const day = week + d * DAY
                  const date = wallDate(day)
                  const cls = ['cal-cell', new Date(day).getUTCMonth() !== month ? 'cal-other' : '', day === props.today ? 'cal-today' : ''].filter(Boolean).join(' ')
                  const lanes = layout.lanes[d]!
                  const chips = layout.chips[d]!.map((s) => s.item)
                  const room = Math.max(MIN_CHIP_LINES, MONTH_LINES - lanes)
                  // "more" takes the last of four lines; under bars it is a line of its own
                  const shown = chips.length > room ? chips.slice(0, Math.max(MIN_CHIP_LINES, room - 1)) : chips
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
                        <BarLanes layout={layout} column={d} tz={props.tz} />
                        {shown.map((i) => (
                          <li>
                            <ItemLink item={i} tz={props.tz} />
                          </li>
                        ))}
                        {more > 0 ? (
                          <li>
                            <a href={viewHref('day', date, props.tzParam)} class="cal-more" aria-label={`${more} more on ${longDate(day)}`}>
                              <span class="cal-more-n" safe>
                                {String(more)}
                              </span>
                              <span class="cal-more-word"> more</span>
                            </a>
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
