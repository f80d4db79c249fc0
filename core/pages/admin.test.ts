import { afterAll, beforeAll, expect, test } from 'bun:test'
import { t } from 'elysia'
import { eachDialect } from '../../test/helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import type { Client } from '../../test/helpers/client.ts'
import { definePlugin } from '../plugins/contract.ts'
import { limits } from '../auth/rate-limit.ts'
import { currentCode } from '../auth/two-factor.ts'

/** A small plugin that requires fixture-notes, with a nav entry and a settings schema of every kind. */
const reports = definePlugin({
  id: 'fixture-reports',
  name: 'Reports',
  version: '0.1.0',
  api: 1,
  requires: ['fixture-notes'],
  settings: t.Object({
    title: t.String({ title: 'Report title', description: 'Shown on top of every report.', minLength: 1, maxLength: 40, default: 'Weekly' }),
    limit: t.Integer({ minimum: 1, maximum: 100, default: 10 }),
    public: t.Boolean({ default: true }),
    format: t.Union([t.Literal('pdf'), t.Literal('csv')], { default: 'pdf' }),
    apiKey: t.Optional(t.String({ writeOnly: true })),
    contact: t.Optional(t.String({ format: 'email' })),
  }),
  setup(ctx) {
    ctx.nav({ label: 'Reports', href: '/fixture-reports', order: 60 })
  },
})

/** Another plugin that requires Notes (for the cascade race). */
const extra = definePlugin({ id: 'fixture-extra', name: 'Extra', version: '0.1.0', api: 1, requires: ['fixture-notes'], setup() {} })

/** A plugin that uses Notes' service when Notes is on (a soft dependency, declared in `uses`). */
const digest = definePlugin({
  id: 'fixture-digest',
  name: 'Digest',
  version: '0.1.0',
  api: 1,
  uses: { 'fixture-notes.counter': 'the note count in the weekly digest' },
  setup(ctx) {
    ctx.contribute('dashboard.widget', { id: 'digest', title: 'Weekly digest', render: async () => '' })
  },
})

const PAGES = ['/admin', '/admin/plugins', '/admin/plugins/fixture-notes/settings', '/admin/users', '/admin/orgs', '/admin/audit']
const HX = { 'hx-request': 'true' }

/** The element with id="main-nav" in an htmx answer. */
function oobNav(html: string): string {
  const m = /<ul id="main-nav"[^>]*>[\s\S]*?<\/ul>/.exec(html)
  expect(m).not.toBeNull()
  expect(m![0]).toContain('hx-swap-oob="true"')
  return m![0]
}

/** The row of a plugin in a page or fragment. */
function rowOf(html: string, id: string): string {
  const m = new RegExp(`<tr id="plugin-${id}"[^>]*>[\\s\\S]*?</tr>`).exec(html)
  expect(m).not.toBeNull()
  return m![0]
}

eachDialect('admin pages', (dialect) => {
  let p: TestPlatform
  let ada: Client

  beforeAll(async () => {
    limits.signInAddress.clear()
    p = await startPlatform(dialect, [...fixturePlugins, reports, digest, extra])
    await p.host.disable('fixture-extra') // off until the cascade race test turns it on
    ada = await p.adminClient()
  })
  afterAll(() => p.stop())

  const status = (id: string) => p.host.describe(id).status

  test('anonymous visitors are sent to sign in; signed-in non-instance-admins get 403 everywhere', async () => {
    for (const path of PAGES) {
      const res = await p.client().request(path)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toStartWith('/login')
    }
    const { client: orgAdmin } = await p.member('admin')
    for (const path of PAGES) expect((await orgAdmin.get(path)).res.status).toBe(403)
    expect((await orgAdmin.post('/admin/plugins/fixture-notes/toggle', { to: 'off' })).status).toBe(403)
    expect((await orgAdmin.post('/admin/plugins/fixture-notes/settings', { greeting: 'x' })).status).toBe(403)
    expect((await orgAdmin.post(`/admin/users/${p.admin!.id}/disable`)).status).toBe(403)
    expect((await orgAdmin.post('/admin/users/invite', { target: 'x:y' })).status).toBe(403)
    expect(status('fixture-notes')).toBe('enabled')
    expect((await p.deps.identity.accounts.getUser(p.admin!.id))!.disabled).toBe(false)
  })

  test('/admin leads to the plugins tab; every plugin has a row with its status', async () => {
    const root = await ada.request('/admin')
    expect(root.status).toBe(303)
    expect(root.headers.get('location')).toBe('/admin/plugins')
    const { res, html } = await ada.get('/admin/plugins')
    expect(res.status).toBe(200)
    expect(html).toContain('<ul class="tabs">')
    expect(html).toContain('<a href="/admin/plugins" aria-current="page">Plugins</a>')
    expect(html).toContain('<a href="/admin/audit">Audit log</a>')
    const notes = rowOf(html, 'fixture-notes')
    expect(notes).toContain('<span class="badge badge-ok">Enabled</span>')
    expect(notes).toContain('1.0.0')
    expect(notes).toContain('builtin')
    expect(notes).toContain('Required by: Reports')
    expect(notes).toContain('href="/admin/plugins/fixture-notes/settings"')
    expect(notes).toContain('hx-post="/admin/plugins/fixture-notes/toggle"')
    expect(notes).toContain('hx-target="#plugin-fixture-notes"')
    expect(notes).toContain('hx-swap="outerHTML"')
    expect(rowOf(html, 'fixture-reports')).toContain('Requires: Notes')
    const broken = rowOf(html, 'fixture-broken')
    expect(broken).toContain('<span class="badge badge-danger">Failed</span>')
    expect(broken).toContain('missing FIXTURE_KEY')
    expect(broken).not.toContain('/settings')
  })

  test("a plugin's failing event handlers show on its row, counted (the errors themselves go to the log)", async () => {
    expect(rowOf((await ada.get('/admin/plugins')).html, 'fixture-reports')).not.toContain('event handler')
    const off = p.host.bus.on('fixture-reports', 'core.plugin.enabled', () => {
      throw new Error('handler bug')
    })
    for (let i = 0; i < 3; i++) p.host.bus.emit('core.plugin.enabled', { id: 'fixture-test' })
    off()
    const row = rowOf((await ada.get('/admin/plugins')).html, 'fixture-reports')
    expect(row).toContain('3 event handler failures since start: see the server log')
    expect(row).not.toContain('handler bug')
  })

  test('htmx toggle: the row and the nav (out of band) change at once; the plugin is off, then on again', async () => {
    // Reports requires Notes: turn it off first (no JS: the question is a page, then a redirect with a flash).
    const askReports = await ada.post('/admin/plugins/fixture-reports/toggle', { to: 'off' })
    expect(askReports.status).toBe(200)
    const askReportsHtml = await askReports.text()
    expect(askReportsHtml).toContain('<!doctype html>')
    expect(askReportsHtml).toContain('Disable Reports?')
    expect(askReportsHtml).toContain('<a href="/admin/plugins">Cancel</a>')
    expect(status('fixture-reports')).toBe('enabled')
    const offReports = await ada.post('/admin/plugins/fixture-reports/toggle', { to: 'off', confirm: '1' })
    expect(offReports.status).toBe(303)
    expect(offReports.headers.get('location')).toBe('/admin/plugins')
    const after = await ada.get('/admin/plugins')
    expect(after.html).toContain('Reports is disabled.')
    expect(rowOf(after.html, 'fixture-reports')).toContain('<span class="badge">Disabled</span>')

    // Disabling first says what goes away (its menu entry, its widget...) and what others lose.
    const ask = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off' }, HX)
    expect(ask.status).toBe(200)
    const askHtml = await ask.text()
    expect(askHtml).toContain('<tr id="plugin-fixture-notes" class="confirm-row">')
    expect(askHtml).toContain('Disable Notes?')
    expect(askHtml).toContain('<li>Menu entries: Notes</li>')
    expect(askHtml).toContain('<li>Digest: the note count in the weekly digest</li>')
    expect(askHtml).toContain('name="confirm" value="1"')
    expect(askHtml).not.toContain('name="cascade"')
    expect(askHtml).toMatch(/<button type="button" class="secondary outline" autofocus hx-get="\/admin\/plugins\/fixture-notes\/row"/)
    expect(status('fixture-notes')).toBe('enabled')

    const off = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off', confirm: '1' }, HX)
    expect(off.status).toBe(200)
    const html = await off.text()
    expect(rowOf(html, 'fixture-notes')).toContain('aria-label="Enable Notes" autofocus')
    expect(html).not.toContain('<!doctype html>')
    expect(rowOf(html, 'fixture-notes')).toContain('<span class="badge">Disabled</span>')
    expect(oobNav(html)).not.toContain('Notes')
    expect(status('fixture-notes')).toBe('disabled')
    const gone = await fetch(`${p.url}/fixture-notes`, { headers: { accept: 'text/html' } })
    expect(gone.status).toBe(404)
    expect(await gone.text()).toContain('Notes is disabled')

    const on = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'on' }, HX)
    expect(on.status).toBe(200)
    const onHtml = await on.text()
    expect(rowOf(onHtml, 'fixture-notes')).toContain('<span class="badge badge-ok">Enabled</span>')
    expect(oobNav(onHtml)).toContain('Notes')
    const next = await ada.get('/admin/orgs')
    expect(/<ul id="main-nav"[^>]*>[\s\S]*?<\/ul>/.exec(next.html)![0]).toContain('Notes')
    expect((await fetch(`${p.url}/fixture-notes`)).status).toBe(200)
    // Enabling what is on already changes nothing and is no error.
    expect((await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'on' })).status).toBe(303)
  })

  test('cascade: disabling a plugin others require asks first, naming them; confirming disables both', async () => {
    expect((await ada.post('/admin/plugins/fixture-reports/toggle', { to: 'on' })).status).toBe(303)
    expect(status('fixture-reports')).toBe('enabled')

    const ask = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off' }, HX)
    expect(ask.status).toBe(200)
    const askHtml = await ask.text()
    expect(askHtml).toContain('<tr id="plugin-fixture-notes"')
    expect(askHtml).toContain('Disabling Notes also disables: Reports')
    expect(askHtml).toContain('name="cascade" value="1"')
    expect(askHtml).toContain('hx-get="/admin/plugins/fixture-notes/row"')
    expect(status('fixture-notes')).toBe('enabled')
    expect(status('fixture-reports')).toBe('enabled')

    // Cancel puts the row back.
    const cancel = await ada.get('/admin/plugins/fixture-notes/row', HX)
    expect(cancel.res.status).toBe(200)
    expect(rowOf(cancel.html, 'fixture-notes')).toContain('badge-ok')
    expect((await ada.request('/admin/plugins/fixture-notes/row')).status).toBe(303)

    // Without JS the confirmation is a full page.
    const page = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off' })
    expect(page.status).toBe(200)
    const pageHtml = await page.text()
    expect(pageHtml).toContain('<!doctype html>')
    expect(pageHtml).toContain('Disabling Notes also disables: Reports')
    expect(status('fixture-notes')).toBe('enabled')

    expect(askHtml).toContain('name="also" value="fixture-reports"')
    const yes = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off', cascade: '1', also: 'fixture-reports' }, HX)
    expect(yes.status).toBe(200)
    const html = await yes.text()
    expect(rowOf(html, 'fixture-notes')).toContain('<span class="badge">Disabled</span>')
    const reportsRow = rowOf(html, 'fixture-reports')
    expect(reportsRow).toContain('hx-swap-oob="true"')
    expect(reportsRow).toContain('<span class="badge">Disabled</span>')
    const nav = oobNav(html)
    expect(nav).not.toContain('Notes')
    expect(nav).not.toContain('Reports')
    expect(status('fixture-notes')).toBe('disabled')
    expect(status('fixture-reports')).toBe('disabled')

    // Reports cannot come back before Notes: a 422 in the row, not a 500.
    const early = await ada.post('/admin/plugins/fixture-reports/toggle', { to: 'on' }, HX)
    expect(early.status).toBe(422)
    expect(await early.text()).toContain('Enable &quot;fixture-notes&quot; first')
    expect((await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'on' })).status).toBe(303)
    expect((await ada.post('/admin/plugins/fixture-reports/toggle', { to: 'on' })).status).toBe(303)
    expect(status('fixture-reports')).toBe('enabled')
  })

  test('cascade: a plugin that comes to require it between question and answer makes it ask again; nothing is disabled unnamed', async () => {
    expect(status('fixture-extra')).toBe('disabled')
    const ask = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off' }, HX)
    expect(await ask.text()).toContain('Disabling Notes also disables: Reports')
    await p.host.enable('fixture-extra') // meanwhile, someone turns on another plugin that requires Notes
    const again = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off', cascade: '1', also: 'fixture-reports' }, HX)
    expect(again.status).toBe(200)
    const againHtml = await again.text()
    expect(againHtml).toContain('What requires it changed since you were asked')
    expect(againHtml).toContain('Disabling Notes also disables: Reports, Extra')
    expect(againHtml).toContain('name="also" value="fixture-extra,fixture-reports"')
    for (const id of ['fixture-notes', 'fixture-reports', 'fixture-extra']) expect(status(id)).toBe('enabled')
    const yes = await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'off', cascade: '1', also: 'fixture-extra,fixture-reports' }, HX)
    expect(yes.status).toBe(200)
    for (const id of ['fixture-notes', 'fixture-reports', 'fixture-extra']) expect(status(id)).toBe('disabled')
    for (const id of ['fixture-notes', 'fixture-reports']) await p.host.enable(id)
  })

  test('a plugin that fails to start: 422 with its error, and the page keeps working', async () => {
    const hx = await ada.post('/admin/plugins/fixture-broken/toggle', { to: 'on' }, HX)
    expect(hx.status).toBe(422)
    const row = rowOf(await hx.text(), 'fixture-broken')
    expect(row).toContain('missing FIXTURE_KEY')
    expect(row).toContain('badge-danger')
    const plain = await ada.post('/admin/plugins/fixture-broken/toggle', { to: 'on' })
    expect(plain.status).toBe(422)
    const html = await plain.text()
    expect(html).toContain('<!doctype html>')
    expect(html).toContain('class="form-error"')
    expect(html).toContain('missing FIXTURE_KEY')
    expect((await ada.get('/admin/plugins')).res.status).toBe(200)
    expect((await ada.post('/admin/plugins/ghost/toggle', { to: 'on' })).status).toBe(404)
    expect((await ada.post('/admin/plugins/fixture-notes/toggle', { to: 'sideways' })).status).toBe(200) // unknown "to": toggles (here: asks first)
    expect(status('fixture-notes')).toBe('enabled')
  })

  test('settings: a form from the schema; bad values 422 beside the field with the input kept; good ones saved', async () => {
    const form = await ada.get('/admin/plugins/fixture-notes/settings')
    expect(form.res.status).toBe(200)
    expect(form.html).toMatch(/<input id="f-greeting" name="greeting" type="text" value="Hello"[^>]*minlength="1"/)

    const bad = await ada.post('/admin/plugins/fixture-notes/settings', { greeting: '' })
    expect(bad.status).toBe(422)
    const badHtml = await bad.text()
    expect(badHtml).toContain('aria-invalid="true"')
    expect(badHtml).toMatch(/<small id="f-greeting-error" class="field-error">Enter a value.<\/small>/)

    const good = await ada.post('/admin/plugins/fixture-notes/settings', { greeting: 'Howdy' })
    expect(good.status).toBe(303)
    expect(good.headers.get('location')).toBe('/admin/plugins/fixture-notes/settings')
    expect(await (await fetch(`${p.url}/fixture-notes`)).text()).toContain('<h1>Howdy</h1>')
    expect((await ada.get('/admin/plugins/fixture-notes/settings')).html).toContain('value="Howdy"')

    // Every kind of field: text with title/description, integer, checkbox, select, secret.
    const all = await ada.get('/admin/plugins/fixture-reports/settings')
    expect(all.html).toContain('<span>Report title</span>')
    expect(all.html).toContain('Shown on top of every report. 1 to 40 characters.')
    expect(all.html).toMatch(/name="limit" type="number" value="10"[^>]*min="1" max="100" step="1"/)
    expect(all.html).toMatch(/name="public" type="checkbox" role="switch" value="on" checked/)
    expect(all.html).toContain('<option value="pdf" selected>PDF</option>')
    expect(all.html).toMatch(/name="apiKey" type="password"/)

    const mixed = await ada.post('/admin/plugins/fixture-reports/settings', { title: '', limit: '7', format: 'csv', apiKey: 's3cret-value' })
    expect(mixed.status).toBe(422)
    const mixedHtml = await mixed.text()
    expect(mixedHtml).toMatch(/id="f-title-error" class="field-error">Enter a value.</)
    expect(mixedHtml).toContain('value="7"')
    expect(mixedHtml).toContain('<option value="csv" selected>CSV</option>')
    expect(mixedHtml).not.toMatch(/name="public"[^>]*checked/) // unchecked stays unchecked
    expect(mixedHtml).not.toContain('s3cret-value') // secrets are never echoed

    const nan = await ada.post('/admin/plugins/fixture-reports/settings', { title: 'Daily', limit: 'lots', format: 'xml' })
    expect(nan.status).toBe(422)
    const nanHtml = await nan.text()
    expect(nanHtml).toContain('Enter a number.')
    expect(nanHtml).toContain('Choose one of the options.')
    expect(nanHtml).toContain('value="lots"')
    const big = await ada.post('/admin/plugins/fixture-reports/settings', { title: 'Daily', limit: '500', format: 'pdf' })
    expect(big.status).toBe(422)
    expect(await big.text()).toContain('Enter 100 or less.')
    const email = await ada.post('/admin/plugins/fixture-reports/settings', { title: 'Daily', limit: '5', format: 'pdf', contact: 'not an address' })
    expect(email.status).toBe(422)
    const emailHtml = await email.text()
    expect(emailHtml).toContain('Enter an email address, like name@example.com.')
    expect(emailHtml).not.toContain('Expected string to match')
    expect(emailHtml).toContain('value="not an address"')

    const saved = await ada.post('/admin/plugins/fixture-reports/settings', { title: 'Daily "<b>', limit: '7', format: 'csv', apiKey: 's3cret-value' })
    expect(saved.status).toBe(303)
    expect(p.host.settingsOf('fixture-reports')).toEqual({ title: 'Daily "<b>', limit: 7, public: false, format: 'csv', apiKey: 's3cret-value' })
    const shown = await ada.get('/admin/plugins/fixture-reports/settings')
    expect(shown.html).toContain('value="Daily &#34;<b>"') // quotes escaped: no way out of the attribute
    expect(shown.html).not.toContain('s3cret-value')
    // An empty secret keeps the stored one.
    expect((await ada.post('/admin/plugins/fixture-reports/settings', { title: 'Daily', limit: '7', public: 'on', format: 'csv', apiKey: '' })).status).toBe(303)
    expect(p.host.settingsOf('fixture-reports')).toMatchObject({ title: 'Daily', public: true, apiKey: 's3cret-value' })

    expect((await ada.get('/admin/plugins/fixture-broken/settings')).res.status).toBe(404)
    expect((await ada.get('/admin/plugins/ghost/settings')).res.status).toBe(404)
    expect((await ada.post('/admin/plugins/ghost/settings', { x: '1' })).status).toBe(404)
  })

  test('users: disable signs the user out and blocks sign-in; enable again; not yourself; reset two-factor', async () => {
    const { user, client } = await p.member('member')
    const list = await ada.get('/admin/users')
    expect(list.res.status).toBe(200)
    expect(list.html).toContain(user.email)
    expect(list.html).toContain(ADMIN.email)
    expect(list.html).toContain('This is you')
    // values in sentence case, as the page's labels and selects
    expect(list.html).toContain('<td data-label="Status"><span class="badge">Active</span></td>')
    expect(list.html).toContain('<td data-label="Instance admin"><span class="badge badge-ok">Admin</span></td>')
    expect(list.html).toContain('<td data-label="Two-factor"><span class="muted">Off</span></td>')

    const off = await ada.post(`/admin/users/${user.id}/disable`)
    expect(off.status).toBe(303)
    const after = await client.request('/search?q=x')
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toStartWith('/login')
    expect((await p.client().signIn(user.email, 'member password 1')).status).toBe(401)
    expect((await ada.get('/admin/users')).html).toContain('badge-danger">Disabled')

    expect((await ada.post(`/admin/users/${user.id}/enable`)).status).toBe(303)
    expect((await p.client().signIn(user.email, 'member password 1')).status).toBe(303)

    const self = await ada.post(`/admin/users/${p.admin!.id}/disable`)
    expect(self.status).toBe(422)
    expect(await self.text()).toContain('You cannot disable your own account.')
    expect((await ada.get('/admin/users')).res.status).toBe(200) // still signed in
    expect((await ada.post('/admin/users/nobody/disable')).status).toBe(404)

    const { twoFactor, accounts } = p.deps.identity
    const { secret } = await twoFactor.begin(user.id)
    await twoFactor.confirm(user.id, currentCode(secret))
    expect((await ada.get('/admin/users')).html).toContain(`/admin/users/${user.id}/two-factor/reset`)
    expect((await ada.post(`/admin/users/${user.id}/two-factor/reset`)).status).toBe(303)
    expect((await accounts.getUser(user.id))!.totpEnabled).toBe(false)
    expect((await ada.post('/admin/users/nobody/two-factor/reset')).status).toBe(404)
  })

  test('users: change email — the new address signs in, the old one does not; taken or malformed comes back 422 with the input; audited; admins only', async () => {
    const { user, client } = await p.member('member')
    const other = await p.member('member')
    const fresh = `renamed-${user.id.slice(-6)}@example.com`
    const res = await ada.post(`/admin/users/${user.id}/email`, { email: `  ${fresh.toUpperCase()} ` })
    expect(res.status).toBe(303)
    expect((await ada.get('/admin/users')).html).toContain(`${user.name} now signs in as ${fresh}.`)
    expect((await p.client().signIn(fresh, 'member password 1')).status).toBe(303)
    expect((await p.client().signIn(user.email, 'member password 1')).status).toBe(401)
    expect((await client.get('/account')).res.status).toBe(200) // their session stays
    const audit = await p.deps.identity.accounts.listAudit({ limit: 5 })
    expect(audit.find((a) => a.action === 'user.email_changed')).toMatchObject({ target: fresh, actorEmail: ADMIN.email })

    for (const [email, message] of [
      [other.user.email, 'Another account uses this email.'],
      ['not-an-address', 'Enter an email address like ana@example.com.'],
    ] as const) {
      const bad = await ada.post(`/admin/users/${user.id}/email`, { email })
      expect(bad.status).toBe(422)
      const html = await bad.text()
      expect(html).toContain(message)
      expect(html).toContain(`value="${email}"`) // the input comes back
      expect(html).toMatch(new RegExp(`<details class="row-edit" open[^>]*>[\\s\\S]*?email-${user.id}`))
    }
    expect((await p.deps.identity.accounts.getUser(user.id))!.email).toBe(fresh)
    expect((await ada.post('/admin/users/nobody/email', { email: 'x@example.com' })).status).toBe(404)
    // two changes to one address at once: one wins, the other is the same 409 (the unique index), never a 500
    const contested = `contested-${user.id.slice(-6)}@example.com`
    const outcomes = await Promise.allSettled([user.id, other.user.id].map((id) => p.deps.identity.accounts.changeEmail(id, contested)))
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toMatchObject({ message: 'another account uses this email', status: 409 })
    // a member of an organization is no instance admin (either account may have won the race above)
    const before = (await p.deps.identity.accounts.getUser(other.user.id))!.email
    expect((await client.post(`/admin/users/${other.user.id}/email`, { email: 'stolen@example.com' })).status).toBe(403)
    expect((await p.deps.identity.accounts.getUser(other.user.id))!.email).toBe(before)
  })

  test('invite: pick "Org — Role", optional email; the absolute link is shown once', async () => {
    const { orgs } = p.deps.identity
    const roles = await orgs.listRoles(p.org!.id)
    const member = roles.find((r) => r.builtin === 'member')!
    const owner = roles.find((r) => r.builtin === 'owner')!
    const page = await ada.get('/admin/users')
    expect(page.html).toContain(`<option value="${p.org!.id}:${member.id}" selected>Acme — Member</option>`)
    expect(page.html).not.toContain(`${p.org!.id}:${owner.id}`)

    const res = await ada.post('/admin/users/invite', { target: `${p.org!.id}:${member.id}`, email: 'New.Person@example.com' })
    expect(res.status).toBe(200)
    const html = await res.text()
    const m = new RegExp(`<p id="invite-link" class="secret">(${p.url.replace(/[.]/g, '\\.')}/invite/([^<]+))</p>`).exec(html)
    expect(m).not.toBeNull()
    expect(html).toContain('data-copy="#invite-link"')
    const found = await orgs.findInvitation(m![2]!)
    expect(found?.org.id).toBe(p.org!.id)
    expect(found?.email).toBe('new.person@example.com')
    expect((await ada.get('/admin/users')).html).not.toContain(m![2]!)

    const bad = await ada.post('/admin/users/invite', { target: `${p.org!.id}:${member.id}`, email: 'not-an-email' })
    expect(bad.status).toBe(422)
    const badHtml = await bad.text()
    expect(badHtml).toContain('value="not-an-email"')
    expect(badHtml).toContain('Enter an email address like ana@example.com.')
    expect((await ada.post('/admin/users/invite', { target: `${p.org!.id}:${owner.id}` })).status).toBe(422)
    expect((await ada.post('/admin/users/invite', { target: 'nope' })).status).toBe(422)
    expect((await ada.post('/admin/users/invite', { target: `${p.org!.id}:nope` })).status).toBe(422)
  })

  test('invite: limited per admin and per address like the organization page (429 with Retry-After)', async () => {
    const member = (await p.deps.identity.orgs.listRoles(p.org!.id)).find((r) => r.builtin === 'member')!
    const target = `${p.org!.id}:${member.id}`
    await ada.get('/admin/users')
    for (let i = 0; i < limits.inviteCreate.limit; i++) limits.inviteCreate.hit(p.admin!.id)
    const perUser = await ada.post('/admin/users/invite', { target })
    expect(perUser.status).toBe(429)
    expect(Number(perUser.headers.get('retry-after'))).toBeGreaterThan(0)
    limits.inviteCreate.reset(p.admin!.id)

    for (let i = 0; i < limits.inviteCreateAddress.limit; i++) limits.inviteCreateAddress.hit('127.0.0.1')
    const perAddress = await ada.post('/admin/users/invite', { target })
    expect(perAddress.status).toBe(429)
    expect(Number(perAddress.headers.get('retry-after'))).toBeGreaterThan(0)
    limits.inviteCreateAddress.reset('127.0.0.1')

    const open = (await p.deps.identity.orgs.listInvitations(p.org!.id)).length
    expect((await ada.post('/admin/users/invite', { target })).status).toBe(200)
    expect((await p.deps.identity.orgs.listInvitations(p.org!.id)).length).toBe(open + 1)
  })

  test('organizations: every org with slug and member count', async () => {
    const { html } = await ada.get('/admin/orgs')
    expect(html).toMatch(/<td><a href="\/admin\/orgs\/[^"]+">Acme<\/a><\/td>/)
    expect(html).toContain('<code>acme</code>')
    expect(html).toContain('aria-current="page">Organizations')
  })

  test('the JSON admin API audits its changes; the service token is the actor', async () => {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${p.url}/api/v1/admin/plugins${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: p.serviceAuth } })
    expect((await api('/fixture-reports/disable', { method: 'POST', body: '{}' })).status).toBe(200)
    expect((await api('/fixture-reports/enable', { method: 'POST' })).status).toBe(200)
    expect((await api('/fixture-notes/reload', { method: 'POST' })).status).toBe(200)
    expect((await api('/fixture-notes/settings', { method: 'PUT', body: '{"greeting":"Api hello"}' })).status).toBe(200)
    expect((await api('/fixture-notes/settings', { method: 'PUT', body: '{"greeting":""}' })).status).toBe(422)
    const entries = await p.deps.identity.accounts.listAudit({ limit: 10 })
    const byToken = entries.filter((e) => e.actorEmail === 'service-token')
    expect(byToken.map((e) => e.action)).toEqual(['plugin.settings_changed', 'plugin.reloaded', 'plugin.enabled', 'plugin.disabled'])
    expect(byToken[0]!.details).toEqual({ keys: ['greeting'] })
    expect(byToken.every((e) => e.actorId === null && e.orgId === null)).toBe(true)
    // the CLI names who ran it (believed only with the token)
    const cli = await fetch(`${p.url}/api/v1/admin/plugins/fixture-reports/reload`, { method: 'POST', headers: { authorization: p.serviceAuth, 'x-coder-cli-user': 'ana@build-01' } })
    expect(cli.status).toBe(200)
    const [latest] = await p.deps.identity.accounts.listAudit({ limit: 1 })
    expect(latest).toMatchObject({ action: 'plugin.reloaded', actorEmail: 'service-token (cli ana@build-01)' })
    const odd = await fetch(`${p.url}/api/v1/admin/plugins/fixture-reports/reload`, { method: 'POST', headers: { authorization: p.serviceAuth, 'x-coder-cli-user': 'ana <script>' } })
    expect(odd.status).toBe(200)
    expect((await p.deps.identity.accounts.listAudit({ limit: 1 }))[0]!.actorEmail).toBe('service-token')
  })

  test('audit log: the entries above, newest first, filter and paging; escaped; no way to edit or delete', async () => {
    const { res, html } = await ada.get('/admin/audit')
    expect(res.status).toBe(200)
    for (const action of ['plugin.disabled', 'plugin.enabled', 'plugin.enable_failed', 'plugin.settings_changed', 'user.disabled', 'user.enabled', 'auth.two_factor_reset', 'org.invitation_created']) {
      expect(html).toContain(`<code>${action}</code>`)
    }
    expect(html).toContain('<dt>cascade</dt><dd>fixture-reports</dd>')
    expect(html).not.toContain('Howdy') // settings values are never audited
    expect(html).not.toContain('s3cret-value')
    expect(html).toContain(ADMIN.email)

    const users = await ada.get('/admin/audit?action=user.')
    expect(users.html).toContain('<code>user.disabled</code>')
    expect(users.html).not.toContain('<code>plugin.')
    expect((await ada.get('/admin/audit?action=nothing.like.this')).html).toContain('No entries match')

    const { accounts } = p.deps.identity
    for (let i = 0; i < 60; i++) await accounts.audit({ userId: null, email: 'bot@example.com', ip: '10.0.0.1' }, 'test.bulk', `<script>alert(${i})</script>`, { i })
    const first = await ada.get('/admin/audit?action=test.')
    expect(first.html.match(/<code>test\.bulk<\/code>/g)!.length).toBe(50)
    expect(first.html).toContain('&lt;script&gt;alert(59)&lt;/script&gt;')
    expect(first.html).not.toContain('<script>alert')
    const next = /href="(\/admin\/audit\?action=test\.&before=\d+)" rel="next"/.exec(first.html)
    expect(next).not.toBeNull()
    const second = await ada.get(next![1]!)
    expect(second.html.match(/<code>test\.bulk<\/code>/g)!.length).toBe(10)
    expect(second.html).toContain('alert(0)')
    expect(second.html).not.toContain('rel="next"')

    expect((await ada.get('/admin/audit?before=abc&action=')).res.status).toBe(200)
    expect((await ada.get('/admin/audit?before=99999999999999999999')).res.status).toBe(200)
    expect((await ada.post('/admin/audit', { action: 'x' })).status).toBe(404)
    const id = (await accounts.listAudit({ limit: 1 }))[0]!.id
    for (const method of ['DELETE', 'PUT', 'PATCH', 'POST']) {
      const r = await ada.request(`/admin/audit/${id}`, { method, headers: { 'x-csrf-token': ada.csrf } })
      expect(r.status).toBe(404)
    }
    expect((await accounts.listAudit({ limit: 1 }))[0]!.id).toBe(id)
  })
})
