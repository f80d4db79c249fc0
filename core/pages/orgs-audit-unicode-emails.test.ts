/**
 * The audit log masks every address sign-up accepts, not just ASCII ones: an address with accents
 * or a "/" in it is masked whole (or shown as its member's name), on the page and in the JSON API,
 * in targets, in detail strings nested in arrays and objects, and as the actor. A viewer with
 * core.emails.read still reads them verbatim. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import { userWithRole } from '../../test/helpers/activity.ts'
import { maskEmail, withoutEmails } from '../../views/audit-table.tsx'

type Json = Record<string, any>

const ZOE = 'zoë@elsewhere.org'
const SLASHED = 'first/last@elsewhere.org'
const JOSE = 'josé.garcía@example.com'

test('withoutEmails masks the whole local part of any address sign-up accepts, punctuation around it kept', () => {
  expect(withoutEmails(`invited ${ZOE}`)).toBe('invited z•••@elsewhere.org')
  expect(withoutEmails(SLASHED)).toBe('f•••@elsewhere.org')
  expect(withoutEmails(`${JOSE}.`)).toBe('j•••@example.com.')
  expect(withoutEmails(`to (${SLASHED}), "${ZOE}"`)).toBe('to (f•••@elsewhere.org), "z•••@elsewhere.org"')
  expect(withoutEmails(`Ana <${JOSE.toUpperCase()}>`, { byId: new Map(), byEmail: new Map([[JOSE, 'José García']]) })).toBe('Ana <José García>')
  expect(maskEmail('😀x@example.com')).toBe('😀•••@example.com') // a character, not half of one
})

eachDialect('audit log, non-ASCII emails', (dialect) => {
  let p: TestPlatform
  let auditor: Client
  let reader: Client
  let joseId: string
  const joseName = 'José García'

  beforeAll(async () => {
    p = await startPlatform(dialect, [])
    auditor = (await userWithRole(p, p.org!, ['core.audit.read'], 1, `auditor-${dialect}@example.com`)).client
    reader = (await userWithRole(p, p.org!, ['core.audit.read', 'core.emails.read'], 2, `reader-${dialect}@example.com`)).client
    const { accounts, orgs } = p.deps.identity
    const jose = await accounts.createUser({ email: JOSE, name: joseName, password: 'jose password 12' })
    const [memberRole] = (await orgs.listRoles(p.org!.id)).filter((r) => r.name === 'Member')
    await orgs.addMember(p.org!.id, jose.id, memberRole!.id)
    joseId = jose.id
    const org = p.org!.id
    await accounts.audit({ userId: p.admin!.id, email: p.admin!.email, orgId: org, ip: '' }, 'org.invitation_created', ZOE, { email: ZOE, nested: { to: [`cc ${SLASHED}`] } })
    await accounts.audit({ userId: p.admin!.id, email: p.admin!.email, orgId: org, ip: '' }, 'org.role_changed', JOSE, { note: `changed for ${JOSE}` })
    await accounts.audit({ userId: jose.id, email: JOSE, orgId: org, ip: '' }, 'test.by_jose', 'Roadmap')
    await accounts.audit({ userId: null, email: SLASHED, orgId: org, ip: '' }, 'test.unknown_actor', 'Roadmap')
  })
  afterAll(() => p.stop())

  const leaks = ['zoë', 'first/', 'last@', 'josé.', 'garcía@']

  test('the page shows none of them to a viewer without core.emails.read: names and masks instead', async () => {
    const { res, html } = await auditor.get('/orgs/audit')
    expect(res.status).toBe(200)
    for (const leak of leaks) expect(html).not.toContain(leak)
    expect(html).toContain('z•••@elsewhere.org')
    expect(html).toContain('cc f•••@elsewhere.org')
    expect(html).toContain(`changed for ${joseName}`)
    expect(html).toContain('f•••@elsewhere.org') // the actor without an account
  })

  test('GET /api/v1/org/audit masks them the same way, in nested details and as the actor', async () => {
    const items = ((await (await auditor.request('/api/v1/org/audit')).json()) as Json).items as Json[]
    for (const leak of leaks) expect(JSON.stringify(items)).not.toContain(leak)
    const invited = items.find((e) => e.action === 'org.invitation_created')!
    expect(invited.target).toBe('z•••@elsewhere.org')
    expect(invited.details).toEqual({ email: 'z•••@elsewhere.org', nested: { to: ['cc f•••@elsewhere.org'] } })
    const changed = items.find((e) => e.action === 'org.role_changed')!
    expect(changed.target).toBe(joseName)
    expect(changed.details).toEqual({ note: `changed for ${joseName}` })
    expect(items.find((e) => e.action === 'test.by_jose')!.actor).toEqual({ id: joseId, name: joseName, email: 'j•••@example.com' })
    expect(items.find((e) => e.action === 'test.unknown_actor')!.actor).toEqual({ id: null, name: null, email: 'f•••@elsewhere.org' })
  })

  test('a viewer with core.emails.read reads them verbatim, page and API', async () => {
    const { html } = await reader.get('/orgs/audit')
    for (const email of [ZOE, SLASHED, JOSE]) expect(html).toContain(email)
    expect(html).not.toContain('•••')
    const items = ((await (await reader.request('/api/v1/org/audit')).json()) as Json).items as Json[]
    const invited = items.find((e) => e.action === 'org.invitation_created')!
    expect(invited.target).toBe(ZOE)
    expect(invited.details).toEqual({ email: ZOE, nested: { to: [`cc ${SLASHED}`] } })
    expect(items.find((e) => e.action === 'test.by_jose')!.actor).toEqual({ id: joseId, name: joseName, email: JOSE })
    expect(items.find((e) => e.action === 'test.unknown_actor')!.actor.email).toBe(SLASHED)
  })
})
