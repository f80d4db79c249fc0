/**
 * In a real browser (SQLite), the planning pages by keyboard and at both widths: the list's filters
 * fold into a disclosure that opens with Enter, `/` reaches the search box (on the board too, where
 * it filters the board), the bulk form shows only while tasks are selected (x or Space on a checkbox,
 * or the header's select-all box; CSS :has, so without JavaScript as well), bulk delete asks on a page
 * first, a filtered board keeps its filters through an htmx move, label chips take their colours (a
 * dot) on the new-task form, the board's five default columns fit 1280 px, and settings (with each label's
 * rename form) fit a phone (no state name squeezed).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { launchBrowser, newContext, signIn } from '../../test/e2e/support.ts'
import planning from './index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page

beforeAll(async () => {
  browser = await launchBrowser()
  p = await startPlatform('sqlite', [planning])
  ctx = await newContext(browser)
  page = await ctx.newPage()
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  await page.goto(`${p.url}/planning`)
  const csrf = await page.evaluate(() => JSON.parse(document.body.getAttribute('hx-headers:inherited') ?? '{}')['X-CSRF-Token'] as string)
  const api = async (path: string, body: unknown) => {
    const res = await page.request.post(`${p.url}${path}`, { data: body, headers: { 'x-csrf-token': csrf } })
    expect(res.status()).toBe(201)
  }
  await api('/api/v1/planning/projects', { key: 'KEY', name: 'Keyboard' })
  for (const title of ['First', 'Second', 'Third']) await api('/api/v1/planning/tasks', { project: 'KEY', title })
  const settings = await page.goto(`${p.url}/planning/projects/KEY/settings`)
  expect(settings?.status()).toBe(200)
  await page.getByPlaceholder('New label').fill('urgent-fix')
  await page.getByLabel('Label color').fill('#dc2626')
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add label' }).click()])
}, T)
afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await p?.stop()
})

const visible = (selector: string) => page.locator(selector).isVisible()

test(
  'list: filters open with the keyboard, / focuses the search, the bulk form follows the selection',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY`)
    expect(await visible('#filter-state')).toBe(false) // folded: no filter in use
    expect(await visible('.pl-bulk')).toBe(false) // nothing selected
    await page.locator('main h1').click()
    await page.keyboard.press('/')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-q')
    // Tab from the search box and its button reaches the summary; Enter opens the panel
    await page.locator('.pl-filter-panel > summary').focus()
    await page.keyboard.press('Enter')
    expect(await visible('#filter-state')).toBe(true)
    // a picker: its summary opens its checkboxes (views/filter-fields.tsx; browser-pickers.test.ts by keyboard)
    await page.locator('#filter-priority > summary').click()
    await page.getByRole('checkbox', { name: 'No priority' }).check()
    await Promise.all([page.waitForURL((u) => u.searchParams.get('priority') === 'none'), page.getByRole('button', { name: 'Apply filters' }).click()])
    expect(await page.locator('.pl-filter-panel').getAttribute('open')).not.toBeNull() // a filter in use: open
    expect(await page.locator('.pl-filter-panel > summary').innerText()).toContain('1 active')

    await page.goto(`${p.url}/planning/projects/KEY`)
    // x on a focused row selects it: the bulk form appears with the count; x again hides it
    await page.locator('.pl-row').first().focus()
    await page.keyboard.press('x')
    expect(await visible('.pl-bulk')).toBe(true)
    expect(await page.locator('input[name=ids]').first().isChecked()).toBe(true)
    // (the legend's "· 1 selected" is a CSS counter: generated content, out of reach of innerText)
    expect(await page.locator('.pl-selected').evaluate((el) => getComputedStyle(el, '::before').content)).toContain('counter(pl-selected)')
    await page.locator('input[name=ids]').nth(1).focus()
    await page.keyboard.press('Space')
    expect(await page.locator('input[name=ids]:checked').count()).toBe(2)
    await page.locator('#bulk-state').selectOption({ label: 'Done' })
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Apply to selected' }).click()])
    expect(await page.locator('.pl-row .pl-state.pl-group-completed').count()).toBe(2)
    expect(await visible('.pl-bulk')).toBe(false)
  },
  T,
)

test(
  'list: the header box selects every row by keyboard (the bulk form follows), mixed when some are; bulk delete asks on a page first',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY`)
    const all = page.locator('.pl-select-all')
    expect(await all.isVisible()).toBe(true) // board.js shows it
    await all.focus()
    await page.keyboard.press('Space')
    expect(await page.locator('input[name=ids]:checked').count()).toBe(await page.locator('input[name=ids]').count())
    expect(await visible('.pl-bulk')).toBe(true)
    // x on a row clears it: the header box turns mixed
    await page.locator('.pl-row').first().focus()
    await page.keyboard.press('x')
    expect(await all.evaluate((el) => [(el as HTMLInputElement).checked, (el as HTMLInputElement).indeterminate])).toEqual([false, true])
    await all.focus()
    await page.keyboard.press('Space') // mixed -> all
    expect(await all.evaluate((el) => (el as HTMLInputElement).checked)).toBe(true)
    await page.keyboard.press('Space') // all -> none: the bulk form hides
    expect(await page.locator('input[name=ids]:checked').count()).toBe(0)
    expect(await visible('.pl-bulk')).toBe(false)
    // delete the first row: a page names it and asks; Cancel deletes nothing
    const key = (await page.locator('.pl-row td a').first().innerText()).trim()
    await page.locator('input[name=ids]').first().check()
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Delete selected…' }).click()])
    expect(await page.locator('main h1').innerText()).toBe('Delete 1 task?')
    expect(await page.locator('main').innerText()).toContain(key)
    await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/KEY'), page.getByRole('link', { name: 'Cancel' }).click()])
    expect(await page.locator('.pl-row td a', { hasText: key }).count()).toBe(1)
  },
  T,
)

test(
  'list without JavaScript: the panel and the bulk form work the same (details and CSS)',
  async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, storageState: await ctx.storageState() })
    const nojs = await plain.newPage()
    await nojs.goto(`${p.url}/planning/projects/KEY`)
    expect(await nojs.locator('.pl-bulk').isVisible()).toBe(false)
    expect(await nojs.locator('.pl-select-all').isVisible()).toBe(false) // it needs the script: not shown without one
    await nojs.locator('input[name=ids]').first().check()
    expect(await nojs.locator('.pl-bulk').isVisible()).toBe(true)
    await nojs.locator('.pl-filter-panel > summary').click()
    expect(await nojs.locator('#filter-state').isVisible()).toBe(true)
    // at 390 px the search bar fits: nothing sticks out of the page
    expect(await nojs.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    await plain.close()
  },
  T,
)

test(
  'list at 390 px: each task is a block with its whole title and its properties, checkbox in reach; select all is labelled',
  async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/planning/projects/KEY`)
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
      // the table no longer scrolls sideways: the title cells lie inside the phone's width
      expect(await page.locator('.table-wrap').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
      const row = page.locator('.pl-row').first()
      const [rowBox, title, check, state] = await Promise.all([row.boundingBox(), row.locator('.pl-c-title').boundingBox(), row.locator('input[name=ids]').boundingBox(), row.locator('.pl-state').boundingBox()])
      expect(title!.x + title!.width).toBeLessThanOrEqual(390)
      expect(title!.width).toBeGreaterThan(250)
      expect(check!.x).toBeLessThan(title!.x) // the checkbox sits left of the text
      expect(state!.y).toBeGreaterThan(title!.y) // properties under the title
      expect(rowBox!.x + rowBox!.width).toBeLessThanOrEqual(390)
      // empty properties say nothing on a phone (no row of dashes)
      expect(await row.locator('.pl-c-none').first().isVisible()).toBe(false)
      expect(await page.locator('thead th.pl-c-check').innerText()).toBe('')
      expect(await page.locator('thead th.pl-c-check').evaluate((el) => getComputedStyle(el, '::after').content)).toBe('"Select all"')
      expect(await page.locator('.pl-select-all').isVisible()).toBe(true)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  },
  T,
)

test(
  'board: / leads to the search box, which filters the board; five columns fit 1280 px',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY/board`)
    const fits = await page.evaluate(() => {
      const board = document.querySelector('#board')!.getBoundingClientRect()
      return [...document.querySelectorAll('.pl-column')].map((c) => c.getBoundingClientRect().right <= board.right + 0.5)
    })
    expect(fits).toEqual([true, true, true, true, true])
    expect(await page.locator('#board').getAttribute('data-more')).toBeNull()
    await page.locator('main h1').click()
    await page.keyboard.press('/')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('board-q')
    await page.keyboard.type('Second')
    await Promise.all([page.waitForURL((u) => u.pathname === '/planning/projects/KEY/board' && u.searchParams.get('q') === 'Second'), page.keyboard.press('Enter')])
    expect(await page.locator('.pl-card').count()).toBe(1)
    expect((await page.locator('.pl-count').allInnerTexts()).map(Number).reduce((a, b) => a + b, 0)).toBe(1) // the counts are the board's matches
    // narrower than five columns: the board scrolls in its box and says so
    await page.setViewportSize({ width: 900, height: 900 })
    await page.goto(`${p.url}/planning/projects/KEY/board`)
    expect(await page.locator('#board').getAttribute('data-more')).toBe('end')
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    await page.setViewportSize({ width: 1280, height: 900 })
  },
  T,
)

test(
  'a filtered board: the state select moves a card through htmx and the swapped board keeps the filter and the counts',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY/board`)
    const total = (await page.locator('.pl-card').count())
    await page.locator('.pl-filter-panel > summary').click()
    await page.locator('#board-priority > summary').click()
    await page.getByRole('checkbox', { name: 'No priority' }).check()
    await Promise.all([page.waitForURL((u) => u.searchParams.get('priority') === 'none'), page.getByRole('button', { name: 'Apply filters' }).click()])
    expect(await page.locator('.pl-card').count()).toBe(total) // every task has no priority
    // narrow it to one card with the search box, then move that card with its select
    await page.locator('#board-q').fill('Third')
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === 'Third' && u.searchParams.get('priority') === 'none'), page.locator('#board-q').press('Enter')])
    expect(await page.locator('.pl-card').count()).toBe(1)
    const card = page.locator('.pl-card').first()
    const id = await card.getAttribute('id')
    const before = await page.locator('.pl-count').allInnerTexts()
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true))
    await card.locator('select').selectOption('In Progress')
    await page.waitForSelector(`[aria-label="In Progress"] #${id}`, { timeout: 8_000 })
    // still the filtered board (one card), counts moved by one, the page did not reload
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true)
    expect(await page.locator('.pl-card').count()).toBe(1)
    expect(new URL(page.url()).searchParams.get('q')).toBe('Third')
    const after = await page.locator('.pl-count').allInnerTexts()
    expect(after.map(Number).reduce((a, b) => a + b, 0)).toBe(before.map(Number).reduce((a, b) => a + b, 0))
    expect(after[2]).toBe(String(Number(before[2]) + 1))
    expect(await page.locator('input[name=view]').getAttribute('value')).toBe('q=Third&priority=none')
  },
  T,
)

test(
  'label chips take their colour on the new-task form; settings fit a phone',
  async () => {
    await page.goto(`${p.url}/planning/projects/KEY/tasks/new`)
    const chip = page.locator('.pl-label-picker .pl-label', { hasText: 'urgent-fix' })
    // the label's colour is its dot; the name stays the page's text colour (readable for any colour)
    await expect(chip.evaluate((el) => getComputedStyle(el, '::before').backgroundColor)).resolves.toBe('rgb(220, 38, 38)')
    await expect(chip.evaluate((el) => getComputedStyle(el).color === getComputedStyle(document.body).color)).resolves.toBe(true)

    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${p.url}/planning/projects/KEY/settings`)
    const widths = await page.locator('.pl-states input[name=name]').evaluateAll((inputs) => inputs.map((i) => i.getBoundingClientRect().width))
    expect(widths.length).toBe(5)
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(90)
    const newState = await page.getByPlaceholder('New state').boundingBox()
    expect(newState!.x + newState!.width).toBeLessThanOrEqual(390)
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    // Delete beside each label is no taller than a small button
    const del = await page.locator('.pl-label-list button', { hasText: 'Delete' }).first().boundingBox()
    expect(del!.height).toBeLessThan(40)
    // each label's rename form fits: its name field is usable and nothing sticks out
    const name = await page.locator('.pl-label-edit input[name=name]').first().boundingBox()
    expect(name!.width).toBeGreaterThanOrEqual(90)
    const save = await page.locator('.pl-label-edit button').first().boundingBox()
    expect(save!.x + save!.width).toBeLessThanOrEqual(390)
    // rename and recolour with the keyboard: the chip follows
    await page.locator('.pl-label-edit input[name=name]').first().fill('hotfix')
    await page.locator('.pl-label-edit input[type=color]').first().fill('#2563eb')
    await Promise.all([page.waitForLoadState('load'), page.locator('.pl-label-edit input[name=name]').first().press('Enter')])
    const renamed = page.locator('.pl-label-list .pl-label', { hasText: 'hotfix' })
    await expect(renamed.evaluate((el) => getComputedStyle(el, '::before').backgroundColor)).resolves.toBe('rgb(37, 99, 235)')
    await page.setViewportSize({ width: 1280, height: 900 })
  },
  T,
)

test(
  'task keys never break at their hyphen (history, relations) on a phone',
  async () => {
    await page.goto(`${p.url}/planning/tasks/KEY-1`)
    await page.locator('.pl-relations input[name=other]').fill('KEY-2')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add relation' }).click()])
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      const keys = page.locator('.pl-history .task-key, .pl-related .task-key')
      expect(await keys.count()).toBeGreaterThanOrEqual(3) // the relation, its history line, "created KEY-1"
      const lines = await keys.evaluateAll((els) => els.map((el) => [el.textContent, getComputedStyle(el).whiteSpace, el.getClientRects().length]))
      for (const [key, space, rects] of lines) expect([key, space, rects]).toEqual([key, 'nowrap', 1])
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  },
  T,
)

test(
  'task page: the priority, state and assignee selects save in place (htmx, focus kept, history follows); without JavaScript a Save button; a phone fits them',
  async () => {
    await page.goto(`${p.url}/planning/tasks/KEY-3`)
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true))
    // the select's Save button is for browsers without JavaScript
    expect(await page.locator('.pl-prop-form button').count()).toBe(0)
    await page.locator('#prop-priority').focus()
    await page.locator('#prop-priority').selectOption('high')
    await page.waitForSelector('.pl-history li:has-text("changed priority from No priority to High")', { timeout: 8_000 })
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prop-priority')
    expect(await page.locator('#prop-priority').inputValue()).toBe('high')
    await page.locator('#prop-state').focus()
    await page.locator('#prop-state').selectOption({ label: 'In Progress' })
    await page.waitForSelector('.pl-history li:has-text("changed state from")', { timeout: 8_000 })
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prop-state')
    await page.locator('#prop-assignee').selectOption({ label: 'Ada Admin' })
    await page.waitForSelector('.pl-history li:has-text("changed assignee from Unassigned to Ada Admin")', { timeout: 8_000 })
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true) // no reload
    const task = (await (await page.request.get(`${p.url}/api/v1/planning/tasks/KEY-3`)).json()) as { priority: string; state: { name: string }; assignee: { name: string } | null }
    expect([task.priority, task.state.name, task.assignee?.name]).toEqual(['high', 'In Progress', 'Ada Admin'])
    // a phone: the properties fit, each select usable
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
      for (const id of ['prop-state', 'prop-priority', 'prop-assignee']) {
        const box = await page.locator(`#${id}`).boundingBox()
        expect(box!.width).toBeGreaterThanOrEqual(100)
        expect(box!.x + box!.width).toBeLessThanOrEqual(390)
        expect(box!.height).toBeLessThan(44)
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
    // without JavaScript: choose, press Save, the page comes back with the change and a flash
    const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await ctx.storageState() })
    try {
      const nojs = await plain.newPage()
      await nojs.goto(`${p.url}/planning/tasks/KEY-3`)
      await nojs.locator('#prop-priority').selectOption('low')
      await Promise.all([nojs.waitForLoadState('load'), nojs.getByRole('button', { name: 'Save priority' }).click()])
      expect(new URL(nojs.url()).pathname).toBe('/planning/tasks/KEY-3')
      expect(await nojs.locator('.flash').innerText()).toBe('KEY-3: priority Low')
      expect(await nojs.locator('#prop-priority').inputValue()).toBe('low')
    } finally {
      await plain.close()
    }
  },
  T,
)
