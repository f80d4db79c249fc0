/**
 * In a real browser (SQLite): the htmx thread swaps in place, @ autocomplete inserts a member's
 * @email (stored as a mention, edited as @email again), and the mentioned user's bell counts up live
 * over SSE without a reload. The bell's stream (htmx 4's
 * hx-sse, whose `hx-sse:connect` pauses in the background) is closed while the tab is hidden, so
 * hidden tabs hold no connection (browsers allow ~6 per host over HTTP/1.1), and reopens when the tab
 * shows again with the count of what arrived meanwhile. Headless Chromium never hides a tab by
 * itself, so that test sets document.hidden and fires visibilitychange as the browser would. The
 * @mention suggestions, the highlighted one too, read at 4.5:1 or more in light and dark.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import type { KnownServices } from '../../core/plugins/points.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { ARTIFACTS, launchBrowser, newContext, signIn, trackNavigations } from '../../test/e2e/support.ts'
import { things } from '../../test/helpers/collaboration-things.ts'
import { textContrasts } from '../../test/helpers/contrast.ts'
import collaboration from './index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
beforeAll(async () => {
  browser = await launchBrowser()
  p = await startPlatform('sqlite', [collaboration, things])
}, T)
afterAll(async () => {
  await browser?.close()
  await p?.stop()
})

test(
  'thread swaps in place, @ autocomplete, live bell',
  async () => {
    const bob = await p.member('member', p.org, 'bob-browser@example.com')
    const ctxA = await browser.newContext()
    const ctxB = await browser.newContext()
    const ada = await ctxA.newPage()
    const bobPage = await ctxB.newPage()
    const errors: string[] = []
    ada.on('pageerror', (e) => errors.push(e.message))
    bobPage.on('pageerror', (e) => errors.push(e.message))
    await signIn(ada, p.url, 'admin@example.com', 'correct horse battery staple')
    await signIn(bobPage, p.url, 'bob-browser@example.com', 'member password 1')
    await bobPage.goto(`${p.url}/collaboration/inbox`)
    await bobPage.waitForFunction(() => (document.querySelector('.collab-bell-live') as HTMLElement & { _htmx?: { sse?: unknown } })?._htmx?.sse !== undefined, undefined, { timeout: 10_000 })
    expect(await bobPage.locator('.collab-bell').getAttribute('data-unread')).toBe('0')

    await ada.goto(`${p.url}/testing/things/one`)
    const navs = trackNavigations(ada)
    await ada.waitForFunction(() => (history.state as { htmx?: boolean } | null)?.htmx === true)
    await Bun.sleep(100)
    const baseline = navs.count() // htmx's replaceState on load counts as one
    const box = ada.locator('.collab-composer textarea')
    await box.click()
    await box.pressSequentially('Hello @bob')
    await ada.locator('.collab-mention-list [data-mention-id]').first().waitFor({ timeout: 10_000 })
    await ada.keyboard.press('Enter')
    // the readable address goes into the box, never the user id; the server stores the mention
    expect(await box.inputValue()).toBe('Hello @bob-browser@example.com ')
    await box.pressSequentially('please look')
    await ada.locator('.collab-composer button[type=submit]').click()
    await ada.locator('.collab-comment .mention').waitFor({ timeout: 10_000 })
    expect(navs.count()).toBe(baseline)
    expect(await ada.locator('.collab-comment .collab-body').first().textContent()).toContain(`@${bob.user.name} please look`)
    // editing shows the mention the way it was typed
    await ada.locator('.collab-edit summary').first().click()
    expect(await ada.locator('.collab-edit textarea').first().inputValue()).toBe('Hello @bob-browser@example.com please look')

    // the bell of bob counts up without a reload
    await bobPage.waitForFunction(() => document.querySelector('.collab-bell')?.getAttribute('data-unread') === '1', undefined, { timeout: 10_000 })
    expect(await bobPage.locator('.collab-count').textContent()).toBe('1')

    // a reaction toggles in place
    await ada.locator('.collab-react-picker summary').first().click()
    await ada.locator('.collab-reaction-option', { hasText: '🎉' }).first().click()
    await ada.locator('.collab-reaction.mine').first().waitFor({ timeout: 10_000 })
    expect(navs.count()).toBe(baseline)
    expect(errors).toEqual([])
    await ctxA.close()
    await ctxB.close()
  },
  T,
)

test(
  'inbox by keyboard: j and k move between notifications, Enter opens one',
  async () => {
    const cy = await p.member('member', p.org, 'cy-keys@example.com')
    const notify = p.host.service<KnownServices['collaboration.notify']>('collaboration.notify')!
    // newest first in the inbox: "Newer" is the first row
    await notify.notify({ orgId: p.org!.id, userIds: [cy.user.id], title: 'Older', href: '/testing/things/one' } as Parameters<typeof notify.notify>[0])
    await Bun.sleep(5)
    await notify.notify({ orgId: p.org!.id, userIds: [cy.user.id], title: 'Newer', href: '/collaboration/activity' } as Parameters<typeof notify.notify>[0])
    const context = await newContext(browser)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await signIn(page, p.url, 'cy-keys@example.com', 'member password 1')
    await page.goto(`${p.url}/collaboration/inbox`)
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')
    await page.keyboard.press('j')
    expect(await focused()).toBe('Newer')
    await page.keyboard.press('j')
    expect(await focused()).toBe('Older')
    await page.keyboard.press('k')
    expect(await focused()).toBe('Newer')
    await page.keyboard.press('j')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${p.url}/testing/things/one`, { timeout: 10_000 })
    expect(errors).toEqual([])
    await context.close()
  },
  T,
)

/** Open bell streams of a user, as the server counts them. */
const streams = (userId: string) => p.host.service<{ streams(userId?: string): number }>('collaboration.live')!.streams(userId)

// 20 s: on a CI machine busy with the rest of the suite a new tab took over 10 s to load and connect
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(50)
  }
}

/** Makes the page hidden or visible the way the browser reports it. */
function setHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h })
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

test(
  'a hidden tab closes its bell stream; showing it again reopens the stream with the current count',
  async () => {
    const bob = await p.member('member', p.org, 'bob-visibility@example.com')
    const context = await newContext(browser)
    // Every tab is visible until the test hides it: headless Chromium may otherwise mark the first
    // tab hidden when the second opens (a real background tab), which closed its stream at random.
    await context.addInitScript(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false })
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' })
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await signIn(page, p.url, 'bob-visibility@example.com', 'member password 1')
    await page.goto(`${p.url}/collaboration/inbox`)
    await until('the stream to open', () => streams(bob.user.id) === 1)
    expect(await page.locator('.collab-bell').getAttribute('data-unread')).toBe('0')

    // a second tab holds a second stream; hiding it closes that one only
    const other = await context.newPage()
    await other.goto(`${p.url}/collaboration/activity`)
    await until('the second tab to open its stream', () => streams(bob.user.id) === 2)
    await setHidden(other, true)
    await until('the hidden tab to close its stream', () => streams(bob.user.id) === 1)
    await other.close()

    await setHidden(page, true)
    await until('the hidden tab to close its stream', () => streams(bob.user.id) === 0)
    const notify = p.host.service<KnownServices['collaboration.notify']>('collaboration.notify')!
    await notify.notify({ orgId: p.org!.id, userIds: [bob.user.id], title: 'While you were away', kind: 'mention' } as Parameters<typeof notify.notify>[0])
    await Bun.sleep(300)
    // nothing reached the hidden tab, and it did not reconnect
    expect(await page.locator('.collab-bell').getAttribute('data-unread')).toBe('0')
    expect(streams(bob.user.id)).toBe(0)

    const shown = Date.now()
    await setHidden(page, false)
    await page.waitForFunction(() => document.querySelector('.collab-bell')?.getAttribute('data-unread') === '1', undefined, { timeout: 10_000 })
    expect(Date.now() - shown).toBeLessThan(3_000)
    expect(streams(bob.user.id)).toBe(1)
    // and it stays live
    await notify.notify({ orgId: p.org!.id, userIds: [bob.user.id], title: 'Back again' })
    await page.waitForFunction(() => document.querySelector('.collab-bell')?.getAttribute('data-unread') === '2', undefined, { timeout: 10_000 })
    expect(errors).toEqual([])
    await context.close()
    await until('the closed tab to drop its stream', () => streams(bob.user.id) === 0)
  },
  T,
)

/** The open suggestion list (every comment's reply and edit box has a hidden one). */
const LIST = '.collab-mention-list:not([hidden])'

for (const scheme of ['light', 'dark'] as const) {
  test(
    `${scheme}: the @mention suggestions, highlighted or not, read at 4.5:1 or more`,
    async () => {
      const people = [await p.member('member', p.org, `dee-${scheme}-1@example.com`), await p.member('member', p.org, `dee-${scheme}-2@example.com`)]
      const context = await newContext(browser, 1280, { colorScheme: scheme })
      const page = await context.newPage()
      await signIn(page, p.url, 'admin@example.com', 'correct horse battery staple')
      await page.goto(`${p.url}/testing/things/one`)
      const box = page.getByRole('combobox', { name: 'Add a comment' })
      await box.click()
      await box.pressSequentially(`@dee-${scheme}`)
      const active = page.locator(`${LIST} button.active`)
      await active.waitFor({ timeout: 10_000 })
      await page.waitForFunction(() => document.getAnimations().length === 0) // Pico's colour transitions
      await page.screenshot({ path: `${ARTIFACTS}/collaboration-mention-${scheme}.png`, clip: (await page.locator(LIST).boundingBox())! })
      const texts = people.flatMap((m) => [m.user.name, m.user.email])
      const highlighted = await textContrasts(page, `${LIST} button.active > span, ${LIST} button.active > small`)
      expect(highlighted.length).toBe(2)
      expect(texts).toEqual(expect.arrayContaining(highlighted.map((f) => f.text)))
      expect(highlighted.filter((f) => f.ratio < 4.5)).toEqual([])
      const all = await textContrasts(page, `${LIST} button > span, ${LIST} button > small`)
      expect(all.map((f) => f.text).sort()).toEqual([...texts].sort())
      expect(all.filter((f) => f.ratio < 4.5)).toEqual([])
      // a hovered row has the same tint
      await page.locator(`${LIST} button:not(.active)`).hover()
      await page.waitForFunction(() => document.getAnimations().length === 0)
      const hovered = await textContrasts(page, `${LIST} button:hover > span, ${LIST} button:hover > small`)
      expect(hovered.length).toBe(2)
      expect(hovered.filter((f) => f.ratio < 4.5)).toEqual([])
      await context.close()
    },
    T,
  )
}
