/**
 * The caps of NotificationMailer, with a fake mail and clock (no store, no SMTP: the end-to-end cap
 * over real SMTP on both dialects is in email.test.ts): the queue never holds more than its cap and
 * overflow is one warning per burst; a recipient gets at most the hourly cap, warned once, and
 * again after the hour.
 */
import { expect, test } from 'bun:test'
import type { Logger } from '../../core/log.ts'
import type { PluginMail } from '../../core/plugins/contract.ts'
import { MAX_EMAILS_PER_RECIPIENT_HOUR, MAX_PENDING_EMAILS, NotificationMailer } from './service-email.ts'

/** A mail that records what it sends and, while `held`, waits for `release()` before each send. */
function fakeMail() {
  const sent: string[] = []
  let gate: { promise: Promise<void>; resolve: () => void } | null = null
  const mail: PluginMail = {
    async send(m) {
      if (gate) await gate.promise
      sent.push(m.to)
      return true
    },
    link: (path) => `https://ide.example.test${path}`,
  }
  return {
    mail,
    sent,
    hold: () => void (gate = Promise.withResolvers<void>()),
    release: () => {
      gate?.resolve()
      gate = null
    },
  }
}

/** A logger that keeps its warnings. */
function fakeLog() {
  const warnings: string[] = []
  const log: Logger = { debug() {}, info() {}, error() {}, warn: (msg) => void warnings.push(msg), child: () => log }
  return { log, warnings }
}

const notice = { title: 'Ana mentioned you', text: 'Hi', href: '/x' }

test('the defaults are the documented caps', () => {
  expect(MAX_PENDING_EMAILS).toBe(500)
  expect(MAX_EMAILS_PER_RECIPIENT_HOUR).toBe(20)
})

test('past the pending cap emails are dropped with one warning per burst; the next burst is warned again', async () => {
  const m = fakeMail()
  const { log, warnings } = fakeLog()
  const mailer = new NotificationMailer(m.mail, log, { maxPending: 5 })
  m.hold()
  for (let i = 0; i < 20; i++) mailer.queue([`user${i}@example.com`], notice)
  m.release()
  await mailer.idle()
  // the first is taken off the queue at once (waiting for the SMTP server), five more wait
  expect(m.sent).toEqual(['user0@example.com', 'user1@example.com', 'user2@example.com', 'user3@example.com', 'user4@example.com', 'user5@example.com'])
  expect(warnings.filter((w) => w.includes('too many waiting'))).toHaveLength(1)

  m.sent.length = 0
  m.hold()
  for (let i = 0; i < 10; i++) mailer.queue([`again${i}@example.com`], notice)
  m.release()
  await mailer.idle()
  expect(m.sent).toHaveLength(6)
  expect(warnings.filter((w) => w.includes('too many waiting'))).toHaveLength(2)
})

test('a recipient gets at most the hourly cap, warned once, and more after the hour; others are unaffected', async () => {
  const m = fakeMail()
  const { log, warnings } = fakeLog()
  let now = 1_000_000
  const mailer = new NotificationMailer(m.mail, log, { perRecipientPerHour: 3, now: () => now })
  for (let i = 0; i < 10; i++) mailer.queue(['Bob@example.com', 'cy@example.com'], notice)
  mailer.queue(['bob@example.com'], notice) // the same address in other case counts too
  await mailer.idle()
  expect(m.sent.filter((to) => to.toLowerCase() === 'bob@example.com')).toHaveLength(3)
  expect(m.sent.filter((to) => to === 'cy@example.com')).toHaveLength(3)
  expect(warnings.filter((w) => w.includes('hourly cap'))).toHaveLength(2) // once for bob, once for cy

  now += 3_600_001
  m.sent.length = 0
  for (let i = 0; i < 5; i++) mailer.queue(['bob@example.com'], notice)
  await mailer.idle()
  expect(m.sent).toEqual(['bob@example.com', 'bob@example.com', 'bob@example.com'])
  expect(warnings.filter((w) => w.includes('hourly cap'))).toHaveLength(3)
})

test('a recipient kept at the cap is warned about once an hour, not each time a slot frees up', async () => {
  const m = fakeMail()
  const { log, warnings } = fakeLog()
  let now = 0
  const mailer = new NotificationMailer(m.mail, log, { perRecipientPerHour: 2, now: () => now })
  const send = async (at: number) => {
    now = at
    mailer.queue(['bob@example.com'], notice)
    await mailer.idle()
  }
  await send(0)
  await send(1_000)
  await send(2_000) // over the cap: warned
  await send(3_600_001) // the slot of the first one is free again: sent
  await send(3_600_002) // over the cap again, within the hour of the warning: quiet
  expect(m.sent).toHaveLength(3)
  expect(warnings.filter((w) => w.includes('hourly cap'))).toHaveLength(1)
})
