/**
 * The access matrix: every registered route (core's and the enabled plugins') is called as
 * anonymous, guest, member, org admin, instance admin, the owner of another organization and a
 * plain member of another organization; the answer must match the permission the route declared.
 * Undeclared routes fail the test. (The ids here are placeholders; test/get-safety.test.ts walks
 * the real ids of one organization as a member of another.)
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import { fixturePlugins } from './fixtures/index.ts'
import { builtinPlugins } from '../plugins/index.ts'
import { routeTable } from '../core/http/server.ts'
import { INSTANCE_ADMIN, SIGNED_IN, rolePermissions } from '../core/auth/permissions.ts'
import type { Role } from '../core/auth/orgs.ts'
import { limits } from '../core/auth/rate-limit.ts'

type Persona = { name: string; client: Client; email?: string; password?: string; role?: Role; isAdmin: boolean }

eachDialect('access matrix', (dialect) => {
  let p: TestPlatform
  const personas: Persona[] = []

  beforeAll(async () => {
    p = await startPlatform(dialect, [...builtinPlugins, ...fixturePlugins])
    const { orgs, accounts } = p.deps.identity
    const roles = await orgs.listRoles(p.org!.id)
    const anon = p.client()
    await anon.get('/login')
    personas.push({ name: 'anonymous', client: anon, isAdmin: false })
    for (const builtin of ['guest', 'member', 'admin'] as const) {
      const { user, client } = await p.member(builtin)
      personas.push({ name: builtin, client, email: user.email, password: 'member password 1', role: roles.find((r) => r.builtin === builtin), isAdmin: false })
    }
    personas.push({ name: 'instance admin (owner)', client: await p.adminClient(), email: 'admin@example.com', password: 'correct horse battery staple', role: roles.find((r) => r.builtin === 'owner'), isAdmin: true })
    const outsider = await accounts.createUser({ email: 'outsider@example.com', name: 'Outsider', password: 'member password 1' })
    const other = await orgs.createOrg({ name: 'Other Org' }, outsider.id)
    const otherRoles = await orgs.listRoles(other.id)
    const c = p.client()
    await c.signIn('outsider@example.com', 'member password 1')
    personas.push({ name: 'owner of another org', client: c, email: 'outsider@example.com', password: 'member password 1', role: otherRoles.find((r) => r.builtin === 'owner'), isAdmin: false })
    const { user: otherMember, client: m } = await p.member('member', other, 'other-member@example.com')
    personas.push({ name: 'member of another org', client: m, email: otherMember.email, password: 'member password 1', role: otherRoles.find((r) => r.builtin === 'member'), isAdmin: false })
  })
  afterAll(() => p.stop())

  test('every route declares a permission, and every persona gets exactly what it may', async () => {
    const routes = routeTable(p.deps).filter((r) => !['/setup', '/logout', '/login', '/login/2fa'].includes(r.path) || r.method === 'GET')
    expect(routes.length).toBeGreaterThan(40)
    const undeclared = routes.filter((r) => r.permission === undefined).map((r) => `${r.method} ${r.path}`)
    expect(undeclared).toEqual([])
    const catalog = p.deps.identity.resolver.catalog()
    const failures: string[] = []
    for (const route of routes) {
      const path = route.path.replace(/:\w+/g, '00000000-0000-7000-8000-000000000000').replace(/\*/g, 'x')
      for (const persona of personas) {
        const held = persona.role ? rolePermissions(catalog, persona.role) : new Set<string>()
        const allowed =
          route.permission === false ||
          (persona.name !== 'anonymous' &&
            (route.permission === SIGNED_IN || (route.permission === INSTANCE_ADMIN ? persona.isAdmin : held.has(route.permission as string))))
        const res = await persona.client.request(path, {
          method: route.method,
          headers: { 'x-csrf-token': persona.client.csrf, ...(route.method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
          body: route.method === 'GET' || route.method === 'HEAD' ? undefined : '',
          signal: AbortSignal.timeout(15_000),
        })
        // Streams (server-sent events) never end: read nothing and let go.
        if (res.headers.get('content-type')?.includes('text/event-stream')) await res.body?.cancel()
        else await res.arrayBuffer()
        const label = `${route.method} ${route.path} as ${persona.name}: ${res.status}`
        if (res.status >= 500) failures.push(`${label} (server error)`)
        else if (allowed && (res.status === 401 || res.status === 403)) failures.push(`${label} (should be allowed: ${route.permission})`)
        else if (!allowed) {
          const denied = persona.name === 'anonymous' ? res.status === 401 || (res.status === 303 && res.headers.get('location')?.startsWith('/login')) : res.status === 403
          if (!denied) failures.push(`${label} (should be denied: ${route.permission})`)
        }
        if (res.status === 429) limits.inviteAccept.reset('127.0.0.1')
      }
    }
    expect(failures).toEqual([])
  }, 300_000)
})
