/**
 * The organization's audit log (page and JSON API) shows email addresses only to viewers who may
 * see them (`seesEmails`): others read the actor's name, a member's name for a member's email, and
 * a masked address ("s•••@example.com") for anyone else. The instance admin's log shows everything.
 * Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { userWithRole } from '../../test/helpers/activity.ts'
import { maskEmail, withoutEmails } from '../../views/audit-table.tsx'

type Json = Record<string, any>

test('maskEmail keeps the first character and the domain; withoutEmails masks emails inside text', () => {
  expect(maskEmail('sam@example.com')).toBe('s•••@example.com')
  expect(withoutEmails('failed for bob.smith+x@corp.example.org, retry')).toBe('failed for b•••@corp.example.org, retry')
  expect(withoutEmails('cli')).toBe('cli')
  expect(withoutEmails('Sam <sam@example.com>', { byId: new Map(), byEmail: new Map([['sam@example.com', 'Sam Smith']]) })).toBe('Sam <Sam Smith>')
})

eachDialect('audit log emails', (dialect) => {
  let p: TestPlatform
  let auditor: Client
  let reader: Client
  let admin: Client
  let memberEmail: string
  let memberName: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [])
    admin = await p.adminClient()
    auditor = (await userWithRole(p, p.org!, ['core.audit.read'], 1, 'auditor-1@example.com')).client
    reader = (await userWithRole(p, p.org!, ['core.audit.read', 'core.emails.read'], 2, 'reader-2@example.com')).client
    const { user } = await p.member('member', p.org!, 'sam.member@example.com')
    memberEmail = user.email
    memberName = user.name
    const { accounts } = p.deps.identity
    const actor = { userId: p.admin!.id, email: ADMIN.email, orgId: p.org!.id, ip: '127.0.0.1' }
    await accounts.audit(actor, 'org.role_changed', memberEmail, { from: 'Member', to: 'Admin' })
    await accounts.audit(actor, 'org.invitation_created', 'outsider@elsewhere.org', { role: 'Member', email: 'outsider@elsewhere.org', list: ['x', memberEmail] })
    await accounts.audit({ userId: null, email: 'mallory@evil.example', orgId: p.org!.id, ip: '' }, 'test.unknown_actor', 'Roadmap', { note: `sent to ${memberEmail}` })
  })
  afterAll(() => p.stop())

  const ALL_EMAILS = () => [ADMIN.email, memberEmail, 'outsider@elsewhere.org', 'mallory@evil.example']

  test('the page: names and masked addresses for a viewer without core.emails.read', async () => {
    const { res, html } = await auditor.get('/orgs/audit')
    expect(res.status).toBe(200)
    for (const email of ALL_EMAILS()) expect(html).not.toContain(email)
    expect(html).toContain(ADMIN.name) // the actor
    expect(html).toContain(memberName) // a member's email as a target, in a list and inside text
    expect(html).toContain(`sent to ${memberName}`)
    expect(html).toContain('o•••@elsewhere.org') // an invitee: not a member
    expect(html).toContain('m•••@evil.example') // an actor without an account
  })

  test('the page: emails for a viewer with core.emails.read, and on the instance admin log', async () => {
    for (const [client, path] of [[reader, '/orgs/audit'], [admin, '/admin/audit']] as const) {
      const { res, html } = await client.get(path)
      expect(res.status).toBe(200)
      for (const email of ALL_EMAILS()) expect(html).toContain(email)
      expect(html).not.toContain('•••')
    }
  })

  test('GET /api/v1/org/audit masks the same way; a viewer who sees emails gets them with the actor name', async () => {
    const items = async (c: Client) => ((await (await c.request('/api/v1/org/audit')).json()) as Json).items as Json[]
    const masked = await items(auditor)
    const text = JSON.stringify(masked)
    for (const email of ALL_EMAILS()) expect(text).not.toContain(email)
    const changed = masked.find((e) => e.action === 'org.role_changed')!
    expect(changed.actor).toEqual({ id: p.admin!.id, name: ADMIN.name, email: maskEmail(ADMIN.email) })
    expect(changed.target).toBe(memberName)
    const invited = masked.find((e) => e.action === 'org.invitation_created')!
    expect(invited.target).toBe('o•••@elsewhere.org')
    expect(invited.details).toEqual({ role: 'Member', email: 'o•••@elsewhere.org', list: ['x', memberName] })
    const unknown = masked.find((e) => e.action === 'test.unknown_actor')!
    expect(unknown.actor).toEqual({ id: null, name: null, email: 'm•••@evil.example' })

    const open = await items(reader)
    const plain = open.find((e) => e.action === 'org.invitation_created')!
    expect(plain.actor).toEqual({ id: p.admin!.id, name: ADMIN.name, email: ADMIN.email })
    expect(plain.target).toBe('outsider@elsewhere.org')
    expect(plain.details.list).toEqual(['x', memberEmail])
  })
})
