/**
 * In a real browser (SQLite): selects that save themselves (the task page's assignee, a board card's
 * state) send only the value they rest on. Arrow keys on a closed select change it at every press;
 * browsing three people must not assign (and notify) each of them in turn.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { ADMIN } from '../../test/helpers/platform.ts'
import { closeBrowserRig, openBrowserRig, pageApi, signIn, type BrowserRig } from '../../test/e2e/support.ts'
import planning from './index.ts'

const T = 60_000
let rig: BrowserRig

beforeAll(async () => {
  rig = await openBrowserRig([planning])
  for (let i = 0; i < 3; i++) await rig.p.member('member')
  await signIn(rig.page, rig.p.url, ADMIN.email, ADMIN.password)
  const api = await pageApi(rig.page, rig.p.url, '/planning')
  await api.post('/api/v1/planning/projects', { key: 'SEL', name: 'Selects' })
  for (const title of ['Browse people', 'Browse states']) await api.post('/api/v1/planning/tasks', { project: 'SEL', title })
}, T)
afterAll(() => closeBrowserRig(rig ?? {}))

/** Counts the POSTs to paths ending in `suffix` from now on. */
function countPosts(page: Page, suffix: string): () => number {
  let n = 0
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname.endsWith(suffix)) n++
  })
  return () => n
}

/** The task's history lines, from its page. */
async function historyOf(page: Page, key: string): Promise<string[]> {
  const res = await page.request.get(`${rig.p.url}/planning/tasks/${key}`)
  return [...(await res.text()).matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim())
}

test(
  'task page: three quick ArrowDowns on the assignee select save once, the last person; the focus stays',
  async () => {
    const { page } = rig
    await page.goto(`${rig.p.url}/planning/tasks/SEL-1`)
    const posts = countPosts(page, '/planning/tasks/SEL-1/assignee')
    const select = page.locator('#prop-assignee')
    expect(await select.inputValue()).toBe('') // unassigned
    expect(await select.locator('option').count()).toBeGreaterThanOrEqual(4)
    await select.focus()
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown')
    const chosen = await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]!.textContent!.trim())
    expect(await select.evaluate((el) => (el as HTMLSelectElement).selectedIndex)).toBe(3)
    await page.waitForSelector(`.pl-history li:has-text("changed assignee from Unassigned to ${chosen}")`, { timeout: 8_000 })
    await page.waitForTimeout(1_200) // long enough for a second save, were one coming
    expect(posts()).toBe(1)
    expect((await historyOf(page, 'SEL-1')).filter((l) => l.includes('changed assignee'))).toHaveLength(1)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prop-assignee')
    const task = (await (await page.request.get(`${rig.p.url}/api/v1/planning/tasks/SEL-1`)).json()) as { assignee: { name: string } | null }
    expect(task.assignee?.name).toBe(chosen)
  },
  T,
)

test(
  'board: two quick ArrowDowns on a card state select move the card once, to the final state',
  async () => {
    const { page } = rig
    await page.goto(`${rig.p.url}/planning/projects/SEL/board`)
    const posts = countPosts(page, '/planning/tasks/SEL-2/state')
    const select = page.locator('#card-SEL-2 select')
    const options = await select.locator('option').allTextContents()
    const from = options.indexOf(await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]!.textContent!))
    const target = options[from + 2]!
    await select.focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.waitForSelector(`[aria-label="${target}"] #card-SEL-2`, { timeout: 8_000 })
    await page.waitForTimeout(1_200)
    expect(posts()).toBe(1)
    expect((await historyOf(page, 'SEL-2')).filter((l) => l.includes('changed state'))).toHaveLength(1)
    expect(await page.evaluate(() => document.activeElement?.closest('.pl-card')?.id)).toBe('card-SEL-2') // focus back on its select
  },
  T,
)

test(
  'task page: a second select changed while the first one is still waiting keeps its pick; both are saved',
  async () => {
    const { page } = rig
    await page.goto(`${rig.p.url}/planning/tasks/SEL-1`)
    await page.locator('#prop-priority').selectOption('urgent')
    await page.locator('#prop-assignee').selectOption('') // back to unassigned, before the priority is saved
    await page.waitForSelector('.pl-history li:has-text("changed priority from No priority to Urgent")', { timeout: 8_000 })
    await page.waitForSelector('.pl-history li:has-text("changed assignee from")', { timeout: 8_000 })
    expect(await page.locator('.pl-history li', { hasText: /changed assignee from .* to Unassigned/ }).count()).toBe(1)
    const task = (await (await page.request.get(`${rig.p.url}/api/v1/planning/tasks/SEL-1`)).json()) as { priority: string; assignee: unknown }
    expect([task.priority, task.assignee]).toEqual(['urgent', null])
  },
  T,
)
