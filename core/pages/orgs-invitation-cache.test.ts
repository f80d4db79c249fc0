import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'

eachDialect('invitation links are never cached', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  test('POST /orgs/invitations answers 201 with the link and Cache-Control: no-store (like a new API token); the members page itself stays private, no-cache', async () => {
    const ada = await p.adminClient()
    await ada.get('/orgs/members')
    const member = (await p.deps.identity.orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!
    const res = await ada.post('/orgs/invitations', { role: member.id })
    expect(res.status).toBe(201)
    expect(await res.text()).toContain('/invite/')
    expect(res.headers.get('cache-control')).toBe('no-store')
    // a refused invitation shows no link: the usual header
    const refused = await ada.post('/orgs/invitations', { role: '' })
    expect(refused.status).toBe(422)
    expect(refused.headers.get('cache-control')).toBe('private, no-cache')
    expect((await ada.get('/orgs/members')).res.headers.get('cache-control')).toBe('private, no-cache')
  })
})
