import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { INSTANCE_ADMIN_SCOPE } from '../auth/tokens.ts'

eachDialect('the instance admin pages, for someone who is no instance admin', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  test('a member and an org owner get a 403 saying the pages are for instance admins, not the API token scope', async () => {
    for (const role of ['member', 'owner'] as const) {
      const { client } = await p.member(role)
      for (const path of ['/admin', '/admin/users', '/admin/plugins']) {
        const res = await client.get(path)
        expect(res.res.status).toBe(403)
        expect(res.html).toContain('Only instance admins may do this')
        expect(res.html).toContain('This part is for instance admins: the people who run this Coder IDE')
        expect(res.html).not.toContain(INSTANCE_ADMIN_SCOPE)
        expect(res.html).not.toContain('admin API')
      }
    }
  })
})
