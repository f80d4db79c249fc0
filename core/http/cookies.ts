/**
 * @module Cookies: parsing, and the session and CSRF cookies (`__Host-` prefixed and Secure over
 * https, and always when PUBLIC_URL is https).
 */

/** Reads one cookie from a request. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie')
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim()
      if (!value.includes('%')) return value
      try {
        return decodeURIComponent(value)
      } catch {
        return undefined // a malformed escape: as if the cookie were absent
      }
    }
  }
  return undefined
}

/** Requests a trusted proxy says the browser sent over https (see trustForwardedProto). */
const forwardedHttps = new WeakSet<Request>()

/**
 * Honours X-Forwarded-Proto on a request from a trusted reverse proxy (TRUST_PROXY): the dispatcher
 * calls it only then, so without a trusted proxy the header means nothing. With a list (proxies in
 * a chain), the first value is the scheme the browser used.
 */
export function trustForwardedProto(request: Request): void {
  const proto = request.headers.get('x-forwarded-proto')
  if (!proto) return
  const comma = proto.indexOf(',')
  if ((comma === -1 ? proto : proto.slice(0, comma)).trim().toLowerCase() === 'https') forwardedHttps.add(request)
}

/** True when the request came over https: directly, or through a trusted proxy that says so. */
export function isHttps(request: Request): boolean {
  return request.url.startsWith('https:') || forwardedHttps.has(request)
}

/** Requests to an instance whose PUBLIC_URL is https (see securePublicUrl). */
const publicHttps = new WeakSet<Request>()

/**
 * Marks a request to an instance whose public address (PUBLIC_URL) is https: its cookies are then
 * Secure and `__Host-` prefixed even when it arrived over plain http, as it does from a proxy that
 * terminates TLS and sends no X-Forwarded-Proto (or is not trusted). The dispatcher calls it for
 * every request; the scheme of the request itself (`isHttps`, the origin check) is left alone.
 */
export function securePublicUrl(request: Request, publicUrl: string | undefined): void {
  if (publicUrl?.startsWith('https:')) publicHttps.add(request)
}

/** True when this request's cookies must be Secure: it came over https, or PUBLIC_URL is https. */
export function secureCookies(request: Request): boolean {
  return isHttps(request) || publicHttps.has(request)
}

/** The session cookie's name for this request (`__Host-sid` when its cookies are Secure). */
export function sessionCookieName(request: Request): string {
  return secureCookies(request) ? '__Host-sid' : 'sid'
}

/** The anonymous CSRF cookie's name (forms shown before sign-in). */
export function csrfCookieName(request: Request): string {
  return secureCookies(request) ? '__Host-csrf' : 'csrf'
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure over https or with an https PUBLIC_URL. `maxAge` 0 deletes. */
export function cookie(request: Request, name: string, value: string, maxAgeSeconds: number | undefined): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax']
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`)
  if (secureCookies(request)) parts.push('Secure')
  return parts.join('; ')
}
