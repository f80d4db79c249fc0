/**
 * The calendar page's time zone control (both dialects): one folded line under the heading, "Time
 * zone: UTC", whose <details> holds the "Show times in" form and the zones' datalist; open, with the
 * error beside the field, when the zone typed is refused (422).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'

eachDialect('calendar time zone control', (dialect) => {
  let p: TestPlatform
  let ada: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  /** The zone control's markup on a page. */
  const picker = (html: string) => html.slice(html.indexOf('<details class="cal-tz"'), html.indexOf('</details>', html.indexOf('<details class="cal-tz"')))

  test('folded under the heading, it names the zone and holds the form; the datalist comes when it is first opened, on every view', async () => {
    for (const view of ['month', 'week', '3day', 'day', 'agenda']) {
      const { res, html } = await ada.get(`/calendar?view=${view}&date=2027-01-13&tz=Europe/Berlin`)
      expect(res.status).toBe(200)
      const d = picker(html)
      expect(d.slice(0, 300)).toStartWith(
        '<details class="cal-tz" hx-get="/calendar/zones?first=Europe%2FBerlin" hx-trigger="toggle once" hx-target="#cal-zones" hx-swap="outerHTML"><summary class="muted"><span>Time zone: </span><span>Europe/Berlin</span></summary>',
      )
      expect(d.includes(`<form method="get" action="/calendar" class="row-form cal-tz-form"><input type="hidden" name="view" value="${view}"/><input type="hidden" name="date" value="2027-01-13"/>`)).toBe(true)
      expect(/<input id="cal-view-tz" name="tz" type="text" value="Europe\/Berlin"[^>]* list="cal-zones"/.test(d)).toBe(true)
      // the page carries no zone list (a third of a month page); the control fetches it
      expect(d.includes('<datalist id="cal-zones"></datalist>')).toBe(true)
      expect(html).not.toContain('<option value="Asia/Tokyo">')
      // no zone row in the toolbar any more, and the old line under the heading is gone
      expect(html).not.toContain('<p class="muted">Times in')
      expect(html.match(/id="cal-view-tz"/g)).toHaveLength(1)
    }
  })

  test('the zones it fetches: the viewer\'s zone first, then UTC and the rest; an unknown first is ignored', async () => {
    const { res, html } = await ada.get('/calendar/zones?first=Europe/Berlin')
    expect(res.status).toBe(200)
    expect(html).toStartWith('<datalist id="cal-zones"><option value="Europe/Berlin"></option><option value="UTC"></option>')
    expect(html).toContain('<option value="Asia/Tokyo"></option>')
    expect((await ada.get('/calendar/zones?first=%3Cb%3E')).html).toStartWith('<datalist id="cal-zones"><option value="UTC"></option>')
  })

  test('a zone that is not one comes back (422) with the control open, what was typed kept and the error beside it', async () => {
    const { res, html } = await ada.get('/calendar?view=week&date=2027-01-13&tz=Mars/Olympus')
    expect(res.status).toBe(422)
    const d = picker(html)
    expect(d.slice(0, 200)).toStartWith('<details class="cal-tz" open><summary class="muted"><span>Time zone: </span><span>UTC</span></summary>')
    expect(d.includes('value="Mars/Olympus"')).toBe(true)
    // open from the start: the suggestions come with the page
    expect(d.includes('<datalist id="cal-zones"><option value="UTC"></option>')).toBe(true)
    expect(/<small[^>]*class="field-error"[^>]*>[^<]+<\/small>/.test(d)).toBe(true)
  })
})
