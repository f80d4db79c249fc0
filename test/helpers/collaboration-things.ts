/**
 * @module Test support: a "testing" plugin with one commentable entity, `testing.thing`
 * `one` at /testing/things/one, whose page carries collaboration's thread, for the tests of comments,
 * reactions and the inbox.
 */
import { Elysia } from 'elysia'
import { guard } from '../../core/http/guard.ts'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { KnownServices } from '../../core/plugins/points.ts'

export const things = definePlugin({
  id: 'testing',
  name: 'Testing things',
  version: '1.0.0',
  api: 1,
  permissions: { 'testing.thing.read': 'See things' },
  setup(ctx) {
    ctx.contribute('entity.link', { type: 'testing.thing', label: 'Thing', permission: 'testing.thing.read', resolve: async (id) => (id === 'one' ? { title: 'Thing one', href: '/testing/things/one' } : undefined) })
    return new Elysia({ name: 'plugin:testing' }).use(guard).get(
      '/testing/things/:id',
      async ({ request, auth, params }) => {
        const thread = ctx.service<KnownServices['collaboration.thread']>('collaboration.thread')
        const safeThread = thread ? await thread.render(request, auth, { type: 'testing.thing', id: params.id }) : ''
        return ctx.page(request, auth, { title: 'Thing one', body: `<h1>Thing one</h1>${safeThread}` })
      },
      { permission: 'testing.thing.read' },
    )
  },
})
