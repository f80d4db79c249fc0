/** @module Time limits for plugin lifecycle steps (setup, teardown) that might never settle. */

/** How long a plugin's setup or teardown may take by default (the host's `lifecycleTimeoutMs`). */
export const LIFECYCLE_TIMEOUT_MS = 30_000

/** "30 s", "250 ms": a duration as the log and the admin read it. */
export function formatDuration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/**
 * Settles as `work` does, or rejects with `message` after `ms`: one plugin's setup or teardown
 * that never settles must not hold the lifecycle queue (and with it boot, every later enable and
 * shutdown) forever.
 */
export function deadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}
