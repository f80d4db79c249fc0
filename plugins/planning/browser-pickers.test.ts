/**
 * In a real browser (SQLite): the list's and the board's filters of several values are pickers
 * ("Priority: any"), dropdowns of checkboxes. By keyboard only: Tab to a picker, Enter opens it, Tab
 * and Space pick two priorities, its summary follows, Escape closes it with the focus back on its
 * summary, Apply filters the list. A long label list scrolls inside its panel; at 390 px every panel
 * fits the screen and nothing scrolls sideways; without JavaScript the checkboxes submit the same query.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { ADMIN } from '../../test/helpers/platform.ts'
import { closeBrowserRig, newContext, openBrowserRig, pageApi, screenshot, signIn, type BrowserRig } from '../../test/e2e/support.ts'
import planning from './index.ts'

const T = 60_000
let rig: BrowserRig

beforeAll(async () => {
  rig = await openBrowserRig([planning])
  await signIn(rig.page, rig.p.url, ADMIN.email, ADMIN.password)
  const api = await pageApi(rig.page, rig.p.url, '/planning')
  await api.post('/api/v1/planning/projects', { key: 'PCK', name: 'Pickers' })
  for (const [title, priority] of [['Fix the outage', 'urgent'], ['Ship the pricing page', 'high'], ['Tidy the footer', 'low'], ['Someday maybe', 'none']] as const) {
    await api.post('/api/v1/planning/tasks', { project: 'PCK', title, priority })
  }
  // enough labels that their list scrolls inside its panel
  for (let i = 1; i <= 14; i++) {
    const res = await rig.page.request.post(`${rig.p.url}/planning/projects/PCK/labels`, { form: { name: `label-${i}`, color: '#2563eb' }, headers: { 'x-csrf-token': api.token }, maxRedirects: 0 })
    expect(res.status()).toBe(303)
  }
}, T)
afterAll(() => closeBrowserRig(rig ?? {}))

const focusedText = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '')
/** A picker's summary as it reads ("Priority: any"), shown or not. */
const summaryOf = (page: Page, id: string) => page.locator(`#${id} > summary`).evaluate((el) => el.textContent!.replace(/\s+/g, ' ').trim())
const titles = (page: Page) => page.locator('.pl-row .pl-c-title').allInnerTexts()

/** Presses Tab until `done` holds for the focused element (at most `max` presses). */
async function tabUntil(page: Page, done: () => Promise<boolean>, max = 30, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key)
    if (await done()) return
  }
  throw new Error(`never reached: ${await focusedText(page)}`)
}

test(
  'keyboard only: two priorities picked in the picker filter the list; Escape closes it, the summary says what is chosen',
  async () => {
    const { page } = rig
    await page.goto(`${rig.p.url}/planning/projects/PCK`)
    expect(await titles(page)).toHaveLength(4)
    const picker = page.locator('#filter-priority')
    expect(await summaryOf(page, 'filter-priority')).toBe('Priority: any')
    // the folded panel first: its summary, Enter
    await page.locator('.pl-filter-panel > summary').focus()
    await page.keyboard.press('Enter')
    await tabUntil(page, async () => (await focusedText(page)) === 'Priority: any')
    await page.keyboard.press('Enter') // opens the picker
    expect(await picker.getAttribute('open')).not.toBeNull()
    expect(await page.getByRole('checkbox', { name: 'Urgent' }).isVisible()).toBe(true)
    await page.keyboard.press('Tab') // Urgent
    await page.keyboard.press('Space')
    await page.keyboard.press('Tab') // High
    await page.keyboard.press('Space')
    // checked boxes are checkboxes to assistive technology, checked
    expect(await page.getByRole('checkbox', { name: 'Urgent', checked: true }).count()).toBe(1)
    expect(await page.getByRole('checkbox', { name: 'High', checked: true }).count()).toBe(1)
    expect(await summaryOf(page, 'filter-priority')).toBe('Priority: Urgent, High')
    // Shift+Tab goes back through the boxes; Escape closes and the focus is on the summary again
    await page.keyboard.press('Shift+Tab')
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('urgent')
    await page.keyboard.press('Escape')
    expect(await picker.getAttribute('open')).toBeNull()
    expect(await page.evaluate(() => document.activeElement === document.querySelector('#filter-priority > summary'))).toBe(true)
    expect(await page.locator('.pl-filter-panel').getAttribute('open')).not.toBeNull() // the panel around it stays open
    await tabUntil(page, async () => (await focusedText(page)) === 'Apply filters')
    await Promise.all([page.waitForURL((u) => u.searchParams.getAll('priority').join() === 'urgent,high'), page.keyboard.press('Enter')])
    expect((await titles(page)).sort()).toEqual(['Fix the outage', 'Ship the pricing page'])
    expect(await summaryOf(page, 'filter-priority')).toBe('Priority: Urgent, High')
    expect(await page.locator('#filter-priority').getAttribute('open')).toBeNull() // pickers come back closed
  },
  T,
)

test(
  'a picker closes when the focus leaves it, and a click elsewhere closes it; Apply takes one click while one is open',
  async () => {
    const { page } = rig
    await page.goto(`${rig.p.url}/planning/projects/PCK`)
    await page.locator('.pl-filter-panel > summary').click()
    const state = page.locator('#filter-group')
    await state.locator('summary').click()
    expect(await state.getAttribute('open')).not.toBeNull()
    await page.locator('#filter-group input[type=checkbox]').last().focus()
    await page.keyboard.press('Tab') // past its last box: on to the next picker
    expect(await state.getAttribute('open')).toBeNull()
    await page.locator('#filter-priority > summary').click()
    await page.getByRole('checkbox', { name: 'No priority' }).check()
    expect(await page.locator('#filter-priority > summary').innerText()).toBe('Priority: No priority')
    await page.locator('main h1').click()
    expect(await page.locator('#filter-priority').getAttribute('open')).toBeNull()
    await page.locator('#filter-priority > summary').click()
    await Promise.all([page.waitForURL((u) => u.searchParams.get('priority') === 'none'), page.getByRole('button', { name: 'Apply filters' }).click()])
    expect(await titles(page)).toEqual(['Someday maybe'])
  },
  T,
)

test(
  'at 390 px: the pickers and their open panels fit the screen, a long list scrolls inside its panel',
  async () => {
    const ctx = await newContext(rig.browser, 390, { storageState: await rig.ctx.storageState() })
    try {
      const page = await ctx.newPage()
      await page.goto(`${rig.p.url}/planning/projects/PCK`)
      await page.locator('.pl-filter-panel > summary').click()
      for (const id of ['filter-state', 'filter-group', 'filter-assignee', 'filter-label', 'filter-priority']) {
        await page.locator(`#${id} > summary`).click()
        const box = await page.locator(`#${id} > ul`).evaluate((ul) => {
          const r = ul.getBoundingClientRect()
          return { left: r.left, right: r.right, scrolls: ul.scrollHeight > ul.clientHeight + 1, overflowY: getComputedStyle(ul).overflowY }
        })
        expect(box.left).toBeGreaterThanOrEqual(0)
        expect(box.right).toBeLessThanOrEqual(390)
        if (id === 'filter-label') expect([box.scrolls, box.overflowY]).toEqual([true, 'auto']) // 14 labels: the panel scrolls
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
        if (id === 'filter-label') {
          // the last label is reachable inside the panel, and checking it names it in the summary
          await page.getByRole('checkbox', { name: 'label-14' }).check()
          expect(await page.locator('#filter-label > summary').innerText()).toBe('Label: label-14')
          await screenshot(page, 'planning-pickers-open')
        }
        await page.keyboard.press('Escape')
      }
      // a label's colour shows as a dot beside its name
      expect(await page.locator('#filter-label .pl-dot').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(37, 99, 235)')
    } finally {
      await ctx.close()
    }
  },
  T,
)

test(
  'without JavaScript: the checkboxes submit the same repeated parameters and filter the list and the board',
  async () => {
    const ctx = await newContext(rig.browser, 390, { javaScriptEnabled: false, storageState: await rig.ctx.storageState() })
    try {
      const page = await ctx.newPage()
      await page.goto(`${rig.p.url}/planning/projects/PCK`)
      await page.locator('.pl-filter-panel > summary').click()
      await page.locator('#filter-priority > summary').click()
      await page.getByRole('checkbox', { name: 'Low' }).check()
      await page.getByRole('checkbox', { name: 'Urgent' }).check()
      await screenshot(page, 'planning-pickers-nojs')
      // the open list lies in the flow: Apply below it is not covered (the click would fail)
      await Promise.all([page.waitForURL((u) => u.searchParams.getAll('priority').join() === 'urgent,low'), page.getByRole('button', { name: 'Apply filters' }).click()])
      expect((await titles(page)).sort()).toEqual(['Fix the outage', 'Tidy the footer'])
      expect(await summaryOf(page, 'filter-priority')).toBe('Priority: Urgent, Low') // the server's summary
      await page.goto(`${rig.p.url}/planning/projects/PCK/board`)
      await page.locator('.pl-filter-panel > summary').click()
      await page.locator('#board-priority > summary').click()
      await page.getByRole('checkbox', { name: 'High' }).check()
      await Promise.all([page.waitForURL((u) => u.searchParams.get('priority') === 'high'), page.getByRole('button', { name: 'Apply filters' }).click()])
      expect(await page.locator('.pl-card .pl-card-title > span').allInnerTexts()).toEqual(['Ship the pricing page'])
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    } finally {
      await ctx.close()
    }
  },
  T,
)
