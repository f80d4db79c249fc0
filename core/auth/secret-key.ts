/**
 * @module The instance key that seals secrets at rest (two-factor secrets): SECRET_KEY when set,
 * or else `$DATA_DIR/secret.key` (mode 0600), made on first start. Losing it makes the sealed
 * secrets unreadable, so it is backed up with the database.
 */
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, type Config } from '../config.ts'
import { decodeKey } from './crypto.ts'

/** The instance key and where it came from (`new file`: made just now; `memory`: this process only, for tools and tests). */
export interface InstanceKey {
  bytes: Uint8Array
  source: 'SECRET_KEY' | 'file' | 'new file' | 'memory'
  /** The key file (also when SECRET_KEY is used, for messages). */
  file: string
}

/** Where the instance key is kept without SECRET_KEY: `$DATA_DIR/secret.key`. */
export function secretKeyFile(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'secret.key')
}

/**
 * SECRET_KEY, or the key in `$DATA_DIR/secret.key`, which is made (32 random bytes, base64, 0600)
 * when missing. Two processes starting on one data dir at once end up with the same key: the file
 * is written whole under a temporary name and linked into place, which fails when it exists. A
 * file that is there but holds no key is a ConfigError (exit 2): replacing it would lose every
 * secret sealed with it.
 */
export function loadInstanceKey(config: Pick<Config, 'dataDir' | 'secretKey'>): InstanceKey {
  const file = secretKeyFile(config)
  if (config.secretKey) return { bytes: config.secretKey, source: 'SECRET_KEY', file }
  const existing = readKeyFile(file)
  if (existing) return { bytes: existing, source: 'file', file }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(temp, Buffer.from(bytes).toString('base64') + '\n', { mode: 0o600 })
  chmodSync(temp, 0o600)
  try {
    linkSync(temp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const theirs = readKeyFile(file) // another process made it first
    if (!theirs) throw err
    return { bytes: theirs, source: 'file', file }
  } finally {
    rmSync(temp, { force: true })
  }
  return { bytes, source: 'new file', file }
}

/** The key in `file`, or undefined when there is no file; a file without a key is a ConfigError. */
function readKeyFile(file: string): Uint8Array | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError(`${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): the instance key must be readable by this user, or set SECRET_KEY`)
  }
  const key = decodeKey(text)
  if (!key) {
    throw new ConfigError(`${file} holds no key: it must hold 32 bytes as base64 or hex; restore it from a backup (removing it loses every two-factor secret sealed with it)`)
  }
  return key
}
