/** @module Two-factor sign-in: TOTP (RFC 6238, via otpauth) with a QR code to enroll, and one-time recovery codes. */
import { and, eq } from 'drizzle-orm'
import * as OTPAuth from 'otpauth'
import type { Accounts } from './accounts.ts'
import { InputError } from './accounts.ts'
import { randomToken, sha256 } from './crypto.ts'
import { limits } from './rate-limit.ts'

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
/** Last TOTP time step used per secret (hashed), so codes cannot be replayed. */
const usedSteps = new Map<string, number>()
const RECOVERY_CODES = 10

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
  constructor(private readonly accounts: Accounts) {}

  private get t() {
    return this.accounts.t
  }

  /** Starts enrollment: stores a new secret (not yet active) and returns what the user scans. */
  async begin(userId: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
    const user = await this.accounts.getUser(userId)
    if (!user) throw new InputError('no such user', 'user', 404)
    if (user.totpEnabled) throw new InputError('two-factor sign-in is on already', 'code', 409)
    const secret = new OTPAuth.Secret({ size: 20 }).base32
    await this.accounts.store.db.update(this.t.users).set({ totpSecret: secret }).where(eq(this.t.users.id, userId))
    const uri = totp(secret, user.email).toString()
    return { secret, uri, qrSvg: await qrSvg(uri) }
  }

  /** Shows the pending enrollment again (after a wrong code), or undefined when none is pending. */
  async pending(userId: string): Promise<{ secret: string; uri: string; qrSvg: string } | undefined> {
    const [row] = await this.accounts.store.db.select().from(this.t.users).where(eq(this.t.users.id, userId))
    if (!row?.totpSecret || row.totpEnabled) return undefined
    const uri = totp(row.totpSecret, row.email).toString()
    return { secret: row.totpSecret, uri, qrSvg: await qrSvg(uri) }
  }

  /** Confirms enrollment with a code from the app; returns the recovery codes (shown once). */
  async confirm(userId: string, code: string): Promise<string[]> {
    const [row] = await this.accounts.store.db.select().from(this.t.users).where(eq(this.t.users.id, userId))
    if (!row?.totpSecret) throw new InputError('start enrollment first', 'code', 409)
    if (row.totpEnabled) throw new InputError('two-factor sign-in is on already', 'code', 409)
    if (!this.checkTotp(row.totpSecret, row.email, code)) throw new InputError('that code is not right: enter the 6 digits your app shows now', 'code')
    const { codes, hashes } = newRecoveryCodes()
    await this.accounts.store.db.update(this.t.users).set({ totpEnabled: true, recoveryCodes: hashes }).where(eq(this.t.users.id, userId))
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
    await this.accounts.store.db.update(this.t.users).set({ totpEnabled: false, totpSecret: null, recoveryCodes: null }).where(eq(this.t.users.id, userId))
    limits.twoFactorDay.reset(userId)
    limits.twoFactor.reset(userId)
    this.accounts.changed()
  }

  /**
   * Checks a sign-in code: a current TOTP code, or an unused recovery code (then used up). A
   * recovery code is consumed by a conditional update (only while the stored list is still the one
   * read), so two sign-ins sending the same code at once cannot both use it; when the list changed
   * meanwhile (another code used), it is read again.
   */
  async verify(userId: string, code: string): Promise<'totp' | 'recovery' | false> {
    const db = this.accounts.store.db
    const u = this.t.users
    const hash = /^\s*\d{6}\s*$/.test(code) ? undefined : sha256(normalizeRecovery(code))
    for (let attempt = 0; attempt <= RECOVERY_CODES; attempt++) {
      const [row] = await db.select().from(u).where(eq(u.id, userId))
      if (!row?.totpEnabled || !row.totpSecret) return false
      if (!hash) return this.checkTotp(row.totpSecret, row.email, code) ? 'totp' : false
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

  /**
   * A code is good once: the time step it belongs to is remembered per secret, so a code someone
   * has seen cannot be replayed within its validity window.
   */
  private checkTotp(secret: string, label: string, code: string): boolean {
    const delta = totp(secret, label).validate({ token: code.replace(/\s/g, ''), window: 1 })
    if (delta === null) return false
    const step = Math.floor(Date.now() / 30_000) + delta
    const key = sha256(secret)
    if ((usedSteps.get(key) ?? -1) >= step) return false
    usedSteps.set(key, step)
    if (usedSteps.size > 10_000) usedSteps.clear()
    return true
  }
}

/** The code for a secret now, or `steps` periods later (tests use it as an authenticator app would). */
export function currentCode(secret: string, steps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 })
}
