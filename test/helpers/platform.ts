/** @module Starts a real platform (store, plugins, HTTP on loopback) for a test, set up with an admin and an org. */
import { loadConfig, type Config } from '../../core/config.ts'
import { setLogLevel } from '../../core/log.ts'
import type { PluginManifest } from '../../core/plugins/contract.ts'
import { openPlatform, servePlatform, type Platform } from '../../core/platform.ts'
import type { Dialect } from '../../core/store/facade.ts'
import type { User } from '../../core/auth/accounts.ts'
import type { Org } from '../../core/auth/orgs.ts'
import { testStore, type TestStore } from './store.ts'
import { Client } from './client.ts'
import { resetLimits } from '../../core/auth/rate-limit.ts'

setLogLevel((process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent')

export const ADMIN = { email: 'admin@example.com', name: 'Ada Admin', password: 'correct horse battery staple' }

/** A running platform on a free port. */
export interface TestPlatform extends Platform {
  url: string
  test: TestStore
  /** Authorization header value of the service token (acts as an instance admin). */
  serviceAuth: string
  /** The instance admin and the organization created at start (unless `setup: false`). */
  admin?: User
  org?: Org
  /** A new cookie-keeping client. */
  client(): Client
  /** A client signed in as the admin. */
  adminClient(): Promise<Client>
  /** Creates a user and adds them to `org` with a built-in role; returns a signed-in client. */
  member(role: 'owner' | 'admin' | 'member' | 'guest', org?: Org, email?: string): Promise<{ user: User; client: Client }>
  stop(): Promise<void>
}

/** A Config for tests: free port, loopback, the test store's data dir. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '5000', ...env })
}

let counter = 0

/** Opens a fresh store on `dialect`, registers `plugins`, boots, sets up an admin and listens. */
export async function startPlatform(
  dialect: Dialect,
  plugins: PluginManifest<any>[],
  env: Record<string, string> = {},
  options: { setup?: boolean } = {},
): Promise<TestPlatform> {
  resetLimits()
  const test = await testStore(dialect)
  const config = testConfig(test.dataDir, env)
  const platform = await openPlatform(config, plugins, { store: test.store })
  const { accounts, orgs } = platform.deps.identity
  let admin: User | undefined
  let org: Org | undefined
  if (options.setup !== false) {
    await platform.host.boot()
    admin = await accounts.createUser({ ...ADMIN, isAdmin: true })
    org = await orgs.createOrg({ name: 'Acme' }, admin.id)
  }
  const running = await servePlatform(platform)
  const client = () => new Client(running.url)
  const self: TestPlatform = {
    ...platform,
    url: running.url,
    test,
    admin,
    org,
    serviceAuth: `Bearer ${platform.runtimeToken}`,
    client,
    async adminClient() {
      const c = client()
      const res = await c.signIn(ADMIN.email, ADMIN.password)
      if (res.status !== 303) throw new Error(`admin sign-in failed: ${res.status}`)
      return c
    },
    async member(role, inOrg = org!, email = `${role}-${++counter}@example.com`) {
      const user = await accounts.createUser({ email, name: `${role} ${counter}`, password: 'member password 1' })
      const roles = await orgs.listRoles(inOrg.id)
      await orgs.addMember(inOrg.id, user.id, roles.find((r) => r.builtin === role)!.id)
      const c = client()
      await c.signIn(email, 'member password 1')
      return { user, client: c }
    },
    async stop() {
      await running.stop() // closes the store too
      await test.cleanup().catch(() => {})
    },
  }
  return self
}
