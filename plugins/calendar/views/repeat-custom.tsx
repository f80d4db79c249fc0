/** @module The event form's "Custom…" repeat fieldset: every N units, weekdays, monthly day, and the end (the server builds the rule). */
import type { FieldErrors } from '../../../views/components.tsx'
import { MAX_COUNT, MAX_INTERVAL, WEEKDAY_CODES, nthWeekday, type CustomRepeat } from '../repeat-custom.ts'
import { parseDate } from '../time.ts'

const DAY_LABELS: Record<string, string> = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' }
const LONG_DAYS: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' }
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth']

/** An error under a control, with the id its control's aria-describedby names. */
function FieldError(props: { id: string; error?: string }) {
  return props.error ? (
    <small id={props.id} class="field-error" safe>
      {props.error}
    </small>
  ) : (
    ''
  )
}

/**
 * The custom repeat fields. Without JavaScript they are always shown (and used when Repeat is
 * "Custom…"); calendar.js shows them only while "Custom…" is chosen, and the weekdays or the monthly
 * choice only for their unit.
 */
export function CustomRepeatFields(props: { value: CustomRepeat; startDate: string; errors: FieldErrors }) {
  const c = props.value
  const e = props.errors
  const start = parseDate(props.startDate)
  const nth = start === undefined ? undefined : nthWeekday(start)
  const invalid = (k: string) => (e[k] ? 'true' : undefined)
  const describe = (k: string) => (e[k] ? `f-${k}-error` : undefined)
  const monthly: [string, string][] = [
    ['day', start === undefined ? 'On the start date’s day of the month' : `On day ${new Date(start).getUTCDate()}`],
    ['nth', nth ? `On the ${ORDINALS[nth.n]} ${LONG_DAYS[nth.code]}` : 'On the start date’s weekday (the 2nd Tuesday)'],
  ]
  if ((nth && nth.last) || c.monthly === 'last') monthly.push(['last', nth ? `On the last ${LONG_DAYS[nth.code]}` : 'On the last of the start date’s weekday'])
  return (
    <fieldset class="cal-repeat-custom" data-cal-repeat-custom>
      <legend>Custom repeat</legend>
      <small class="muted" data-cal-nojs-hint>
        {'Used when Repeat is &ldquo;Custom&hellip;&rdquo;.'}
      </small>
      <div class="cal-repeat-every">
        <label for="f-repeatEvery">Repeat every</label>
        <input id="f-repeatEvery" type="number" name="repeatEvery" min="1" max={String(MAX_INTERVAL)} step="1" inputmode="numeric" value={c.every} aria-invalid={invalid('repeatEvery')} aria-describedby={describe('repeatEvery')} />
        <label for="f-repeatUnit" class="visually-hidden">
          Unit
        </label>
        <select id="f-repeatUnit" name="repeatUnit" aria-invalid={invalid('repeatUnit')} aria-describedby={describe('repeatUnit')} data-cal-repeat-unit>
          {[
            ['DAILY', 'day(s)'],
            ['WEEKLY', 'week(s)'],
            ['MONTHLY', 'month(s)'],
            ['YEARLY', 'year(s)'],
          ].map(([value, label]) => (
            <option value={value} selected={c.unit === value} safe>
              {label}
            </option>
          ))}
        </select>
      </div>
      <FieldError id="f-repeatEvery-error" error={e.repeatEvery} />
      <FieldError id="f-repeatUnit-error" error={e.repeatUnit} />
      <fieldset class="cal-repeat-days" data-cal-repeat-for="WEEKLY">
        <legend>On (weekly)</legend>
        {WEEKDAY_CODES.map((d) => (
          <label>
            <input type="checkbox" name="repeatDays" value={d} checked={c.days.includes(d)} />
            <span safe>{DAY_LABELS[d]}</span>
          </label>
        ))}
      </fieldset>
      <fieldset class="cal-repeat-monthly" data-cal-repeat-for="MONTHLY" aria-describedby={describe('repeatMonthly')}>
        <legend>Monthly</legend>
        {monthly.map(([value, label]) => (
          <label>
            <input type="radio" name="repeatMonthly" value={value} checked={(c.monthly || 'day') === value} />
            <span safe>{label}</span>
          </label>
        ))}
        <FieldError id="f-repeatMonthly-error" error={e.repeatMonthly} />
      </fieldset>
      <fieldset class="cal-repeat-ends" aria-describedby={describe('repeatEnds')}>
        <legend>Ends</legend>
        <label>
          <input type="radio" name="repeatEnds" value="never" checked={!['until', 'count'].includes(c.ends)} />
          <span>Never</span>
        </label>
        <div class="cal-repeat-end">
          <label>
            <input type="radio" name="repeatEnds" value="until" checked={c.ends === 'until'} />
            <span>On</span>
          </label>
          <label for="f-repeatUntil" class="visually-hidden">
            Last day
          </label>
          <input id="f-repeatUntil" type="date" name="repeatUntil" value={c.until} aria-invalid={invalid('repeatUntil')} aria-describedby={describe('repeatUntil')} />
        </div>
        <FieldError id="f-repeatUntil-error" error={e.repeatUntil} />
        <div class="cal-repeat-end">
          <label>
            <input type="radio" name="repeatEnds" value="count" checked={c.ends === 'count'} />
            <span>After</span>
          </label>
          <label for="f-repeatCount" class="visually-hidden">
            Number of occurrences
          </label>
          <input id="f-repeatCount" type="number" name="repeatCount" min="1" max={String(MAX_COUNT)} step="1" inputmode="numeric" value={c.count} aria-invalid={invalid('repeatCount')} aria-describedby={describe('repeatCount')} />
          <span>occurrences</span>
        </div>
        <FieldError id="f-repeatCount-error" error={e.repeatCount} />
        <FieldError id="f-repeatEnds-error" error={e.repeatEnds} />
      </fieldset>
    </fieldset>
  )
}
