/**
 * @module A per-user budget of slow RRULE checks. A rule that never matches makes rrule search until it
 * gives up (about a second of CPU on the single-threaded server); rrule-impossible.ts refuses the usual
 * kinds at once, and this bounds the rest: a user whose checks were slow five times in ten minutes gets
 * a 429 (with Retry-After) on further rule checks, before rrule runs, until the oldest leaves the window.
 */
import { InputError } from '../../core/auth/accounts.ts'
import { RateLimiter, waitText } from '../../core/auth/rate-limit.ts'

/** A rule check taking at least this long (ms) counts against its user. */
let slowCheckMs = 100

/** Slow checks per user: 5 in any 10 minutes (in memory, like the core's sign-in limits). */
const slowChecks = new RateLimiter(5, 10 * 60_000)

/** A rule check refused because its user's slow checks are used up; `retryAfter` in seconds. */
export class RuleBudgetError extends InputError {
  constructor(readonly retryAfter: number) {
    super(`Too many complex repeat rules: try again ${waitText(retryAfter)}.`, 'rrule', 429)
  }
}

/**
 * Runs `check` (checkRrule, checkRuleInRange) for `userId` within their budget: RuleBudgetError
 * without running it when their slow checks are used up, and a slow run (also one that throws) counts.
 */
export function withRuleBudget<T>(userId: string, check: () => T): T {
  const verdict = slowChecks.check(userId)
  if (!verdict.ok) throw new RuleBudgetError(verdict.retryAfter)
  const started = performance.now()
  try {
    return check()
  } finally {
    if (performance.now() - started >= slowCheckMs) slowChecks.hit(userId)
  }
}

/** Tests only: makes checks of at least `ms` count as slow (0: every check) and forgets all counts. */
export function setSlowRuleCheckMs(ms: number): void {
  slowCheckMs = ms
  slowChecks.clear()
}
