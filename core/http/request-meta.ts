/** @module What core learns about a request before a plugin sees it (id, client address, who). */
import type { SessionInfo } from '../auth/accounts.ts'
import type { Auth } from '../auth/resolve.ts'

/** Per-request facts set by the dispatcher. */
export interface RequestMeta {
  id: string
  ip: string
  /** The caller's Auth, resolved on first use and then remembered. */
  auth?: () => Promise<Auth | null>
  /** The session cookie's session in any stage (pending two-factor too). */
  session?: () => Promise<SessionInfo | undefined>
  /** The path as it may be logged: capability tokens masked (core/http/redact.ts). */
  logPath?: () => string
}

const meta = new WeakMap<Request, RequestMeta>()

/** Attaches facts to a request. */
export function setRequestMeta(request: Request, value: RequestMeta): void {
  meta.set(request, value)
}

/** Facts about a request; requests core did not dispatch (tests calling handle directly) have an unknown address. */
export function requestMeta(request: Request): RequestMeta {
  return meta.get(request) ?? { id: '-', ip: 'unknown' }
}

/**
 * The key per-address rate limits count under: an IPv4 address as it is; an IPv6 address by its
 * /64 prefix (`2001:db8:1:2::/64`), because one subscriber or host usually holds a whole /64 and
 * could otherwise take a fresh address for every attempt. IPv4-mapped IPv6 (`::ffff:192.0.2.1`)
 * counts as the IPv4 address; a zone (`%eth0`) is dropped. Anything unparsable is its own key.
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip
  let addr = ip.toLowerCase()
  const zone = addr.indexOf('%')
  if (zone !== -1) addr = addr.slice(0, zone)
  const groups = ipv6Groups(addr)
  if (!groups) return ip
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.')
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 as two groups), or undefined. */
function ipv6Groups(addr: string): number[] | undefined {
  const halves = addr.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string): number[] | undefined => {
    if (part === '') return []
    const out: number[] = []
    const pieces = part.split(':')
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!
      if (i === pieces.length - 1 && piece.includes('.')) {
        const octets = piece.split('.')
        if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return undefined
        const [a, b, c, d] = octets.map(Number) as [number, number, number, number]
        out.push((a << 8) | b, (c << 8) | d)
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) out.push(parseInt(piece, 16))
      else return undefined
    }
    return out
  }
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  if (!head || !tail) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const missing = 8 - head.length - tail.length
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined
}
