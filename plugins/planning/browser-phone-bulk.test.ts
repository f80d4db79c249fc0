/**
 * In a real browser (SQLite) at 390 px: selecting tasks in a long list shows a compact bar stuck to
 * the bottom of the screen ("3 selected · Edit") that jumps to the bulk form below the list; with and
 * without JavaScript (CSS :has). Wide screens keep the sticky form itself, no bar.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ADMIN } from '../../test/helpers/platform.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, pageApi, signIn, type BrowserRig } from '../../test/e2e/support.ts'
import planning from './index.ts'

const T = 60_000
let rig: BrowserRig

beforeAll(async () => {
  rig = await openBrowserRig([planning])
  await signIn(rig.page, rig.p.url, ADMIN.email, ADMIN.password)
  const api = await pageApi(rig.page, rig.p.url, '/planning')
  await api.post('/api/v1/planning/projects', { key: 'PHN', name: 'Phone' })
  for (let i = 1; i <= 20; i++) await api.post('/api/v1/planning/tasks', { project: 'PHN', title: `Task number ${i} with a title that wraps on a phone` })
}, T)
afterAll(() => closeBrowserRig(rig ?? {}))

/** Where the bar is, and whether the bulk form is in the window. */
async function layout(page: Page) {
  return page.evaluate(() => {
    const bar = document.querySelector('.pl-bulk-bar') as HTMLElement
    const form = document.querySelector('#bulk-edit') as HTMLElement
    const b = bar.getBoundingClientRect()
    const f = form.getBoundingClientRect()
    return {
      barShown: getComputedStyle(bar).display !== 'none',
      barBottom: b.bottom,
      barHeight: b.height,
      count: getComputedStyle(bar.querySelector('.pl-bulk-count')!, '::before').content,
      formInView: f.top < window.innerHeight && f.bottom > 0,
      viewport: window.innerHeight,
    }
  })
}

for (const javaScriptEnabled of [true, false]) {
  test(
    `list at 390 px${javaScriptEnabled ? '' : ' without JavaScript'}: a bar "N selected · Edit" sticks to the bottom while tasks are selected and jumps to the bulk form`,
    async () => {
      const ctx = await rig.browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 }, storageState: await rig.ctx.storageState() })
      try {
        const page = await ctx.newPage()
        await page.goto(`${rig.p.url}/planning/projects/PHN`)
        let l = await layout(page)
        expect(l.barShown).toBe(false) // nothing selected
        expect(l.formInView).toBe(false) // the form (hidden anyway) lies far below the list
        for (let i = 0; i < 3; i++) await page.locator('input[name=ids]').nth(i).check()
        l = await layout(page)
        expect(l.barShown).toBe(true)
        expect(l.count).toBe('counter(pl-selected) " selected"')
        expect(await page.locator('.pl-bulk-bar').innerText()).toContain('Edit')
        expect(l.formInView).toBe(false)
        // stuck to the bottom of the screen, compact
        expect(l.barBottom).toBeLessThanOrEqual(l.viewport)
        expect(l.barBottom).toBeGreaterThan(l.viewport - 40)
        expect(l.barHeight).toBeLessThan(60)
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
        if (javaScriptEnabled) {
          mkdirSync(ARTIFACTS, { recursive: true })
          await page.screenshot({ path: join(ARTIFACTS, 'planning-phone-bulk-bar-390.png') })
        }
        await page.locator('.pl-bulk-bar').click()
        l = await layout(page)
        expect(l.formInView).toBe(true)
        expect(await page.locator('#bulk-state').isVisible()).toBe(true)
        if (javaScriptEnabled) await page.screenshot({ path: join(ARTIFACTS, 'planning-phone-bulk-form-390.png') })
      } finally {
        await ctx.close()
      }
    },
    T,
  )
}

test(
  'list at 1280 px: no bar, the bulk form itself sticks to the bottom',
  async () => {
    const { page } = rig
    await page.goto(`${rig.p.url}/planning/projects/PHN`)
    await page.locator('input[name=ids]').first().check()
    const l = await layout(page)
    expect(l.barShown).toBe(false)
    expect(l.formInView).toBe(true)
  },
  T,
)
