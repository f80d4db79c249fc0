/**
 * In a real browser, on both dialects: `c` on a project's list opens the new-task form with the focus
 * in its title; `c` on /planning focuses the new-project form's first field; `?` opens the keyboard
 * shortcuts dialog and Esc closes it; a board column's "+" opens the new-task form in that state.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { DIALECTS } from '../../test/helpers/store.ts'
import { launchBrowser, newContext, signIn } from '../../test/e2e/support.ts'
import planning from './index.ts'

const T = 60_000

for (const dialect of DIALECTS) {
  describe(`planning keyboard [${dialect}]`, () => {
    let browser: Browser
    let p: TestPlatform
    let ctx: BrowserContext
    let page: Page
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('name') ?? document.activeElement?.tagName)

    beforeAll(async () => {
      browser = await launchBrowser()
      p = await startPlatform(dialect, [planning])
      ctx = await newContext(browser)
      page = await ctx.newPage()
      await signIn(page, p.url, ADMIN.email, ADMIN.password)
      await page.goto(`${p.url}/planning`)
      const csrf = await page.evaluate(() => JSON.parse(document.body.getAttribute('hx-headers:inherited') ?? '{}')['X-CSRF-Token'] as string)
      const res = await page.request.post(`${p.url}/api/v1/planning/projects`, { data: { key: 'KBD', name: 'Keys' }, headers: { 'x-csrf-token': csrf } })
      expect(res.status()).toBe(201)
    }, T)
    afterAll(async () => {
      await ctx?.close()
      await browser?.close()
      await p?.stop()
    })

    test('c on the list opens the new-task form, ready to type the title', async () => {
      await page.goto(`${p.url}/planning/projects/KBD`)
      await page.locator('main h1').click()
      await Promise.all([page.waitForURL(/\/tasks\/new$/), page.keyboard.press('c')])
      await page.waitForLoadState('load')
      expect(await focused()).toBe('title')
      await page.keyboard.type('Typed at once')
      expect(await page.locator('input[name="title"]').inputValue()).toBe('Typed at once')
    }, T)

    test('c on the projects page focuses the new project form', async () => {
      await page.goto(`${p.url}/planning`)
      await page.locator('main h1').click()
      await page.keyboard.press('c')
      expect(await focused()).toBe('key')
      expect(await page.locator('input[name="key"]').inputValue()).toBe('') // the c is not typed in
    }, T)

    test('? shows the shortcuts dialog; Esc closes it; not while typing', async () => {
      for (const path of ['/planning', '/planning/projects/KBD', '/planning/projects/KBD/board']) {
        await page.goto(`${p.url}${path}`)
        await page.locator('main h1').click()
        expect(await page.locator('#pl-shortcuts').isVisible()).toBe(false)
        await page.keyboard.press('?')
        expect(await page.locator('#pl-shortcuts').isVisible()).toBe(true)
        expect(await page.locator('#pl-shortcuts').innerText()).toContain('j / k')
        await page.keyboard.press('Escape')
        expect(await page.locator('#pl-shortcuts').isVisible()).toBe(false)
      }
      await page.keyboard.press('?')
      await page.getByRole('button', { name: 'Close' }).click()
      expect(await page.locator('#pl-shortcuts').isVisible()).toBe(false)
      await page.goto(`${p.url}/planning/projects/KBD`)
      await page.locator('#filter-q').focus()
      await page.keyboard.press('?')
      expect(await page.locator('#pl-shortcuts').isVisible()).toBe(false)
      expect(await page.locator('#filter-q').inputValue()).toBe('?')
    }, T)

    test("a board column's + opens the new-task form in that state", async () => {
      await page.goto(`${p.url}/planning/projects/KBD/board`)
      await Promise.all([page.waitForURL(/\/tasks\/new\?state=/), page.getByRole('link', { name: 'Add task in In Progress' }).click()])
      const selected = await page.locator('select[name="state"] option:checked').innerText()
      expect(selected).toBe('In Progress')
      expect(await focused()).toBe('title')
    }, T)
  })
}
