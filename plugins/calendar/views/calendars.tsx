/** @module The calendars page: calendars, sharing, subscription and import. */
import type { Person } from '../../../core/plugins/points.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, PageHeader, Select, type FieldErrors } from '../../../views/components.tsx'
import type { CalendarView, TeamInfo } from '../service.ts'
import { unusedColor } from '../service.ts'
import { colorOptions } from './calendars-edit.tsx'
import { ZoneInput, ZoneList } from './zones.tsx'

/** What kind of calendar it is to the viewer: "Personal", "Team: Ops", "Organization", "Shared by Ana Lima". */
function typeLabel(c: CalendarView, people: Map<string, Person>): string {
  if (c.shared) return `Shared by ${people.get(c.ownerId)?.name ?? 'someone'}`
  return c.ownerKind === 'team' ? `Team: ${c.ownerLabel}` : c.ownerLabel
}

/**
 * Who a calendar its viewer manages is shared with ("Not shared" when nobody; a team or organization
 * calendar says who sees it anyway), and for a personal calendar a folded "Share…" form: open, with no
 * person chosen, it cannot be mistaken for a share that exists.
 */
function SharedWith(props: { calendar: CalendarView; shares: { userId: string; access: string }[]; people: Map<string, Person>; members: Person[]; viewerId: string; csrf: string | undefined }) {
  const c = props.calendar
  const everyone = c.ownerKind === 'org' ? 'Everyone in the organization' : c.ownerKind === 'team' ? 'Members of the team' : 'Not shared'
  return (
    <>
      {props.shares.length ? (
        <ul class="team-members">
          {props.shares.map((s) => (
            <li>
              <span safe>{`${props.people.get(s.userId)?.name ?? 'Former member'} (can ${s.access})`}</span>
              <ActionButton action={`/calendar/calendars/${c.id}/shares/${s.userId}/delete`} csrf={props.csrf} label="Stop sharing" />
            </li>
          ))}
        </ul>
      ) : (
        <span class="muted">{everyone}</span>
      )}
      {c.ownerKind === 'user' ? (
        <details class="row-edit cal-share-add">
          <summary>
            {'Share&hellip;'}
            <span class="visually-hidden" safe>{` ${c.name} with someone`}</span>
          </summary>
          <form method="post" action={`/calendar/calendars/${c.id}/shares`} class="row-form cal-share-form">
            <CsrfField token={props.csrf} />
            <label class="visually-hidden" for={`share-user-${c.id}`}>
              Member
            </label>
            <select id={`share-user-${c.id}`} name="userId" required>
              <option value="">Choose a person</option>
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
              <option value="read">Can read</option>
              <option value="edit">Can edit</option>
            </select>
            <button type="submit" class="secondary outline">
              Share
            </button>
          </form>
        </details>
      ) : (
        ''
      )}
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
  /** The zone the calendar shows times in for this viewer (their browser's): the import's default, as on the event form. */
  viewerZone: string
  /** `layers`: the calendar.source layers the viewer may add to the feed, ticked as it carries them. */
  feed: { has: boolean; urls?: { https: string; webcal: string }; layers: { key: string; label: string; checked: boolean }[] }
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
                  <th scope="col">Type</th>
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
                    <td data-label="Type" safe>
                      {typeLabel(c, people)}
                    </td>
                    <td data-label="Access">{c.canManage ? 'Owner' : c.canEdit ? 'Edit' : 'Read'}</td>
                    <td data-label="Shared with" class="cal-shared">
                      {c.canManage ? <SharedWith calendar={c} shares={props.shares.get(c.id) ?? []} people={people} members={props.members} viewerId={props.viewerId} csrf={props.csrf} /> : <span class="muted">{'&mdash;'}</span>}
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
            <Select name="color" label="Color" value={props.values.color ?? unusedColor(props.calendars.map((c) => c.color))} options={colorOptions(props.values.color)} error={props.errors.color} />
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
          <div class="secret cal-feed-secret">
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
        <form method="post" action="/calendar/feed-token">
          <CsrfField token={props.csrf} />
          {props.feed.layers.length ? (
            <fieldset>
              <legend>Also in the feed, as all-day events</legend>
              {props.feed.layers.map((l) => (
                <label>
                  <input type="checkbox" name="layers" value={l.key} checked={l.checked} />
                  <span safe>{l.label}</span>
                </label>
              ))}
              <small class="muted">Read each time your app refreshes, from a year ago to two years ahead. Your choice here, not what the calendar page shows, decides.</small>
            </fieldset>
          ) : (
            ''
          )}
          <div class="row-form">
            {props.feed.has && props.feed.layers.length ? (
              <button type="submit" formaction="/calendar/feed-token/layers" class="secondary outline">
                Save layers
              </button>
            ) : (
              ''
            )}
            <button type="submit" class="secondary outline">
              {props.feed.has ? 'Make a new address' : 'Make an address'}
            </button>
          </div>
        </form>
        {props.feed.has ? (
          <div class="row-form">
            <ActionButton action="/calendar/feed-token/delete" csrf={props.csrf} label="Revoke" confirm="Stop the subscription address?" />
          </div>
        ) : (
          ''
        )}
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
            <ZoneInput name="timeZone" label="Time zone for times without one" value={props.values.timeZone ?? props.viewerZone} error={props.errors.timeZone} id="f-import-zone" />
            <button type="submit">Import</button>
            {ZoneList(props.viewerZone) as 'safe'}
          </form>
        </section>
      ) : (
        ''
      )}
    </>
  )
}
