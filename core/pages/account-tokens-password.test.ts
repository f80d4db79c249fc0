/**
 * Creating an API token asks for the password again (a token outlives a password change, so a
 * briefly stolen session must not mint one): missing or wrong is 422 with the values kept and the
 * error beside the field, counted against the sign-in limits. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'

eachDialect('token creation asks for the password', (dialect) => {
  let p: TestPlatform

  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  const fields = { name: 'deploys <x>', permissions: ['fixture-notes.note.write'], expires: '90' }

  test('the form has a current-password field; without it or with a wrong one: 422, values kept, no token', async () => {
    const { user, client } = await p.member('member')
    const { html: form } = await client.get('/account/tokens')
    expect(form).toMatch(/<input[^>]*id="f-current"[^>]*type="password"|<input[^>]*type="password"[^>]*id="f-current"/)
    expect(form).toContain('autocomplete="current-password"')
    for (const [current, message] of [
      [undefined, 'Enter your current password.'],
      ['', 'Enter your current password.'],
      ['not my password', 'That password is not right: enter your current password.'],
    ] as const) {
      const res = await client.post('/account/tokens', current === undefined ? fields : { ...fields, current })
      expect(res.status).toBe(422)
      const html = await res.text()
      expect(html).toContain(`id="f-current-error"`)
      expect(html).toContain(message)
      expect(html).toContain('value="deploys <x>"')
      expect(html).toMatch(/value="fixture-notes.note.write" checked/)
      expect(html).toContain('<option value="90" selected>')
      expect(html).not.toContain('not my password') // the password is never sent back
    }
    expect(await p.deps.identity.tokens.list(user.id)).toEqual([])

    const ok = await client.post('/account/tokens', { ...fields, current: 'member password 1' })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('id="token-secret"')
    expect((await p.deps.identity.tokens.list(user.id)).map((t) => t.name)).toEqual(['deploys <x>'])
  })

  test('other field errors and a wrong password are reported together', async () => {
    const { client } = await p.member('member')
    const res = await client.post('/account/tokens', { ...fields, name: '', current: 'wrong' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('Enter a token name of 1 to 60 characters.')
    expect(html).toContain('That password is not right: enter your current password.')
  })

  test('wrong passwords are rate limited like the other password checks (429)', async () => {
    const { client } = await p.member('member')
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) statuses.push((await client.post('/account/tokens', { ...fields, current: `wrong ${i}` })).status)
    expect(statuses[0]).toBe(422)
    expect(statuses).toContain(429)
  })
})
