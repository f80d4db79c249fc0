/** @module The new / edit event form and its repeat presets. */
import type { Person } from '../../../core/plugins/points.ts'
import { CsrfField, Field, FormError, Select, type FieldErrors } from '../../../views/components.tsx'
import type { CalendarView, EventForm } from '../service.ts'
import { ZoneInput, ZoneList } from './zones.tsx'

export const REPEATS = [
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
