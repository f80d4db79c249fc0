/**
 * @module Passwords: argon2id through Bun.password, with at most a few hashes at once so a storm of
 * sign-ins queues instead of exhausting memory (each argon2id hash takes ~19 MB).
 */

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256
/** Hashes running at once. */
export const HASH_CONCURRENCY = 2
/** Callers allowed to wait; past this, sign-in answers "busy" at once. */
export const HASH_QUEUE_LIMIT = 64

/** The hashing queue is full. */
export class BusyError extends Error {
  override name = 'BusyError'
}

let running = 0
const waiting: (() => void)[] = []
let peak = 0

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) {
    if (waiting.length >= HASH_QUEUE_LIMIT) throw new BusyError('too many sign-ins at once: try again in a few seconds')
    await new Promise<void>((resolve) => waiting.push(resolve))
  }
  running++
  peak = Math.max(peak, running)
  try {
    return await fn()
  } finally {
    running--
    waiting.shift()?.()
  }
}

/** Why a password is not acceptable, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `use at least ${PASSWORD_MIN} characters`
  if (password.length > PASSWORD_MAX) return `use at most ${PASSWORD_MAX} characters`
  return undefined
}

/** argon2id hash (Bun's defaults: 64 MiB would be heavy; we use 19 MiB, t=2, the OWASP minimum). */
export function hashPassword(password: string): Promise<string> {
  return withSlot(() => Bun.password.hash(password, { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 }))
}

/** Checks a password against its hash; false for any malformed hash. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return withSlot(() => Bun.password.verify(password, hash).catch(() => false))
}

/** A hash to verify against when the account does not exist, so timing does not reveal it. */
let dummy: Promise<string> | undefined
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('not-a-real-password-' + Math.random())
  return dummy
}

/** Most hashes that ever ran at once (tests read it to prove the cap). */
export function hashingPeak(): number {
  return peak
}
