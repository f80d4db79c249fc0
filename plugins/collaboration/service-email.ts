/**
 * @module Email copies of notifications, for users who turned "Email me about these too" on. Sent in
 * the background after the notification rows exist, so a slow or unreachable SMTP server never
 * holds up (or fails) the request that caused them; `idle()` lets tests and operators wait. Capped
 * per recipient and hour, and in how many may wait, so a loop of mentions cannot flood a mailbox.
 */
import { RateLimiter } from '../../core/auth/rate-limit.ts'
import type { Logger } from '../../core/log.ts'
import type { PluginMail } from '../../core/plugins/contract.ts'

/** Where the footer of every email sends people who want no more of them. */
export const PREFERENCES_PATH = '/collaboration/preferences'
/** Where an email links when its notification has no page of its own. */
const INBOX_PATH = '/collaboration/inbox'

/** What one notification email says (the same for every recipient). */
export interface NotificationEmail {
  title: string
  text?: string | null
  /** The notification's link (a path on this platform), or null. */
  href: string | null
}

/**
 * At most this many emails wait to be sent; a notification beyond it gets no email (one warning per
 * burst), so a loop of comments cannot grow memory or the SMTP backlog without bound.
 */
export const MAX_PENDING_EMAILS = 500
/**
 * At most this many emails per recipient in any hour; past it the notification still lands in the
 * inbox, only its email is skipped (one warning per recipient per hour), so nobody can flood
 * someone's mailbox by mentioning them over and over.
 */
export const MAX_EMAILS_PER_RECIPIENT_HOUR = 20
const HOUR_MS = 3_600_000

/** The caps of a NotificationMailer (tests set a clock). */
export interface MailerLimits {
  maxPending: number
  perRecipientPerHour: number
  now: () => number
}

/** One email waiting to be sent. */
interface PendingEmail {
  to: string
  subject: string
  text: string
}

/** Sends notification emails one after another, off the request path, within MailerLimits. */
export class NotificationMailer {
  private readonly waiting: PendingEmail[] = []
  private sending: Promise<void> | null = null
  /** Emails queued per recipient in the last hour (core's sliding-window limiter). */
  private readonly perRecipient: RateLimiter
  /** Recipient -> when a skipped email to them was last warned about (one warning an hour each). */
  private readonly warned = new Map<string, number>()
  /** Whether the queue overflowed and was warned about (until it empties again). */
  private overflowing = false
  private readonly limits: MailerLimits

  constructor(
    private readonly mail: PluginMail | undefined,
    private readonly log: Logger | undefined,
    limits: Partial<MailerLimits> = {},
  ) {
    this.limits = { maxPending: MAX_PENDING_EMAILS, perRecipientPerHour: MAX_EMAILS_PER_RECIPIENT_HOUR, now: Date.now, ...limits }
    this.perRecipient = new RateLimiter(this.limits.perRecipientPerHour, HOUR_MS)
  }

  /** Whether the platform sends email at all (the preference is shown and honoured only then). */
  get enabled(): boolean {
    return !!this.mail
  }

  /**
   * Emails `notice` to each address in `to` (members' own addresses, one message each: nobody sees
   * another recipient), skipping a recipient over the hourly cap and anything past the queue's
   * cap. Returns at once; failures are logged, never thrown.
   */
  queue(to: string[], notice: NotificationEmail): void {
    const mail = this.mail
    if (!mail || to.length === 0) return
    const message = { subject: notice.title, text: emailText(mail, notice) }
    for (const address of to) {
      if (this.waiting.length >= this.limits.maxPending) {
        this.warnOverflow()
        break
      }
      if (this.takeRecipientSlot(address)) this.waiting.push({ to: address, ...message })
    }
    this.startSending(mail)
  }

  /** Resolves once the emails queued so far were sent (or failed). */
  async idle(): Promise<void> {
    while (this.sending) await this.sending
  }

  /**
   * Sends the waiting emails in order until none is left, unless that runs already. Checks again
   * once done: an email queued between the last send and the end is not left waiting.
   */
  private startSending(mail: PluginMail): void {
    if (this.sending) return
    this.sending = (async () => {
      for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
        await mail.send(next).catch((err) => this.log?.error('notification email failed', { error: err }))
      }
    })().finally(() => {
      this.sending = null
      if (this.waiting.length > 0) this.startSending(mail)
      else this.overflowing = false
    })
  }

  /** Counts an email to `address` against its hourly cap; false (warned once an hour) when none is left. */
  private takeRecipientSlot(address: string): boolean {
    const now = this.limits.now()
    const key = address.toLowerCase()
    if (this.perRecipient.hit(key, now).ok) return true
    if (now - (this.warned.get(key) ?? -Infinity) >= HOUR_MS) {
      if (this.warned.size > 10_000) for (const [k, at] of this.warned) if (at <= now - HOUR_MS) this.warned.delete(k)
      this.warned.set(key, now)
      this.log?.warn('notification emails to a recipient skipped for now: the hourly cap is reached (the notifications still land in the inbox)', { perHour: this.limits.perRecipientPerHour })
    }
    return false
  }

  /** One warning per burst that overflows the queue (not one per dropped email). */
  private warnOverflow(): void {
    if (this.overflowing) return
    this.overflowing = true
    this.log?.warn('notification emails dropped: too many waiting to be sent (the notifications still land in the inbox)', { maxPending: this.limits.maxPending })
  }
}

/** The plain-text body: what happened, where to see it, how to stop these emails. */
export function emailText(mail: PluginMail, notice: NotificationEmail): string {
  const lines = notice.text ? [notice.text, ''] : []
  lines.push(`Open it: ${mail.link(notice.href ?? INBOX_PATH)}`, '', '-- ', `You get this email because email notifications are on in your notification settings. To stop them, untick "Email me about these too" at ${mail.link(PREFERENCES_PATH)}`)
  return lines.join('\n')
}
