/**
 * UI review 7 in a real browser (SQLite): the audit log fits a 1280 px laptop (the Details column
 * inside the page, an organization name on one line) and on a phone its two day fields share a row;
 * the header's unread count reads at 4.5:1 or more in light and dark; the dashboard's Done is a
 * primary button. Screenshots in test/artifacts (ui-review7-*.png).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { KnownServices } from '../../core/plugins/points.ts'
import collaboration from '../../plugins/collaboration/index.ts'
import dashboard from '../../plugins/dashboard/index.ts'
import { textContrasts } from '../helpers/contrast.ts'
import { ADMIN } from '../helpers/platform.ts'
import { ARTIFACTS, closeBrowserRig, newContext, openBrowserRig, typeInto, type BrowserRig } from './support.ts'

const T = 60_000
let rig: BrowserRig

beforeAll(async () => {
  rig = await openBrowserRig([collaboration, dashboard])
  mkdirSync(ARTIFACTS, { recursive: true })
  const { p } = rig
  const { accounts, orgs } = p.deps.identity
  const admin = (await accounts.findUserByEmail(ADMIN.email))!
  const demo = await orgs.createOrg({ name: 'Demo 2026-11-26' }, admin.id)
  const actor = { userId: admin.id, email: ADMIN.email, ip: '203.0.113.77' }
  await accounts.audit({ ...actor, orgId: demo.id }, 'org.demo_created', 'Demo 2026-11-26')
  await accounts.audit(actor, 'user.create', 'someone.with.a.long.address@example.com', { isAdmin: true, via: 'cli' })
  for (let i = 0; i < 3; i++) await accounts.audit(actor, 'auth.sign_in', ADMIN.email, { method: 'password' })
  const notify = p.host.service<KnownServices['collaboration.notify']>('collaboration.notify')!
  for (let i = 0; i < 11; i++) await notify.notify({ orgId: p.org!.id, userIds: [admin.id], title: `Note ${i}` } as Parameters<typeof notify.notify>[0])
}, T)
afterAll(() => closeBrowserRig(rig))

/** Signs in through /login (with the dashboard on, the start page is /dashboard, not the `signIn` helper's `/`). */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${rig.p.url}/login`)
  await typeInto(page, 'Email', ADMIN.email)
  await typeInto(page, 'Password', ADMIN.password)
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.keyboard.press('Enter')])
}

/** The audit table's overflow and each Organization and Details cell's box, against the scroller's. */
function auditLayout(page: Page) {
  return page.evaluate(() => {
    const wrap = document.querySelector<HTMLElement>('main .table-wrap')!
    const box = wrap.getBoundingClientRect()
    // a cell's lines: the line boxes its text was laid out in
    const lines = (td: HTMLElement) => {
      const range = document.createRange()
      range.selectNodeContents(td)
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size
    }
    const cells = (label: string) => [...document.querySelectorAll<HTMLElement>(`.audit-log td[data-label="${label}"]`)].map((td) => ({ text: td.textContent!.trim(), right: td.getBoundingClientRect().right, lines: lines(td) }))
    return { overflow: wrap.scrollWidth - wrap.clientWidth, right: box.right, org: cells('Organization'), details: cells('Details') }
  })
}

test('audit log at 1280 px: no sideways scroll, Details inside the page, an organization name on one line', async () => {
  const context = await newContext(rig.browser, 1280)
  const page = await context.newPage()
  await signIn(page)
  await page.goto(`${rig.p.url}/admin/audit`)
  // once the shell's script has shown the times in the browser's zone (the text may change width)
  await page.waitForFunction(() => document.querySelectorAll('.audit-log time:not([data-local])').length === 0)
  await page.screenshot({ path: join(ARTIFACTS, 'ui-review7-audit-1280.png'), fullPage: true })
  const layout = await auditLayout(page)
  expect(layout.overflow).toBeLessThanOrEqual(0)
  for (const d of layout.details) expect(d.right).toBeLessThanOrEqual(layout.right + 0.5)
  const demo = layout.org.find((o) => o.text === 'Demo 2026-11-26')!
  expect(demo.lines).toBe(1)
  expect(layout.org.find((o) => o.text === '—')!.lines).toBe(1)
  // the day filter says which zone its days are in (the browser's: the context's zone is UTC here)
  expect(await page.locator('.audit-filter-zone').textContent()).toContain('Days are counted in')
  await context.close()
}, T)

test('audit log at 390 px: the two day fields share a row, inside the screen', async () => {
  const context = await newContext(rig.browser, 390)
  const page = await context.newPage()
  await signIn(page)
  await page.goto(`${rig.p.url}/admin/audit`)
  const [from, to] = await Promise.all(['#audit-from', '#audit-to'].map((s) => page.locator(s).boundingBox()))
  expect(Math.abs(from!.y - to!.y)).toBeLessThan(1)
  expect(to!.x + to!.width).toBeLessThanOrEqual(390)
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
  await page.screenshot({ path: join(ARTIFACTS, 'ui-review7-audit-390.png'), fullPage: true })
  await context.close()
}, T)

for (const scheme of ['light', 'dark'] as const) {
  test(`${scheme}: the header's unread count reads at 4.5:1 or more; the dashboard's Done is a primary button`, async () => {
    const context = await newContext(rig.browser, 1280, { colorScheme: scheme })
    const page = await context.newPage()
    await signIn(page)
    expect(await page.locator('.collab-count').textContent()).toBe('11')
    expect((await textContrasts(page, '.collab-count'))[0]!.ratio).toBeGreaterThanOrEqual(4.5)

    await page.goto(`${rig.p.url}/dashboard?customize=1`)
    const done = page.getByRole('button', { name: 'Done' })
    await page.waitForFunction(() => document.getAnimations().length === 0) // Pico's colour transitions
    // the same fill as a primary button (the page's skip link is not one: compare with a fresh button)
    const [fill, primary] = await done.evaluate((el) => {
      const probe = document.createElement('button')
      document.querySelector('main')!.append(probe)
      const colours = [getComputedStyle(el).backgroundColor, getComputedStyle(probe).backgroundColor]
      probe.remove()
      return colours
    })
    expect(fill).toBe(primary)
    expect((await textContrasts(page, 'a[role="button"][href="/dashboard"]'))[0]!.ratio).toBeGreaterThanOrEqual(4.5)
    await page.screenshot({ path: join(ARTIFACTS, `ui-review7-dashboard-customize-${scheme}.png`) })
    await context.close()
  }, T)
}
