/** @module Helpers for tests of the collaboration activity feed: JSON calls, custom-role users, waiting for rows. */
import type { User } from '../../core/auth/accounts.ts'
import type { Org } from '../../core/auth/orgs.ts'
import type { Client } from './client.ts'
import type { TestPlatform } from './platform.ts'

/** Sends `body` (if any) as JSON with the client's CSRF token. */
export function sendJson(client: Client, path: string, method: string, body?: unknown): Promise<Response> {
  return client.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': client.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
}

/** A signed-in user of `org` holding only `permissions` (a custom role named `Custom n`). */
export async function userWithRole(p: TestPlatform, org: Org, permissions: string[], n: number, email: string): Promise<{ user: User; client: Client }> {
  const { orgs, accounts } = p.deps.identity
  const role = await orgs.createRole(org.id, `Custom ${n}`, permissions)
  const user = await accounts.createUser({ email, name: `Custom ${n}`, password: 'custom password 1' })
  await orgs.addMember(org.id, user.id, role.id)
  const client = p.client()
  await client.signIn(email, 'custom password 1')
  return { user, client }
}

/** Waits until the org has `count` activity rows (a detached bus handler writes them). */
export async function activityRowsLanded(p: TestPlatform, orgId: string, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await p.store.query<{ n: number }>('select count(*) as n from collaboration_activity where org_id = ?', [orgId])
    if (Number(row!.n) >= count) return
    await Bun.sleep(20)
  }
  throw new Error(`activity rows did not land in ${orgId}`)
}

/**
 * The helpers an activity suite uses, bound to the platform and admin its beforeAll sets: the
 * admin's JSON calls, `withRole` (a user holding only some permissions; `next` numbers the role
 * and the email `<emailPrefix>-<n>@example.com`) and `rowsLanded`.
 */
export function activityHelpers(current: () => { p: TestPlatform; admin: Client }, emailPrefix: string, next: () => number) {
  return {
    json: (path: string, method: string, body?: unknown) => sendJson(current().admin, path, method, body),
    withRole: (org: Org, permissions: string[]): Promise<{ user: User; client: Client }> => {
      const k = next()
      return userWithRole(current().p, org, permissions, k, `${emailPrefix}-${k}@example.com`)
    },
    rowsLanded: (orgId: string, count: number) => activityRowsLanded(current().p, orgId, count),
  }
}
