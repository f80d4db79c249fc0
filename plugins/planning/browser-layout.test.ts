/**
 * In a real browser (SQLite), planning's layouts at a laptop's and a phone's width: the `?` shortcuts
 * dialog is a panel (heading, list, then Close) that gives the focus back to what had it; a long word
 * in a title never makes the list, the board or the task page wider than the screen (nor clips a
 * card); a cycle's progress text wraps on a phone instead of being cut; the settings' state rows line
 * up their Delete buttons; a board card shows its due date, overdue in the danger colour.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { launchBrowser, newContext, signIn } from '../../test/e2e/support.ts'
import { day } from './service.ts'
import planning from './index.ts'

const T = 60_000

/** 200 characters without a space, and a sentence ending in a 42-character word. */
const NO_SPACES = 'Supercalifragilisticexpialidocious_'.repeat(6).slice(0, 200)
const LONG_LAST_WORD = `Investigate why the nightly export job fails under load, then document the ${'x'.repeat(42)}`

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
  await api('/api/v1/planning/projects', { key: 'WEB', name: 'Website' })
  // a cycle around today, with tasks whose figures make a long progress line
  const today = Date.now()
  const res = await page.request.post(`${p.url}/planning/projects/WEB/cycles`, {
    form: { _csrf: csrf, name: 'Sprint 1', startsAt: day(new Date(today - 3 * 86_400_000)), endsAt: day(new Date(today + 10 * 86_400_000)) },
    maxRedirects: 0,
  })
  expect(res.status()).toBe(303)
  await api('/api/v1/planning/tasks', { project: 'WEB', title: NO_SPACES, cycleId: 'Sprint 1', estimate: 130 })
  await api('/api/v1/planning/tasks', { project: 'WEB', title: LONG_LAST_WORD, cycleId: 'Sprint 1', estimate: 250, state: 'Done' })
  await api('/api/v1/planning/tasks', { project: 'WEB', title: 'Past its date', due: '2020-01-31', cycleId: 'Sprint 1', estimate: 1000 })
  await api('/api/v1/planning/tasks', { project: 'WEB', title: 'Due later', due: '2999-12-31', cycleId: 'Sprint 1' })
  await api('/api/v1/planning/tasks', { project: 'WEB', title: 'Done late', due: '2020-01-31', state: 'Done' })
}, T)
afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await p?.stop()
})

const setWidth = (width: number) => page.setViewportSize({ width, height: width < 600 ? 844 : 900 })
/** How far the page scrolls sideways (0 when it fits the screen). */
const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

describe('the shortcuts dialog (?)', () => {
  for (const [where, path, row, keys] of [
    ['board', '/planning/projects/WEB/board', '.pl-card', 'c New task / Search j / k Next / previous card Enter Open the focused card ? This help'],
    ['list', '/planning/projects/WEB', '.pl-row', 'c New task (a new project on the projects page) / Search j / k Next / previous row Enter Open the focused row x Select the focused row ? This help'],
  ] as const) {
    test(`${where}: a panel with its heading, the list, then Close; the focus goes back to the ${row} that had it`, async () => {
      await setWidth(1280)
      await page.goto(`${p.url}${path}`)
      const opener = page.locator(row).first()
      await opener.focus()
      await page.keyboard.press('?')
      const panel = page.locator('#pl-shortcuts > article')
      expect(await panel.isVisible()).toBe(true)
      // the page's own keys: the board's cards cannot be selected (x is the list's)
      expect((await panel.locator('dl').innerText()).replace(/\s+/g, ' ').trim()).toBe(keys)
      const box = await panel.evaluate((el) => {
        const r = (sel: string) => el.querySelector(sel)!.getBoundingClientRect()
        return { panel: el.getBoundingClientRect().toJSON(), bg: getComputedStyle(el).backgroundColor, h2: r('h2'), dl: r('dl'), button: r('button') }
      })
      expect(box.bg).not.toBe('rgba(0, 0, 0, 0)') // a panel, not text over the backdrop
      expect(box.panel.width).toBeLessThanOrEqual(32 * 16)
      expect(box.panel.left).toBeGreaterThan(0)
      expect(box.panel.right).toBeLessThan(1280)
      // stacked: heading over the list over the button, all inside the panel
      expect(box.h2.bottom).toBeLessThanOrEqual(box.dl.top)
      expect(box.dl.bottom).toBeLessThanOrEqual(box.button.top)
      expect(box.button.bottom).toBeLessThanOrEqual(box.panel.bottom)
      await page.keyboard.press('Escape')
      expect(await page.locator('#pl-shortcuts').isVisible()).toBe(false)
      expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true)
      // Close gives it back too
      await page.keyboard.press('?')
      await page.locator('#pl-shortcuts').getByRole('button', { name: 'Close' }).click()
      expect(await page.locator('#pl-shortcuts').isVisible()).toBe(false)
      expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true)
    }, T)
  }
})

for (const width of [1280, 390]) {
  describe(`${width} px`, () => {
    test('a long word in a title: the list, board and task page stay within the screen, no card is clipped', async () => {
      await setWidth(width)
      await page.goto(`${p.url}/planning/projects/WEB`)
      expect(await overflow()).toBe(0)
      // the table fits its wrapper: State, Priority ... Due stay on screen
      const list = await page.locator('.pl-task-table').evaluate((table) => ({ wrap: table.parentElement!.clientWidth, table: table.scrollWidth, right: Math.max(...[...table.querySelectorAll('th, td')].map((c) => c.getBoundingClientRect().right)) }))
      expect(list.table).toBeLessThanOrEqual(list.wrap)
      expect(list.right).toBeLessThanOrEqual(width)

      await page.goto(`${p.url}/planning/projects/WEB/board`)
      expect(await overflow()).toBe(0)
      const board = await page.locator('#board').evaluate((b) => ({
        scroll: b.scrollWidth,
        client: b.clientWidth,
        clipped: [...b.querySelectorAll('.pl-card')].filter((c) => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > window.innerWidth).map((c) => c.id),
      }))
      expect(board.clipped).toEqual([])
      expect(board.scroll).toBeLessThanOrEqual(board.client) // five columns fit 1280, one column a phone

      for (const key of ['WEB-1', 'WEB-2']) {
        await page.goto(`${p.url}/planning/tasks/${key}`)
        expect(await overflow()).toBe(0)
      }
    }, T)
  })
}

test('390 px: a cycle\'s progress line wraps in its card instead of being cut', async () => {
  await setWidth(390)
  await page.goto(`${p.url}/planning/projects/WEB/cycles`)
  expect(await overflow()).toBe(0)
  const text = page.locator('.pl-cycles td[data-label="Progress"] .pl-progress small')
  expect(await text.innerText()).toContain('points')
  const fit = await text.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right, cell: el.closest('td')!.getBoundingClientRect().right }))
  expect(fit.scroll).toBeLessThanOrEqual(fit.client)
  expect(fit.right).toBeLessThanOrEqual(fit.cell + 0.5)
}, T)

test('1280 px: settings line up each state\'s Up, Down and Delete; the actions column has a header', async () => {
  await setWidth(1280)
  await page.goto(`${p.url}/planning/projects/WEB/settings`)
  const rows = await page.locator('table.pl-states tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelector('td.row-actions')!.children].map((el) => { const r = (el.matches('details') ? el.querySelector('summary')! : el.querySelector('button') ?? el).getBoundingClientRect(); return { left: Math.round(r.left), width: Math.round(r.width), top: r.top, bottom: r.bottom } })),
  )
  expect(rows.length).toBe(5)
  const columns = (row: { left: number; width: number }[]) => row.map((b) => ({ left: b.left, width: b.width }))
  // the first (no Up) and the last (no Down) too; Delete with tasks (a folded form) or without (a button)
  for (const row of rows) expect(columns(row)).toEqual(columns(rows[1]!))
  for (const row of rows) for (const b of row) expect([Math.round(b.top - row[0]!.top), Math.round(b.bottom - row[0]!.bottom)]).toEqual([0, 0])
  expect(await page.locator('table.pl-states thead th').last().innerText()).toBe('Actions')
  // shown as the cycles table shows its own, not only to screen readers
  const drawn = (th: Element) => { const r = document.createRange(); r.selectNodeContents(th); return Math.round(r.getBoundingClientRect().width) }
  expect(await page.locator('table.pl-states thead th').last().evaluate(drawn)).toBeGreaterThan(30)
  await page.goto(`${p.url}/planning/projects/WEB/cycles`)
  expect(await page.locator('table.pl-cycles thead th').last().innerText()).toBe('Actions')
  expect(await page.locator('table.pl-cycles thead th').last().evaluate(drawn)).toBeGreaterThan(30)
}, T)

test('board cards show the due date; an open task past it is overdue in the danger colour', async () => {
  await setWidth(1280)
  await page.goto(`${p.url}/planning/projects/WEB/board`)
  const due = (title: string) => page.locator('.pl-card', { hasText: title }).locator('.pl-card-due')
  expect(await due('Due later').innerText()).toBe('Due 2999-12-31')
  expect(await due('Past its date').innerText()).toBe('Overdue 2020-01-31')
  expect(await due('Done late').innerText()).toBe('Due 2020-01-31') // done: never overdue
  const colours = await Promise.all(['Past its date', 'Due later'].map((t) => due(t).evaluate((el) => getComputedStyle(el).color)))
  expect(colours[0]).not.toBe(colours[1])
  expect(await page.locator('.pl-card', { hasText: NO_SPACES.slice(0, 20) }).locator('.pl-card-due').count()).toBe(0)
  // the list colours the same date the same way (and says "overdue" to screen readers)
  await page.goto(`${p.url}/planning/projects/WEB`)
  const cell = page.locator('.pl-row', { hasText: 'Past its date' }).locator('td.pl-c-due')
  expect(await cell.getAttribute('class')).toContain('pl-overdue')
  expect(await cell.textContent()).toBe('2020-01-31 (overdue)')
  expect(await cell.evaluate((el) => getComputedStyle(el).color)).toBe(colours[0]!)
  expect(await page.locator('.pl-row', { hasText: 'Done late' }).locator('td.pl-c-due').getAttribute('class')).not.toContain('pl-overdue')
  await page.goto(`${p.url}/planning/projects/WEB/board`)
  // the date shares the card's meta line: a card with a due date is no taller than one line more
  const h = await page.locator('.pl-card', { hasText: 'Due later' }).evaluate((el) => el.getBoundingClientRect().height)
  expect(h).toBeLessThan(130)
  // in a card too narrow for one line the date wraps and starts its line flush, with no separator before it
  const wrapped = await page.locator('.pl-card', { hasText: 'Past its date' }).evaluate((card) => {
    ;(card as HTMLElement).style.width = '8rem'
    const meta = card.querySelector('.pl-card-meta')!
    const date = meta.querySelector('.pl-card-due')!
    return { first: meta.firstElementChild!.getBoundingClientRect().top, top: date.getBoundingClientRect().top, left: date.getBoundingClientRect().left, metaLeft: meta.getBoundingClientRect().left, before: getComputedStyle(date, '::before').content }
  })
  expect(wrapped.top).toBeGreaterThan(wrapped.first)
  expect(Math.round(wrapped.left - wrapped.metaLeft)).toBe(0)
  expect(wrapped.before).toBe('none')
}, T)

for (const width of [1280, 390]) {
  test(`${width} px: a refused relation shows its error under the task key field, the button beside the field (1280) or under it (390)`, async () => {
    await setWidth(width)
    await page.goto(`${p.url}/planning/tasks/WEB-3`)
    const form = page.locator('.pl-relations form')
    await form.locator('input[name="other"]').fill('WEB-3')
    await form.getByRole('button', { name: 'Add relation' }).click()
    const error = page.locator('#relation-other-error')
    await error.waitFor()
    expect(await error.innerText()).toContain('cannot block itself')
    const box = await page.locator('.pl-relations form').evaluate((f) => {
      const r = (sel: string) => f.querySelector(sel)!.getBoundingClientRect().toJSON() as DOMRect
      return { select: r('select'), input: r('input[name="other"]'), button: r('button'), error: r('.field-error') }
    })
    expect(box.error.top).toBeGreaterThanOrEqual(box.input.bottom)
    expect(Math.round(box.error.left - box.input.left)).toBe(0)
    expect(box.error.right).toBeLessThanOrEqual(width)
    expect(box.input.width).toBeGreaterThan(width < 600 ? 120 : 400)
    expect(Math.round(box.select.top - box.input.top)).toBe(0)
    if (width < 600) expect(box.button.top).toBeGreaterThanOrEqual(box.error.bottom)
    else expect([Math.round(box.button.top - box.input.top), box.button.left > box.input.right].join()).toBe('0,true')
  }, T)
}
