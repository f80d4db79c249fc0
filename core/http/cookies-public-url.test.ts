/**
 * Cookies with an https PUBLIC_URL: the session, CSRF and flash cookies are Secure and the session
 * and CSRF ones `__Host-` prefixed even when the request arrives over plain http (a proxy that
 * terminates TLS and sends no X-Forwarded-Proto); the plain names then count for nothing. With an
 * http PUBLIC_URL, or none, plain http keeps plain cookies. Real HTTP, both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'

/** The Set-Cookie header of `name`, or undefined. */
function setCookie(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
}

eachDialect('cookies with an https PUBLIC_URL, reached over plain http', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [], { PUBLIC_URL: 'https://ide.example.com' })
  })
  afterAll(() => p.stop())

  test('sign-in sets __Host- cookies with Secure, the session works with them, and sign-out clears them', async () => {
    expect(p.url).toStartWith('http://')
    const c = p.client()
    const form = await c.get('/login')
    const csrf = setCookie(form.res, '__Host-csrf')
    expect(csrf).toContain('Secure')
    expect(csrf).toContain('Path=/')
    expect(csrf).not.toContain('Domain')
    expect(setCookie(form.res, 'csrf')).toBeUndefined()

    const res = await c.post('/login', { email: ADMIN.email, password: ADMIN.password, next: '/' })
    expect(res.status).toBe(303)
    const sid = setCookie(res, '__Host-sid')!
    expect(sid).toContain('Secure')
    expect(sid).toContain('HttpOnly')
    expect(sid).toContain('Path=/')
    expect(sid).not.toContain('Domain')
    expect(setCookie(res, 'sid')).toBeUndefined()
    expect(c.cookies.has('__Host-sid')).toBe(true)

    const account = await c.get('/account')
    expect(account.res.status).toBe(200)
    // the flash message after a form is Secure too
    const ended = await c.post('/account/sessions/others/end')
    expect(ended.status).toBe(303)
    expect(setCookie(ended, 'flash')).toContain('Secure')

    // the same token under the plain name is nobody
    const token = c.cookies.get('__Host-sid')!
    const plain = await fetch(`${p.url}/account`, { headers: { cookie: `sid=${token}` }, redirect: 'manual' })
    expect(plain.status).toBe(303)
    expect(plain.headers.get('location')).toStartWith('/login')

    await c.get('/search')
    const out = await c.post('/logout')
    expect(out.status).toBe(303)
    const cleared = setCookie(out, '__Host-sid')!
    expect(cleared).toContain('Max-Age=0')
    expect(cleared).toContain('Secure')
    expect((await fetch(`${p.url}/account`, { headers: { cookie: `__Host-sid=${token}` }, redirect: 'manual' })).status).toBe(303)
  })
})

eachDialect('cookies with an http PUBLIC_URL, or none, over plain http', (dialect) => {
  let withHttp: TestPlatform
  let without: TestPlatform
  beforeAll(async () => {
    withHttp = await startPlatform(dialect, [], { PUBLIC_URL: 'http://ide.internal' })
    without = await startPlatform(dialect, [])
  })
  afterAll(async () => {
    await withHttp.stop()
    await without.stop()
  })

  test('plain names, no Secure: as before', async () => {
    for (const p of [withHttp, without]) {
      const c = p.client()
      const form = await c.get('/login')
      expect(setCookie(form.res, 'csrf')).not.toContain('Secure')
      expect(setCookie(form.res, '__Host-csrf')).toBeUndefined()
      const res = await c.post('/login', { email: ADMIN.email, password: ADMIN.password, next: '/' })
      expect(res.status).toBe(303)
      expect(setCookie(res, 'sid')).not.toContain('Secure')
      expect(setCookie(res, '__Host-sid')).toBeUndefined()
      expect((await c.get('/account')).res.status).toBe(200)
    }
  })
})
