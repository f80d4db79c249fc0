/** @module A tiny browser for tests: keeps cookies, finds the CSRF token in pages, posts forms. */
import { sha256 } from '../../core/auth/crypto.ts'

/** An HTTP client with a cookie jar, bound to one base URL. */
export class Client {
  readonly cookies = new Map<string, string>()
  csrf = ''

  constructor(readonly base: string) {}

  /** Sends a request with the jar's cookies; stores Set-Cookie and the page's CSRF token. Never follows redirects. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }

  /** GET, reading the CSRF token from the page (form field or hx-headers:inherited). */
  async get(path: string, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
    const res = await this.request(path, { headers })
    const html = await res.text()
    const m =
      /name="_csrf" value="([^"]+)"/.exec(html) ??
      /X-CSRF-Token&#34;:&#34;([^&]+)&#34;/.exec(html) ??
      /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(html) ??
      /"X-CSRF-Token":"([^"]+)"/.exec(html)
    if (m) this.csrf = m[1]!
    return { res, html }
  }

  /** POSTs a urlencoded form with the current CSRF token (unless `_csrf` is given). */
  async post(path: string, fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams()
    if (!('_csrf' in fields)) body.append('_csrf', this.csrf)
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } })
  }

  /** Signs in through the real pages (GET /login for the token, POST /login). */
  async signIn(email: string, password: string): Promise<Response> {
    await this.get('/login')
    const res = await this.post('/login', { email, password, next: '/' })
    await this.get('/search') // a shell page: it carries the session's CSRF token (`/` may redirect)
    return res
  }

  /** The stored id of this client's session: the hash of its cookie's token ('' hashed when signed out). */
  sessionId(): string {
    return sha256(decodeURIComponent(this.cookies.get('sid') ?? ''))
  }
}
