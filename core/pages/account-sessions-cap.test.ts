import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { SESSIONS_PER_USER } from '../auth/accounts.ts'

eachDialect('sessions per user are capped', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  const rows = async (userId: string) => {
    const { sessions } = p.deps.identity.accounts.t
    return (await p.store.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).length
  }

  test(`a user keeps at most ${SESSIONS_PER_USER} sessions: one more ends the least recently used; the sessions page lists at most that many`, async () => {
    const { accounts } = p.deps.identity
    const user = await accounts.createUser({ email: 'many-sessions@example.com', name: 'Many', password: 'many sessions 1' })
    const meta = { ip: '192.0.2.1', userAgent: 'test' }
    const oldest = await accounts.createSession(user.id, meta)
    await Bun.sleep(5)
    for (let i = 1; i < SESSIONS_PER_USER; i++) await accounts.createSession(user.id, meta)
    expect(await rows(user.id)).toBe(SESSIONS_PER_USER)
    expect(await accounts.sessionFromToken(oldest.token)).toBeDefined()
    await Bun.sleep(5)
    const newest = await accounts.createSession(user.id, meta)
    expect(await rows(user.id)).toBe(SESSIONS_PER_USER)
    expect(await accounts.sessionFromToken(oldest.token)).toBeUndefined()
    expect(await accounts.sessionFromToken(newest.token)).toBeDefined()
    // a sign-in through the page: still the cap, and the page lists every live one, no more
    const c = p.client()
    expect((await c.signIn(user.email, 'many sessions 1')).status).toBe(303)
    expect(await rows(user.id)).toBe(SESSIONS_PER_USER)
    const { html } = await c.get('/account/sessions')
    expect(html.match(/\/account\/sessions\/[0-9a-f]+\/revoke/g)?.length).toBe(SESSIONS_PER_USER)
    expect((await accounts.listSessions(user.id)).length).toBe(SESSIONS_PER_USER)
  })

  test('a session in use outlives idle ones: the least recently used go first, not the first signed in', async () => {
    const { accounts } = p.deps.identity
    const user = await accounts.createUser({ email: 'busy-sessions@example.com', name: 'Busy', password: 'busy sessions 1' })
    const meta = { ip: '192.0.2.2', userAgent: 'test' }
    const first = await accounts.createSession(user.id, meta)
    const second = await accounts.createSession(user.id, meta)
    const t = accounts.t
    // the first was used a moment ago; the second not for an hour
    await p.store.db.update(t.sessions).set({ lastSeenAt: new Date(Date.now() - 3600_000) }).where(eq(t.sessions.id, second.id))
    for (let i = 2; i < SESSIONS_PER_USER; i++) await accounts.createSession(user.id, meta)
    await accounts.createSession(user.id, meta)
    expect(await accounts.sessionFromToken(second.token)).toBeUndefined()
    expect(await accounts.sessionFromToken(first.token)).toBeDefined()
  })
})
