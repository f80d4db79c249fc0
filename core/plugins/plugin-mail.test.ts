/**
 * `ctx.mail` as plugins get it (pluginMail): only to/subject/text reach core's mailer, `to` must be
 * one plain address, `link` builds on PUBLIC_URL and takes only paths on this platform, and the
 * object holds nothing of the mailer's settings. No store: the wiring is covered end to end in
 * plugins/collaboration/email.test.ts.
 */
import { expect, test } from 'bun:test'
import { createLogger, setLogLevel } from '../log.ts'
import type { MailMessage } from '../mail.ts'
import { pluginMail } from './instance.ts'

setLogLevel('silent') // the refusals below log a warning each

function fakeMailer() {
  const sent: MailMessage[] = []
  const mailer = { send: async (m: MailMessage) => (sent.push(m), true), config: { smtpUrl: 'smtp://u:hunter2@mail.example:587' } }
  return { sent, mail: pluginMail({ mailer, publicUrl: 'https://ide.example.test' }, createLogger('test')) }
}

test('sends only to, subject and text to one plain address', async () => {
  const { sent, mail } = fakeMailer()
  const extra = { to: ' bob@example.com ', subject: 'Hi', text: 'Body', html: '<b>x</b>', from: 'evil@example.com' }
  expect(await mail.send(extra)).toBe(true)
  expect(sent).toEqual([{ to: 'bob@example.com', subject: 'Hi', text: 'Body' }])
})

test('refuses lists, display names and header injection (false, nothing sent)', async () => {
  const { sent, mail } = fakeMailer()
  for (const to of ['a@example.com, b@example.com', 'a@example.com;b@example.com', 'Bob <bob@example.com>', 'bob@example.com\r\nBcc: x@example.com', 'bob', '', '@example.com']) {
    expect(await mail.send({ to, subject: 's', text: 't' })).toBe(false)
  }
  expect(sent).toHaveLength(0)
})

test('link builds on PUBLIC_URL and refuses anything but a path here', () => {
  const { mail } = fakeMailer()
  expect(mail.link('/planning/tasks/X-1#comment-9')).toBe('https://ide.example.test/planning/tasks/X-1#comment-9')
  for (const bad of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'relative/path']) expect(() => mail.link(bad)).toThrow(/path on this platform/)
})

test('holds no mailer, settings or credentials', () => {
  const { mail } = fakeMailer()
  expect(Object.keys(mail).sort()).toEqual(['link', 'send'])
  expect(JSON.stringify(mail)).not.toContain('hunter2')
  expect(Object.isFrozen(mail)).toBe(true)
})
