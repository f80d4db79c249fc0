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

test('refund takes back one hit (the latest); refunding a key with none is harmless', () => {
  const limiter = new RateLimiter(2, 60_000)
  const t0 = 1_000_000
  limiter.refund('k')
  expect(limiter.hit('k', t0).ok).toBe(true)
  expect(limiter.hit('k', t0 + 1).ok).toBe(true)
  expect(limiter.check('k', t0 + 2).ok).toBe(false)
  limiter.refund('k')
  expect(limiter.check('k', t0 + 2).ok).toBe(true)
  expect(limiter.hit('k', t0 + 3).ok).toBe(true)
  expect(limiter.check('k', t0 + 4).retryAfter).toBe(60) // the first hit still counts
})
