/**
 * Tab bars on a phone: at 390 px the account and admin tabs were cut off ("Audi…", "Two-fa…")
 * behind a sideways scroll with no scrollbar. Every tab must now show whole, inside the screen.
 * Screenshots in test/artifacts (tabs-narrow-*.png).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ADMIN } from '../helpers/platform.ts'
import { fixturePlugins } from '../fixtures/index.ts'
import { ARTIFACTS, closeBrowserRig, openBrowserRig, signIn, type BrowserRig } from './support.ts'

const T = 60_000
let rig: BrowserRig

beforeAll(async () => {
  rig = await openBrowserRig(fixturePlugins)
  mkdirSync(ARTIFACTS, { recursive: true })
  await signIn(rig.page, rig.p.url, ADMIN.email, ADMIN.password)
}, T)
afterAll(() => closeBrowserRig(rig))

/** Each tab link of the page's tab bars: its text and whether it shows whole on screen. */
function tabs(width: number) {
  return rig.page.evaluate((w) => {
    return Array.from(document.querySelectorAll<HTMLElement>('main ul.tabs a')).map((a) => {
      const r = a.getBoundingClientRect()
      const bar = a.closest('ul')!
      const clip = bar.getBoundingClientRect()
      const inside = r.left >= Math.max(0, clip.left) - 0.5 && r.right <= Math.min(w, clip.right) + 0.5
      return { label: a.textContent!.trim(), inside, text: a.scrollWidth <= a.clientWidth + 1 }
    })
  }, width)
}

for (const [path, labels] of [
  ['/account', ['Profile', 'Password', 'Sessions', 'Two-factor', 'API tokens']],
  ['/admin/users', ['Plugins', 'Users', 'Organizations', 'Audit log']],
  ['/orgs/members', ['Members', 'Teams', 'Roles', 'Audit log', 'Settings']],
] as const) {
  test(`${path}: at 390 and 320 px every tab shows whole`, async () => {
    for (const width of [390, 320]) {
      await rig.page.setViewportSize({ width, height: 844 })
      await rig.page.goto(`${rig.p.url}${path}`)
      const found = await tabs(width)
      expect(found.map((t) => t.label)).toEqual([...labels])
      for (const t of found) expect({ width, ...t }).toEqual({ width, label: t.label, inside: true, text: true })
      expect(await rig.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      await rig.page.screenshot({ path: join(ARTIFACTS, `tabs-narrow-${path.slice(1).replace(/\//g, '-')}-${width}.png`) })
    }
  }, T)
}
