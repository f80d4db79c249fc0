/** @module Placeholder: the account pages land here. */
import { Elysia } from 'elysia'
import { guard } from '../http/guard.ts'
import type { ServerDeps } from '../http/server.ts'

/** The account pages. */
export function accountPages(_deps: ServerDeps) {
  return new Elysia({ name: 'core:account' }).use(guard)
}
