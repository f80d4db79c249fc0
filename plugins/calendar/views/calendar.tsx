/** @module Calendar pages: month / week / day / agenda grids, the event page and form, calendars and sharing. */
import { escapeHtml } from '@kitajs/html'
import type { Person } from '../../../core/plugins/points.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, PageHeader, Select, type FieldErrors } from '../../../views/components.tsx'
import type { AttendeeRow, CalendarView, EventForm, EventRow, Occurrence, TeamInfo } from '../service.ts'
import { COLORS } from '../service.ts'
import { DAY, toWall, wallDate, wallTime } from '../time.ts'
import { layoutDay, type Piece } from './layout.ts'
import { layoutWeek, type Bar, type DaySpan } from './month-layout.ts'

export type ViewName = 'month' | 'week' | 'day' | 'agenda'

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

/** A toggle in the layer list. */
export interface Layer {
  key: string
  label: string
  color: string
  shown: boolean
  kind: 'calendar' | 'source'
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

export function longDate(wallDay: number): string {
  const d = new Date(wallDay)
  return `${['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}
export function monthLabel(wallDay: number): string {
  const d = new Date(wallDay)
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

/** The wall-clock start (in the view zone; all-day items by their date) of an item. */
function wallStart(item: Item, tz: string): number {
  return item.allDay ? item.start.getTime() : toWall(item.start.getTime(), tz)
}
function wallEnd(item: Item, tz: string): number {
  return item.allDay ? item.end.getTime() : toWall(item.end.getTime(), tz)
}

/** Items on a day (wall midnight): all-day items covering it and timed items starting or running in it. */
function itemsOn(items: Item[], day: number, tz: string): Item[] {
  return items.filter((i) => {
    const s = wallStart(i, tz)
    const e = wallEnd(i, tz)
    if (i.allDay) return s < day + DAY && e > day
    return s < day + DAY && (e > day || (e === s && s >= day))
  })
}

function ItemLink(props: { item: Item; tz: string; showTime?: boolean }) {
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
  return i.href ? (
    <a class={`cal-item${i.layer ? ' cal-layer-item' : ''}`} data-color={i.color} href={i.href} title={label}>
      {body as 'safe'}
      <span class="visually-hidden" safe>{` (${i.source})`}</span>
    </a>
  ) : (
    <span class={`cal-item${i.layer ? ' cal-layer-item' : ''}`} data-color={i.color} title={label}>
      {body as 'safe'}
      <span class="visually-hidden" safe>{` (${i.source})`}</span>
    </span>
  )
}

function newHref(date: string, time?: string, allDay?: boolean): string {
  return `/calendar/new?date=${date}${time ? `&time=${time}` : ''}${allDay ? '&allDay=1' : ''}`
}

export function viewHref(view: ViewName, date: string, tz: string | undefined): string {
  return `/calendar?view=${view}&date=${date}${tz ? `&tz=${encodeURIComponent(tz)}` : ''}`
}

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
  const safeTime = piece.before ? `until ${end}` : piece.end > piece.start ? `${start}&ndash;${end}` : start
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

/**
 * Week and day grids: an all-day row, then one column per day in which timed items span their
 * rows (half hours) and overlapping ones sit side by side. Under them, every hour links to a new
 * event there; the links and items come in time order for the keyboard.
 */
export function TimeGrid(props: { days: number[]; items: Item[]; tz: string; today: number; tzParam?: string }) {
  const hours = Array.from({ length: 24 }, (_, h) => h)
  const timed = props.items.filter((i) => !inAllDayRow(i)).map((item) => ({ item, start: wallStart(item, props.tz), end: wallEnd(item, props.tz) }))
  const long = props.items.filter(inAllDayRow)
  const maxLanes = props.days.length === 1 ? 6 : 3
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
            {props.days.map((day) => (
              <td class="cal-slot">
                <a href={newHref(wallDate(day), undefined, true)} class="cal-add" aria-label={`New all-day event on ${longDate(day)}`}>
                  +
                </a>
                <ul class="cal-items">
                  {long
                    .filter((i) => wallStart(i, props.tz) < day + DAY && wallEnd(i, props.tz) > day)
                    .map((i) => (
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
                          <a href={newHref(wallDate(day), hh)} class={`cal-add cal-slot-link cal-r-${h * 2} cal-h-2`} aria-label={`New event on ${longDate(day)} at ${hh}`}>
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

/** Checkboxes for calendars and layers; saved per user. */
export function LayerForm(props: { layers: Layer[]; csrf: string | undefined; back: string }) {
  const cals = props.layers.filter((l) => l.kind === 'calendar')
  const sources = props.layers.filter((l) => l.kind === 'source')
  const group = (title: string, list: Layer[]) =>
    list.length ? (
      <fieldset>
        <legend safe>{title}</legend>
        {list.map((l) => (
          <label class="cal-layer">
            <input type="checkbox" name="shown" value={l.key} checked={l.shown} />
            <span class="cal-swatch" data-color={l.color} aria-hidden="true"></span>
            <span safe>{l.label}</span>
          </label>
        ))}
      </fieldset>
    ) : (
      ''
    )
  const shown = props.layers.filter((l) => l.shown).length
  // Folded on phones (the checkboxes pushed the grid ~700 px down), summary first so the tab order
  // is the visual order; on wide screens app.css shows the content and hides the summary.
  return (
    <details class="cal-layer-panel">
      <summary>
        Calendars and layers{' '}
        <span class="muted" safe>
          {`(${shown} of ${props.layers.length} shown)`}
        </span>
      </summary>
      <form method="post" action="/calendar/layers" class="cal-layers">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="back" value={props.back} />
        {props.layers.map((l) => (
          <input type="hidden" name="all" value={l.key} />
        ))}
        {group('My calendars', cals)}
        {group('Other layers', sources)}
        {props.layers.length ? <button type="submit" class="secondary outline">Show selected</button> : <p class="muted">No calendars yet.</p>}
      </form>
    </details>
  )
}

/** The time zone input with suggestions. */
export function ZoneInput(props: { name: string; value: string; error?: string; label?: string; id?: string }) {
  const id = props.id ?? `f-${props.name}`
  return (
    <label for={id}>
      <span safe>{props.label ?? 'Time zone'}</span>
      <input id={id} name={props.name} value={props.value} list="cal-zones" autocomplete="off" aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-error` : undefined} />
      {props.error ? (
        <small id={`${id}-error`} class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </label>
  )
}

let zoneList: string | undefined
/** A datalist of IANA zones (built once). */
export function ZoneList() {
  if (!zoneList) {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York']
    zoneList = (
      <datalist id="cal-zones">
        {['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => (
          <option value={z} />
        ))}
      </datalist>
    ) as string
  }
  return zoneList
}

/** "09:00&ndash;09:30" (wall times we made, so trusted) or "All day": written with the entity, the page stays one-byte. */
function safeSpan(i: Item, tz: string): string {
  return i.allDay ? 'All day' : `${wallTime(toWall(i.start.getTime(), tz))}&ndash;${wallTime(toWall(i.end.getTime(), tz))}`
}

const REPEATS = [
  { value: '', label: 'Does not repeat' },
  { value: 'FREQ=DAILY', label: 'Every day' },
  { value: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', label: 'Every weekday (Mon to Fri)' },
  { value: 'FREQ=WEEKLY', label: 'Every week' },
  { value: 'FREQ=MONTHLY', label: 'Every month' },
  { value: 'FREQ=YEARLY', label: 'Every year' },
  { value: 'custom', label: 'Custom rule (RRULE)...' },
]

/** The preset matching a rule, or 'custom'. */
export function repeatOf(rrule: string): string {
  if (!rrule) return ''
  return REPEATS.some((r) => r.value === rrule) ? rrule : 'custom'
}

/** The new / edit event form. */
export function EventFormView(props: {
  action: string
  csrf: string | undefined
  values: EventForm
  errors: FieldErrors
  error?: string
  calendars: Pick<CalendarView, 'id' | 'name' | 'ownerLabel'>[]
  members: Person[]
  /** For edits of recurring events: the occurrence and the chosen scope. */
  occurrence?: string
  scope?: string
  recurring?: boolean
  submit: string
  cancel: string
}) {
  const v = props.values
  const repeat = repeatOf(v.rrule)
  return (
    <form method="post" action={props.action} class="cal-form medium-form">
      <CsrfField token={props.csrf} />
      <FormError message={props.error} />
      {props.occurrence ? <input type="hidden" name="occurrence" value={props.occurrence} /> : ''}
      {props.recurring ? (
        <fieldset class="cal-scope">
          <legend>Change</legend>
          {[
            ['this', 'This event'],
            ['following', 'This and following events'],
            ['all', 'All events'],
          ].map(([value, label]) => (
            <label>
              <input type="radio" name="scope" value={value} checked={(props.scope ?? 'this') === value} />
              <span safe>{label}</span>
            </label>
          ))}
          <small>{'&ldquo;This event&rdquo; changes the title, place, notes and time of one occurrence only.'}</small>
        </fieldset>
      ) : (
        ''
      )}
      <Field name="title" label="Title" value={v.title} error={props.errors.title} required maxlength={200} autofocus />
      <Select name="calendarId" label="Calendar" value={v.calendarId} error={props.errors.calendarId} options={props.calendars.map((c) => ({ value: c.id, label: `${c.name} (${c.ownerLabel})` }))} />
      <label class="cal-check">
        <input type="checkbox" name="allDay" value="1" checked={v.allDay} />
        <span>All day</span>
      </label>
      <div class="grid cal-when-fields">
        <Field name="startDate" label="Start date" type="date" value={v.startDate} error={props.errors.startDate} required />
        <Field name="startTime" label="Start time" type="time" value={v.startTime} error={props.errors.startTime} hint="Ignored for all-day events" />
        <Field name="endDate" label="End date" type="date" value={v.endDate} error={props.errors.endDate} />
        <Field name="endTime" label="End time" type="time" value={v.endTime} error={props.errors.endTime} />
      </div>
      <ZoneInput name="timeZone" value={v.timeZone} error={props.errors.timeZone} />
      <div class="grid">
        <Select name="repeat" label="Repeat" value={repeat} options={REPEATS} error={props.errors.repeat} />
        <Field name="rrule" label="Custom rule (RRULE)" value={repeat === 'custom' ? v.rrule : ''} error={props.errors.rrule} placeholder="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10" hint='Used when Repeat is "Custom rule"' />
      </div>
      <Field name="location" label="Location" value={v.location} error={props.errors.location} maxlength={300} />
      <label for="f-description">
        <span>Description</span>
        <textarea id="f-description" name="description" rows="4" aria-invalid={props.errors.description ? 'true' : undefined} safe>
          {v.description}
        </textarea>
        {props.errors.description ? (
          <small class="field-error" safe>
            {props.errors.description}
          </small>
        ) : (
          ''
        )}
      </label>
      <fieldset class="cal-attendees">
        <legend>Attendees</legend>
        {props.members.length === 0 ? <p class="muted">No members to invite.</p> : ''}
        {props.members.map((m) => (
          <label>
            <input type="checkbox" name="attendeeIds" value={m.id} checked={v.attendeeIds.includes(m.id)} />
            <span safe>{m.name}</span>
          </label>
        ))}
        {props.errors.attendeeIds ? (
          <small class="field-error" safe>
            {props.errors.attendeeIds}
          </small>
        ) : (
          ''
        )}
      </fieldset>
      <Field name="reminders" label="Reminders (minutes before, comma separated)" value={v.reminders} error={props.errors.reminders} placeholder="10, 60" inputmode="numeric" />
      <div class="cal-form-actions">
        <button type="submit" safe>
          {props.submit}
        </button>
        <a href={props.cancel} class="secondary">
          Cancel
        </a>
      </div>
      {ZoneList() as 'safe'}
    </form>
  )
}

const RSVP_LABEL: Record<string, string> = { 'needs-action': 'No answer yet', accepted: 'Going', declined: 'Not going', tentative: 'Maybe' }

/** One event (or occurrence): when, where, who; RSVP, edit and delete. */
export function EventPage(props: {
  event: EventRow
  occ: Occurrence
  calendar: CalendarView | undefined
  attendees: AttendeeRow[]
  people: Map<string, Person>
  viewerId: string
  canEdit: boolean
  csrf: string | undefined
  tz: string
  thread: string
}) {
  const { event, occ } = props
  const tz = props.tz
  // dates and times we format, the zone escaped: the dashes as entities keep the page one-byte
  const safeWhen = occ.allDay
    ? occ.end.getTime() - occ.start.getTime() <= DAY
      ? `${longDate(occ.start.getTime())}, all day`
      : `${longDate(occ.start.getTime())} &ndash; ${longDate(occ.end.getTime() - DAY)}, all day`
    : `${longDate(toWall(occ.start.getTime(), tz) - (toWall(occ.start.getTime(), tz) % DAY))}, ${wallTime(toWall(occ.start.getTime(), tz))}&ndash;${wallTime(toWall(occ.end.getTime(), tz))} (${escapeHtml(tz)})`
  const mine = props.attendees.find((a) => a.userId === props.viewerId)
  const occParam = occ.recurring ? `?occurrence=${encodeURIComponent(occ.originalStart.toISOString())}` : ''
  return (
    <>
      <PageHeader title={occ.title} subtitle={props.calendar ? `${props.calendar.name} · ${props.calendar.ownerLabel}` : 'Invitation'}>
        {props.canEdit ? (
          <a href={`/calendar/events/${event.id}/edit${occParam}`} role="button">
            Edit
          </a>
        ) : (
          ''
        )}
        <a href={viewHref('week', wallDate(occ.allDay ? occ.start.getTime() : toWall(occ.start.getTime(), tz)), undefined)} role="button" class="secondary outline">
          Back to calendar
        </a>
      </PageHeader>
      <dl class="cal-details">
        <dt>When</dt>
        <dd>{safeWhen as 'safe'}</dd>
        {!occ.allDay && tz !== event.timeZone ? (
          <>
            <dt>Event time zone</dt>
            <dd>{`${wallTime(toWall(occ.start.getTime(), event.timeZone))}&ndash;${wallTime(toWall(occ.end.getTime(), event.timeZone))} ${escapeHtml(event.timeZone)}` as 'safe'}</dd>
          </>
        ) : (
          ''
        )}
        {event.rrule ? (
          <>
            <dt>Repeats</dt>
            <dd>
              {REPEATS.some((r) => r.value === event.rrule) ? <span safe>{REPEATS.find((r) => r.value === event.rrule)!.label}</span> : <code safe>{event.rrule}</code>}
              {occ.overridden ? <span class="badge"> this occurrence was changed</span> : ''}
            </dd>
          </>
        ) : (
          ''
        )}
        {occ.location ? (
          <>
            <dt>Location</dt>
            <dd safe>{occ.location}</dd>
          </>
        ) : (
          ''
        )}
        {event.reminders.length ? (
          <>
            <dt>Reminders</dt>
            <dd safe>{event.reminders.map((m) => `${m} min before`).join(', ')}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      {occ.description ? (
        <p class="cal-description" safe>
          {occ.description}
        </p>
      ) : (
        ''
      )}
      <section class="section">
        <h2>Attendees</h2>
        {props.attendees.length === 0 ? (
          <p class="muted">Nobody is invited.</p>
        ) : (
          <ul class="cal-attendee-list">
            {props.attendees.map((a) => (
              <li>
                <span safe>{props.people.get(a.userId)?.name ?? 'Former member'}</span>{' '}
                <span class={`badge ${a.rsvp === 'accepted' ? 'badge-ok' : a.rsvp === 'declined' ? 'badge-danger' : ''}`} safe>
                  {RSVP_LABEL[a.rsvp] ?? a.rsvp}
                </span>
              </li>
            ))}
          </ul>
        )}
        {mine ? (
          <form method="post" action={`/calendar/events/${event.id}/rsvp`} class="row-form cal-rsvp">
            <CsrfField token={props.csrf} />
            <span>Going?</span>
            {(['accepted', 'tentative', 'declined'] as const).map((s) => (
              <button type="submit" name="rsvp" value={s} class={mine.rsvp === s ? '' : 'secondary outline'} aria-pressed={mine.rsvp === s ? 'true' : 'false'} safe>
                {RSVP_LABEL[s]}
              </button>
            ))}
          </form>
        ) : (
          ''
        )}
      </section>
      {props.canEdit ? (
        <section class="section">
          <h2>Delete</h2>
          <form method="post" action={`/calendar/events/${event.id}/delete`} class="cal-delete">
            <CsrfField token={props.csrf} />
            {occ.recurring ? (
              <>
                <input type="hidden" name="occurrence" value={occ.originalStart.toISOString()} />
                <fieldset>
                  <legend>Which events</legend>
                  <label>
                    <input type="radio" name="scope" value="this" checked />
                    <span>This event</span>
                  </label>
                  <label>
                    <input type="radio" name="scope" value="following" />
                    <span>This and following events</span>
                  </label>
                  <label>
                    <input type="radio" name="scope" value="all" />
                    <span>All events</span>
                  </label>
                </fieldset>
              </>
            ) : (
              ''
            )}
            <button type="submit" class="outline danger" data-confirm="Delete this event?">
              Delete
            </button>
          </form>
        </section>
      ) : (
        ''
      )}
      {props.thread as 'safe'}
    </>
  )
}

const COLOR_NAMES: Record<string, string> = {
  '#2563eb': 'Blue',
  '#16a34a': 'Green',
  '#dc2626': 'Red',
  '#9333ea': 'Purple',
  '#ea580c': 'Orange',
  '#0891b2': 'Teal',
  '#ca8a04': 'Amber',
  '#db2777': 'Pink',
}

/** The color choices, with `current` kept when it is not one of them (set through the API, or typed). */
function colorOptions(current?: string): { value: string; label: string }[] {
  const list = COLORS.map((c) => ({ value: c, label: COLOR_NAMES[c] ?? c }))
  if (current && !COLORS.includes(current)) list.push({ value: current, label: current })
  return list
}

/** Renaming and recoloring a calendar. */
export function CalendarEditPage(props: { calendar: CalendarView; values: { name: string; color: string }; errors: FieldErrors; error?: string; csrf: string | undefined }) {
  const c = props.calendar
  return (
    <>
      <PageHeader title="Edit calendar" subtitle={`${c.name} · ${c.ownerLabel}`}>
        <a href="/calendar/calendars" role="button" class="secondary outline">
          Back to calendars
        </a>
      </PageHeader>
      <FormError message={props.error} />
      <form method="post" action={`/calendar/calendars/${c.id}`} class="narrow-form">
        <CsrfField token={props.csrf} />
        <Field name="name" label="Name" value={props.values.name} error={props.errors.name} required maxlength={80} autofocus />
        <Select name="color" label="Color" value={props.values.color} options={colorOptions(props.values.color)} error={props.errors.color} />
        <div class="cal-form-actions">
          <button type="submit">Save</button>
          <a href="/calendar/calendars" class="secondary">
            Cancel
          </a>
        </div>
      </form>
    </>
  )
}

/** Calendars, sharing, subscription and import. */
export function CalendarsPage(props: {
  calendars: CalendarView[]
  shares: Map<string, { userId: string; access: string }[]>
  members: Person[]
  /** Teams the viewer may make a calendar for. */
  teams: TeamInfo[]
  viewerId: string
  canWrite: boolean
  canManage: boolean
  csrf: string | undefined
  errors: FieldErrors
  error?: string
  values: Record<string, string>
  feed: { has: boolean; urls?: { https: string; webcal: string } }
  importReport?: { imported: string[]; skipped: { title: string; reason: string }[] }
}) {
  const people = new Map(props.members.map((m) => [m.id, m]))
  const kinds = [{ value: 'user', label: 'Personal' }]
  if (props.teams.length) kinds.push({ value: 'team', label: 'Team' })
  if (props.canManage) kinds.push({ value: 'org', label: 'Organization' })
  const writable = props.calendars.filter((c) => c.canEdit)
  return (
    <>
      <PageHeader title="Calendars" subtitle="Your calendars, sharing, subscription and import">
        <a href="/calendar" role="button" class="secondary outline">
          Back to calendar
        </a>
      </PageHeader>
      <FormError message={props.error} />
      {props.importReport ? (
        <section class="section cal-import-report" role="status">
          <h2>Import finished</h2>
          <p safe>{`${props.importReport.imported.length} imported, ${props.importReport.skipped.length} skipped.`}</p>
          {props.importReport.skipped.length ? (
            <ul>
              {props.importReport.skipped.map((s) => (
                <li safe>{`${s.title}: ${s.reason}`}</li>
              ))}
            </ul>
          ) : (
            ''
          )}
        </section>
      ) : (
        ''
      )}
      <section class="section">
        <h2>Your calendars</h2>
        {props.calendars.length === 0 ? (
          <EmptyState title="No calendars yet">
            <p>Create one below; a personal calendar is also made when you add your first event.</p>
          </EmptyState>
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">Calendar</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Access</th>
                  <th scope="col">Shared with</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.calendars.map((c) => (
                  <tr>
                    <td>
                      <span class="cal-swatch" data-color={c.color} aria-hidden="true"></span> <span safe>{c.name}</span>
                    </td>
                    <td data-label="Owner" safe>{c.shared ? `Shared by ${people.get(c.ownerId)?.name ?? 'someone'}` : c.ownerLabel}</td>
                    <td data-label="Access">{c.canManage ? 'Owner' : c.canEdit ? 'Edit' : 'Read'}</td>
                    <td data-label="Shared with">
                      {c.canManage ? (
                        <>
                          {(props.shares.get(c.id) ?? []).length ? (
                            <ul class="team-members">
                              {(props.shares.get(c.id) ?? []).map((s) => (
                                <li>
                                  <span safe>{`${people.get(s.userId)?.name ?? 'Former member'} (${s.access})`}</span>
                                  <ActionButton action={`/calendar/calendars/${c.id}/shares/${s.userId}/delete`} csrf={props.csrf} label="Stop sharing" />
                                </li>
                              ))}
                            </ul>
                          ) : (
                            ''
                          )}
                          {c.ownerKind === 'user' ? (
                            <form method="post" action={`/calendar/calendars/${c.id}/shares`} class="row-form">
                              <CsrfField token={props.csrf} />
                              <label class="visually-hidden" for={`share-user-${c.id}`}>
                                Member
                              </label>
                              <select id={`share-user-${c.id}`} name="userId">
                                {props.members
                                  .filter((m) => m.id !== props.viewerId)
                                  .map((m) => (
                                    <option value={m.id} safe>
                                      {m.name}
                                    </option>
                                  ))}
                              </select>
                              <label class="visually-hidden" for={`share-access-${c.id}`}>
                                Access
                              </label>
                              <select id={`share-access-${c.id}`} name="access">
                                <option value="read">Read</option>
                                <option value="edit">Edit</option>
                              </select>
                              <button type="submit" class="secondary">
                                Share
                              </button>
                            </form>
                          ) : (
                            ''
                          )}
                          {(props.shares.get(c.id) ?? []).length === 0 && c.ownerKind !== 'user' ? <span class="muted">{'&mdash;'}</span> : ''}
                        </>
                      ) : (
                        <span class="muted">{'&mdash;'}</span>
                      )}
                    </td>
                    <td class="row-actions">
                      {c.canManage ? (
                        <>
                          <a href={`/calendar/calendars/${c.id}/edit`} role="button" class="secondary outline cal-edit-link" aria-label={`Rename or recolor ${c.name}`}>
                            Rename or recolor
                          </a>{' '}
                          <ActionButton action={`/calendar/calendars/${c.id}/delete`} csrf={props.csrf} label="Delete calendar" class="outline danger" confirm={`Delete the calendar and all its events?`} />
                        </>
                      ) : (
                        ''
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {props.canWrite ? (
        <section class="section">
          <h2>New calendar</h2>
          <form method="post" action="/calendar/calendars" class="narrow-form">
            <CsrfField token={props.csrf} />
            <Field name="name" label="Name" value={props.values.name} error={props.errors.name} required maxlength={80} />
            <Select name="color" label="Color" value={props.values.color ?? COLORS[0]} options={colorOptions(props.values.color)} error={props.errors.color} />
            <Select name="ownerKind" label="Belongs to" value={props.values.ownerKind ?? 'user'} options={kinds} error={props.errors.ownerKind} />
            {props.teams.length ? <Select name="ownerId" label="Team (for team calendars)" value={props.values.ownerId} options={props.teams.map((t) => ({ value: t.id, label: t.name }))} error={props.errors.ownerId} /> : ''}
            <button type="submit">Create calendar</button>
          </form>
        </section>
      ) : (
        ''
      )}
      <section class="section">
        <h2>Subscribe</h2>
        <p>A private address other calendar apps can subscribe to. It shows your calendars and the ones shared with you; anyone with the address can read them.</p>
        {props.feed.urls ? (
          <div class="secret">
            <p>Copy the address now; it is shown only once.</p>
            <p>
              <code id="cal-feed-https" safe>
                {props.feed.urls.https}
              </code>{' '}
              <button type="button" class="secondary outline" data-copy="#cal-feed-https">
                Copy
              </button>
            </p>
            <p>
              <code id="cal-feed-webcal" safe>
                {props.feed.urls.webcal}
              </code>{' '}
              <button type="button" class="secondary outline" data-copy="#cal-feed-webcal">
                Copy
              </button>
            </p>
          </div>
        ) : props.feed.has ? (
          <p class="muted">You have a subscription address. Make a new one if you lost it (the old one stops working).</p>
        ) : (
          ''
        )}
        <div class="row-form">
          <ActionButton action="/calendar/feed-token" csrf={props.csrf} label={props.feed.has ? 'Make a new address' : 'Make an address'} class="secondary" />
          {props.feed.has ? <ActionButton action="/calendar/feed-token/delete" csrf={props.csrf} label="Revoke" confirm="Stop the subscription address?" /> : ''}
        </div>
      </section>
      {writable.length ? (
        <section class="section">
          <h2>Import</h2>
          <form method="post" action="/calendar/import" enctype="multipart/form-data" class="narrow-form">
            <CsrfField token={props.csrf} />
            <Select name="calendarId" label="Into calendar" value={props.values.calendarId} options={writable.map((c) => ({ value: c.id, label: c.name }))} error={props.errors.calendarId} id="f-import-calendar" />
            <label for="f-file">
              <span>iCalendar file (.ics)</span>
              <input id="f-file" type="file" name="file" accept=".ics,text/calendar" required aria-invalid={props.errors.file ? 'true' : undefined} />
              {props.errors.file ? (
                <small class="field-error" safe>
                  {props.errors.file}
                </small>
              ) : (
                ''
              )}
            </label>
            <ZoneInput name="timeZone" label="Time zone for times without one" value={props.values.timeZone ?? 'UTC'} error={props.errors.timeZone} id="f-import-zone" />
            <button type="submit">Import</button>
            {ZoneList() as 'safe'}
          </form>
        </section>
      ) : (
        ''
      )}
    </>
  )
}
