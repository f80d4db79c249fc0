/**
 * @module Browser tests' helpers: one headless Chromium (Debian's, never a downloaded one), typing
 * and signing in through the real pages, navigation tracking, screenshots at two widths, and the
 * DOM checks the XSS corpus uses.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'bun:test'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core'
import type { PluginManifest } from '../../core/plugins/contract.ts'
import { startPlatform, type TestPlatform } from '../helpers/platform.ts'

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = join(import.meta.dir, '..', 'artifacts')

/** The widths every screenshot is taken at: a laptop and a phone. */
export const WIDTHS = [1280, 390] as const

/** Launches Debian's Chromium headless. One per test file; close it in afterAll. */
export function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  if (!existsSync(executablePath)) {
    throw new Error(`the browser tests need Chromium at ${executablePath}: apt-get install -y chromium (Debian), or set CHROMIUM_PATH`)
  }
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** Playwright's waits, well under the test timeout (a timed-out bun test kills the browser). */
export const ACTION_TIMEOUT = 8_000

/**
 * The form field labelled `label` exactly. Field (views/components.tsx) wraps the input with its
 * hint in the label, so the accessible name is longer: match the label's own <span> instead.
 */
export async function fieldByLabel(page: Page, label: string): Promise<Locator> {
  const id = await page.locator(`label:has(> span:text-is(${JSON.stringify(label)}))`).getAttribute('for')
  return page.locator(`#${id}`)
}

/** Types `text` into the field with this label after clicking it: real key presses, as a user would. */
export async function typeInto(page: Page, label: string, text: string): Promise<void> {
  const field = await fieldByLabel(page, label)
  await field.click()
  await field.press('ControlOrMeta+a')
  await field.pressSequentially(text)
}

/** Signs in through /login with the keyboard; answers the two-factor step when `code` is given. */
export async function signIn(page: Page, base: string, email: string, password: string, code?: () => string): Promise<void> {
  await page.goto(`${base}/login`)
  await typeInto(page, 'Email', email)
  await typeInto(page, 'Password', password)
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.keyboard.press('Enter')])
  if (code) {
    expect(new URL(page.url()).pathname).toBe('/login/2fa')
    expect(await page.locator('h1').textContent()).toBe('Two-factor sign-in')
    await page.keyboard.type(code()) // the code field has autofocus
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.keyboard.press('Enter')])
  }
  expect(new URL(page.url()).pathname).toBe('/')
}

/** Signs out through the user menu in the header. */
export async function signOut(page: Page): Promise<void> {
  await page.locator('details.user-menu > summary').click()
  const button = page.locator('details.user-menu').getByRole('button', { name: 'Sign out' })
  expect(await button.isVisible()).toBe(true)
  await Promise.all([page.waitForURL((u) => u.pathname === '/login'), button.click()])
  expect(await page.locator('.flash').textContent()).toContain('You are signed out.')
}

/**
 * Counts document loads of the page's main frame (navigation requests): an htmx swap makes none.
 * (Playwright's framenavigated also fires for same-document history updates, which htmx makes.)
 */
export function trackNavigations(page: Page): { count: () => number } {
  let n = 0
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) n++
  })
  return { count: () => n }
}

/** The labels of the nav entries in the header. */
export function navLabels(page: Page): Promise<string[]> {
  return page.locator('#main-nav a').evaluateAll((as) => as.map((a) => (a.textContent ?? '').trim()))
}

/**
 * Saves full-page PNGs of the current page at both widths, then restores the laptop width.
 * Returns the page's horizontal overflow (scrollWidth beyond the viewport) at each width: a page
 * should never scroll sideways (wide tables scroll inside their .table-wrap).
 */
export async function screenshot(page: Page, name: string): Promise<Record<number, number>> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const before = page.viewportSize() ?? { width: WIDTHS[0], height: 900 }
  const overflow: Record<number, number> = {}
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
    overflow[width] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize(before)
  return overflow
}

/** What the DOM scan found: elements a payload could have created. */
export interface Injection {
  tag: string
  why: string
}

/**
 * Scans the whole DOM for markup an XSS payload would create: any on* attribute, a javascript:
 * URL, an inline script or style element, or an iframe/object/embed/img[src=x]. The pages carry none of these
 * legitimately (CSP: no inline script, no inline handlers).
 */
export function scanForInjection(page: Page): Promise<Injection[]> {
  return page.evaluate(() => {
    const found: { tag: string; why: string }[] = []
    for (const el of Array.from(document.querySelectorAll('*'))) {
      const tag = el.tagName.toLowerCase()
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) found.push({ tag, why: `${a.name}="${a.value}"` })
        if (/^(href|src|action|formaction|data|xlink:href)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)) found.push({ tag, why: `${a.name}="${a.value}"` })
      }
      if (tag === 'script' && (!el.getAttribute('src') || /alert/.test(el.textContent ?? ''))) found.push({ tag, why: `inline script: ${el.textContent}` })
      if (tag === 'iframe' || tag === 'object' || tag === 'embed') found.push({ tag, why: 'embedded frame' })
      if (tag === 'style') found.push({ tag, why: `inline style element: ${el.textContent}` })
      if (tag === 'img' && el.getAttribute('src') === 'x') found.push({ tag, why: 'img src=x' })
    }
    return found
  })
}

/** A fresh browser context (own cookies) with short Playwright timeouts. */
export async function newContext(browser: Browser, width = 1280, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, ...options })
  ctx.setDefaultTimeout(ACTION_TIMEOUT)
  ctx.setDefaultNavigationTimeout(ACTION_TIMEOUT)
  return ctx
}

/** What a browser test file opens in beforeAll: Chromium, a platform, one context and its page. */
export interface BrowserRig {
  browser: Browser
  p: TestPlatform
  ctx: BrowserContext
  page: Page
}

/**
 * Launches Chromium, starts a platform on SQLite with `plugins` and opens a page in a fresh
 * context (not signed in); `beforePage` prepares the context first (init scripts). If a step
 * fails, closes what it opened before throwing.
 */
export async function openBrowserRig(plugins: PluginManifest<any>[], options: { beforePage?: (ctx: BrowserContext) => Promise<void> } = {}): Promise<BrowserRig> {
  const rig: Partial<BrowserRig> = {}
  try {
    rig.browser = await launchBrowser()
    rig.p = await startPlatform('sqlite', plugins)
    rig.ctx = await newContext(rig.browser)
    await options.beforePage?.(rig.ctx)
    rig.page = await rig.ctx.newPage()
    return rig as BrowserRig
  } catch (e) {
    await closeBrowserRig(rig)
    throw e
  }
}

/** Closes a browser test's context, browser and platform (for afterAll; any may be missing). */
export async function closeBrowserRig(rig: Partial<Pick<BrowserRig, 'browser' | 'p' | 'ctx'>>): Promise<void> {
  await rig.ctx?.close()
  await rig.browser?.close()
  await rig.p?.stop()
}

/** The CSRF token of the page now open (core puts it in `hx-headers:inherited` on <body>). */
export async function pageCsrf(page: Page): Promise<string> {
  return (await page.locator('body').getAttribute('hx-headers:inherited'))!.match(/"X-CSRF-Token":"([^"]+)"/)![1]!
}

/**
 * A JSON API client over the signed-in page's session: opens `start` (a page of the platform) for
 * its CSRF token, then `post(path, data)` expects a 201 and returns the created object.
 */
export async function pageApi(page: Page, base: string, start = '/'): Promise<{ token: string; post: (path: string, data: unknown) => Promise<{ id: string }> }> {
  await page.goto(`${base}${start}`)
  const token = await pageCsrf(page)
  return {
    token,
    post: async (path, data) => {
      const res = await page.request.post(`${base}${path}`, { data, headers: { 'x-csrf-token': token } })
      if (res.status() !== 201) throw new Error(`POST ${path} answered ${res.status()}: ${await res.text()}`)
      return (await res.json()) as { id: string }
    },
  }
}
