/**
 * @module Outgoing email over SMTP (SMTP_URL). nodemailer is imported on the first send, so a
 * server that never sends mail never loads it (start-up time and idle memory stay as they were).
 * A failed send is logged without the SMTP password and returned as `false`: callers tell the user
 * in words and show the link instead; a send never throws.
 */
import type { Config, MailConfig } from './config.ts'
import { redactUrl } from './config.ts'
import { createLogger, type Logger } from './log.ts'

/** One message. `text` is required (every client shows it); `html` is optional and must be escaped by the caller. */
export interface MailMessage {
  to: string
  subject: string
  text: string
  html?: string
}

/** How long one send may take (connect, greeting, the whole exchange). */
const SEND_TIMEOUT_MS = 15_000

/** What a failure says to the user (the details are in the log). */
export const MAIL_FAILED = 'The email could not be sent; copy the link instead.'

type Transport = { sendMail(message: Record<string, unknown>): Promise<unknown> }

/** Sends email through one SMTP server; a connection is opened per message (email is rare here, no pool to keep). */
export class Mailer {
  private transport: Promise<Transport> | undefined

  constructor(
    readonly config: MailConfig,
    private readonly log: Logger = createLogger('mail'),
  ) {}

  /** Sends `message`; true when the SMTP server accepted it, false (logged) when not. */
  async send(message: MailMessage): Promise<boolean> {
    try {
      const transport = await this.open()
      await transport.sendMail({ from: this.config.from, to: message.to, subject: oneLine(message.subject), text: message.text, html: message.html })
      return true
    } catch (err) {
      // nodemailer's errors name the host and the SMTP reply, never the password; redact anyway.
      const reason = redactUrl(String((err as Error)?.message ?? err)).split('\n')[0]
      this.log.warn('email not sent', { server: redactUrl(this.config.smtpUrl), subject: oneLine(message.subject), code: (err as { code?: string })?.code, reason })
      return false
    }
  }

  private open(): Promise<Transport> {
    this.transport ??= import('nodemailer').then((nodemailer) => {
      const url = new URL(this.config.smtpUrl)
      return nodemailer.createTransport({
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
        secure: url.protocol === 'smtps:', // smtp:// upgrades with STARTTLS when the server offers it
        auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
        connectionTimeout: SEND_TIMEOUT_MS,
        greetingTimeout: SEND_TIMEOUT_MS,
        socketTimeout: SEND_TIMEOUT_MS,
      }) as unknown as Transport
    })
    this.transport.catch(() => (this.transport = undefined)) // a failed import is tried again next time
    return this.transport
  }
}

const mailers = new WeakMap<Config, Mailer>()

/** The platform's mailer (one per Config), or undefined when mail is off (no SMTP_URL). */
export function mailerFor(config: Config): Mailer | undefined {
  if (!config.mail) return undefined
  let mailer = mailers.get(config)
  if (!mailer) mailers.set(config, (mailer = new Mailer(config.mail)))
  return mailer
}

/** The origin links in emails use: PUBLIC_URL (required with mail), else the request's own. */
export function linkOrigin(config: Config, requestOrigin: () => string): string {
  return config.publicUrl ?? requestOrigin()
}

/** A header value on one line. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim()
}

