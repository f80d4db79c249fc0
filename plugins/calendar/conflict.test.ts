/**
 * Two people editing one event: saving a form loaded before someone else's change applies only the
 * fields its user changed (the other change stays); a field both changed is a 409 with the form
 * back (the user's values kept, the current ones shown, who changed them named). For one-off
 * events and for the "this event", "this and following" and "all events" scopes of a series.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import type { Client } from '../../test/helpers/client.ts'
import calendar from './index.ts'
import { api } from '../../test/helpers/calendar-api.ts'

const decode = (s: string) =>
  s
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

/** The fields a browser without JavaScript submits for the page's event form, in order. */
export function formFields(html: string): [string, string][] {
  const form = /<form[^>]*class="cal-form[\s\S]*?<\/form>/.exec(html)?.[0]
  if (!form) throw new Error('no event form in the page')
  const out: [string, string][] = []
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`\\s${name}(?:="([^"]*)")?(?=[\\s/>])`).exec(tag)
    return m ? decode(m[1] ?? '') : undefined
  }
  for (const m of form.matchAll(/<input\b[^>]*>|<textarea\b[^>]*>([\s\S]*?)<\/textarea>|<select\b[^>]*>([\s\S]*?)<\/select>/g)) {
    const tag = m[0]
    const name = attr(tag, 'name')
    if (!name || attr(tag, 'disabled') !== undefined) continue
    if (tag.startsWith('<textarea')) out.push([name, decode(m[1]!).replace(/^\n/, '')])
    else if (tag.startsWith('<select')) {
      const opts = [...m[2]!.matchAll(/<option\b[^>]*>/g)].map((o) => o[0])
      const chosen = opts.find((o) => attr(o, 'selected') !== undefined) ?? opts[0]
      if (chosen) out.push([name, attr(chosen, 'value') ?? ''])
    } else {
      const type = attr(tag, 'type') ?? 'text'
      if ((type === 'checkbox' || type === 'radio') && attr(tag, 'checked') === undefined) continue
      if (type === 'submit' || type === 'button') continue
      out.push([name, attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : '')])
    }
  }
  return out
}

/** A form's fields with some replaced (`set`): what the user typed before saving. */
function edit(fields: [string, string][], set: Record<string, string | string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of fields) (out[k] ??= []).push(v)
  for (const [k, v] of Object.entries(set)) out[k] = Array.isArray(v) ? v : [v]
  return out
}

eachDialect('calendar: two people editing one event', (dialect) => {
  let p: TestPlatform
  let ana: Client
  let ben: Client
  let anaId: string
  let benId: string
  let calId: string

  async function person(name: string, email: string) {
    const { accounts, orgs } = p.deps.identity
    const user = await accounts.createUser({ email, name, password: 'member password 1' })
    const roles = await orgs.listRoles(p.org!.id)
    await orgs.addMember(p.org!.id, user.id, roles.find((r) => r.builtin === 'member')!.id)
    const c = p.client()
    await c.signIn(email, 'member password 1')
    await c.get('/calendar')
    return { user, client: c }
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, [calendar])
    const ada = await p.adminClient()
    await ada.get('/calendar')
    calId = (await api(ada, 'POST', '/api/v1/calendar/calendars', { name: 'Team', ownerKind: 'org' })).json.id
    const a = await person('Ana Lyst', 'ana@example.com')
    const b = await person('Ben Builder', 'ben@example.com')
    ana = a.client
    ben = b.client
    anaId = a.user.id
    benId = b.user.id
  }, 30_000)
  afterAll(() => p.stop())

  const make = async (extra: Record<string, unknown> = {}) => {
    const r = await api(ana, 'POST', '/api/v1/calendar/events', { calendarId: calId, title: 'Design review', location: 'Room 1', timeZone: 'UTC', start: '2027-03-01T09:00', end: '2027-03-01T10:00', ...extra })
    expect(r.status).toBe(201)
    return r.json.id as string
  }
  const load = async (c: Client, path: string) => {
    const { res, html } = await c.get(path)
    expect(res.status).toBe(200)
    return formFields(html)
  }
  const event = async (id: string) => (await api(ana, 'GET', `/api/v1/calendar/events/${id}`)).json

  test('Ana loads, Ben changes the place, Ana saves only a new title: both changes stay', async () => {
    const id = await make()
    const anaForm = await load(ana, `/calendar/events/${id}/edit`)
    const benForm = await load(ben, `/calendar/events/${id}/edit`)
    expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { location: 'Room 7' }))).status).toBe(303)
    expect((await ana.post(`/calendar/events/${id}`, edit(anaForm, { title: 'Design review v2' }))).status).toBe(303)
    expect(await event(id)).toMatchObject({ title: 'Design review v2', location: 'Room 7', start: '2027-03-01T09:00:00.000Z', end: '2027-03-01T10:00:00.000Z' })
  })

  test('both change the place: 409, the form keeps what Ana typed, shows Ben\'s value and names him; saving again keeps hers', async () => {
    const id = await make()
    const anaForm = await load(ana, `/calendar/events/${id}/edit`)
    const benForm = await load(ben, `/calendar/events/${id}/edit`)
    expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { location: 'Room 7', title: 'Design review (Ben)' }))).status).toBe(303)
    const res = await ana.post(`/calendar/events/${id}`, edit(anaForm, { location: 'Room 9', description: 'Bring sketches' }))
    expect(res.status).toBe(409)
    const html = await res.text()
    expect(html).toContain('Ben Builder changed this event while you were editing it: Location is now different from what you typed')
    expect(html).toContain('Ben Builder changed this to &quot;Room 7&quot; meanwhile; what you typed is kept here')
    const again = formFields(html)
    const value = (k: string) => again.filter(([n]) => n === k).map(([, v]) => v)
    // what Ana typed, Ben's title (she left it alone), and the event as it is now as the originals
    expect(value('location')).toEqual(['Room 9'])
    expect(value('description')).toEqual(['Bring sketches'])
    expect(value('title')).toEqual(['Design review (Ben)'])
    expect(value('orig.location')).toEqual(['Room 7'])
    // nothing saved yet
    expect(await event(id)).toMatchObject({ title: 'Design review (Ben)', location: 'Room 7', description: '' })
    expect((await ana.post(`/calendar/events/${id}`, Object.fromEntries(again.reduce((m, [k, v]) => m.set(k, [...(m.get(k) ?? []), v]), new Map<string, string[]>())))).status).toBe(303)
    expect(await event(id)).toMatchObject({ title: 'Design review (Ben)', location: 'Room 9', description: 'Bring sketches' })
  })

  test('the time is one field: Ben moves the meeting, Ana lengthens it: 409 naming the start and end times', async () => {
    const id = await make()
    const anaForm = await load(ana, `/calendar/events/${id}/edit`)
    const benForm = await load(ben, `/calendar/events/${id}/edit`)
    expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { startTime: '14:00', endTime: '15:00' }))).status).toBe(303)
    const res = await ana.post(`/calendar/events/${id}`, edit(anaForm, { endTime: '10:30' }))
    expect(res.status).toBe(409)
    const html = await res.text()
    expect(html).toContain('Start time and End time are now different')
    expect(html).toContain('to &quot;14:00&quot;')
    expect(await event(id)).toMatchObject({ start: '2027-03-01T14:00:00.000Z', end: '2027-03-01T15:00:00.000Z' })
    // a change to the time only Ana made, after Ben changed the title, applies
    const anaForm2 = await load(ana, `/calendar/events/${id}/edit`)
    const benForm2 = await load(ben, `/calendar/events/${id}/edit`)
    expect((await ben.post(`/calendar/events/${id}`, edit(benForm2, { title: 'Moved review' }))).status).toBe(303)
    expect((await ana.post(`/calendar/events/${id}`, edit(anaForm2, { endTime: '16:00' }))).status).toBe(303)
    expect(await event(id)).toMatchObject({ title: 'Moved review', start: '2027-03-01T14:00:00.000Z', end: '2027-03-01T16:00:00.000Z' })
  })

  test('attendees merge: Ben invites himself, Ana invites herself; both stay invited', async () => {
    const id = await make()
    const anaForm = await load(ana, `/calendar/events/${id}/edit`)
    const benForm = await load(ben, `/calendar/events/${id}/edit`)
    expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { attendeeIds: [benId] }))).status).toBe(303)
    expect((await ana.post(`/calendar/events/${id}`, edit(anaForm, { attendeeIds: [anaId] }))).status).toBe(303)
    expect((await event(id)).attendees.map((a: any) => a.name).sort()).toEqual(['Ana Lyst', 'Ben Builder'])
  })

  test('two saves at the same moment from forms of the same version: both changes land', async () => {
    const id = await make()
    const anaForm = await load(ana, `/calendar/events/${id}/edit`)
    const benForm = await load(ben, `/calendar/events/${id}/edit`)
    const answers = await Promise.all([ana.post(`/calendar/events/${id}`, edit(anaForm, { title: 'Both at once' })), ben.post(`/calendar/events/${id}`, edit(benForm, { location: 'Room 3' }))])
    expect(answers.map((r) => r.status)).toEqual([303, 303])
    expect(await event(id)).toMatchObject({ title: 'Both at once', location: 'Room 3' })
  })

  test('a change that lands between Ana\'s read and her write is not overwritten (the write is a compare-and-set)', async () => {
    const id = await make()
    const anaForm = await load(ana, `/calendar/events/${id}/edit`)
    // another writer on its own connection changes the place and holds its transaction open until
    // Ana's save has read the event (unchanged for her) and waits to write
    const bump = dialect === 'sqlite' ? 'updated_at + 1' : "updated_at + interval '1 millisecond'"
    const other = await holdWrite(`update calendar_events set location = 'Room 5', updated_by = '${benId}', updated_at = ${bump} where id = '${id}'`, 600)
    const saving = ana.post(`/calendar/events/${id}`, edit(anaForm, { title: 'Design review v3' }))
    await other.committed
    expect((await saving).status).toBe(303)
    expect(await event(id)).toMatchObject({ title: 'Design review v3', location: 'Room 5' })
  })

  test('JSON API: a PATCH never undoes a change that lands while it is saved; updatedAt is a precondition (409 when stale)', async () => {
    const id = await make()
    const read = await event(id)
    const bump = dialect === 'sqlite' ? 'updated_at + 1' : "updated_at + interval '1 millisecond'"
    const other = await holdWrite(`update calendar_events set location = 'Room 6', updated_at = ${bump} where id = '${id}'`, 600)
    const patching = api(ana, 'PATCH', `/api/v1/calendar/events/${id}`, { title: 'Patched' })
    await other.committed
    expect((await patching).status).toBe(200)
    expect(await event(id)).toMatchObject({ title: 'Patched', location: 'Room 6' })
    // the copy read before both changes is stale now
    const stale = await api(ana, 'PATCH', `/api/v1/calendar/events/${id}`, { title: 'From a stale copy', updatedAt: read.updatedAt })
    expect(stale.status).toBe(409)
    expect(stale.json.error).toMatchObject({ code: 'conflict', field: 'updatedAt' })
    expect(stale.json.error.message).toContain('read it again')
    const fresh = await api(ana, 'PATCH', `/api/v1/calendar/events/${id}`, { title: 'From a fresh copy', updatedAt: (await event(id)).updatedAt })
    expect(fresh.status).toBe(200)
    expect(fresh.json.title).toBe('From a fresh copy')
    expect((await api(ana, 'PATCH', `/api/v1/calendar/events/${id}`, { title: 'x', updatedAt: 'yesterday' })).status).toBe(422)
  })

  /**
   * Runs `statement` in a transaction on a second connection and commits after `ms`; resolves
   * once the transaction holds its lock. SQLite's writer runs in another
   * process: the server waits for the lock by blocking its thread, which would block this test too.
   */
  async function holdWrite(statement: string, ms: number): Promise<{ committed: Promise<void> }> {
    if (dialect === 'sqlite') {
      const script = `const { Database } = require('bun:sqlite'); const db = new Database(process.argv[1]); db.exec('BEGIN IMMEDIATE'); db.exec(process.argv[2]); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close() }, ${ms})`
      const proc = Bun.spawn([process.execPath, '-e', script, p.test.url.slice('sqlite:'.length), statement], { stdout: 'pipe', stderr: 'inherit' })
      const reader = proc.stdout.getReader()
      const { value } = await reader.read()
      expect(new TextDecoder().decode(value)).toContain('locked')
      reader.releaseLock()
      return { committed: proc.exited.then((code) => void expect(code).toBe(0)) }
    }
    const postgres = (await import('postgres')).default
    const sql = postgres(p.test.url, { max: 1, onnotice: () => {}, connection: { search_path: p.test.pgSchema! } })
    const conn = await sql.reserve()
    await conn.unsafe('begin')
    await conn.unsafe(statement)
    const committed = (async () => {
      await Bun.sleep(ms)
      await conn.unsafe('commit')
      conn.release()
      await sql.end()
    })()
    return { committed }
  }

  describe('a weekly series', () => {
    const OCC = (day: string) => encodeURIComponent(`2027-03-${day}T09:00:00.000Z`)
    /** "MM-DD HH:MM title [location]" of each occurrence in March. */
    const march = async (id: string) => {
      const r = await api(ana, 'GET', '/api/v1/calendar/events?from=2027-03-01&to=2027-03-29')
      const items = r.json.items as any[]
      // the series and the one split off it ("this and following")
      const ids = new Set([id])
      for (const other of new Set(items.map((o) => o.eventId))) if ((await event(other)).seriesId === id) ids.add(other)
      return items.filter((o) => ids.has(o.eventId)).map((o) => `${o.start.slice(5, 16).replace('T', ' ')} ${o.title} [${o.location}]`)
    }
    const series = () => make({ title: 'Sync', rrule: 'FREQ=WEEKLY;COUNT=4' })

    test('"this event": Ana renames the 15th while Ben moves the whole series to Room 7: her occurrence has both', async () => {
      const id = await series()
      const anaForm = await load(ana, `/calendar/events/${id}/edit?occurrence=${OCC('15')}`)
      const benForm = await load(ben, `/calendar/events/${id}/edit?occurrence=${OCC('08')}`)
      expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { scope: 'all', location: 'Room 7' }))).status).toBe(303)
      expect((await ana.post(`/calendar/events/${id}`, edit(anaForm, { scope: 'this', title: 'Sync with guests' }))).status).toBe(303)
      expect(await march(id)).toEqual(['03-01 09:00 Sync [Room 7]', '03-08 09:00 Sync [Room 7]', '03-15 09:00 Sync with guests [Room 7]', '03-22 09:00 Sync [Room 7]'])
    })

    test('"this and following": Ana moves the place from the 15th on while Ben renames the series: the new part has both', async () => {
      const id = await series()
      const anaForm = await load(ana, `/calendar/events/${id}/edit?occurrence=${OCC('15')}`)
      const benForm = await load(ben, `/calendar/events/${id}/edit?occurrence=${OCC('01')}`)
      expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { scope: 'all', title: 'Weekly Sync' }))).status).toBe(303)
      expect((await ana.post(`/calendar/events/${id}`, edit(anaForm, { scope: 'following', location: 'Room 2' }))).status).toBe(303)
      expect(await march(id)).toEqual(['03-01 09:00 Weekly Sync [Room 1]', '03-08 09:00 Weekly Sync [Room 1]', '03-15 09:00 Weekly Sync [Room 2]', '03-22 09:00 Weekly Sync [Room 2]'])
    })

    test('"all events": Ana renames the series while Ben moved one occurrence: his occurrence keeps its time', async () => {
      const id = await series()
      const anaForm = await load(ana, `/calendar/events/${id}/edit?occurrence=${OCC('01')}`)
      const benForm = await load(ben, `/calendar/events/${id}/edit?occurrence=${OCC('08')}`)
      expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { scope: 'this', startTime: '11:00', endTime: '12:00' }))).status).toBe(303)
      expect((await ana.post(`/calendar/events/${id}`, edit(anaForm, { scope: 'all', title: 'Team Sync' }))).status).toBe(303)
      expect(await march(id)).toEqual(['03-01 09:00 Team Sync [Room 1]', '03-08 11:00 Team Sync [Room 1]', '03-15 09:00 Team Sync [Room 1]', '03-22 09:00 Team Sync [Room 1]'])
    })

    test('"all events", both change the title: 409 and nothing saved', async () => {
      const id = await series()
      const anaForm = await load(ana, `/calendar/events/${id}/edit?occurrence=${OCC('01')}`)
      const benForm = await load(ben, `/calendar/events/${id}/edit?occurrence=${OCC('01')}`)
      expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { scope: 'all', title: 'Ben Sync' }))).status).toBe(303)
      const res = await ana.post(`/calendar/events/${id}`, edit(anaForm, { scope: 'all', title: 'Ana Sync' }))
      expect(res.status).toBe(409)
      const html = await res.text()
      expect(html).toContain('Title is now different')
      expect(html).toMatch(/name="scope" value="all" checked/)
      expect(await march(id)).toEqual(['03-01 09:00 Ben Sync [Room 1]', '03-08 09:00 Ben Sync [Room 1]', '03-15 09:00 Ben Sync [Room 1]', '03-22 09:00 Ben Sync [Room 1]'])
    })

    test('the occurrence Ana opened is gone (Ben moved the series an hour): 409, her values kept, no Save', async () => {
      const id = await series()
      const anaForm = await load(ana, `/calendar/events/${id}/edit?occurrence=${OCC('15')}`)
      const benForm = await load(ben, `/calendar/events/${id}/edit?occurrence=${OCC('01')}`)
      expect((await ben.post(`/calendar/events/${id}`, edit(benForm, { scope: 'all', startTime: '10:00', endTime: '11:00' }))).status).toBe(303)
      const res = await ana.post(`/calendar/events/${id}`, edit(anaForm, { scope: 'this', title: 'Sync with guests' }))
      expect(res.status).toBe(409)
      const html = await res.text()
      expect(html).toContain('Ben Builder changed this series while you were editing it, and the occurrence you opened is no longer part of it')
      expect(html).toContain('value="Sync with guests"')
      expect(html).not.toContain('>Save<')
      expect((await march(id))[2]).toBe('03-15 10:00 Sync [Room 1]')
    })
  })
})
