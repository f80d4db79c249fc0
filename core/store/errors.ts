/** @module Recognizing store errors that are the caller's to answer (a 409), on both dialects. */

/**
 * True when `err` (or an error it wraps: drizzle wraps the driver's in `cause`) is a unique
 * constraint violation: PostgreSQL's 23505, SQLite's SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY.
 */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true
    if (typeof e.message === 'string' && /UNIQUE constraint failed|duplicate key value violates unique constraint/.test(e.message)) return true
  }
  return false
}
