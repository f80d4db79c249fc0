/** @module Placeholder: the admin pages land here. */
import { Elysia } from 'elysia'
import { guard } from '../http/guard.ts'
import type { ServerDeps } from '../http/server.ts'

/** The admin pages. */
export function adminPages(_deps: ServerDeps) {
  return new Elysia({ name: 'core:admin' }).use(guard)
}
