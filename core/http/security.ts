/**
 * @module Security at the front door: CSRF (a synchronizer token on every unsafe method plus an
 * Origin check) and the response headers every answer carries.
 */
import { acceptsBearer, type Auth } from '../auth/resolve.ts'
import { safeEqual } from '../auth/crypto.ts'
import { csrfCookieName, isHttps, readCookie } from './cookies.ts'
import { errorFor } from './respond.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Methods that never change anything (no CSRF check). */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method)
}

/** Headers on every response. No inline script or style; no framing; no sniffing. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
}

/** Headers no plugin may weaken: core's value replaces whatever a response carries. */
const ENFORCED = new Set(['content-security-policy', 'x-content-type-options', 'x-frame-options'])
const HEADER_LIST = Object.entries(SECURITY_HEADERS)

/**
 * Adds the security headers (responses with immutable headers are left as they are). The policy
 * headers are core's whatever a plugin set: a plugin cannot loosen the CSP; the others it may choose.
 */
export function withSecurityHeaders(response: Response): void {
  try {
    for (const [k, v] of HEADER_LIST) if (ENFORCED.has(k) || !response.headers.has(k)) response.headers.set(k, v)
  } catch {
    // immutable headers
  }
}

/**
 * The origin the browser sees: the Host header, and https when the request came over https
 * directly or a trusted proxy says so (X-Forwarded-Proto counts only with TRUST_PROXY).
 */
export function publicOrigin(request: Request): string {
  const url = new URL(request.url)
  const proto = isHttps(request) ? 'https' : url.protocol.slice(0, -1)
  return `${proto}://${request.headers.get('host') ?? url.host}`
}

/** The token a form or htmx request sent: header X-CSRF-Token or form field _csrf. */
async function sentToken(request: Request): Promise<string | undefined> {
  const header = request.headers.get('x-csrf-token')
  if (header) return header
  const type = request.headers.get('content-type') ?? ''
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    try {
      const form = await request.clone().formData()
      const v = form.get('_csrf')
      return typeof v === 'string' ? v : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * Refuses unsafe requests that are cross-site or carry no valid token. Bearer-token requests to the
 * JSON API carry no ambient credentials and pass (the token is checked when the route resolves its
 * caller); anywhere else a Bearer header counts for nothing, so pages and forms always need the token.
 * Signed-in browsers use the session's token; anonymous forms (sign-in, setup, invitations) the CSRF
 * cookie's. The Origin must be the one the Host header names or, when set, `publicUrl` (PUBLIC_URL:
 * behind a reverse proxy that does not pass Host on, the Host header names the upstream address).
 */
export async function checkCsrf(
  request: Request,
  pathname: string,
  auth: () => Promise<Auth | null>,
  sessionCsrf: () => Promise<string | undefined>,
  publicUrl?: string,
): Promise<Response | undefined> {
  if (SAFE_METHODS.has(request.method)) return undefined
  if (acceptsBearer(pathname) && request.headers.get('authorization')?.startsWith('Bearer ')) return undefined
  const origin = request.headers.get('origin')
  if (origin && origin !== publicUrl && origin !== publicOrigin(request)) {
    return errorFor(pathname, 403, 'cross_origin', 'Request refused', `A page on ${origin} may not send requests here.`)
  }
  if (!origin && request.headers.get('sec-fetch-site') === 'cross-site') {
    return errorFor(pathname, 403, 'cross_origin', 'Request refused', 'Cross-site requests may not change anything here.')
  }
  const expected = (await auth())?.session?.csrf ?? (await sessionCsrf()) ?? readCookie(request, csrfCookieName(request))
  const sent = await sentToken(request)
  if (!expected || !sent || !safeEqual(expected, sent)) {
    return errorFor(pathname, 403, 'csrf', 'This form has expired', 'The page was open too long or came from elsewhere. Reload the page and try again.')
  }
  return undefined
}
