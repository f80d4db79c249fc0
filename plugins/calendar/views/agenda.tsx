/** @module The agenda: the days of the next 30 with something on them. */
import { EmptyState } from '../../../views/components.tsx'
import { DAY, toWall, wallDate, wallTime } from '../time.ts'
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

/** The agenda: days with something on them, in order. */
export function Agenda(props: { from: number; days: number; items: Item[]; tz: string; tzParam?: string }) {
  const groups: { day: number; items: Item[] }[] = []
  for (let d = 0; d < props.days; d++) {
    const day = props.from + d * DAY
    const list = itemsOn(props.items, day, props.tz)
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
                <span class="cal-when">{safeSpan(i, props.tz) as 'safe'}</span>{' '}
                <ItemLink item={i} tz={props.tz} showTime={false} />
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  )
}

/** "09:00&ndash;09:30" (wall times we made, so trusted) or "All day": written with the entity, the page stays one-byte. */
function safeSpan(i: Item, tz: string): string {
  return i.allDay ? 'All day' : `${wallTime(toWall(i.start.getTime(), tz))}&ndash;${wallTime(toWall(i.end.getTime(), tz))}`
}
