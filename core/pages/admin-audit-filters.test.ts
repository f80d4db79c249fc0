/**
 * The instance audit log's filters (action prefix, actor email, a range of days in the viewer's time
 * zone: the browser's, from the cal_tz cookie, else UTC) kept in the query string and through paging, the filtered log as CSV (/admin/audit.csv: the same filters,
 * every matching entry, cells defused against formula injection), bad filters as a 400 with a
 * message (never a 500), and 403 for non-admins. Real HTTP, both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'

/** A strict reading of RFC 4180 text (quoted fields, doubled quotes, CRLF records): the records' fields. */
function parseCsvRecords(text: string): { fields: string[]; error?: string }[] {
  const records: { fields: string[]; error?: string }[] = []
  let fields: string[] = []
  let i = 0
  while (i < text.length) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        if (i >= text.length) return [...records, { fields, error: 'unclosed quote' }]
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2)
        else if (text[i] === '"') {
          i++
          break
        } else field += text[i++]
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') return [...records, { fields, error: 'quote or bare line break in an unquoted field' }]
        field += text[i++]
      }
    }
    fields.push(field)
    if (text[i] === ',') i++
    else if (text.startsWith('\r\n', i)) {
      records.push({ fields })
      fields = []
      i += 2
    } else return [...records, { fields, error: `unexpected ${JSON.stringify(text[i])} after a field` }]
  }
  return records
}

/** The actions shown on an audit page, in order. */
function actionsOn(html: string): string[] {
  return [...html.matchAll(/<td data-label="Action"><code>([^<]*)<\/code><\/td>/g)].map((m) => m[1]!)
}

/** The targets shown on an audit page, in order. */
function targetsOn(html: string): string[] {
  return [...html.matchAll(/<td data-label="Target">([^<]*)<\/td>/g)].map((m) => m[1]!)
}

eachDialect('admin audit log: filters and CSV', (dialect) => {
  let p: TestPlatform
  let ada: Client

  beforeAll(async () => {
    p = await startPlatform(dialect, [])
    ada = await p.adminClient()
    const { accounts } = p.deps.identity
    const day = (d: string) => new Date(`${d}T12:00:00Z`)
    // entries on known days, straight into the log (audit() stamps the current time)
    const rows = [
      { at: day('2026-03-01'), actorEmail: 'ana@example.com', action: 'filter.created', target: 'march first' },
      { at: new Date('2026-03-02T23:59:59Z'), actorEmail: 'Bo@Example.com', action: 'filter.deleted', target: 'march second, late' },
      { at: day('2026-03-03'), actorEmail: 'ana@example.com', action: 'filter.deleted', target: 'march third' },
      { at: day('2026-03-05'), actorEmail: 'cy@other.test', action: 'other.thing', target: 'march fifth' },
      { at: day('2026-03-05'), actorEmail: 'mallory@example.com', action: 'filter.injected', target: '=HYPERLINK("http://evil.example","click")' },
      { at: day('2026-03-05'), actorEmail: '+mallory@example.com', action: 'filter.injected', target: '-2+3' },
      { at: day('2026-03-05'), actorEmail: 'mallory@example.com', action: 'filter.injected', target: '@SUM(A1:A2)' },
    ]
    await accounts.store.db.insert(accounts.t.audit).values(rows.map((r) => ({ ...r, actorId: null, orgId: null, ip: '10.0.0.9', details: { note: 'a, "quoted" value' } })))
  })
  afterAll(() => p.stop())

  test('action prefix, actor email (contains, any case) and days (both ends included; UTC without a zone cookie) filter, alone and together; the values stay in the form', async () => {
    const byAction = await ada.get('/admin/audit?action=filter.deleted')
    expect(byAction.res.status).toBe(200)
    expect(actionsOn(byAction.html)).toEqual(['filter.deleted', 'filter.deleted'])
    expect(byAction.html).toContain('value="filter.deleted"')

    const byActor = await ada.get('/admin/audit?actor=BO%40example')
    expect(targetsOn(byActor.html)).toEqual(['march second, late'])
    expect(byActor.html).toContain('value="BO@example"')

    const byDays = await ada.get('/admin/audit?from=2026-03-02&to=2026-03-03')
    expect(targetsOn(byDays.html)).toEqual(['march third', 'march second, late'])
    expect(byDays.html).toContain('value="2026-03-02"')
    expect(byDays.html).toContain('value="2026-03-03"')
    expect(targetsOn((await ada.get('/admin/audit?to=2026-03-01')).html)).toEqual(['march first'])
    expect(targetsOn((await ada.get('/admin/audit?from=2026-03-05&action=other.')).html)).toEqual(['march fifth'])

    const all = await ada.get('/admin/audit?action=filter.&actor=ana%40&from=2026-03-01&to=2026-03-31')
    expect(targetsOn(all.html)).toEqual(['march third', 'march first'])
    // the CSV link carries the same filters
    expect(all.html).toContain('href="/admin/audit.csv?action=filter.&actor=ana%40&from=2026-03-01&to=2026-03-31"')
    expect((await ada.get('/admin/audit?actor=nobody%40nowhere')).html).toContain('No entries match')
    // a LIKE wildcard is taken literally
    expect((await ada.get('/admin/audit?actor=%25')).html).toContain('No entries match')
  })

  test('the action field suggests the actions the log holds and their prefixes', async () => {
    const { html } = await ada.get('/admin/audit')
    expect(html).toContain('list="audit-actions"')
    expect(html).toContain('<option value="filter."></option>')
    expect(html).toContain('<option value="filter.deleted"></option>')
    expect(html).toContain('<option value="other.thing"></option>')
    // an action audited after the list was read is offered too
    await p.deps.identity.accounts.audit({ userId: null, email: 'x@example.com', ip: '' }, 'fresh.action', 'now')
    expect((await ada.get('/admin/audit')).html).toContain('<option value="fresh.action"></option>')
  })

  test("days are the viewer's: midnight to midnight in the browser's zone (cal_tz cookie), else UTC, and the page says which", async () => {
    // the shell's script keeps the browser's zone in this cookie
    const inZone = (zone?: string) => (zone ? ada.cookies.set('cal_tz', encodeURIComponent(zone)) : ada.cookies.delete('cal_tz'))
    const days = async (query: string, zone?: string) => {
      inZone(zone)
      const { html } = await ada.get(`/admin/audit?action=filter.&${query}`)
      inZone()
      return { targets: targetsOn(html), html }
    }
    // 2026-03-02T23:59:59Z is 00:59 on 3 March in Berlin (UTC+1) and 15:59 on 2 March in Los Angeles (UTC-8)
    const utc = await days('from=2026-03-03&to=2026-03-03')
    expect(utc.targets).toEqual(['march third'])
    expect(utc.html).toContain('Days are counted in UTC, like the times below.')
    const berlin = await days('from=2026-03-03&to=2026-03-03', 'Europe/Berlin')
    expect(berlin.targets).toEqual(['march third', 'march second, late'])
    expect(berlin.html).toContain('Days are counted in your time zone, Europe/Berlin, like the times below.')
    expect((await days('from=2026-03-02&to=2026-03-02', 'Europe/Berlin')).targets).toEqual([])
    expect((await days('from=2026-03-02&to=2026-03-02', 'America/Los_Angeles')).targets).toEqual(['march second, late'])
    // 12:00Z on 1 March is 04:00 there: inside the day; the end of 28 February there is 08:00Z on 1 March
    expect((await days('to=2026-02-28', 'America/Los_Angeles')).targets).toEqual([])
    expect((await days('from=2026-03-01&to=2026-03-01', 'America/Los_Angeles')).targets).toEqual(['march first'])
    // an unknown zone is UTC; the calendar's ends stay in range whatever the zone's offset
    expect((await days('from=2026-03-03&to=2026-03-03', 'Mars/Olympus')).html).toContain('Days are counted in UTC')
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      expect((await days('from=0001-01-01&to=9999-12-31', zone)).targets).toContain('march first')
    }
    // the CSV counts days in the same zone
    inZone('Europe/Berlin')
    const csv = await ada.request('/admin/audit.csv?action=filter.&from=2026-03-03&to=2026-03-03')
    inZone()
    expect(parseCsvRecords(await csv.text()).slice(1).map((r) => r.fields[4])).toEqual(['march third', 'march second, late'])
  })

  test('paging keeps the filters', async () => {
    const { accounts } = p.deps.identity
    for (let i = 0; i < 55; i++) await accounts.audit({ userId: null, email: 'pager@example.com', ip: '' }, 'paging.step', `step ${i}`)
    for (let i = 0; i < 5; i++) await accounts.audit({ userId: null, email: 'someone@example.com', ip: '' }, 'paging.step', `other ${i}`)
    const first = await ada.get('/admin/audit?action=paging.&actor=pager%40')
    expect(targetsOn(first.html)).toHaveLength(50)
    const next = /href="(\/admin\/audit\?action=paging\.&actor=pager%40&before=\d+)" rel="next"/.exec(first.html)
    expect(next).not.toBeNull()
    const second = await ada.get(next![1]!)
    expect(targetsOn(second.html)).toEqual(['step 4', 'step 3', 'step 2', 'step 1', 'step 0'])
    expect(second.html).toContain('value="pager@"')
    expect(second.html).not.toContain('rel="next"')
  })

  test('a malformed or impossible date, or a range that ends before it starts: 400 with the message by the field and the values kept; never a 500', async () => {
    for (const [query, field, text] of [
      ['from=yesterday', 'from', 'Enter a date as YYYY-MM-DD, like 2026-03-01: &quot;yesterday&quot; is not one.'],
      ['to=2026-02-30', 'to', 'Enter a date as YYYY-MM-DD, like 2026-03-31: &quot;2026-02-30&quot; is not one.'],
      ['from=2026-13-01', 'from', 'Enter a date as YYYY-MM-DD'],
      ['from=2026-03-05&to=2026-03-01', 'to', 'The end date is before the start date: swap them.'],
    ] as const) {
      const { res, html } = await ada.get(`/admin/audit?${query}`)
      expect(res.status).toBe(400)
      expect(html).toContain('Check the filters')
      expect(html).toContain(`id="audit-${field}-error"`)
      expect(html).toContain(text)
      expect(actionsOn(html)).toEqual([])
      expect(html).not.toContain('/admin/audit.csv')
    }
    // the ends of the calendar both stores take
    expect(actionsOn((await ada.get('/admin/audit?action=filter.created&from=0001-01-01&to=9999-12-31')).html)).toEqual(['filter.created'])
    expect((await ada.request('/admin/audit.csv?from=0001-01-01&to=9999-12-31')).status).toBe(200)
    expect((await ada.get('/admin/audit?from=0000-01-01')).res.status).toBe(400)
    const odd = await ada.get('/admin/audit?from=%3Cscript%3Ex')
    expect(odd.html).toContain('&quot;&lt;script&gt;x&quot; is not one.')
    expect(odd.html).not.toMatch(/>[^<"]*<script>x/) // never as markup (inside a quoted attribute it is text)
    expect((await ada.get(`/admin/audit?actor=${'a'.repeat(5000)}&action=${'b'.repeat(5000)}`)).res.status).toBe(200)
  })

  test('CSV: the filtered entries, newest first, a header row, RFC 4180 quoting, formula cells defused', async () => {
    const res = await ada.request('/admin/audit.csv?action=filter.injected')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/)
    const text = await res.text()
    expect(text).toContain('\r\n')
    const records = parseCsvRecords(text)
    expect(records.every((r) => !r.error)).toBe(true)
    const [header, ...rows] = records.map((r) => r.fields)
    expect(header).toEqual(['id', 'at', 'actor', 'action', 'target', 'ip', 'organization', 'details'])
    expect(rows.map((r) => r[4])).toEqual(["'@SUM(A1:A2)", "'-2+3", `'=HYPERLINK("http://evil.example","click")`])
    expect(rows[1]![2]).toBe("'+mallory@example.com")
    expect(rows[0]![1]).toBe('2026-03-05T12:00:00.000Z')
    expect(rows[0]![5]).toBe('10.0.0.9')
    expect(JSON.parse(rows[0]![7]!)).toEqual({ note: 'a, "quoted" value' })
    // no cell starts with a formula character
    expect(rows.flat().some((cell) => /^[=+\-@]/.test(cell))).toBe(false)

    const days = parseCsvRecords(await (await ada.request('/admin/audit.csv?from=2026-03-02&to=2026-03-03&actor=ANA')).text())
    expect(days.slice(1).map((r) => r.fields[4])).toEqual(['march third'])
  })

  test('CSV: every matching entry, past the batches it is read in', async () => {
    const { accounts } = p.deps.identity
    const rows = Array.from({ length: 450 }, (_, i) => ({ at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)), actorId: null, actorEmail: 'bulk@example.com', orgId: null, action: 'bulk.row', target: `row ${i}`, ip: '', details: null }))
    await accounts.store.db.insert(accounts.t.audit).values(rows)
    const records = parseCsvRecords(await (await ada.request('/admin/audit.csv?action=bulk.')).text())
    expect(records).toHaveLength(451)
    expect(records[1]!.fields[4]).toBe('row 449')
    expect(records[450]!.fields[4]).toBe('row 0')
    expect(new Set(records.slice(1).map((r) => r.fields[0])).size).toBe(450)
  })

  test('CSV with a bad filter is a 400 that says what to fix', async () => {
    for (const query of ['from=2026-3-1', 'to=soon', 'from=2026-03-05&to=2026-03-01']) {
      const res = await ada.request(`/admin/audit.csv?${query}`)
      expect(res.status).toBe(400)
      const body = await res.text()
      expect(body).toMatch(/(From|To): (Enter a date as YYYY-MM-DD, like 2026-03-\d\d: &quot;[^&]+&quot; is not one|The end date is before the start date: swap them)\./)
      expect(res.headers.get('content-type')).not.toContain('text/csv')
    }
  })

  test('non-admins get 403 for the page and the CSV; anonymous is sent to sign in', async () => {
    for (const role of ['admin', 'member'] as const) {
      const { client } = await p.member(role)
      expect((await client.get('/admin/audit?action=filter.')).res.status).toBe(403)
      const csv = await client.request('/admin/audit.csv')
      expect(csv.status).toBe(403)
      expect(await csv.text()).not.toContain('filter.created')
    }
    const anon = await p.client().request('/admin/audit.csv')
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toStartWith('/login')
  })
})
