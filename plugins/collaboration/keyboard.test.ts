/**
 * The inbox and the activity feed are lists the shell's j/k navigation walks (public/app.js): the list
 * carries `data-rows`, each row that links somewhere `data-row` (a row with nothing to focus would stop
 * j there). The activity under a thread is not such a list.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { User } from '../../core/auth/accounts.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import collaboration from './index.ts'

/** Activity rows show to those who may see their entity: 'testing.row' things resolve for anyone in the org. */
const rowsPlugin = definePlugin({
  id: 'testing',
  name: 'Testing rows',
  version: '1.0.0',
  api: 1,
  permissions: { 'testing.row.read': 'See rows' },
  setup(ctx) {
    ctx.contribute('entity.link', { type: 'testing.row', label: 'Row', permission: 'testing.row.read', resolve: async (id) => ({ title: id, href: '/collaboration/inbox' }) })
    return new Elysia({ name: 'plugin:testing' })
  },
})

eachDialect('collaboration list rows', (dialect) => {
  let p: TestPlatform
  let ana: { user: User; client: Client }

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, rowsPlugin])
    ana = await p.member('member', p.org, `ana-rows-${dialect}@example.com`)
  })
  afterAll(async () => {
    await p?.stop()
  })

  test('inbox rows and activity rows are marked for j/k', async () => {
    const notify = p.host.service<{ notify(input: { orgId: string; userIds: string[]; title: string; href?: string }): Promise<void> }>('collaboration.notify')!
    await notify.notify({ orgId: p.org!.id, userIds: [ana.user.id], title: 'First', href: '/collaboration/activity' })
    await notify.notify({ orgId: p.org!.id, userIds: [ana.user.id], title: 'Second', href: '/collaboration/activity' })
    await notify.notify({ orgId: p.org!.id, userIds: [ana.user.id], title: 'Nowhere to go' })
    const inbox = (await ana.client.get('/collaboration/inbox')).html
    expect(inbox).toContain('<ul class="collab-inbox" data-rows>')
    expect(inbox.match(/<li class="unread" id="notification-[\w-]+" data-row>/g)?.length).toBe(2)
    expect(inbox.match(/<li class="unread" id="notification-[\w-]+">/g)?.length).toBe(1)

    for (const text of ['changed Row one', 'changed Row two']) {
      p.host.bus.emit('testing.thing.updated', { activity: { orgId: p.org!.id, actor: { id: ana.user.id, name: ana.user.name }, entity: { type: 'testing.row', id: text, title: text, href: '/collaboration/inbox' }, text } })
    }
    // a deletion carries no entity, so no link
    p.host.bus.emit('testing.row.deleted', { activity: { orgId: p.org!.id, actor: { id: ana.user.id, name: ana.user.name }, text: 'deleted Row three' } })
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()
    const feed = (await ana.client.get('/collaboration/activity')).html
    expect(feed).toContain('<ol class="collab-activity" data-rows>')
    expect(feed.match(/<li data-row>/g)?.length).toBe(2)
    expect(feed).toMatch(/<li><strong>[^<]+<\/strong> <span>deleted Row three<\/span>/)
  })
})
