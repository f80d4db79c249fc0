/**
 * @module The teams page of the current organization: teams and their members, and the forms to
 * change them. Emails only for those who may see them (`seesEmails`), like the members page.
 */
import { Elysia } from 'elysia'
import { InputError, type User } from '../auth/accounts.ts'
import type { Member, Team } from '../auth/orgs.ts'
import { seesEmails } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import type { ServerDeps } from '../http/server.ts'
import { ActionButton, CsrfField, EmptyState, Field, FormError, type FieldErrors } from '../../views/components.tsx'
import { actorOf, readForm } from './context.ts'
import { sentence } from './invite.tsx'
import { OrgHeader, notFound, orgOf, problem } from './orgs-ui.tsx'

/** The teams page and its forms. */
export function orgTeamPages(deps: ServerDeps) {
  const { identity, renderer } = deps
  const { accounts, orgs } = identity

  interface TeamsView {
    status?: number
    error?: string
    values?: Record<string, string>
    errors?: FieldErrors
  }

  const teamsPage = async (request: Request, auth: Auth, view: TeamsView = {}) => {
    const org = orgOf(auth)
    const manage = can(auth, 'core.teams.manage')
    const [teams, members] = await Promise.all([orgs.listTeams(org.id), orgs.listMembers(org.id)])
    const byId = new Map(members.map((m) => [m.user.id, m.user]))
    const csrf = auth.session?.csrf
    const body = (
      <>
        <OrgHeader auth={auth} current="/orgs/teams" subtitle={`${teams.length} team${teams.length === 1 ? '' : 's'}`} />
        <FormError message={view.error} />
        {teams.length === 0 ? (
          <EmptyState title="No teams yet">{manage ? <p>Create the first team below.</p> : <p class="muted">An admin of the organization can create teams.</p>}</EmptyState>
        ) : (
          teams.map((team) => <TeamSection team={team} byId={byId} members={members} manage={manage} emails={seesEmails(auth.permissions)} csrf={csrf} />)
        )}
        {manage ? (
          <section class="section">
            <h2>New team</h2>
            <form method="post" action="/orgs/teams" class="narrow-form">
              <CsrfField token={csrf} />
              <Field name="name" label="Name" value={view.values?.name} error={view.errors?.name} required maxlength={60} />
              <Field name="description" label="Description (optional)" value={view.values?.description} error={view.errors?.description} maxlength={500} />
              <button type="submit">Create team</button>
            </form>
          </section>
        ) : (
          ''
        )}
      </>
    ) as string
    return renderer.page(request, auth, { title: `Teams · ${orgOf(auth).name}`, body, status: view.status })
  }

  const teamOf = async (request: Request, auth: Auth, teamId: string): Promise<Team | Response> => {
    const team = (await orgs.listTeams(orgOf(auth).id)).find((t) => t.id === teamId)
    return team ?? notFound(request, 'team')
  }

  return new Elysia({ name: 'core:orgs-teams' })
    .use(guard)
    .get('/orgs/teams', ({ request, auth }) => teamsPage(request, auth), { permission: 'core.members.read' })
    .post(
      '/orgs/teams',
      async ({ request, auth }) => {
        const form = await readForm(request)
        const values = { name: form.name ?? '', description: form.description ?? '' }
        if (values.description.length > 500) return teamsPage(request, auth, { status: 422, values, errors: { description: 'Keep the description under 500 characters.' } })
        let team: Team
        try {
          team = await orgs.createTeam(orgOf(auth).id, values.name, values.description)
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          return teamsPage(request, auth, { status: 422, values, errors: { name: sentence(err.message) } })
        }
        await accounts.audit(actorOf(request, auth), 'team.created', team.name, { id: team.id })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `Team ${team.name} is created.` })
      },
      { permission: 'core.teams.manage' },
    )
    .post(
      '/orgs/teams/:id/delete',
      async ({ request, auth, params }) => {
        const team = await teamOf(request, auth, params.id)
        if (team instanceof Response) return team
        try {
          await orgs.deleteTeam(orgOf(auth).id, team.id)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'team.deleted', team.name, { id: team.id })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `Team ${team.name} is deleted.` })
      },
      { permission: 'core.teams.manage' },
    )
    .post(
      '/orgs/teams/:id/members',
      async ({ request, auth, params }) => {
        const org = orgOf(auth)
        const team = await teamOf(request, auth, params.id)
        if (team instanceof Response) return team
        const form = await readForm(request)
        if (!form.user) return teamsPage(request, auth, { status: 422, error: `Choose a member to add to ${team.name}.` })
        const membership = await orgs.membership(form.user, org.id)
        if (!membership) return notFound(request, 'member')
        const user = (await accounts.getUser(form.user)) as User
        try {
          await orgs.addTeamMember(org.id, team.id, user.id)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'team.member_added', team.name, { team: team.id, user: user.email })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `${user.name} is in ${team.name} now.` })
      },
      { permission: 'core.teams.manage' },
    )
    .post(
      '/orgs/teams/:id/members/:userId/remove',
      async ({ request, auth, params }) => {
        const team = await teamOf(request, auth, params.id)
        if (team instanceof Response) return team
        if (!team.memberIds.includes(params.userId)) return notFound(request, 'team member')
        const user = await accounts.getUser(params.userId)
        try {
          await orgs.removeTeamMember(orgOf(auth).id, team.id, params.userId)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'team.member_removed', team.name, { team: team.id, user: user?.email ?? params.userId })
        return redirect(request, '/orgs/teams', { kind: 'ok', text: `${user?.name ?? 'The member'} left ${team.name}.` })
      },
      { permission: 'core.teams.manage' },
    )
}

/** One team with its members, and (for managers) the forms to change it. */
function TeamSection(props: { team: Team; byId: Map<string, User>; members: Member[]; manage: boolean; emails: boolean; csrf: string | undefined }) {
  const { team, byId } = props
  const inTeam = team.memberIds.map((id) => byId.get(id)).filter((u): u is User => !!u)
  const addable = props.members.filter((m) => !team.memberIds.includes(m.user.id))
  const selectId = `team-add-${team.id}`
  return (
    <section class="section team">
      <div class="page-header">
        <div>
          <h2 safe>{team.name}</h2>
          {team.description ? (
            <p class="muted" safe>
              {team.description}
            </p>
          ) : (
            ''
          )}
        </div>
        {props.manage ? (
          <div class="page-actions">
            <ActionButton action={`/orgs/teams/${team.id}/delete`} csrf={props.csrf} label="Delete team" class="outline danger" confirm={`Delete the team ${team.name}?`} />
          </div>
        ) : (
          ''
        )}
      </div>
      {inTeam.length === 0 ? (
        <p class="muted">No members in this team yet.</p>
      ) : (
        <ul class="team-members">
          {inTeam.map((u) => (
            <li>
              <span safe>{u.name}</span>{' '}
              {props.emails ? (
                <span class="muted" safe>
                  {u.email}
                </span>
              ) : (
                ''
              )}
              {props.manage ? <ActionButton action={`/orgs/teams/${team.id}/members/${u.id}/remove`} csrf={props.csrf} label="Remove" /> : ''}
            </li>
          ))}
        </ul>
      )}
      {props.manage ? (
        addable.length === 0 ? (
          <p class="muted">Every member of the organization is in this team.</p>
        ) : (
          <form method="post" action={`/orgs/teams/${team.id}/members`} class="row-form">
            <CsrfField token={props.csrf} />
            <label for={selectId} class="visually-hidden" safe>
              {`Add a member to ${team.name}`}
            </label>
            <select id={selectId} name="user">
              {addable.map((m) => (
                <option value={m.user.id} safe>
                  {props.emails ? `${m.user.name} (${m.user.email})` : m.user.name}
                </option>
              ))}
            </select>
            <button type="submit" class="secondary">
              Add to team
            </button>
          </form>
        )
      ) : (
        ''
      )}
    </section>
  )
}
