/**
 * Sign-in limits and account security in Chromium, at 1280 and 390 px: the 429 is the sign-in card
 * with the form (email kept, focus on the password), the locked two-factor step says so on arrival,
 * new recovery codes behind the password, and the sessions tab names devices and signs out all
 * other sessions. Screenshots: account-security-*.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { fixturePlugins } from '../fixtures/index.ts'
import type { TestPlatform } from '../helpers/platform.ts'
import { accountAtAddress, limits } from '../../core/auth/rate-limit.ts'
import { currentCode } from '../../core/auth/two-factor.ts'
import { closeBrowserRig, newContext, openBrowserRig, screenshot, signIn, typeInto } from './support.ts'

/** A browser step takes seconds on 2 shared cores. */
const T = 60_000
const PASSWORD = 'browser password 1'
const IP = '127.0.0.1'

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
const errors: string[] = []
const dialogs: string[] = []

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig(fixturePlugins))
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('dialog', async (d) => {
    dialogs.push(d.message())
    await d.accept()
  })
}, T)

afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

/** A user with two-factor on; returns its secret. */
async function twoFactorUser(email: string) {
  const { accounts, twoFactor } = p.deps.identity
  const user = await accounts.createUser({ email, name: 'Brie Browser', password: PASSWORD })
  const { secret } = await twoFactor.begin(user.id)
  await twoFactor.confirm(user.id, currentCode(secret))
  return { user, secret }
}

describe('browser: sign-in limits and account security [sqlite]', () => {
  test(
    'a used-up account limit: the sign-in card again, email kept, the wait in words, focus on the password',
    async () => {
      const email = 'limited@example.com'
      await p.deps.identity.accounts.createUser({ email, name: 'Lim', password: PASSWORD })
      for (let i = 0; i < limits.signInAccountAddress.limit; i++) limits.signInAccountAddress.hit(accountAtAddress(email, IP))
      await page.goto(`${p.url}/login`)
      await typeInto(page, 'Email', email)
      await typeInto(page, 'Password', PASSWORD)
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.keyboard.press('Enter')])
      expect(response.status()).toBe(429)
      expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0)
      await page.waitForSelector('.form-error')
      expect(await page.locator('.form-error').textContent()).toBe('Too many attempts for this account. Try again in about 15 minutes.')
      expect(await page.locator('#f-email').inputValue()).toBe(email)
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-password')
      const overflow = await screenshot(page, 'account-security-sign-in-limited')
      expect(overflow).toEqual({ 1280: 0, 390: 0 })
      limits.signInAccountAddress.clear()
    },
    T,
  )

  test(
    'the two-factor step locked for the day says so on arrival, the form still there',
    async () => {
      const { user } = await twoFactorUser('locked@example.com')
      for (let i = 0; i < limits.twoFactorDay.limit; i++) limits.twoFactorDay.hit(user.id)
      const locked = await newContext(browser)
      try {
        const lp = await locked.newPage()
        await lp.goto(`${p.url}/login`)
        await typeInto(lp, 'Email', user.email)
        await typeInto(lp, 'Password', PASSWORD)
        await Promise.all([lp.waitForURL((u) => u.pathname === '/login/2fa'), lp.keyboard.press('Enter')])
        expect(await lp.locator('.form-error').textContent()).toContain('two-factor sign-in is locked')
        expect(await lp.locator('.form-error').textContent()).toContain('Try again in about 24 hours, or ask an administrator')
        expect(await lp.locator('#f-code').count()).toBe(1)
        const overflow = await screenshot(lp, 'account-security-two-factor-locked')
        expect(overflow).toEqual({ 1280: 0, 390: 0 })
      } finally {
        await locked.close()
        limits.twoFactorDay.clear()
      }
    },
    T,
  )

  test(
    'new recovery codes: password, confirm, the new codes shown once',
    async () => {
      const { user, secret } = await twoFactorUser('codes@example.com')
      await signIn(page, p.url, user.email, PASSWORD, () => currentCode(secret, 1))
      await page.goto(`${p.url}/account/2fa`)
      expect(await page.locator('h3').allTextContents()).toEqual(['Recovery codes', 'Turn it off'])
      expect(await screenshot(page, 'account-security-two-factor-on')).toEqual({ 1280: 0, 390: 0 })
      await page.locator('#f-current').click()
      await page.keyboard.type(PASSWORD)
      await Promise.all([page.waitForResponse((r) => r.url().endsWith('/account/2fa/recovery')), page.keyboard.press('Enter')])
      await page.waitForSelector('#recovery-codes')
      expect(dialogs.at(-1)).toBe('Replace your recovery codes? The old ones stop working.')
      expect(await page.locator('main h2').first().textContent()).toBe('New recovery codes')
      expect(await page.locator('#recovery-codes li').count()).toBe(10)
      expect(await screenshot(page, 'account-security-recovery-new')).toEqual({ 1280: 0, 390: 0 })
    },
    T,
  )

  test(
    'sessions: devices by name, raw User-Agent on hover; "Sign out all other sessions" keeps this one',
    async () => {
      const user = (await p.deps.identity.accounts.findUserByEmail('codes@example.com'))!
      const { accounts } = p.deps.identity
      await accounts.createSession(user.id, { ip: '192.0.2.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36' })
      await accounts.createSession(user.id, { ip: '192.0.2.2', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' })
      await accounts.createSession(user.id, { ip: '2001:db8:1234:5678:9abc:def0:1234:5678', userAgent: 'curl/8.5.0' })
      await page.goto(`${p.url}/account/sessions`)
      const devices = await page.locator('.session-device > span:first-child').allTextContents()
      expect(devices).toContain('Chrome on Linux')
      expect(devices).toContain('Safari on iPhone')
      expect(devices).toContain('curl')
      expect(await page.locator('.session-device > span[title*="Chrome/126"]').textContent()).toBe('Chrome on Linux')
      expect(await screenshot(page, 'account-security-sessions')).toEqual({ 1280: 0, 390: 0 })
      const button = page.getByRole('button', { name: 'Sign out all other sessions' })
      await button.focus()
      await Promise.all([page.waitForURL((u) => u.pathname === '/account/sessions'), page.keyboard.press('Enter')])
      await page.waitForSelector('.flash')
      expect(dialogs.at(-1)).toBe('Sign out 3 other sessions? This one stays signed in.')
      expect(await page.locator('.flash').textContent()).toContain('3 other sessions have ended. This one stays signed in.')
      expect(await page.locator('.session-device').count()).toBe(1)
      expect(await screenshot(page, 'account-security-sessions-after')).toEqual({ 1280: 0, 390: 0 })
      expect(errors).toEqual([])
    },
    T,
  )
})
