/** @module The week, 3-day and day grids: an all-day row over one column of half-hour rows per day. */
import { DAY, wallDate, wallTime } from '../time.ts'
import { ItemAnchor, ItemLink, WEEKDAYS, longDate, newHref, viewHref, wallEnd, wallStart, type Item } from './items.tsx'
import { BarLanes, daySpan } from './bars.tsx'
import { layoutDay, type Piece } from './layout.ts'
import { layoutWeek } from './month-layout.ts'

/** Whether an item goes in the all-day row of the week and day grids (all-day, or a day or longer). */
function inAllDayRow(i: Item): boolean {
  return i.allDay || i.end.getTime() - i.start.getTime() >= DAY
}

/** One timed item's piece in a day column: placed by classes (the CSP allows no inline styles). */
function PieceLink(props: { piece: Piece<Item>; day: number }) {
  const { piece, day } = props
  const i = piece.item
  const start = wallTime(piece.start)
  const end = wallTime(piece.end)
  // wall times are HH:MM we made: trusted; the dash as an entity keeps the page a one-byte string
  // (a piece of one or two rows keeps the end in a span its style hides or lets wrap away: "Stand-up
  // 08:30" fits where the range did not, and a narrow column keeps the start whole)
  const safeTime = piece.before ? `until ${end}` : piece.end > piece.start ? (piece.rows <= 2 ? `${start}<span class="cal-end">&ndash;${end}</span>` : `${start}&ndash;${end}`) : start
  const time = piece.before ? `until ${end}` : piece.end > piece.start ? `${start} to ${end}` : start
  const note = piece.before ? `, continued from ${longDate(day - DAY)}` : piece.after ? `, continues on ${longDate(day + DAY)}` : ''
  const cls = [
    'cal-item',
    'cal-piece',
    i.layer ? 'cal-layer-item' : '',
    `cal-r-${piece.row}`,
    `cal-h-${piece.rows}`,
    `cal-c-${piece.column}`,
    `cal-w-${piece.width}`,
    piece.rows <= 1 ? 'cal-short' : '',
    piece.before ? 'cal-cont-before' : '',
    piece.after ? 'cal-cont-after' : '',
  ]
    .filter(Boolean)
    .join(' ')
  const label = `${time} ${i.title} (${i.source})${note}`
  const body = (
    <>
      <span class="cal-time">{safeTime as 'safe'}</span>{' '}
      <span class="cal-title" safe>
        {i.title}
      </span>
      <span class="visually-hidden" safe>{` (${i.source})${note}`}</span>
    </>
  )
  return ItemAnchor({ item: i, class: cls, title: label, body: body as string })
}

/**
 * Week and day grids: an all-day row (in a week, items of two days or more are one bar across their
 * days, see month-layout.ts), then one column per day in which timed items span their
 * rows (half hours) and overlapping ones sit side by side. Under them, every hour links to a new
 * event there; the links and items come in time order for the keyboard. The slots are one tab stop
 * once calendar.js runs (a roving tabindex): the one rendered with tabindex="0" holds it first.
 */
export function TimeGrid(props: { days: number[]; items: Item[]; tz: string; today: number; tzParam?: string }) {
  const hours = Array.from({ length: 24 }, (_, h) => h)
  const timed = props.items.filter((i) => !inAllDayRow(i)).map((item) => ({ item, start: wallStart(item, props.tz), end: wallEnd(item, props.tz) }))
  const long = props.items.filter(inAllDayRow)
  const maxLanes = props.days.length === 1 ? 6 : 3
  // the week's (or 3 days') all-day row: an item of two days or more is one bar across them (as in the month grid)
  const n = props.days.length
  const allDay = n > 1 ? layoutWeek(long.map((i) => daySpan(i, props.tz)), props.days[0]!, Infinity, undefined, n) : undefined
  const row = n === 7 ? 'week' : 'days'
  // the grid's one tab stop (calendar.js takes the others' away): 09:00 of today, else of the first day
  const startDay = props.days.includes(props.today) ? props.today : props.days[0]
  return (
    <div class="table-wrap">
      <table class={`cal-timegrid cal-days-${props.days.length}`}>
        <thead>
          <tr>
            <th scope="col" class="cal-hour">
              <span class="visually-hidden">Time</span>
            </th>
            {props.days.map((day) => (
              <th scope="col" class={day === props.today ? 'cal-today' : ''}>
                <a href={viewHref('day', wallDate(day), props.tzParam)} safe>{`${WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7]} ${new Date(day).getUTCDate()}`}</a>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr class="cal-allday-row">
            <th scope="row" class="cal-hour">
              All day
            </th>
            {props.days.map((day, d) => (
              <td class="cal-slot">
                <a href={newHref(wallDate(day), undefined, true)} class="cal-add cal-allday-add" aria-label={`New all-day event on ${longDate(day)}`} data-date={wallDate(day)}>
                  +
                </a>
                <ul class="cal-items">
                  {allDay ? <BarLanes layout={allDay} column={d} tz={props.tz} row={row} /> : ''}
                  {(allDay ? allDay.chips[d]!.map((s) => s.item) : long.filter((i) => wallStart(i, props.tz) < day + DAY && wallEnd(i, props.tz) > day)).map((i) => (
                    <li>
                      <ItemLink item={i} tz={props.tz} showTime={!i.allDay && wallStart(i, props.tz) >= day} />
                    </li>
                  ))}
                </ul>
              </td>
            ))}
          </tr>
          <tr class="cal-timed-row">
            <th scope="row" class="cal-hour">
              <span class="visually-hidden">Times</span>
              <div class="cal-plane" aria-hidden="true">
                {hours.map((h) => (
                  <span class={`cal-hour-label cal-r-${h * 2} cal-h-2`} safe>{`${String(h).padStart(2, '0')}:00`}</span>
                ))}
              </div>
            </th>
            {props.days.map((day) => {
              const layout = layoutDay(timed, day, maxLanes)
              return (
                <td class={`cal-daycol${day === props.today ? ' cal-today' : ''}`}>
                  <div class={`cal-plane cal-lanes-${layout.columns}`}>
                    {hours.map((h) => {
                      const hh = `${String(h).padStart(2, '0')}:00`
                      return (
                        <>
                          <a
                            href={newHref(wallDate(day), hh)}
                            class={`cal-add cal-slot-link cal-r-${h * 2} cal-h-2`}
                            aria-label={`New event on ${longDate(day)} at ${hh}`}
                            data-date={wallDate(day)}
                            data-time={hh}
                            tabindex={day === startDay && h === 9 ? '0' : undefined}
                          >
                            +
                          </a>
                          {layout.pieces
                            .filter((pc) => Math.floor(pc.row / 2) === h)
                            .map((pc) => (
                              <PieceLink piece={pc} day={day} />
                            ))}
                          {layout.more
                            .filter((m) => Math.floor(m.row / 2) === h)
                            .map((m) => (
                              <a
                                href={viewHref(props.days.length === 1 ? 'agenda' : 'day', wallDate(day), props.tzParam)}
                                class={`cal-more cal-piece cal-r-${m.row} cal-h-${m.rows} cal-c-${m.column} cal-w-${m.width}`}
                                title={m.items.map((i) => i.title).join(', ')}
                                safe
                              >{`+${m.items.length} more`}</a>
                            ))}
                        </>
                      )
                    })}
                  </div>
                </td>
              )
            })}
          </tr>
        </tbody>
      </table>
    </div>
  )
}
