/**
 * @module Test support: a "testing" plugin with commentable `testing.thing` entities at
 * /testing/things/:id, whose page carries collaboration's thread, for the tests of comments,
 * mentions, emails, reactions and the inbox. `things` has the one thing `one`; `thingsPlugin` takes
 * the test's own list (by org, say).
 */
import { Elysia } from 'elysia'
import type { Auth } from '../../core/auth/resolve.ts'
import { guard } from '../../core/http/guard.ts'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { KnownServices } from '../../core/plugins/points.ts'

/** Thing `id` as `auth` sees it: its title, or undefined where it does not exist for them (404). */
export type FindThing = (id: string, auth: Auth) => { title: string } | undefined

/** The "testing" plugin over `find`: the entity link and a page per thing with its thread. */
export function thingsPlugin(find: FindThing) {
  return definePlugin({
    id: 'testing',
    name: 'Testing things',
    version: '1.0.0',
    api: 1,
    permissions: { 'testing.thing.read': 'See things' },
    setup(ctx) {
      ctx.contribute('entity.link', {
        type: 'testing.thing',
        label: 'Thing',
        permission: 'testing.thing.read',
        resolve: async (id, auth) => {
          const thing = find(id, auth)
          return thing && { title: thing.title, href: `/testing/things/${id}` }
        },
      })
      return new Elysia({ name: 'plugin:testing' }).use(guard).get(
        '/testing/things/:id',
        async ({ request, auth, params }) => {
          const thing = find(params.id, auth)
          if (!thing) return new Response('not found', { status: 404 })
          const thread = ctx.service<KnownServices['collaboration.thread']>('collaboration.thread')
          const safeThread = thread ? await thread.render(request, auth, { type: 'testing.thing', id: params.id }) : ''
          return ctx.page(request, auth, { title: thing.title, body: `<h1>${Bun.escapeHTML(thing.title)}</h1>${safeThread}` })
        },
        { permission: 'testing.thing.read' },
      )
    },
  })
}

/** One thing, `one` ("Thing one"), seen by every holder of testing.thing.read in any org. */
export const things = thingsPlugin((id) => (id === 'one' ? { title: 'Thing one' } : undefined))
