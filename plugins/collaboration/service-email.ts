/**
 * @module Email copies of notifications, for users who turned "Email me about these too" on. Sent in
 * the background after the notification rows exist, so a slow or unreachable SMTP server never
 * holds up (or fails) the request that caused them; `idle()` lets tests and operators wait.
 */
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

/** Sends notification emails one after another, off the request path. */
export class NotificationMailer {
  private readonly pending = new Set<Promise<void>>()

  constructor(
    private readonly mail: PluginMail | undefined,
    private readonly log: Logger | undefined,
  ) {}

  /** Whether the platform sends email at all (the preference is shown and honoured only then). */
  get enabled(): boolean {
    return !!this.mail
  }

  /**
   * Emails `notice` to each address in `to` (members' own addresses, one message each: nobody sees
   * another recipient). Returns at once; failures are logged by the mailer, never thrown.
   */
  queue(to: string[], notice: NotificationEmail): void {
    const mail = this.mail
    if (!mail || to.length === 0) return
    const sending = (async () => {
      const message = { subject: notice.title, text: emailText(mail, notice) }
      for (const address of to) await mail.send({ to: address, ...message })
    })().catch((err) => this.log?.error('notification email failed', { error: err }))
    this.pending.add(sending)
    void sending.finally(() => this.pending.delete(sending))
  }

  /** Resolves once the emails queued so far were sent (or failed). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }
}

/** The plain-text body: what happened, where to see it, how to stop these emails. */
export function emailText(mail: PluginMail, notice: NotificationEmail): string {
  const lines = notice.text ? [notice.text, ''] : []
  lines.push(`Open it: ${mail.link(notice.href ?? INBOX_PATH)}`, '', '-- ', `You get this email because email notifications are on in your notification settings. To stop them, untick "Email me about these too" at ${mail.link(PREFERENCES_PATH)}`)
  return lines.join('\n')
}
