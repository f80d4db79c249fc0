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
