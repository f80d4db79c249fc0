/**
 * A form that comes back with a field error puts the keyboard focus on that field (public/app.js),
 * on pages whose fields carry no autofocus of their own: the team form on /orgs/teams, sent with a
 * name of spaces (the browser's `required` lets it through, the server refuses it with a 422).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { fixturePlugins } from '../fixtures/index.ts'
import type { TestPlatform } from '../helpers/platform.ts'
import { ADMIN } from '../helpers/platform.ts'
import { closeBrowserRig, fieldByLabel, openBrowserRig, signIn } from './support.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
const errors: string[] = []

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig(fixturePlugins))
  page.on('pageerror', (e) => errors.push(e.message))
}, T)

afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

/** The id of the focused element, or its tag when it has none. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName)

describe('browser: the focus goes to the field to fix [sqlite]', () => {
  test(
    'a 422 lands on the invalid field; a page without errors, or a swap elsewhere, leaves the focus alone',
    async () => {
      await signIn(page, p.url, ADMIN.email, ADMIN.password)
      await page.goto(`${p.url}/orgs/teams`)
      expect(await focused(page)).toBe('BODY')
      const name = await fieldByLabel(page, 'Name')
      const id = (await name.getAttribute('id'))!
      await name.fill('   ')
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), name.press('Enter')])
      await page.waitForSelector(`#${id}[aria-invalid="true"]`)
      await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5_000 })
      expect(await focused(page)).toBe(id)

      // the user leaves the field; a swap elsewhere on the page (as the live bell does) leaves the focus
      // where it is and does not scroll back to the old error
      await page.evaluate(() => {
        ;(document.activeElement as HTMLElement).blur()
        const spot = document.createElement('div')
        spot.id = 'elsewhere'
        document.querySelector('main')!.append(spot)
        window.scrollTo(0, 0)
      })
      await page.evaluate(() => (window as unknown as { htmx: { ajax(v: string, p: string, o: object): Promise<void> } }).htmx.ajax('GET', '/healthz', { target: '#elsewhere', swap: 'innerHTML' }))
      await page.waitForFunction(() => document.querySelector('#elsewhere')!.textContent !== '', undefined, { timeout: 5_000 })
      await page.waitForTimeout(200)
      expect(await focused(page)).toBe('BODY')
      expect(await page.evaluate(() => window.scrollY)).toBe(0)
      expect(errors).toEqual([])
    },
    T,
  )
})
