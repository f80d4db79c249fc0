/**
 * "Forgot your password?" over real SMTP (test/helpers/smtp.ts): one email with a PUBLIC_URL link
 * that works once, the same answer for unknown and disabled accounts (and no email), the rate
 * limits, and the routes gone while mail is off.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test'
import { resetLimits } from '../auth/rate-limit.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { startSmtp, SMTP_PASSWORD, SMTP_USER, type TestSmtp } from '../../test/helpers/smtp.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { forgotPasswordSettled } from './forgot-password.tsx'

const PUBLIC_URL = 'https://ide.example.test'

/** The `/reset/<token>` path of the link in an email (which must start with PUBLIC_URL). */
function resetLinkPath(text: string): string {
  const m = /^(https?:\/\/[^/\s]+)(\/reset\/[\w-]+)$/m.exec(text)
  if (!m) throw new Error(`no set-password link in:\n${text}`)
  expect(m[1]).toBe(PUBLIC_URL)
  return m[2]!
}

eachDialect('forgot password', (dialect) => {
  let p: TestPlatform
  let smtp: TestSmtp

  beforeAll(async () => {
    smtp = await startSmtp()
    p = await startPlatform(dialect, [], { SMTP_URL: smtp.url, MAIL_FROM: 'Coder IDE <noreply@example.test>', PUBLIC_URL })
  })
  afterAll(async () => {
    await p.stop()
    await smtp.stop()
  })
  beforeEach(() => {
    resetLimits()
    smtp.received.length = 0
  })

  const ask = async (email: string, client = p.client()) => {
    await client.get('/forgot-password')
    const res = await client.post('/forgot-password', { email })
    const html = await res.text()
    await forgotPasswordSettled()
    return { res, html }
  }

  test('the sign-in page links to it; one email with a PUBLIC_URL link that sets the password once', async () => {
    const login = await p.client().get('/login')
    expect(login.html).toContain('href="/forgot-password"')
    const { user } = await p.member('member', p.org, 'lost@example.com')

    const { res, html } = await ask(' Lost@Example.com ')
    expect(res.status).toBe(200)
    expect(html).toContain('Check your email')
    const [mail] = await smtp.waitFor(1)
    expect(smtp.received).toHaveLength(1)
    expect(mail!.to).toEqual(['lost@example.com'])
    expect(mail!.from).toBe('noreply@example.test')
    expect(mail!.headers.get('from')).toContain('noreply@example.test')
    expect(mail!.subject).toBe('Choose a new password for Coder IDE')
    expect(mail!.auth).toEqual({ username: SMTP_USER, password: SMTP_PASSWORD })
    const path = resetLinkPath(mail!.text)

    const visitor = p.client()
    const form = await visitor.get(path)
    expect(form.res.status).toBe(200)
    expect(form.html).toContain('lost@example.com')
    const set = await visitor.post(path, { password: 'a brand new password', confirm: 'a brand new password' })
    expect(set.status).toBe(303)
    expect(set.headers.get('location')).toBe('/login')
    expect((await p.client().signIn('lost@example.com', 'a brand new password')).status).toBe(303)
    expect((await p.client().signIn('lost@example.com', 'member password 1')).status).toBe(401)
    expect((await visitor.get(path)).res.status).toBe(404) // used up

    const audit = await p.deps.identity.accounts.listAudit({ action: 'auth.password_reset_requested' })
    const entry = audit.find((a) => a.target === 'lost@example.com')
    expect(entry?.details).toMatchObject({ outcome: 'link emailed' })
    expect(entry?.actorId).toBe(user.id)
  })

  test('an unknown or disabled account gets the same page and no email', async () => {
    const known = await p.member('member', p.org, 'known@example.com')
    const disabled = await p.member('member', p.org, 'off@example.com')
    await p.deps.identity.accounts.setDisabled(disabled.user.id, true)

    const pages: string[] = []
    for (const email of ['nobody@example.com', 'off@example.com', 'known@example.com']) {
      const { res, html } = await ask(email)
      expect(res.status).toBe(200)
      pages.push(html.replace(email, 'EMAIL').replace(/X-CSRF-Token&quot;:&quot;[^&]+/, '')) // each visitor has its own token
    }
    expect(pages[0]).toBe(pages[2]!)
    expect(pages[1]).toBe(pages[2]!)
    await smtp.waitFor(1)
    await Bun.sleep(100)
    expect(smtp.received.map((m) => m.to[0])).toEqual([known.user.email])

    const audit = await p.deps.identity.accounts.listAudit({ action: 'auth.password_reset_requested' })
    expect(audit.find((a) => a.target === 'nobody@example.com')?.details).toMatchObject({ outcome: 'no such account: nothing sent' })
    expect(audit.find((a) => a.target === 'off@example.com')?.details).toMatchObject({ outcome: 'account disabled: nothing sent' })
  })

  test('a bad email is 422 with the form; limits per email and per address answer 429 with Retry-After', async () => {
    const bad = await ask('not an email')
    expect(bad.res.status).toBe(422)
    expect(bad.html).toContain('field-error')
    expect(bad.html).toContain('not an email')

    await p.member('member', p.org, 'often@example.com')
    for (let i = 0; i < 3; i++) expect((await ask('often@example.com')).res.status).toBe(200)
    const limited = await ask('often@example.com')
    expect(limited.res.status).toBe(429)
    expect(Number(limited.res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.html).toContain('Too many password requests for this email.')
    expect(smtp.received).toHaveLength(3)
    // An unknown email is limited the same way: the 429 tells nothing about accounts.
    for (let i = 0; i < 3; i++) expect((await ask('ghost@example.com')).res.status).toBe(200)
    expect((await ask('ghost@example.com')).res.status).toBe(429)

    resetLimits()
    for (let i = 0; i < 10; i++) expect((await ask(`many-${i}@example.com`)).res.status).toBe(200)
    const byAddress = await ask('one-more@example.com')
    expect(byAddress.res.status).toBe(429)
    expect(byAddress.html).toContain('Too many password requests from your address.')
  })

  test('two requests give two working links (a request cancels none); using one ends the other', async () => {
    await p.member('member', p.org, 'twice@example.com')
    await ask('twice@example.com')
    await ask('twice@example.com')
    const [first, second] = await smtp.waitFor(2)
    const old = resetLinkPath(first!.text)
    const fresh = resetLinkPath(second!.text)
    expect(old).not.toBe(fresh)
    expect((await p.client().get(old)).res.status).toBe(200)
    const visitor = p.client()
    expect((await visitor.get(fresh)).res.status).toBe(200)
    expect((await visitor.post(fresh, { password: 'the newest password', confirm: 'the newest password' })).status).toBe(303)
    expect((await p.client().get(old)).res.status).toBe(404)
    // A link that does not work points to asking for a new one by email.
    expect((await p.client().get(old)).html).toContain('href="/forgot-password"')
  })
})

eachDialect('forgot password with mail off', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [])
  })
  afterAll(() => p.stop())

  test('no link on the sign-in page (it says whom to ask); the routes answer 404', async () => {
    const c = p.client()
    const login = await c.get('/login')
    expect(login.html).not.toContain('/forgot-password')
    expect(login.html).toContain('Ask an instance admin for a set-password link.')
    expect((await c.get('/forgot-password')).res.status).toBe(404)
    expect((await c.post('/forgot-password', { email: 'admin@example.com' })).status).toBe(404)
    const admin = await p.adminClient()
    const users = await admin.get('/admin/users')
    expect(users.html).not.toContain('Send set-password link by email')
    const { user } = await p.member('member')
    expect((await admin.post(`/admin/users/${user.id}/password-reset/email`)).status).toBe(404)
  })
})
