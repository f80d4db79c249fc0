/**
 * The dashboard in a real browser (SQLite): cards of very different heights pack (masonry: a card
 * moves up under a short one instead of waiting for the row's tallest card), in the saved order, with
 * no overlap; the keyboard's Move down still reorders them and they pack again; a done "Getting
 * started" step reads at 4.5:1 or more. Screenshots at 1280 and 390 px in test/artifacts.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { definePlugin } from '../../core/plugins/contract.ts'
import { ADMIN } from '../../test/helpers/platform.ts'
import { closeBrowserRig, openBrowserRig, screenshot, signIn, type BrowserRig } from '../../test/e2e/support.ts'
import dashboard from './index.ts'

const T = 60_000
const lines = (n: number) => `<ul>${Array.from({ length: n }, (_, i) => `<li>Line ${i + 1}</li>`).join('')}</ul>`

/** Widgets of very different heights: tall, short, short, medium, short. */
const sized = definePlugin({
  id: 'sized-widgets',
  name: 'Sized widgets',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    for (const [id, n] of [['tall', 24], ['short-a', 1], ['short-b', 2], ['medium', 8], ['short-c', 1]] as const) {
      ctx.contribute('dashboard.widget', { id, title: `Widget ${id}`, render: () => lines(n) })
    }
  },
})

const KEYS = ['sized-widgets.tall', 'sized-widgets.short-a', 'sized-widgets.short-b', 'sized-widgets.medium', 'sized-widgets.short-c', 'dashboard.getting-started']
let rig: BrowserRig

/** Each card's key and box, in DOM order. */
function cards(page: Page): Promise<{ key: string; x: number; y: number; w: number; h: number }[]> {
  return page.locator('.dashboard-grid > .widget-card').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect()
      return { key: (el as HTMLElement).dataset.key!, x: Math.round(r.x), y: Math.round(r.y + scrollY), w: Math.round(r.width), h: Math.round(r.height) }
    }),
  )
}

/** Waits until every body has loaded and the packing has settled (spans set). */
async function settled(page: Page) {
  await page.waitForFunction(() => document.querySelectorAll('.widget-body[aria-busy]').length === 0)
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.dashboard-grid > .widget-card')].every((c) => c.style.gridRowEnd.startsWith('span')))
  await page.waitForTimeout(100)
}

function expectNoOverlap(boxes: { key: string; x: number; y: number; w: number; h: number }[]) {
  for (const a of boxes) for (const b of boxes) {
    if (a === b) continue
    const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y
    expect(apart ? '' : `${a.key} overlaps ${b.key}`).toBe('')
  }
}

beforeAll(async () => {
  rig = await openBrowserRig([dashboard, sized])
  const { p } = rig
  const admin = await p.adminClient()
  await admin.get('/dashboard')
  const layout = await admin.post('/dashboard/layout', { widgets: KEYS })
  expect(layout.status).toBeLessThan(400)
  await signIn(rig.page, p.url, ADMIN.email, ADMIN.password).catch(() => {}) // / leads on to /dashboard
}, T)
afterAll(() => closeBrowserRig(rig ?? {}))

test('cards pack under short ones, in the saved order, without overlapping', async () => {
  const { page, p } = rig
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`${p.url}/dashboard`)
  await settled(page)
  const boxes = await cards(page)
  expect(boxes.map((b) => b.key)).toEqual(KEYS)
  expectNoOverlap(boxes)
  const [tall, shortA, shortB, medium] = boxes
  // three columns: the first three cards side by side, in order
  expect(shortA!.x).toBeGreaterThan(tall!.x)
  expect(shortB!.x).toBeGreaterThan(shortA!.x)
  expect(new Set([tall!.y, shortA!.y, shortB!.y]).size).toBe(1)
  // the fourth goes under the first card to end (short a), one gap below it, not below the tall one
  expect(medium!.x).toBe(shortA!.x)
  const gap = medium!.y - (shortA!.y + shortA!.h)
  expect(gap).toBeGreaterThanOrEqual(12)
  expect(gap).toBeLessThanOrEqual(24)
  expect(medium!.y).toBeLessThan(tall!.y + tall!.h)
  const overflow = await screenshot(page, 'dashboard-packed')
  expect(overflow).toEqual({ 1280: 0, 390: 0 })
}, T)

test('Move down from the keyboard reorders the cards, which pack again; focus stays on the control', async () => {
  const { page, p } = rig
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`${p.url}/dashboard?customize=1`)
  await settled(page)
  await page.getByRole('button', { name: 'Move Widget tall down' }).focus()
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.querySelector('.dashboard-grid > .widget-card')?.getAttribute('data-key') === 'sized-widgets.short-a')
  await settled(page)
  const boxes = await cards(page)
  expect(boxes.map((b) => b.key)).toEqual([KEYS[1]!, KEYS[0]!, ...KEYS.slice(2)])
  expectNoOverlap(boxes)
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move Widget tall down')
  await screenshot(page, 'dashboard-packed-customize')
}, T)

test('a done "Getting started" step is muted plain text with a check mark, at 4.5:1 or more, light and dark', async () => {
  const { page, p } = rig
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.goto(`${p.url}/dashboard`)
    await settled(page)
    const done = page.locator('.checklist li.done').filter({ hasText: 'Arrange your dashboard' })
    expect(await done.count()).toBe(1)
    expect(await done.locator('a').count()).toBe(0)
    expect(await done.locator('.check').textContent()).toBe('✓')
    const ratio = await done.evaluate((li) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!)
      }
      let el: Element | null = li
      let bg = 'rgba(0, 0, 0, 0)'
      while (el && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
        bg = getComputedStyle(el).backgroundColor
        el = el.parentElement
      }
      const style = getComputedStyle(li)
      const [a, b] = [lum(rgb(style.color)), lum(rgb(bg))]
      return { ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), opacity: style.opacity, strike: getComputedStyle(li.querySelector('span:not(.check):not(.visually-hidden)')!).textDecorationLine }
    })
    expect(ratio.ratio).toBeGreaterThanOrEqual(4.5)
    expect(ratio.opacity).toBe('1')
    expect(ratio.strike).toBe('none')
    // a step still to do keeps its link
    expect(await page.locator('.checklist li:not(.done) a').count()).toBeGreaterThan(0)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}, T)
