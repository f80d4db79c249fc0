/** ORG_CREATION: everyone (the default) or instance admins only create organizations. Both dialects. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { ConfigError, loadConfig } from '../config.ts'
import { mayCreateOrgs } from '../auth/permissions.ts'

test('ORG_CREATION takes everyone or admins; anything else is one clear line', () => {
  expect(loadConfig({}).orgCreation).toBe('everyone')
  expect(loadConfig({ ORG_CREATION: 'Admins' }).orgCreation).toBe('admins')
  expect(() => loadConfig({ ORG_CREATION: 'nobody' })).toThrow(new ConfigError('ORG_CREATION=nobody is not a choice: use everyone or admins'))
})

test('mayCreateOrgs: everyone lets any user, admins only instance admins', () => {
  expect(mayCreateOrgs('everyone', { isAdmin: false })).toBe(true)
  expect(mayCreateOrgs('everyone', { isAdmin: true })).toBe(true)
  expect(mayCreateOrgs('admins', { isAdmin: false })).toBe(false)
  expect(mayCreateOrgs('admins', { isAdmin: true })).toBe(true)
})

/** The account page of a new user in no organization, signed in through `p`. */
async function profileWithoutOrgs(p: TestPlatform, email: string): Promise<string> {
  await p.deps.identity.accounts.createUser({ email, name: 'Lone Wolf', password: 'member password 1' })
  const client = p.client()
  await client.signIn(email, 'member password 1')
  return (await client.get('/account')).html
}

eachDialect('organization creation: admins only', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [], { ORG_CREATION: 'admins' })
  })
  afterAll(() => p.stop())

  test('a member gets no "New organization" and a 403 that says whom to ask; an instance admin creates one', async () => {
    const { client } = await p.member('member')
    const page = await client.get('/search')
    expect(page.html).not.toContain('href="/orgs/new"')
    const form = await client.get('/orgs/new')
    expect(form.res.status).toBe(403)
    expect(form.html).toContain('Only instance admins create organizations')
    const post = await client.post('/orgs/new', { name: 'Sneaky Co' })
    expect(post.status).toBe(403)
    expect((await p.deps.identity.orgs.listAllOrgs()).map((o) => o.name)).not.toContain('Sneaky Co')

    const ada = await p.adminClient()
    expect((await ada.get('/search')).html).toContain('href="/orgs/new"')
    const made = await ada.post('/orgs/new', { name: 'Admin Co' })
    expect(made.status).toBe(303)
    expect((await p.deps.identity.orgs.listAllOrgs()).map((o) => o.name)).toContain('Admin Co')
  })

  test('the account page of someone in no organization asks for an invitation, with no link to create one', async () => {
    const html = await profileWithoutOrgs(p, 'lone-admins@example.com')
    expect(html).toContain('Ask an admin of an organization for an invitation.')
    expect(html).not.toContain('<a href="/orgs/new">Create an organization</a>')
  })
})

eachDialect('organization creation: everyone', (dialect) => {
  test('by default a member sees "New organization" and creates one', async () => {
    const p = await startPlatform(dialect, [])
    try {
      const { client } = await p.member('member')
      expect((await client.get('/search')).html).toContain('href="/orgs/new"')
      expect((await client.post('/orgs/new', { name: 'Member Co' })).status).toBe(303)
      expect(await profileWithoutOrgs(p, 'lone-everyone@example.com')).toContain('<a href="/orgs/new">Create an organization</a>, or ask an admin for an invitation.')
    } finally {
      await p.stop()
    }
  })
})
