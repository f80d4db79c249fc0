/** @module The event form's reminders: checkboxes of common lead times, the event's own others, and one "other" box. */
import { KEPT_REMINDERS, splitReminders } from '../event-fields.ts'
import { MAX_REMINDER_MINUTES } from '../service-types.ts'

export { KEPT_REMINDERS, splitReminders }

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
 * What a form posted as reminders (its boxes and "Other", or an old form's "10, 60"), bounded as
 * `splitReminders` bounds it: the lead times first, then what is not one (the service refuses it).
 */
export function postedReminders(posted: string[]): { value: string; chosen: number } {
  const { minutes, rest, chosen } = splitReminders(posted)
  return { value: [...minutes.map(String), ...(rest ? [rest] : [])].join(', '), chosen }
}

/**
 * One checkbox per common lead time plus the event's other ones (checked, so saving keeps them), and
 * an "Other" number box; all are named `reminders` and the route joins their values.
 */
export function ReminderChoices(props: { value: string; error?: string }) {
  const { minutes, rest } = splitReminders(props.value)
  const checked = new Set(minutes)
  const choices = [...new Set([...COMMON_REMINDERS, ...minutes])].sort((a, b) => a - b)
  return (
    <fieldset class="cal-reminders" aria-describedby={props.error ? 'f-reminders-error' : 'f-reminders-hint'} aria-invalid={props.error ? 'true' : undefined}>
      <legend>Reminders</legend>
      <div class="cal-reminder-choices">
        {choices.map((m) => (
          <label>
            <input type="checkbox" name="reminders" value={String(m)} checked={checked.has(m)} />
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
