/**
 * Outgoing email over real SMTP on loopback: invitations emailed (and signing up through the
 * emailed link), the admin's "Send set-password link by email", an SMTP server that is down (the
 * words on the page, the link shown instead, no 500, the password never logged), and bad mail
 * settings refused by the command line with exit 2.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test'
import { resetLimits } from '../core/auth/rate-limit.ts'
import { forgotPasswordSettled } from '../core/pages/forgot-password.tsx'
import { runCli } from './helpers/cli.ts'
import { logged } from './helpers/log.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { startSmtp, SMTP_PASSWORD, type TestSmtp } from './helpers/smtp.ts'
import { eachDialect } from './helpers/store.ts'

const PUBLIC_URL = 'https://ide.example.test'
const MAIL_FROM = 'Coder IDE <noreply@example.test>'
const WORDS = 'The email could not be sent; copy the link instead.'

/** The path of the first `PUBLIC_URL/<kind>/<token>` link in a text. */
function linkPath(text: string, kind: 'reset' | 'invite'): string {
  const m = new RegExp(`^${PUBLIC_URL.replace(/\./g, '\\.')}(/${kind}/[\\w-]+)$`, 'm').exec(text)
  if (!m) throw new Error(`no ${kind} link on ${PUBLIC_URL} in:\n${text}`)
  return m[1]!
}

const roleId = async (p: TestPlatform, builtin: string) => (await p.deps.identity.orgs.listRoles(p.org!.id)).find((r) => r.builtin === builtin)!.id

eachDialect('mail', (dialect) => {
  let p: TestPlatform
  let smtp: TestSmtp

  beforeAll(async () => {
    smtp = await startSmtp()
    p = await startPlatform(dialect, [], { SMTP_URL: smtp.url, MAIL_FROM, PUBLIC_URL })
  })
  afterAll(async () => {
    await p.stop()
    await smtp.stop()
  })
  beforeEach(() => {
    resetLimits()
    smtp.received.length = 0
  })

  test('an invitation naming an email is emailed too; signing up through the emailed link works', async () => {
    const admin = await p.adminClient()
    await admin.get('/orgs/members')
    const res = await admin.post('/orgs/invitations', { role: await roleId(p, 'member'), email: 'Newbie@Example.com' })
    expect(res.status).toBe(201)
    const html = await res.text()
    expect(html).toContain('The link was emailed to newbie@example.com.')
    expect(html).toContain(`${PUBLIC_URL}/invite/`) // still shown once
    const [mail] = await smtp.waitFor(1)
    expect(mail!.to).toEqual(['newbie@example.com'])
    expect(mail!.subject).toBe('Ada Admin invites you to Acme on Coder IDE')
    expect(mail!.text).toContain('as Member')
    const path = linkPath(mail!.text, 'invite')
    expect(html).toContain(`${PUBLIC_URL}${path}`)

    const newbie = p.client()
    expect((await newbie.get(path)).res.status).toBe(200)
    const joined = await newbie.post(path, { name: 'Newbie', email: 'newbie@example.com', password: 'a long password' })
    expect(joined.status).toBe(303)
    const user = await p.deps.identity.accounts.findUserByEmail('newbie@example.com')
    expect((await p.deps.identity.orgs.membership(user!.id, p.org!.id))?.role.builtin).toBe('member')

    // No email named: nothing is sent, the link is shown as before.
    const open = await admin.post('/orgs/invitations', { role: await roleId(p, 'member') })
    expect(open.status).toBe(201)
    expect(await open.text()).not.toContain('emailed')
    await Bun.sleep(50)
    expect(smtp.received).toHaveLength(1)
  })

  test("the admin page's invitation is emailed too", async () => {
    const admin = await p.adminClient()
    await admin.get('/admin/users')
    const res = await admin.post('/admin/users/invite', { target: `${p.org!.id}:${await roleId(p, 'guest')}`, email: 'guest-by-mail@example.com' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('The link was emailed to guest-by-mail@example.com.')
    const [mail] = await smtp.waitFor(1)
    expect(mail!.to).toEqual(['guest-by-mail@example.com'])
    linkPath(mail!.text, 'invite')
  })

  test('admin: "Send set-password link by email" emails a working link; the account signs in with the new password', async () => {
    const { user } = await p.member('member', p.org, 'forgetful@example.com')
    const admin = await p.adminClient()
    const page = await admin.get('/admin/users')
    expect(page.html).toContain(`action="/admin/users/${user.id}/password-reset/email"`)
    expect(page.html).toContain('Send set-password link by email')
    const res = await admin.post(`/admin/users/${user.id}/password-reset/email`)
    expect(res.status).toBe(303)
    const [mail] = await smtp.waitFor(1)
    expect(mail!.to).toEqual(['forgetful@example.com'])
    const path = linkPath(mail!.text, 'reset')
    const visitor = p.client()
    await visitor.get(path)
    expect((await visitor.post(path, { password: 'remembered at last', confirm: 'remembered at last' })).status).toBe(303)
    expect((await p.client().signIn('forgetful@example.com', 'remembered at last')).status).toBe(303)
    expect((await visitor.get(path)).res.status).toBe(404)
    const audit = await p.deps.identity.accounts.listAudit({ action: 'user.password_reset' })
    expect(audit.find((a) => a.action === 'user.password_reset')).toMatchObject({ target: 'forgetful@example.com', details: { method: 'emailed' } })

    // A disabled account gets no link (409 with the reason), and no email.
    await p.deps.identity.accounts.setDisabled(user.id, true)
    const refused = await admin.post(`/admin/users/${user.id}/password-reset/email`)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('is disabled')
    await Bun.sleep(50)
    expect(smtp.received).toHaveLength(1)
  })
})

eachDialect('mail with the SMTP server down', (dialect) => {
  let p: TestPlatform

  beforeAll(async () => {
    const gone = await startSmtp()
    await gone.stop() // its port now refuses connections
    p = await startPlatform(dialect, [], { SMTP_URL: gone.url, MAIL_FROM, PUBLIC_URL })
  })
  afterAll(() => p.stop())

  test('the page says so in words and shows the link instead; no 500; the password is never logged', async () => {
    const { user } = await p.member('member', p.org, 'stranded@example.com')
    await p.member('member', p.org, 'also-stranded@example.com')
    const admin = await p.adminClient()
    await admin.get('/admin/users')
    const { result, lines } = await logged(async () => {
      const reset = await admin.post(`/admin/users/${user.id}/password-reset/email`)
      const invite = await admin.post('/orgs/invitations', { role: await roleId(p, 'member'), email: 'later@example.com' })
      const forgot = p.client()
      await forgot.get('/forgot-password')
      const asked = await forgot.post('/forgot-password', { email: 'also-stranded@example.com' })
      await forgotPasswordSettled()
      return { reset, resetHtml: await reset.text(), invite, inviteHtml: await invite.text(), asked }
    })

    expect(result.reset.status).toBe(200)
    expect(result.resetHtml).toContain(WORDS)
    // Nothing lost: the link is shown once and works.
    const path = /id="reset-link" class="secret">\s*https:\/\/ide\.example\.test(\/reset\/[\w-]+)/.exec(result.resetHtml)![1]!
    const visitor = p.client()
    expect((await visitor.get(path)).res.status).toBe(200)

    expect(result.invite.status).toBe(201)
    expect(result.inviteHtml).toContain(WORDS)
    expect(result.inviteHtml).toContain(`${PUBLIC_URL}/invite/`)

    // The forgot-password answer is the same as ever (a failure there would tell that the account exists).
    expect(result.asked.status).toBe(200)
    const [entry] = await p.deps.identity.accounts.listAudit({ action: 'auth.password_reset_requested' })
    expect(entry).toMatchObject({ target: 'also-stranded@example.com', details: { outcome: 'email failed' } })

    const failures = lines.filter((l) => l.includes('email not sent'))
    expect(failures.length).toBe(3)
    expect(failures[0]).toContain('smtp://mailer:***@127.0.0.1')
    for (const line of lines) expect(line).not.toContain(SMTP_PASSWORD)
  })
})

test('bad mail settings: one line naming the variable, exit 2, no password shown; --help shows none either', async () => {
  const noPublic = await runCli(['migrate', 'status'], { SMTP_URL: `smtp://u:${SMTP_PASSWORD}@127.0.0.1:2525`, MAIL_FROM: 'noreply@example.test' })
  expect(noPublic.code).toBe(2)
  expect(noPublic.err.trim().split('\n')).toHaveLength(1)
  expect(noPublic.err).toContain('PUBLIC_URL is needed with SMTP_URL')
  const badUrl = await runCli(['migrate', 'status'], { SMTP_URL: `http://u:${SMTP_PASSWORD}@mail`, MAIL_FROM: 'noreply@example.test', PUBLIC_URL })
  expect(badUrl.code).toBe(2)
  expect(badUrl.err).toContain('SMTP_URL is not an SMTP URL')
  const badFrom = await runCli(['migrate', 'status'], { SMTP_URL: `smtp://u:${SMTP_PASSWORD}@mail`, MAIL_FROM: 'nobody', PUBLIC_URL })
  expect(badFrom.code).toBe(2)
  expect(badFrom.err).toContain('MAIL_FROM=nobody is not a sender')
  for (const r of [noPublic, badUrl, badFrom]) expect(r.err + r.out).not.toContain(SMTP_PASSWORD)

  const help = await runCli(['--help'], { SMTP_URL: `smtp://u:${SMTP_PASSWORD}@mail`, MAIL_FROM: 'noreply@example.test', PUBLIC_URL })
  expect(help.code).toBe(0)
  expect(help.out).toContain('--smtp-url / SMTP_URL')
  expect(help.out).toContain('--public-url / PUBLIC_URL')
  expect(help.out).not.toContain(SMTP_PASSWORD)
})
