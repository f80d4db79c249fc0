/** @module What the calendar grids draw: the item type, its link, the date words and the view and new-event addresses. */
import { escapeHtml } from '@kitajs/html'
import { toWall, wallTime } from '../time.ts'

/** The calendar's views; `3day` is three days from the chosen one (the week's stand-in on phones). */
export type ViewName = 'month' | 'week' | '3day' | 'day' | 'agenda'

/** A thing drawn in a grid: an event occurrence or a layer item. */
export interface Item {
  key: string
  title: string
  href?: string
  color: string
  allDay: boolean
  start: Date
  end: Date
  /** Calendar or layer name, shown to screen readers and in tooltips. */
  source: string
  layer: boolean
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

export function longDate(wallDay: number): string {
  const d = new Date(wallDay)
  return `${['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}
/**
 * A range of days as short as it reads: "25 &ndash; 31 Dec 2026", "25 Nov &ndash; 24 Dec 2026",
 * "28 Dec 2026 &ndash; 3 Jan 2027" (both days inclusive). `dash` is HTML (the entity keeps the page
 * Latin-1); pass " to " for plain text.
 */
export function compactRange(firstDay: number, lastDay: number, dash = ' &ndash; '): string {
  const a = new Date(firstDay)
  const b = new Date(lastDay)
  const month = (d: Date) => MONTHS[d.getUTCMonth()]!.slice(0, 3)
  const end = `${b.getUTCDate()} ${month(b)} ${b.getUTCFullYear()}`
  if (a.getUTCFullYear() !== b.getUTCFullYear()) return `${a.getUTCDate()} ${month(a)} ${a.getUTCFullYear()}${dash}${end}`
  if (a.getUTCMonth() !== b.getUTCMonth()) return `${a.getUTCDate()} ${month(a)}${dash}${end}`
  return `${a.getUTCDate()}${dash}${end}`
}

export function monthLabel(wallDay: number): string {
  const d = new Date(wallDay)
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

/** The wall-clock start (in the view zone; all-day items by their date) of an item. */
export function wallStart(item: Item, tz: string): number {
  return item.allDay ? item.start.getTime() : toWall(item.start.getTime(), tz)
}
export function wallEnd(item: Item, tz: string): number {
  return item.allDay ? item.end.getTime() : toWall(item.end.getTime(), tz)
}

export function ItemLink(props: { item: Item; tz: string; showTime?: boolean }) {
  const i = props.item
  const time = !i.allDay && props.showTime !== false ? wallTime(toWall(i.start.getTime(), props.tz)) : ''
  const label = `${time ? time + ' ' : ''}${i.title} (${i.source})`
  const body = (
    <>
      {time ? <span class="cal-time" safe>{time}</span> : ''}
      <span class="cal-title" safe>
        {i.title}
      </span>
    </>
  )
  return ItemAnchor({ item: i, class: `cal-item${i.layer ? ' cal-layer-item' : ''}`, title: label, body: `${body}<span class="visually-hidden">${escapeHtml(` (${i.source})`)}</span>` })
}

/** An item's link (a span when it has no page), carrying its colour and hover title; `body` is safe HTML. */
export function ItemAnchor(props: { item: Item; class: string; title: string; body: string }) {
  const { item: i } = props
  return i.href ? (
    <a class={props.class} data-color={i.color} href={i.href} title={props.title}>
      {props.body as 'safe'}
    </a>
  ) : (
    <span class={props.class} data-color={i.color} title={props.title}>
      {props.body as 'safe'}
    </span>
  )
}

export function newHref(date: string, time?: string, allDay?: boolean): string {
  return `/calendar/new?date=${date}${time ? `&time=${time}` : ''}${allDay ? '&allDay=1' : ''}`
}

export function viewHref(view: ViewName, date: string, tz: string | undefined): string {
  return `/calendar?view=${view}&date=${date}${tz ? `&tz=${encodeURIComponent(tz)}` : ''}`
}
