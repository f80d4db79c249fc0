/**
 * @module Capability URLs: path segments that are credentials (an invitation link's token, a
 * set-password link's token, a calendar feed's token) are logged as `***`. Which segments those are
 * comes from the routes themselves, so core names no plugin and a plugin declares nothing extra:
 * - every parameter of a public route (`{ public: true }` with `:param`): with no sign-in, the URL
 *   itself is what grants access (`/invite/:token`, `/reset/:token`, `/calendar/feed/:file`);
 * - on any route, a parameter named like a secret (`:token`, `:secret`, `:password`, `:signature`).
 */

/** Parameter names that are credentials on any route. */
const SECRET_PARAM = /token|secret|password|signature/i

/** What a redacted segment reads as. */
export const REDACTED = '***'

/** A route the redactor learns from: its path pattern and whether it is public. */
export interface RoutePattern {
  path: string
  /** `false` for a public route (the guard's `{ public: true }`). */
  permission: string | false | undefined
}

interface Pattern {
  /** The pattern's segments after the leading slash; `:x` are parameters. */
  segments: string[]
  /** Indexes (into `segments`) of the secret ones. */
  secret: number[]
}

/** The patterns with secret segments, keyed by their first (static) segment. */
export function secretPatterns(routes: Iterable<RoutePattern>): Map<string, Pattern[]> {
  const byPath = new Map<string, Pattern>()
  for (const route of routes) {
    const segments = route.path.split('/').slice(1)
    const first = segments[0]
    if (first === undefined || first.startsWith(':')) continue
    segments.forEach((s, i) => {
      if (!s.startsWith(':') || (route.permission !== false && !SECRET_PARAM.test(s))) return
      const p = byPath.get(route.path) ?? { segments, secret: [] }
      if (!p.secret.includes(i)) p.secret.push(i)
      byPath.set(route.path, p)
    })
  }
  const byFirst = new Map<string, Pattern[]>()
  for (const p of byPath.values()) byFirst.set(p.segments[0]!, [...(byFirst.get(p.segments[0]!) ?? []), p])
  return byFirst
}

/** `pathname` with the secret segments of the first matching pattern replaced by `***`. */
export function redactWith(patterns: Map<string, Pattern[]>, pathname: string): string {
  if (patterns.size === 0) return pathname
  const slash = pathname.indexOf('/', 1)
  const candidates = patterns.get(pathname.slice(1, slash === -1 ? pathname.length : slash))
  if (!candidates) return pathname
  const parts = pathname.split('/').slice(1)
  for (const p of candidates) {
    // Longer paths count too: a token with something after it (`/invite/<token>/x`) is still one.
    if (parts.length < p.segments.length) continue
    if (!p.segments.every((s, i) => s.startsWith(':') || s === '*' || s === parts[i])) continue
    for (const i of p.secret) parts[i] = REDACTED
    return '/' + parts.join('/')
  }
  return pathname
}

/**
 * Redacts paths for the log. Whenever `generation()` changes (a plugin enabled, disabled or
 * reloaded) it learns the routes again, keeping those it knew: a disabled plugin's feed URL, which
 * now answers 404, still carries its token.
 */
export class PathRedactor {
  private patterns = new Map<string, Pattern[]>()
  private readonly known = new Map<string, RoutePattern>()
  private learned = -1

  constructor(
    private readonly routes: () => Iterable<RoutePattern>,
    private readonly generation: () => number,
  ) {}

  /** `pathname` as it may be logged. */
  redact(pathname: string): string {
    const now = this.generation()
    if (now !== this.learned) {
      let added = false
      for (const r of this.routes()) {
        const key = `${r.permission === false ? 'public' : 'private'} ${r.path}`
        if (!this.known.has(key)) added = !!this.known.set(key, r)
      }
      if (added) this.patterns = secretPatterns(this.known.values())
      this.learned = now
    }
    return redactWith(this.patterns, pathname)
  }
}
