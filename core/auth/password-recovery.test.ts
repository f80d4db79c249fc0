/**
 * Set-password links as account recovery: a self-service request ("Forgot your password?", which
 * anyone knowing the address can make) never cancels a link an admin handed over; using any link
 * ends the account's other open links, its sessions and its API tokens (whoever knew the old
 * password may have made some). Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { eachDialect } from '../../test/helpers/store.ts'

eachDialect('password recovery', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [])
  })
  afterAll(() => p.stop())

  test("a self-service request keeps an admin's link working; an admin's new link replaces the old ones", async () => {
    const { accounts } = p.deps.identity
    const { user } = await p.member('member', p.org, `kept-${dialect}@example.com`)
    const byAdmin = await accounts.createPasswordReset(user.id, p.admin!.id)
    const bySelf = await accounts.createPasswordReset(user.id, null, { selfService: true })
    expect(await accounts.findPasswordReset(byAdmin.token)).toBeDefined()
    expect(await accounts.findPasswordReset(bySelf.token)).toBeDefined()
    // a link an admin makes is the one to use: the earlier ones stop working
    const again = await accounts.createPasswordReset(user.id, p.admin!.id)
    expect(await accounts.findPasswordReset(byAdmin.token)).toBeUndefined()
    expect(await accounts.findPasswordReset(bySelf.token)).toBeUndefined()
    expect(await accounts.findPasswordReset(again.token)).toBeDefined()
  })

  test("using a link ends the other links, the sessions and the account's API tokens", async () => {
    const { accounts, tokens } = p.deps.identity
    const { user, client } = await p.member('member', p.org, `recovered-${dialect}@example.com`)
    const { secret } = await tokens.create({ userId: user.id, orgId: p.org!.id, name: 'made with the old password', permissions: ['core.members.read'], expiresInDays: 30 })
    const api = () => fetch(`${p.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })
    expect((await api()).status).toBe(200)
    const first = await accounts.createPasswordReset(user.id, null, { selfService: true })
    const second = await accounts.createPasswordReset(user.id, null, { selfService: true })

    await accounts.usePasswordReset(second.token, 'a recovered password')
    expect(await accounts.findPasswordReset(first.token)).toBeUndefined()
    expect((await api()).status).toBe(401)
    expect(await tokens.list(user.id)).toEqual([])
    expect((await client.get('/account')).res.status).not.toBe(200)
    expect((await p.client().signIn(user.email, 'a recovered password')).status).toBe(303)
  })
})
