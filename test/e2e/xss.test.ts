/**
 * XSS corpus in a real browser: payloads written into every text field a user can reach (user
 * names and emails, organization, team, role and token names, team descriptions, invitation
 * emails, a plugin setting, the search query), through the pages (form posts, some typed in the
 * browser) and the services; then every page that shows them is opened with a dialog handler that
 * fails the test, a DOM scan for injected markup, and a check that each payload reads as text.
 *
 * The context bypasses the Content-Security-Policy, so an escaping bug would run, not just be
 * blocked by the CSP: the escaping itself is under test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { fixturePlugins } from '../fixtures/index.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../helpers/platform.ts'
import type { Client } from '../helpers/client.ts'
import { launchBrowser, newContext, scanForInjection, signIn, typeInto } from './support.ts'

const T = 30_000

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '<svg onload=alert(1)>',
  `'"><iframe src=javascript:alert(1)>`,
  '{{7*7}}',
  '</title><script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '<body onload=alert(1)>',
  '<style>*{display:none}</style>',
]
/** The organization the per-org payloads live in: its name also lands in every page title. */
const TITLE_BREAKER = '</title><script>alert(1)</script>'
/** Valid email addresses (no spaces) that carry markup. */
const EMAILS = ['<script>alert(1)</script>@example.com', '"><img/src=x/onerror=alert(1)>@example.com', '<svg/onload=alert(1)>@example.com', 'javascript:alert(1)@example.com']
const ADMIN_NAME = '"><img src=x onerror=alert(1)>'
const GREETING = '<script>alert("greeting")</script>'

let browser: Browser
let p: TestPlatform
let ada: Client
let ctx: BrowserContext
let page: Page
const dialogs: string[] = []
let orgId = ''
let roleId = ''
let inviteLink = ''

beforeAll(async () => {
  browser = await launchBrowser()
  p = await startPlatform('sqlite', fixturePlugins)
  ada = await p.adminClient()
  const { accounts, orgs } = p.deps.identity

  // Organizations through the page (each becomes the session's current one), then switch to one.
  for (const name of PAYLOADS) expect((await ada.post('/orgs/new', { name })).status).toBe(303)
  const mine = await orgs.orgsOf(p.admin!.id)
  orgId = mine.find((o) => o.name === TITLE_BREAKER)!.id
  expect((await ada.post('/orgs/switch', { org: orgId })).status).toBe(303)
  const memberRole = (await orgs.listRoles(orgId)).find((r) => r.builtin === 'member')!

  // Users named (and one addressed) with payloads, members of the organization (services).
  let i = 0
  for (const name of PAYLOADS) {
    const user = await accounts.createUser({ email: `xss${++i}@example.com`, name, password: 'xss password 1' })
    await orgs.addMember(orgId, user.id, memberRole.id)
  }
  const odd = await accounts.createUser({ email: EMAILS[2]!, name: 'Odd Address', password: 'xss password 1' })
  await orgs.addMember(orgId, odd.id, memberRole.id)

  // Teams, roles, tokens and invitations through the pages (form posts, audited).
  for (const name of PAYLOADS) {
    expect((await ada.post('/orgs/teams', { name, description: `About ${name}` })).status).toBe(303)
    expect((await ada.post('/orgs/roles', { name, permissions: 'core.members.read' })).status).toBe(303)
    expect((await ada.post('/account/tokens', { name, permissions: 'core.members.read', expires: '30', current: ADMIN.password })).status).toBe(200)
  }
  for (const email of EMAILS.filter((e) => e !== EMAILS[2])) {
    expect((await ada.post('/orgs/invitations', { role: memberRole.id, email })).status).toBe(201)
  }
  // An open invitation with a payload-named custom role, for the invitation page.
  roleId = (await orgs.listRoles(orgId)).find((r) => r.name === PAYLOADS[1])!.id
  const res = await ada.post('/orgs/invitations', { role: roleId, email: '' })
  expect(res.status).toBe(201)
  inviteLink = /id="invite-link" class="secret">([^<]+)</.exec(await res.text())![1]!.trim()

  ctx = await newContext(browser, 1280, { bypassCSP: true })
  page = await ctx.newPage()
  page.on('dialog', async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()} at ${page.url()}`)
    await dialog.dismiss().catch(() => {})
  })
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  // The session starts in the first organization; the header switcher moves to the payload one.
  await page.locator('details.org-switcher > summary').click()
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('details.org-switcher').getByRole('button', { name: TITLE_BREAKER, exact: true }).click()])
}, 60_000)

afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await p?.stop()
})

/** Opens `path`; no dialog, no injected markup; returns the visible text of main (or the error page). */
async function visit(path: string, target: Page = page): Promise<string> {
  const res = await target.goto(`${p.url}${path}`)
  expect(res!.status()).toBeLessThan(500)
  // A payload that ran would have shown a dialog by the load event; give timers a moment too.
  await target.waitForTimeout(50)
  expect(dialogs).toEqual([])
  expect({ path, injected: await scanForInjection(target) }).toEqual({ path, injected: [] })
  // The style payload would hide everything: the page must stay visible.
  const content = target.locator('main, .error-page').first()
  expect(await content.isVisible()).toBe(true)
  return content.innerText()
}

function expectAll(text: string, expected: string[], where: string): void {
  for (const s of expected) expect({ where, has: text.includes(s) ? s : `missing: ${s}` }).toEqual({ where, has: s })
}

describe('browser: XSS corpus shows as text everywhere [sqlite]', () => {
  test('typed in the browser: the admin name (account form) and a plugin setting', async () => {
    await page.goto(`${p.url}/account`)
    await typeInto(page, 'Name', ADMIN_NAME)
    await Promise.all([page.waitForURL((u) => u.pathname === '/account'), page.keyboard.press('Enter')])
    expect(await page.locator('.flash').textContent()).toBe('Your name is saved.')
    expect(await page.locator('#f-name').inputValue()).toBe(ADMIN_NAME)
    expect(await page.locator('details.user-menu > summary').innerText()).toBe(ADMIN_NAME)

    await page.goto(`${p.url}/admin/plugins/fixture-notes/settings`)
    await typeInto(page, 'greeting', GREETING)
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/settings')), page.keyboard.press('Enter')])
    expect(await page.locator('.flash').textContent()).toBe('Settings of Notes saved.')
    await visit('/admin/plugins/fixture-notes/settings')
    expect(await page.locator('main input[name="greeting"]').inputValue()).toBe(GREETING)
    expect(dialogs).toEqual([])
  }, T)

  test('the shell: header (user menu, organization switcher) and page title', async () => {
    const main = await visit('/')
    expect(main).toContain(`Welcome, ${ADMIN_NAME}`)
    expect(main).toContain(`You are working in ${TITLE_BREAKER}.`)
    expect(await page.title()).toBe('Home · Coder IDE')
    expect(await page.locator('details.user-menu > summary').innerText()).toBe(ADMIN_NAME)
    expect(await page.locator('details.org-switcher > summary').innerText()).toBe(TITLE_BREAKER)
    const switcher = await page.locator('details.org-switcher li button').evaluateAll((bs) => bs.map((b) => b.textContent?.trim()))
    for (const name of PAYLOADS) expect(switcher).toContain(name)
    // Open the menus: still text.
    await page.locator('details.org-switcher > summary').click()
    expect(await page.locator('details.org-switcher ul').innerText()).toContain(PAYLOADS[0]!)
    expect(await scanForInjection(page)).toEqual([])
  }, T)

  test('organization pages: members, teams, roles, role editor, audit log', async () => {
    const members = await visit('/orgs/members')
    expect(await page.title()).toBe(`Members · ${TITLE_BREAKER} · Coder IDE`)
    expect(await page.locator('main h1').textContent()).toBe(TITLE_BREAKER)
    expectAll(members, [...PAYLOADS, ...EMAILS], 'members')

    const teams = await visit('/orgs/teams')
    expectAll(teams, [...PAYLOADS, ...PAYLOADS.map((n) => `About ${n}`)], 'teams')
    const options = await page.locator('main select option').evaluateAll((os) => os.map((o) => o.textContent))
    expect(options).toContain(`${PAYLOADS[0]} (xss1@example.com)`)

    expectAll(await visit('/orgs/roles'), PAYLOADS, 'roles')
    await visit(`/orgs/roles/${roleId}`)
    expect(await page.locator('main h2').textContent()).toBe(PAYLOADS[1]!)
    expect(await page.title()).toBe(`Role ${PAYLOADS[1]} · ${TITLE_BREAKER} · Coder IDE`)

    expectAll(await visit('/orgs/audit'), [...PAYLOADS, ...EMAILS.filter((e) => e !== EMAILS[2])], 'org audit')
  }, T)

  test('account pages: profile and API tokens', async () => {
    expectAll(await visit('/account'), PAYLOADS, 'account')
    expect(await page.locator('#f-name').inputValue()).toBe(ADMIN_NAME)
    expectAll(await visit('/account/tokens'), PAYLOADS, 'tokens')
  }, T)

  test('instance admin: users, organizations, audit log', async () => {
    expectAll(await visit('/admin/users'), [...PAYLOADS, ADMIN_NAME, EMAILS[2]!], 'admin users')
    // The choices of the admin invitation form carry organization and role names.
    const choices = await page.locator('main select option').evaluateAll((os) => os.map((o) => o.textContent))
    expect(choices).toContain(`${TITLE_BREAKER} — ${PAYLOADS[1]}`)
    expectAll(await visit('/admin/orgs'), PAYLOADS, 'admin orgs')
    expectAll(await visit('/admin/audit'), PAYLOADS, 'admin audit')
  }, T)

  test('search: each payload as the query (page title, heading, search box)', async () => {
    for (const q of PAYLOADS) {
      const main = await visit(`/search?q=${encodeURIComponent(q)}`)
      expect(main).toContain(`for “${q}”`)
      expect(await page.title()).toBe(`Search: ${q} · Coder IDE`)
      expect(await page.locator('#global-search').inputValue()).toBe(q)
    }
  }, T)

  test('pages outside the shell: the invitation card, an error page with a payload in the path', async () => {
    const anonymous = await newContext(browser, 390, { bypassCSP: true })
    try {
      const guest = await anonymous.newPage()
      guest.on('dialog', async (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()} at ${guest.url()}`)
        await dialog.dismiss().catch(() => {})
      })
      const card = await visit(new URL(inviteLink).pathname, guest)
      expect(await guest.locator('h1').textContent()).toBe(`Join ${TITLE_BREAKER}`)
      expect(card).toContain(`You are invited as ${PAYLOADS[1]}`)
      expect(await guest.title()).toBe(`Join ${TITLE_BREAKER} · Coder IDE`)
    } finally {
      await anonymous.close()
    }
    await visit(`/orgs/roles/${encodeURIComponent(PAYLOADS[0]!)}`)
    await visit(`/nowhere/${encodeURIComponent(PAYLOADS[1]!)}`)
    expect(await page.locator('h1').textContent()).toBe('Page not found')
  }, T)

  test('control: the checks catch a real injection (the fixture plugin prints its greeting unescaped)', async () => {
    // test/fixtures/fixture-notes answers `<h1>${greeting}</h1>` raw: a test fixture, never shipped.
    // With the CSP bypassed the payload runs, so the dialog handler and the DOM scan must both fire.
    await page.goto(`${p.url}/fixture-notes`)
    await page.waitForTimeout(50)
    expect(dialogs.some((d) => d.includes('greeting'))).toBe(true)
    expect((await scanForInjection(page)).map((x) => x.tag)).toContain('script')
    dialogs.length = 0
  }, T)
})
