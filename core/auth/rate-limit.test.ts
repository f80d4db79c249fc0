import { expect, test } from 'bun:test'
import { accountAtAddress, countPasswordAttempt, limits, RateLimiter, resetLimits, signedInFrom, waitText } from './rate-limit.ts'

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

test('count says how many hits a key has in the window now', () => {
  const limiter = new RateLimiter(3, 60_000)
  const t0 = 1_000_000
  expect(limiter.count('k', t0)).toBe(0)
  limiter.hit('k', t0)
  limiter.hit('k', t0 + 1)
  expect(limiter.count('k', t0 + 2)).toBe(2)
  expect(limiter.count('k', t0 + 60_000)).toBe(1) // the first left the window
})

test('accountAtAddress: one key per pair; no typed email makes two pairs share one', () => {
  expect(accountAtAddress('ana@example.com', '203.0.113.7')).not.toBe(accountAtAddress('ana@example.com', '198.51.100.5'))
  // addresses hold no space and come first: an email with an address in it is still another pair
  expect(accountAtAddress('ana@example.com 198.51.100.5', '203.0.113.7')).not.toBe(accountAtAddress('ana@example.com', '198.51.100.5'))
  expect(accountAtAddress('ana@example.com', '2001:db8:1:2::/64')).toBe('2001:db8:1:2::/64 ana@example.com')
})

test('a password attempt counts per account from one address (10), per account from anywhere (100) and per address (50); all or none', () => {
  resetLimits()
  const t0 = 5_000_000
  const victim = 'victim@example.com'
  // one address: 10 attempts, then blocked for the account (not the address)
  for (let i = 0; i < 10; i++) expect(countPasswordAttempt(victim, '203.0.113.7', true, t0 + i).blocked).toBeUndefined()
  const blocked = countPasswordAttempt(victim, '203.0.113.7', true, t0 + 10)
  expect(blocked.blocked?.by).toBe('account')
  expect(blocked.blocked?.verdict.retryAfter).toBe(900)
  expect(limits.signInAddress.count('203.0.113.7', t0 + 11)).toBe(10) // the blocked attempt counted nowhere
  // another address still gets its own 10 for the same account
  expect(countPasswordAttempt(victim, '198.51.100.5', true, t0 + 12).blocked).toBeUndefined()
  // 100 from all addresses together: then every address waits for this account
  for (let a = 0; a < 9; a++) for (let i = 0; i < (a === 0 ? 9 : 10); i++) expect(countPasswordAttempt(victim, `192.0.2.${a}`, true, t0 + 20 + a * 10 + i).blocked).toBeUndefined()
  expect(limits.signInAccount.count(victim, t0 + 200)).toBe(100)
  const everywhere = countPasswordAttempt(victim, '192.0.2.200', true, t0 + 200)
  expect(everywhere.blocked?.by).toBe('account')
  // another account from a fresh address is not affected
  expect(countPasswordAttempt('other@example.com', '192.0.2.201', true, t0 + 201).blocked).toBeUndefined()
  resetLimits()
})

test('a password attempt: the per-address limit blocks any account; giveBack returns every hit once; signedInFrom forgets only that address', () => {
  resetLimits()
  const t0 = 5_000_000
  for (let i = 0; i < 50; i++) expect(countPasswordAttempt(`spray-${i}@example.com`, '203.0.113.9', true, t0 + i).blocked).toBeUndefined()
  expect(countPasswordAttempt('fresh@example.com', '203.0.113.9', true, t0 + 60).blocked?.by).toBe('address')
  // without the per-address limit (the password asked again on /account), the address does not count
  expect(countPasswordAttempt('fresh@example.com', '203.0.113.9', false, t0 + 61).blocked).toBeUndefined()
  resetLimits()

  const attempt = countPasswordAttempt('ana@example.com', '203.0.113.1', true, t0)
  expect(limits.signInAccount.count('ana@example.com', t0)).toBe(1)
  attempt.giveBack()
  attempt.giveBack() // a second call takes back nothing more
  expect(limits.signInAccount.count('ana@example.com', t0)).toBe(0)
  expect(limits.signInAccountAddress.count(accountAtAddress('ana@example.com', '203.0.113.1'), t0)).toBe(0)
  expect(limits.signInAddress.count('203.0.113.1', t0)).toBe(0)

  for (let i = 0; i < 3; i++) countPasswordAttempt('ana@example.com', '203.0.113.1', true, t0 + i)
  countPasswordAttempt('ana@example.com', '198.51.100.1', true, t0 + 5)
  signedInFrom('ana@example.com', '198.51.100.1')
  expect(limits.signInAccountAddress.count(accountAtAddress('ana@example.com', '203.0.113.1'), t0 + 6)).toBe(3)
  expect(limits.signInAccountAddress.count(accountAtAddress('ana@example.com', '198.51.100.1'), t0 + 6)).toBe(0)
  resetLimits()
})

test('waitText: how long to wait in words', () => {
  expect(waitText(5)).toBe('in a few seconds')
  expect(waitText(40)).toBe('in about a minute')
  expect(waitText(60)).toBe('in about a minute')
  expect(waitText(61)).toBe('in about 2 minutes')
  expect(waitText(900)).toBe('in about 15 minutes')
  expect(waitText(899)).toBe('in about 15 minutes')
  expect(waitText(300)).toBe('in about 5 minutes')
  expect(waitText(24 * 3600)).toBe('in about 24 hours')
  expect(waitText(23 * 3600 + 1)).toBe('in about 24 hours')
  expect(waitText(2 * 3600)).toBe('in about 2 hours')
})

test('a limiter keeps at most maxKeys keys, dropping the least recently hit first; a hit never scans the map', () => {
  const limiter = new RateLimiter(5, 60_000)
  const t0 = 1_000_000
  // every key live (inside the window): the old prune found nothing to drop and scanned all keys on each hit
  for (let i = 0; i < 60_000; i++) limiter.hit(`k${i}`, t0 + (i % 1000))
  expect(limiter.size).toBe(50_000)
  expect(limiter.count('k0', t0)).toBe(0) // the least recently hit went first
  expect(limiter.count('k59999', t0 + 1000)).toBe(1)

  const small = new RateLimiter(2, 60_000, 3)
  small.hit('a', t0)
  small.hit('a', t0)
  small.hit('b', t0)
  small.hit('c', t0)
  expect(small.hit('a', t0 + 1)).toEqual({ ok: false, retryAfter: 60 }) // blocked, and now the most recent
  small.hit('d', t0 + 2) // drops b, the least recently hit
  expect(small.size).toBe(3)
  expect(small.count('b', t0 + 3)).toBe(0)
  expect(small.check('a', t0 + 3).ok).toBe(false) // a blocked key is kept while it is hit
  expect(small.count('c', t0 + 3)).toBe(1)
})
