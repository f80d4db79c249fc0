/**
 * In a real browser, on both dialects: opening an unread notification from the inbox marks it read
 * (a plain click goes to the target through the form's POST; a Ctrl+click opens a new tab and marks
 * it read in the background, the row and the bell follow); the @mention suggestions are a combobox
 * screen readers follow (role, aria-expanded, aria-controls, aria-activedescendant moving with the
 * arrow keys, aria-selected); and times show in the browser's zone (Asia/Kolkata, UTC+5:30): the
 * shell's script sets the zone cookie from any page (the calendar's cal_tz, so the dashboard's
 * Upcoming says that zone instead of UTC) and rewrites the marked "... UTC" times on load and after
 * htmx swaps, keeping the UTC time in a <time>'s tooltip.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Page } from 'playwright-core'
import { launchBrowser, typeInto } from './e2e/support.ts'
import calendar from '../plugins/calendar/index.ts'
import dashboard from '../plugins/dashboard/index.ts'
import collaboration from '../plugins/collaboration/index.ts'
import { things } from './helpers/collaboration-things.ts'

const T = 60_000


let browser: Browser

/** Signs in through /login (home is the dashboard here, so not support.ts's signIn, which expects /). */
async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`)
  await typeInto(page, 'Email', email)
  await typeInto(page, 'Password', password)
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.keyboard.press('Enter')])
}
beforeAll(async () => {
  browser = await launchBrowser()
}, T)
afterAll(async () => {
  await browser?.close()
})

eachDialect('inbox, mention combobox, local times in the browser', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, things, calendar, dashboard])
  }, T)
  afterAll(() => p?.stop())

  test(
    'opening from the inbox marks read: click goes there, Ctrl+click marks it in the background',
    async () => {
      const ana = await p.member('member', p.org, `ana-bi-${dialect}@example.com`)
      await p.member('member', p.org, `bob-bi-${dialect}@example.com`)
      await ana.client.get('/testing/things/one')
      for (const text of ['one', 'two']) await ana.client.post('/collaboration/comments', { entity_type: 'testing.thing', entity_id: 'one', body: `@bob-bi-${dialect}@example.com ${text}` })
      await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')!.wait()
      const context = await browser.newContext()
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await signIn(page, p.url, `bob-bi-${dialect}@example.com`, 'member password 1')
      await page.goto(`${p.url}/collaboration/inbox`)
      expect(await page.locator('.collab-bell').getAttribute('data-unread')).toBe('2')
      await page.locator('.collab-bell-live').evaluate(() => undefined)

      // Ctrl+click: a new tab with the target; this row turns read and the bell says 1, no reload here
      const titles = page.locator('a[data-notification-open]')
      const [tab] = await Promise.all([context.waitForEvent('page'), titles.first().click({ modifiers: ['Control'] })])
      await tab.waitForLoadState()
      expect(new URL(tab.url()).pathname).toBe('/testing/things/one')
      await page.waitForFunction(() => document.querySelectorAll('.collab-inbox li.read').length === 1, undefined, { timeout: 10_000 })
      await page.waitForFunction(() => document.querySelector('.collab-bell')?.getAttribute('data-unread') === '1', undefined, { timeout: 10_000 })
      // read and unread rows line up on the left, and a read row is not faded
      const rows = await page.locator('.collab-inbox li').evaluateAll((lis) =>
        lis.map((li) => ({ read: li.classList.contains('read'), left: li.querySelector('.collab-inbox-main')!.getBoundingClientRect().left, opacity: getComputedStyle(li).opacity })),
      )
      expect(rows.map((r) => r.read).sort()).toEqual([false, true])
      expect(rows[0]!.left).toBe(rows[1]!.left)
      expect(rows.map((r) => r.opacity)).toEqual(['1', '1'])
      await tab.close()

      // a plain click: through the POST to the target, read there (its bell says 0)
      await Promise.all([page.waitForURL((u) => u.pathname === '/testing/things/one', { timeout: 10_000 }), page.locator('a[data-notification-open]').first().click()])
      expect(await page.locator('.collab-bell').getAttribute('data-unread')).toBe('0')
      await page.goto(`${p.url}/collaboration/inbox?filter=unread`)
      expect(await page.locator('.collab-inbox li').count()).toBe(0)
      expect(errors).toEqual([])
      await context.close()
    },
    T,
  )

  test(
    '@mention suggestions are a combobox with a moving active descendant',
    async () => {
      await p.member('member', p.org, `cleo-bi-${dialect}@example.com`)
      await p.member('member', p.org, `cleon-bi-${dialect}@example.com`)
      const context = await browser.newContext()
      const page = await context.newPage()
      await signIn(page, p.url, 'admin@example.com', 'correct horse battery staple')
      await page.goto(`${p.url}/testing/things/one`)
      const box = page.locator('.collab-thread > .collab-composer textarea')
      expect(await box.getAttribute('role')).toBe('combobox')
      expect(await box.getAttribute('aria-autocomplete')).toBe('list')
      expect(await box.getAttribute('aria-expanded')).toBe('false')
      await box.click()
      await box.pressSequentially('Hi @cleo')
      await page.locator('.collab-mention-list [role="option"]').nth(1).waitFor({ timeout: 10_000 })
      const state = () =>
        box.evaluate((ta) => {
          const listbox = document.getElementById(ta.getAttribute('aria-controls') ?? '')
          const active = document.getElementById(ta.getAttribute('aria-activedescendant') ?? '')
          return {
            expanded: ta.getAttribute('aria-expanded'),
            controls: listbox?.getAttribute('role') ?? null,
            options: [...(listbox?.querySelectorAll('[role="option"]') ?? [])].map((o) => o.getAttribute('aria-selected')),
            active: active ? [...active.parentElement!.children].indexOf(active) : -1,
            activeRole: active?.getAttribute('role') ?? null,
            focus: document.activeElement === ta,
          }
        })
      expect(await state()).toEqual({ expanded: 'true', controls: 'listbox', options: ['true', 'false'], active: 0, activeRole: 'option', focus: true })
      await page.keyboard.press('ArrowDown')
      expect(await state()).toMatchObject({ options: ['false', 'true'], active: 1, focus: true })
      await page.keyboard.press('ArrowDown')
      expect(await state()).toMatchObject({ options: ['true', 'false'], active: 0 })
      // the accessibility tree: a combobox, expanded
      expect(await page.getByRole('combobox', { name: 'Add a comment', expanded: true }).count()).toBe(1)
      expect(await page.getByRole('option').count()).toBe(2)
      await page.keyboard.press('Escape')
      expect(await box.getAttribute('aria-expanded')).toBe('false')
      expect(await box.getAttribute('aria-activedescendant')).toBeNull()
      await context.close()
    },
    T,
  )

  test(
    'times in the browser zone: the cookie from any page, comments and tooltips local, after swaps too',
    async () => {
      const context = await browser.newContext({ timezoneId: 'Asia/Kolkata' })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await signIn(page, p.url, 'admin@example.com', 'correct horse battery staple')
      // set by the shell's script on the sign-in page and home, no calendar page visited
      const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone) // Chromium says Asia/Calcutta
      expect(zone).toMatch(/^Asia\/(Kolkata|Calcutta)$/)
      expect((await context.cookies()).find((c) => c.name === 'cal_tz')?.value).toBe(encodeURIComponent(zone))

      await page.goto(`${p.url}/testing/things/one`)
      const times = page.locator('.collab-meta time')
      await times.first().waitFor()
      const check = async (i: number) => {
        const t = times.nth(i)
        const iso = (await t.getAttribute('datetime'))!
        const local = new Date(new Date(iso).getTime() + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' ')
        expect(await t.textContent()).toBe(`${local} GMT+5:30`)
        expect(await t.getAttribute('title')).toBe(`${iso.slice(0, 16).replace('T', ' ')} UTC`)
      }
      await check(0)
      expect(await page.locator('main').textContent()).not.toMatch(/\d\d:\d\d UTC/)
      // a comment posted over htmx comes back localized too
      const before = await times.count()
      await page.locator('.collab-thread > .collab-composer textarea').fill('Local time please')
      await page.locator('.collab-thread > .collab-composer button[type=submit]').click()
      await page.waitForFunction((n) => document.querySelectorAll('.collab-meta time').length > n, before, { timeout: 10_000 })
      await check(before)
      expect(await page.locator('main').textContent()).not.toMatch(/\d\d:\d\d UTC/)
      // comment text is the user's: left as written
      await page.locator('.collab-thread > .collab-composer textarea').fill('Deploy at 2030-01-02 03:04 UTC sharp')
      await page.locator('.collab-thread > .collab-composer button[type=submit]').click()
      await page.locator('.collab-body', { hasText: 'Deploy at' }).waitFor({ timeout: 10_000 })
      expect(await page.locator('.collab-body', { hasText: 'Deploy at' }).textContent()).toContain('2030-01-02 03:04 UTC')
      // the activity feed's tooltips and texts
      await page.goto(`${p.url}/collaboration/activity`)
      const feedTime = page.locator('.collab-activity time').first()
      expect(await feedTime.textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d GMT\+5:30$/)

      // the dashboard's Upcoming says the browser's zone (the server reads the same cookie)
      const ada = await p.adminClient()
      const cal = await ada.request('/api/v1/calendar/calendars', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': ada.csrf }, body: JSON.stringify({ name: `Soon ${dialect}` }) })
      const calId = ((await cal.json()) as { id: string }).id
      const start = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 16)
      const end = new Date(Date.now() + 2 * 86_400_000 + 3_600_000).toISOString().slice(0, 16)
      const ev = await ada.request('/api/v1/calendar/events', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': ada.csrf }, body: JSON.stringify({ calendarId: calId, title: 'Soon', timeZone: 'UTC', start, end }) })
      expect(ev.status).toBeLessThan(300)
      await page.goto(`${p.url}/dashboard`)
      await page.locator('.cal-upcoming-zone').waitFor({ timeout: 10_000 })
      expect(await page.locator('.cal-upcoming-zone').textContent()).toBe(`Times in ${zone}`)
      expect(errors).toEqual([])
      await context.close()
    },
    T,
  )
})
