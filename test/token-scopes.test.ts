/** API token scopes: every permission of a plugin with a JSON API, also those its services check inside a handler. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from './helpers/platform.ts'
import calendar from '../plugins/calendar/index.ts'

eachDialect('token scopes', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
  })
  afterAll(() => p.stop())

  test('an admin can give a token calendar.calendar.manage (checked by the service, not the route) and make an organization calendar with it', async () => {
    const ada = await p.adminClient()
    const form = await ada.get('/account/tokens')
    expect(form.html).toContain('value="calendar.calendar.manage"')
    const made = await ada.post('/account/tokens', { name: 'calendar admin', permissions: ['calendar.event.read', 'calendar.event.write', 'calendar.calendar.manage'], expires: '30', current: ADMIN.password })
    const html = await made.text()
    expect(made.status).toBe(200)
    const secret = /class="secret"[^>]*>\s*([A-Za-z0-9_.-]{20,})\s*</.exec(html)?.[1]
    expect(secret).toBeDefined()
    const res = await fetch(`${p.url}/api/v1/calendar/calendars`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Company', ownerKind: 'org' }),
    })
    expect(res.status).toBe(201)
    expect(((await res.json()) as { ownerKind: string }).ownerKind).toBe('org')
  })
})
