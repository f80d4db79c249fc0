/** @module One event or occurrence: when, where, who; RSVP, edit and delete. */
import { escapeHtml } from '@kitajs/html'
import type { Person } from '../../../core/plugins/points.ts'
import { CsrfField, PageHeader } from '../../../views/components.tsx'
import type { AttendeeRow, CalendarView, EventRow, Occurrence } from '../service.ts'
import { DAY, toWall, wallDate, wallTime } from '../time.ts'
import { describeRule, ruleEventOf } from './repeat-text.ts'
import { longDate, viewHref } from './items.tsx'

const RSVP_LABEL: Record<string, string> = { 'needs-action': 'No answer yet', accepted: 'Going', declined: 'Not going', tentative: 'Maybe' }

/** How a series repeats, in words; a rule too unusual for words as written. */
function repeatsText(event: EventRow) {
  const text = event.rrule ? describeRule(event.rrule, ruleEventOf(event)) : undefined
  return text ? <span safe>{text}</span> : <code safe>{event.rrule}</code>
}

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
              {repeatsText(event)}
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
            {occ.recurring ? <input type="hidden" name="occurrence" value={occ.originalStart.toISOString()} /> : ''}
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
      {props.thread as 'safe'}
      {props.canEdit ? (
        // at the end, away from Edit and the RSVP buttons, as on a task's page
        <section class="section cal-danger-zone">
          <h2>Danger zone</h2>
          <p class="muted">{occ.recurring ? 'Deleting removes the chosen events for everyone who sees them, with their answers.' : 'Deleting removes the event for everyone who sees it, with its answers.'}</p>
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
              Delete event
            </button>
          </form>
        </section>
      ) : (
        ''
      )}
    </>
  )
}
