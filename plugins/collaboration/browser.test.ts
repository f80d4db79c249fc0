/**
 * In a real browser (SQLite): the htmx thread swaps in place, @ autocomplete inserts a mention, and
 * the mentioned user's bell counts up live over SSE without a reload.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { Elysia } from 'elysia'
import { guard } from '../../core/http/guard.ts'
import { definePlugin } from '../../core/plugins/contract.ts'
import type { KnownServices } from '../../core/plugins/points.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { launchBrowser, signIn, trackNavigations } from '../../test/e2e/support.ts'
import collaboration from './index.ts'

const T = 60_000

const pages = definePlugin({
  id: 'testing',
  name: 'Testing things',
  version: '1.0.0',
  api: 1,
  permissions: { 'testing.thing.read': 'See things' },
  setup(ctx) {
    ctx.contribute('entity.link', {
      type: 'testing.thing',
      label: 'Thing',
      permission: 'testing.thing.read',
      resolve: async (id) => (id === 'one' ? { title: 'Thing one', href: '/testing/things/one' } : undefined),
    })
    return new Elysia({ name: 'plugin:testing' }).use(guard).get(
      '/testing/things/:id',
      async ({ request, auth, params }) => {
        const thread = ctx.service<KnownServices['collaboration.thread']>('collaboration.thread')
        const safeThread = thread ? await thread.render(request, auth, { type: 'testing.thing', id: params.id }) : ''
        return ctx.page(request, auth, { title: 'Thing one', body: `<h1>Thing one</h1>${safeThread}` })
      },
      { permission: 'testing.thing.read' },
    )
  },
})

let browser: Browser
let p: TestPlatform
beforeAll(async () => {
  browser = await launchBrowser()
  p = await startPlatform('sqlite', [collaboration, pages])
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
    expect(await box.inputValue()).toBe(`Hello @[${bob.user.name}](${bob.user.id}) `)
    await box.pressSequentially('please look')
    await ada.locator('.collab-composer button[type=submit]').click()
    await ada.locator('.collab-comment .mention').waitFor({ timeout: 10_000 })
    expect(navs.count()).toBe(baseline)
    expect(await ada.locator('.collab-comment .collab-body').first().textContent()).toContain(`@${bob.user.name} please look`)

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
