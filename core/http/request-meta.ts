/** @module What core learns about a request before a plugin sees it (id, client address). */

/** Per-request facts set by the dispatcher. */
export interface RequestMeta {
  id: string
  ip: string
}

const meta = new WeakMap<Request, RequestMeta>()

/** Attaches facts to a request. */
export function setRequestMeta(request: Request, value: RequestMeta): void {
  meta.set(request, value)
}

/** Facts about a request; unknown requests (tests calling handle directly) get a loopback default. */
export function requestMeta(request: Request): RequestMeta {
  return meta.get(request) ?? { id: '-', ip: '127.0.0.1' }
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.')
}
