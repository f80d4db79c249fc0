/**
 * The organization's Settings tab and the instance admin's organization page in Chromium, at 1280
 * and 390 px: nothing wider than the screen, the forms used with the keyboard (a wrong name typed
 * comes back with the error at the field and the text kept; the right one deletes). Screenshots:
 * org-settings-*, admin-org-*.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { fixturePlugins } from '../fixtures/index.ts'
import type { TestPlatform } from '../helpers/platform.ts'
import { ADMIN } from '../helpers/platform.ts'
import { closeBrowserRig, fieldByLabel, openBrowserRig, screenshot, signIn, typeInto } from './support.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
const errors: string[] = []

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig(fixturePlugins))
  page.on('pageerror', (e) => errors.push(e.message))
}, T)

afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: organization settings [sqlite]', () => {
  test(
    'settings: rename by keyboard, a wrong name typed to delete comes back at the field, the right one deletes',
    async () => {
      const { orgs, accounts } = p.deps.identity
      const doomed = await orgs.createOrg({ name: 'Doomed Widgets International' }, p.admin!.id)
      const worker = await accounts.createUser({ email: 'worker@example.com', name: 'Worker', password: 'worker password 1' })
      await orgs.addMember(doomed.id, worker.id, (await orgs.listRoles(doomed.id)).find((r) => r.builtin === 'member')!.id)
      await signIn(page, p.url, ADMIN.email, ADMIN.password)
      await page.goto(`${p.url}/orgs/members`)
      // switch to the new organization through the header menu
      await page.locator('details.org-switcher > summary').click()
      await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('details.org-switcher').getByRole('button', { name: 'Doomed Widgets International' }).click()])
      await page.goto(`${p.url}/orgs/settings`)
      expect(await page.locator('h1').textContent()).toBe('Doomed Widgets International')
      expect(await screenshot(page, 'org-settings')).toEqual({ 1280: 0, 390: 0 })

      await typeInto(page, 'Short name', 'Bad Address!')
      await Promise.all([page.waitForLoadState('load'), (await fieldByLabel(page, 'Short name')).press('Enter')])
      expect(await page.locator('#f-slug-error').textContent()).toContain('like acme-labs')
      expect(await (await fieldByLabel(page, 'Short name')).inputValue()).toBe('Bad Address!')
      expect(await screenshot(page, 'org-settings-error')).toEqual({ 1280: 0, 390: 0 })
      await typeInto(page, 'Short name', 'doomed')
      await Promise.all([page.waitForURL((u) => u.pathname === '/orgs/settings'), (await fieldByLabel(page, 'Short name')).press('Enter')])
      expect(await page.locator('.flash').textContent()).toContain('Saved')

      const label = 'Type Doomed Widgets International to confirm'
      await typeInto(page, label, 'Doomed')
      await Promise.all([page.waitForLoadState('load'), (await fieldByLabel(page, label)).press('Enter')])
      expect(await page.locator('#f-confirm-error').textContent()).toContain('exactly as shown')
      expect(await (await fieldByLabel(page, label)).inputValue()).toBe('Doomed')
      expect(await screenshot(page, 'org-settings-delete-error')).toEqual({ 1280: 0, 390: 0 })
      expect(await orgs.getOrg(doomed.id)).toBeDefined()

      await typeInto(page, label, 'Doomed Widgets International')
      await Promise.all([page.waitForURL((u) => u.pathname !== '/orgs/settings'), (await fieldByLabel(page, label)).press('Enter')])
      expect(await page.locator('.flash').textContent()).toContain('Doomed Widgets International is deleted.')
      expect(await orgs.getOrg(doomed.id)).toBeUndefined()
      // the admin works in Acme again
      await page.goto(`${p.url}/orgs/members`)
      expect(await page.locator('h1').textContent()).toBe('Acme')
      expect(errors).toEqual([])
    },
    T,
  )

  test(
    "the instance admin's organization page: members, Add me as owner, rename and delete forms fit both widths",
    async () => {
      const { orgs, accounts } = p.deps.identity
      const gone = await accounts.createUser({ email: 'gone.owner.with.a.rather.long.address@example.com', name: 'Gone Owner', password: 'gone password 1' })
      const org = await orgs.createOrg({ name: 'Abandoned Holdings' }, gone.id)
      await accounts.setDisabled(gone.id, true)
      await page.goto(`${p.url}/admin/orgs/${org.id}`)
      expect(await page.locator('main h2').first().textContent()).toBe('Abandoned Holdings')
      expect(await page.locator('main').textContent()).toContain('no active owner')
      expect(await screenshot(page, 'admin-org')).toEqual({ 1280: 0, 390: 0 })
      page.once('dialog', (d) => void d.accept())
      const claim = page.getByRole('button', { name: 'Add me as owner' })
      await claim.focus()
      await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')])
      await page.waitForSelector('.flash')
      expect(await page.locator('.flash').textContent()).toContain('You are an owner of Abandoned Holdings now')
      expect((await orgs.membership(p.admin!.id, org.id))?.role.builtin).toBe('owner')
      expect(await screenshot(page, 'admin-org-claimed')).toEqual({ 1280: 0, 390: 0 })
      expect(errors).toEqual([])
    },
    T,
  )
})
