/** @module Captures what the platform logs while a piece of a test runs. */
import { setLogLevel, setLogSink } from '../../core/log.ts'

/** Collects log lines (at info and up) while `fn` runs. */
export async function logged<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = []
  const prev = setLogSink((line) => lines.push(line))
  setLogLevel('info')
  try {
    return { result: await fn(), lines }
  } finally {
    setLogLevel('silent')
    setLogSink(prev)
  }
}
