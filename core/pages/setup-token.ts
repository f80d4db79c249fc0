/**
 * @module The one-time setup token: while no account exists, whoever reaches /setup first becomes
 * instance admin, and the server listens on every address by default. So a visitor from another
 * machine must show the token the server printed at start and wrote to $DATA_DIR/setup-token (0600);
 * a browser on the server itself (loopback, not through a proxy) needs none. The file is the token's
 * only home, so a restart makes a new one and a finished setup removes it.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.ts'
import { randomToken, safeEqual } from '../auth/crypto.ts'
import { requestMeta } from '../http/request-meta.ts'

/** Where the setup token is written: `$DATA_DIR/setup-token`. */
export function setupTokenFile(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'setup-token')
}

/** Makes a new setup token, writes it to the data dir (mode 0600) and returns it. */
export function issueSetupToken(config: Pick<Config, 'dataDir'>): string {
  const token = randomToken(24)
  const file = setupTokenFile(config)
  mkdirSync(config.dataDir, { recursive: true })
  writeFileSync(file, token + '\n', { mode: 0o600 })
  chmodSync(file, 0o600)
  return token
}

/** Removes the setup token (setup is done, or was never needed). */
export function dropSetupToken(config: Pick<Config, 'dataDir'>): void {
  rmSync(setupTokenFile(config), { force: true })
}

/** The log line that tells the admin where to set up: the URL with the token, and the file. */
export function setupAnnouncement(config: Pick<Config, 'dataDir' | 'publicUrl'>, url: string, token: string): string {
  const origin = config.publicUrl ?? url
  return `setup is pending: open ${origin}/setup?token=${token} (from another machine use this server's address; the token is also in ${setupTokenFile(config)})`
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i

/** Whether an address is this machine's: 127.0.0.0/8, ::1, or IPv4-mapped 127.x. */
export function isLoopbackAddress(ip: string): boolean {
  const a = ip.toLowerCase().replace(/^::ffff:/, '')
  return /^127(?:\.\d{1,3}){3}$/.test(a) || a === '::1' || a === '0:0:0:0:0:0:0:1'
}

/**
 * Whether a request comes from a browser on the server itself. A reverse proxy on the same
 * machine makes every visitor's connection loopback, so a request that was forwarded (forwarding
 * headers without TRUST_PROXY resolving them) or that names another host does not count.
 */
export function fromLoopback(request: Request, config: Pick<Config, 'trustProxy'>): boolean {
  if (!isLoopbackAddress(requestMeta(request).ip)) return false
  const h = request.headers
  if (!config.trustProxy && (h.has('x-forwarded-for') || h.has('forwarded') || h.has('x-real-ip'))) return false
  return LOOPBACK_HOST.test(h.get('host') ?? '')
}

/**
 * Why `given` does not open setup for this request, in words for the form; undefined when it does
 * (a loopback request needs no token).
 */
export function setupTokenProblem(request: Request, config: Pick<Config, 'dataDir' | 'trustProxy'>, given: string | undefined): string | undefined {
  if (fromLoopback(request, config)) return undefined
  let expected = ''
  try {
    expected = readFileSync(setupTokenFile(config), 'utf8').trim()
  } catch {
    return 'This server has no setup token right now: restart it to print a new one, or set up from a browser on the server itself.'
  }
  const value = (given ?? '').trim()
  if (!value) return 'Enter the setup token: the server printed it in its log at start, and it is in the file setup-token in its data directory.'
  if (!expected || !safeEqual(value, expected)) return 'That setup token is not right. Copy it from the server log or the file setup-token in the data directory.'
  return undefined
}
