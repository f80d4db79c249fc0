import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Org } from '../../core/auth/orgs.ts'
import type { User } from '../../core/auth/accounts.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import collaboration from './index.ts'
import { sseReader } from '../../test/helpers/sse.ts'
import { thingsPlugin } from '../../test/helpers/collaboration-things.ts'

/** Things of the test entity plugin, by id: which org they belong to and their title. */
const things = new Map<string, { orgId: string; title: string }>()

/** 'testing.thing' entities, each seen in its own org only, with a page that shows the thread. */
const testEntityPlugin = thingsPlugin((id, auth) => {
  const t = things.get(id)
  return t && t.orgId === auth.org?.id ? { title: t.title } : undefined
})

const commentIds = (html: string) => [...html.matchAll(/<li class="collab-comment" id="comment-([\w-]+)"/g)].map((m) => m[1]!)
/** The thread section of a page. */
const threadOf = (html: string) => {
  const start = html.indexOf('<section class="collab-thread"')
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start) + 10)
}
const unread = (html: string) => Number(/data-unread="(\d+)"/.exec(html)?.[1] ?? NaN)

eachDialect('collaboration', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let ana: { user: User; client: Client }
  let bob: { user: User; client: Client }
  let guest: { user: User; client: Client }
  let other: Org
  let n = 0
  const thing = (orgId = p.org!.id) => {
    const id = `thing-${dialect}-${++n}`
    things.set(id, { orgId, title: `Thing ${n}` })
    return id
  }
  const page = async (c: Client, id: string) => c.get(`/testing/things/${id}`)
  const comment = (c: Client, id: string, body: string, extra: Record<string, string> = {}) =>
    c.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: id, body, ...extra })

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, testEntityPlugin])
    admin = await p.adminClient()
    ana = await p.member('member', p.org, `ana-${dialect}@example.com`)
    bob = await p.member('member', p.org, `bob-${dialect}@example.com`)
    guest = await p.member('guest')
    other = await p.deps.identity.orgs.createOrg({ name: 'Other' }, p.admin!.id)
  })
  afterAll(async () => {
    await p.stop()
  })

  test('comment, reply, edit own, not another’s (403), delete, reactions toggle', async () => {
    const id = thing()
    const first = await page(ana.client, id)
    expect(first.res.status).toBe(200)
    expect(first.html).toContain('No comments yet')
    const res = await comment(ana.client, id, 'First **bold** comment')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toStartWith(`/testing/things/${id}#comment-`)
    let html = (await page(ana.client, id)).html
    expect(html).toContain('<strong>bold</strong>')
    const [c1] = commentIds(html)
    expect(c1).toBeDefined()

    // htmx: the thread comes back as a fragment
    const reply = await ana.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: id, body: 'A reply', parent_id: c1! }, { 'hx-request': 'true' })
    expect(reply.status).toBe(200)
    const fragment = await reply.text()
    expect(fragment).toStartWith('<section class="collab-thread"')
    expect(fragment).toContain('class="collab-replies"')
    expect(fragment).toContain('A reply')

    // edit own
    const edit = await ana.client.post(`/collaboration/comments/${c1}/edit`, { body: 'First comment, edited' })
    expect(edit.status).toBe(303)
    html = (await page(ana.client, id)).html
    expect(html).toContain('First comment, edited')
    expect(html).toContain('(edited)')
    // the thread's activity quotes the title like the calendar's lines, curly quotes as entities
    const title = things.get(id)!.title
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()
    html = (await page(ana.client, id)).html
    for (const line of ['commented on', 'replied on', 'edited a comment on']) expect(threadOf(html)).toContain(`${line} &#8220;${title}&#8221;`)
    const feed = (await ana.client.get('/collaboration/activity')).html
    expect(feed).toContain(`commented on &#8220;${title}&#8221;`)
    expect(feed).not.toMatch(/[^\x00-\xff]/u)

    // bob cannot edit or delete ana's comment
    await page(bob.client, id)
    expect((await bob.client.post(`/collaboration/comments/${c1}/edit`, { body: 'hijack' })).status).toBe(403)
    expect((await bob.client.post(`/collaboration/comments/${c1}/delete`)).status).toBe(403)
    expect((await page(bob.client, id)).html).not.toContain('hijack')

    // reactions toggle per user, with counts
    expect((await bob.client.post(`/collaboration/comments/${c1}/react`, { emoji: '🎉' })).status).toBe(303)
    expect((await ana.client.post(`/collaboration/comments/${c1}/react`, { emoji: '🎉' })).status).toBe(303)
    html = threadOf((await page(ana.client, id)).html)
    // emoji as entities (the page stays Latin-1)
    // who reacted, in the tooltip and the label: the viewer first as "You", then the others by name
    expect(html).toContain(`title="You and ${bob.user.name}" aria-label="&#127881; 2: You and ${bob.user.name}"`)
    await ana.client.post(`/collaboration/comments/${c1}/react`, { emoji: '🎉' })
    html = threadOf((await page(ana.client, id)).html)
    expect(html).toContain(`aria-label="&#127881; 1: ${bob.user.name}"`)
    expect((await ana.client.post(`/collaboration/comments/${c1}/react`, { emoji: '💩' })).status).toBe(422)

    // delete own (the reply stays; the deleted parent becomes a placeholder)
    expect((await ana.client.post(`/collaboration/comments/${c1}/delete`)).status).toBe(303)
    html = threadOf((await page(ana.client, id)).html)
    expect(html).not.toContain('First comment, edited')
    expect(html).toContain('This comment was deleted.')
    expect(html).toContain('A reply')
    // an admin may delete anyone's comment
    const [replyId] = commentIds(html)
    await page(admin, id)
    expect((await admin.post(`/collaboration/comments/${replyId}/delete`)).status).toBe(303)
    html = threadOf((await page(ana.client, id)).html)
    expect(html).toContain('No comments yet')
  })

  test('the sanitizer strips scripts, event handlers and javascript: links', async () => {
    const id = thing()
    await page(ana.client, id)
    const evil = 'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) <a href="JaVaScRiPt:alert(4)">x</a> <iframe src="https://evil.example"></iframe> [ok](https://example.com)'
    expect((await comment(ana.client, id, evil)).status).toBe(303)
    const html = threadOf((await page(ana.client, id)).html)
    const body = html.slice(html.indexOf('<div class="collab-body">'), html.indexOf('</div>', html.indexOf('<div class="collab-body">')))
    expect(body).toContain('Hi')
    expect(body).not.toContain('<script')
    expect(body).not.toContain('onerror')
    expect(body.toLowerCase()).not.toContain('javascript:')
    expect(body).not.toContain('<iframe')
    expect(body).toContain('<a href="https://example.com" rel="noopener nofollow ugc">ok</a>')
    // the markdown source is kept (escaped) in the edit form only
    expect(html).toContain('&lt;script&gt;')
  })

  test('mentions notify; the unread count goes up; mark read and mark all read bring it down', async () => {
    const id = thing()
    await page(ana.client, id)
    const before = unread((await bob.client.get('/collaboration/inbox')).html)
    expect(before).toBe(0)
    expect((await bob.client.get('/collaboration/inbox')).html).toContain('Your inbox is empty')
    // autocomplete finds bob
    const suggest = await ana.client.get('/collaboration/mentions?q=bob')
    expect(suggest.html).toContain(`data-mention-id="${bob.user.id}"`)
    expect(suggest.html).not.toContain(`data-mention-id="${ana.user.id}"`)
    // the stored syntax, and an @email resolved at save time
    await comment(ana.client, id, `Hey @[Bob](${bob.user.id}), look`)
    await comment(ana.client, id, `And again @bob-${dialect}@example.com`)
    const thread = threadOf((await page(ana.client, id)).html)
    expect(thread).toContain(`<span class="mention" data-user-id="${bob.user.id}">@${bob.user.name}</span>`)
    let inbox = (await bob.client.get('/collaboration/inbox')).html
    expect(unread(inbox)).toBe(2)
    expect(inbox).toContain(`${ana.user.name} mentioned you on Thing`)
    // the person is named once, in the title, not again in the line under it
    const item = inbox.slice(inbox.indexOf('<li class="unread" id="notification-'), inbox.indexOf('</li>', inbox.indexOf('<li class="unread" id="notification-')))
    expect(item).toContain(`class="collab-inbox-title">${ana.user.name} mentioned you on Thing`)
    expect(item).toMatch(/<small class="muted"><time [^>]*>[^<]*<\/time><\/small>/)
    expect(inbox).toContain(`/testing/things/${id}#comment-`)
    const nid = /id="notification-([\w-]+)"/.exec(inbox)![1]!
    expect((await bob.client.post(`/collaboration/inbox/${nid}/read`)).status).toBe(303)
    inbox = (await bob.client.get('/collaboration/inbox')).html
    expect(unread(inbox)).toBe(1)
    // another user's notification id is 404
    await ana.client.get('/collaboration/inbox')
    expect((await ana.client.post(`/collaboration/inbox/${nid}/read`)).status).toBe(404)
    await bob.client.get('/collaboration/inbox')
    expect((await bob.client.post('/collaboration/inbox/read-all')).status).toBe(303)
    inbox = (await bob.client.get('/collaboration/inbox')).html
    expect(unread(inbox)).toBe(0)
    expect((await bob.client.get('/collaboration/inbox?filter=unread')).html).toContain('No unread notifications')
  })

  test('the SSE stream delivers the new count live', async () => {
    const id = thing()
    await bob.client.get('/collaboration/inbox')
    await bob.client.post('/collaboration/inbox/read-all')
    const abort = new AbortController()
    const plain = await bob.client.request('/collaboration/events')
    expect(plain.headers.get('content-type')).toContain('text/html')
    expect(await plain.text()).toContain('data-unread="0"')
    const res = await bob.client.request('/collaboration/events', { signal: abort.signal, headers: { accept: 'text/html, text/event-stream' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const stream = sseReader(res, abort)
    const { readUntil, close } = stream
    await readUntil('data-unread="0"')
    await page(ana.client, id)
    await comment(ana.client, id, `Live ping @[Bob](${bob.user.id})`)
    await readUntil('data-unread="1"')
    expect(stream.seen).toContain('data: <a href="/collaboration/inbox"')
    await close()
  })

  test('preferences turn a kind off', async () => {
    const id = thing()
    await bob.client.get('/collaboration/preferences')
    expect((await bob.client.post('/collaboration/preferences', { comments: '1', changes: '1', reminders: '1' })).status).toBe(303)
    const prefs = (await bob.client.get('/collaboration/preferences')).html
    expect(prefs).not.toMatch(/name="mentions" value="1" checked/)
    expect(prefs).toMatch(/name="comments" value="1" checked/)
    // says what it covers: calendar events only (no plugin sends due-date reminders)
    expect(prefs).toContain('Reminders of calendar events you created or attend')
    expect(prefs).not.toContain('due dates')
    await bob.client.post('/collaboration/inbox/read-all')
    await page(ana.client, id)
    await comment(ana.client, id, `Muted @[Bob](${bob.user.id})`)
    expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(0)
    // reminders from other plugins respect the preference too
    const notify = p.host.service<KnownServices['collaboration.notify']>('collaboration.notify')!
    await notify.notify({ orgId: p.org!.id, userIds: [bob.user.id], title: 'Standup in 10 minutes', href: '/calendar' })
    let inbox = (await bob.client.get('/collaboration/inbox')).html
    expect(unread(inbox)).toBe(1)
    expect(inbox).toContain('Standup in 10 minutes')
    await bob.client.post('/collaboration/preferences', { mentions: '1', comments: '1', changes: '1' })
    await notify.notify({ orgId: p.org!.id, userIds: [bob.user.id], title: 'Muted reminder' })
    inbox = (await bob.client.get('/collaboration/inbox')).html
    expect(inbox).not.toContain('Muted reminder')
    await bob.client.post('/collaboration/preferences', { mentions: '1', comments: '1', changes: '1', reminders: '1' })
    await bob.client.post('/collaboration/inbox/read-all')
  })

  test('watch: a comment or a change by someone else notifies the watcher', async () => {
    const id = thing()
    let html = threadOf((await page(bob.client, id)).html)
    expect(html).toMatch(/\s Watch<\/button>/)
    await bob.client.post('/collaboration/watch', { entity_type: 'testing.thing', entity_id: id, watch: '1' })
    html = threadOf((await page(bob.client, id)).html)
    expect(html).toContain('Unwatch')
    await bob.client.post('/collaboration/inbox/read-all')
    await page(ana.client, id)
    await comment(ana.client, id, 'Plain comment, no mention')
    let inbox = (await bob.client.get('/collaboration/inbox')).html
    expect(unread(inbox)).toBe(1)
    expect(inbox).toContain(`${ana.user.name} commented on Thing`)
    // ana auto-watches as a commenter: bob's comment reaches her
    await bob.client.get('/collaboration/inbox')
    const anaBefore = unread((await ana.client.get('/collaboration/inbox')).html)
    await page(bob.client, id)
    await comment(bob.client, id, 'Answer from bob')
    expect(unread((await ana.client.get('/collaboration/inbox')).html)).toBe(anaBefore + 1)
    // a change event about the entity reaches watchers
    p.host.bus.emit('testing.thing.moved', { activity: { orgId: p.org!.id, actor: { id: ana.user.id, name: ana.user.name }, entity: { type: 'testing.thing', id, title: things.get(id)!.title, href: `/testing/things/${id}` }, text: 'moved it to Done' } })
    await Bun.sleep(100)
    inbox = (await bob.client.get('/collaboration/inbox')).html
    expect(inbox).toContain(`${ana.user.name} moved it to Done`)
    // unwatch: no more
    await bob.client.post('/collaboration/inbox/read-all')
    await page(bob.client, id)
    await bob.client.post('/collaboration/watch', { entity_type: 'testing.thing', entity_id: id, watch: '0' })
    await comment(ana.client, id, 'Nobody hears this')
    expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(0)
  })

  test('activity: bus events with an activity fact are recorded and shown', async () => {
    const id = thing()
    p.host.bus.emit('testing.thing.renamed', { activity: { orgId: p.org!.id, actor: { id: ana.user.id, name: 'Ana <Activity>' }, entity: { type: 'testing.thing', id, title: 'WEB-42', href: `/testing/things/${id}` }, text: 'moved WEB-42 to Done' } })
    p.host.bus.emit('testing.thing.other', { activity: { orgId: other.id, actor: { id: 'x', name: 'Elsewhere' }, text: 'should not show' } })
    p.host.bus.emit('testing.thing.noise', { nothing: true })
    await Bun.sleep(100)
    const feed = (await bob.client.get('/collaboration/activity')).html
    expect(feed).toContain('Ana &lt;Activity&gt;')
    expect(feed).toContain('moved <span class="task-key">WEB-42</span> to Done')
    // a text that names its entity is the link, instead of the title again after it
    expect(feed).toContain(`<a href="/testing/things/${id}">moved <span class="task-key">WEB-42</span> to Done</a>`)
    expect(feed).not.toContain(`· <a href="/testing/things/${id}">`)
    expect(feed).not.toContain('should not show')
    expect(threadOf((await page(bob.client, id)).html)).toContain('moved <span class="task-key">WEB-42</span> to Done')
    type Recent = { recent(orgId: string, limit: number, viewer?: unknown): ReturnType<KnownServices['collaboration.activity']['recent']> }
    const service = p.host.service<Recent>('collaboration.activity')!
    const recent = await service.recent(p.org!.id, 5, await p.deps.identity.resolver.authFor(bob.user.id, p.org!.id))
    expect(recent.some((r) => r.text === 'moved WEB-42 to Done' && r.href === `/testing/things/${id}`)).toBe(true)
    // a feed is always somebody's: without a viewer (or for another org's) there is nothing
    expect(await service.recent(p.org!.id, 5)).toEqual([])
    expect(await service.recent(other.id, 5, await p.deps.identity.resolver.authFor(bob.user.id, p.org!.id))).toEqual([])
  })

  test("another org's entity and comment ids are 404; guests read but do not write", async () => {
    const foreign = thing(other.id)
    await page(ana.client, thing())
    expect((await comment(ana.client, foreign, 'hello')).status).toBe(404)
    expect((await ana.client.get(`/collaboration/threads/testing.thing/${foreign}`)).res.status).toBe(404)
    expect((await comment(ana.client, 'no-such-thing', 'hello')).status).toBe(404)
    expect((await ana.client.post('/collaboration/comments', { entity_type: 'unknown.type', entity_id: 'x', body: 'hello' })).status).toBe(404)
    // a comment in the other org (made through the service-level path by an admin switched there)
    const foreignComment = await (async () => {
      const c = await p.adminClient()
      await c.get('/')
      await c.post('/orgs/switch', { org: other.id })
      await c.get(`/testing/things/${foreign}`)
      await comment(c, foreign, 'Other org comment')
      return commentIds((await c.get(`/testing/things/${foreign}`)).html)[0]!
    })()
    expect(foreignComment).toBeDefined()
    await page(ana.client, thing())
    expect((await ana.client.post(`/collaboration/comments/${foreignComment}/edit`, { body: 'x' })).status).toBe(404)
    expect((await ana.client.post(`/collaboration/comments/${foreignComment}/delete`)).status).toBe(404)
    expect((await ana.client.post(`/collaboration/comments/${foreignComment}/react`, { emoji: '👍' })).status).toBe(404)
    expect((await ana.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: thing(), body: 'x', parent_id: foreignComment })).status).toBe(404)

    // guests
    const id = thing()
    await page(ana.client, id)
    await comment(ana.client, id, 'Visible to guests')
    const g = await page(guest.client, id)
    expect(g.res.status).toBe(200)
    const gt = threadOf(g.html)
    expect(gt).toContain('Visible to guests')
    expect(gt).not.toContain('action="/collaboration/comments"')
    expect((await comment(guest.client, id, 'guest writes')).status).toBe(403)
    expect((await guest.client.get('/collaboration/inbox')).res.status).toBe(200)
  })

  test('bad input is 422 with the text kept', async () => {
    const id = thing()
    await page(ana.client, id)
    const empty = await comment(ana.client, id, '   ')
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('field-error')
    const long = 'x'.repeat(10_001) + ' kept-marker'
    const tooLong = await ana.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: id, body: long }, { 'hx-request': 'true' })
    expect(tooLong.status).toBe(422)
    const html = await tooLong.text()
    expect(html).toContain('kept-marker')
    expect(html).toContain('at most 10,000 characters')
    await comment(ana.client, id, 'ok')
    const [cid] = commentIds((await page(ana.client, id)).html)
    const badEdit = await ana.client.post(`/collaboration/comments/${cid}/edit`, { body: '' })
    expect(badEdit.status).toBe(422)
  })

  test('search finds comments in the viewer’s org and links to the entity', async () => {
    const id = thing()
    await page(ana.client, id)
    await comment(ana.client, id, 'Searchable zebra-quartz text')
    const res = await bob.client.get('/search?q=zebra-quartz')
    expect(res.html).toContain(`/testing/things/${id}#comment-`)
    const otherOrg = await bob.client.get('/search?q=Other org comment')
    expect(otherOrg.html).not.toContain('Other org comment</p>')
  })

  test('demo seed comments (with a mention) on entities from earlier seeds’ activity', async () => {
    const org = await p.deps.identity.orgs.createOrg({ name: `Demo ${dialect}` }, p.admin!.id)
    const seed = p.host.contributions('demo.seed').find((s) => s.order === 50)!
    // the demo's people are members of its organization (the seed comments only as people who may see the item)
    const member = (await p.deps.identity.orgs.listRoles(org.id)).find((r) => r.builtin === 'member')!
    for (const u of [ana.user, bob.user]) await p.deps.identity.orgs.addMember(org.id, u.id, member.id)
    const people = [{ id: ana.user.id, name: ana.user.name, email: ana.user.email }, { id: bob.user.id, name: bob.user.name, email: bob.user.email }]
    expect(await seed.run({ orgId: org.id, people, now: new Date() })).toContain('nothing to comment on')
    // an earlier seed's events: their activity rows are still being written when the next seed runs
    const ids = [thing(org.id), thing(org.id)]
    for (const id of ids) p.host.bus.emit('testing.thing.created', { activity: { orgId: org.id, actor: { id: ana.user.id, name: ana.user.name }, entity: { type: 'testing.thing', id, title: 'Seeded', href: `/testing/things/${id}` }, text: 'created Seeded' } })
    expect(await seed.run({ orgId: org.id, people, now: new Date() })).toMatch(/^[1-9]\d* comments on 2 items$/)
  })

  test('disabling and re-enabling collaboration keeps every comment', async () => {
    const id = thing()
    await page(ana.client, id)
    await comment(ana.client, id, 'Survives a restart of the plugin')
    expect((await page(ana.client, id)).html).toContain('collab-bell-live')
    await p.host.disable('collaboration')
    const off = await page(ana.client, id)
    expect(off.res.status).toBe(200)
    expect(off.html).not.toContain('Survives a restart')
    expect(off.html).not.toContain('collab-bell-live')
    expect((await ana.client.get('/collaboration/inbox')).res.status).toBe(404)
    await p.host.enable('collaboration')
    expect((await page(ana.client, id)).html).toContain('Survives a restart of the plugin')
  })
})
