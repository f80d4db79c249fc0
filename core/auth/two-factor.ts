/**
 * @module Two-factor sign-in: TOTP (RFC 6238, via otpauth) with a QR code to enroll, and one-time
 * recovery codes. Secrets are stored sealed with the instance key (core/auth/secret-key.ts); the
 * last time step used is stored per user, so a code is good once across restarts and processes.
 */
import { and, eq, isNotNull, isNull, like, lt, notLike, or } from 'drizzle-orm'
import * as OTPAuth from 'otpauth'
import { createLogger, type Logger } from '../log.ts'
import type { Accounts } from './accounts.ts'
import { InputError } from './accounts.ts'
import { isSealed, purposeKey, randomToken, SEALED, seal, sha256, unseal, UnsealError } from './crypto.ts'
import { limits } from './rate-limit.ts'
import type { InstanceKey } from './secret-key.ts'

const ISSUER = 'Coder IDE'

/**
 * The white border around the QR code, in modules: 4 is the quiet zone the QR standard asks for.
 * With 1, scanners often missed the code on a dark page.
 */
export const QR_QUIET_ZONE = 4

/** The QR library is loaded on first enrollment: it weighs megabytes and most requests never need it. */
async function qrSvg(uri: string): Promise<string> {
  const QRCode = (await import('qrcode')).default
  return QRCode.toString(uri, { type: 'svg', margin: QR_QUIET_ZONE, errorCorrectionLevel: 'M' })
}
const RECOVERY_CODES = 10
const PERIOD_MS = 30_000

/** What `verify` found: the kind of code that signed in, false (wrong or used), or a secret the instance key cannot open. */
export type Verdict = 'totp' | 'recovery' | 'unreadable' | false

function totp(secret: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) })
}

/** Normalizes a recovery code as typed (case, spaces, dashes). */
function normalizeRecovery(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** A fresh set of recovery codes (`abcde-12345`), and the hashes the store keeps of them. */
function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomToken(8).toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(10, '0').slice(0, 10)
    return `${raw.slice(0, 5)}-${raw.slice(5)}`
  })
  return { codes, hashes: codes.map((c) => sha256(normalizeRecovery(c))) }
}

/** Two-factor services over the accounts store. */
export class TwoFactor {
  /**
   * `instanceKey` is read on first need (`prepare` at boot, or the first secret sealed or opened);
   * without one (tools and tests that never serve), a key for this process only.
   */
  constructor(
    private readonly accounts: Accounts,
    private readonly instanceKey: () => InstanceKey = processKey,
    private readonly log: Logger = createLogger('auth'),
  ) {}

  private loaded: InstanceKey | undefined
  private sealingKey: Uint8Array | undefined

  /** The instance key, read once. */
  private instance(): InstanceKey {
    return (this.loaded ??= this.instanceKey())
  }

  private get t() {
    return this.accounts.t
  }

  /** The key TOTP secrets are sealed with, derived from the instance key. */
  private key(): Uint8Array {
    return (this.sealingKey ??= purposeKey(this.instance().bytes, 'totp-secret'))
  }

  /** The base32 secret of a stored value (sealed, or plaintext from before sealing); UnsealError when it does not open. */
  private open(userId: string, stored: string): string {
    if (!isSealed(stored)) return stored
    let key: Uint8Array
    try {
      key = this.key()
    } catch (err) {
      throw new UnsealError(`no instance key: ${(err as Error).message}`)
    }
    return unseal(key, stored, userId)
  }

  /**
   * At boot (serve): reads the instance key (a key file that holds no key is a ConfigError, so the
   * server does not start), seals secrets stored in plaintext by an older version, and says how many
   * sealed secrets this key does not open. Sealing here rather than at each user's next sign-in
   * leaves no plaintext secret in the store (or its backups) for accounts that rarely sign in; a
   * conditional update on the plaintext makes it safe to run from several instances at once.
   */
  async prepare(): Promise<{ sealed: number; unreadable: number }> {
    const instance = this.instance()
    if (instance.source === 'new file') this.log.info(`made the instance key ${instance.file} (it encrypts two-factor secrets): back it up with the database`)
    if (instance.source !== 'SECRET_KEY' && instance.source !== 'memory' && this.accounts.store.dialect === 'postgres') {
      this.log.warn(`SECRET_KEY is not set: two-factor secrets are encrypted with ${instance.file}, which is this machine's; every instance sharing this PostgreSQL database needs the same key, so set SECRET_KEY on all of them`)
    }
    const u = this.t.users
    const db = this.accounts.store.db
    const secrets = (sealedOnes: boolean) => (sealedOnes ? like(u.totpSecret, `${SEALED}%`) : and(isNotNull(u.totpSecret), notLike(u.totpSecret, `${SEALED}%`)))
    // Whether this key is the one the secrets were sealed with: one sealed secret tells (they are all
    // sealed with the instance key), so a start reads one row, not every two-factor user's; only
    // when it does not open are the others read, to say how many are lost.
    let unreadable = 0
    const [probe] = await db.select({ id: u.id, secret: u.totpSecret }).from(u).where(secrets(true)).limit(1)
    if (probe && !this.opens(probe.id, probe.secret!)) {
      for (const row of await db.select({ id: u.id, secret: u.totpSecret }).from(u).where(secrets(true))) if (!this.opens(row.id, row.secret!)) unreadable++
    }
    let sealed = 0
    for (const row of await db.select({ id: u.id, secret: u.totpSecret }).from(u).where(secrets(false))) {
      const stored = row.secret!
      const done = await db.update(u).set({ totpSecret: seal(this.key(), stored, row.id) }).where(and(eq(u.id, row.id), eq(u.totpSecret, stored))).returning({ id: u.id })
      sealed += done.length
    }
    if (sealed) this.log.info(`encrypted ${sealed} two-factor secret(s) stored in plaintext by an earlier version`)
    if (unreadable) {
      this.log.error(
        `${unreadable} two-factor secret(s) do not open with this instance key (${instance.source === 'SECRET_KEY' ? 'SECRET_KEY' : instance.file}), which is not the key they were encrypted with: restore that key, or those users sign in with a recovery code or get their two-factor sign-in reset by an admin`,
      )
    }
    return { sealed, unreadable }
  }

  /** True when `stored` (sealed) opens with this instance's key. */
  private opens(userId: string, stored: string): boolean {
    try {
      this.open(userId, stored)
      return true
    } catch {
      return false
    }
  }

  /** Starts enrollment: stores a new secret (not yet active) and returns what the user scans. */
  async begin(userId: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
    const user = await this.accounts.getUser(userId)
    if (!user) throw new InputError('no such user', 'user', 404)
    if (user.totpEnabled) throw new InputError('two-factor sign-in is on already', 'code', 409)
    const secret = new OTPAuth.Secret({ size: 20 }).base32
    await this.accounts.store.db.update(this.t.users).set({ totpSecret: seal(this.key(), secret, userId), totpLastStep: null }).where(eq(this.t.users.id, userId))
    const uri = totp(secret, user.email).toString()
    return { secret, uri, qrSvg: await qrSvg(uri) }
  }

  /**
   * Shows the pending enrollment again (after a wrong code), or undefined when none is pending or
   * its secret does not open with the instance key (the user then starts again).
   */
  async pending(userId: string): Promise<{ secret: string; uri: string; qrSvg: string } | undefined> {
    const [row] = await this.accounts.store.db.select().from(this.t.users).where(eq(this.t.users.id, userId))
    if (!row?.totpSecret || row.totpEnabled) return undefined
    let secret: string
    try {
      secret = this.open(userId, row.totpSecret)
    } catch (err) {
      if (err instanceof UnsealError) return undefined
      throw err
    }
    const uri = totp(secret, row.email).toString()
    return { secret, uri, qrSvg: await qrSvg(uri) }
  }

  /** Confirms enrollment with a code from the app; returns the recovery codes (shown once). */
  async confirm(userId: string, code: string): Promise<string[]> {
    const [row] = await this.accounts.store.db.select().from(this.t.users).where(eq(this.t.users.id, userId))
    if (!row?.totpSecret) throw new InputError('start enrollment first', 'code', 409)
    if (row.totpEnabled) throw new InputError('two-factor sign-in is on already', 'code', 409)
    let secret: string
    try {
      secret = this.open(userId, row.totpSecret)
    } catch (err) {
      if (err instanceof UnsealError) throw new InputError('this enrollment cannot be read any more (the server key changed): start again', 'code', 409)
      throw err
    }
    const step = matchingStep(secret, row.email, code)
    if (step === undefined) throw new InputError('that code is not right: enter the 6 digits your app shows now', 'code')
    const { codes, hashes } = newRecoveryCodes()
    // The confirming code's step is recorded, so it cannot sign in afterwards; only the secret read
    // here is confirmed (a second enrollment started meanwhile is not).
    const u = this.t.users
    const done = await this.accounts.store.db
      .update(u)
      .set({ totpEnabled: true, recoveryCodes: hashes, totpLastStep: step })
      .where(and(eq(u.id, userId), eq(u.totpEnabled, false), eq(u.totpSecret, row.totpSecret)))
      .returning({ id: u.id })
    if (done.length !== 1) throw new InputError('two-factor sign-in changed meanwhile: reload the page and start again', 'code', 409)
    this.accounts.changed()
    return codes
  }

  /**
   * Replaces the user's recovery codes with a fresh set (shown once): the old ones, used or not,
   * stop working. 409 when two-factor sign-in is off.
   */
  async regenerateRecovery(userId: string): Promise<string[]> {
    const { codes, hashes } = newRecoveryCodes()
    const u = this.t.users
    const done = await this.accounts.store.db
      .update(u)
      .set({ recoveryCodes: hashes })
      .where(and(eq(u.id, userId), eq(u.totpEnabled, true)))
      .returning({ id: u.id })
    if (done.length !== 1) throw new InputError('two-factor sign-in is off: turn it on to get recovery codes', 'current', 409)
    return codes
  }

  /**
   * Turns two-factor off (the user after re-entering the password, or an admin reset). The
   * account's counts of two-factor attempts go too: they were guesses at a secret that is gone, and
   * an admin's reset is how a user locked out for the day gets back in.
   */
  async disable(userId: string): Promise<void> {
    await this.accounts.store.db.update(this.t.users).set({ totpEnabled: false, totpSecret: null, recoveryCodes: null, totpLastStep: null }).where(eq(this.t.users.id, userId))
    limits.twoFactorDay.reset(userId)
    limits.twoFactor.reset(userId)
    this.accounts.changed()
  }

  /**
   * Checks a sign-in code: a current TOTP code, or an unused recovery code (then used up). A TOTP
   * code is good once: its time step must be later than the stored last one, and is stored by a
   * conditional update (`... where totp_last_step < step`), so two sign-ins sending the same code at
   * once, from any process, cannot both pass. A recovery code is consumed the same way (only while
   * the stored list is still the one read); when the list changed meanwhile (another code used), it
   * is read again. 'unreadable': the secret does not open with the instance key (logged, never
   * with the secret); recovery codes still work then.
   */
  async verify(userId: string, code: string): Promise<Verdict> {
    const db = this.accounts.store.db
    const u = this.t.users
    const hash = /^\s*\d{6}\s*$/.test(code) ? undefined : sha256(normalizeRecovery(code))
    for (let attempt = 0; attempt <= RECOVERY_CODES; attempt++) {
      const [row] = await db.select().from(u).where(eq(u.id, userId))
      if (!row?.totpEnabled || !row.totpSecret) return false
      if (!hash) {
        let secret: string
        try {
          secret = this.open(userId, row.totpSecret)
        } catch (err) {
          if (!(err instanceof UnsealError)) throw err
          this.log.error(`the two-factor secret of user ${userId} does not open with this instance key (SECRET_KEY or $DATA_DIR/secret.key is not the one it was encrypted with): ${err.message}`)
          return 'unreadable'
        }
        const step = matchingStep(secret, row.email, code)
        if (step === undefined) return false
        const claimed = await db
          .update(u)
          .set({ totpLastStep: step })
          .where(and(eq(u.id, userId), eq(u.totpEnabled, true), eq(u.totpSecret, row.totpSecret), or(isNull(u.totpLastStep), lt(u.totpLastStep, step))))
          .returning({ id: u.id })
        return claimed.length === 1 ? 'totp' : false
      }
      const left = row.recoveryCodes ?? []
      if (!left.includes(hash)) return false
      const used = await db
        .update(u)
        .set({ recoveryCodes: left.filter((h) => h !== hash) })
        .where(and(eq(u.id, userId), eq(u.totpEnabled, true), eq(u.recoveryCodes, left)))
        .returning({ id: u.id })
      if (used.length === 1) return 'recovery'
    }
    return false
  }

  /** Unused recovery codes left. */
  async recoveryLeft(userId: string): Promise<number> {
    const [row] = await this.accounts.store.db.select({ codes: this.t.users.recoveryCodes }).from(this.t.users).where(eq(this.t.users.id, userId))
    return row?.codes?.length ?? 0
  }

}

/** The time step (30 s since the epoch) `code` belongs to, one step either side of now; undefined when it matches none. */
function matchingStep(secret: string, label: string, code: string): number | undefined {
  const now = Date.now()
  const delta = totp(secret, label).validate({ token: code.replace(/\s/g, ''), timestamp: now, window: 1 })
  return delta === null ? undefined : Math.floor(now / PERIOD_MS) + delta
}

let processOnly: InstanceKey | undefined

/** A random instance key kept in memory: for TwoFactor built without one (tools, tests). */
function processKey(): InstanceKey {
  return (processOnly ??= { bytes: crypto.getRandomValues(new Uint8Array(32)), source: 'memory', file: '(this process only)' })
}

/** The code for a secret now, or `steps` periods later (tests use it as an authenticator app would). */
export function currentCode(secret: string, steps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 })
}
