/**
 * @module The signed-in user's own account: profile, password, sessions, two-factor sign-in and
 * personal API tokens. Every page needs a browser session (API tokens cannot manage the account).
 */
import { Elysia } from 'elysia'
import { guard } from '../http/guard.ts'
import type { ServerDeps } from '../http/server.ts'
import { accountPasswordPages } from './account-password.tsx'
import { accountProfilePages } from './account-profile.tsx'
import { accountSessionPages } from './account-sessions.tsx'
import { accountTokenPages } from './account-tokens.tsx'
import { accountTwoFactorPages } from './account-two-factor.tsx'

/** `/account/...`: the signed-in user's own settings (each tab lives in its own account-*.tsx module, mounted here in route order). */
export function accountPages(deps: ServerDeps) {
  return new Elysia({ name: 'core:account' })
    .use(guard)
    .use(accountProfilePages(deps))
    .use(accountPasswordPages(deps))
    .use(accountSessionPages(deps))
    .use(accountTwoFactorPages(deps))
    .use(accountTokenPages(deps))
}
