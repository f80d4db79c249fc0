/**
 * htmx responses cannot run script, in Chromium with the platform's real Content-Security-Policy
 * (not bypassed). User-controlled text carrying an inline <script>, an <img onerror>, hx-on
 * attributes and a javascript: link comes back through real htmx swaps (a comment posted with the
 * thread's composer; a task title on the board, re-rendered when the card's state select swaps
 * #board; a member's name in the @mention list), and nothing runs: window.__pwned stays undefined,
 * no CSP violation is even reported (the text was escaped or sanitized, so nothing tried), no
 * markup is injected. Then a fixture plugin's raw, unescaped fragment is swapped in by htmx: htmx
 * re-creates its <script> and compiles its hx-on / js: attributes with the Function constructor,
 * and the CSP blocks every one (violations reported, nothing ran). A control context with the CSP
 * bypassed runs the same fragment, so the checks can fail. The policy itself (script-src without
 * 'unsafe-inline' / 'unsafe-eval') and htmx's configuration (no script nonce, no security hook
 * that would swap in another Function constructor) are checked too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { builtinPlugins } from '../../plugins/index.ts'
import rawHtml from '../fixtures/fixture-raw-html/index.ts'
import { ADMIN, type TestPlatform } from '../helpers/platform.ts'
import type { Client } from '../helpers/client.ts'
import { closeBrowserRig, newContext, openBrowserRig, scanForInjection, trackNavigations, typeInto } from './support.ts'

/** A browser step takes seconds on 2 shared cores (bun's default per test is 5 s). */
const T = 60_000

/** User text that would run script if it ever reached the DOM as markup. */
const PAYLOAD = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b hx-on:click="window.__pwned=3" hx-on::load="window.__pwned=4">bold</b>`
const COMMENT = [
  'Before the payload.',
  PAYLOAD,
  '<span hx-get="/planning" hx-trigger="load" hx-on::after:init="window.__pwned=5">span</span>',
  '[a link](javascript:window.__pwned=6) <a href="javascript:window.__pwned=7">raw link</a>',
  'After the payload.',
].join('\n\n')
const NAME = `<img src=x onerror="window.__pwned='mention'"> Mallory`

type Violation = { directive: string; blocked: string; sample: string }

/** Records CSP violations from the first script on (init scripts are not subject to the page's CSP). */
async function recordViolations(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const w = window as unknown as { __violations: Violation[] }
    w.__violations = []
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__violations.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, sample: e.sample })
    })
  })
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations)

/** Signs in through the real /login form (with the dashboard on, / leads to /dashboard). */
async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/login`)
  await typeInto(page, 'Email', ADMIN.email)
  await typeInto(page, 'Password', ADMIN.password)
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.keyboard.press('Enter')])
}

/** Elements under `selector` that carry an attribute htmx or the browser would act on. */
function activeAttributes(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((roots) => {
    const found: string[] = []
    for (const root of roots) {
      for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
        for (const a of Array.from(el.attributes)) {
          if (/^(on|hx-on|data-hx-on)/i.test(a.name) || (/^(href|src|action|formaction)$/i.test(a.name) && /^\s*javascript:/i.test(a.value))) found.push(`${el.tagName.toLowerCase()} ${a.name}="${a.value}"`)
        }
        if (el.tagName === 'SCRIPT') found.push(`script: ${el.textContent}`)
      }
    }
    return found
  })
}

/** The script-src the policy enforces (default-src when script-src is absent). */
function scriptSources(csp: string): string[] {
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  )
  return directives.get('script-src') ?? directives.get('default-src') ?? []
}

let browser: Browser
let p: TestPlatform
let ada: Client
let ctx: BrowserContext
let page: Page
const errors: string[] = []

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([...builtinPlugins, rawHtml], { beforePage: recordViolations }))
  ada = await p.adminClient()
  const json = async (path: string, body: unknown) => {
    const res = await ada.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': ada.csrf }, body: JSON.stringify(body) })
    expect(res.status).toBe(201)
    return res.json()
  }
  await json('/api/v1/planning/projects', { key: 'WEB', name: 'Website' })
  await json('/api/v1/planning/tasks', { project: 'WEB', title: 'A plain task' })
  await json('/api/v1/planning/tasks', { project: 'WEB', title: PAYLOAD })
  // A member whose name is markup, for the @mention list.
  const { accounts, orgs } = p.deps.identity
  const mallory = await accounts.createUser({ email: 'mallory-mention@example.com', name: NAME, password: 'member password 1' })
  const role = (await orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!
  await orgs.addMember(p.org!.id, mallory.id, role.id)

  page.on('pageerror', (e) => errors.push(e.message))
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`)
    void d.dismiss().catch(() => {})
  })
  await signIn(page, p.url)
}, T)

afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: htmx responses cannot run script [sqlite]', () => {
  test('the policy: script-src without unsafe-inline or unsafe-eval, on pages and on htmx fragments', async () => {
    const res = await page.goto(`${p.url}/planning/tasks/WEB-2`)
    expect(res!.status()).toBe(200)
    const csp = (await res!.allHeaders())['content-security-policy'] ?? ''
    const sources = scriptSources(csp)
    expect(sources.length).toBeGreaterThan(0)
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "'strict-dynamic'", '*', 'data:', 'blob:', 'http:', 'https:']) {
      expect({ bad, in: sources.includes(bad) }).toEqual({ bad, in: false })
    }
    expect(sources.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha"))).toBe(false)
    // No <meta http-equiv> policy in the page that could widen it.
    expect(await page.locator('meta[http-equiv="Content-Security-Policy" i]').count()).toBe(0)
    // An htmx fragment carries the same policy.
    const fragment = await page.request.get(`${p.url}/planning/projects/WEB/board`, { headers: { 'hx-request': 'true' } })
    expect(fragment.status()).toBe(200)
    expect(fragment.headers()['content-security-policy']).toBe(csp)
    // That the browser enforces it (inline script and eval refused) is shown with the raw fragment below.
  }, T)

  test("htmx's configuration: no script nonce, nothing that re-enables eval", async () => {
    await page.goto(`${p.url}/planning/projects/WEB/board`)
    const config = await page.evaluate(() => {
      const htmx = (window as unknown as { htmx: { config: Record<string, unknown> } }).htmx
      return { loaded: !!htmx, nonce: htmx.config.inlineScriptNonce ?? null, meta: document.querySelector('meta[name="htmx-config"]')?.getAttribute('content') ?? null }
    })
    expect(config.loaded).toBe(true)
    expect(config.nonce).toBeNull()
    expect(config.meta).not.toBeNull()
    expect(config.meta!).not.toMatch(/nonce|eval|script/i)
    // Our client files (views/layout.tsx loads htmx and public/app.js; plugins add theirs) never set a
    // nonce, replace htmx's Function constructors (initSecurity), or eval.
    const root = join(import.meta.dir, '..', '..')
    const files = ['views/layout.tsx', 'public/app.js', ...readdirSync(join(root, 'public'), { recursive: true }).map(String).filter((f) => f.endsWith('.js')).map((f) => `public/${f}`)]
    for (const file of new Set(files)) {
      const text = readFileSync(join(root, file), 'utf8')
      expect({ file, found: text.match(/inlineScriptNonce|initSecurity|unsafe-eval|unsafe-inline|\beval\s*\(|new Function\b|setTimeout\(\s*['"`]/g) ?? [] }).toEqual({ file, found: [] })
    }
  }, T)

  test('a comment posted through the htmx composer: sanitized, nothing runs, nothing even tries', async () => {
    await page.goto(`${p.url}/planning/tasks/WEB-1`)
    const navigations = trackNavigations(page)
    const box = page.locator('.collab-composer textarea[id^="new-"]')
    await box.fill(COMMENT)
    const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/collaboration/comments' && r.request().method() === 'POST')
    await page.locator('.collab-composer button[type=submit]').first().click()
    const res = await posted
    expect(res.status()).toBe(200)
    expect(res.request().headers()['hx-request']).toBe('true')
    await page.locator('.collab-comment .collab-body').first().waitFor()
    expect(navigations.count()).toBe(0)
    const body = page.locator('.collab-comment .collab-body').first()
    expect(await body.innerText()).toContain('Before the payload.')
    expect(await body.innerText()).toContain('After the payload.')
    // hx-on handlers fire on click; the links would navigate to their javascript: URL.
    for (const el of await body.locator('b, span, a').all()) await el.click({ timeout: 2_000 }).catch(() => {})
    await page.waitForTimeout(300)
    expect(await activeAttributes(page, '.collab-comment')).toEqual([])
    expect(await scanForInjection(page)).toEqual([])
    expect(await pwned(page)).toBeUndefined()
    expect(await violations(page)).toEqual([])
    expect(errors).toEqual([])
  }, T)

  test('a task title on the board, swapped back by htmx when its card moves: text, nothing runs', async () => {
    await page.goto(`${p.url}/planning/projects/WEB/board`)
    const title = page.locator('#card-WEB-2 .pl-card-title span')
    expect(await title.textContent()).toBe(PAYLOAD)
    const navigations = trackNavigations(page)
    const select = page.getByLabel('State of WEB-2')
    const current = await select.inputValue()
    const other = await select.locator('option').evaluateAll((os, cur) => os.map((o) => (o as HTMLOptionElement).value).find((v) => v !== cur)!, current)
    const swapped = page.waitForResponse((r) => new URL(r.url()).pathname === '/planning/tasks/WEB-2/state' && r.request().method() === 'POST')
    await select.selectOption(other)
    const res = await swapped
    expect(res.status()).toBe(200)
    expect(res.request().headers()['hx-request']).toBe('true')
    // The response is the board fragment, with the title in it (escaped).
    const html = await res.text()
    expect(html).toContain('id="board"')
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;')
    await page.waitForFunction((v) => (document.querySelector('#card-WEB-2 select') as HTMLSelectElement | null)?.value === v, other)
    expect(navigations.count()).toBe(0)
    expect(await page.locator('#card-WEB-2 .pl-card-title span').textContent()).toBe(PAYLOAD)
    await page.locator('#card-WEB-2 .pl-card-title span').click({ trial: true })
    await page.waitForTimeout(300)
    expect(await activeAttributes(page, '#board')).toEqual([])
    expect(await scanForInjection(page)).toEqual([])
    expect(await pwned(page)).toBeUndefined()
    expect(await violations(page)).toEqual([])
    expect(errors).toEqual([])
  }, T)

  test("a member's name in the @mention list (fetched and inserted by collaboration/live.js): text", async () => {
    await page.goto(`${p.url}/planning/tasks/WEB-1`)
    const box = page.locator('.collab-composer textarea[id^="new-"]')
    await box.click()
    await box.pressSequentially('Ping @mallory')
    const item = page.locator('.collab-mention-list [data-mention-id]').first()
    await item.waitFor()
    expect(await item.locator('span').first().textContent()).toBe(NAME)
    await page.waitForTimeout(300)
    expect(await activeAttributes(page, '.collab-mention-list')).toEqual([])
    expect(await pwned(page)).toBeUndefined()
    expect(await violations(page)).toEqual([])
    await page.keyboard.press('Escape')
  }, T)

  test('a raw <script> and hx-on in a fragment htmx swaps in: the CSP blocks every attempt', async () => {
    await page.goto(`${p.url}/fixture-raw-html`)
    const navigations = trackNavigations(page)
    await page.locator('#raw-load').click()
    await page.locator('#raw-arrived').waitFor()
    // htmx re-created the script element so that it would run: only the policy stops it.
    expect(await page.locator('#raw-out script').count()).toBe(1)
    await page.locator('#raw-onclick').click()
    await page.locator('#raw-hx-on-click').click()
    await page.locator('#raw-hx-vals').click()
    await page.locator('#raw-hx-filter').click()
    await page.locator('#raw-js-link').click()
    await page.waitForTimeout(500)
    expect(navigations.count()).toBe(0)
    expect(await pwned(page)).toBeUndefined()
    const seen = await violations(page)
    const directives = new Set(seen.map((v) => v.directive))
    const blocked = new Set(seen.map((v) => v.blocked))
    // The inline script element, the inline handlers and the javascript: URL ...
    expect(directives.has('script-src-elem')).toBe(true)
    expect(directives.has('script-src-attr')).toBe(true)
    expect(blocked.has('inline')).toBe(true)
    // ... and htmx's Function constructor (hx-on, js: hx-vals, trigger filters).
    expect(blocked.has('eval')).toBe(true)
    expect(seen.filter((v) => v.blocked === 'eval').length).toBeGreaterThanOrEqual(3)
  }, T)

  test('control: with the CSP bypassed the same raw fragment does run (the checks above can fail)', async () => {
    const open = await newContext(browser, 1280, { bypassCSP: true })
    try {
      await recordViolations(open)
      const tab = await open.newPage()
      await signIn(tab, p.url)
      await tab.goto(`${p.url}/fixture-raw-html`)
      await tab.locator('#raw-load').click()
      await tab.locator('#raw-arrived').waitFor()
      await tab.waitForFunction(() => (window as unknown as { __pwned?: unknown }).__pwned !== undefined)
      const first = await pwned(tab)
      expect(['inline script', 'img onerror', 'hx-on::after:init']).toContain(first as string)
      // Each hx-on / js: path runs too when eval is allowed.
      for (const [id, name] of [['#raw-hx-on-click', 'hx-on:click'], ['#raw-hx-vals', 'hx-vals js:'], ['#raw-hx-filter', 'trigger filter']] as const) {
        await tab.evaluate(() => ((window as unknown as { __pwned?: unknown }).__pwned = undefined))
        await tab.locator(id).click()
        await tab.waitForFunction((n) => (window as unknown as { __pwned?: unknown }).__pwned === n, name)
      }
    } finally {
      await open.close()
    }
  }, T)
})
