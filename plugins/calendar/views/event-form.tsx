/** @module The new / edit event form and its repeat presets. */
import type { Person } from '../../../core/plugins/points.ts'
import { CsrfField, Field, FormError, Select, type FieldErrors } from '../../../views/components.tsx'
import type { CalendarView, EditBase, EventForm, TeamInfo } from '../service.ts'
import { ReminderChoices } from './reminders.tsx'
import { describeRule, ruleWithoutEnd } from './repeat-text.ts'
import { CustomRepeatFields } from './repeat-custom.tsx'
import { defaultCustom, fitCustom, type CustomRepeat } from '../repeat-custom.ts'
import { ZoneInput, ZoneList } from './zones.tsx'
import { parseTime, type RuleEvent } from '../time.ts'

/** From how many people on the attendee list a filter box helps (calendar.js shows it). */
export const FILTER_FROM = 8

/**
 * What an edit form showed when it was loaded: the event's version and every field's value, sent
 * back with the save so that only the fields the user changed apply (event-edits.ts).
 */
function OriginalFields(props: { base: EditBase }) {
  const o = props.base.original
  const scalar = (['calendarId', 'title', 'description', 'location', 'timeZone', 'startDate', 'startTime', 'endDate', 'endTime', 'rrule', 'reminders'] as const).map((k) => <input type="hidden" name={`orig.${k}`} value={o[k]} />)
  return (
    <>
      <input type="hidden" name="version" value={String(props.base.version)} />
      {scalar}
      <input type="hidden" name="orig.allDay" value={o.allDay ? '1' : ''} />
      {o.attendeeIds.map((id) => (
        <input type="hidden" name="orig.attendeeIds" value={id} />
      ))}
    </>
  )
}

/**
 * The attendees: one checkbox per member (all a browser without JavaScript needs). calendar.js
 * adds a filter box for long lists and, when the organization has teams, "Add a team" that ticks
 * a team's members; both are hidden until it runs.
 */
function Attendees(props: { members: Person[]; teams: TeamInfo[]; chosen: string[]; error?: string }) {
  const { members, teams } = props
  const known = new Set(members.map((m) => m.id))
  const withMembers = teams.map((t) => ({ ...t, memberIds: t.memberIds.filter((id) => known.has(id)) })).filter((t) => t.memberIds.length > 0)
  return (
    <fieldset class="cal-attendees" aria-describedby={props.error ? 'f-attendees-error' : undefined}>
      <legend>Attendees</legend>
      {members.length === 0 ? <p class="muted">No members to invite.</p> : ''}
      {members.length >= FILTER_FROM || withMembers.length ? (
        <div class="cal-attendee-tools" hidden data-cal-attendee-tools>
          {members.length >= FILTER_FROM ? (
            // no <label> around it: the fieldset's labels are the inline checkboxes
            <input id="cal-attendee-filter" type="search" autocomplete="off" placeholder="Find people" aria-label="Find people" aria-controls="cal-people" data-cal-filter />
          ) : (
            ''
          )}
          {withMembers.length ? (
            <div class="row-form cal-team-add">
              <label for="cal-team" class="visually-hidden">
                Team to add
              </label>
              <select id="cal-team" data-cal-team>
                {withMembers.map((t) => (
                  <option value={t.id} data-members={t.memberIds.join(' ')} safe>{`${t.name} (${t.memberIds.length})`}</option>
                ))}
              </select>
              <button type="button" class="secondary outline" data-cal-team-add>
                Add a team
              </button>
            </div>
          ) : (
            ''
          )}
          <small class="muted" role="status" data-cal-people-status></small>
        </div>
      ) : (
        ''
      )}
      <div id="cal-people" class="cal-people">
        {members.map((m) => (
          <label class="cal-person" data-name={m.name}>
            <input type="checkbox" name="attendeeIds" value={m.id} checked={props.chosen.includes(m.id)} />
            <span safe>{m.name}</span>
          </label>
        ))}
      </div>
      <p class="muted" hidden data-cal-nobody>
        Nobody matches.
      </p>
      {props.error ? (
        <small id="f-attendees-error" class="field-error" safe>
          {props.error}
        </small>
      ) : (
        ''
      )}
    </fieldset>
  )
}

export const REPEATS = [
  { value: '', label: 'Does not repeat' },
  { value: 'FREQ=DAILY', label: 'Every day' },
  { value: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', label: 'Every weekday (Mon to Fri)' },
  { value: 'FREQ=WEEKLY', label: 'Every week' },
  { value: 'FREQ=MONTHLY', label: 'Every month' },
  { value: 'FREQ=YEARLY', label: 'Every year' },
  { value: 'pick', label: 'Custom...' },
  { value: 'custom', label: 'Advanced rule (RRULE)...' },
]

/**
 * What the Repeat select shows for a rule: '' or a preset; the rule itself when it is a preset with an
 * end (COUNT or UNTIL, as "This and following" leaves on the series it ends), offered as an option of
 * its own ("Every weekday (Mon to Fri), until 6 Dec 2026") so saving keeps the end; else 'custom'.
 */
export function repeatOf(rrule: string): string {
  if (!rrule) return ''
  if (REPEATS.some((r) => r.value === rrule)) return rrule
  const preset = ruleWithoutEnd(rrule).toUpperCase()
  return preset !== rrule.toUpperCase() && REPEATS.some((r) => r.value && r.value === preset) && describeRule(rrule) ? rrule : 'custom'
}

/** The Repeat select's options: the presets, plus the event's own preset-with-an-end first when it has one. */
function repeatOptions(rrule: string, repeat: string, ev?: RuleEvent): { value: string; label: string }[] {
  if (!repeat || repeat === 'custom' || repeat === 'pick' || REPEATS.some((r) => r.value === repeat)) return REPEATS
  return [REPEATS[0]!, { value: rrule, label: describeRule(rrule, ev) ?? rrule }, ...REPEATS.slice(1)]
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
  /** The organization's teams, for "Add a team" (none: no such control). */
  teams?: TeamInfo[]
  /** The viewer's time zone: first in the zone suggestions. */
  viewerZone?: string
  /** Edits: what the form showed when it was loaded (see OriginalFields). */
  base?: EditBase
  /** Edits whose occurrence is gone from the series: the values stay to copy, there is no saving them. */
  stale?: boolean
  /** For edits of recurring events: the occurrence and the chosen scope. */
  occurrence?: string
  scope?: string
  recurring?: boolean
  /**
   * A posted form's "Custom…" fields (Repeat was "Custom…"); `posted` without them: Repeat was a preset
   * or the RRULE box, shown as chosen. Neither (a loaded form): a rule the custom fields can say
   * exactly is shown in them, any other in the RRULE box.
   */
  custom?: CustomRepeat
  posted?: boolean
  submit: string
  cancel: string
}) {
  const v = props.values
  const fitted = props.posted || props.custom || repeatOf(v.rrule) !== 'custom' ? undefined : fitCustom(v.rrule, v)
  const custom = props.custom ?? fitted
  const repeat = custom ? 'pick' : repeatOf(v.rrule)
  return (
    <form method="post" action={props.action} class="cal-form medium-form">
      <CsrfField token={props.csrf} />
      <FormError message={props.error} />
      {props.base ? <OriginalFields base={props.base} /> : ''}
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
          {/* shown while "This event" is chosen (the CSS), when calendar.js disables those fields */}
          <small id="cal-series-note" class="cal-series-note">
            {'Calendar, all day, time zone, repeat, attendees and reminders apply to the whole series: choose &ldquo;All events&rdquo; or &ldquo;This and following events&rdquo; to change them.'}
          </small>
        </fieldset>
      ) : (
        ''
      )}
      <Field name="title" label="Title" value={v.title} error={props.errors.title} required maxlength={200} autofocus />
      <div class="cal-series-only">
        <Select name="calendarId" label="Calendar" value={v.calendarId} error={props.errors.calendarId} options={props.calendars.map((c) => ({ value: c.id, label: `${c.name} (${c.ownerLabel})` }))} />
        <label class="cal-check">
          <input type="checkbox" name="allDay" value="1" checked={v.allDay} aria-invalid={props.errors.allDay ? 'true' : undefined} />
          <span>All day</span>
        </label>
        {props.errors.allDay ? (
          <small class="field-error" safe>
            {props.errors.allDay}
          </small>
        ) : (
          ''
        )}
      </div>
      {/* one hint for both time fields (it sat under Start time only) */}
      <div class="grid cal-when-fields">
        <Field name="startDate" label="Start date" type="date" value={v.startDate} error={props.errors.startDate} required />
        <Field name="startTime" label="Start time" type="time" value={v.startTime} error={props.errors.startTime} />
        <Field name="endDate" label="End date" type="date" value={v.endDate} error={props.errors.endDate} />
        <Field name="endTime" label="End time" type="time" value={v.endTime} error={props.errors.endTime} />
      </div>
      <small id="cal-when-hint" class="cal-when-hint">
        Start and end times are ignored for all-day events.
      </small>
      <div class="cal-series-only">
        <ZoneInput name="timeZone" value={v.timeZone} error={props.errors.timeZone} hint="An IANA zone such as Europe/Berlin: type a city or region to pick one" />
        <div class="grid">
          <Select name="repeat" label="Repeat" value={repeat} options={repeatOptions(v.rrule, repeat, { timeZone: v.timeZone, allDay: v.allDay, startTime: parseTime(v.startTime) ?? 0 })} error={props.errors.repeat ?? (repeat === 'custom' ? undefined : props.errors.rrule)} />
          <Field name="rrule" label="Rule (RRULE)" value={repeat === 'custom' ? v.rrule : ''} error={repeat === 'custom' ? props.errors.rrule : undefined} placeholder="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10" hint='Used when Repeat is "Advanced rule (RRULE)"' />
        </div>
        <CustomRepeatFields value={custom ?? defaultCustom(v.startDate)} startDate={v.startDate} errors={props.errors} />
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
      <div class="cal-series-only">
        <Attendees members={props.members} teams={props.teams ?? []} chosen={v.attendeeIds} error={props.errors.attendeeIds} />
        <ReminderChoices value={v.reminders} error={props.errors.reminders} />
      </div>
      <div class="cal-form-actions">
        {props.stale ? (
          ''
        ) : (
          <button type="submit" safe>
            {props.submit}
          </button>
        )}
        <a href={props.cancel} class="secondary">
          Cancel
        </a>
      </div>
      {ZoneList(props.viewerZone) as 'safe'}
    </form>
  )
}
