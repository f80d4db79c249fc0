/** @module The agenda: the days of the next 30 with something on them. */
import { EmptyState } from '../../../views/components.tsx'
import { DAY, toWall, wallDate, wallTime } from '../time.ts'
import { daySpan } from './bars.tsx'
import { ItemLink, longDate, newHref, viewHref, wallEnd, wallStart, type Item } from './items.tsx'

/** Items on a day (wall midnight): all-day items covering it and timed items starting or running in it. */
function itemsOn(items: Item[], day: number, tz: string): Item[] {
  return items.filter((i) => {
    const s = wallStart(i, tz)
    const e = wallEnd(i, tz)
    if (i.allDay) return s < day + DAY && e > day
    return s < day + DAY && (e > day || (e === s && s >= day))
  })
}

/**
 * Whether an item shows on `day`: one of a single day always; an event of several days (an offsite, a
 * night shift) on each of its days, as Google Calendar lists it; a layer's item of several days (a
 * planning cycle of two weeks) once, on its first day in the range, so it does not fill every day.
 */
function listedOn(i: Item, span: { first: number; last: number }, day: number, from: number): boolean {
  return span.first === span.last || !i.layer || day === Math.max(span.first, from)
}

/**
 * The agenda: days with something on them, in order. An event of several days is a row on each of its
 * days ("Day 2 of 3"), with its dates on the first one shown; a layer's item of several days is listed
 * once, with its dates.
 */
export function Agenda(props: { from: number; days: number; items: Item[]; tz: string; tzParam?: string }) {
  const groups: { day: number; items: Item[] }[] = []
  const spans = new Map(props.items.map((i) => [i, daySpan(i, props.tz)]))
  for (let d = 0; d < props.days; d++) {
    const day = props.from + d * DAY
    const list = itemsOn(props.items, day, props.tz).filter((i) => listedOn(i, spans.get(i)!, day, props.from))
    if (list.length) groups.push({ day, items: list })
  }
  if (!groups.length)
    return (
      <EmptyState title="Nothing planned in these 30 days">
        <p>
          <a href={newHref(wallDate(props.from))}>Create an event</a>
        </p>
      </EmptyState>
    )
  return (
    <ol class="cal-agenda">
      {groups.map((g) => (
        <li>
          <h3>
            <a href={viewHref('day', wallDate(g.day), props.tzParam)} safe>{longDate(g.day)}</a>
          </h3>
          <ul>
            {g.items.map((i) => (
              <li>
                <span class="cal-when">{safeWhenOn(i, props.tz, spans.get(i)!, g.day, props.from) as 'safe'}</span>{' '}
                <ItemLink item={i} tz={props.tz} showTime={false} />
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  )
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** "25 Nov" of a wall midnight. */
function shortDate(day: number): string {
  const d = new Date(day)
  return `${d.getUTCDate()} ${MON[d.getUTCMonth()]}`
}

/**
 * "09:00&ndash;09:30" or "All day"; over several days its dates, "23 Nov &ndash; 6 Dec" (all day) or
 * "30 Nov 22:00 &ndash; 1 Dec 02:00" (wall times and dates we made, so trusted; written with the
 * entity, the page stays one-byte).
 */
function safeSpan(i: Item, tz: string, span: { first: number; last: number }): string {
  const start = wallTime(toWall(i.start.getTime(), tz))
  const end = wallTime(toWall(i.end.getTime(), tz))
  if (span.first !== span.last) return i.allDay ? `${shortDate(span.first)} &ndash; ${shortDate(span.last)}` : `${shortDate(span.first)} ${start} &ndash; ${shortDate(span.last)} ${end}`
  return i.allDay ? 'All day' : `${start}&ndash;${end}`
}

/**
 * What an item's row says on `day`: on the first day shown its time or dates (an event of several days
 * adds "day 1 of 3"), on its later days "Day 2 of 3" (and, for a timed event, "until 02:00" on its last).
 */
function safeWhenOn(i: Item, tz: string, span: { first: number; last: number }, day: number, from: number): string {
  const dates = safeSpan(i, tz, span)
  if (span.first === span.last || i.layer) return dates
  const nth = `${Math.round((day - span.first) / DAY) + 1} of ${Math.round((span.last - span.first) / DAY) + 1}`
  if (day === Math.max(span.first, from)) return `${dates} <span class="cal-day-of">(day ${nth})</span>`
  const until = !i.allDay && day === span.last ? `, until ${wallTime(toWall(i.end.getTime(), tz))}` : ''
  return `Day ${nth}${until}`
}
