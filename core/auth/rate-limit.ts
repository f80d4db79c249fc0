/**
 * @module In-memory rate limits (sliding window) for sign-in, two-factor and invitations. Each
 * sensitive action is limited per account (or invitation) AND per client address, so neither many
 * addresses against one account nor one address against many accounts gets far.
 */

/** The outcome of a hit: allowed, or wait `retryAfter` seconds. */
export interface Verdict {
  ok: boolean
  retryAfter: number
}

/** Allows `limit` hits per key in any `windowMs`. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Records a hit for `key` and says whether it is allowed. */
  hit(key: string, now = Date.now()): Verdict {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs)
    if (list.length >= this.limit) {
      this.hits.set(key, list)
      return { ok: false, retryAfter: Math.max(1, Math.ceil((list[0]! + this.windowMs - now) / 1000)) }
    }
    list.push(now)
    this.hits.set(key, list)
    if (this.hits.size > 50_000) this.prune(now)
    return { ok: true, retryAfter: 0 }
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

  private prune(now: number): void {
    for (const [k, list] of this.hits) if (!list.some((t) => t > now - this.windowMs)) this.hits.delete(k)
  }
}

/** The limits the platform applies. */
export const limits = {
  /** Failed sign-ins per account. */
  signInAccount: new RateLimiter(10, 15 * 60_000),
  /** Failed sign-ins per address. */
  signInAddress: new RateLimiter(50, 15 * 60_000),
  /** Two-factor codes per user (every attempt counts). */
  twoFactor: new RateLimiter(5, 5 * 60_000),
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
}

/** Forgets every limit (tests start each platform clean). */
export function resetLimits(): void {
  for (const limiter of Object.values(limits)) limiter.clear()
}
