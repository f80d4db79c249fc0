/** @module Logger: one line per record, tagged by plugin or core part; secrets redacted. */
import type { LogLevel } from './config.ts'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[_-]?key/i

/** A tagged logger; `child` adds to the tag. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(tag: string): Logger
}

let threshold = RANK.info
let sink: (line: string, level: LogLevel) => void = (line, level) =>
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n')

let current: LogLevel = 'info'

/** Sets the process-wide level (from Config); returns the previous one. */
export function setLogLevel(level: LogLevel): LogLevel {
  const prev = current
  current = level
  threshold = RANK[level]
  return prev
}

/** Whether lines of `level` are written now (to skip building a line nobody will see). */
export function logs(level: LogLevel): boolean {
  return RANK[level] >= threshold
}

/** Redirects output; tests use it to read what was logged. Returns the previous sink. */
export function setLogSink(next: typeof sink): typeof sink {
  const prev = sink
  sink = next
  return prev
}

/** Creates a logger whose lines carry `tag`. */
export function createLogger(tag: string): Logger {
  const write = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < threshold) return
    const time = new Date().toISOString()
    sink(`${time} ${level.toUpperCase().padEnd(5)} [${tag}] ${msg}${fields ? ' ' + formatFields(fields) : ''}`, level)
  }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (sub) => createLogger(`${tag}:${sub}`),
  }
}

function formatFields(fields: Record<string, unknown>): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue
    const value = SECRET_KEY.test(k) ? '***' : v instanceof Error ? v.message : v
    parts.push(`${k}=${typeof value === 'string' ? JSON.stringify(value) : safeJson(value)}`)
  }
  return parts.join(' ')
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}
