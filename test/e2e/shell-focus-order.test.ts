/**
 * The header's keyboard order follows its drawing order: on a laptop the notification bell, drawn at
 * the right end after the user menu, is also the last header stop (it was the third, right after the
 * logo, moved to the end by CSS `order` alone). On a phone it still sits beside the menu button,
 * outside the folding panel. Screenshots in test/artifacts (shell-focus-*.png).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import collaboration from '../../plugins/collaboration/index.ts'
import dashboard from '../../plugins/dashboard/index.ts'
import { ADMIN } from '../helpers/platform.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, typeInto, type BrowserRig } from './support.ts'

const T = 60_000
let rig: BrowserRig

/** The header's Tab stops after the skip link, as "tag.class text" with their left edge. */
async function headerStops(page: Page): Promise<{ what: string; x: number }[]> {
  await page.locator('.skip-link').focus() // the page's first stop; the header follows
  const stops: { what: string; x: number }[] = []
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab')
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement
      if (!el.closest('header')) return undefined
      return { what: `${el.tagName.toLowerCase()}${el.classList[0] ? '.' + el.classList[0] : ''} ${(el.getAttribute('aria-label') || el.textContent || '').trim()}`, x: Math.round(el.getBoundingClientRect().x) }
    })
    if (!stop) break
    stops.push(stop)
  }
  return stops
}

beforeAll(async () => {
  rig = await openBrowserRig([collaboration, dashboard])
  const { page, p } = rig
  await page.goto(`${p.url}/login`)
  await typeInto(page, 'Email', ADMIN.email)
  await typeInto(page, 'Password', ADMIN.password)
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.keyboard.press('Enter')])
}, T)
afterAll(() => closeBrowserRig(rig), T)

test('laptop: Tab goes left to right through the bar and reaches the bell last, its focus ring inside the bar', async () => {
  const { page, p } = rig
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`${p.url}/account`)
  const stops = await headerStops(page)
  const names = stops.map((s) => s.what)
  expect(names[0]).toBe('a.brand Coder IDE home')
  expect(names.at(-1)).toStartWith('a.collab-bell')
  const xs = stops.map((s) => s.x)
  expect(xs).toEqual([...xs].sort((a, b) => a - b)) // drawing order = Tab order
  await page.locator('.collab-bell').focus()
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Tab') // keyboard focus: the ring shows
  const room = await page.evaluate(() => {
    const bell = document.querySelector('.collab-bell')!.getBoundingClientRect()
    const bar = document.querySelector('.app-bar')!.getBoundingClientRect()
    return bar.right - bell.right
  })
  expect(room).toBeGreaterThanOrEqual(8) // 3px ring + 2px offset, with room to spare
  await page.screenshot({ path: join(ARTIFACTS, 'shell-focus-bell-1280.png'), clip: { x: 0, y: 0, width: 1280, height: 100 } })
}, T)

test('phone: the bell stays beside the menu button, outside the folding panel', async () => {
  const { page, p } = rig
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${p.url}/account`)
  const box = (sel: string) => page.locator(sel).first().boundingBox()
  const [brand, bell, toggle] = [await box('.brand'), await box('.header-items'), await box('.nav-toggle')]
  expect(await page.locator('.nav-panel .collab-bell').count()).toBe(0)
  expect(await page.locator('.collab-bell').isVisible()).toBe(true)
  expect(bell!.x).toBeGreaterThan(brand!.x + brand!.width)
  expect(bell!.x + bell!.width).toBeLessThanOrEqual(toggle!.x)
  expect(Math.abs(bell!.y + bell!.height / 2 - (toggle!.y + toggle!.height / 2))).toBeLessThan(4) // one row
  await page.screenshot({ path: join(ARTIFACTS, 'shell-focus-390.png'), clip: { x: 0, y: 0, width: 390, height: 120 } })
  await page.locator('.nav-toggle > summary').click()
  const panel = await box('.nav-panel')
  expect(panel!.y).toBeGreaterThanOrEqual(bell!.y + bell!.height) // the open panel folds out below the bar
  await page.screenshot({ path: join(ARTIFACTS, 'shell-focus-390-open.png') })
}, T)
