/**
 * No GET changes state. The platform runs with every built-in plugin; data is seeded through the
 * real API and pages (a project with labels, a milestone, a cycle, tasks with a parent and a
 * relation, saved views, calendars of each kind with a share, a one-off and a recurring event with
 * attendees and an RSVP, comments with a mention, a reply, a reaction and a watch, notification
 * preferences, a dashboard layout, calendar layer preferences, feed tokens, an API token, a team, a
 * custom role, an open invitation). Then every GET route the host has registered (routeTable) is
 * called as anonymous, guest, member, org admin, instance admin and the owner of a second, empty
 * organization, with its parameters filled
 * with the real ids of that data and with unknown ones, with and without query strings, as a
 * plain, an htmx and a JSON request. The whole database (every table's row count and a hash of all
 * its rows; on PostgreSQL the sequences too) must be exactly what it was before. A change is
 * attributed to the route and persona that made it (the store is compared after each).
 *
 * Then a plain member of another organization opens every URL above that carries one of the first
 * organization's real ids: with the id in the path, never a 200 but 404 (the ids are simply not
 * found), or 403 where the route is instance-wide or needs a permission a member does not hold;
 * with the id in the query string, nothing of that organization's data in the answer.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { eachDialect } from './helpers/store.ts'
import { ADMIN, startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import { builtinPlugins } from '../plugins/index.ts'
import { routeTable } from '../core/http/server.ts'
import { INSTANCE_ADMIN, SIGNED_IN, rolePermissions } from '../core/auth/permissions.ts'
import type { Role } from '../core/auth/orgs.ts'
import type { Store } from '../core/store/connect.ts'

/**
 * Columns a read may legitimately write, left out of the hash. Keep this list minimal.
 * - core_sessions.last_seen_at: AccountService.sessionFromToken (core/auth/accounts.ts) refreshes
 *   it at most once a minute on any authenticated request, GET included; that is how idle
 *   sessions expire. The walk takes longer than a minute, so it changes. Every other column of
 *   the session (and the set of sessions) is still compared.
 * (core_api_tokens.last_used_at is written the same way on bearer-token use, but the walk signs
 * in with cookies only, so it is not excluded.)
 */
const VOLATILE: Record<string, string[]> = { core_sessions: ['last_seen_at'] }

const UNKNOWN_ID = '00000000-0000-7000-8000-000000000000'

/** Text of the first organization's data (seeded below) that nobody outside it may ever see. */
const ORG_A_TEXT = ['Launch the pricing page', 'Write the copy', 'The public site', 'Kick-off', 'Stand-up', 'Platform on-call', 'Ready for review', 'Looking now', 'Bring slides', 'High ones', 'Go live', 'Sprint 1']

type TableState = { count: number; hash: string; rows: string[] }
type Snapshot = Map<string, TableState>

/** A value as stable text: dates as ISO, bytes as hex, keys sorted. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return `date:${value.toISOString()}`
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`
  if (typeof value === 'bigint') return `bigint:${value}`
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
  return value
}

/** Every table of the store (and, on PostgreSQL, every sequence): row count and a hash of all rows. */
async function snapshot(store: Store): Promise<Snapshot> {
  const out: Snapshot = new Map()
  const tables =
    store.dialect === 'sqlite'
      ? (await store.query<{ name: string }>("select name from sqlite_master where type = 'table' order by name")).map((r) => r.name)
      : (await store.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name")).map((r) => r.table_name)
  for (const table of tables) {
    const skip = VOLATILE[table] ?? []
    const rows = (await store.query<Record<string, unknown>>(`select * from "${table}"`))
      .map((r) => JSON.stringify(canonical(Object.fromEntries(Object.entries(r).filter(([k]) => !skip.includes(k))))))
      .sort()
    out.set(table, { count: rows.length, hash: createHash('sha256').update(rows.join('\n')).digest('hex'), rows })
  }
  if (store.dialect === 'postgres') {
    // An insert rolled back or deleted again still advances its sequence: a write attempt shows here.
    const seqs = await store.query<{ sequence_name: string }>('select sequence_name from information_schema.sequences where sequence_schema = current_schema() order by sequence_name')
    for (const { sequence_name } of seqs) {
      const [row] = await store.query<Record<string, unknown>>(`select last_value, is_called from "${sequence_name}"`)
      const text = JSON.stringify(canonical(row))
      out.set(`sequence ${sequence_name}`, { count: 1, hash: text, rows: [text] })
    }
  }
  return out
}

/** What changed between two snapshots, one line per table; empty when nothing did. */
function diff(before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = []
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(name)
    const b = after.get(name)
    if (!a || !b) {
      lines.push(`${name}: table ${a ? 'dropped' : 'created'}`)
      continue
    }
    if (a.hash === b.hash) continue
    const old = new Set(a.rows)
    const now = new Set(b.rows)
    const added = b.rows.filter((r) => !old.has(r))
    const removed = a.rows.filter((r) => !now.has(r))
    const cut = (r: string) => (r.length > 400 ? `${r.slice(0, 400)}…` : r)
    lines.push(`${name}: ${a.count} -> ${b.count} rows; added ${JSON.stringify(added.slice(0, 2).map(cut))}; removed ${JSON.stringify(removed.slice(0, 2).map(cut))}`)
  }
  return lines
}

type Persona = { name: string; client: Client }

/** Request variants: a plain page load, an htmx request, a JSON client. */
const VARIANTS: Record<string, Record<string, string>> = {
  plain: {},
  htmx: { 'hx-request': 'true', 'hx-target': 'main' },
  json: { accept: 'application/json' },
}

eachDialect('no GET changes state', (dialect) => {
  let p: TestPlatform
  let ada: Client
  const personas: Persona[] = []
  /** Concrete paths (with query strings) per route path; routes with parameters are filled from here. */
  const urls = new Map<string, string[]>()
  /** The ids (and keys) of the first organization's data, as they appear in those URLs. */
  const realIds = new Set<string>()
  /** A plain member of another organization, and their role there. */
  let stranger: { client: Client; role: Role }

  const json = async (c: Client, path: string, method: string, body?: unknown) => {
    const res = await c.request(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : undefined
  }
  const form = async (c: Client, path: string, fields: Record<string, string | string[]>, expected: number[] = [303]) => {
    const res = await c.post(path, fields)
    const text = await res.text()
    if (!expected.includes(res.status)) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`)
    return text
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, builtinPlugins)
    const { orgs } = p.deps.identity
    const org = p.org!
    ada = await p.adminClient()
    const guest = await p.member('guest')
    const member = await p.member('member')
    const orgAdmin = await p.member('admin')
    personas.push({ name: 'anonymous', client: p.client() })
    await personas[0]!.client.get('/login')
    personas.push({ name: 'guest', client: guest.client }, { name: 'member', client: member.client }, { name: 'org admin', client: orgAdmin.client }, { name: 'instance admin', client: ada })
    // The owner of a second, empty organization: Acme's ids are unknown to them, and they have no
    // data of their own yet (no calendar, no layout), as any new organization starts.
    const outsider = await p.deps.identity.accounts.createUser({ email: 'outsider@example.com', name: 'Outsider', password: 'member password 1' })
    const otherOrg = await orgs.createOrg({ name: 'Other Org' }, outsider.id)
    const other = p.client()
    await other.signIn('outsider@example.com', 'member password 1')
    personas.push({ name: 'owner of another org', client: other })
    stranger = { client: (await p.member('member', otherOrg)).client, role: (await orgs.listRoles(otherOrg.id)).find((r) => r.builtin === 'member')! }

    // ---- core: a team, a custom role, an open invitation, an API token
    const team = await orgs.createTeam(org.id, 'Platform')
    await orgs.addTeamMember(org.id, team.id, p.admin!.id)
    await orgs.addTeamMember(org.id, team.id, member.user.id)
    const customRole = await orgs.createRole(org.id, 'Reviewer', ['core.members.read', 'planning.project.read', 'planning.task.read'])
    await ada.get('/orgs/members')
    const memberRole = (await orgs.listRoles(org.id)).find((r) => r.builtin === 'member')!
    const invitation = await form(ada, '/orgs/invitations', { role: memberRole.id, email: '' }, [201])
    const inviteUrl = /id="invite-link" class="secret">([^<]+)</.exec(invitation)![1]!.trim()
    const inviteToken = new URL(inviteUrl).pathname.split('/').pop()!
    const resetToken = (await p.deps.identity.accounts.createPasswordReset(member.user.id, p.admin!.id)).token
    await ada.get('/account/tokens')
    await form(ada, '/account/tokens', { name: 'CI', permissions: 'planning.task.read', expires: '30', current: ADMIN.password }, [200])

    // ---- planning: a project, labels, a milestone, a cycle, tasks, a relation, saved views
    await ada.get('/planning')
    const project = await json(ada, '/api/v1/planning/projects', 'POST', { key: 'WEB', name: 'Website', description: 'The public site' })
    await form(ada, '/planning/projects/WEB/labels', { name: 'bug', color: '#ff0000' })
    await form(ada, '/planning/projects/WEB/milestones', { name: 'Launch', targetDate: '2030-03-01', description: 'Go live' })
    await form(ada, '/planning/projects/WEB/cycles', { name: 'Sprint 1', startsAt: '2030-01-01', endsAt: '2030-01-14' })
    const [milestone] = await p.store.query<{ id: string }>('select id from planning_milestones')
    const [cycle] = await p.store.query<{ id: string }>('select id from planning_cycles')
    const [label] = await p.store.query<{ id: string }>('select id from planning_labels')
    const due = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
    const t1 = await json(ada, '/api/v1/planning/tasks', 'POST', { project: 'WEB', title: 'Launch the pricing page', due, assigneeId: member.user.id, labels: ['bug'], milestoneId: milestone!.id, cycleId: cycle!.id, priority: 'high', estimate: 3 })
    const t2 = await json(ada, '/api/v1/planning/tasks', 'POST', { project: 'WEB', title: 'Write the copy', parent: 'WEB-1' })
    await json(ada, '/api/v1/planning/tasks', 'POST', { project: 'WEB', title: 'Already done', state: 'Done' })
    await json(ada, '/api/v1/planning/tasks/WEB-2', 'PATCH', { state: 'In Progress' })
    await ada.get('/planning/tasks/WEB-1')
    await form(ada, '/planning/tasks/WEB-1/relations', { kind: 'blocks', other: 'WEB-3' })
    await form(ada, '/planning/projects/WEB/views', { name: 'High ones', query: 'priority=high' })
    await member.client.get('/planning/projects/WEB')
    await form(member.client, '/planning/projects/WEB/views', { name: 'Mine', query: 'assignee=me' })
    const [view] = await p.store.query<{ id: string }>('select id from planning_views order by name')

    // ---- calendar: personal, team and org calendars, a share, events with attendees, RSVP, layers, feeds
    const personal = await json(ada, '/api/v1/calendar/calendars', 'POST', { name: 'Ada', ownerKind: 'user' })
    const teamCal = await json(ada, '/api/v1/calendar/calendars', 'POST', { name: 'Platform on-call', ownerKind: 'team', ownerId: team.id })
    const orgCal = await json(ada, '/api/v1/calendar/calendars', 'POST', { name: 'Company', ownerKind: 'org' })
    await json(ada, `/api/v1/calendar/calendars/${personal.id}/shares`, 'POST', { userId: member.user.id, access: 'read' })
    // Far in the future and without reminders: the reminder timer (every minute) has nothing to send.
    const start = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 2, 10, 9))
    const hour = 3_600_000
    const event = await json(ada, '/api/v1/calendar/events', 'POST', { calendarId: orgCal.id, title: 'Kick-off', description: 'Agenda', location: 'Room 1', timeZone: 'UTC', start: start.toISOString(), end: new Date(+start + hour).toISOString(), attendees: [member.user.id, guest.user.id] })
    const weekly = await json(ada, '/api/v1/calendar/events', 'POST', { calendarId: teamCal.id, title: 'Stand-up', timeZone: 'Europe/Berlin', start: new Date(+start + 2 * hour).toISOString(), end: new Date(+start + 3 * hour).toISOString(), rrule: 'FREQ=WEEKLY;COUNT=10', attendees: [member.user.id] })
    await json(member.client, `/api/v1/calendar/events/${event.id}/rsvp`, 'POST', { rsvp: 'accepted' })
    await ada.get('/calendar')
    await form(ada, '/calendar/layers', { all: [`cal:${personal.id}`, `cal:${orgCal.id}`], shown: [`cal:${orgCal.id}`], back: '/calendar' })
    await ada.get('/calendar/calendars')
    const feedPage = await form(ada, '/calendar/feed-token', {}, [200])
    const feedFile = /\/calendar\/feed\/([\w-]+\.ics)/.exec(feedPage)![1]!
    const [occurrence] = (await json(ada, `/api/v1/calendar/events?from=${start.toISOString().slice(0, 10)}&to=${new Date(+start + 30 * 86_400_000).toISOString().slice(0, 10)}`, 'GET')).items.filter((o: { title: string }) => o.title === 'Stand-up')

    // ---- collaboration: comments with a mention, a reply, a reaction, a watch, preferences
    const comment = await json(ada, '/api/v1/collaboration/comments', 'POST', { type: 'planning.task', id: t1.id, body: `Ready for review, @[${member.user.name}](${member.user.id})?` })
    await json(member.client, '/api/v1/collaboration/comments', 'POST', { type: 'planning.task', id: t1.id, body: 'Looking now', parentId: comment.id })
    await json(ada, '/api/v1/collaboration/comments', 'POST', { type: 'calendar.event', id: event.id, body: `Bring slides @[${guest.user.name}](${guest.user.id})` })
    await form(ada, `/collaboration/comments/${comment.id}/react`, { emoji: '🎉' }, [200, 303])
    await form(member.client, '/collaboration/watch', { entity_type: 'calendar.event', entity_id: event.id, watch: '1' }, [200, 303])
    await guest.client.get('/collaboration/preferences')
    await form(guest.client, '/collaboration/preferences', { mentions: '1', comments: '1' })
    const [note] = await p.store.query<{ id: string }>('select id from collaboration_notifications where user_id = ? order by id', [member.user.id])

    // ---- dashboard: a personal layout and an organization default
    const widgets = p.host.contributionsBy('dashboard.widget').map((w) => `${w.pluginId}.${(w.value as { id: string }).id}`)
    await member.client.get('/dashboard')
    await form(member.client, '/dashboard/layout/remove', { key: widgets[0]! })
    await ada.get('/dashboard')
    await form(ada, '/dashboard/layout/org-default', {})

    // ---- the concrete URLs: real ids, unknown ids, query strings
    const plugins = p.host.list().map((x) => x.id)
    const roles = (await orgs.listRoles(org.id)).map((r) => r.id)
    const key = (s: string) => [`/planning/projects/WEB${s}`, `/planning/projects/${project.id}${s}`, `/planning/projects/NOPE${s}`]
    const set = (path: string, list: string[]) => urls.set(path, list)
    set('/api/v1/admin/plugins/:id', [...plugins, 'nope'].map((id) => `/api/v1/admin/plugins/${id}`))
    set('/admin/plugins/:id/row', [...plugins, 'nope'].map((id) => `/admin/plugins/${id}/row`))
    set('/admin/plugins/:id/settings', [...plugins, 'nope'].map((id) => `/admin/plugins/${id}/settings`))
    set('/orgs/roles/:id', [...roles, customRole.id, UNKNOWN_ID].map((id) => `/orgs/roles/${id}`))
    set('/admin/orgs/:id', [org.id, otherOrg.id, UNKNOWN_ID].map((id) => `/admin/orgs/${id}`))
    set('/invite/:token', [`/invite/${inviteToken}`, `/invite/${'x'.repeat(43)}`])
    set('/reset/:token', [`/reset/${resetToken}`, `/reset/${'x'.repeat(43)}`])
    set('/login', ['/login', '/login?next=/planning'])
    set('/search', ['/search', '/search?q=Launch', '/search?q=Kick-off', '/search?q=%3Cnothing%3E'])
    set('/orgs/audit', ['/orgs/audit', '/orgs/audit?action=planning', '/orgs/audit?before=2'])
    set('/admin/audit', ['/admin/audit', '/admin/audit?action=auth', '/admin/audit?before=2', '/admin/audit?actor=ada&from=2020-01-01&to=2099-12-31', '/admin/audit?from=nope'])
    set('/admin/audit.csv', ['/admin/audit.csv', '/admin/audit.csv?action=auth&actor=ada&from=2020-01-01', '/admin/audit.csv?to=nope'])
    set('/admin/users/:id/access', [p.admin!.id, member.user.id, outsider.id, UNKNOWN_ID].map((id) => `/admin/users/${id}/access`))
    const threads = [`planning.task/${t1.id}`, `planning.task/${t2.id}`, `calendar.event/${event.id}`, `planning.task/${UNKNOWN_ID}`, `nothing/${UNKNOWN_ID}`]
    set('/collaboration/threads/:type/:id', threads.map((x) => `/collaboration/threads/${x}`))
    set('/collaboration/mentions', ['/collaboration/mentions', '/collaboration/mentions?q=mem'])
    set('/collaboration/inbox', ['/collaboration/inbox', '/collaboration/inbox?filter=unread', `/collaboration/inbox?before=${note?.id ?? UNKNOWN_ID}`])
    set('/collaboration/activity', ['/collaboration/activity', `/collaboration/activity?before=${encodeURIComponent(new Date().toISOString())}`])
    set('/api/v1/collaboration/comments', [
      `/api/v1/collaboration/comments?type=planning.task&id=${t1.id}`,
      `/api/v1/collaboration/comments?type=calendar.event&id=${event.id}&limit=1`,
      `/api/v1/collaboration/comments?type=planning.task&id=${UNKNOWN_ID}`,
      '/api/v1/collaboration/comments',
    ])
    set('/api/v1/collaboration/notifications', ['/api/v1/collaboration/notifications', '/api/v1/collaboration/notifications?unread=true&limit=1'])
    set('/planning/projects/:key', [
      ...key(''),
      '/planning/projects/WEB?q=Launch&sort=due&dir=asc',
      '/planning/projects/WEB?assignee=me&open=1',
      `/planning/projects/WEB?label=${label!.id}&milestone=${milestone!.id}&cycle=${cycle!.id}&priority=high,none`,
      `/planning/projects/WEB?view=${view!.id}`,
      '/planning/projects/WEB?group=started&dueAfter=2000-01-01&dueBefore=2100-01-01',
    ])
    set('/planning/projects/:key/board', key('/board'))
    set('/planning/projects/:key/tasks/new', [...key('/tasks/new'), '/planning/projects/WEB/tasks/new?parent=WEB-1&state=Done'])
    set('/planning/projects/:key/export.csv', [...key('/export.csv'), '/planning/projects/WEB/export.csv?priority=high'])
    set('/planning/projects/:key/import', key('/import'))
    set('/planning/projects/:key/settings', key('/settings'))
    set('/planning/projects/:key/milestones', key('/milestones'))
    set('/planning/projects/:key/cycles', [...key('/cycles'), `/planning/projects/WEB/cycles?cycle=${cycle!.id}`, `/planning/projects/WEB/cycles?cycle=${UNKNOWN_ID}`])
    const refs = ['WEB-1', 'WEB-2', t2.id, 'WEB-999', UNKNOWN_ID]
    set('/planning/tasks/:ref', refs.map((r) => `/planning/tasks/${r}`))
    set('/api/v1/planning/projects/:key', ['WEB', project.id, 'NOPE'].map((k) => `/api/v1/planning/projects/${k}`))
    for (const part of ['states', 'labels', 'milestones', 'cycles']) set(`/api/v1/planning/projects/:key/${part}`, ['WEB', project.id, 'NOPE'].map((k) => `/api/v1/planning/projects/${k}/${part}`))
    set('/api/v1/planning/tasks', ['/api/v1/planning/tasks', '/api/v1/planning/tasks?project=WEB&limit=1', '/api/v1/planning/tasks?project=NOPE', '/api/v1/planning/tasks?assignee=me'])
    set('/api/v1/planning/tasks/:ref', refs.map((r) => `/api/v1/planning/tasks/${r}`))
    const day = start.toISOString().slice(0, 10)
    set('/calendar', ['/calendar', `/calendar?view=week&date=${day}`, `/calendar?view=day&date=${day}&tz=Europe/Berlin`, `/calendar?view=agenda&date=${day}`, `/calendar?view=month&date=${due}`, '/calendar?date=nonsense&tz=Nowhere/Else'])
    set('/calendar/new', ['/calendar/new', `/calendar/new?date=${day}&time=10:00&calendarId=${orgCal.id}`, '/calendar/new?view=month'])
    const eventIds = [event.id, weekly.id, UNKNOWN_ID]
    set('/calendar/events/:id', [...eventIds.map((id) => `/calendar/events/${id}`), `/calendar/events/${weekly.id}?occurrence=${encodeURIComponent(occurrence?.originalStart ?? occurrence?.start ?? start.toISOString())}`, `/calendar/events/${weekly.id}?occurrence=nonsense`])
    set('/calendar/events/:id/edit', [...eventIds.map((id) => `/calendar/events/${id}/edit`), `/calendar/events/${weekly.id}/edit?occurrence=${encodeURIComponent(occurrence?.originalStart ?? occurrence?.start ?? start.toISOString())}`])
    set('/calendar/calendars/:id/edit', [personal.id, teamCal.id, orgCal.id, UNKNOWN_ID].map((id) => `/calendar/calendars/${id}/edit`))
    set('/calendar/feed/:file', [`/calendar/feed/${feedFile}`, `/calendar/feed/${feedFile.replace(/\.ics$/, '')}`, '/calendar/feed/nope.ics'])
    set('/api/v1/calendar/calendars', ['/api/v1/calendar/calendars'])
    set('/api/v1/calendar/events', [
      `/api/v1/calendar/events?from=${day}&to=${new Date(+start + 60 * 86_400_000).toISOString().slice(0, 10)}`,
      `/api/v1/calendar/events?from=${day}&to=${day}&calendarId=${orgCal.id}&limit=1`,
      '/api/v1/calendar/events',
    ])
    set('/api/v1/calendar/events/:id', eventIds.map((id) => `/api/v1/calendar/events/${id}`))
    set('/dashboard', ['/dashboard', '/dashboard?customize=1', '/dashboard?inline=1'])
    set('/dashboard/widgets/:key', [...widgets, 'nope.nothing'].map((k) => `/dashboard/widgets/${k}`))
    const ids = [org.id, project.id, 'WEB', 'WEB-1', 'WEB-2', t1.id, t2.id, label!.id, milestone!.id, cycle!.id, view!.id, customRole.id, ...roles]
    ids.push(personal.id, teamCal.id, orgCal.id, event.id, weekly.id, comment.id, team.id)
    for (const id of ids) realIds.add(id)
  }, 120_000)
  afterAll(() => p.stop())

  test("a plain member of another organization never gets 200 on this organization's real ids: 404, or 403 where the route is instance-wide or the permission is not theirs; ids in a query string show none of its data", async () => {
    const catalog = p.deps.identity.resolver.catalog()
    const held = rolePermissions(catalog, stranger.role)
    // Capability links (invitations, feeds) are public: whoever holds the link may open it.
    const routes = routeTable(p.deps).filter((r) => r.method === 'GET' && r.permission !== false)
    /** Whether a part of a URL names one of the organization's ids (or project key / task refs). */
    const namesRealId = (part: string) => part.split(/[/&=]/).some((piece) => realIds.has(decodeURIComponent(piece)))
    const failures: string[] = []
    let inPath = 0
    let inQuery = 0
    for (const route of routes) {
      const expected = route.permission === INSTANCE_ADMIN || (route.permission !== SIGNED_IN && !held.has(route.permission as string)) ? 403 : 404
      for (const url of urls.get(route.path) ?? []) {
        const [path, query = ''] = url.split('?') as [string, string?]
        const byPath = namesRealId(path)
        if (!byPath && !namesRealId(query)) continue
        for (const [variant, headers] of Object.entries(VARIANTS)) {
          const res = await stranger.client.request(url, { headers, signal: AbortSignal.timeout(15_000) })
          const body = res.headers.get('content-type')?.includes('text/event-stream') ? (await res.body?.cancel(), '') : await res.text()
          if (byPath) inPath++
          else inQuery++
          if (byPath && res.status !== expected) failures.push(`GET ${url} (${variant}): ${res.status}, expected ${expected}`)
          const leaked = ORG_A_TEXT.filter((text) => body.includes(text))
          if (leaked.length) failures.push(`GET ${url} (${variant}): ${res.status} shows ${JSON.stringify(leaked)}`)
        }
      }
    }
    expect(failures).toEqual([])
    expect(inPath).toBeGreaterThan(100)
    // the texts are what those pages show to the organization's own people (so the check can fail)
    const own = await ada.get(urls.get('/planning/tasks/:ref')![0]!)
    expect(own.html).toContain('Launch the pricing page')
    expect((await ada.get(urls.get('/calendar/events/:id')![0]!)).html).toContain('Kick-off')
    expect(inQuery).toBeGreaterThan(10)
  }, 300_000)

  test('every GET route, as every persona, with real and unknown ids, leaves the database as it was', async () => {
    const routes = routeTable(p.deps).filter((r) => r.method === 'GET')
    expect(routes.length).toBeGreaterThan(50)
    // Routes with parameters and no ids above would only be walked with placeholders: list them.
    const unfilled = routes.filter((r) => r.path.includes(':') && !urls.has(r.path)).map((r) => r.path)
    expect(unfilled).toEqual([])

    // Bus handlers run detached from the requests that seeded: wait for the store to settle.
    let baseline = await snapshot(p.store)
    for (let i = 0; i < 50; i++) {
      await Bun.sleep(100)
      const again = await snapshot(p.store)
      const settled = diff(baseline, again).length === 0
      baseline = again
      if (settled) break
    }
    const start = baseline
    expect(start.get('planning_tasks')!.count).toBe(3)
    expect(start.get('calendar_events')!.count).toBe(2)
    expect(start.get('collaboration_comments')!.count).toBe(3)
    expect(start.get('collaboration_notifications')!.count).toBeGreaterThan(0)

    const failures: string[] = []
    let requests = 0
    const statuses = new Map<string, Set<number>>()
    for (const route of routes) {
      const paths = urls.get(route.path) ?? [route.path]
      for (const persona of personas) {
        for (const path of paths) {
          for (const [variant, headers] of Object.entries(VARIANTS)) {
            const res = await persona.client.request(path, { headers, signal: AbortSignal.timeout(15_000) })
            requests++
            if (res.headers.get('content-type')?.includes('text/event-stream')) await res.body?.cancel()
            else await res.arrayBuffer()
            if (res.status >= 500) failures.push(`GET ${path} (${variant}) as ${persona.name}: ${res.status}`)
            const seen = statuses.get(route.path) ?? new Set()
            statuses.set(route.path, seen.add(res.status))
          }
        }
        // The live stream (hx-sse asks with Accept: text/event-stream): open it, read the first event, let go.
        if (route.path === '/collaboration/events') {
          const ctl = new AbortController()
          const res = await persona.client.request(route.path, { headers: { accept: 'text/event-stream' }, signal: ctl.signal })
          requests++
          if (res.headers.get('content-type')?.includes('text/event-stream')) {
            const reader = res.body!.getReader()
            await Promise.race([reader.read(), Bun.sleep(1_000)])
          } else await res.arrayBuffer()
          ctl.abort()
        }
        const after = await snapshot(p.store)
        const changed = diff(baseline, after)
        if (changed.length) failures.push(`GET ${route.path} as ${persona.name} changed the database:\n    ${changed.join('\n    ')}`)
        baseline = after
      }
    }
    // Detached work a GET may have started (bus handlers, streams closing) has time to land.
    await Bun.sleep(500)
    const end = await snapshot(p.store)
    const late = diff(baseline, end)
    if (late.length) failures.push(`after the walk, late writes:\n    ${late.join('\n    ')}`)
    expect(failures).toEqual([])
    expect(diff(start, end)).toEqual([])
    // The walk reached real data, not only error pages.
    expect(requests).toBeGreaterThan(1_000)
    for (const path of ['/planning/tasks/:ref', '/calendar/events/:id', '/collaboration/threads/:type/:id', '/calendar/feed/:file', '/invite/:token', '/reset/:token', '/dashboard/widgets/:key']) {
      expect({ path, ok: statuses.get(path)?.has(200) }).toEqual({ path, ok: true })
    }
  }, 600_000)
})
