/**
 * Email copies of notifications over real SMTP (test/helpers/smtp.ts), on both dialects: off by
 * default, one plain-text email per notification with a PUBLIC_URL link once a user turns it on,
 * only for kinds they have on, never to someone who may not see the entity or is disabled, nothing
 * of other users' addresses or the SMTP password in it; with SMTP down the notification still lands
 * and nothing fails; with mail off the toggle is hidden and a posted value ignored; a burst past a
 * recipient's hourly cap emails only the cap while the inbox gets every notification.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import type { User } from '../../core/auth/accounts.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { startSmtp, SMTP_PASSWORD, SMTP_USER, type TestSmtp } from '../../test/helpers/smtp.ts'
import { userWithRole } from '../../test/helpers/activity.ts'
import { logged } from '../../test/helpers/log.ts'
import { thingsPlugin } from '../../test/helpers/collaboration-things.ts'
import type { Client } from '../../test/helpers/client.ts'
import collaboration from './index.ts'
import { MAX_EMAILS_PER_RECIPIENT_HOUR } from './service-email.ts'

const PUBLIC_URL = 'https://ide.example.test'
const MAIL_FROM = 'Coder IDE <noreply@example.test>'
/** Entity id -> org id: a thing resolves (is visible) in its own org only. */
const things = new Map<string, string>()

/** Something to comment on, visible to holders of testing.thing.read in its org. */
const testEntityPlugin = thingsPlugin((id, auth) => (things.get(id) === auth.org?.id ? { title: 'Mail thing' } : undefined))

type Person = { user: User; client: Client }
const unread = (html: string) => Number(/data-unread="(\d+)"/.exec(html)?.[1] ?? NaN)

/** Helpers bound to one platform: a new thing, a comment on it, waiting for emails in flight. */
function helpers(current: () => TestPlatform, prefix: string) {
  let n = 0
  return {
    thing() {
      const id = `${prefix}-${++n}`
      things.set(id, current().org!.id)
      return id
    },
    /** Posts `body` as a comment on thing `id`; returns the response (status checked by callers). */
    async comment(author: Person, id: string, body: string) {
      await author.client.get('/collaboration/inbox') // a page, for the CSRF token
      return author.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: id, body })
    },
    settled: () => current().host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait(),
    /** Saves preferences as the form does: `on` lists the ticked boxes. */
    async prefs(who: Person, on: string[]) {
      await who.client.get('/collaboration/preferences')
      const res = await who.client.post('/collaboration/preferences', Object.fromEntries(on.map((k) => [k, '1'])))
      expect(res.status).toBe(303)
    },
    async storedEmailPref(userId: string): Promise<boolean | undefined> {
      const [row] = await current().store.query<{ email: unknown }>('select email from collaboration_preferences where user_id = ?', [userId])
      return row ? Boolean(Number(row.email) || row.email === true) : undefined
    },
  }
}

const ALL_KINDS = ['mentions', 'comments', 'changes', 'reminders', 'assignments', 'invitations']

eachDialect('collaboration email', (dialect) => {
  describe('with mail on', () => {
    let p: TestPlatform
    let smtp: TestSmtp
    let ana: Person
    let bob: Person
    let cy: Person
    const h = helpers(() => p, `mail-${dialect}`)
    const email = (who: string) => `${who}-mail-${dialect}@example.com`

    beforeAll(async () => {
      smtp = await startSmtp()
      p = await startPlatform(dialect, [collaboration, testEntityPlugin], { SMTP_URL: smtp.url, MAIL_FROM, PUBLIC_URL })
      ana = await p.member('member', p.org, email('ana'))
      bob = await p.member('member', p.org, email('bob'))
      cy = await p.member('member', p.org, email('cy'))
    })
    afterAll(async () => {
      await p?.stop()
      await smtp?.stop()
    })
    beforeEach(() => {
      smtp.received.length = 0
    })

    test('the toggle shows, off by default: a mention lands in the inbox and sends no email', async () => {
      const page = (await bob.client.get('/collaboration/preferences')).html
      expect(page).toContain('Email me about these too')
      expect(page).toMatch(/<input type="checkbox" id="pref-email" name="email" value="1"\s*\/?>/)
      const id = h.thing()
      expect((await h.comment(ana, id, `Hi @${email('bob')}`)).status).toBeLessThan(400)
      await h.settled()
      expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(1)
      expect(smtp.received).toHaveLength(0)
      expect(await h.storedEmailPref(bob.user.id)).toBeUndefined() // never saved: the default
    })

    test('turned on, a mention sends one plain-text email with a PUBLIC_URL link, and nothing it should not say', async () => {
      await h.prefs(bob, [...ALL_KINDS, 'email'])
      expect((await bob.client.get('/collaboration/preferences')).html).toMatch(/id="pref-email" name="email" value="1" checked/)
      const id = h.thing()
      const res = await h.comment(ana, id, `Please look @${email('bob')} and @${email('cy')}, thanks`)
      expect(res.status).toBeLessThan(400)
      await h.settled()
      const [mail] = await smtp.waitFor(1)
      expect(smtp.received).toHaveLength(1) // cy did not turn email on
      expect(mail!.to).toEqual([email('bob')])
      expect(mail!.from).toBe('noreply@example.test')
      expect(mail!.subject).toBe(`${ana.user.name} mentioned you on Mail thing`)
      expect(mail!.text).toContain(`Please look @${bob.user.name} and @${cy.user.name}, thanks`)
      expect(mail!.text).toMatch(new RegExp(`^Open it: ${PUBLIC_URL}/testing/things/${id}#comment-[\\w-]+$`, 'm'))
      expect(mail!.text).toContain(`${PUBLIC_URL}/collaboration/preferences`)
      expect(mail!.text).toContain('Email me about these too')
      expect(mail!.headers.get('content-type') ?? 'text/plain').toContain('text/plain')
      for (const secret of [email('ana'), email('cy'), SMTP_PASSWORD, smtp.url]) {
        expect(mail!.text).not.toContain(secret)
        expect([...mail!.headers.values()].join('\n')).not.toContain(secret)
      }
      expect(mail!.auth).toEqual({ username: SMTP_USER, password: SMTP_PASSWORD })
      expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBeGreaterThanOrEqual(1)
    })

    test('a kind turned off sends neither notification nor email; comments on watched things do when on', async () => {
      await h.prefs(bob, ['comments', 'email'])
      const id = h.thing()
      await h.comment(bob, id, 'I watch this now')
      await h.comment(ana, id, `Mentioning @${email('bob')} here`)
      await h.settled()
      // a mentioned watcher hears of a comment only as a mention, which bob turned off
      expect(smtp.received).toHaveLength(0)
      await h.comment(ana, id, 'A plain comment')
      await h.settled()
      const [mail] = await smtp.waitFor(1)
      expect(mail!.subject).toBe(`${ana.user.name} commented on Mail thing`)
      await h.prefs(bob, [...ALL_KINDS, 'email'])
    })

    test('nobody is emailed about what they may not see, nor while disabled', async () => {
      const blind = await userWithRole(p, p.org!, ['collaboration.comment.read'], 1, email('blind'))
      await h.prefs(blind, [...ALL_KINDS, 'email'])
      const dee = await p.member('member', p.org, email('dee'))
      await h.prefs(dee, [...ALL_KINDS, 'email'])
      await p.deps.identity.accounts.setDisabled(dee.user.id, true)
      const id = h.thing()
      expect((await h.comment(ana, id, `For @${email('blind')} and @${email('dee')} and @${email('bob')}`)).status).toBeLessThan(400)
      await h.settled()
      await smtp.waitFor(1)
      expect(smtp.received.map((m) => m.to)).toEqual([[email('bob')]])
    })
    test('a burst of mentions past the hourly cap emails exactly the cap; the inbox gets every notification', async () => {
      const eve = await p.member('member', p.org, email('eve'))
      await h.prefs(eve, [...ALL_KINDS, 'email'])
      const burst = MAX_EMAILS_PER_RECIPIENT_HOUR + 5
      const { lines } = await logged(async () => {
        for (let i = 0; i < burst; i++) expect((await h.comment(ana, h.thing(), `Ping ${i} @${email('eve')}`)).status).toBeLessThan(400)
        await h.settled()
      })
      await smtp.waitFor(MAX_EMAILS_PER_RECIPIENT_HOUR)
      await Bun.sleep(50) // nothing more arrives
      expect(smtp.received.filter((m) => m.to.includes(email('eve')))).toHaveLength(MAX_EMAILS_PER_RECIPIENT_HOUR)
      expect(smtp.received).toHaveLength(MAX_EMAILS_PER_RECIPIENT_HOUR)
      expect(lines.filter((l) => l.includes('hourly cap'))).toHaveLength(1)
      expect(unread((await eve.client.get('/collaboration/inbox')).html)).toBe(burst)
    })
  })

  describe('with the SMTP server down', () => {
    let p: TestPlatform
    let ana: Person
    let bob: Person
    const h = helpers(() => p, `down-${dialect}`)

    beforeAll(async () => {
      const smtp = await startSmtp()
      await smtp.stop() // the port refuses connections from now on
      p = await startPlatform(dialect, [collaboration, testEntityPlugin], { SMTP_URL: smtp.url, MAIL_FROM, PUBLIC_URL })
      ana = await p.member('member', p.org, `ana-down-${dialect}@example.com`)
      bob = await p.member('member', p.org, `bob-down-${dialect}@example.com`)
    })
    afterAll(async () => {
      await p?.stop()
    })

    test('the notification still lands, the comment is saved, nothing throws', async () => {
      await h.prefs(bob, [...ALL_KINDS, 'email'])
      const id = h.thing()
      const { result: res, lines } = await logged(async () => {
        const res = await h.comment(ana, id, `Ping @bob-down-${dialect}@example.com`)
        await h.settled() // resolves: the failed send was logged, not thrown
        return res
      })
      expect(res.status).toBe(303)
      const failure = lines.filter((l) => l.includes('email not sent'))
      expect(failure).toHaveLength(1)
      expect(failure[0]).not.toContain(SMTP_PASSWORD)
      const inbox = (await bob.client.get('/collaboration/inbox')).html
      expect(unread(inbox)).toBe(1)
      expect(inbox).toContain('mentioned you on Mail thing')
    })
  })

  describe('with mail off', () => {
    let p: TestPlatform
    let bob: Person
    const h = helpers(() => p, `off-${dialect}`)

    beforeAll(async () => {
      p = await startPlatform(dialect, [collaboration, testEntityPlugin])
      bob = await p.member('member', p.org, `bob-off-${dialect}@example.com`)
    })
    afterAll(async () => {
      await p?.stop()
    })

    test('the toggle is hidden and a posted value ignored (a choice stored earlier is kept)', async () => {
      const page = (await bob.client.get('/collaboration/preferences')).html
      expect(page).toContain('Mentions')
      expect(page).not.toContain('name="email"')
      expect(page).not.toContain('Email me about these too')
      await h.prefs(bob, [...ALL_KINDS, 'email'])
      expect(await h.storedEmailPref(bob.user.id)).toBe(false)
      // turned on while mail was on, then mail went off: saving the form keeps it
      await p.store.query('update collaboration_preferences set email = ? where user_id = ?', [dialect === 'sqlite' ? 1 : true, bob.user.id])
      await h.prefs(bob, ['mentions'])
      expect(await h.storedEmailPref(bob.user.id)).toBe(true)
    })
  })
})
