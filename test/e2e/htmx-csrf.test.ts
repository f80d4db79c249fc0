/**
 * The CSRF header reaches htmx requests that carry no `_csrf` field: a bare `hx-post`, `hx-delete`
 * and `hx-put` button outside any form (a fixture plugin's page), clicked in Chromium, passes the
 * front door's CSRF check. htmx 4 inherits attributes only when the ancestor says `:inherited`, so
 * this is what the `hx-headers:inherited` on <body> (views/layout.tsx) is for; docs/PLUGINS.md tells
 * plugin authors they can rely on it. A context whose page loses the header gets 403, so the
 * check can fail.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import bare from '../fixtures/fixture-htmx-csrf/index.ts'
import { ADMIN, type TestPlatform } from '../helpers/platform.ts'
import { closeBrowserRig, openBrowserRig, signIn } from './support.ts'

/** A browser step takes seconds on 2 shared cores. */
const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
const errors: string[] = []

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([bare]))
  page.on('pageerror', (e) => errors.push(e.message))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
}, T)

afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

/** Clicks a button and returns the status of the htmx request it made and what was swapped in. */
async function press(id: string, method: string): Promise<{ status: number; csrf: string | undefined; out: string }> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/fixture-htmx-csrf/ping') && r.request().method() === method),
    page.locator(`#${id}`).click(),
  ])
  await page.waitForFunction(() => (document.querySelector('#out')?.textContent ?? '').length > 0)
  const out = (await page.locator('#out').textContent()) ?? ''
  await page.evaluate(() => {
    document.querySelector('#out')!.textContent = ''
  })
  return { status: response.status(), csrf: (await response.request().allHeaders())['x-csrf-token'], out }
}

describe('browser: bare htmx buttons send the CSRF header [sqlite]', () => {
  test('hx-post, hx-delete and hx-put outside any form pass CSRF', async () => {
    await page.goto(`${p.url}/fixture-htmx-csrf`)
    expect(await page.locator('h1').textContent()).toBe('Bare htmx buttons')
    expect(await page.locator('form #bare-post, form #bare-delete, form #bare-put').count()).toBe(0)
    await page.waitForFunction(() => !!(window as unknown as { htmx?: unknown }).htmx)
    for (const [id, method] of [['bare-post', 'POST'], ['bare-delete', 'DELETE'], ['bare-put', 'PUT']] as const) {
      const result = await press(id, method)
      expect({ id, status: result.status, sent: !!result.csrf, out: result.out }).toEqual({ id, status: 200, sent: true, out: `${method} passed` })
    }
    // What docs/PLUGINS.md tells script authors (and plugins/planning/public/board.js does) reads the same token.
    const forScripts = await page.evaluate(() => JSON.parse(document.body.getAttribute('hx-headers:inherited') ?? '{}')['X-CSRF-Token'] as string)
    const sent = await press('bare-post', 'POST')
    expect(forScripts).toBe(sent.csrf!)
    expect(errors).toEqual([])
  }, T)

  test('the check can fail: without the header on <body>, the same button is refused', async () => {
    await page.goto(`${p.url}/fixture-htmx-csrf`)
    await page.waitForFunction(() => !!(window as unknown as { htmx?: unknown }).htmx)
    await page.evaluate(() => {
      for (const a of Array.from(document.body.attributes)) if (a.name.startsWith('hx-headers')) document.body.removeAttribute(a.name)
    })
    const result = await press('bare-post', 'POST')
    expect(result.status).toBe(403)
    expect(result.csrf).toBeUndefined()
  }, T)
})
