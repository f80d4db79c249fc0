/**
 * Mentions as people type and edit them: the autocomplete offers each member's address, an `@email`
 * is stored as `@[Name](id)` and notifies that member, and the edit box shows stored mentions as
 * `@email` again (never a user id). Both dialects; `editableText` on its own for the edge cases.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { User } from '../../core/auth/accounts.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import collaboration from './index.ts'
import { editableText, resolveMentions } from './markdown.ts'
import { userWithRole } from '../../test/helpers/activity.ts'
import { thingsPlugin } from '../../test/helpers/collaboration-things.ts'

const things = new Map<string, string>()

const testEntityPlugin = thingsPlugin((id, auth) => (things.get(id) === auth.org?.id ? { title: 'Mention thing' } : undefined))

/** The text of the edit box of comment `id` in `html` (entities decoded), or undefined without one. */
function editBox(html: string, id: string): string | undefined {
  const m = new RegExp(`<textarea id="edit-${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)
  return m ? m[1]!.replace(/&#x40;|&#64;/g, '@').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim() : undefined
}
const unread = (html: string) => Number(/data-unread="(\d+)"/.exec(html)?.[1] ?? NaN)

eachDialect('collaboration mentions', (dialect) => {
  let p: TestPlatform
  let ana: { user: User; client: Client }
  let bob: { user: User; client: Client }
  let cy: { user: User; client: Client }
  let n = 0
  const thing = () => {
    const id = `mthing-${dialect}-${++n}`
    things.set(id, p.org!.id)
    return id
  }
  const page = (c: Client, id: string) => c.get(`/testing/things/${id}`)
  const lastCommentId = (html: string) => [...html.matchAll(/<li class="collab-comment" id="comment-([\w-]+)"/g)].map((m) => m[1]!).at(-1)!

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, testEntityPlugin])
    ana = await p.member('member', p.org, `ana-m-${dialect}@example.com`)
    bob = await p.member('member', p.org, `bob-m-${dialect}@example.com`)
    cy = await p.member('member', p.org, `cy-m-${dialect}@example.com`)
  })
  afterAll(async () => {
    await p?.stop()
  })

  test('the autocomplete offers each member with the address it inserts', async () => {
    const res = await ana.client.get('/collaboration/mentions?q=bob-m')
    expect(res.html).toContain(`data-mention-id="${bob.user.id}"`)
    expect(res.html).toContain(`data-mention-email="bob-m-${dialect}@example.com"`)
  })

  test('@email is stored as a mention and notifies; the edit box shows @email, not the id; a plain re-save notifies nobody again', async () => {
    const id = thing()
    await page(ana.client, id)
    const bobEmail = `bob-m-${dialect}@example.com`
    const posted = await ana.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: id, body: `Hello @${bobEmail} please look` })
    expect(posted.status).toBeLessThan(400)
    let html = (await page(ana.client, id)).html
    expect(html).toContain(`<span class="mention" data-user-id="${bob.user.id}">@${bob.user.name}</span> please look`)
    const cid = lastCommentId(html)
    expect(editBox(html, cid)).toBe(`Hello @${bobEmail} please look`)
    expect(html).not.toContain(`](${bob.user.id})`)
    expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(1)
    // bob sees the mention but has no edit box for ana's comment
    expect(editBox((await page(bob.client, id)).html, cid)).toBeUndefined()

    // saving the edit box as shown keeps the mention and tells bob nothing new
    await page(ana.client, id)
    const same = await ana.client.post(`/collaboration/comments/${cid}/edit`, { body: editBox(html, cid)! })
    expect(same.status).toBeLessThan(400)
    html = (await page(ana.client, id)).html
    expect(html).toContain(`<span class="mention" data-user-id="${bob.user.id}">@${bob.user.name}</span>`)
    expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(1)

    // adding cy in the edit notifies cy only
    await page(ana.client, id)
    await ana.client.post(`/collaboration/comments/${cid}/edit`, { body: `${editBox(html, cid)} and @cy-m-${dialect}@example.com` })
    html = (await page(ana.client, id)).html
    expect(editBox(html, cid)).toBe(`Hello @${bobEmail} please look and @cy-m-${dialect}@example.com`)
    expect(unread((await cy.client.get('/collaboration/inbox')).html)).toBe(1)
    expect(unread((await bob.client.get('/collaboration/inbox')).html)).toBe(1)
  })

  test('a stored @[Name](id) (API, older comments) is edited as @email; a former member as plain @Name', async () => {
    const id = thing()
    const dee = await p.member('member', p.org, `dee-m-${dialect}@example.com`)
    await page(ana.client, id)
    await ana.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: id, body: `Ping @[Bob](${bob.user.id}) and @[Dee](${dee.user.id})` })
    let html = (await page(ana.client, id)).html
    const cid = lastCommentId(html)
    expect(editBox(html, cid)).toBe(`Ping @bob-m-${dialect}@example.com and @dee-m-${dialect}@example.com`)
    await p.deps.identity.orgs.removeMember(p.org!.id, dee.user.id)
    html = (await page(ana.client, id)).html
    expect(editBox(html, cid)).toBe(`Ping @bob-m-${dialect}@example.com and @${dee.user.name}`)
    // the rendered comment still shows both names
    expect(html).toContain(`>@${dee.user.name}</span>`)
  })

  test('someone who may not see addresses (no core.emails.read) gets none: names only, mentions edited as stored', async () => {
    const quiet = await userWithRole(p, p.org!, ['collaboration.comment.read', 'collaboration.comment.write', 'testing.thing.read'], 1, `quiet-${dialect}@example.com`)
    const bobEmail = `bob-m-${dialect}@example.com`
    // an address does not find anyone, a name does, without the address
    expect((await quiet.client.get('/collaboration/mentions?q=bob-m')).html).toContain('Nobody matches.')
    const byName = await quiet.client.get(`/collaboration/mentions?q=${encodeURIComponent(bob.user.name)}`)
    expect(byName.html).toContain(`data-mention-id="${bob.user.id}"`)
    expect(byName.html).not.toContain('data-mention-email')
    expect(byName.html).not.toContain(bobEmail)
    const json = (await (await quiet.client.request(`/collaboration/mentions?q=${encodeURIComponent(bob.user.name)}`, { headers: { accept: 'application/json' } })).json()) as { items: Record<string, string>[] }
    expect(json.items.find((i) => i.id === bob.user.id)).toEqual({ id: bob.user.id, name: bob.user.name })
    // what the composer inserts for them (the stored form) is a mention; their edit box keeps it so
    const id = thing()
    await page(quiet.client, id)
    await quiet.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: id, body: `Ping @[${bob.user.name}](${bob.user.id})` })
    const html = (await page(quiet.client, id)).html
    expect(html).toContain(`<span class="mention" data-user-id="${bob.user.id}">@${bob.user.name}</span>`)
    expect(editBox(html, lastCommentId(html))).toBe(`Ping @[${bob.user.name}](${bob.user.id})`)
    expect(html).not.toContain(bobEmail)
  })
})

describe('editableText', () => {
  const members = [
    { id: 'u1', name: 'Ben Okafor', email: 'ben@example.com' },
    { id: 'u2', name: 'Odd Address', email: "o'neil@example.com" },
  ]
  test('stored mentions become @email and resolve back to the same mention', () => {
    const stored = 'Hi @[Ben Okafor](u1), see (@[Ben Okafor](u1)).\n@[Ben Okafor](u1) again'
    const shown = editableText(stored, members)
    expect(shown).toBe('Hi @ben@example.com, see (@ben@example.com).\n@ben@example.com again')
    expect(resolveMentions(shown, members)).toEqual({ body: stored, mentions: ['u1'] })
  })
  test('forms @email could not carry keep the stored syntax', () => {
    // glued to a word before or after, or an address the @email pattern does not take whole
    expect(editableText('x@[Ben Okafor](u1)', members)).toBe('x@[Ben Okafor](u1)')
    expect(editableText('@[Ben Okafor](u1)s', members)).toBe('@[Ben Okafor](u1)s')
    expect(editableText('@[Ben Okafor](u1).com', members)).toBe('@[Ben Okafor](u1).com')
    expect(editableText('@[Odd Address](u2)', members)).toBe('@[Odd Address](u2)')
  })
  test('for a viewer who may not see addresses every member keeps the stored form', () => {
    expect(editableText('Hi @[Ben Okafor](u1) and @[Gone](u9)', members, { emails: false })).toBe('Hi @[Ben Okafor](u1) and @Gone')
  })
  test('someone no longer a member is plain @Name; text without mentions is unchanged', () => {
    expect(editableText('cc @[Gone Person](u9)', members)).toBe('cc @Gone Person')
    expect(editableText('no mentions, a@b.co', [])).toBe('no mentions, a@b.co')
  })
})
