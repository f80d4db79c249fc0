/** @module Configuration: environment variables and flags become one validated Config. */
import { resolve } from 'node:path'
import { decodeKey } from './auth/crypto.ts'
import type { OrgCreation } from './auth/permissions.ts'

/** Log levels, quietest last. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The validated settings every part of core reads. */
export interface Config {
  port: number
  host: string
  dataDir: string
  /** `sqlite:<file>` (the default, under dataDir) or `postgres://...`. */
  databaseUrl: string
  /** Connections in the PostgreSQL pool. */
  databasePoolSize: number
  /** How long to keep trying a PostgreSQL server that does not accept connections yet, at start. */
  databaseWaitMs: number
  logLevel: LogLevel
  /** When set, the admin API also accepts `Authorization: Bearer <token>` from any address. */
  adminToken: string | undefined
  /**
   * The instance key (32 bytes) that seals two-factor secrets at rest; undefined: the key kept in
   * `$DATA_DIR/secret.key` (made on first start). Never logged.
   */
  secretKey: Uint8Array | undefined
  /** How long in-flight requests may take to finish on SIGTERM/SIGINT. */
  shutdownTimeoutMs: number
  /** Who may create organizations: any signed-in user, or instance admins only. */
  orgCreation: OrgCreation
  /** Where external plugins live: `<dataDir>/plugins/<id>/index.tsx`. */
  pluginsDir: string
  /**
   * How many reverse proxies stand in front (0: none, the default). Above 0, the client address is
   * that many entries from the right of X-Forwarded-For and X-Forwarded-Proto says whether the
   * browser used https; at 0 both headers are ignored.
   */
  trustProxy: number
  /** Outgoing email; undefined (SMTP_URL unset) means mail is off and links are handed over by hand. */
  mail: MailConfig | undefined
  /**
   * The address links in emails (and on pages) use, as `https://host[:port]` without a trailing
   * slash; required with SMTP_URL, so a reset link never follows a request's Host header.
   */
  publicUrl: string | undefined
}

/** Where and as whom email is sent. `smtpUrl` holds the password: log it only through redactUrl. */
export interface MailConfig {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://...` (TLS from the start). */
  smtpUrl: string
  /** The From header: `Name <address>` or a bare address. */
  from: string
}

/** A bad setting: main prints the message as one line and exits with code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

interface Option {
  env: string
  flag: string
  help: string
  default: string
}

/** Every setting, in the order `--help` lists them. */
export const OPTIONS: Option[] = [
  { env: 'PORT', flag: '--port', help: 'TCP port to listen on (0-65535; 0 picks a free one)', default: '3000' },
  { env: 'HOST', flag: '--host', help: 'address to bind', default: '0.0.0.0' },
  { env: 'DATA_DIR', flag: '--data-dir', help: 'folder for the SQLite file, external plugins and backups', default: './data' },
  { env: 'DATABASE_URL', flag: '--database-url', help: 'postgres://user:pass@host:5432/db, or sqlite:<file>', default: 'sqlite:<DATA_DIR>/coder-ide.db' },
  { env: 'DATABASE_POOL_SIZE', flag: '--database-pool-size', help: 'PostgreSQL connections in the pool (1-100)', default: '10' },
  { env: 'DATABASE_WAIT_S', flag: '--database-wait-s', help: 'seconds to keep retrying a PostgreSQL server that is not up yet at start (0-600; 0: fail at once)', default: '30' },
  { env: 'LOG_LEVEL', flag: '--log-level', help: LOG_LEVELS.join(' | '), default: 'info' },
  { env: 'ADMIN_TOKEN', flag: '--admin-token', help: 'a service token for automation: "Authorization: Bearer <token>" acts as an instance admin on the admin API (at least 24 characters)', default: '' },
  { env: 'SECRET_KEY', flag: '--secret-key', help: 'the instance key that encrypts two-factor secrets: 32 bytes as base64 or hex (openssl rand -base64 32); unset: $DATA_DIR/secret.key, made on first start. Set it when several instances share one PostgreSQL database', default: '' },
  { env: 'SHUTDOWN_TIMEOUT_MS', flag: '--shutdown-timeout-ms', help: 'grace period for in-flight requests on shutdown', default: '10000' },
  { env: 'ORG_CREATION', flag: '--org-creation', help: 'who may create organizations: everyone (any signed-in user) | admins (instance admins only)', default: 'everyone' },
  { env: 'SMTP_URL', flag: '--smtp-url', help: 'outgoing email: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465; unset: no email', default: '' },
  { env: 'MAIL_FROM', flag: '--mail-from', help: 'sender of emails, as in "Coder IDE <noreply@example.com>" (needed with SMTP_URL)', default: '' },
  { env: 'PUBLIC_URL', flag: '--public-url', help: 'the address users reach, as in https://ide.example.com: links in emails use it (needed with SMTP_URL)', default: '' },
  { env: 'TRUST_PROXY', flag: '--trust-proxy', help: 'off | on | <n>: behind n reverse proxies (on = 1), take the client address from X-Forwarded-For and https from X-Forwarded-Proto', default: 'off' },
]

/**
 * Reads flags first, then environment variables, then defaults; throws ConfigError naming the
 * variable and what it accepts. Unknown flags are errors too, so a typo never passes silently.
 */
export function loadConfig(env: Record<string, string | undefined>, args: string[] = []): Config {
  const flags = parseFlags(args)
  const get = (o: Option): string | undefined => flags.get(o.flag) ?? emptyToUndefined(env[o.env])
  const byEnv = Object.fromEntries(OPTIONS.map((o) => [o.env, o])) as Record<string, Option>
  const opt = (name: string): Option => byEnv[name]!
  const where = (o: Option) => (flags.has(o.flag) ? o.flag : o.env)

  const portRaw = get(opt('PORT')) ?? '3000'
  const port = Number(portRaw)
  if (!/^\d+$/.test(portRaw) || port > 65535) {
    throw new ConfigError(`${where(opt('PORT'))}=${portRaw} is not a port: use a whole number from 0 to 65535`)
  }

  const hostRaw = get(opt('HOST')) ?? '0.0.0.0'
  const host = /^\[.*\]$/.test(hostRaw) ? hostRaw.slice(1, -1) : hostRaw // [::1] -> ::1, as Bun.serve takes it
  if (!isHostAddress(host)) {
    throw new ConfigError(`${where(opt('HOST'))}=${host} is not an address: use a host name or IP such as 127.0.0.1`)
  }

  const dataDir = resolve(get(opt('DATA_DIR')) ?? './data')

  const dbRaw = get(opt('DATABASE_URL'))
  let databaseUrl: string
  if (dbRaw === undefined) databaseUrl = `sqlite:${resolve(dataDir, 'coder-ide.db')}`
  else if (/^postgres(ql)?:\/\//.test(dbRaw)) databaseUrl = checkPostgresUrl(dbRaw, where(opt('DATABASE_URL')))
  else if (dbRaw.startsWith('sqlite:') && dbRaw.length > 'sqlite:'.length) databaseUrl = `sqlite:${dbRaw === 'sqlite::memory:' ? ':memory:' : resolve(dbRaw.slice(7))}`
  else {
    throw new ConfigError(
      `${where(opt('DATABASE_URL'))} is not a database URL: use postgres://user:pass@host:5432/db or sqlite:<file>`,
    )
  }

  const poolRaw = get(opt('DATABASE_POOL_SIZE')) ?? '10'
  if (!/^\d+$/.test(poolRaw) || Number(poolRaw) < 1 || Number(poolRaw) > 100) {
    throw new ConfigError(`${where(opt('DATABASE_POOL_SIZE'))}=${poolRaw} is not a pool size: use a whole number from 1 to 100`)
  }
  const waitRaw = get(opt('DATABASE_WAIT_S')) ?? '30'
  if (!/^\d+$/.test(waitRaw) || Number(waitRaw) > 600) {
    throw new ConfigError(`${where(opt('DATABASE_WAIT_S'))}=${waitRaw} is not a wait: use seconds from 0 to 600`)
  }

  const levelRaw = (get(opt('LOG_LEVEL')) ?? 'info').toLowerCase()
  if (!(LOG_LEVELS as readonly string[]).includes(levelRaw)) {
    throw new ConfigError(`${where(opt('LOG_LEVEL'))}=${levelRaw} is not a log level: use one of ${LOG_LEVELS.join(', ')}`)
  }

  const adminToken = get(opt('ADMIN_TOKEN'))
  if (adminToken !== undefined && adminToken.length < 24) {
    throw new ConfigError(`${where(opt('ADMIN_TOKEN'))} is too short: use at least 24 random characters (openssl rand -hex 16)`)
  }

  const secretRaw = get(opt('SECRET_KEY'))
  const secretKey = secretRaw === undefined ? undefined : decodeKey(secretRaw)
  if (secretRaw !== undefined && !secretKey) {
    throw new ConfigError(`${where(opt('SECRET_KEY'))} is not a key: use 32 random bytes as base64 (44 characters) or hex (64 digits), as openssl rand -base64 32 prints`)
  }

  const graceRaw = get(opt('SHUTDOWN_TIMEOUT_MS')) ?? '10000'
  if (!/^\d+$/.test(graceRaw) || Number(graceRaw) > 600_000) {
    throw new ConfigError(`${where(opt('SHUTDOWN_TIMEOUT_MS'))}=${graceRaw} is not a duration: use milliseconds from 0 to 600000`)
  }

  const proxyRaw = (get(opt('TRUST_PROXY')) ?? 'off').toLowerCase()
  const trustProxy = ['off', 'false', 'no'].includes(proxyRaw) ? 0 : ['on', 'true', 'yes'].includes(proxyRaw) ? 1 : /^\d{1,2}$/.test(proxyRaw) && Number(proxyRaw) <= 10 ? Number(proxyRaw) : -1
  if (trustProxy < 0) {
    throw new ConfigError(`${where(opt('TRUST_PROXY'))}=${proxyRaw} is not a proxy setting: use off, on, or the number of reverse proxies in front (0 to 10)`)
  }

  const orgCreation = (get(opt('ORG_CREATION')) ?? 'everyone').toLowerCase()
  if (orgCreation !== 'everyone' && orgCreation !== 'admins') {
    throw new ConfigError(`${where(opt('ORG_CREATION'))}=${orgCreation} is not a choice: use everyone or admins`)
  }

  const publicUrl = checkPublicUrl(get(opt('PUBLIC_URL')), where(opt('PUBLIC_URL')))
  const mail = mailConfig(get(opt('SMTP_URL')), where(opt('SMTP_URL')), get(opt('MAIL_FROM')), where(opt('MAIL_FROM')))
  if (mail && !publicUrl) {
    throw new ConfigError(`${where(opt('PUBLIC_URL'))} is needed with ${where(opt('SMTP_URL'))}: set the address users reach, as in https://ide.example.com (links in emails use it)`)
  }
  if (!mail && get(opt('MAIL_FROM')) !== undefined) {
    throw new ConfigError(`${where(opt('MAIL_FROM'))} is set but ${where(opt('SMTP_URL'))} is not: set both to send email, or neither`)
  }

  return {
    port,
    host,
    dataDir,
    orgCreation,
    databaseUrl,
    databasePoolSize: Number(poolRaw),
    databaseWaitMs: Number(waitRaw) * 1000,
    logLevel: levelRaw as LogLevel,
    adminToken,
    secretKey,
    shutdownTimeoutMs: Number(graceRaw),
    pluginsDir: resolve(dataDir, 'plugins'),
    trustProxy,
    mail,
    publicUrl,
  }
}

/** Accepts `--name value` and `--name=value`; only the flags in OPTIONS. */
function parseFlags(args: string[]): Map<string, string> {
  const known = new Set(OPTIONS.map((o) => o.flag))
  const out = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}": see --help`)
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (!known.has(name)) throw new ConfigError(`unknown flag ${name}: see --help for the flags this command takes`)
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1)
    if (value === undefined || (eq === -1 && value.startsWith('--'))) {
      throw new ConfigError(`${name} needs a value, as in ${name}=<value>`)
    }
    out.set(name, value)
  }
  return out
}

function emptyToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v
}

/** Hides the password in a database URL so it can be logged. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')
}

/** A bare host name, IPv4 or IPv6 address (no port, no scheme): what Bun.serve can listen on. */
function isHostAddress(host: string): boolean {
  if (/^\[?[0-9a-f:]+(%\w+)?\]?$/i.test(host) && host.includes(':')) return true // IPv6, bracketed or not
  return /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host)
}

/** A PostgreSQL URL that postgres.js can open: a host, a port of 1-65535 if any, a database name. */
function checkPostgresUrl(raw: string, name: string): string {
  const shape = 'use postgres://user:pass@host:5432/db'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a database URL: ${shape}`)
  }
  if (!url.hostname) throw new ConfigError(`${name} names no host: ${shape}`)
  if (url.port && !(Number(url.port) >= 1 && Number(url.port) <= 65535)) throw new ConfigError(`${name} has port ${url.port}: use 1 to 65535`)
  if (url.pathname.length < 2) throw new ConfigError(`${name} names no database: ${shape}`)
  return raw
}

/**
 * The mail settings, or undefined without SMTP_URL. Messages never repeat the URL: it may hold the
 * SMTP password.
 */
function mailConfig(smtpRaw: string | undefined, smtpName: string, fromRaw: string | undefined, fromName: string): MailConfig | undefined {
  if (smtpRaw === undefined) return undefined
  const shape = 'use smtp://user:pass@host:587 or smtps://user:pass@host:465'
  let url: URL
  try {
    url = new URL(smtpRaw)
  } catch {
    throw new ConfigError(`${smtpName} is not an SMTP URL: ${shape}`)
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError(`${smtpName} is not an SMTP URL: ${shape}`)
  if (!url.hostname) throw new ConfigError(`${smtpName} names no host: ${shape}`)
  if (url.port && !(Number(url.port) >= 1 && Number(url.port) <= 65535)) throw new ConfigError(`${smtpName} has port ${url.port}: use 1 to 65535`)
  if (url.password && !url.username) throw new ConfigError(`${smtpName} has a password but no user name: ${shape}`)
  if (fromRaw === undefined) throw new ConfigError(`${fromName} is needed with ${smtpName}: the sender, as in "Coder IDE <noreply@example.com>"`)
  if (!isMailFrom(fromRaw)) {
    throw new ConfigError(`${fromName}=${fromRaw} is not a sender: use an address such as noreply@example.com or "Coder IDE <noreply@example.com>"`)
  }
  return { smtpUrl: smtpRaw, from: fromRaw.trim() }
}

/** `address` or `Name <address>`: one address, no line breaks (a header must not be split). */
function isMailFrom(raw: string): boolean {
  if (/[\r\n]/.test(raw) || raw.length > 320) return false
  const address = /^\s*(?:[^<>@]*?\s*)?<([^<>\s]+)>\s*$/.exec(raw)?.[1] ?? raw.trim()
  return /^[^\s@<>()",;:]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(address)
}

/** `https://host[:port]` (or http), with nothing after the host: what links are built on. */
function checkPublicUrl(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined
  const shape = `${name}=${raw} is not a public address: use the scheme and host users reach, as in https://ide.example.com`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(shape)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname || url.username || url.password) throw new ConfigError(shape)
  if (url.pathname !== '/' || url.search || url.hash) throw new ConfigError(`${name}=${raw} has a path: use only the scheme and host (the server answers at /), as in https://ide.example.com`)
  return url.origin
}
