/**
 * The members page offers the only active owner neither "Leave" nor a role select (the server refuses
 * both: an organization keeps an owner who can act); it says why instead. A second owner brings both back.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'

eachDialect('members page: the only owner', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  test('the only owner gets a note instead of Leave and a role select; with a second owner both come back', async () => {
    const { user: founder, client } = await p.member('member')
    const org = await p.deps.identity.orgs.createOrg({ name: 'Solo Works' }, founder.id)
    expect((await client.post('/orgs/switch', { org: org.id })).status).toBe(303)

    const alone = await client.get('/orgs/members')
    expect(alone.res.status).toBe(200)
    expect(alone.html).not.toContain(`action="/orgs/members/${founder.id}/remove"`)
    expect(alone.html).not.toContain(`id="role-${founder.id}"`)
    expect(alone.html).toContain('the only owner')
    // what the page no longer offers is still refused
    const refused = await client.post(`/orgs/members/${founder.id}/remove`)
    expect(refused.status).toBe(409)

    const { user: second } = await p.member('owner', org)
    const shared = await client.get('/orgs/members')
    expect(shared.html).toContain(`action="/orgs/members/${founder.id}/remove"`)
    expect(shared.html).toContain(`id="role-${founder.id}"`)
    expect(shared.html).toContain(`id="role-${second.id}"`)
    expect(shared.html).not.toContain('the only owner')

    // the second owner disabled: the founder is the only active owner again
    await p.deps.identity.accounts.setDisabled(second.id, true)
    const again = await client.get('/orgs/members')
    expect(again.html).not.toContain(`action="/orgs/members/${founder.id}/remove"`)
    expect(again.html).toContain('the only owner')
  })
})
