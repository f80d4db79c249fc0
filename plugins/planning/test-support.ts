/** @module Shared setup for the planning plugin's tests: the platform, events, an outsider, JSON requests. */
import { expect } from 'bun:test'
import type { Dialect } from '../../core/store/facade.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import planning from './index.ts'

/** An event the bus carried, as the tests record it. */
export interface CapturedEvent {
  name: string
  payload: any
}

/** A JSON request (with the CSRF token) from `c`. */
export const json = (c: Client, method: string, path: string, body?: unknown) =>
  c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })

/** Starts a platform with the planning plugin; every event on the bus is pushed onto `events`. */
export async function startPlanning(dialect: Dialect, events: CapturedEvent[]): Promise<TestPlatform> {
  const p = await startPlatform(dialect, [planning])
  p.host.bus.onAny('test', (name, payload) => {
    events.push({ name, payload })
  })
  return p
}

/** A signed-in client of a user who has an org of their own ("Other") and no part in the admin's. */
export async function signInOutsider(p: TestPlatform): Promise<Client> {
  const { accounts, orgs } = p.deps.identity
  const o = await accounts.createUser({ email: 'outsider@example.com', name: 'Outsider', password: 'member password 1' })
  await orgs.createOrg({ name: 'Other' }, o.id)
  const outsider = p.client()
  await outsider.signIn('outsider@example.com', 'member password 1')
  return outsider
}

/** Creates a project through the API and expects 201. */
export async function createProject(c: Client, key: string, name: string): Promise<void> {
  expect((await json(c, 'POST', '/api/v1/planning/projects', { key, name })).status).toBe(201)
}
