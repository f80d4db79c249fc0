import { describe, expect, test } from 'bun:test'
import { ConfigError, loadConfig, redactUrl } from './config.ts'
import { thrown } from '../test/helpers/thrown.ts'

describe('loadConfig', () => {
  test('defaults: port 3000, SQLite under ./data', () => {
    const c = loadConfig({})
    expect(c.port).toBe(3000)
    expect(c.host).toBe('0.0.0.0')
    expect(c.databaseUrl).toBe(`sqlite:${process.cwd()}/data/coder-ide.db`)
    expect(c.pluginsDir).toBe(`${process.cwd()}/data/plugins`)
    expect(c.logLevel).toBe('info')
    expect(c.databasePoolSize).toBe(10)
    expect(c.databaseWaitMs).toBe(30_000)
    const set = loadConfig({ DATABASE_POOL_SIZE: '25' }, ['--database-wait-s', '0'])
    expect([set.databasePoolSize, set.databaseWaitMs]).toEqual([25, 0])
  })

  test('flags win over environment variables', () => {
    const c = loadConfig({ PORT: '4000', LOG_LEVEL: 'debug' }, ['--port', '5000', '--log-level=warn'])
    expect(c.port).toBe(5000)
    expect(c.logLevel).toBe('warn')
  })

  test('TRUST_PROXY: off by default; on is one proxy; a number of proxies; the flag wins', () => {
    expect(loadConfig({}).trustProxy).toBe(0)
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(0)
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0)
    expect(loadConfig({ TRUST_PROXY: 'On' }).trustProxy).toBe(1)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ TRUST_PROXY: 'on' }, ['--trust-proxy', 'off']).trustProxy).toBe(0)
  })

  test('DATABASE_URL accepts postgres:// and sqlite:<file>', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/x' }).databaseUrl).toBe('postgres://u:p@db:5432/x')
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).databaseUrl).toBe('sqlite:/tmp/x.db')
    expect(loadConfig({ DATABASE_URL: 'postgresql://db.internal/x?sslmode=require' }).databaseUrl).toBe('postgresql://db.internal/x?sslmode=require')
    for (const host of ['127.0.0.1', '0.0.0.0', 'localhost', 'db-1.example.com', '::', '::1', 'fe80::1%eth0']) expect(loadConfig({ HOST: host }).host).toBe(host)
    expect(loadConfig({ HOST: '[::1]' }).host).toBe('::1')
  })

  const bad: [Record<string, string>, string[], RegExp][] = [
    [{ PORT: 'abc' }, [], /^PORT=abc is not a port: use a whole number from 0 to 65535$/],
    [{ PORT: '70000' }, [], /PORT=70000 is not a port/],
    [{}, ['--port', 'x'], /^--port=x is not a port/],
    [{ LOG_LEVEL: 'loud' }, [], /LOG_LEVEL=loud is not a log level: use one of debug, info, warn, error, silent/],
    [{ DATABASE_URL: 'mysql://x' }, [], /DATABASE_URL is not a database URL: use postgres:\/\//],
    [{ DATABASE_URL: 'postgres://u:p@localhost:notaport/db' }, [], /^DATABASE_URL is not a database URL: use postgres:\/\/user:pass@host:5432\/db$/],
    [{ DATABASE_URL: 'postgres://u:p@localhost:5432' }, [], /^DATABASE_URL names no database: use postgres:\/\//],
    [{ DATABASE_URL: 'postgres:///db' }, [], /^DATABASE_URL names no host/],
    [{ HOST: 'localhost:3000' }, [], /^HOST=localhost:3000 is not an address/],
    [{ HOST: 'http://example.com' }, [], /^HOST=http:\/\/example.com is not an address/],
    [{ ADMIN_TOKEN: 'short' }, [], /ADMIN_TOKEN is too short/],
    [{ SHUTDOWN_TIMEOUT_MS: '-1' }, [], /SHUTDOWN_TIMEOUT_MS=-1 is not a duration/],
    [{ DATABASE_POOL_SIZE: '0' }, [], /^DATABASE_POOL_SIZE=0 is not a pool size: use a whole number from 1 to 100$/],
    [{ DATABASE_POOL_SIZE: 'many' }, [], /^DATABASE_POOL_SIZE=many is not a pool size/],
    [{}, ['--database-wait-s=forever'], /^--database-wait-s=forever is not a wait: use seconds from 0 to 600$/],
    [{}, ['--nope', '1'], /unknown flag --nope/],
    [{}, ['--port'], /--port needs a value/],
    [{ TRUST_PROXY: 'maybe' }, [], /^TRUST_PROXY=maybe is not a proxy setting: use off, on, or the number of reverse proxies in front \(0 to 10\)$/],
    [{}, ['--trust-proxy=11'], /^--trust-proxy=11 is not a proxy setting/],
    [{ TRUST_PROXY: '-1' }, [], /^TRUST_PROXY=-1 is not a proxy setting/],
    [{ SMTP_URL: 'http://u:hunter2@mail:25', MAIL_FROM: 'a@example.com', PUBLIC_URL: 'https://ide.example.com' }, [], /^SMTP_URL is not an SMTP URL: use smtp:\/\/user:pass@host:587 or smtps:\/\/user:pass@host:465$/],
    [{ SMTP_URL: 'smtp://u:hunter2@mail:99999', MAIL_FROM: 'a@example.com', PUBLIC_URL: 'https://ide.example.com' }, [], /^SMTP_URL (is not an SMTP URL|has port 99999)/],
    [{ SMTP_URL: 'smtp://:hunter2@mail:25', MAIL_FROM: 'a@example.com', PUBLIC_URL: 'https://ide.example.com' }, [], /^SMTP_URL has a password but no user name/],
    [{ SMTP_URL: 'smtp://u:hunter2@mail:587', PUBLIC_URL: 'https://ide.example.com' }, [], /^MAIL_FROM is needed with SMTP_URL: the sender, as in "Coder IDE <noreply@example.com>"$/],
    [{ SMTP_URL: 'smtp://u:hunter2@mail:587', MAIL_FROM: 'Coder IDE <noreply>', PUBLIC_URL: 'https://ide.example.com' }, [], /^MAIL_FROM=Coder IDE <noreply> is not a sender/],
    [{ SMTP_URL: 'smtp://u:hunter2@mail:587', MAIL_FROM: 'a@example.com' }, [], /^PUBLIC_URL is needed with SMTP_URL: set the address users reach, as in https:\/\/ide.example.com/],
    [{ SMTP_URL: 'smtp://u:hunter2@mail:587', MAIL_FROM: 'a@example.com', PUBLIC_URL: 'ide.example.com' }, [], /^PUBLIC_URL=ide.example.com is not a public address/],
    [{ PUBLIC_URL: 'https://ide.example.com/app' }, [], /^PUBLIC_URL=https:\/\/ide.example.com\/app has a path/],
    [{ PUBLIC_URL: 'ftp://ide.example.com' }, [], /^PUBLIC_URL=ftp:\/\/ide.example.com is not a public address/],
    [{ MAIL_FROM: 'a@example.com' }, [], /^MAIL_FROM is set but SMTP_URL is not: set both to send email, or neither$/],
    [{}, ['--smtp-url=smtps://u:hunter2@mail', '--mail-from=a@example.com'], /^PUBLIC_URL is needed with --smtp-url/],
  ]
  for (const [env, args, message] of bad) {
    test(`refuses ${JSON.stringify(env)} ${args.join(' ')} with one line`, async () => {
      const error = await thrown(ConfigError, () => loadConfig(env, args))
      expect(error.message).toMatch(message)
      expect(error.message).not.toContain('\n')
      expect(error.message).not.toContain('hunter2') // the SMTP password
    })
  }

  test('mail: off without SMTP_URL; SMTP_URL, MAIL_FROM and PUBLIC_URL together turn it on', () => {
    expect(loadConfig({}).mail).toBeUndefined()
    expect(loadConfig({}).publicUrl).toBeUndefined()
    expect(loadConfig({ PUBLIC_URL: 'https://ide.example.com/' }).publicUrl).toBe('https://ide.example.com')
    const c = loadConfig({ SMTP_URL: 'smtp://u:p%40ss@mail.example.com:587', MAIL_FROM: 'Coder IDE <noreply@example.com>', PUBLIC_URL: 'http://ide.example.com:8080' })
    expect(c.mail).toEqual({ smtpUrl: 'smtp://u:p%40ss@mail.example.com:587', from: 'Coder IDE <noreply@example.com>' })
    expect(c.publicUrl).toBe('http://ide.example.com:8080')
    expect(loadConfig({ SMTP_URL: 'smtps://mail.example.com', MAIL_FROM: 'noreply@example.com', PUBLIC_URL: 'https://ide.example.com' }).mail?.smtpUrl).toBe('smtps://mail.example.com')
    expect(redactUrl('smtp://u:hunter2@mail.example.com:587')).toBe('smtp://u:***@mail.example.com:587')
  })

  test('the database password never reaches a log line', () => {
    expect(redactUrl('postgres://admin:s3cret@db:5432/x')).toBe('postgres://admin:***@db:5432/x')
  })
})
