/**
 * @module The members page of the current organization: members and their roles; for managers,
 * invitations. Emails only for those who may see them (`seesEmails`): guests see names only.
 */
import { permissionCatalog, seesEmails } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import type { ServerDeps } from '../http/server.ts'
import type { Member, Orgs } from '../auth/orgs.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, LocalTime, Select, type FieldErrors } from '../../views/components.tsx'
import { OrgHeader, granter, orgOf } from './orgs-ui.tsx'

/** Members shown per page (sorted by name, then id). */
const MEMBERS_PER_PAGE = 50

/** What the members page shows besides the lists: its status, an error, a link just created, the invite form. */
export interface MembersView {
  status?: number
  error?: string
  /** `mailNote`: whether the link was also emailed, in words (mail on and an email given). */
  created?: { url: string; role: string; email: string | null; mailNote?: string }
  invite?: { values: Record<string, string>; errors: FieldErrors }
}

/**
 * The members shown who are the organization's only active owner: the server refuses to demote or
 * remove them (an organization keeps an owner who can act), so the page offers neither. Two active
 * owners on the page already cover each other; otherwise one query per owner shown (few).
 */
async function soleOwnerIds(orgs: Orgs, orgId: string, members: Member[]): Promise<Set<string>> {
  const owners = members.filter((m) => m.role.builtin === 'owner')
  if (owners.filter((m) => !m.user.disabled).length >= 2) return new Set()
  const alone = await Promise.all(owners.map(async (m) => ((await orgs.orgsOwnedAlone(m.user.id)).some((o) => o.id === orgId) ? m.user.id : '')))
  return new Set(alone.filter(Boolean))
}

/** Renders the members page of the current organization. */
export async function membersPage(deps: ServerDeps, request: Request, auth: Auth, view: MembersView = {}): Promise<Response> {
  const { orgs } = deps.identity
  const org = orgOf(auth)
  const manage = can(auth, 'core.members.manage')
  const emails = seesEmails(auth.permissions)
  // Find and page in the store: an organization of tens of thousands stays one screen and one page of rows.
  // Only those who see emails may search by them.
  const url = new URL(request.url)
  const q = request.method === 'GET' ? (url.searchParams.get('q') ?? '').trim().slice(0, 100) : ''
  const filter = { query: q, byEmail: emails }
  const [count, roles, invitations] = await Promise.all([orgs.countMembers(org.id, filter), orgs.listRoles(org.id), manage ? orgs.listInvitations(org.id, permissionCatalog(deps.host, { includeDisabled: true })) : Promise.resolve([])])
  const pages = Math.max(1, Math.ceil(count.found / MEMBERS_PER_PAGE))
  const pageNo = request.method === 'GET' ? Math.min(pages, Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1)) : 1
  const members = await orgs.searchMembers(org.id, { ...filter, limit: MEMBERS_PER_PAGE, offset: (pageNo - 1) * MEMBERS_PER_PAGE })
  const pageHref = (n: number) => `/orgs/members?${new URLSearchParams({ ...(q ? { q } : {}), ...(n > 1 ? { page: String(n) } : {}) })}`
  const soleOwners = manage ? await soleOwnerIds(orgs, org.id, members) : new Set<string>()
  // Everyone may leave (POST /orgs/leave) except the only active owner, who is told what to do first.
  const aloneOwner = auth.role?.builtin === 'owner' && (await orgs.orgsOwnedAlone(auth.user.id)).some((o) => o.id === org.id)
  const mayGive = granter(deps, auth)
  const grantable = roles.filter(mayGive)
  const invitable = grantable.filter((r) => r.builtin !== 'owner')
  const csrf = auth.session?.csrf
  const body = (
    <>
      <OrgHeader auth={auth} current="/orgs/members" subtitle={`${count.total} member${count.total === 1 ? '' : 's'}`} />
      <FormError message={view.error} />
      <section class="section">
        <h2>Members</h2>
        {count.total > MEMBERS_PER_PAGE || q ? (
          <form method="get" action="/orgs/members" role="search" class="audit-filter">
            <label for="members-q">
              <span>{emails ? 'Find by name or email' : 'Find by name'}</span>
              <input id="members-q" type="search" name="q" value={q} maxlength={100} autocomplete="off" />
            </label>
            <button type="submit" class="secondary outline">
              Search
            </button>{' '}
            {q ? <a href="/orgs/members">Show everyone</a> : ''}
          </form>
        ) : (
          ''
        )}
        {members.length === 0 ? (
          q ? (
            <EmptyState title={`No member matches “${q}”`}>
              <p>Check the spelling, or search for part of the name.</p>
            </EmptyState>
          ) : (
            <EmptyState title="No members">Invite people below.</EmptyState>
          )
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>Name</th>
                  {emails ? <th>Email</th> : ''}
                  <th>Role</th>
                  <th>Joined</th>
                  {manage ? <th>Actions</th> : ''}
                </tr>
              </thead>
              <tbody>
                {members.map((m) => {
                  const sole = soleOwners.has(m.user.id)
                  const changeable = manage && mayGive(m.role) && !sole
                  const selectId = `role-${m.user.id}`
                  return (
                    <tr>
                      <td>
                        <span safe>{m.user.name}</span>
                        {m.user.id === auth.user.id ? <span class="badge">You</span> : ''}
                      </td>
                      {emails ? (
                        <td data-label="Email" safe>
                          {m.user.email}
                        </td>
                      ) : (
                        ''
                      )}
                      <td data-label="Role">
                        {changeable ? (
                          <form method="post" action={`/orgs/members/${m.user.id}/role`} class="row-form">
                            <CsrfField token={csrf} />
                            <label for={selectId} class="visually-hidden" safe>
                              {`Role of ${m.user.name}`}
                            </label>
                            <select id={selectId} name="role">
                              {grantable.map((r) => (
                                <option value={r.id} selected={r.id === m.role.id} safe>
                                  {r.name}
                                </option>
                              ))}
                            </select>
                            <button type="submit" class="secondary outline">
                              Save
                            </button>
                          </form>
                        ) : (
                          <>
                            <span safe>{m.role.name}</span>
                            {sole ? (
                              <>
                                {' '}
                                <small class="muted" title="An organization needs an owner: make someone else owner first, then this role can change.">
                                  the only owner
                                </small>
                              </>
                            ) : (
                              ''
                            )}
                          </>
                        )}
                      </td>
                      <td data-label="Joined" class="nowrap">
                        <LocalTime at={m.joinedAt} />
                      </td>
                      {manage ? (
                        <td class="row-actions">
                          {changeable ? (
                            <ActionButton
                              action={`/orgs/members/${m.user.id}/remove`}
                              csrf={csrf}
                              label={m.user.id === auth.user.id ? 'Leave' : 'Remove'}
                              class="outline danger"
                              confirm={`Remove ${m.user.name} from ${org.name}?`}
                            />
                          ) : (
                            ''
                          )}
                        </td>
                      ) : (
                        ''
                      )}
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
        {pages > 1 ? (
          <nav class="pager" aria-label="Member pages">
            {pageNo > 1 ? (
              <a href={pageHref(pageNo - 1)} rel="prev">
                &larr; Previous
              </a>
            ) : (
              ''
            )}
            <span class="muted" safe>{`Page ${pageNo} of ${pages} (${count.found} ${q ? 'found' : 'members'})`}</span>
            {pageNo < pages ? (
              <a href={pageHref(pageNo + 1)} rel="next">
                Next &rarr;
              </a>
            ) : (
              ''
            )}
          </nav>
        ) : (
          ''
        )}
      </section>
      {manage ? (
        <section class="section">
          <h2>Invitations</h2>
          {view.created ? (
            <div class="invite-created" role="status">
              <p>
                Invitation link for <strong safe>{view.created.role}</strong>
                {view.created.email ? (
                  <>
                    {' '}
                    (only <span safe>{view.created.email}</span> can use it)
                  </>
                ) : (
                  ''
                )}
                . It is shown only now, works once and expires in 7 days:
              </p>
              <p id="invite-link" class="secret" safe>
                {view.created.url}
              </p>
              <button type="button" class="secondary" data-copy="#invite-link">
                Copy link
              </button>
              {view.created.mailNote ? <p safe>{view.created.mailNote}</p> : ''}
            </div>
          ) : (
            ''
          )}
          {invitable.length === 0 ? (
            <p class="muted">There is no role you can invite people with.</p>
          ) : (
            <form method="post" action="/orgs/invitations" class="invite-form narrow-form">
              <CsrfField token={csrf} />
              <Select
                name="role"
                label="Role"
                options={invitable.map((r) => ({ value: r.id, label: r.name }))}
                value={view.invite?.values.role ?? invitable.find((r) => r.builtin === 'member')?.id}
                error={view.invite?.errors.role}
              />
              <Field
                name="email"
                label="Email (optional)"
                type="email"
                value={view.invite?.values.email}
                error={view.invite?.errors.email}
                hint="Only this address can use the link. Leave empty for anyone with the link."
              />
              <button type="submit">Create invitation link</button>
            </form>
          )}
          <h3>Open invitations</h3>
          {invitations.length === 0 ? (
            <EmptyState title="No open invitations">Links you create appear here until they are used, revoked or expire.</EmptyState>
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th>For</th>
                    <th>Role</th>
                    <th>Expires</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {invitations.map((i) => (
                    <tr>
                      <td>
                        <span safe>{i.email ?? 'Anyone with the link'}</span>
                        {i.dead ? (
                          <span class="badge badge-danger" title="Whoever created this link can no longer invite with this role, so the link does not work. Revoke it and create a new one.">
                            No longer works
                          </span>
                        ) : (
                          ''
                        )}
                      </td>
                      <td data-label="Role" safe>{i.role}</td>
                      <td data-label="Expires" class="nowrap">
                        <LocalTime at={i.expiresAt} />
                      </td>
                      <td class="row-actions">
                        <ActionButton action={`/orgs/invitations/${i.id}/revoke`} csrf={csrf} label="Revoke" confirm="Revoke this invitation link?" />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : (
        ''
      )}
      <section class="section" id="leave">
        <h2>Leave this organization</h2>
        {aloneOwner ? (
          <p class="muted" safe>{`You are the only owner of ${org.name}: make someone else owner first (or delete the organization in Settings), then you can leave.`}</p>
        ) : (
          <>
            <p class="muted" safe>{`You lose access to ${org.name} and its work until someone invites you again. Your account stays.`}</p>
            <ActionButton action="/orgs/leave" csrf={csrf} fields={{ org: org.id }} label="Leave organization" class="outline danger" confirm={`Leave ${org.name}? You lose access until someone invites you again.`} />
          </>
        )}
      </section>
    </>
  ) as string
  // A page that shows a new invitation link holds a secret: no cache may keep it (as for new tokens).
  return deps.renderer.page(request, auth, { title: `Members · ${org.name}`, body, status: view.status, headers: view.created ? { 'cache-control': 'no-store' } : undefined })
}
