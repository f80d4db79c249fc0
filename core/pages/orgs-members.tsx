/** @module The member and invitation routes of the current organization: roles, removal, invitation links. */
import { Elysia } from 'elysia'
import { InputError } from '../auth/accounts.ts'
import type { Member, Role } from '../auth/orgs.ts'
import { SIGNED_IN } from '../auth/permissions.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { guard } from '../http/guard.ts'
import { redirect } from '../http/render.ts'
import { errorFor } from '../http/respond.ts'
import { publicOrigin } from '../http/security.ts'
import type { ServerDeps } from '../http/server.ts'
import { linkOrigin, MAIL_FAILED, mailerFor, type Mailer } from '../mail.ts'
import { actorOf, inviteCreateLimits, readForm } from './context.ts'
import { sentence } from './invite.tsx'
import { membersPage } from './orgs-members-page.tsx'
import { granter, notFound, orgOf, problem, roleOf } from './orgs-ui.tsx'

/** The invitation email: plain text, so nothing in it needs escaping. */
export function invitationEmail(p: { inviter: string; org: string; role: string; link: string; expiresAt: Date }): { subject: string; text: string } {
  return {
    subject: `${p.inviter} invites you to ${p.org} on Coder IDE`,
    text: [
      'Hello,',
      '',
      `${p.inviter} invites you to join ${p.org} on Coder IDE as ${p.role}.`,
      'Open this link to accept (and create your account if you have none yet):',
      '',
      p.link,
      '',
      `The link works once and until ${p.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. If you did not expect it, ignore this email.`,
    ].join('\n'),
  }
}

/**
 * Emails an invitation that names an email, when mail is on. Says what happened in words for the
 * page (undefined when nothing was sent: mail off, or no email on the invitation).
 */
export async function emailInvitation(mailer: Mailer | undefined, to: string | null, content: Parameters<typeof invitationEmail>[0]): Promise<string | undefined> {
  if (!mailer || !to) return undefined
  const sent = await mailer.send({ to, ...invitationEmail(content) })
  return sent ? `The link was emailed to ${to}.` : MAIL_FAILED
}

/** The members page and its forms: member roles and removal, invitation links. */
export function orgMemberPages(deps: ServerDeps) {
  const { accounts, orgs } = deps.identity
  const mayGrant = (auth: Auth, role: Role) => granter(deps, auth)(role)
  const mailer = mailerFor(deps.config)

  /** The member and their role, when the viewer may change them; otherwise a response. */
  const changeableMember = async (request: Request, auth: Auth, userId: string): Promise<Member | Response> => {
    const member = await orgs.getMember(orgOf(auth).id, userId)
    if (!member) return notFound(request, 'member')
    if (!mayGrant(auth, member.role)) {
      return errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not allowed', `${member.user.name} holds permissions you do not hold: only someone who holds them all can change their role.`)
    }
    return member
  }

  /** After leaving the current organization: the session moves to another one (if any), then home. */
  const leftOrg = async (request: Request, auth: Auth) => {
    const next = (await orgs.orgsOf(auth.user.id))[0]
    if (next && auth.session) await accounts.setSessionOrg(auth.session.id, next.id)
    return redirect(request, '/', { kind: 'ok', text: `You left ${orgOf(auth).name}.` })
  }

  return new Elysia({ name: 'core:orgs-members' })
    .use(guard)
    // ---- members
    .get('/orgs/members', ({ request, auth }) => membersPage(deps, request, auth), { permission: 'core.members.read' })
    .post(
      '/orgs/members/:userId/role',
      async ({ request, auth, params }) => {
        const org = orgOf(auth)
        const member = await changeableMember(request, auth, params.userId)
        if (member instanceof Response) return member
        const form = await readForm(request)
        if (!form.role) return membersPage(deps, request, auth, { status: 422, error: 'Choose a role.' })
        const role = await roleOf(deps, request, auth, form.role)
        if (role instanceof Response) return role
        if (!mayGrant(auth, role)) return errorFor(new URL(request.url).pathname, 403, 'forbidden', 'Not allowed', `You cannot give the role ${role.name}: it holds permissions you do not hold.`)
        if (role.id === member.role.id) return redirect(request, '/orgs/members')
        let change: { from: string; to: string }
        try {
          change = await orgs.setMemberRole(org.id, member.user.id, role.id)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return membersPage(deps, request, auth, { status: err.status, error: sentence(err.message) })
        }
        await accounts.audit(actorOf(request, auth), 'org.role_changed', member.user.email, change)
        return redirect(request, '/orgs/members', { kind: 'ok', text: `${member.user.name} is ${change.to} now.` })
      },
      { permission: 'core.members.manage' },
    )
    .post(
      '/orgs/members/:userId/remove',
      async ({ request, auth, params }) => {
        const org = orgOf(auth)
        const member = await changeableMember(request, auth, params.userId)
        if (member instanceof Response) return member
        try {
          await orgs.removeMember(org.id, member.user.id)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return membersPage(deps, request, auth, { status: err.status, error: sentence(err.message) })
        }
        await accounts.audit(actorOf(request, auth), 'org.member_removed', member.user.email, { role: member.role.name })
        if (member.user.id === auth.user.id) return leftOrg(request, auth)
        return redirect(request, '/orgs/members', { kind: 'ok', text: `${member.user.name} is removed from ${org.name}.` })
      },
      { permission: 'core.members.manage' },
    )

    // Anyone may leave the organization they work in (the only active owner excepted: the store refuses, 409).
    .post(
      '/orgs/leave',
      async ({ request, auth }) => {
        if (!auth.org) return errorFor(new URL(request.url).pathname, 404, 'not_found', 'No organization', 'You are not in an organization, so there is none to leave.')
        const org = auth.org
        const role = auth.role?.name ?? ''
        // The form names the organization it was shown for: after a switch in another tab, the
        // session's current organization is not the one the user read "Leave" under.
        const named = (await readForm(request)).org
        const path = new URL(request.url).pathname
        if (!named) return errorFor(path, 422, 'invalid', 'Which organization?', 'Leave from the members page: its Leave organization button names the organization.')
        if (named !== org.id) return errorFor(path, 409, 'invalid', 'Organization switched', `You work in ${org.name} now, not in the organization that page was for. Open the members page again and leave from there.`)
        try {
          await orgs.removeMember(org.id, auth.user.id)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          if (can(auth, 'core.members.read')) return membersPage(deps, request, auth, { status: err.status, error: `You cannot leave ${org.name}: ${err.message}.` })
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'org.member_left', auth.user.email, { role })
        return leftOrg(request, auth)
      },
      { permission: SIGNED_IN },
    )

    // ---- invitations
    .post(
      '/orgs/invitations',
      async ({ request, auth }) => {
        const org = orgOf(auth)
        const limited = inviteCreateLimits(request, auth)
        if (limited) return limited
        const form = await readForm(request)
        const values = { role: form.role ?? '', email: (form.email ?? '').trim() }
        if (!values.role) return membersPage(deps, request, auth, { status: 422, invite: { values, errors: { role: 'Choose a role.' } } })
        const role = await roleOf(deps, request, auth, values.role)
        if (role instanceof Response) return role
        if (role.builtin === 'owner' || !mayGrant(auth, role)) {
          return membersPage(deps, request, auth, { status: 422, invite: { values, errors: { role: role.builtin === 'owner' ? 'Invite as admin and make them owner later.' : 'This role holds permissions you do not hold.' } } })
        }
        let created: { id: string; token: string; expiresAt: Date }
        try {
          created = await orgs.createInvitation(org.id, role.id, auth.user.id, values.email || undefined)
        } catch (err) {
          if (!(err instanceof InputError) || err.status === 404) return problem(request, err)
          return membersPage(deps, request, auth, { status: 422, invite: { values, errors: { [err.field === 'email' ? 'email' : 'role']: sentence(err.message) } } })
        }
        const email = values.email ? values.email.toLowerCase() : null
        await accounts.audit(actorOf(request, auth), 'org.invitation_created', email ?? role.name, { id: created.id, role: role.name, email })
        const url = `${linkOrigin(deps.config, () => publicOrigin(request))}/invite/${created.token}`
        const mailNote = await emailInvitation(mailer, email, { inviter: auth.user.name, org: org.name, role: role.name, link: url, expiresAt: created.expiresAt })
        return membersPage(deps, request, auth, { status: 201, created: { url, role: role.name, email, mailNote } })
      },
      { permission: 'core.members.manage' },
    )
    .post(
      '/orgs/invitations/:id/revoke',
      async ({ request, auth, params }) => {
        const open = (await orgs.listInvitations(orgOf(auth).id)).find((i) => i.id === params.id)
        if (!open) return notFound(request, 'open invitation')
        try {
          await orgs.revokeInvitation(orgOf(auth).id, open.id)
        } catch (err) {
          return problem(request, err)
        }
        await accounts.audit(actorOf(request, auth), 'org.invitation_revoked', open.email ?? open.role, { id: open.id, role: open.role })
        return redirect(request, '/orgs/members', { kind: 'ok', text: 'The invitation link is revoked.' })
      },
      { permission: 'core.members.manage' },
    )
}
