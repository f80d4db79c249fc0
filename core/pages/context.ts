/** @module Helpers core's pages share: reading forms, the actor for audit entries, rate-limit answers. */
import type { Auth } from '../auth/resolve.ts'
import type { Actor } from '../auth/accounts.ts'
import { limits, waitText, type RateLimiter, type Verdict } from '../auth/rate-limit.ts'
import { clientIp, limitAddress } from '../http/render.ts'
import { errorFor } from '../http/respond.ts'

/** Reads a urlencoded or multipart body as strings (files ignored); bad bodies read as empty. */
export async function readForm(request: Request): Promise<Record<string, string>> {
  try {
    const form = await request.formData()
    const out: Record<string, string> = {}
    for (const [k, v] of form.entries()) if (typeof v === 'string' && !(k in out)) out[k] = v
    return out
  } catch {
    return {}
  }
}

/** Every value of a repeated form field (checkbox groups). */
export async function readFormAll(request: Request): Promise<{ one: Record<string, string>; all: Record<string, string[]> }> {
  const one: Record<string, string> = {}
  const all: Record<string, string[]> = {}
  try {
    const form = await request.formData()
    for (const [k, v] of form.entries()) {
      if (typeof v !== 'string') continue
      if (!(k in one)) one[k] = v
      ;(all[k] ??= []).push(v)
    }
  } catch {
    // an unreadable body is an empty form
  }
  return { one, all }
}

/** Who is acting, for the audit log. */
export function actorOf(request: Request, auth: Auth | null, orgId?: string | null): Actor {
  const service = auth?.user.id === 'service-token'
  return { userId: service ? null : (auth?.user.id ?? null), email: service ? serviceActor(request) : (auth?.user.email ?? null), ip: clientIp(request), orgId: orgId ?? auth?.org?.id ?? null }
}

/**
 * Who acts with the service token: the CLI names its operating-system user and host
 * (`X-Coder-CLI-User`, only believed with the token, which already holds every right).
 */
function serviceActor(request: Request): string {
  const cli = request.headers.get('x-coder-cli-user')
  return cli && /^[\w.@-]{1,100}$/.test(cli) ? `service-token (cli ${cli})` : 'service-token'
}

/** 429 with Retry-After, as a page or JSON. */
export function tooMany(request: Request, verdict: Verdict, what: string): Response {
  const res = errorFor(new URL(request.url).pathname, 429, 'rate_limited', 'Too many attempts', `Too many ${what}. Try again ${waitText(verdict.retryAfter)}.`)
  res.headers.set('retry-after', String(verdict.retryAfter))
  return res
}

/** One limit a request counts against: the limiter, its key, and what the 429 says is too many. */
export type LimitCheck = [limiter: RateLimiter, key: string, what: string]

/**
 * Counts a request against every limit (per account and per address, say), or against none when
 * one of them is used up: then the 429 for the first exhausted limit. Synchronous, so concurrent
 * requests cannot slip between the check and the hit.
 */
export function hitLimits(request: Request, checks: LimitCheck[]): Response | undefined {
  for (const [limiter, key, what] of checks) {
    const verdict = limiter.check(key)
    if (!verdict.ok) return tooMany(request, verdict, what)
  }
  for (const [limiter, key] of checks) limiter.hit(key)
  return undefined
}

/** Creating an invitation (organization pages, instance admin) counts per user and per address. */
export function inviteCreateLimits(request: Request, auth: Auth): Response | undefined {
  return hitLimits(request, [
    [limits.inviteCreate, auth.user.id, 'invitations created'],
    [limits.inviteCreateAddress, limitAddress(request), 'invitations created from your address'],
  ])
}

/** Control characters (browsers drop tabs and newlines from URLs) and backslashes (they read them as `/`). */
const UNSAFE_IN_NEXT = /[\u0000-\u001f\u007f\\]/

/**
 * A safe local redirect target from a `next` parameter: a path on this site, never another site.
 * Refuses control characters and backslashes (`/\t/evil.com` and `/\\evil.com` become `//evil.com` in a
 * browser), then resolves the path against a placeholder origin and keeps it only when the origin
 * stays the same. Anything else is `/`.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || UNSAFE_IN_NEXT.test(next)) return '/'
  try {
    const url = new URL(next, 'http://x')
    if (url.origin !== 'http://x') return '/'
    // Printable ASCII goes back as typed (normalizing could turn /..//evil.com into //evil.com).
    // Anything else goes back percent-encoded: a header value beyond Latin-1 would be refused.
    if (/^[\x20-\x7e]*$/.test(next)) return next
    const encoded = url.pathname + url.search + url.hash
    return encoded.startsWith('//') ? '/' : encoded
  } catch {
    return '/'
  }
}
