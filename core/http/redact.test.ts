/**
 * Capability URLs in the log: the invitation link's token and the calendar feed's token (and any
 * public route's parameters, or a parameter named like a secret) are logged as `***`, in the
 * request line and in error lines; other paths are logged as they are.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import calendar from '../../plugins/calendar/index.ts'
import { logged } from '../../test/helpers/log.ts'
import { PathRedactor, redactWith, secretPatterns } from './redact.ts'
import { createFetch } from './server.ts'
import { requestMeta } from './request-meta.ts'
import { guard } from './guard.ts'
import { definePlugin } from '../plugins/contract.ts'
import { Elysia } from 'elysia'

/** A plugin with a tokenized public route that answers the path its request may be logged as. */
const sharer = definePlugin({
  id: 'fixture-sharer',
  name: 'Sharer',
  version: '1.0.0',
  api: 1,
  setup() {
    return new Elysia({ name: 'plugin:fixture-sharer' })
      .use(guard)
      .get('/fixture-sharer/links/:link', ({ request }) => requestMeta(request).logPath?.() ?? 'none', { public: true })
  },
})

test('secret segments: every parameter of a public route, and parameters named like a secret on any route', () => {
  const patterns = secretPatterns([
    { path: '/invite/:token', permission: false },
    { path: '/calendar/feed/:file', permission: false },
    { path: '/planning/tasks/:ref', permission: 'planning.task.read' },
    { path: '/things/:id/share/:token', permission: 'things.thing.read' },
    { path: '/healthz', permission: false },
    { path: '/dashboard/widgets/:key', permission: 'dashboard.widget.read' },
  ])
  const redact = (path: string) => redactWith(patterns, path)
  expect(redact('/invite/AbC-123_xyz')).toBe('/invite/***')
  expect(redact('/invite/AbC-123_xyz/more')).toBe('/invite/***/more')
  expect(redact('/invite/AbC-123_xyz/')).toBe('/invite/***/')
  expect(redact('/calendar/feed/0123456789abcdef.ics')).toBe('/calendar/feed/***')
  expect(redact('/things/42/share/s3cr3t')).toBe('/things/42/share/***')
  expect(redact('/planning/tasks/WEB-1')).toBe('/planning/tasks/WEB-1')
  expect(redact('/dashboard/widgets/planning.mine')).toBe('/dashboard/widgets/planning.mine')
  expect(redact('/invite')).toBe('/invite')
  expect(redact('/calendar')).toBe('/calendar')
  expect(redact('/healthz')).toBe('/healthz')
  expect(redact('/')).toBe('/')
})

test('the redactor learns routes again when plugins change, and keeps what it knew', () => {
  let routes = [{ path: '/feeds/:token', permission: false as const }]
  let generation = 1
  const r = new PathRedactor(() => routes, () => generation)
  expect(r.redact('/feeds/abc')).toBe('/feeds/***')
  routes = [{ path: '/other/:file', permission: false as const }]
  expect(r.redact('/other/abc')).toBe('/other/abc') // not relearned until the generation moves
  generation++
  expect(r.redact('/other/abc')).toBe('/other/***')
  expect(r.redact('/feeds/abc')).toBe('/feeds/***') // a plugin turned off: its URLs still carry tokens
})

eachDialect('log redaction', (dialect) => {
  let p: TestPlatform
  let inviteToken: string
  let feedFile: string
  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar, sharer])
    const ada = await p.adminClient()
    await ada.get('/orgs/members')
    const role = (await p.deps.identity.orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!
    const page = await (await ada.post('/orgs/invitations', { role: role.id, email: '' })).text()
    inviteToken = new URL(/id="invite-link" class="secret">([^<]+)</.exec(page)![1]!.trim()).pathname.split('/').pop()!
    await ada.get('/calendar/calendars')
    const feedPage = await (await ada.post('/calendar/feed-token', {})).text()
    feedFile = /\/calendar\/feed\/([\w-]+\.ics)/.exec(feedPage)![1]!
  })
  afterAll(() => p.stop())

  test("a plugin's public route with a parameter is masked too, and the request tells code that logs it how (requestMeta logPath)", async () => {
    const { result, lines } = await logged(async () => (await fetch(`${p.url}/fixture-sharer/links/s3cr3t-link-value`)).text())
    expect(result).toBe('/fixture-sharer/links/***')
    expect(lines.some((l) => l.includes('GET /fixture-sharer/links/*** 200'))).toBe(true)
    expect(lines.join('\n')).not.toContain('s3cr3t-link-value')
  })

  test('invitation and feed tokens never reach the log: request lines and error lines show ***', async () => {
    const findInvitation = p.deps.identity.orgs.findInvitation
    const { result, lines } = await logged(async () => {
      const statuses: number[] = []
      const get = async (path: string, headers: Record<string, string> = {}) => {
        const res = await fetch(p.url + path, { headers })
        await res.arrayBuffer()
        statuses.push(res.status)
      }
      await get(`/invite/${inviteToken}`)
      await get(`/calendar/feed/${feedFile}`)
      await get(`/invite/${inviteToken}/extra`)
      // a core handler that throws on the invitation page: the error line carries the path too
      p.deps.identity.orgs.findInvitation = async () => {
        throw new Error('the store is gone')
      }
      try {
        await get(`/invite/${inviteToken}`, { 'x-request-id': 'invite-boom-1' })
      } finally {
        p.deps.identity.orgs.findInvitation = findInvitation
      }
      // a disabled plugin's feed URL still carries a token
      await p.host.disable('calendar')
      await get(`/calendar/feed/${feedFile}`)
      await p.host.enable('calendar')
      await get('/healthz')
      return statuses
    })
    expect(result).toEqual([200, 200, 404, 500, 404, 200])
    const secrets = [inviteToken, feedFile.replace(/\.ics$/, '')]
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret)
    const has = (text: string) => lines.some((l) => l.includes(text))
    expect(has('GET /invite/*** 200')).toBe(true)
    expect(has('GET /calendar/feed/*** 200')).toBe(true)
    expect(has('GET /invite/***/extra 404')).toBe(true)
    expect(has('unhandled error rid="invite-boom-1" method="GET" path="/invite/***"')).toBe(true)
    expect(has('GET /invite/*** 500')).toBe(true)
    expect(has('GET /calendar/feed/*** 404')).toBe(true)
    expect(has('GET /healthz 200')).toBe(true)
  })

  test('a plugin that is off and was never on in this process (its routes never learned): every segment after its id is masked', async () => {
    await p.host.disable('calendar')
    try {
      // a front door started now has never seen calendar's routes
      const front = createFetch(p.deps)
      const server = { requestIP: () => ({ address: '127.0.0.1' }) } as never
      const { result, lines } = await logged(async () => {
        const statuses: number[] = []
        for (const path of [`/calendar/feed/${feedFile}`, `/api/v1/calendar/feed/${feedFile}`, '/calendar']) {
          const res = await front.fetch(new Request(`http://127.0.0.1${path}`), server)
          statuses.push(res.status)
        }
        return statuses
      })
      expect(result).toEqual([404, 404, 404])
      expect(lines.join('\n')).not.toContain(feedFile.replace(/\.ics$/, ''))
      expect(lines.some((l) => l.includes('GET /calendar/***/*** 404'))).toBe(true)
      expect(lines.some((l) => l.includes('GET /api/v1/calendar/***/*** 404'))).toBe(true)
      expect(lines.some((l) => l.includes('GET /calendar 404'))).toBe(true)
    } finally {
      await p.host.enable('calendar')
    }
  })
})
