/** @module Core's own pages, mounted on core's Elysia app. */
import { Elysia } from 'elysia'
import type { ServerDeps } from '../http/server.ts'
import { accountPages } from './account.tsx'
import { adminPages } from './admin.tsx'
import { forgotPasswordPages } from './forgot-password.tsx'
import { homePages } from './home.tsx'
import { orgPages } from './orgs.tsx'
import { resetPasswordPages } from './reset-password.tsx'
import { signInPages } from './sign-in.tsx'

/** Every page core serves itself. */
export function corePages(deps: ServerDeps) {
  return new Elysia({ name: 'core:pages' })
    .use(signInPages(deps))
    .use(resetPasswordPages(deps))
    .use(forgotPasswordPages(deps))
    .use(homePages(deps))
    .use(accountPages(deps))
    .use(orgPages(deps))
    .use(adminPages(deps))
}
