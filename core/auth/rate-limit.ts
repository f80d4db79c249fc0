/**
 * @module In-memory rate limits (sliding window) for sign-in, two-factor and invitations. Each
 * sensitive action is limited per account (or invitation) AND per client address, so neither many
 * addresses against one account nor one address against many accounts gets far. Wrong passwords
 * count per account from one address (tight) and per account from all addresses (much wider), so
 * one address guessing cannot lock the owner out from another.
 */

/** The outcome of a hit: allowed, or wait `retryAfter` seconds. */
export interface Verdict {
  ok: boolean
  retryAfter: number
}

/** Keys a limiter keeps at most: past it, the least recently hit go first. */
export const RATE_LIMIT_MAX_KEYS = 50_000

/**
 * Allows `limit` hits per key in any `windowMs`. At most `maxKeys` keys are kept: the map is in
 * order of last hit (a hit moves its key to the end), so the first keys are the least recently hit
 * (expired ones, unless every key is live) and dropping them costs O(1) a hit, never a scan.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxKeys = RATE_LIMIT_MAX_KEYS,
  ) {}

  /** How many keys are kept now. */
  get size(): number {
    return this.hits.size
  }

  /** Records a hit for `key` and says whether it is allowed. */
  hit(key: string, now = Date.now()): Verdict {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs)
    this.hits.delete(key) // set again below, at the end: the most recently hit
    if (list.length >= this.limit) {
      this.hits.set(key, list)
      return { ok: false, retryAfter: Math.max(1, Math.ceil((list[0]! + this.windowMs - now) / 1000)) }
    }
    list.push(now)
    this.hits.set(key, list)
    while (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!)
    return { ok: true, retryAfter: 0 }
  }

  /** How many hits `key` has in the window now. */
  count(key: string, now = Date.now()): number {
    return (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs).length
  }

  /** Says whether `key` is blocked, without recording a hit. */
  check(key: string, now = Date.now()): Verdict {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs)
    return list.length >= this.limit ? { ok: false, retryAfter: Math.max(1, Math.ceil((list[0]! + this.windowMs - now) / 1000)) } : { ok: true, retryAfter: 0 }
  }

  /**
   * Takes back the latest hit of `key`: callers record an attempt before the slow part (hashing a
   * password), so parallel attempts cannot all pass the check, and give it back when the attempt
   * turns out not to count (the password was right, or the server was too busy to check it).
   */
  refund(key: string): void {
    const list = this.hits.get(key)
    if (!list) return
    list.pop()
    if (list.length === 0) this.hits.delete(key)
  }

  /** Forgets every key. */
  clear(): void {
    this.hits.clear()
  }

  /** Forgets a key (after a successful sign-in). */
  reset(key: string): void {
    this.hits.delete(key)
  }
}

/** The limits the platform applies. */
export const limits = {
  /** Failed passwords per account from one address (key: `accountAtAddress`). */
  signInAccountAddress: new RateLimiter(10, 15 * 60_000),
  /** Failed passwords per account from all addresses together: what many addresses get at most. */
  signInAccount: new RateLimiter(100, 15 * 60_000),
  /** Failed sign-ins per address. */
  signInAddress: new RateLimiter(50, 15 * 60_000),
  /**
   * Sign-ins with the right password per address, any account (reserved before the check, given
   * back on a wrong one, which the limits above count): with them, every sign-in POST that reaches
   * a password check counts against one per-address limit, the successful ones included.
   */
  signInSuccessAddress: new RateLimiter(60, 60_000),
  /** Two-factor codes per user (every attempt counts). */
  twoFactor: new RateLimiter(5, 5 * 60_000),
  /** Wrong two-factor codes per user in a day: past it, the two-factor step is locked until the oldest leaves the day. */
  twoFactorDay: new RateLimiter(20, 24 * 3600_000),
  /** Wrong two-factor codes per address (any account). */
  twoFactorAddress: new RateLimiter(50, 15 * 60_000),
  /** Invitations created per user (organization and instance admin pages). */
  inviteCreate: new RateLimiter(30, 60 * 60_000),
  /** Invitations created per address (any account). */
  inviteCreateAddress: new RateLimiter(60, 60 * 60_000),
  /** Invitation accepts per address. */
  inviteAccept: new RateLimiter(10, 15 * 60_000),
  /** Invitation accepts per signed-in account. */
  inviteAcceptAccount: new RateLimiter(10, 15 * 60_000),
  /** Attempts on one (valid) invitation link, from any address. */
  inviteAcceptLink: new RateLimiter(10, 15 * 60_000),
  /** Set-password attempts (`/reset/<token>`) per address; every POST counts, also a mistyped confirmation. */
  passwordReset: new RateLimiter(10, 15 * 60_000),
  /** "Forgot your password?" requests per address (any email typed). */
  forgotPasswordAddress: new RateLimiter(10, 60 * 60_000),
  /** "Forgot your password?" requests per email as typed (known or not, so the limit tells nothing): emails one inbox gets. */
  forgotPasswordAccount: new RateLimiter(3, 60 * 60_000),
}

/** Forgets every limit (tests start each platform clean). */
export function resetLimits(): void {
  for (const limiter of Object.values(limits)) limiter.clear()
}

/**
 * The key of an account's limit from one address. The address (from the server, never with a
 * space) comes first, so no typed email can make two pairs share a key.
 */
export function accountAtAddress(account: string, address: string): string {
  return `${address} ${account}`
}

/** Which password limit stopped an attempt: the address's (any account) or the account's. */
export type PasswordLimit = 'address' | 'account'

/** A password attempt counted against the sign-in limits (see `countPasswordAttempt`). */
export interface PasswordAttempt {
  /** Set when a limit was used up: nothing was counted, and the password must not be checked. */
  blocked?: { by: PasswordLimit; verdict: Verdict }
  /** Takes the attempt back (the password was right, or never checked). */
  giveBack(): void
}

/**
 * Counts one password attempt for `account` (the email as typed, lower-cased: unknown emails count
 * the same as known ones, so limits say nothing about which exist) from `address`: per account from
 * this address, per account from anywhere, and, with `perAddress`, per address across accounts.
 * Either every limit counts it or, when one is used up, none does (`blocked` then says which).
 * Synchronous, so parallel attempts cannot all pass the check before any is counted.
 */
export function countPasswordAttempt(account: string, address: string, perAddress = true, now = Date.now()): PasswordAttempt {
  const checks: [RateLimiter, string, PasswordLimit][] = [
    ...(perAddress ? [[limits.signInAddress, address, 'address'] as [RateLimiter, string, PasswordLimit]] : []),
    [limits.signInAccountAddress, accountAtAddress(account, address), 'account'],
    [limits.signInAccount, account, 'account'],
  ]
  for (const [limiter, key, by] of checks) {
    const verdict = limiter.check(key, now)
    if (!verdict.ok) return { blocked: { by, verdict }, giveBack: () => {} }
  }
  for (const [limiter, key] of checks) limiter.hit(key, now)
  let given = false
  return {
    giveBack: () => {
      if (given) return
      given = true
      for (const [limiter, key] of checks) limiter.refund(key)
    },
  }
}

/** After a sign-in: this address's failures for the account are forgotten (not those from elsewhere). */
export function signedInFrom(account: string, address: string): void {
  limits.signInAccountAddress.reset(accountAtAddress(account, address))
}

/** How long to wait, in words: "in a few seconds", "in about a minute", "in about 15 minutes", "in about 24 hours". */
export function waitText(seconds: number): string {
  if (seconds <= 10) return 'in a few seconds'
  if (seconds <= 60) return 'in about a minute'
  if (seconds <= 90 * 60) return `in about ${Math.ceil(seconds / 60)} minutes`
  return `in about ${Math.ceil(seconds / 3600)} hours`
}
