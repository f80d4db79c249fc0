/**
 * Browser test of the calendar (SQLite, calendar plugin only): the week and day grids open on the
 * working day (07:00, or the shown days' first event when earlier) with the day names and all-day
 * row kept on top, and not when the URL's fragment names something; the event form's zone
 * suggestions start with the viewer's zone, its attendee list has a filter box and "Add a team",
 * and without JavaScript it is the plain list of checkboxes. At 1280 and 390 px; screenshots go to
 * test/artifacts/calendar-form-*.png and calendar-workday-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { ADMIN, type TestPlatform } from '../../test/helpers/platform.ts'
import { closeBrowserRig, newContext, openBrowserRig, screenshot, signIn } from '../../test/e2e/support.ts'
import calendar from './index.ts'

const T = 60_000

let browser: Browser
let p: TestPlatform
let ctx: BrowserContext
let page: Page
let calId: string
let token: string

type Box = { x: number; y: number; width: number; height: number }
const box = async (l: Locator): Promise<Box> => (await l.boundingBox())!
const piece = (title: string) => page.locator('.cal-timed-row .cal-piece', { hasText: title })
const hourLabel = (hh: string) => page.locator('.cal-hour-label', { hasText: hh })
/** The bottom of the grid's rows that stay on top (day names, all-day row): where its sticky cells are drawn. */
const stickyBottom = async () => {
  const allDay = await box(page.locator('.cal-allday-row > td').first())
  return allDay.y + allDay.height
}

const PEOPLE = ['Zoë Zimmer', 'Bruno Baker', 'Chen Chu', 'Dara Dunn', 'Emil Eck', 'Fay Fox', 'Gus Gray', 'Hana Hill', 'Ivo Ide']

beforeAll(async () => {
  ;({ browser, p, ctx, page } = await openBrowserRig([calendar]))
  await signIn(page, p.url, ADMIN.email, ADMIN.password)
  // people and two teams
  const { accounts, orgs } = p.deps.identity
  const roles = await orgs.listRoles(p.org!.id)
  const ids: Record<string, string> = {}
  for (const [i, name] of PEOPLE.entries()) {
    const user = await accounts.createUser({ email: `person${i}@example.com`, name, password: 'member password 1' })
    await orgs.addMember(p.org!.id, user.id, roles.find((r) => r.builtin === 'member')!.id)
    ids[name] = user.id
  }
  const design = await orgs.createTeam(p.org!.id, 'Design')
  for (const name of ['Bruno Baker', 'Chen Chu', 'Dara Dunn']) await orgs.addTeamMember(p.org!.id, design.id, ids[name]!)
  const ops = await orgs.createTeam(p.org!.id, 'Ops')
  await orgs.addTeamMember(p.org!.id, ops.id, ids['Ivo Ide']!)

  const csrf = async () => {
    await page.goto(`${p.url}/calendar`)
    return (await page.locator('body').getAttribute('hx-headers:inherited'))!.match(/"X-CSRF-Token":"([^"]+)"/)![1]!
  }
  token = await csrf()
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(`${p.url}${path}`, { data, headers: { 'x-csrf-token': token } })
    expect(res.status()).toBe(201)
    return (await res.json()) as { id: string }
  }
  calId = (await post('/api/v1/calendar/calendars', { name: 'Work' })).id
  const ev = (title: string, start: string, end: string, extra: Record<string, unknown> = {}) => post('/api/v1/calendar/events', { calendarId: calId, title, timeZone: 'UTC', start, end, ...extra })
  // week of Monday 11 January 2027: the first event at 08:30; the week after: one at 05:30
  await ev('Design crit', '2027-01-12T08:30', '2027-01-12T09:30')
  await ev('Lunch talk', '2027-01-14T12:00', '2027-01-14T13:00')
  await ev('Offsite', '2027-01-13', '2027-01-15', { allDay: true })
  await ev('Late call', '2027-01-15T21:00', '2027-01-15T22:00')
  await ev('Early train', '2027-01-19T05:30', '2027-01-19T07:00')
}, T)
afterAll(() => closeBrowserRig({ ctx, browser, p }), T)

describe('browser: the week and day grids open on the working day [sqlite]', () => {
  const week = (date: string, hash = '') => `${p.url}/calendar?view=week&date=${date}&tz=UTC${hash}`
  const scrollTop = () => page.locator('.cal-main .table-wrap').evaluate((el) => el.scrollTop)

  test('07:00 sits right under the day names and the all-day row; morning events show without scrolling the page', async () => {
    await page.goto(week('2027-01-13'))
    expect(await scrollTop()).toBeGreaterThan(0)
    expect(await page.evaluate(() => window.scrollY)).toBe(0)
    const seven = await box(hourLabel('07:00'))
    expect(Math.abs(seven.y - (await stickyBottom()))).toBeLessThan(4)
    // the day names and the all-day row stay in view, above the hours
    const tuesday = await box(page.locator('.cal-timegrid thead th', { hasText: 'Tue 12' }))
    expect(tuesday.y).toBeGreaterThan(0)
    expect(await page.locator('.cal-allday-row a.cal-bar', { hasText: 'Offsite' }).isVisible()).toBe(true)
    // the morning and the middle of the day are in the window, nothing of them under the sticky rows
    const viewport = page.viewportSize()!
    for (const title of ['Design crit', 'Lunch talk']) {
      const b = await box(piece(title))
      expect(b.y, title).toBeGreaterThanOrEqual((await stickyBottom()) - 1)
      expect(b.y + b.height, title).toBeLessThanOrEqual(viewport.height)
    }
    // what the header covers is what it covers: the element under 07:00's line is the grid, not a piece behind the header
    const at = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('.cal-allday-row, thead') !== null, [tuesday.x + 10, tuesday.y + 5])
    expect(at).toBe(true)
    // the rest of the day is a scroll away, inside the grid
    await page.locator('.cal-main .table-wrap').evaluate((el) => el.scrollBy(0, 2000))
    expect(await piece('Late call').isVisible()).toBe(true)
    expect((await box(piece('Late call'))).y + (await box(piece('Late call'))).height).toBeLessThanOrEqual(viewport.height)
    await page.goto(week('2027-01-13'))
    expect(await screenshot(page, 'calendar-workday-week')).toEqual({ 1280: 0, 390: 0 })
  }, T)

  test('an event before 07:00 in the shown days: the grid opens on it', async () => {
    await page.goto(week('2027-01-20'))
    const train = await box(piece('Early train'))
    expect(Math.abs(train.y - (await stickyBottom()))).toBeLessThan(4)
    expect(Math.abs((await box(hourLabel('05:00'))).y + (await box(hourLabel('05:00'))).height - train.y)).toBeLessThan(24) // half an hour above it
  }, T)

  test('the day view opens at 07:00 too; a day without events as well', async () => {
    await page.goto(`${p.url}/calendar?view=day&date=2027-01-16&tz=UTC`)
    expect(Math.abs((await box(hourLabel('07:00'))).y - (await stickyBottom()))).toBeLessThan(4)
  }, T)

  test('a URL fragment that names something: no scrolling', async () => {
    await page.goto(week('2027-01-13', '#main'))
    expect(await scrollTop()).toBe(0)
    expect(await hourLabel('00:00').isVisible()).toBe(true)
    // a fragment that names nothing does not stop it (another date: a new document, not a jump)
    await page.goto(week('2027-01-12', '#nothing-here'))
    expect(await scrollTop()).toBeGreaterThan(0)
  }, T)

  test('keyboard: a focused hour scrolls into view below the sticky rows, not under them', async () => {
    await page.goto(week('2027-01-13'))
    await page.getByRole('link', { name: 'New event on Monday 11 January 2027 at 02:00' }).focus()
    const focused = await box(page.locator(':focus'))
    expect(focused.y).toBeGreaterThanOrEqual((await stickyBottom()) - 1)
  }, T)

  test('390 px: the grid opens on 07:00 as well and the page does not scroll sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(week('2027-01-13'))
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      // the box is as high as the screen: scrolled to, it shows the day names, the all-day row and the morning
      await page.locator('.cal-main .table-wrap').evaluate((el) => el.scrollIntoView())
      expect(Math.abs((await box(hourLabel('07:00'))).y - (await stickyBottom()))).toBeLessThan(4)
      const crit = await box(piece('Design crit'))
      expect(crit.y + crit.height).toBeLessThanOrEqual(844)
      await page.goto(`${p.url}/calendar?view=day&date=2027-01-12&tz=UTC`)
      await page.locator('.cal-main .table-wrap').evaluate((el) => el.scrollIntoView())
      expect(Math.abs((await box(hourLabel('07:00'))).y - (await stickyBottom()))).toBeLessThan(4)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  }, T)

  test('without JavaScript the grid is its full 24 hours and starts at 00:00', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await ctx.storageState() })
    try {
      const np = await plain.newPage()
      await np.goto(week('2027-01-13'))
      expect(await np.locator('.cal-main .table-wrap').evaluate((el) => [el.scrollTop, getComputedStyle(el).maxHeight])).toEqual([0, 'none'])
      expect(await np.locator('.cal-hour-label', { hasText: '00:00' }).isVisible()).toBe(true)
    } finally {
      await plain.close()
    }
  }, T)
})

describe('browser: the event form [sqlite]', () => {
  const attendee = (name: string) => page.locator('.cal-person', { hasText: name })

  test('the time zone suggestions start with the viewer\'s zone; a zone that is none is still refused', async () => {
    const tokyo = await newContext(browser, 1280, { timezoneId: 'Asia/Tokyo', storageState: await ctx.storageState() })
    try {
      const tp = await tokyo.newPage()
      await tp.goto(`${p.url}/calendar`) // calendar.js remembers the browser's zone
      await tp.goto(`${p.url}/calendar/new?date=2027-01-12`)
      const zones = await tp.locator('#cal-zones option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
      expect(zones[0]).toBe('Asia/Tokyo')
      expect(zones).toContain('Europe/Berlin')
      expect(zones.length).toBeGreaterThan(300)
      expect(zones.filter((z) => z === 'Asia/Tokyo').length).toBe(1)
      expect(await tp.locator('#f-timeZone').getAttribute('list')).toBe('cal-zones')
      await tp.locator('#f-title').fill('Zone check')
      await tp.locator('#f-timeZone').fill('Mars/Olympus')
      await tp.getByRole('button', { name: 'Create event' }).click()
      expect(await tp.locator('#f-timeZone-error').innerText()).toContain('Mars/Olympus')
      expect(await tp.locator('#f-title').inputValue()).toBe('Zone check')
    } finally {
      await tokyo.close()
    }
  }, T)

  test('attendees: the filter box narrows the list as you type (accents aside), Escape clears it, Enter does not submit', async () => {
    await page.goto(`${p.url}/calendar/new?date=2027-01-12`)
    const filter = page.getByRole('searchbox', { name: 'Find people' })
    expect(await filter.isVisible()).toBe(true)
    await filter.click()
    await page.keyboard.type('zoe')
    expect(await attendee('Zoë Zimmer').isVisible()).toBe(true)
    expect(await attendee('Bruno Baker').isVisible()).toBe(false)
    expect(await page.locator('[data-cal-people-status]').innerText()).toMatch(/^1 of \d+ people shown$/)
    await page.keyboard.press('Enter')
    expect(new URL(page.url()).pathname).toBe('/calendar/new')
    await page.keyboard.type('x')
    expect(await page.locator('[data-cal-nobody]').isVisible()).toBe(true)
    await page.keyboard.press('Escape')
    expect(await filter.inputValue()).toBe('')
    expect(await attendee('Bruno Baker').isVisible()).toBe(true)
    expect(await page.locator('[data-cal-nobody]').isVisible()).toBe(false)
    // a tick made while filtering stays when the filter changes
    await filter.fill('')
    await page.keyboard.type('gus')
    await attendee('Gus Gray').locator('input').check()
    await page.keyboard.press('Escape')
    expect(await attendee('Gus Gray').locator('input').isChecked()).toBe(true)
  }, T)

  test('"Add a team" ticks the team\'s members; the event is saved with them', async () => {
    await page.goto(`${p.url}/calendar/new?date=2027-01-12`)
    const team = page.getByLabel('Team to add')
    expect(await team.locator('option').allInnerTexts()).toEqual(['Design (3)', 'Ops (1)'])
    await team.selectOption({ label: 'Design (3)' })
    await page.getByRole('button', { name: 'Add a team' }).click()
    for (const name of ['Bruno Baker', 'Chen Chu', 'Dara Dunn']) expect(await attendee(name).locator('input').isChecked(), name).toBe(true)
    expect(await attendee('Ivo Ide').locator('input').isChecked()).toBe(false)
    expect(await page.locator('[data-cal-people-status]').innerText()).toBe('Added 3 people from Design.')
    await page.getByRole('button', { name: 'Add a team' }).click()
    expect(await page.locator('[data-cal-people-status]').innerText()).toBe('Everyone in Design is invited already.')
    await page.locator('#f-title').fill('Design sync')
    expect(await screenshot(page, 'calendar-form')).toEqual({ 1280: 0, 390: 0 })
    await Promise.all([page.waitForURL((u) => /^\/calendar\/events\/[^/]+$/.test(u.pathname)), page.getByRole('button', { name: 'Create event' }).click()])
    const attendees = await page.locator('.cal-attendee-list li').allInnerTexts()
    for (const name of ['Bruno Baker', 'Chen Chu', 'Dara Dunn']) expect(attendees.join('\n')).toContain(name)
    expect(attendees.join('\n')).not.toContain('Ivo Ide')
  }, T)

  test('two windows: a clash comes back (409) with what was typed, the current value beside it; saving again keeps it', async () => {
    const made = await page.request.post(`${p.url}/api/v1/calendar/events`, { data: { calendarId: calId, title: 'Board meeting', location: 'Room 1', timeZone: 'UTC', start: '2027-02-01T10:00', end: '2027-02-01T11:00' }, headers: { 'x-csrf-token': token } })
    const id = ((await made.json()) as { id: string }).id
    await page.goto(`${p.url}/calendar/events/${id}/edit`)
    // meanwhile, in another tab, the place and the title change
    const other = await page.request.patch(`${p.url}/api/v1/calendar/events/${id}`, { data: { location: 'Room 7', title: 'Board meeting (Q1)' }, headers: { 'x-csrf-token': token } })
    expect(other.status()).toBe(200)
    await page.locator('#f-location').fill('Room 9')
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Save' }).click()])
    expect(res.status()).toBe(409)
    expect(await page.locator('.form-error').innerText()).toContain('You (in another window or tab) changed this event while you were editing it: Location is now different')
    expect(await page.locator('#f-location').inputValue()).toBe('Room 9')
    expect(await page.locator('#f-location-error').innerText()).toBe('Changed to "Room 7" in another window or tab; what you typed is kept here')
    expect(await page.locator('#f-title').inputValue()).toBe('Board meeting (Q1)') // left alone here: the current title
    expect(await screenshot(page, 'calendar-form-conflict')).toEqual({ 1280: 0, 390: 0 })
    await Promise.all([page.waitForURL((u) => u.pathname === `/calendar/events/${id}`), page.getByRole('button', { name: 'Save' }).click()])
    const saved = (await (await page.request.get(`${p.url}/api/v1/calendar/events/${id}`)).json()) as { title: string; location: string }
    expect(saved).toMatchObject({ title: 'Board meeting (Q1)', location: 'Room 9' })
  }, T)

  test('390 px: the form fits the phone; filter and team controls are full width and usable', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.goto(`${p.url}/calendar/new?date=2027-01-12`)
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      const filter = await box(page.getByRole('searchbox', { name: 'Find people' }))
      const add = await box(page.getByRole('button', { name: 'Add a team' }))
      const select = await box(page.getByLabel('Team to add'))
      const list = await box(page.locator('#cal-people'))
      expect(filter.width).toBeGreaterThan(list.width - 4)
      expect(add.x + add.width).toBeLessThanOrEqual(390)
      expect(select.width).toBeGreaterThan(120)
      expect(Math.abs(select.y + select.height / 2 - (add.y + add.height / 2))).toBeLessThan(4) // one line
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  }, T)

  test('without JavaScript: no filter or team controls, the checkboxes still invite', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await ctx.storageState() })
    try {
      const np = await plain.newPage()
      await np.goto(`${p.url}/calendar/new?date=2027-01-12`)
      expect(await np.locator('[data-cal-attendee-tools]').isVisible()).toBe(false)
      expect(await np.locator('.cal-person').count()).toBeGreaterThanOrEqual(PEOPLE.length)
      await np.locator('#f-title').fill('Plain invite')
      await np.locator('.cal-person', { hasText: 'Fay Fox' }).locator('input').check()
      await Promise.all([np.waitForURL((u) => /^\/calendar\/events\/[^/]+$/.test(u.pathname)), np.getByRole('button', { name: 'Create event' }).click()])
      expect(await np.locator('.cal-attendee-list').innerText()).toContain('Fay Fox')
    } finally {
      await plain.close()
    }
  }, T)
})
