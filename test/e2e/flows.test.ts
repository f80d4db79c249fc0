/**
 * Browser flows against a real server (issue: "Setup, sign in, create an organization and a team,
 * invite a second user who signs up through the link, enable two-factor and sign in with a code,
 * disable a plugin and watch the nav lose it without a reload, re-enable it"), plus keyboard
 * access and screenshots of the main pages at 1280 and 390 px (test/artifacts/).
 *
 * The full flow runs on SQLite; sign-in and the plugin toggle run on PostgreSQL too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { fixturePlugins } from '../fixtures/index.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../helpers/platform.ts'
import { currentCode } from '../../core/auth/two-factor.ts'
import { fieldByLabel, launchBrowser, navLabels, newContext, screenshot, signIn, signOut, trackNavigations, typeInto } from './support.ts'

/** Per test and hook: a browser step takes seconds on 2 shared cores (bun's default is 5 s). */
const T = 30_000

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
}, T)
afterAll(() => browser?.close())

const path = (page: Page) => new URL(page.url()).pathname

/** Disables "Notes" with the htmx toggle on /admin/plugins and enables it again; the page never reloads. */
async function toggleNotes(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/admin/plugins`)
  expect(await navLabels(page)).toContain('Notes')
  const row = page.locator('#plugin-fixture-notes')
  expect(await row.locator('.badge').textContent()).toBe('Enabled')
  const navigations = trackNavigations(page)
  await page.evaluate(() => ((window as any).__e2eMarker = 'same page'))

  await row.getByRole('button', { name: 'Disable Notes' }).click()
  // First the row says what goes away, with the focus on Cancel (the safe choice) ...
  await row.getByText('Disable Notes?').waitFor()
  expect(await row.textContent()).toContain('Menu entries: Notes')
  expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel')
  expect(await navLabels(page)).toContain('Notes')
  // ... Cancel puts the row back, focus on its toggle; asking again and confirming disables it.
  await page.keyboard.press('Enter')
  await row.locator('.badge').waitFor()
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Disable Notes')
  await page.keyboard.press('Enter')
  await row.getByText('Disable Notes?').waitFor()
  await row.getByRole('button', { name: 'Disable Notes' }).click()
  await page.waitForFunction(() => !Array.from(document.querySelectorAll('#main-nav a')).some((a) => a.textContent?.includes('Notes')))
  expect(await row.locator('.badge').textContent()).toBe('Disabled')
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Enable Notes')
  expect(await navLabels(page)).not.toContain('Notes')
  // Out-of-band swap: same document, no navigation.
  expect(await page.evaluate(() => (window as any).__e2eMarker)).toBe('same page')
  expect(navigations.count()).toBe(0)
  expect(path(page)).toBe('/admin/plugins')

  await row.getByRole('button', { name: 'Enable Notes' }).click()
  await page.waitForFunction(() => Array.from(document.querySelectorAll('#main-nav a')).some((a) => a.textContent?.includes('Notes')))
  expect(await row.locator('.badge').textContent()).toBe('Enabled')
  expect(await page.evaluate(() => (window as any).__e2eMarker)).toBe('same page')
  expect(navigations.count()).toBe(0)
  // The nav link works again (a real navigation this time).
  await page.locator('#main-nav a', { hasText: 'Notes' }).click()
  await page.waitForURL((u) => u.pathname === '/fixture-notes')
  expect(await page.locator('h1').textContent()).toBe('Hello')
}

describe('browser: first run to plugin toggle [sqlite]', () => {
  const GRACE = { name: 'Grace Hopper', email: 'grace@example.com', password: 'grace e2e password', org: 'Hopper Labs' }
  const LIN = { name: 'Lin Member', email: 'lin@example.com', password: 'lin e2e password' }
  let p: TestPlatform
  let ctx: BrowserContext
  let page: Page
  let secret = ''

  beforeAll(async () => {
    p = await startPlatform('sqlite', fixturePlugins, {}, { setup: false })
    ctx = await newContext(browser)
    page = await ctx.newPage()
  }, T)
  afterAll(async () => {
    await ctx?.close()
    await p?.stop()
  }, T)

  test('first run: / leads to /setup; the keyboard fills the form; signed in on the home page', async () => {
    await page.goto(`${p.url}/`)
    expect(path(page)).toBe('/setup')
    expect(await page.locator('h1').textContent()).toBe('Set up Coder IDE')
    await screenshot(page, 'setup')
    // The name field has autofocus; Tab walks name → email → password → organization.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-name')
    await page.keyboard.type(GRACE.name)
    await page.keyboard.press('Tab')
    await page.keyboard.type(GRACE.email)
    await page.keyboard.press('Tab')
    await page.keyboard.type(GRACE.password)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-org')
    await page.keyboard.type(GRACE.org)
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.keyboard.press('Enter')])
    expect(await page.locator('main h1').textContent()).toBe(`Welcome, ${GRACE.name}`)
    expect(await page.locator('main').innerText()).toContain(`You are working in ${GRACE.org}.`)
    expect(await page.locator('details.user-menu > summary').innerText()).toBe(GRACE.name)
    expect(await page.locator('details.org-switcher > summary').innerText()).toBe(GRACE.org)
    expect(await navLabels(page)).toContain('Notes')
    // Setup is gone for good.
    const again = await page.goto(`${p.url}/setup`)
    expect(again!.status()).toBe(404)
  }, T)

  test('sign out through the user menu, sign in again', async () => {
    await page.goto(`${p.url}/`)
    await signOut(page)
    await screenshot(page, 'sign-in')
    // A wrong password keeps the email and says so.
    await typeInto(page, 'Email', GRACE.email)
    await typeInto(page, 'Password', 'not the password')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.form-error')
    expect(await page.locator('.form-error').textContent()).toBe('The email or password is not right.')
    await signIn(page, p.url, GRACE.email, GRACE.password)
    expect(await page.locator('main h1').textContent()).toBe(`Welcome, ${GRACE.name}`)
  }, T)

  test('create an organization and a team', async () => {
    await page.goto(`${p.url}/orgs/new`)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-name')
    await page.keyboard.type('Orbital')
    await Promise.all([page.waitForURL((u) => u.pathname === '/orgs/members'), page.keyboard.press('Enter')])
    expect(await page.locator('.flash').textContent()).toContain('Orbital is created')
    expect(await page.locator('main h1').textContent()).toBe('Orbital')
    expect(await page.locator('details.org-switcher > summary').innerText()).toBe('Orbital')

    await page.goto(`${p.url}/orgs/teams`)
    expect(await page.locator('.empty-state').innerText()).toContain('No teams yet')
    await typeInto(page, 'Name', 'Platform')
    await typeInto(page, 'Description (optional)', 'Keeps the servers running')
    await Promise.all([page.waitForURL((u) => u.pathname === '/orgs/teams'), page.keyboard.press('Enter')])
    await page.waitForSelector('.flash')
    expect(await page.locator('.flash').textContent()).toContain('Team Platform is created')
    const team = page.locator('section.team')
    expect(await team.locator('h2').textContent()).toBe('Platform')
    expect(await team.locator('p.muted').first().textContent()).toBe('Keeps the servers running')
  }, T)

  test('invite a second user: the link from the page, sign-up in another browser context, member of the org', async () => {
    await page.goto(`${p.url}/orgs/members`)
    await typeInto(page, 'Email (optional)', LIN.email)
    await page.getByRole('button', { name: 'Create invitation link' }).click()
    await page.waitForSelector('#invite-link')
    const link = (await page.locator('#invite-link').textContent())!.trim()
    expect(link).toStartWith(`${p.url}/invite/`)
    expect(await page.locator('.invite-created').innerText()).toContain(`only ${LIN.email} can use it`)

    const other = await newContext(browser, 390)
    try {
      const lin = await other.newPage()
      await lin.goto(link)
      expect(await lin.locator('h1').textContent()).toBe('Join Orbital')
      expect(await lin.locator('main').innerText()).toContain('You are invited as Member')
      expect(await (await fieldByLabel(lin, 'Email')).inputValue()).toBe(LIN.email)
      await lin.keyboard.type(LIN.name) // the name field has autofocus
      await typeInto(lin, 'Password', LIN.password)
      await Promise.all([lin.waitForURL((u) => u.pathname === '/'), lin.keyboard.press('Enter')])
      expect(await lin.locator('.flash').textContent()).toBe('Welcome to Orbital.')
      expect(await lin.locator('main h1').textContent()).toBe(`Welcome, ${LIN.name}`)
      expect(await lin.locator('details.org-switcher > summary').textContent()).toContain('Orbital')
      await lin.goto(`${p.url}/account`)
      const row = lin.locator('main table tr', { hasText: 'Orbital' })
      expect(await row.locator('td').nth(1).textContent()).toBe('Member')
      // The link works once.
      await lin.goto(link)
      expect(await lin.locator('h1').textContent()).toBe('This invitation link does not work')
    } finally {
      await other.close()
    }

    await page.goto(`${p.url}/orgs/members`)
    const member = page.locator('main table tr', { hasText: LIN.email })
    expect(await member.locator('td').first().textContent()).toBe(LIN.name)
    expect(await page.locator('main').innerText()).toContain('2 members')
  }, T)

  test('two-factor: enroll with the secret on the page, see recovery codes, sign in with password + code', async () => {
    await page.goto(`${p.url}/account/2fa`)
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click()
    await page.waitForSelector('#totp-secret')
    secret = (await page.locator('#totp-secret').textContent())!.trim()
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    expect(await page.locator('.qr svg').count()).toBe(1)
    await screenshot(page, '2fa-enrollment')
    // Turning it on asks for the password again: without it the browser does not even send the form.
    expect(await (await fieldByLabel(page, 'Current password')).getAttribute('required')).not.toBeNull()
    // A wrong password keeps the enrollment and says why.
    await typeInto(page, 'Code', currentCode(secret))
    await typeInto(page, 'Current password', 'not my password')
    await page.keyboard.press('Enter')
    await page.waitForSelector('#f-password-error')
    expect(await page.locator('#totp-secret').textContent()).toBe(secret)
    // So does a wrong code.
    await typeInto(page, 'Code', '000000')
    await typeInto(page, 'Current password', GRACE.password)
    await page.keyboard.press('Enter')
    await page.waitForSelector('#f-code-error')
    expect(await page.locator('#totp-secret').textContent()).toBe(secret)
    await typeInto(page, 'Code', currentCode(secret))
    await typeInto(page, 'Current password', GRACE.password)
    await page.keyboard.press('Enter')
    await page.waitForSelector('#recovery-codes')
    expect(await page.locator('main h2').textContent()).toBe('Two-factor sign-in is on')
    expect(await page.locator('#recovery-codes li').count()).toBeGreaterThanOrEqual(8)

    await signOut(page)
    await signIn(page, p.url, GRACE.email, GRACE.password, () => currentCode(secret, 1))
    expect(await page.locator('main h1').textContent()).toBe(`Welcome, ${GRACE.name}`)
    await page.goto(`${p.url}/account`)
    expect(await page.locator('main').innerText()).toContain('Manage two-factor sign-in')
  }, T)

  test('disable "Notes" with the htmx toggle: the nav loses it without a navigation; enable it again', async () => {
    await toggleNotes(page, p.url)
  }, T)

  test('keyboard: the skip link is the first Tab stop and focuses #main; dropdowns open with Enter, close with Escape', async () => {
    await page.goto(`${p.url}/`)
    await page.keyboard.press('Tab')
    const first = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement
      const box = el.getBoundingClientRect()
      return { cls: el.className, text: el.textContent?.trim(), visible: box.left >= 0 && box.top >= 0 && box.width > 0 }
    })
    expect(first).toEqual({ cls: 'skip-link', text: 'Skip to content', visible: true })
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')

    for (const menu of ['user-menu', 'org-switcher']) {
      const details = page.locator(`details.${menu}`)
      await details.locator('summary').focus()
      await page.keyboard.press('Enter')
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
      expect(await details.locator('ul').isVisible()).toBe(true)
      await page.keyboard.press('Escape')
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
      expect(await details.evaluate((d) => document.activeElement === d.querySelector('summary'))).toBe(true)
    }
    // Tab order through the menu once open: the first item is reachable with Tab.
    await page.locator('details.user-menu > summary').focus()
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Account')
    await page.keyboard.press('Escape')

    // Narrow screens: the menu button opens the nav with Enter and Escape closes it.
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      const panel = page.locator('.nav-panel')
      expect(await panel.isVisible()).toBe(false)
      await page.locator('details.nav-toggle > summary').focus()
      await page.keyboard.press('Enter')
      expect(await panel.isVisible()).toBe(true)
      expect(await page.locator('#main-nav a', { hasText: 'Notes' }).isVisible()).toBe(true)
      await page.keyboard.press('Escape')
      expect(await panel.isVisible()).toBe(false)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  }, T)

  test('switch organization in the header, then screenshots of the main pages at 1280 and 390 px', async () => {
    // A new session starts in the first organization; the switcher moves to Orbital.
    await page.goto(`${p.url}/`)
    await page.locator('details.org-switcher > summary').click()
    await screenshot(page, 'org-switcher-open')
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('details.org-switcher').getByRole('button', { name: 'Orbital' }).click()])
    expect(await page.locator('.flash').textContent()).toBe('You are working in Orbital now.')
    expect(await page.locator('details.org-switcher > summary').innerText()).toBe('Orbital')

    const shots: [string, string, string][] = [
      ['home', '/', `Welcome, ${GRACE.name}`],
      ['account', '/account', 'Your account'],
      ['tokens', '/account/tokens', 'Your account'],
      ['org-members', '/orgs/members', 'Orbital'],
      ['org-teams', '/orgs/teams', 'Orbital'],
      ['org-roles', '/orgs/roles', 'Orbital'],
      ['admin-plugins', '/admin/plugins', 'Instance admin'],
      ['admin-users', '/admin/users', 'Instance admin'],
      ['admin-audit', '/admin/audit', 'Instance admin'],
    ]
    for (const [name, url, heading] of shots) {
      const res = await page.goto(`${p.url}${url}`)
      expect(res!.status()).toBe(200)
      expect(await page.locator('main h1').first().textContent()).toBe(heading)
      expect({ name, overflow: await screenshot(page, name) }).toEqual({ name, overflow: { 1280: 0, 390: 0 } })
    }
    const missing = await page.goto(`${p.url}/does-not-exist`)
    expect(missing!.status()).toBe(404)
    expect(await page.locator('.error-code').textContent()).toBe('404')
    expect(await page.locator('h1').textContent()).toBe('Page not found')
    expect(await screenshot(page, 'error-404')).toEqual({ 1280: 0, 390: 0 })
  }, T)
})

describe('browser: sign-in and plugin toggle [postgres]', () => {
  let p: TestPlatform
  let ctx: BrowserContext

  beforeAll(async () => {
    p = await startPlatform('postgres', fixturePlugins)
    ctx = await newContext(browser)
  }, T)
  afterAll(async () => {
    await ctx?.close()
    await p?.stop()
  }, T)

  test('sign in, disable and enable "Notes" without a reload, sign out', async () => {
    const page = await ctx.newPage()
    await signIn(page, p.url, ADMIN.email, ADMIN.password)
    expect(await page.locator('main h1').textContent()).toBe(`Welcome, ${ADMIN.name}`)
    await toggleNotes(page, p.url)
    await page.goto(`${p.url}/`)
    await signOut(page)
  }, T)
})
