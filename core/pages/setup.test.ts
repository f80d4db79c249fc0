import { afterEach, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import type { Client } from '../../test/helpers/client.ts'

eachDialect('first-run setup', (dialect) => {
  let p: TestPlatform | undefined
  afterEach(async () => {
    await p?.stop()
    p = undefined
  })

  /** A client holding the setup form's CSRF token. */
  const atSetup = async (platform: TestPlatform): Promise<Client> => {
    const c = platform.client()
    expect((await c.get('/setup')).res.status).toBe(200)
    return c
  }

  test('two setups posted at once: exactly one administrator and one organization; the other request is told, not served', async () => {
    p = await startPlatform(dialect, fixturePlugins, {}, { setup: false })
    const a = await atSetup(p)
    const b = await atSetup(p)
    const [ra, rb] = await Promise.all([
      a.post('/setup', { name: 'Ana', email: 'ana@example.com', password: 'ana password 1', org: 'Ana Labs' }),
      b.post('/setup', { name: 'Bea', email: 'bea@example.com', password: 'bea password 1', org: 'Bea Labs' }),
    ])
    const { accounts, orgs } = p.deps.identity
    const users = await accounts.listUsers()
    expect(users.length).toBe(1)
    expect(users[0]!.isAdmin).toBe(true)
    expect((await orgs.listAllOrgs()).length).toBe(1)
    const winner = users[0]!.email === 'ana@example.com' ? ra : rb
    const loser = winner === ra ? rb : ra
    expect(winner.status).toBe(303)
    expect(winner.headers.get('location')).toBe('/')
    expect(loser.headers.get('set-cookie') ?? '').not.toContain('sid=')
    expect([303, 409]).toContain(loser.status)
    if (loser.status === 409) expect(await loser.text()).toContain('Setup is running in another request')
    else expect(loser.headers.get('location')).toBe('/login')
    expect((await accounts.listAudit({ action: 'instance.setup' })).length).toBe(1)
  })

  test('a setup that fails validation lets the next one through; once set up, /setup sends to sign-in', async () => {
    p = await startPlatform(dialect, fixturePlugins, {}, { setup: false })
    const c = await atSetup(p)
    expect((await c.post('/setup', { name: 'Ana', email: 'nope', password: 'ana password 1', org: 'Ana Labs' })).status).toBe(422)
    expect((await c.post('/setup', { name: 'Ana', email: 'ana@example.com', password: 'ana password 1', org: 'Ana Labs' })).status).toBe(303)
    const late = p.client()
    await late.get('/login') // the anonymous CSRF token
    const again = await late.post('/setup', { name: 'Bea', email: 'bea@example.com', password: 'bea password 1', org: 'Bea Labs' })
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/login')
    expect((await p.deps.identity.accounts.listUsers()).length).toBe(1)
  })

  test('the first account is created only while there is none: the count is checked again in the insert’s transaction', async () => {
    p = await startPlatform(dialect, fixturePlugins, {}, { setup: false })
    const { accounts } = p.deps.identity
    const made = await Promise.allSettled(
      ['one', 'two', 'three'].map((n) => accounts.createUser({ email: `${n}@example.com`, name: n, password: `${n} password 1`, isAdmin: true, onlyFirst: true })),
    )
    expect(made.filter((r) => r.status === 'fulfilled').length).toBe(1)
    for (const r of made) if (r.status === 'rejected') expect((r.reason as Error).message).toContain('set up already')
    expect(await accounts.countUsers()).toBe(1)
    // an ordinary account (the CLI, invitations) is not limited
    await accounts.createUser({ email: 'later@example.com', name: 'Later', password: 'later password 1' })
    expect(await accounts.countUsers()).toBe(2)
  })

  test('an account inserted by another connection whose transaction is still open (another process) is waited for, not missed', async () => {
    p = await startPlatform(dialect, fixturePlugins, {}, { setup: false })
    const { accounts } = p.deps.identity
    let second: Promise<unknown> | undefined
    await p.store.tx(async (db) => {
      await db.insert(accounts.t.users).values({ id: 'other-process', email: 'cli@example.com', name: 'CLI', passwordHash: 'x', isAdmin: true, disabled: false, totpEnabled: false, createdAt: new Date() })
      second = accounts.createUser({ email: 'web@example.com', name: 'Web', password: 'web password 1', isAdmin: true, onlyFirst: true }).then(
        () => 'created',
        (err: Error) => err.message,
      )
      await Bun.sleep(800) // long enough for the password hash and the second transaction to start
    })
    expect(await second).toContain('set up already')
    expect((await accounts.listUsers()).map((u) => u.email)).toEqual(['cli@example.com'])
  })
})
