/**
 * Browser flows of the work-management plugins (planning, collaboration, calendar, dashboard) against
 * a real server with every built-in plugin (SQLite): a project and tasks through the planning UI,
 * a card dragged across the board with the mouse and another moved with its state select (and the
 * keyboard), a card moved without JavaScript (the board's form and the card's Move button), a comment
 * mentioning a second user whose bell counts up live (SSE) in another browser context, a weekly event
 * made in the calendar UI, the dashboard's "My tasks" widget, and screenshots at 1280 and 390 px.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { builtinPlugins } from '../../plugins/index.ts'
import { ADMIN, type TestPlatform } from '../helpers/platform.ts'
import { closeBrowserRig, fieldByLabel, newContext, openBrowserRig, screenshot, trackNavigations, typeInto } from './support.ts'

/** Per test and hook: a browser step takes seconds on 2 shared cores (bun's default is 5 s). */
const T = 60_000

const path = (page: Page) => new URL(page.url()).pathname

/** Signs in through the real /login form; with the dashboard on, / leads to /dashboard. */
async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`)
  await typeInto(page, 'Email', email)
  await typeInto(page, 'Password', password)
  await Promise.all([page.waitForURL((u) => u.pathname === '/dashboard'), page.keyboard.press('Enter')])
}

/** The state a task is in, from the JSON API (the session cookie of the page's context). */
async function stateOf(page: Page, base: string, key: string): Promise<string> {
  const res = await page.request.get(`${base}/api/v1/planning/tasks/${key}`)
  expect(res.status()).toBe(200)
  const body = (await res.json()) as { state: { name: string } | string }
  return typeof body.state === 'string' ? body.state : body.state.name
}

/** The column (state name) a card sits in on the board. */
function columnOf(page: Page, key: string): Promise<string> {
  return page.locator(`#card-${key}`).evaluate((card) => card.closest('.pl-column')?.getAttribute('aria-label') ?? '')
}

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
let bob: Awaited<ReturnType<TestPlatform['member']>>
const BOB_EMAIL = 'bob-work@example.com'

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig(builtinPlugins))
  bob = await p.member('member', p.org, BOB_EMAIL)
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: planning, collaboration, calendar, dashboard [sqlite]', () => {
  const errors: string[] = []

  test('create project WEB and two tasks (the c shortcut), see them in the list', async () => {
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${p.url}/planning`)
    expect(await page.locator('main h1').textContent()).toBe('Planning')
    await typeInto(page, 'Key', 'WEB')
    await typeInto(page, 'Name', 'Website')
    await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/WEB'), page.getByRole('button', { name: 'Create project' }).click()])
    expect(await page.locator('.flash').textContent()).toContain('Project WEB created')

    const tasks = [
      { title: 'Fix the header', assignee: ADMIN.name },
      { title: 'Write the docs', assignee: bob.user.name },
    ]
    for (const [i, t] of tasks.entries()) {
      await page.goto(`${p.url}/planning/projects/WEB`)
      await page.locator('main h1').click() // focus off any field: shortcuts are ignored while typing
      await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/WEB/tasks/new'), page.keyboard.press('c')])
      await typeInto(page, 'Title', t.title)
      await (await fieldByLabel(page, 'Assignee')).selectOption({ label: t.assignee })
      await (await fieldByLabel(page, 'Priority')).selectOption({ index: 2 })
      await Promise.all([page.waitForURL((u) => u.pathname === `/planning/tasks/WEB-${i + 1}`), page.getByRole('button', { name: 'Create task' }).click()])
      expect(await page.locator('.flash').textContent()).toContain(`WEB-${i + 1} created`)
    }

    await page.goto(`${p.url}/planning/projects/WEB`)
    const rows = page.locator('.pl-row')
    expect(await rows.count()).toBe(2)
    const text = await page.locator('main').innerText()
    for (const t of tasks) expect(text).toContain(t.title)
    expect(text).toContain('WEB-1')
    expect(text).toContain('WEB-2')
  }, T)

  test('board: drag WEB-1 to another column with the mouse; move WEB-2 with its state select', async () => {
    await page.goto(`${p.url}/planning/projects/WEB/board`)
    const columns = await page.locator('.pl-column').evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-label') ?? ''))
    expect(columns.length).toBeGreaterThanOrEqual(3)
    const from = await columnOf(page, 'WEB-1')
    const target = columns.find((c) => /progress/i.test(c)) ?? columns.find((c) => c !== from)!
    expect(target).not.toBe(from)

    const moved = page.waitForResponse((r) => r.url().endsWith('/planning/tasks/WEB-1/state') && r.request().method() === 'POST')
    const card = page.locator('#card-WEB-1 .pl-card-meta')
    const list = page.locator(`.pl-column[aria-label="${target}"] .pl-cards`)
    await card.dragTo(list)
    expect((await moved).status()).toBe(200)
    expect(await columnOf(page, 'WEB-1')).toBe(target)
    expect(await page.locator(`.pl-column[aria-label="${target}"] .pl-count`).textContent()).toBe('1')
    expect(await stateOf(page, p.url, 'WEB-1')).toBe(target)
    await page.reload()
    expect(await columnOf(page, 'WEB-1')).toBe(target)

    // the dragged card's select follows it to its column
    expect(await page.getByLabel('State of WEB-1').evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text)).toBe(target)

    // Keyboard-accessible: the state select on the card (htmx swaps the board in place). With
    // JavaScript the Move buttons (the no-JS path) are hidden.
    expect(await page.locator('#card-WEB-2 button[name="move"]').isVisible()).toBe(false)
    const done = columns.find((c) => /done/i.test(c)) ?? columns[columns.length - 1]!
    const navigations = trackNavigations(page)
    const select = page.getByLabel('State of WEB-2')
    await select.focus()
    const swapped = page.waitForResponse((r) => r.url().endsWith('/planning/tasks/WEB-2/state') && r.request().method() === 'POST')
    await select.selectOption({ label: done })
    expect((await swapped).request().headers()['hx-request']).toBe('true')
    await page.waitForFunction((d) => document.querySelector('#card-WEB-2')?.closest('.pl-column')?.getAttribute('aria-label') === d, done)
    expect(navigations.count()).toBe(0)
    expect(await stateOf(page, p.url, 'WEB-2')).toBe(done)
    // the focus comes back to the moved card's select, so the keyboard can go on: one up with the arrow key
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'State of WEB-2')
    const before = columns[columns.indexOf(done) - 1]!
    await page.keyboard.press('ArrowUp')
    await page.waitForFunction((d) => document.querySelector('#card-WEB-2')?.closest('.pl-column')?.getAttribute('aria-label') === d, before)
    expect(await stateOf(page, p.url, 'WEB-2')).toBe(before)
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'State of WEB-2')
    await page.keyboard.press('ArrowDown')
    await page.waitForFunction((d) => document.querySelector('#card-WEB-2')?.closest('.pl-column')?.getAttribute('aria-label') === d, done)
    expect(navigations.count()).toBe(0)
    await page.reload()
    expect(await columnOf(page, 'WEB-2')).toBe(done)
    expect(await columnOf(page, 'WEB-1')).toBe(target)
  }, T)

  test('board without JavaScript: choose a state on a card and press its Move button', async () => {
    const noJs = await newContext(browser, 1280, { javaScriptEnabled: false })
    try {
      const plain = await noJs.newPage()
      await signIn(plain, p.url, ADMIN.email, ADMIN.password)
      await plain.goto(`${p.url}/planning/projects/WEB/board`)
      const columns = await plain.locator('.pl-column').evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-label') ?? ''))
      const from = await columnOf(plain, 'WEB-1')
      const to = columns.find((c) => c !== from && !/cancel/i.test(c))!
      await plain.getByLabel('State of WEB-1').selectOption({ label: to })
      const button = plain.locator('#card-WEB-1 button[name="move"]')
      expect(await button.isVisible()).toBe(true)
      await Promise.all([plain.waitForURL((u) => u.pathname === '/planning/projects/WEB/board'), button.click()])
      expect(await plain.locator('.flash').textContent()).toContain(`WEB-1 moved to ${to}`)
      expect(await columnOf(plain, 'WEB-1')).toBe(to)
      expect(await stateOf(plain, p.url, 'WEB-1')).toBe(to)
      expect(await screenshot(plain, 'work-planning-board-nojs')).toEqual({ 1280: 0, 390: 0 })
    } finally {
      await noJs.close()
    }
  }, T)

  test('comment with an @mention: the mentioned user sees the bell count up live', async () => {
    const other = await newContext(browser)
    try {
      const bobPage = await other.newPage()
      bobPage.on('pageerror', (e) => errors.push(e.message))
      await signIn(bobPage, p.url, BOB_EMAIL, 'member password 1')
      await bobPage.goto(`${p.url}/planning/projects/WEB`)
      await bobPage.waitForFunction(() => (document.querySelector('.collab-bell-live') as HTMLElement & { _htmx?: { sse?: unknown } })?._htmx?.sse !== undefined, undefined, { timeout: 10_000 })
      const before = Number(await bobPage.locator('.collab-bell').getAttribute('data-unread'))
      const countBefore = (await bobPage.locator('.collab-count').count()) ? await bobPage.locator('.collab-count').textContent() : ''
      expect(countBefore).toBe(before ? String(before) : '')
      const bobNavigations = trackNavigations(bobPage)

      await page.goto(`${p.url}/planning/tasks/WEB-1`)
      const box = page.getByRole('combobox', { name: 'Add a comment' })
      await box.click()
      await box.pressSequentially('Can you review this, @bob')
      await page.locator('.collab-mention-list [data-mention-id]').first().waitFor()
      await page.keyboard.press('Enter')
      expect(await box.inputValue()).toBe(`Can you review this, @${bob.user.email} `) // readable; saved as a mention of Bob
      await box.pressSequentially('thanks!')
      await page.getByRole('button', { name: 'Comment', exact: true }).click()
      await page.locator('.collab-comment .mention').waitFor()
      expect(await page.locator('.collab-comment .collab-body').first().textContent()).toContain(`@${bob.user.name} thanks!`)

      // Bob's header bell: the count element's text changes without a reload.
      await bobPage.waitForFunction((n) => document.querySelector('.collab-bell')?.getAttribute('data-unread') === String(n), before + 1, { timeout: 10_000 })
      expect(await bobPage.locator('.collab-count').textContent()).toBe(String(before + 1))
      expect(bobNavigations.count()).toBe(0)

      // The other documented mention syntax: a plain @email of a member (rewritten at save time).
      await box.click()
      await box.pressSequentially(`Also @${BOB_EMAIL}`)
      await page.getByRole('button', { name: 'Comment', exact: true }).click()
      await page.locator('.collab-comment .mention').nth(1).waitFor()
      await bobPage.waitForFunction((n) => document.querySelector('.collab-count')?.textContent === String(n), before + 2, { timeout: 10_000 })
      expect(await bobPage.locator('.collab-bell').getAttribute('aria-label')).toBe(`Inbox, ${before + 2} unread`)
      expect(bobNavigations.count()).toBe(0)

      // The inbox lists the mention; screenshot it while here.
      await bobPage.goto(`${p.url}/collaboration/inbox`)
      expect(await bobPage.locator('main').innerText()).toContain('WEB-1')
      expect(await screenshot(bobPage, 'work-inbox')).toEqual({ 1280: 0, 390: 0 })
    } finally {
      await other.close()
    }
  }, T)

  test('calendar: a weekly event made in the UI shows in this week and the next', async () => {
    await page.goto(`${p.url}/calendar?view=week`)
    await page.locator('main h1').click()
    await Promise.all([page.waitForURL((u) => u.pathname === '/calendar/new'), page.keyboard.press('c')])
    await typeInto(page, 'Title', 'Team sync')
    await (await fieldByLabel(page, 'Repeat')).selectOption({ label: 'Every week' })
    await Promise.all([page.waitForURL((u) => /^\/calendar\/events\/[^/]+$/.test(u.pathname)), page.getByRole('button', { name: 'Create event' }).click()])
    expect(await page.locator('main').innerText()).toContain('Team sync')
    await page.goto(`${p.url}/calendar?view=week`)
    const item = page.locator('.cal-main .cal-item', { hasText: 'Team sync' })
    expect(await item.count()).toBe(1)
    await Promise.all([page.waitForURL((u) => u.search.includes('view=week')), page.getByRole('button', { name: 'Next week' }).click()])
    await page.waitForLoadState()
    expect(await page.locator('.cal-main .cal-item', { hasText: 'Team sync' }).count()).toBe(1)
  }, T)

  test('dashboard at /: "My tasks" shows the viewer\'s task; each widget loads on its own', async () => {
    const widgetRequests: string[] = []
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/dashboard/widgets/')) widgetRequests.push(new URL(r.url()).pathname)
    })
    await page.goto(`${p.url}/`)
    expect(path(page)).toBe('/dashboard')
    const cards = page.locator('.widget-card')
    const n = await cards.count()
    expect(n).toBeGreaterThanOrEqual(2)
    await page.waitForFunction(() => document.querySelectorAll('.widget-body[aria-busy]').length === 0, undefined, { timeout: 10_000 })
    expect(new Set(widgetRequests).size).toBe(n)
    const mine = page.locator('.widget-card', { has: page.locator('h2', { hasText: 'My tasks' }) })
    expect(await mine.count()).toBe(1)
    const text = await mine.locator('.widget-body').innerText()
    expect(text).toContain('WEB-1 Fix the header')
    expect(text).not.toContain('WEB-2') // assigned to Bob
    expect(await page.locator('.widget-failed').count()).toBe(0)
  }, T)

  test('screenshots at 1280 and 390 px: planning list, board, task, calendar month and week, dashboard', async () => {
    const shots: [string, string][] = [
      ['work-planning-list', '/planning/projects/WEB'],
      ['work-planning-board', '/planning/projects/WEB/board'],
      ['work-planning-task', '/planning/tasks/WEB-1'],
      ['work-calendar-month', '/calendar?view=month'],
      ['work-calendar-week', '/calendar?view=week'],
      ['work-dashboard', '/dashboard'],
    ]
    const overflow: Record<string, Record<number, number>> = {}
    for (const [name, url] of shots) {
      const res = await page.goto(`${p.url}${url}`)
      expect(res!.status()).toBe(200)
      if (name === 'work-dashboard') await page.waitForFunction(() => document.querySelectorAll('.widget-body[aria-busy]').length === 0)
      overflow[name] = await screenshot(page, name)
    }
    // No page scrolls sideways (the board and the grids scroll inside their own boxes).
    expect(overflow).toEqual(Object.fromEntries(shots.map(([name]) => [name, { 1280: 0, 390: 0 }])))
    expect(errors).toEqual([])
  }, T)
})
