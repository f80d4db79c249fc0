import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'

eachDialect('leaving an organization', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  for (const role of ['member', 'guest'] as const) {
    test(`a ${role} (no core.members.manage) leaves with CSRF: gone from the org, audited, sent home`, async () => {
      const { user, client } = await p.member(role)
      const page = await client.get('/orgs/members')
      expect(page.res.status).toBe(200)
      expect(page.html).toContain('action="/orgs/leave"')
      expect(page.html).toContain('data-confirm="Leave Acme?')

      expect((await client.post('/orgs/leave', { _csrf: 'not-the-token', org: p.org!.id })).status).toBe(403)
      expect((await client.post('/orgs/leave')).status).toBe(422) // the form names the organization
      expect(await p.deps.identity.orgs.getMember(p.org!.id, user.id)).toBeTruthy()

      const left = await client.post('/orgs/leave', { org: p.org!.id })
      expect(left.status).toBe(303)
      expect(left.headers.get('location')).toBe('/')
      expect(await p.deps.identity.orgs.getMember(p.org!.id, user.id)).toBeFalsy()
      const audit = (await p.deps.identity.accounts.listAudit({ action: 'org.member_left' })).filter((e) => e.target === user.email)
      expect(audit.length).toBe(1)
      expect(audit[0]!.orgId).toBe(p.org!.id)
      expect((await client.get('/orgs/members')).res.status).not.toBe(200)
    })
  }

  test('leaving the current org moves the session to another org the user belongs to', async () => {
    const { user, client } = await p.member('member')
    const other = await p.deps.identity.orgs.createOrg({ name: 'Elsewhere' }, user.id)
    // a page shown for another organization (switched since, in another tab) leaves nothing
    const switched = await client.post('/orgs/leave', { org: other.id })
    expect(switched.status).toBe(409)
    expect(await switched.text()).toContain('You work in Acme now')
    expect((await client.post('/orgs/leave', { org: p.org!.id })).status).toBe(303)
    const members = await client.get('/orgs/members')
    expect(members.res.status).toBe(200)
    expect(members.html).toContain('Elsewhere')
    expect(await p.deps.identity.orgs.getMember(other.id, user.id)).toBeTruthy()
  })

  test('the only owner is told to hand over first: no leave button, and the POST is refused (409) with the reason', async () => {
    const { user, client } = await p.member('member')
    const solo = await p.deps.identity.orgs.createOrg({ name: 'Solo <b>Works</b>' }, user.id)
    expect((await client.post('/orgs/switch', { org: solo.id })).status).toBe(303)
    const page = await client.get('/orgs/members')
    expect(page.html).not.toContain('action="/orgs/leave"')
    expect(page.html).toContain('You are the only owner of Solo &lt;b&gt;Works&lt;/b&gt;')
    const refused = await client.post('/orgs/leave', { org: solo.id })
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('make someone else owner first')
    expect(await p.deps.identity.orgs.getMember(solo.id, user.id)).toBeTruthy()
  })
})
