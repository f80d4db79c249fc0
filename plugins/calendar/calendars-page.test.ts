/**
 * The calendars page: the "Type" column says what a calendar is, "Shared with" lists the shares (or
 * "Not shared"), and the add-share form sits folded behind "Share…" with no person chosen, so it cannot
 * read as a share that exists. Secondary buttons use the app's `secondary outline`.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Client } from '../../test/helpers/client.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

/** The table row of the calendar named `name` on the calendars page. */
const rowOf = (html: string, name: string) => html.split('<tr>').find((r) => r.includes(`<span safe>${name}</span>`) || r.includes(`>${name}</span>`))!

eachDialect('calendars page: types and shares', (dialect) => {
  let p: TestPlatform
  let ada: Client
  let bea: { user: { id: string; name: string }; client: Client }
  let calId: string

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
    bea = await p.member('member')
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Ada private' })).json.id
    expect((await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'All hands', ownerKind: 'org' })).status).toBe(201)
  }, 30_000)
  afterAll(() => p.stop())

  test('an unshared personal calendar says "Not shared" and folds the share form, with no person chosen', async () => {
    const { html } = await ada.get('/calendar/calendars')
    expect(html).toContain('<th scope="col">Type</th>')
    expect(html).not.toContain('<th scope="col">Owner</th>')
    const row = rowOf(html, 'Ada private')
    expect(row).toContain('data-label="Type"')
    expect(row).toMatch(/data-label="Type"[^>]*>\s*Personal\s*</)
    expect(row).toContain('Not shared')
    expect(row).toMatch(/<details class="row-edit cal-share-add"><summary>Share&hellip;<span class="visually-hidden"> Ada private with someone<\/span><\/summary>/)
    expect(row).toContain('<option value="">Choose a person</option>')
    expect(row).not.toMatch(/<option[^>]*selected/)
    expect(row).toContain('<button type="submit" class="secondary outline">Share</button>')
    expect(rowOf(html, 'All hands')).toContain('Everyone in the organization')
    expect(rowOf(html, 'All hands')).toMatch(/data-label="Type"[^>]*>\s*Organization\s*</)
    expect(html).not.toMatch(/class="secondary"[^>]*>\s*(Share|Make)/)
  })

  test('sharing without choosing a person is a 422; a share is listed with its access', async () => {
    await ada.get('/calendar/calendars')
    const none = await ada.post(`/calendar/calendars/${calId}/shares`, { userId: '', access: 'read' })
    expect(none.status).toBe(422)
    expect(await none.text()).toContain('Choose a member of this organization.')
    expect((await ada.post(`/calendar/calendars/${calId}/shares`, { userId: bea.user.id, access: 'edit' })).status).toBe(303)
    const row = rowOf((await ada.get('/calendar/calendars')).html, 'Ada private')
    expect(row).toContain(`${bea.user.name} (can edit)`)
    expect(row).not.toContain('Not shared')
    // Bea sees it as shared with her, named by its owner
    const beaRow = rowOf((await bea.client.get('/calendar/calendars')).html, 'Ada private')
    expect(beaRow).toMatch(/data-label="Type"[^>]*>\s*Shared by Ada/)
  })

  test("the import's time zone starts on the viewer's zone (the cal_tz cookie), as the event form does; UTC without one", async () => {
    const zoneField = (html: string) => /<input[^>]*id="f-import-zone"[^>]*>/.exec(html)?.[0] ?? ''
    expect(zoneField((await ada.get('/calendar/calendars')).html)).toContain('value="UTC"')
    ada.cookies.set('cal_tz', 'Europe/Berlin')
    try {
      const { html } = await ada.get('/calendar/calendars')
      expect(zoneField(html)).toContain('value="Europe/Berlin"')
      // its suggestions start with that zone too
      expect(/<datalist id="cal-zones"><option value="([^"]+)"/.exec(html)?.[1]).toBe('Europe/Berlin')
      // a refused import keeps what was typed
      const form = new FormData()
      form.set('_csrf', ada.csrf)
      form.set('calendarId', calId)
      form.set('timeZone', 'Mars/Olympus')
      form.set('file', new File(['BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'], 'x.ics', { type: 'text/calendar' }))
      const res = await ada.request('/calendar/import', { method: 'POST', body: form, headers: { 'x-csrf-token': ada.csrf } })
      expect(res.status).toBe(422)
      expect(zoneField(await res.text())).toContain('value="Mars/Olympus"')
    } finally {
      ada.cookies.delete('cal_tz')
    }
  })
})
