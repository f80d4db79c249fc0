/**
 * Who may read notifications: the API needs collaboration.notification.read (a token scoped to other
 * things gets a 403 naming it), and the inbox, the API and the unread count show a notification only
 * while its user may still see its entity. Also: thread URLs with odd escapes answer 404, not 500.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import type { User } from '../../core/auth/accounts.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import collaboration from './index.ts'

/** Docs of the fixture plugin, by id: members and up (and roles holding the permission) see them. */
const docs = new Map<string, { orgId: string; title: string }>()

const fixture = definePlugin({
  id: 'fixture-docs',
  name: 'Fixture docs',
  version: '1.0.0',
  api: 1,
  permissions: { 'fixture-docs.doc.read': { description: 'Read docs', grant: 'member' } },
  setup(ctx) {
    ctx.contribute('entity.link', {
      type: 'fixture-docs.doc',
      label: 'Doc',
      permission: 'fixture-docs.doc.read',
      async resolve(id, auth) {
        const d = docs.get(id)
        return d && d.orgId === auth.org?.id ? { title: d.title, href: `/fixture-docs/docs/${id}` } : undefined
      },
    })
  },
})

const NOTIFICATION_READ = 'collaboration.notification.read'
const unreadOf = (html: string) => Number(/data-unread="(\d+)"/.exec(html)?.[1] ?? NaN)
type Listing = { items: { title: string; text: string | null }[]; unread: number }

eachDialect('collaboration notification access', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let n = 0

  /** An API token of the admin holding `permissions`; its secret. */
  const token = async (permissions: string[]): Promise<string> => {
    const made = await admin.post('/account/tokens', { name: `token ${++n}`, permissions, expires: '30', current: ADMIN.password })
    const html = await made.text()
    expect(made.status).toBe(200)
    const secret = /class="secret"[^>]*>\s*([A-Za-z0-9_.-]{20,})\s*</.exec(html)?.[1]
    expect(secret).toBeDefined()
    return secret!
  }
  const bearer = (secret: string, path: string) => fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${secret}` } })

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, fixture])
    admin = await p.adminClient()
    await admin.get('/account/tokens')
  })
  afterAll(() => p.stop())

  test('the notifications API needs collaboration.notification.read: the token form offers it, a token without it gets a 403 naming it', async () => {
    const form = await admin.get('/account/tokens')
    expect(form.html).toContain(`value="${NOTIFICATION_READ}"`)
    const other = await token(['core.members.read'])
    const denied = await bearer(other, '/api/v1/collaboration/notifications')
    expect(denied.status).toBe(403)
    expect(await denied.text()).toContain(NOTIFICATION_READ)
    const allowed = await bearer(await token([NOTIFICATION_READ]), '/api/v1/collaboration/notifications')
    expect(allowed.status).toBe(200)
    expect(((await allowed.json()) as Listing).items).toBeArray()
    // guests hold it by default (a .read permission), so signed-in guests keep their inbox on the API
    const guest = await p.member('guest')
    expect((await guest.client.request('/api/v1/collaboration/notifications')).status).toBe(200)
  })

  test('a notification about an entity shows in the inbox, the API and the count only while its user may see the entity', async () => {
    const { orgs, accounts } = p.deps.identity
    const org = p.org!
    const reader = await orgs.createRole(org.id, `Doc reader ${dialect}`, ['collaboration.comment.read', NOTIFICATION_READ, 'fixture-docs.doc.read'])
    const blind = await orgs.createRole(org.id, `No docs ${dialect}`, ['collaboration.comment.read', NOTIFICATION_READ])
    const email = `reader-${dialect}@example.com`
    const user: User = await accounts.createUser({ email, name: 'Rita Reader', password: 'reader password 1' })
    await orgs.addMember(org.id, user.id, reader.id)
    const rita = p.client()
    await rita.signIn(email, 'reader password 1')

    docs.set('doc-1', { orgId: org.id, title: 'Secret plan' })
    await admin.get('/collaboration/threads/fixture-docs.doc/doc-1')
    const posted = await admin.post('/collaboration/comments', { entity_type: 'fixture-docs.doc', entity_id: 'doc-1', body: `@${email} the launch date is 12 May` })
    expect(posted.status).toBe(303)
    // a notification about no entity stays visible whatever the role
    const notify = p.host.service<KnownServices['collaboration.notify']>('collaboration.notify')!
    await notify.notify({ orgId: org.id, userIds: [user.id], title: 'Server maintenance tonight' })

    const seen = async () => {
      const inbox = (await rita.get('/collaboration/inbox')).html
      const api = (await (await rita.request('/api/v1/collaboration/notifications')).json()) as Listing
      const bell = unreadOf((await rita.get('/collaboration/preferences')).html)
      return { inbox, api, bell }
    }
    const visible = async () => {
      const { inbox, api, bell } = await seen()
      expect(inbox).toContain('mentioned you on Secret plan')
      expect(inbox).toContain('the launch date is 12 May')
      expect(api.items.map((i) => i.title)).toEqual(['Server maintenance tonight', `${ADMIN.name} mentioned you on Secret plan`])
      expect(api.unread).toBe(2)
      expect(unreadOf(inbox)).toBe(2)
      expect(bell).toBe(2)
    }
    await visible()

    await orgs.setMemberRole(org.id, user.id, blind.id)
    const hidden = await seen()
    expect(hidden.inbox).not.toContain('Secret plan')
    expect(hidden.inbox).not.toContain('12 May')
    expect(hidden.inbox).toContain('Server maintenance tonight')
    expect(JSON.stringify(hidden.api)).not.toContain('Secret plan')
    expect(JSON.stringify(hidden.api)).not.toContain('12 May')
    expect(hidden.api.items.map((i) => i.title)).toEqual(['Server maintenance tonight'])
    expect(hidden.api.unread).toBe(1)
    expect(unreadOf(hidden.inbox)).toBe(1)
    expect(hidden.bell).toBe(1)
    expect((await rita.get('/collaboration/inbox?filter=unread')).html).not.toContain('Secret plan')

    await orgs.setMemberRole(org.id, user.id, reader.id)
    await visible()

    // the entity itself goes away (resolve finds nothing): hidden too
    docs.delete('doc-1')
    expect((await seen()).api.items.map((i) => i.title)).toEqual(['Server maintenance tonight'])
  })

  test('a notification written before entities were recorded, of a kind always about an entity, is hidden', async () => {
    const rows = await p.store.query<{ id: string }>('select id from collaboration_notifications where user_id = ? and kind = ?', [p.admin!.id, 'mention'])
    expect(rows).toEqual([])
    await p.store.query("insert into collaboration_notifications (id, org_id, user_id, kind, title, created_at, entity_known) values (?, ?, ?, 'mention', 'Old mention of something', ?, ?)", [
      Bun.randomUUIDv7(),
      p.org!.id,
      p.admin!.id,
      dialect === 'postgres' ? new Date().toISOString() : Date.now(),
      dialect === 'postgres' ? false : 0,
    ])
    const api = (await (await admin.request('/api/v1/collaboration/notifications')).json()) as Listing
    expect(JSON.stringify(api)).not.toContain('Old mention')
    expect(api.unread).toBe(0)
  })

  test('thread URLs: an escaped % is an id like any other (404), a malformed escape is a 4xx, never a 500', async () => {
    expect((await admin.get('/collaboration/threads/x/%25')).res.status).toBe(404)
    expect((await admin.get('/collaboration/threads/%25/%25%25')).res.status).toBe(404)
    const malformed = (await admin.get('/collaboration/threads/x/%E0%A4%A')).res.status
    expect(malformed).toBeGreaterThanOrEqual(400)
    expect(malformed).toBeLessThan(500)
  })

  test('the inbox\'s "Mark all read" is a secondary outline button like the app\'s other secondary actions', async () => {
    const notify = p.host.service<KnownServices['collaboration.notify']>('collaboration.notify')!
    await notify.notify({ orgId: p.org!.id, userIds: [p.admin!.id], title: 'Something for the admin' })
    const html = (await admin.get('/collaboration/inbox')).html
    expect(html).toMatch(/<button type="submit" class="secondary outline">[^]*?Mark all read/)
    expect(html).not.toContain('class="secondary"')
  })
})

