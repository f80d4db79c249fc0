/**
 * The header fits every width: at 961-1251 px the bar was 1252 px wide, so the page scrolled sideways
 * and the user menu and the bell were off-screen. Checked with today's nav (Dashboard) and with eight
 * more entries from a fixture (plugins to come), under a long organization name, from 320 to 1920 px.
 * Screenshots of the bar in test/artifacts (shell-widths-*.png).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { definePlugin } from '../../core/plugins/contract.ts'
import collaboration from '../../plugins/collaboration/index.ts'
import dashboard from '../../plugins/dashboard/index.ts'
import { ADMIN } from '../helpers/platform.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, pageCsrf, typeInto, type BrowserRig } from './support.ts'

const T = 90_000
const WIDTHS = [320, 390, 961, 1024, 1100, 1280, 1440, 1920]
let rig: BrowserRig

/** Eight nav entries with ordinary labels, standing in for the plugins still to come. */
const ENTRIES = [
  ['Planning', 'kanban'], ['Calendar', 'calendar'], ['Knowledge', 'book-open'], ['Execution', 'bot'],
  ['Workflows', 'workflow'], ['Reports', 'gauge'], ['Integrations', 'plug'], ['Time tracking', 'activity'],
] as const
const wideNav = definePlugin({
  id: 'fixture-wide-nav',
  name: 'Wide nav',
  version: '1.0.0',
  api: 1,
  setup(ctx) {
    ENTRIES.forEach(([label, icon], i) => ctx.nav({ label, href: `/fixture-wide-nav/${i}`, icon, order: 20 + i }))
  },
})

/** Where the bar's parts are, and how far the page scrolls sideways. */
async function measure(page: Page): Promise<{ overflow: number; bell: DOMRect; user: DOMRect; org: DOMRect; nav: { scroll: number; client: number } }> {
  return page.evaluate(() => {
    const box = (sel: string) => document.querySelector(sel)!.getBoundingClientRect().toJSON()
    const nav = document.querySelector('#main-nav')!
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      bell: box('.collab-bell'),
      user: box('details.user-menu > summary'),
      org: box('details.org-switcher > summary'),
      nav: { scroll: nav.scrollWidth, client: nav.clientWidth },
    }
  })
}

/** Asserts that nothing widens the page and the bell is on-screen; on wide screens the menus too. */
async function expectFits(page: Page, width: number, name: string): Promise<void> {
  await page.setViewportSize({ width, height: 700 })
  await page.goto(`${rig.p.url}/account`)
  const m = await measure(page)
  expect({ width, overflow: m.overflow }).toEqual({ width, overflow: 0 })
  expect(m.bell.x).toBeGreaterThanOrEqual(0)
  expect(m.bell.right).toBeLessThanOrEqual(width)
  if (width > 960) {
    // unfolded: both menus sit in the bar, on-screen, left of the bell
    for (const menu of [m.org, m.user]) {
      expect(menu.x).toBeGreaterThanOrEqual(0)
      expect(menu.right).toBeLessThanOrEqual(m.bell.x)
      expect(menu.height).toBeGreaterThan(0)
    }
  } else {
    expect(m.user.height).toBe(0) // folded away behind the menu button
    await page.locator('.nav-toggle > summary').click()
    const open = await measure(page)
    expect(open.overflow).toBe(0)
    expect(open.user.right).toBeLessThanOrEqual(width)
  }
  await page.screenshot({ path: join(ARTIFACTS, `shell-widths-${name}-${width}.png`), clip: { x: 0, y: 0, width, height: width > 960 ? 80 : 700 } })
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  rig = await openBrowserRig([collaboration, dashboard, wideNav])
  const { page, p } = rig
  await p.host.disable('fixture-wide-nav') // today's nav first
  await page.goto(`${p.url}/login`)
  await typeInto(page, 'Email', ADMIN.email)
  await typeInto(page, 'Password', ADMIN.password)
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.keyboard.press('Enter')])
  // a long organization name, switched to: the switcher's label must not push the bar wider
  const res = await page.request.post(`${p.url}/orgs/new`, { form: { _csrf: await pageCsrf(page), name: 'Northwind Traders International Holdings' } })
  expect(res.status()).toBeLessThan(400)
}, T)
afterAll(() => closeBrowserRig(rig), T)

test('with the nav of today, the header fits from 320 to 1920 px', async () => {
  for (const width of WIDTHS) await expectFits(rig.page, width, 'few')
  // at 1280 px and more the nav still shows its labels
  await rig.page.setViewportSize({ width: 1280, height: 700 })
  expect(await rig.page.locator('#main-nav a span').first().isVisible()).toBe(true)
}, T)

test('with eight more nav entries, the header still fits, the nav shows icons with their names kept', async () => {
  await rig.p.host.enable('fixture-wide-nav')
  const { page } = rig
  for (const width of WIDTHS) await expectFits(page, width, 'many')
  await page.setViewportSize({ width: 1100, height: 700 })
  await page.goto(`${rig.p.url}/account`)
  const link = page.locator('#main-nav a', { hasText: 'Time tracking' })
  expect(await link.getAttribute('title')).toBe('Time tracking') // the tooltip
  expect(await page.getByRole('link', { name: 'Time tracking' }).count()).toBe(1) // the accessible name
  expect(await link.locator('span').boundingBox().then((b) => b!.width)).toBeLessThanOrEqual(1) // visually hidden
  await page.setViewportSize({ width: 1920, height: 700 })
  const m = await measure(page)
  expect(m.nav.scroll).toBeLessThanOrEqual(m.nav.client) // at full width every entry is in view
}, T)
