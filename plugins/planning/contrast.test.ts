/**
 * In a real browser (SQLite), light and dark: every state and priority badge and every label chip on
 * the list, the board and the task page reads at 4.5:1 or more against what is drawn behind it (labels
 * in pale colours too: their colour is a dot, the name neutral), and a board card keeps its assignee
 * and estimate on one line.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { ADMIN } from '../../test/helpers/platform.ts'
import { closeBrowserRig, openBrowserRig, signIn, type BrowserRig } from '../../test/e2e/support.ts'
import { json } from './test-support.ts'
import planning from './index.ts'

const T = 60_000
let rig: BrowserRig

beforeAll(async () => {
  rig = await openBrowserRig([planning])
  const { p } = rig
  const admin = await p.adminClient()
  const { accounts, orgs } = p.deps.identity
  const ana = await accounts.createUser({ email: 'ana@example.com', name: 'Maximiliana Rodrigues-Fernandes', password: 'member password 1' })
  const member = (await orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!
  await orgs.addMember(p.org!.id, ana.id, member.id)
  expect((await json(admin, 'POST', '/api/v1/planning/projects', { key: 'WEB', name: 'Website' })).status).toBe(201)
  await admin.get('/planning/projects/WEB/settings')
  // pale and dark label colours: as text, #84cc16 was 2.1:1 on white and #1e3a8a 1.9:1 on the dark page
  for (const [name, color] of [['seo', '#84cc16'], ['docs', '#eab308'], ['infra', '#1e3a8a']] as const) expect((await admin.post('/planning/projects/WEB/labels', { name, color })).status).toBe(303)
  const tasks = [
    { title: 'Started and high', state: 'In Progress', priority: 'high', labels: ['seo', 'docs'], assigneeId: ana.id, estimate: 5 },
    { title: 'Urgent', state: 'Todo', priority: 'urgent', labels: ['infra'] },
    { title: 'Done', state: 'Done', priority: 'medium' },
    { title: 'Dropped', state: 'Cancelled', priority: 'low' },
  ]
  for (const t of tasks) expect((await json(admin, 'POST', '/api/v1/planning/tasks', { project: 'WEB', ...t })).status).toBe(201)
  await signIn(rig.page, p.url, ADMIN.email, ADMIN.password)
}, T)
afterAll(() => closeBrowserRig(rig ?? {}))

/** Each badge's and chip's text, with its contrast against the colours painted behind it (WCAG 2 formula). */
function contrasts(page: Page): Promise<{ text: string; ratio: number }[]> {
  return page.evaluate(() => {
    const rgba = (c: string) => {
      const m = /rgba?\(([^)]+)\)/.exec(c)
      if (!m) throw new Error(`unexpected colour ${c}`)
      const [r, g, b, a] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number)
      return [r!, g!, b!, a ?? 1] as const
    }
    const over = (top: readonly number[], under: readonly number[]) => [0, 1, 2].map((i) => top[i]! * top[3]! + under[i]! * (1 - top[3]!))
    // what is painted behind an element: the backgrounds of it and its ancestors, from the page down
    const backdrop = (el: Element) => {
      const layers: string[] = []
      for (let e: Element | null = el; e; e = e.parentElement) layers.push(getComputedStyle(e).backgroundColor)
      return layers.reverse().reduce<number[]>((under, c) => over(rgba(c), under), [255, 255, 255])
    }
    const lum = (rgb: number[]) => {
      const [r, g, b] = rgb.map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }
    return [...document.querySelectorAll('main .badge, main .pl-label')].map((el) => {
      const bg = backdrop(el)
      const fg = over(rgba(getComputedStyle(el).color), bg)
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a)
      return { text: (el.textContent ?? '').trim(), ratio: Math.round(((hi! + 0.05) / (lo! + 0.05)) * 100) / 100 }
    })
  })
}

for (const scheme of ['light', 'dark'] as const) {
  test(
    `${scheme}: badges and label chips reach 4.5:1 on the list, the board and the task page`,
    async () => {
      const { page, p } = rig
      await page.emulateMedia({ colorScheme: scheme })
      // what each page shows (the board's states are its columns; the task page's are selects)
      const labels = ['seo', 'docs', 'infra']
      const shown: Record<string, string[]> = {
        '/planning/projects/WEB': ['In Progress', 'Done', 'Cancelled', 'High', 'Urgent', ...labels],
        '/planning/projects/WEB/board': ['High', 'Urgent', ...labels],
        '/planning/tasks/WEB-1': ['seo', 'docs'],
      }
      for (const [path, texts] of Object.entries(shown)) {
        await page.goto(`${p.url}${path}`)
        await page.waitForFunction(() => [...document.querySelectorAll('.pl-label[data-color]')].every((el) => (el as HTMLElement).style.getPropertyValue('--pl-label')))
        const found = await contrasts(page)
        for (const text of texts) expect(found.map((f) => f.text)).toContain(text)
        expect(found.filter((f) => f.ratio < 4.5)).toEqual([])
      }
    },
    T,
  )
}

test(
  'a board card: a long assignee ends in an ellipsis on the line of the estimate, at 1280 and 390 px',
  async () => {
    const { page, p } = rig
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 })
      await page.goto(`${p.url}/planning/projects/WEB/board`)
      const card = page.locator('#card-WEB-1')
      const [name, points] = await Promise.all([card.locator('.pl-card-assignee').boundingBox(), card.locator('.pl-card-estimate').boundingBox()])
      expect(Math.abs(name!.y - points!.y)).toBeLessThan(2) // one line
      expect(points!.x).toBeGreaterThan(name!.x + name!.width) // the estimate after the name, not over it
      expect(await card.locator('.pl-card-estimate').innerText()).toBe('5 pt')
      // within the card
      const box = (await card.boundingBox())!
      expect(points!.x + points!.width).toBeLessThanOrEqual(box.x + box.width)
    }
  },
  T,
)
