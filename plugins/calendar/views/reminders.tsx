/** @module The event form's reminders: checkboxes of common lead times, the event's own others, and one "other" box. */
import { MAX_REMINDER_MINUTES } from '../service-types.ts'

/** The lead times offered (minutes before the start), as Google Calendar and Nextcloud offer them. */
export const COMMON_REMINDERS = [0, 5, 10, 15, 30, 60, 1440, 10080]

/** "At time of event", "5 minutes before", "1 hour 30 minutes before", "2 days before", "1 week before". */
export function reminderLabel(minutes: number): string {
  if (minutes === 0) return 'At time of event'
  const units: [number, string][] = [
    [10080, 'week'],
    [1440, 'day'],
    [60, 'hour'],
    [1, 'minute'],
  ]
  const parts: string[] = []
  let left = minutes
  for (const [size, name] of units) {
    const n = Math.floor(left / size)
    if (!n) continue
    parts.push(`${n} ${name}${n === 1 ? '' : 's'}`)
    left -= n * size
  }
  return `${parts.join(' ')} before`
}

/**
 * The form's reminders value ("10, 60", as stored and as the JSON API's numbers join) split into the
 * minutes it names and what is not a number of minutes (typed into "Other" and refused: shown again).
 */
export function splitReminders(value: string): { minutes: number[]; rest: string } {
  const parts = value.split(/[,\s]+/).filter(Boolean)
  const minutes = [...new Set(parts.filter((p) => /^\d{1,5}$/.test(p)).map(Number))].sort((a, b) => a - b)
  return { minutes, rest: parts.filter((p) => !/^\d{1,5}$/.test(p)).join(' ') }
}

/**
 * One checkbox per common lead time plus the event's other ones (checked, so saving keeps them), and
 * an "Other" number box; all are named `reminders` and the route joins their values.
 */
export function ReminderChoices(props: { value: string; error?: string }) {
  const { minutes, rest } = splitReminders(props.value)
  const choices = [...new Set([...COMMON_REMINDERS, ...minutes])].sort((a, b) => a - b)
  return (
    <fieldset class="cal-reminders" aria-describedby={props.error ? 'f-reminders-error' : 'f-reminders-hint'} aria-invalid={props.error ? 'true' : undefined}>
      <legend>Reminders</legend>
      <div class="cal-reminder-choices">
        {choices.map((m) => (
          <label>
            <input type="checkbox" name="reminders" value={String(m)} checked={minutes.includes(m)} />
            <span safe>{reminderLabel(m)}</span>
          </label>
        ))}
      </div>
      <label class="cal-reminder-other">
        <span>Other (minutes before)</span>
        <input type={rest ? 'text' : 'number'} name="reminders" value={rest} min="0" max={String(MAX_REMINDER_MINUTES)} step="1" inputmode="numeric" />
      </label>
      {props.error ? (
        <small id="f-reminders-error" class="field-error" safe>
          {props.error}
        </small>
      ) : (
        <small id="f-reminders-hint" class="muted">
          At most 5, up to 4 weeks before.
        </small>
      )}
    </fieldset>
  )
}
