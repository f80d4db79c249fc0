/**
 * Opening a notification from the inbox marks it read (as on GitHub): its title link sits in a form
 * that POSTs to /collaboration/inbox/:id/open (CSRF), which marks it read and redirects (303) to the
 * target; the background form of that POST (a new-tab click, `HX-Request`) answers with the bell's
 * new count instead. Someone else's notification is 404, a missing token 403, and GET writes nothing.
 * Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import collaboration from './index.ts'
import { things } from '../../test/helpers/collaboration-things.ts'


const unread = (html: string) => Number(/data-unread="(\d+)"/.exec(html)?.[1] ?? NaN)

eachDialect('opening a notification marks it read', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, things])
  }, 30_000)
  afterAll(() => p.stop())

  test('the inbox title posts /open: read, 303 to the target, the bell counts down; background form answers the bell', async () => {
    const ana = await p.member('member', p.org, `ana-open-${dialect}@example.com`)
    const bob = await p.member('member', p.org, `bob-open-${dialect}@example.com`)
    const eve = await p.member('member', p.org, `eve-open-${dialect}@example.com`)
    await ana.client.get('/testing/things/one')
    for (const text of ['first', 'second']) {
      expect((await ana.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: 'one', body: `@bob-open-${dialect}@example.com ${text}` })).status).toBe(303)
    }
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()

    let inbox = await bob.client.get('/collaboration/inbox')
    expect(unread(inbox.html)).toBe(2)
    const ids = [...inbox.html.matchAll(/action="\/collaboration\/inbox\/([\w-]+)\/open"/g)].map((m) => m[1]!)
    expect(ids.length).toBe(2)
    // a real link to the target inside the form (keyboard, middle click, copy link), a no-JS button
    expect(inbox.html).toMatch(/<form method="post" action="\/collaboration\/inbox\/[\w-]+\/open" class="collab-open"><input type="hidden" name="_csrf" value="[^"]+"\/><a href="\/testing\/things\/one#comment-[\w-]+" data-notification-open class="collab-inbox-title">/)
    expect(inbox.html).toContain('<noscript><button type="submit" class="link-button">Open and mark read</button></noscript>')

    // GET changes nothing; no token is refused; someone else's is not found
    await bob.client.get(`/collaboration/inbox/${ids[0]}/open`)
    expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(2)
    expect((await bob.client.post(`/collaboration/inbox/${ids[0]}/open`, { _csrf: '' })).status).toBe(403)
    await eve.client.get('/collaboration/inbox')
    expect((await eve.client.post(`/collaboration/inbox/${ids[0]}/open`)).status).toBe(404)
    expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(2)

    // opening: read, 303 to the notification's target
    const res = await bob.client.post(`/collaboration/inbox/${ids[0]}/open`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toMatch(/^\/testing\/things\/one#comment-[\w-]+$/)
    inbox = await bob.client.get('/collaboration/inbox')
    expect(unread(inbox.html)).toBe(1)
    expect(inbox.html).toContain(`<li class="read" id="notification-${ids[0]}"`)
    // a read one is a plain link
    expect(inbox.html).not.toContain(`/collaboration/inbox/${ids[0]}/open`)

    // in the background (new tab): the bell's new count, no redirect
    const bg = await bob.client.post(`/collaboration/inbox/${ids[1]}/open`, {}, { 'hx-request': 'true' })
    expect(bg.status).toBe(200)
    expect(bg.headers.get('location')).toBeNull()
    expect(unread(await bg.text())).toBe(0)
    // opening one that is read already: still goes there
    expect((await bob.client.post(`/collaboration/inbox/${ids[1]}/open`)).headers.get('location')).toStartWith('/testing/things/one')
  })
})
