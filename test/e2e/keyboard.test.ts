/**
 * The keyboard in a real browser (SQLite, planning and dashboard on), through public/app.js's
 * generic keys: `/` focuses the page's own search box where it has one and the header's search box
 * elsewhere (the dashboard, on a phone too, where the header menu unfolds for it); `c` opens the new
 * task form from the roadmap, the cycles page (the task then starts in that cycle) and a task page;
 * j / k move through rows marked data-row (the task list, the projects, the search results) and Enter
 * opens the focused one; the board's cards too, and x still selects a list row.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import dashboard from '../../plugins/dashboard/index.ts'
import planning from '../../plugins/planning/index.ts'
import { ADMIN, type TestPlatform } from '../helpers/platform.ts'
import { closeBrowserRig, openBrowserRig, typeInto } from './support.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
const errors: string[] = []

const path = () => new URL(page.url()).pathname
const focused = () => page.evaluate(() => {
  const el = document.activeElement
  return el ? (el.id || el.getAttribute('href') || el.closest('[data-row]')?.getAttribute('data-href') || el.tagName) : ''
})
/** Presses a key with nothing focused (a click on the page's heading first). */
async function pressOnPage(key: string) {
  await page.locator('main h1').click()
  await page.keyboard.press(key)
}

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([planning, dashboard]))
  page.on('pageerror', (e) => errors.push(e.message))
  // sign in through the form; with the dashboard on, / leads on to /dashboard
  await page.goto(`${p.url}/login`)
  await typeInto(page, 'Email', ADMIN.email)
  await typeInto(page, 'Password', ADMIN.password)
  await Promise.all([page.waitForURL((u) => u.pathname === '/dashboard'), page.keyboard.press('Enter')])
  await page.goto(`${p.url}/planning`)
  const csrf = await page.evaluate(() => JSON.parse(document.body.getAttribute('hx-headers:inherited') ?? '{}')['X-CSRF-Token'] as string)
  const api = async (url: string, body: unknown) => {
    const res = await page.request.post(`${p.url}${url}`, { data: body, headers: { 'x-csrf-token': csrf } })
    expect(res.status()).toBe(201)
  }
  await api('/api/v1/planning/projects', { key: 'KEY', name: 'Keyboard' })
  await api('/api/v1/planning/projects', { key: 'OTH', name: 'Other' })
  for (const title of ['Alpha task', 'Beta task', 'Gamma task']) await api('/api/v1/planning/tasks', { project: 'KEY', title })
  await page.goto(`${p.url}/planning/projects/KEY/cycles`)
  await page.locator('details.pl-create > summary').click() // the create form is folded under "New cycle"
  await page.locator('#f-name').fill('Sprint 1')
  await page.locator('#f-startsAt').fill('2020-01-06')
  await page.locator('#f-endsAt').fill('2099-12-31')
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add cycle' }).click()])
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

test(
  'the task list: j / k move through the rows, Enter opens the focused task; x still selects',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY`)
    const rows = await page.locator('.pl-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-href') ?? ''))
    expect(rows.length).toBe(3)
    await pressOnPage('j')
    expect(await focused()).toBe(rows[0]!)
    expect(await page.locator('.pl-row').first().getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    await page.keyboard.press('j') // the last row: stays
    expect(await focused()).toBe(rows[2]!)
    await page.keyboard.press('k')
    expect(await focused()).toBe(rows[1]!)
    await page.keyboard.press('x')
    expect(await page.locator('.pl-row').nth(1).locator('input[name=ids]').isChecked()).toBe(true)
    await page.keyboard.press('x')
    await Promise.all([page.waitForURL((u) => u.pathname === rows[1]), page.keyboard.press('Enter')])
    expect(await page.locator('main h1').innerText()).toBe(`${rows[1]!.split('/').pop()} Beta task`)
  },
  T,
)

test(
  'the board: j / k move through the cards, Enter opens one',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY/board`)
    await pressOnPage('j')
    const first = await page.evaluate(() => document.activeElement?.id)
    expect(first).toMatch(/^card-KEY-\d$/)
    await page.keyboard.press('j')
    const second = await page.evaluate(() => document.activeElement?.id)
    expect(second).not.toBe(first)
    expect(second).toMatch(/^card-KEY-\d$/)
    await Promise.all([page.waitForURL((u) => u.pathname === `/planning/tasks/${second!.slice(5)}`), page.keyboard.press('Enter')])
  },
  T,
)

test(
  'the projects and the search results: j / k move to each row’s link, Enter follows it',
  async () => {
    await page.goto(`${p.url}/planning`)
    await pressOnPage('j')
    expect(await focused()).toBe('/planning/projects/KEY')
    await page.keyboard.press('j')
    expect(await focused()).toBe('/planning/projects/OTH')
    await page.keyboard.press('k')
    await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/KEY'), page.keyboard.press('Enter')])

    await page.goto(`${p.url}/search?q=task`)
    expect(await page.locator('.search-results [data-row]').count()).toBe(3)
    await pressOnPage('j')
    const one = await focused()
    expect(one).toMatch(/^\/planning\/tasks\/KEY-\d$/)
    await page.keyboard.press('j')
    const two = await focused()
    expect(two).toMatch(/^\/planning\/tasks\/KEY-\d$/)
    expect(two).not.toBe(one)
    await Promise.all([page.waitForURL((u) => u.pathname === two), page.keyboard.press('Enter')])
  },
  T,
)

test(
  '/ focuses the header search on the dashboard (on a phone too) and the page’s own box where there is one',
  async () => {
    await page.goto(`${p.url}/dashboard`)
    expect(path()).toBe('/dashboard')
    await pressOnPage('/')
    expect(await focused()).toBe('global-search')
    await page.keyboard.type('Gamma')
    await Promise.all([page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === 'Gamma'), page.keyboard.press('Enter')])
    expect(await page.locator('.search-results a').first().innerText()).toContain('Gamma task')
    // the list has its own search box: it wins
    await page.goto(`${p.url}/planning/projects/KEY`)
    await pressOnPage('/')
    expect(await focused()).toBe('filter-q')
    // a phone: the header's box sits in the folded menu, which opens for it; the search page's own box shows and wins
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/dashboard`)
      expect(await page.locator('#global-search').isVisible()).toBe(false)
      await pressOnPage('/')
      expect(await focused()).toBe('global-search')
      expect(await page.locator('#global-search').isVisible()).toBe(true)
      await page.goto(`${p.url}/search?q=Gamma`)
      await pressOnPage('/')
      expect(await focused()).toBe('page-search')
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  },
  T,
)

test(
  'c opens the new-task form from the roadmap, the cycles page (in its cycle) and a task page',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY/milestones`)
    await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/KEY/tasks/new'), pressOnPage('c')])
    expect(await page.locator('main h1').innerText()).toBe('New task in KEY')
    await page.goto(`${p.url}/planning/projects/KEY/cycles`)
    await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/KEY/tasks/new' && !!u.searchParams.get('cycle')), pressOnPage('c')])
    expect(await page.locator('#f-cycleId option:checked').innerText()).toBe('Sprint 1')
    await page.goto(`${p.url}/planning/tasks/KEY-1`)
    await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/KEY/tasks/new'), pressOnPage('c')])
    // typing in a field never fires a shortcut
    await page.locator('#f-title').click()
    await page.keyboard.type('jkc/')
    expect(await page.locator('#f-title').inputValue()).toBe('jkc/')
    expect(path()).toBe('/planning/projects/KEY/tasks/new')
    expect(errors).toEqual([])
  },
  T,
)
