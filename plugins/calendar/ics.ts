/**
 * @module iCalendar (RFC 5545): the subscription feed built with ical-generator (RRULE, EXDATE,
 * RECURRENCE-ID overrides, VTIMEZONEs derived from the runtime's zone data) and .ics import parsed
 * with ical.js.
 */
import type icalGenerator from 'ical-generator'
import type ICALModule from 'ical.js'

// The iCalendar libraries load on first feed or import, not at start-up.
const ical = (...args: Parameters<typeof icalGenerator>) => ((require('ical-generator') as { default: typeof icalGenerator }).default)(...args)
let icalJs: typeof ICALModule | undefined
const ICAL_ = () => (icalJs ??= ((m: { default?: typeof ICALModule } & typeof ICALModule) => m.default ?? m)(require('ical.js')))
import { InputError } from '../../core/auth/accounts.ts'
import type { CalendarItem, Person } from '../../core/plugins/points.ts'
import type { AttendeeRow, CalendarService, CalendarView, EventForm, EventRow, OverrideRow, Viewer } from './service.ts'
import { DAY, FIRST_YEAR, LAST_YEAR, fromWall, icsUtc, isValidZone, onFirstOccurrence, ruleForAllDay, toWall, wallDate, wallTime, yearRangeText } from './time.ts'

// ---- VTIMEZONE from Intl

const vtzCache = new Map<string, string | null>()

function offsetAt(instant: number, tz: string): number {
  return Math.round((toWall(instant, tz) - instant) / 60_000)
}

function fmtOffset(min: number): string {
  const sign = min < 0 ? '-' : '+'
  const a = Math.abs(min)
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`
}

function icsLocal(wall: number): string {
  return new Date(wall).toISOString().replace(/[-:]/g, '').slice(0, 15)
}

/** The nth (1..4 or -1 for last) weekday `dow` (0 = Sunday) of a month, as a UTC date. */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month, 1)).getUTCDay()
    return Date.UTC(year, month, 1 + ((dow - first + 7) % 7) + (n - 1) * 7)
  }
  const lastDay = new Date(Date.UTC(year, month + 1, 0))
  return Date.UTC(year, month, lastDay.getUTCDate() - ((lastDay.getUTCDay() - dow + 7) % 7))
}

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']

/** A VTIMEZONE for `tz` with yearly rules from this year's transitions (ical-generator's generator hook). */
export function vtimezone(tz: string): string | null {
  if (vtzCache.has(tz)) return vtzCache.get(tz)!
  let out: string | null = null
  if (isValidZone(tz) && tz !== 'UTC') {
    const year = new Date().getUTCFullYear()
    const transitions: { at: number; from: number; to: number }[] = []
    let prev = offsetAt(Date.UTC(year, 0, 1), tz)
    for (let d = 1; d <= 366; d++) {
      const t = Date.UTC(year, 0, 1) + d * DAY
      const o = offsetAt(t, tz)
      if (o !== prev) {
        let lo = t - DAY
        let hi = t
        while (hi - lo > 60_000) {
          const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000
          if (offsetAt(mid, tz) === prev) lo = mid
          else hi = mid
        }
        transitions.push({ at: hi, from: prev, to: o })
        prev = o
      }
    }
    const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`]
    if (transitions.length === 0) {
      lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${fmtOffset(prev)}`, `TZOFFSETTO:${fmtOffset(prev)}`, 'END:STANDARD')
    } else {
      for (const tr of transitions) {
        const wall = tr.at + tr.from * 60_000 // local time just before the change
        const d = new Date(wall)
        const month = d.getUTCMonth()
        const dow = d.getUTCDay()
        const dom = d.getUTCDate()
        const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate()
        const n = dom + 7 > daysInMonth ? -1 : Math.ceil(dom / 7)
        const kind = tr.to > tr.from ? 'DAYLIGHT' : 'STANDARD'
        const start1970 = nthWeekday(1970, month, dow, n) + (wall % DAY)
        lines.push(
          `BEGIN:${kind}`,
          `DTSTART:${icsLocal(start1970)}`,
          `RRULE:FREQ=YEARLY;BYMONTH=${month + 1};BYDAY=${n}${DAYS[dow]}`,
          `TZOFFSETFROM:${fmtOffset(tr.from)}`,
          `TZOFFSETTO:${fmtOffset(tr.to)}`,
          `END:${kind}`,
        )
      }
    }
    lines.push('END:VTIMEZONE')
    out = lines.join('\r\n')
  }
  vtzCache.set(tz, out)
  return out
}

// ---- feed

const PARTSTAT: Record<string, string> = { 'needs-action': 'NEEDS-ACTION', accepted: 'ACCEPTED', declined: 'DECLINED', tentative: 'TENTATIVE' }

/** Control characters (C0, DEL, C1) and Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u

/**
 * A value ical-generator writes as it is (UID, NAME, RRULE): without its control characters, so a
 * stored value can never end the line and start properties of its own in someone's feed.
 */
export function icsRaw(value: string): string {
  return value.replace(new RegExp(CONTROL, 'gu'), '')
}

/** A calendar.source layer's items as a feed carries them. */
export interface FeedLayer {
  /** `src:<pluginId>:<sourceId>`: with the item's id, its stable UID. */
  key: string
  label: string
  items: CalendarItem[]
}

/**
 * A layer's items as VEVENTs: all-day ones on their UTC dates (as the grid draws them, the end day
 * exclusive), timed ones in UTC; free time (TRANSPARENT), since a due date keeps nobody busy. The UID
 * is the layer and the item's id, the same in every request, so a calendar app updates the item in
 * place when its date or title changes.
 */
function addLayers(cal: ReturnType<typeof ical>, baseUrl: string, layers: FeedLayer[]): void {
  for (const layer of layers) {
    for (const it of layer.items) {
      const start = it.allDay ? Math.floor(it.start.getTime() / DAY) * DAY : it.start.getTime()
      const end = it.allDay ? Math.max(start + DAY, Math.ceil((it.end?.getTime() ?? 0) / DAY) * DAY) : Math.max(start, it.end?.getTime() ?? start)
      cal.createEvent({
        id: icsRaw(`${layer.key}:${it.id}@coder-ide`),
        summary: it.title,
        allDay: it.allDay,
        start: new Date(start),
        end: new Date(end),
        url: it.href ? (it.href.startsWith('/') ? baseUrl + it.href : it.href) : undefined,
        categories: [{ name: layer.label }],
        transparency: 'TRANSPARENT' as never,
      })
    }
  }
}

/** The iCalendar text of a user's feed: its events, then the items of the layers it carries. */
export function buildFeed(input: { name: string; baseUrl: string; calendars: CalendarView[]; events: EventRow[]; overrides: OverrideRow[]; attendees: AttendeeRow[]; people: Map<string, Person>; layers?: FeedLayer[] }): string {
  const cal = ical({ name: icsRaw(input.name), prodId: { company: 'Coder IDE', product: 'Calendar', language: 'EN' }, timezone: { name: null, generator: vtimezone } as never })
  const calName = new Map(input.calendars.map((c) => [c.id, c.name]))
  for (const stored of input.events) {
    // DTSTART counts as an occurrence in iCalendar: a series stored on a start its rule skips goes out on its first
    const e = onFirstOccurrence(stored)
    const zone = e.allDay ? null : e.timeZone === 'UTC' ? null : e.timeZone
    const attendees = input.attendees
      .filter((a) => a.eventId === e.id)
      .map((a) => ({ p: input.people.get(a.userId), a }))
      .filter((x) => x.p)
      .map(({ p, a }) => ({ name: p!.name, email: p!.email, status: PARTSTAT[a.rsvp] as never, rsvp: true }))
    let repeating: string | undefined
    if (e.rrule) {
      const lines = [`RRULE:${icsRaw(e.allDay ? ruleForAllDay(e.rrule) : e.rrule)}`]
      for (const iso of e.exdates) {
        const t = Date.parse(iso)
        if (e.allDay) lines.push(`EXDATE;VALUE=DATE:${wallDate(t).replace(/-/g, '')}`)
        else if (zone) lines.push(`EXDATE;TZID=${zone}:${icsLocal(toWall(t, zone))}`)
        else lines.push(`EXDATE:${icsUtc(t)}`)
      }
      repeating = lines.join('\n')
    }
    const href = `${input.baseUrl}/calendar/events/${e.id}`
    const base = {
      id: icsRaw(e.uid),
      summary: e.title,
      description: e.description || undefined,
      location: e.location || undefined,
      allDay: e.allDay,
      timezone: zone,
      url: href,
      attendees,
      categories: calName.get(e.calendarId) ? [{ name: calName.get(e.calendarId)! }] : [],
      lastModified: e.updatedAt,
      created: e.createdAt,
      alarms: e.reminders.map((m) => ({ type: 'display' as never, trigger: m * 60, description: e.title })),
    }
    // ical-generator writes a Date's UTC fields after TZID=, so zoned times go in as wall clocks
    const at = (d: Date) => (zone ? new Date(toWall(d.getTime(), zone)) : d)
    cal.createEvent({ ...base, start: at(e.startAt), end: at(e.endAt), repeating })
    for (const o of input.overrides.filter((x) => x.eventId === e.id)) {
      cal.createEvent({
        ...base,
        summary: o.title,
        description: o.description || undefined,
        location: o.location || undefined,
        start: e.allDay ? o.startAt : at(o.startAt),
        end: e.allDay ? o.endAt : at(o.endAt),
        recurrenceId: e.allDay ? o.originalStart : at(o.originalStart),
        lastModified: o.updatedAt,
      })
    }
  }
  addLayers(cal, input.baseUrl, input.layers ?? [])
  return cal.toString()
}

// ---- import

/** What an import did. */
export interface ImportReport {
  imported: string[]
  skipped: { title: string; reason: string }[]
}

type IcalTime = InstanceType<typeof ICALModule.Time>

/** An instant of an ical.js time (UTC, a known IANA TZID, or floating read as `fallbackZone`). */
function instantOf(t: IcalTime, fallbackZone: string, tzParam?: unknown): { at: number; zone: string; date: boolean } {
  // checked on the year itself: Date.UTC reads years 0 to 99 as 1900 to 1999 (0001 became 1901)
  if (t.year < FIRST_YEAR || t.year > LAST_YEAR) throw new InputError(`${yearRangeText('dates')} (this one is in the year ${t.year}).`, 'dtstart')
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.isDate ? 0 : t.hour, t.isDate ? 0 : t.minute, t.isDate ? 0 : t.second)
  if (t.isDate) return { at: wall, zone: 'UTC', date: true }
  // the TZID parameter names the zone even when the file carries no VTIMEZONE for it
  const tzid = typeof tzParam === 'string' && tzParam ? tzParam : t.zone?.tzid
  if (tzid === 'UTC' || tzid === 'Z' || (!tzParam && t.zone === ICAL_().Timezone.utcTimezone)) return { at: wall, zone: fallbackZone, date: false }
  const zone = tzid && isValidZone(tzid) ? tzid : fallbackZone
  return { at: fromWall(wall, zone), zone, date: false }
}

/** The longest UID an import keeps (RFC 5545 sets none; 255 is what other calendars store). */
const MAX_UID = 255

/**
 * The UID an imported event keeps: the file's, when it is printable and at most 255 characters (so
 * importing the file again skips it), else a new one. ical.js turns an escaped `\n` into a real
 * newline, and the feed writes the UID as it is.
 */
export function importedUid(raw: string): string {
  const uid = raw.trim()
  if (uid && uid.length <= MAX_UID && !CONTROL.test(uid)) return uid
  return `${Bun.randomUUIDv7()}@import`
}

/** Imports the events of an .ics text into a calendar; 422 when the file cannot be read at all. */
export async function importIcs(svc: CalendarService, v: Viewer, calendarId: string, text: string, defaultZone: string): Promise<ImportReport> {
  const cal = await svc.calendar(v, calendarId)
  if (!cal.canEdit) throw new InputError('You may not add events to this calendar: choose another calendar.', 'calendarId', 403)
  if (!text.trim()) throw new InputError('The file is empty: choose an .ics file with events.', 'file')
  let root: InstanceType<typeof ICALModule.Component>
  try {
    const parsed = ICAL_().parse(text)
    root = new (ICAL_().Component)(parsed as never)
  } catch (err) {
    throw new InputError(`This is not an iCalendar file (${String((err as Error).message ?? err).slice(0, 120)}): choose an .ics file.`, 'file')
  }
  if (root.name !== 'vcalendar') throw new InputError('This is not an iCalendar file (no VCALENDAR): choose an .ics file.', 'file')
  const vevents = root.getAllSubcomponents('vevent')
  if (vevents.length === 0) throw new InputError('The file holds no events (VEVENT): choose an .ics file with events.', 'file')
  const report: ImportReport = { imported: [], skipped: [] }
  const inserted: EventRow[] = []
  const masters = new Map<string, EventRow>()
  const overrides: InstanceType<typeof ICALModule.Component>[] = []
  for (const ve of vevents) {
    if (ve.hasProperty('recurrence-id')) {
      overrides.push(ve)
      continue
    }
    const title = String(ve.getFirstPropertyValue('summary') ?? '').trim() || '(no title)'
    try {
      const fileUid = String(ve.getFirstPropertyValue('uid') ?? '').trim()
      const uid = importedUid(fileUid)
      if (await svc.eventByUid(v.orgId, calendarId, uid)) {
        report.skipped.push({ title, reason: 'Already in this calendar.' })
        continue
      }
      const dtstart = ve.getFirstPropertyValue('dtstart') as IcalTime | null
      if (!dtstart) {
        report.skipped.push({ title, reason: 'No start (DTSTART): add one to import it.' })
        continue
      }
      const tzOf = (name: string) => ve.getFirstProperty(name)?.getParameter('tzid')
      const s = instantOf(dtstart, defaultZone, tzOf('dtstart'))
      let endAt: number
      const dtend = ve.getFirstPropertyValue('dtend') as IcalTime | null
      const duration = ve.getFirstPropertyValue('duration') as InstanceType<typeof ICALModule.Duration> | null
      if (dtend) endAt = instantOf(dtend, s.zone, tzOf('dtend')).at
      else if (duration) endAt = s.at + duration.toSeconds() * 1000
      else endAt = s.date ? s.at + DAY : s.at
      if (s.date && endAt <= s.at) endAt = s.at + DAY
      if (!s.date && endAt <= s.at) endAt = s.at + 30 * 60_000
      const rruleProp = ve.getFirstPropertyValue('rrule') as InstanceType<typeof ICALModule.Recur> | null
      const form: EventForm = {
        calendarId,
        title: title.slice(0, 200),
        description: String(ve.getFirstPropertyValue('description') ?? '').slice(0, 10_000),
        location: String(ve.getFirstPropertyValue('location') ?? '').slice(0, 300),
        allDay: s.date,
        timeZone: s.date ? 'UTC' : s.zone,
        startDate: wallDate(s.date ? s.at : toWall(s.at, s.zone)),
        startTime: s.date ? '' : wallTime(toWall(s.at, s.zone)),
        endDate: wallDate(s.date ? endAt - DAY : toWall(endAt, s.zone)),
        endTime: s.date ? '' : wallTime(toWall(endAt, s.zone)),
        // checked (and counted against the user's rule budget) once, by svc.clean below
        rrule: rruleProp ? rruleProp.toString() : '',
        attendeeIds: [],
        reminders: '',
      }
      const exdates: string[] = []
      for (const p of ve.getAllProperties('exdate')) {
        for (const val of p.getValues() as IcalTime[]) exdates.push(new Date(instantOf(val, s.zone, p.getParameter('tzid')).at).toISOString())
      }
      if (!s.date && (form.startTime === form.endTime && form.startDate === form.endDate)) form.endTime = wallTime(toWall(s.at + 30 * 60_000, s.zone))
      // (a time the clocks skip, written by another program, is read as the time after the jump)
      const c = await svc.clean(v, form, { skippedTimes: true })
      const row = await svc.insertEvent(v.orgId, v.userId, { ...c, startAt: new Date(s.at), endAt: new Date(endAt) }, { uid, exdates })
      // changed occurrences name their series by the file's UID, even when it was replaced
      if (fileUid) masters.set(fileUid, row)
      inserted.push(row)
      report.imported.push(row.title)
    } catch (err) {
      report.skipped.push({ title, reason: err instanceof InputError ? err.message : 'It could not be read.' })
    }
  }
  for (const ve of overrides) {
    const title = String(ve.getFirstPropertyValue('summary') ?? '').trim() || '(no title)'
    try {
      const master = masters.get(String(ve.getFirstPropertyValue('uid') ?? '').trim())
      if (!master) {
        report.skipped.push({ title, reason: 'A changed occurrence of an event not in this file: import it with its series.' })
        continue
      }
      const zone = master.allDay ? 'UTC' : master.timeZone
      const tzOf = (name: string) => ve.getFirstProperty(name)?.getParameter('tzid')
      const rid = instantOf(ve.getFirstPropertyValue('recurrence-id') as IcalTime, zone, tzOf('recurrence-id')).at
      const status = String(ve.getFirstPropertyValue('status') ?? '').toUpperCase()
      if (status === 'CANCELLED') {
        await svc.addExdate(master.id, new Date(rid).toISOString())
        continue
      }
      const dtstart = ve.getFirstPropertyValue('dtstart') as IcalTime | null
      const start = dtstart ? instantOf(dtstart, zone, tzOf('dtstart')).at : rid
      const dtend = ve.getFirstPropertyValue('dtend') as IcalTime | null
      const end = dtend ? instantOf(dtend, zone, tzOf('dtend')).at : start + (master.endAt.getTime() - master.startAt.getTime())
      await svc.insertOverride(v.orgId, master.id, new Date(rid), {
        title: title.slice(0, 200),
        description: String(ve.getFirstPropertyValue('description') ?? '').slice(0, 10_000),
        location: String(ve.getFirstPropertyValue('location') ?? '').slice(0, 300),
        startAt: new Date(start),
        endAt: new Date(Math.max(end, start)),
      })
    } catch (err) {
      report.skipped.push({ title, reason: err instanceof InputError ? `A changed occurrence: ${err.message}` : 'A changed occurrence that could not be read.' })
    }
  }
  svc.announceImport(v, calendarId, inserted)
  return report
}
