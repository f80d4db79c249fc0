/** @module Placeholder: the orgs pages land here. */
import { Elysia } from 'elysia'
import { guard } from '../http/guard.ts'
import type { ServerDeps } from '../http/server.ts'

/** The orgs pages. */
export function orgPages(_deps: ServerDeps) {
  return new Elysia({ name: 'core:orgs' }).use(guard)
}
