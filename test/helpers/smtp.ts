/** @module A real SMTP server on loopback (smtp-server) that keeps what it receives, for mail tests. */
import { SMTPServer } from 'smtp-server'

/** One received message: envelope, headers and the decoded plain-text body. */
export interface ReceivedMail {
  from: string
  to: string[]
  headers: Map<string, string>
  subject: string
  text: string
  /** The user name and password the client signed in with. */
  auth?: { username: string; password: string }
}

/** A running SMTP server and what it received. */
export interface TestSmtp {
  port: number
  /** `smtp://user:pass@127.0.0.1:<port>` for SMTP_URL. */
  url: string
  received: ReceivedMail[]
  /** Waits until `count` messages arrived (fails after a few seconds). */
  waitFor(count: number): Promise<ReceivedMail[]>
  stop(): Promise<void>
}

export const SMTP_USER = 'mailer'
export const SMTP_PASSWORD = 's3cret-smtp-pass'

/** Starts the server on a free loopback port; it requires sign-in with SMTP_USER / SMTP_PASSWORD. */
export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'], // plain SMTP on loopback (no certificate to trust)
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, done) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return done(null, { user: { username: auth.username, password: auth.password } })
      return done(new Error('bad credentials'))
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const parsed = parseMessage(Buffer.concat(chunks).toString('utf8'))
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parsed,
          auth: session.user as ReceivedMail['auth'],
        })
        done()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  return {
    port,
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    received,
    async waitFor(count) {
      for (let i = 0; i < 250 && received.length < count; i++) await Bun.sleep(20)
      if (received.length < count) throw new Error(`expected ${count} emails, got ${received.length}`)
      return received
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Headers (unfolded, names lower-cased) and the body of a single-part text message, decoded. */
function parseMessage(raw: string): Omit<ReceivedMail, 'from' | 'to' | 'auth'> {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const headers = new Map<string, string>()
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  const body = raw.slice(split + 4)
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
        : body
  return { headers, subject: decodeWords(headers.get('subject') ?? ''), text: text.replace(/\r\n/g, '\n') }
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?...?=` / `?B?`) in a header. */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=\s*/gi, (_, _charset: string, kind: string, data: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  )
}
