/**
 * In a real browser (Asia/Kolkata, UTC+5:30), on both dialects: the shell's script shows only the
 * times the server marks (<time datetime>) in the viewer's zone. The same "YYYY-MM-DD HH:MM UTC"
 * text written by a user (a project name, a task title and its history line, a comment, a link's
 * title, the activity feed naming the task) stays exactly as written, on load and after an htmx
 * swap, while the task page's subtitle, history, comments and the account's sessions are local.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, Locator, Page } from 'playwright-core'
import collaboration from '../plugins/collaboration/index.ts'
import planning from '../plugins/planning/index.ts'
import { sendJson } from './helpers/activity.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'
import { launchBrowser, signIn } from './e2e/support.ts'

const T = 60_000
/** User text shaped like a server time. */
const WRITTEN = '2026-01-01 10:00 UTC'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
}, T)
afterAll(async () => {
  await browser?.close()
})

/** What a marked time should read in Kolkata: its datetime plus 5:30, then the zone. */
const kolkata = (iso: string) => `${new Date(new Date(iso).getTime() + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' ')} GMT+5:30`
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/**
 * Every marked time under `scope` is local: a time shown as text reads local with the UTC text in its
 * title, a time only in a title (edited, how long ago) has it local there. Returns how many there are.
 */
async function allLocal(scope: Locator): Promise<number> {
  const times = await scope.locator('time[datetime]').evaluateAll((els) => els.map((e) => ({ iso: e.getAttribute('datetime')!, text: e.textContent!.trim(), title: e.getAttribute('title') ?? '' })))
  for (const t of times) {
    if (/^\d{4}-/.test(t.text)) {
      expect(t.text).toBe(kolkata(t.iso))
      expect(t.title).toBe(utc(t.iso))
    } else if (t.title) expect(t.title).toContain(kolkata(t.iso))
  }
  return times.length
}

eachDialect('only marked times turn local', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning])
    const admin = await p.adminClient()
    await admin.get('/planning')
    expect((await sendJson(admin, '/api/v1/planning/projects', 'POST', { key: 'WEB', name: `Launch ${WRITTEN}` })).status).toBe(201)
    expect((await sendJson(admin, '/api/v1/planning/tasks', 'POST', { project: 'WEB', title: 'Ship' })).status).toBe(201)
    expect((await sendJson(admin, '/api/v1/planning/tasks/WEB-1', 'PATCH', { title: `Ship at ${WRITTEN}` })).status).toBe(200)
  }, T)
  afterAll(() => p?.stop())

  test(
    "user text stays as written, the server's times are local, after an htmx swap too",
    async () => {
      const context = await browser.newContext({ timezoneId: 'Asia/Kolkata' })
      const page: Page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await signIn(page, p.url, 'admin@example.com', 'correct horse battery staple')

      await page.goto(`${p.url}/planning/tasks/WEB-1`)
      expect(await page.locator('.page-header h1').textContent()).toBe(`WEB-1 Ship at ${WRITTEN}`)
      // the subtitle: the project's name as written, its two times local
      const subtitle = page.locator('.page-header p.muted')
      const [created, updated] = await subtitle.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!))
      expect(await subtitle.textContent()).toBe(`In Launch ${WRITTEN} · created ${kolkata(created!)} · updated ${kolkata(updated!)}`)
      expect(await allLocal(subtitle)).toBe(2)
      // history: the renamed title as written, its times local
      const history = page.locator('#task-history')
      expect(await history.textContent()).toContain(`from Ship to Ship at ${WRITTEN}`)
      expect(await allLocal(history)).toBeGreaterThan(0)

      // a comment over htmx: its body and its link's title as written, its time local
      const box = page.locator('.collab-thread > .collab-composer textarea')
      await box.fill(`Deploy at ${WRITTEN}, see [the plan](https://example.com/plan "${WRITTEN}")`)
      await page.locator('.collab-thread > .collab-composer button[type=submit]').click()
      const body = page.locator('.collab-body', { hasText: 'Deploy at' })
      await body.waitFor({ timeout: 10_000 })
      await page.waitForFunction(() => document.querySelector('.collab-meta time')?.hasAttribute('data-local'), undefined, { timeout: 10_000 })
      expect(await body.textContent()).toContain(`Deploy at ${WRITTEN}, see the plan`)
      expect(await body.locator('a').getAttribute('title')).toBe(WRITTEN)
      expect(await allLocal(page.locator('.collab-thread'))).toBeGreaterThan(0)
      expect(await page.locator('.page-header h1').textContent()).toBe(`WEB-1 Ship at ${WRITTEN}`)
      // the comment's edit box keeps the text as written; no marked time on the page is left in UTC
      expect(await page.locator('.collab-comment textarea[id^="edit-"]').inputValue()).toContain(`Deploy at ${WRITTEN}`)
      expect(await page.locator('main time[datetime]').filter({ hasText: / UTC/ }).count()).toBe(0)

      // the feed names the task as written; its own time is local
      await page.goto(`${p.url}/collaboration/activity`)
      const feed = page.locator('.collab-activity')
      expect(await feed.textContent()).toContain(`Ship at ${WRITTEN}`)
      expect(await allLocal(feed)).toBeGreaterThan(0)

      // a core page: the account's sessions
      await page.goto(`${p.url}/account/sessions`)
      expect(await allLocal(page.locator('main table'))).toBeGreaterThan(1)
      expect(await page.locator('main').textContent()).not.toMatch(/\d\d:\d\d UTC/)
      expect(errors).toEqual([])
      await context.close()
    },
    T,
  )
})
