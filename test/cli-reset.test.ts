/**
 * `coder-ide admin reset-password --email <e>` (core/main.ts run with bun, as a separate process)
 * against a store a server in this process uses: it prints a set-password link that the server's
 * /reset page takes, or with ADMIN_PASSWORD sets the password at once; sessions end, the change is
 * audited with `cli` as the actor; unknown and disabled accounts get a clear refusal. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DIALECTS } from './helpers/store.ts'
import { testConfig } from './helpers/platform.ts'
import { processStore, runCli } from './helpers/cli.ts'
import { Client } from './helpers/client.ts'
import { openPlatform, servePlatform } from '../core/platform.ts'
import { resetLimits } from '../core/auth/rate-limit.ts'
import { resetPasswordLimits } from '../core/pages/reset-password.tsx'

const PASSWORD = 'first password 1'

test('--help lists admin reset-password; without --email it says what is missing (exit 2)', async () => {
  const help = await runCli(['--help'], {})
  expect(help.code).toBe(0)
  expect(help.out).toContain('admin reset-password --email <e>')
  expect(help.out).toContain('set-password link')
  const bare = await runCli(['admin', 'reset-password'], {})
  expect(bare.code).toBe(2)
  expect(bare.err.trim()).toBe('coder-ide: admin reset-password needs --email <address>. Run coder-ide --help for the commands.')
  const unknown = await runCli(['admin', 'frobnicate'], {})
  expect(unknown.code).toBe(2)
  expect(unknown.err).toContain('admin needs create or reset-password')
})

for (const dialect of DIALECTS) {
  describe(`admin reset-password [${dialect}]`, () => {
    const store = processStore(dialect, 'cli-reset')
    const { dataDir, env } = store

    beforeAll(async () => {
      resetLimits()
      resetPasswordLimits()
      await store.create()
    }, 30_000)
    afterAll(() => store.drop(), 30_000)

    test(
      'prints a link the server takes (sessions end, single use); ADMIN_PASSWORD sets it directly; audited; unknown and disabled refused',
      async () => {
        const platform = await openPlatform(testConfig(dataDir, env), [])
        const { accounts } = platform.deps.identity
        await platform.host.boot()
        const user = await accounts.createUser({ email: 'lost@example.com', name: 'Lost', password: PASSWORD })
        const running = await servePlatform(platform)
        try {
          const session = new Client(running.url)
          expect((await session.signIn('lost@example.com', PASSWORD)).status).toBe(303)

          const made = await runCli(['admin', 'reset-password', '--email', ' Lost@Example.com '], env)
          expect(made.err).toBe('')
          expect(made.code).toBe(0)
          expect(made.out).toContain('set-password link for lost@example.com (works once, until ')
          const m = /^\/reset\/([\w-]+)$/m.exec(made.out)
          expect(m).not.toBeNull()
          const token = m![1]!

          const visitor = new Client(running.url)
          const form = await visitor.get(`/reset/${token}`)
          expect(form.res.status).toBe(200)
          expect(form.html).toContain('lost@example.com')
          const set = await visitor.post(`/reset/${token}`, { password: 'second password 2', confirm: 'second password 2' })
          expect(set.status).toBe(303)
          expect(set.headers.get('location')).toBe('/login')
          expect((await visitor.get(`/reset/${token}`)).res.status).toBe(404) // used
          expect((await session.request('/account')).status).toBe(303) // the old session ended
          expect((await new Client(running.url).signIn('lost@example.com', 'second password 2')).status).toBe(303)

          // directly, with ADMIN_PASSWORD; a link printed before stops working
          const pending = /^\/reset\/([\w-]+)$/m.exec((await runCli(['admin', 'reset-password', '--email', 'lost@example.com'], env)).out)![1]!
          const direct = await runCli(['admin', 'reset-password', '--email', 'lost@example.com'], { ...env, ADMIN_PASSWORD: 'third password 3' })
          expect(direct.err).toBe('')
          expect(direct.code).toBe(0)
          expect(direct.out).toContain('password of lost@example.com set; every session of the account has ended')
          expect(direct.out).not.toContain('/reset/')
          expect((await new Client(running.url).signIn('lost@example.com', 'second password 2')).status).toBe(401)
          expect((await new Client(running.url).signIn('lost@example.com', 'third password 3')).status).toBe(303)
          expect((await new Client(running.url).get(`/reset/${pending}`)).res.status).toBe(404)
          const short = await runCli(['admin', 'reset-password', '--email', 'lost@example.com'], { ...env, ADMIN_PASSWORD: 'short' })
          expect(short.code).toBe(1)
          expect(short.err.trim()).toBe('coder-ide: password: use at least 8 characters')

          const entries = (await accounts.listAudit({ action: 'user.password_reset', limit: 20 })).filter((a) => a.target === 'lost@example.com')
          expect(entries.map((a) => a.action).sort()).toEqual(['user.password_reset', 'user.password_reset', 'user.password_reset', 'user.password_reset_used'])
          for (const a of entries.filter((e) => e.action === 'user.password_reset')) {
            expect(a).toMatchObject({ actorId: null, actorEmail: 'cli', ip: 'local', orgId: null })
            expect((a.details as { via?: string }).via).toBe('cli')
            expect(JSON.stringify(a.details)).not.toContain(token)
          }
          expect(entries.map((a) => (a.details as { method?: string }).method).filter(Boolean).sort()).toEqual(['link', 'link', 'password'])

          const nobody = await runCli(['admin', 'reset-password', '--email', 'nobody@example.com'], env)
          expect(nobody.code).toBe(1)
          expect(nobody.err.trim()).toBe('coder-ide: no account has the email nobody@example.com')

          await accounts.setDisabled(user.id, true)
          const disabled = await runCli(['admin', 'reset-password', '--email', 'lost@example.com'], env)
          expect(disabled.code).toBe(1)
          expect(disabled.err.trim()).toBe('coder-ide: Lost is disabled: enable the account first, then create a link')
          expect(disabled.out).not.toContain('/reset/')
        } finally {
          await running.stop()
        }
      },
      120_000,
    )
  })
}
