/**
 * Browser test of the event form's "Custom…" repeat, on both dialects: its fieldset shows only while
 * chosen (the weekdays for weeks, the monthly choice for months), a series made with it gets the rule
 * the server builds, a refused value comes back beside its field with the fieldset still open, and a
 * start the clocks skip is refused with the reason. Screenshot: test/artifacts/calendar-repeat-custom.png.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { ARTIFACTS, closeBrowserRig, launchBrowser, newContext, signIn } from '../../test/e2e/support.ts'
import calendar from './index.ts'

const T = 60_000

eachDialect('browser: custom repeat', (dialect) => {
  let browser: Browser
  let p: TestPlatform
  let ctx: BrowserContext
  let page: Page

  beforeAll(async () => {
    browser = await launchBrowser()
    p = await startPlatform(dialect, [calendar])
    ctx = await newContext(browser)
    page = await ctx.newPage()
    await signIn(page, p.url, ADMIN.email, ADMIN.password)
  }, T)
  afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

  const fieldset = () => page.locator('[data-cal-repeat-custom]')

  test('"Custom…" opens the fieldset; the server builds the rule from it', async () => {
    await page.goto(`${p.url}/calendar/new?date=2026-03-10&time=09:00&tz=Europe/Berlin`)
    await page.locator('input[name="title"]').fill('Planning sync')
    expect(await fieldset().isVisible()).toBe(false)
    await page.locator('select[name="repeat"]').selectOption('pick')
    expect(await fieldset().isVisible()).toBe(true)
    // weekly by default, on the start's weekday (Tuesday)
    expect(await page.locator('[data-cal-repeat-for="WEEKLY"]').isVisible()).toBe(true)
    expect(await page.locator('[data-cal-repeat-for="MONTHLY"]').isVisible()).toBe(false)
    expect(await page.locator('input[name="repeatDays"][value="TU"]').isChecked()).toBe(true)
    expect(await page.locator('input[name="rrule"]').isVisible()).toBe(false)
    await page.locator('select[name="repeatUnit"]').selectOption('MONTHLY')
    expect(await page.locator('[data-cal-repeat-for="WEEKLY"]').isVisible()).toBe(false)
    await page.getByLabel('On the second Tuesday').check()
    await page.locator('input[name="repeatEnds"][value="count"]').check()
    await page.locator('input[name="repeatCount"]').fill('5')
    await page.screenshot({ path: `${ARTIFACTS}/calendar-repeat-custom-${dialect}.png`, fullPage: true })
    await Promise.all([page.waitForURL(/\/calendar\/events\/[^/]+$/), page.getByRole('button', { name: 'Create event' }).click()])
    expect(await page.locator('main').innerText()).toContain('Every month on the second Tuesday, 5 times')

    // editing shows the fieldset open with the rule's values
    await page.goto(page.url() + '/edit')
    expect(await page.locator('select[name="repeat"]').inputValue()).toBe('pick')
    expect(await fieldset().isVisible()).toBe(true)
    expect(await page.locator('select[name="repeatUnit"]').inputValue()).toBe('MONTHLY')
    expect(await page.locator('input[name="repeatCount"]').inputValue()).toBe('5')
  }, T)

  test('a bad value comes back beside its field, the fieldset open, the values kept', async () => {
    await page.goto(`${p.url}/calendar/new?date=2026-03-10&time=09:00&tz=Europe/Berlin`)
    await page.locator('input[name="title"]').fill('Too often')
    await page.locator('select[name="repeat"]').selectOption('pick')
    await page.locator('input[name="repeatEvery"]').fill('120')
    await page.locator('input[name="repeatDays"][value="FR"]').check()
    // the browser's own max check would stop the post: the server's answer is under test
    await page.locator('form.cal-form').evaluate((f: HTMLFormElement) => (f.noValidate = true))
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Create event' }).click()])
    expect(await fieldset().isVisible()).toBe(true)
    expect(await page.locator('#f-repeatEvery-error').innerText()).toBe('Repeat every 1 to 99 weeks.')
    expect(await page.locator('input[name="repeatEvery"]').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('input[name="repeatEvery"]').inputValue()).toBe('120')
    expect(await page.locator('input[name="repeatDays"][value="FR"]').isChecked()).toBe(true)
    expect(await page.locator('input[name="title"]').inputValue()).toBe('Too often')
  }, T)

  test('a start the clocks skip says so beside the start time', async () => {
    await page.goto(`${p.url}/calendar/new?date=2026-03-29&time=02:30&tz=Europe/Berlin`)
    await page.locator('input[name="title"]').fill('Night train')
    await page.locator('input[name="timeZone"]').fill('Europe/Berlin')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Create event' }).click()])
    expect(await page.locator('main').innerText()).toContain('02:30 does not exist on 29 March 2026 in Europe/Berlin (clocks go forward): choose another time.')
    expect(await page.locator('input[name="startTime"]').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('input[name="startTime"]').inputValue()).toBe('02:30')
  }, T)
})
