import { expect, test } from 'bun:test'
import { RateLimiter } from './rate-limit.ts'

test('allows `limit` hits per window, then says how long to wait', () => {
  const limiter = new RateLimiter(3, 60_000)
  const t0 = 1_000_000
  expect(limiter.hit('k', t0).ok).toBe(true)
  expect(limiter.hit('k', t0 + 1).ok).toBe(true)
  expect(limiter.hit('k', t0 + 2).ok).toBe(true)
  const blocked = limiter.hit('k', t0 + 10_000)
  expect(blocked).toEqual({ ok: false, retryAfter: 50 })
  expect(limiter.check('other', t0).ok).toBe(true)
  expect(limiter.hit('k', t0 + 60_001).ok).toBe(true) // the first hit left the window
  limiter.reset('k')
  expect(limiter.check('k', t0 + 60_002).ok).toBe(true)
})
