/**
 * Activity feeds show each viewer only what they may see: the org feed, the dashboard's "Recent
 * activity" widget (through the 'collaboration.activity' service) and per-entity feeds go through the
 * entity.link of each row's type, like notifications do.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { definePlugin } from '../core/plugins/contract.ts'
import type { User } from '../core/auth/accounts.ts'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import type { Client } from './helpers/client.ts'
import { activityHelpers } from './helpers/activity.ts'
import dashboard from '../plugins/dashboard/index.ts'
import planning from '../plugins/planning/index.ts'
import collaboration from '../plugins/collaboration/index.ts'

/** Docs: members and up may read them. Notes: private, only their owner sees one. */
const docs = new Map<string, { orgId: string; title: string }>()
const notes = new Map<string, { orgId: string; ownerId: string; title: string }>()
const lookups = { n: 0 }

const fixture = definePlugin({
  id: 'fixture-things',
  name: 'Fixture things',
  version: '1.0.0',
  api: 1,
  permissions: {
    'fixture-things.doc.read': { description: 'Read docs', grant: 'member' },
    'fixture-things.note.read': { description: 'Read notes (each only by its owner)', grant: 'guest' },
  },
  setup(ctx) {
    ctx.contribute('entity.link', {
      type: 'fixture-things.doc',
      label: 'Doc',
      permission: 'fixture-things.doc.read',
      async resolve(id, auth) {
        lookups.n++
        const d = docs.get(id)
        return d && d.orgId === auth.org?.id ? { title: d.title, href: `/fixture-things/docs/${id}` } : undefined
      },
    })
    ctx.contribute('entity.link', {
      type: 'fixture-things.note',
      label: 'Note',
      permission: 'fixture-things.note.read',
      async resolve(id, auth) {
        lookups.n++
        const n = notes.get(id)
        return n && n.orgId === auth.org?.id && n.ownerId === auth.user.id ? { title: n.title, href: `/fixture-things/notes/${id}` } : undefined
      },
    })
  },
})

const WIDGET = '/dashboard/widgets/dashboard.recent-activity'

eachDialect('collaboration activity visibility', (dialect) => {
  let p: TestPlatform
  let admin: Client
  let n = 0
  /** The admin's JSON calls; signed-in users holding only `permissions` (a custom role); waiting for activity rows. */
  const { json, withRole, rowsLanded } = activityHelpers(() => ({ p, admin }), `custom-${dialect}`, () => ++n)

  /** Emits an event carrying an activity fact about an entity (or none). */
  const emit = (orgId: string, actor: User, text: string, entity?: { type: string; id: string; title: string }) =>
    p.host.bus.emit('fixture-things.thing.changed', { activity: { orgId, actor: { id: actor.id, name: actor.name }, entity: entity && { ...entity, href: `/x/${entity.id}` }, text } })

  const doc = (orgId: string, title: string) => {
    const id = `doc-${dialect}-${++n}`
    docs.set(id, { orgId, title })
    return { type: 'fixture-things.doc', id, title }
  }
  const note = (orgId: string, owner: User, title: string) => {
    const id = `note-${dialect}-${++n}`
    notes.set(id, { orgId, ownerId: owner.id, title })
    return { type: 'fixture-things.note', id, title }
  }

  beforeAll(async () => {
    p = await startPlatform(dialect, [collaboration, planning, dashboard, fixture])
    admin = await p.adminClient()
    await admin.get('/dashboard')
  }, 30_000)
  afterAll(() => p.stop())

  test('task activity and comments on tasks are hidden from a role without planning.task.read', async () => {
    expect((await json('/api/v1/planning/projects', 'POST', { key: 'SEC', name: 'Secret project' })).status).toBe(201)
    const created = await json('/api/v1/planning/tasks', 'POST', { project: 'SEC', title: 'Acquire Globex quietly' })
    expect(created.status).toBe(201)
    const task = (await created.json()) as { id: string }
    expect((await json('/api/v1/collaboration/comments', 'POST', { type: 'planning.task', id: task.id, body: 'Board meets Friday' })).status).toBe(201)
    const gone = await json('/api/v1/planning/tasks', 'POST', { project: 'SEC', title: 'Layoff plan draft' })
    const goneTask = (await gone.json()) as { key: string }
    expect((await json(`/api/v1/planning/tasks/${goneTask.key}`, 'DELETE')).status).toBeLessThan(300)
    await rowsLanded(p.org!.id, 4)

    const nosy = await withRole(p.org!, ['collaboration.comment.read', 'dashboard.widget.read'])
    const nosyFeed = (await nosy.client.get('/collaboration/activity')).html
    expect(nosyFeed).not.toContain('Acquire Globex')
    expect(nosyFeed).not.toContain('commented on')
    expect(nosyFeed).not.toContain('Layoff plan') // a deleted task's row needs the type's permission too
    expect(nosyFeed).toContain('No activity yet')
    const nosyWidget = await (await nosy.client.request(WIDGET)).text()
    expect(nosyWidget).not.toContain('Acquire Globex')
    expect(nosyWidget).toContain('No activity yet')

    // people holding planning.task.read (guests by default) see all of it
    const { client: guest } = await p.member('guest')
    const guestFeed = (await guest.get('/collaboration/activity')).html
    expect(guestFeed).toContain('Acquire Globex quietly')
    expect(guestFeed).toContain('commented on')
    expect(guestFeed).toContain('deleted <span class="task-key">SEC-2</span> Layoff plan draft') // keys never break (.task-key)
    expect(await (await guest.request(WIDGET)).text()).toContain('Acquire Globex quietly')
  }, 30_000)

  test("another member does not see a private entity's activity; its owner does; guests miss member-only types", async () => {
    const org = await p.deps.identity.orgs.createOrg({ name: `Private ${dialect}` }, p.admin!.id)
    const ana = await p.member('member', org)
    const bob = await p.member('member', org)
    const guest = await p.member('guest', org)
    emit(org.id, ana.user, 'booked Dentist appointment', note(org.id, ana.user, 'Dentist appointment'))
    emit(org.id, ana.user, 'wrote the Roadmap doc', doc(org.id, 'Roadmap'))
    emit(org.id, ana.user, 'did something with a thing nobody links', { type: 'nobody.thing', id: 'x1', title: 'Orphan' })
    await rowsLanded(org.id, 3)

    const anaFeed = (await ana.client.get('/collaboration/activity')).html
    expect(anaFeed).toContain('booked Dentist appointment')
    expect(anaFeed).toContain('wrote the Roadmap doc')
    expect(anaFeed).not.toContain('nobody links') // no enabled entity.link for its type

    const bobFeed = (await bob.client.get('/collaboration/activity')).html
    expect(bobFeed).not.toContain('Dentist')
    expect(bobFeed).toContain('wrote the Roadmap doc')
    const bobWidget = await (await bob.client.request(WIDGET)).text()
    expect(bobWidget).not.toContain('Dentist')
    expect(bobWidget).toContain('wrote the Roadmap doc')
    expect(await (await ana.client.request(WIDGET)).text()).toContain('booked Dentist appointment')

    const guestFeed = (await guest.client.get('/collaboration/activity')).html
    expect(guestFeed).not.toContain('Roadmap') // fixture-things.doc.read is for members and up
    expect(guestFeed).not.toContain('Dentist')

    // the plugin behind a type goes off: its rows go with it
    await p.host.disable('fixture-things')
    try {
      expect((await ana.client.get('/collaboration/activity')).html).not.toContain('wrote the Roadmap doc')
    } finally {
      await p.host.enable('fixture-things')
    }
    expect((await ana.client.get('/collaboration/activity')).html).toContain('wrote the Roadmap doc')
  }, 30_000)

  test('pages fill with visible rows past hidden ones; each entity is resolved once per page', async () => {
    const org = await p.deps.identity.orgs.createOrg({ name: `Paging ${dialect}` }, p.admin!.id)
    const ana = await p.member('member', org)
    const bob = await p.member('member', org)
    const shared = [doc(org.id, 'Shared A'), doc(org.id, 'Shared B'), doc(org.id, 'Shared C')]
    const privateOnes = [note(org.id, ana.user, 'Diary A'), note(org.id, ana.user, 'Diary B')]
    // oldest: one visible row behind more hidden rows than one request reads
    emit(org.id, ana.user, 'visible-oldest', shared[0])
    await rowsLanded(org.id, 1)
    for (let i = 0; i < 520; i++) emit(org.id, ana.user, `hidden-old-${i}`, privateOnes[i % 2])
    await rowsLanded(org.id, 521)
    // newest: 70 visible rows mixed with 70 hidden ones
    for (let i = 0; i < 70; i++) {
      emit(org.id, ana.user, `visible-${i}`, shared[i % 3])
      emit(org.id, ana.user, `hidden-${i}`, privateOnes[i % 2])
      await Bun.sleep(1)
    }
    await rowsLanded(org.id, 661)

    const seen: string[] = []
    let path: string | undefined = '/collaboration/activity'
    let pages = 0
    let emptyPages = 0
    while (path && pages < 10) {
      lookups.n = 0
      const { res, html } = await bob.client.get(path)
      expect(res.status).toBe(200)
      expect(html).not.toContain('hidden-')
      expect(lookups.n).toBeLessThanOrEqual(5) // 3 docs + 2 notes, each resolved once for the whole page
      const texts = [...html.matchAll(/<span>(visible-[\w-]+)<\/span>/g)].map((m) => m[1]!)
      if (texts.length === 0) {
        emptyPages++
        expect(html).toContain('Nothing you can see here')
      }
      seen.push(...texts)
      pages++
      if (pages === 1) expect(texts.length).toBe(50) // the first page is full despite the hidden rows
      path = /href="(\/collaboration\/activity\?before=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
    }
    expect(seen.length).toBe(71)
    expect(new Set(seen).size).toBe(71)
    expect(seen.at(-1)).toBe('visible-oldest')
    expect(emptyPages).toBeLessThanOrEqual(1)
    expect(pages).toBeLessThanOrEqual(4)

    // the owner sees everything, newest first
    const anaFirst = (await ana.client.get('/collaboration/activity')).html
    expect(anaFirst).toContain('hidden-69')
  }, 60_000)

  test("an entity's own feed (its thread) shows its activity to those who see it", async () => {
    const created = await json('/api/v1/planning/tasks', 'POST', { project: 'SEC', title: 'Thread feed task' })
    const task = (await created.json()) as { key: string }
    await Bun.sleep(50)
    const page = (await admin.get(`/planning/tasks/${task.key}`)).html
    expect(page).toContain('created <span class="task-key">SEC-')
  }, 30_000)
})
