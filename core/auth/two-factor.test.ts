/**
 * Two-factor secrets at rest and the replay guard in the store: secrets are sealed with the
 * instance key, plaintext ones from before are sealed at boot, a used code stays used across a
 * restart and a second process, and a key that does not open a secret is a clear sign-in error.
 */
import { expect, test } from 'bun:test'
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { Client } from '../../test/helpers/client.ts'
import { logged } from '../../test/helpers/log.ts'
import { ADMIN, startPlatform, testConfig } from '../../test/helpers/platform.ts'
import { dropSchema, eachDialect, testStore, type TestStore } from '../../test/helpers/store.ts'
import { openPlatform, servePlatform } from '../platform.ts'
import { connect, type Store } from '../store/connect.ts'
import { Accounts } from './accounts.ts'
import { resetLimits } from './rate-limit.ts'
import { loadInstanceKey } from './secret-key.ts'
import { currentCode, TwoFactor } from './two-factor.ts'

const PASSWORD = 'two factor password 1'

/** Waits for the next 30 s step when this one is nearly over, so a code made now is still checked in its step. */
async function freshStep(): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000)
  if (left < 4000) await Bun.sleep(left + 50)
}

/** Serves a platform on an existing test store: on `store` (the first start) or a new connection to it (a restart). */
async function serveOn(t: TestStore, env: Record<string, string> = {}, store?: Store) {
  resetLimits()
  const opened = store ?? (await connect(t.url, t.pgSchema ? { pgSchema: t.pgSchema } : {}))
  const platform = await openPlatform(testConfig(t.dataDir, env), fixturePlugins, { store: opened })
  if (store) {
    await platform.host.boot()
    await platform.deps.identity.accounts.createUser({ ...ADMIN, isAdmin: true })
  }
  const running = await servePlatform(platform)
  return { platform, running, client: () => new Client(running.url) }
}

/** The password step of sign-in: the client then holds the pending (mfa) session. */
async function passwordStep(c: Client, email: string): Promise<void> {
  await c.get('/login')
  const res = await c.post('/login', { email, password: PASSWORD, next: '/' })
  expect(res.status).toBe(303)
  expect(res.headers.get('location')).toStartWith('/login/2fa')
  await c.get('/login/2fa')
}

/** A user with two-factor on; the confirming code is the previous step's, so the current and next codes are free. */
async function enrolled(twoFactor: TwoFactor, accounts: Accounts, email: string) {
  const user = await accounts.createUser({ email, name: 'Tess', password: PASSWORD })
  await freshStep()
  const { secret } = await twoFactor.begin(user.id)
  const codes = await twoFactor.confirm(user.id, currentCode(secret, -1))
  return { user, secret, codes }
}

async function stored(store: Store, userId: string): Promise<{ secret: string; step: number | null }> {
  const [row] = await store.query<{ totp_secret: string; totp_last_step: number | string | null }>('select totp_secret, totp_last_step from core_users where id = ?', [userId])
  return { secret: row!.totp_secret, step: row!.totp_last_step === null ? null : Number(row!.totp_last_step) }
}

async function dispose(t: TestStore): Promise<void> {
  if (t.pgSchema) await dropSchema(t.pgSchema)
  rmSync(t.dataDir, { recursive: true, force: true })
}

eachDialect('two-factor at rest', (dialect) => {
  test('the secret is stored encrypted; sign-in with a code works before and after a restart; a code used before it is refused after it', async () => {
    const t = await testStore(dialect)
    let run = await serveOn(t, {}, t.store)
    try {
      const keyFile = join(t.dataDir, 'secret.key')
      expect(statSync(keyFile).mode & 0o777).toBe(0o600)
      const { accounts, twoFactor } = run.platform.deps.identity
      const { user, secret } = await enrolled(twoFactor, accounts, 'tess@example.com')
      const row = await stored(run.platform.store, user.id)
      expect(row.secret).toStartWith('v1:')
      expect(row.secret).not.toContain(secret)
      expect(row.step).toBeNumber()

      const used = currentCode(secret)
      const before = run.client()
      await passwordStep(before, user.email)
      expect((await before.post('/login/2fa', { code: used, next: '/' })).status).toBe(303)
      expect((await before.get('/account')).res.status).toBe(200)
      await run.running.stop()

      run = await serveOn(t)
      const after = run.client()
      await passwordStep(after, user.email)
      const replay = await after.post('/login/2fa', { code: used, next: '/' })
      expect(replay.status).toBe(401)
      expect(await replay.text()).toContain('That code is not right')
      expect((await after.post('/login/2fa', { code: currentCode(secret, 1), next: '/' })).status).toBe(303)
      expect((await after.get('/account')).res.status).toBe(200)
    } finally {
      await run.running.stop()
      await dispose(t)
    }
  }, 30_000)

  test('one code sent at once to two processes on the same store signs in once; the step is stored', async () => {
    const p = await startPlatform(dialect, fixturePlugins)
    const other = await serveOn(p.test)
    const secondStore = await connect(p.test.url, p.test.pgSchema ? { pgSchema: p.test.pgSchema } : {})
    try {
      const { accounts, twoFactor } = p.deps.identity
      const { user, secret } = await enrolled(twoFactor, accounts, 'race@example.com')
      const clients = [p.client(), p.client(), other.client(), other.client()]
      for (const c of clients) await passwordStep(c, user.email)
      const code = currentCode(secret)
      const statuses = (await Promise.all(clients.map((c) => c.post('/login/2fa', { code, next: '/' })))).map((r) => r.status)
      expect(statuses.sort()).toEqual([303, 401, 401, 401])
      const step = (await stored(p.store, user.id)).step!

      // the services, over two connections, with the next code: again exactly one
      const elsewhere = new TwoFactor(new Accounts(secondStore), () => loadInstanceKey(p.config))
      const next = currentCode(secret, 1)
      const verdicts = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? elsewhere : twoFactor).verify(user.id, next)))
      expect(verdicts.filter((v) => v === 'totp').length).toBe(1)
      expect(verdicts.filter((v) => v === false).length).toBe(7)
      expect((await stored(p.store, user.id)).step).toBeGreaterThan(step)
      // turning two-factor off forgets the step with the secret
      await twoFactor.disable(user.id)
      expect(await stored(p.store, user.id)).toEqual({ secret: null as unknown as string, step: null })
    } finally {
      await secondStore.close()
      await other.running.stop()
      await p.stop()
    }
  }, 30_000)

  test('a secret stored in plaintext by an earlier version still works, and is encrypted when the server starts', async () => {
    const t = await testStore(dialect)
    let run = await serveOn(t, {}, t.store)
    try {
      const { accounts, twoFactor } = run.platform.deps.identity
      const { user, secret } = await enrolled(twoFactor, accounts, 'old@example.com')
      await run.platform.store.query('update core_users set totp_secret = ? where id = ?', [secret, user.id])
      expect(await twoFactor.verify(user.id, currentCode(secret))).toBe('totp')
      await run.running.stop()

      const { result, lines } = await logged(() => serveOn(t))
      run = result
      expect(lines.some((l) => l.includes('encrypted 1 two-factor secret(s) stored in plaintext'))).toBe(true)
      // on PostgreSQL, several instances may share the store: a key file per machine would differ
      expect(lines.some((l) => l.includes('SECRET_KEY is not set: two-factor secrets are encrypted with'))).toBe(dialect === 'postgres')
      expect(lines.join('\n')).not.toContain(secret)
      const row = await stored(run.platform.store, user.id)
      expect(row.secret).toStartWith('v1:')
      expect(row.secret).not.toContain(secret)
      const c = run.client()
      await passwordStep(c, user.email)
      expect((await c.post('/login/2fa', { code: currentCode(secret, 1), next: '/' })).status).toBe(303)
    } finally {
      await run.running.stop()
      await dispose(t)
    }
  }, 30_000)

  test('a key that does not open the secret: the code step says to use a recovery code (401, never 500), recovery codes work, nothing secret is logged', async () => {
    const keyA = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')
    const keyB = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
    const t = await testStore(dialect)
    let run = await serveOn(t, { SECRET_KEY: keyA }, t.store)
    try {
      expect(() => statSync(join(t.dataDir, 'secret.key'))).toThrow() // SECRET_KEY set: no key file
      const { accounts, twoFactor } = run.platform.deps.identity
      const { user, secret, codes } = await enrolled(twoFactor, accounts, 'lost@example.com')
      const pendingUser = await accounts.createUser({ email: 'pending@example.com', name: 'Pat', password: PASSWORD })
      await twoFactor.begin(pendingUser.id)
      const sealed = (await stored(run.platform.store, user.id)).secret
      await run.running.stop()

      const boot = await logged(() => serveOn(t, { SECRET_KEY: keyB }))
      run = boot.result
      expect(boot.lines.some((l) => l.includes('SECRET_KEY is not set'))).toBe(false)
      expect(boot.lines.some((l) => l.includes('2 two-factor secret(s) do not open with this instance key (SECRET_KEY)'))).toBe(true)
      const c = run.client()
      await passwordStep(c, user.email)
      const attempt = await logged(() => c.post('/login/2fa', { code: currentCode(secret), next: '/' }))
      expect(attempt.result.status).toBe(401)
      const html = await attempt.result.text()
      expect(html).toContain('Sign in with one of your recovery codes, or ask an administrator to reset your two-factor sign-in.')
      expect(attempt.lines.some((l) => l.includes(`the two-factor secret of user ${user.id} does not open with this instance key`))).toBe(true)
      for (const line of [...boot.lines, ...attempt.lines]) {
        for (const hidden of [secret, sealed, keyA, keyB]) expect(line).not.toContain(hidden)
      }
      const audit = await run.platform.deps.identity.accounts.listAudit({ action: 'auth.two_factor_failed' })
      expect(audit[0]?.details).toEqual({ reason: 'secret unreadable' })
      expect((await c.post('/login/2fa', { code: codes[0]!, next: '/' })).status).toBe(303)
      expect((await c.get('/account/2fa')).res.status).toBe(200)

      // a pending enrollment under the old key: nothing to show, confirming says to start again, starting again works
      const tf = run.platform.deps.identity.twoFactor
      expect(await tf.pending(pendingUser.id)).toBeUndefined()
      await expect(tf.confirm(pendingUser.id, '123456')).rejects.toThrow('start again')
      const fresh = await tf.begin(pendingUser.id)
      expect((await tf.pending(pendingUser.id))?.secret).toBe(fresh.secret)
      // an admin's reset, then enrolling again, works under the new key
      await tf.disable(user.id)
      const again = await enrolled(tf, run.platform.deps.identity.accounts, 'later@example.com')
      expect(await tf.verify(again.user.id, currentCode(again.secret))).toBe('totp')
    } finally {
      await run.running.stop()
      await dispose(t)
    }
  }, 30_000)
})
