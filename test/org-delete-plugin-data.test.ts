/**
 * Deleting an organization deletes what every plugin keeps for it: the demo fills two organizations
 * through every built-in plugin, one is deleted through its settings page while calendar is
 * disabled, and afterwards no plugin table holds a row of it while the other organization's rows
 * are all there. Rows of a deleted organization left behind (a crash between the deletion and the
 * sweep, a plugin whose code was not loaded) go at the plugin's next enable. And every built-in table either
 * carries org_id or is named here as not organization data, so the sweep misses nothing. Both dialects.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { builtinPlugins } from '../plugins/index.ts'
import { columnFacade } from '../core/store/facade.ts'
import { orgTables } from '../core/plugins/org-sweep.ts'
import type { Org } from '../core/auth/orgs.ts'
import type { Person } from '../core/plugins/points.ts'
import { getTableName, type Table } from 'drizzle-orm'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { eachDialect } from './helpers/store.ts'

/** Built-in tables that hold no organization's data (per-user settings that span organizations). */
const NOT_ORG_DATA = ['collaboration_preferences']

eachDialect('deleting an organization deletes its plugin data', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, builtinPlugins)
  })
  afterAll(() => p.stop())

  const tables = () => builtinPlugins.flatMap((m) => orgTables(m.schema ? m.schema(columnFacade(dialect)) : {}).map((t) => t.name))

  /** Rows per org table for one organization (tables without any are left out). */
  const rowsOf = async (orgId: string): Promise<Record<string, number>> => {
    const out: Record<string, number> = {}
    for (const name of tables()) {
      const [row] = await p.store.query<{ n: number | string }>(`select count(*) as n from ${name} where org_id = ?`, [orgId])
      if (Number(row!.n)) out[name] = Number(row!.n)
    }
    return out
  }

  const seed = async (org: Org) => {
    const people: Person[] = [{ id: p.admin!.id, name: p.admin!.name, email: p.admin!.email }]
    for (const s of p.host.contributions('demo.seed').sort((a, b) => a.order - b.order)) await s.run({ orgId: org.id, people, now: new Date() })
    await p.host.service<{ wait(): Promise<void> }>('collaboration.idle')?.wait()
  }

  test('every table of a built-in plugin has org_id, or is named as not organization data', () => {
    for (const m of builtinPlugins) {
      const all = Object.values(m.schema ? m.schema(columnFacade(dialect)) : {}).map((t) => getTableName(t as Table))
      const scoped = orgTables(m.schema ? m.schema(columnFacade(dialect)) : {}).map((t) => t.name)
      expect({ plugin: m.id, unscoped: all.filter((t) => !scoped.includes(t) && !NOT_ORG_DATA.includes(t)) }).toEqual({ plugin: m.id, unscoped: [] })
    }
  })

  test('the settings page deletes the org, and with it its rows in every plugin, enabled or not', async () => {
    const keeper = p.org!
    const { orgs } = p.deps.identity
    const doomed = await orgs.createOrg({ name: `Doomed ${dialect}` }, p.admin!.id)
    await seed(keeper)
    await seed(doomed)
    const client = await p.adminClient()
    // a dashboard layout and a calendar feed token, which the demo does not make
    await client.post('/orgs/switch', { org: doomed.id })
    expect((await client.get('/')).res.status).toBeLessThan(400)

    const before = await rowsOf(doomed.id)
    const kept = await rowsOf(keeper.id)
    // the demo reaches every plugin: planning, calendar and collaboration tables hold rows of it
    for (const prefix of ['planning_', 'calendar_', 'collaboration_']) expect(Object.keys(before).some((t) => t.startsWith(prefix))).toBe(true)
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(8)

    await p.host.disable('calendar', { cascade: true })
    await client.get('/orgs/settings')
    const gone = await client.post('/orgs/settings/delete', { confirm: doomed.name })
    expect(gone.status).toBe(303)
    expect(await orgs.getOrg(doomed.id)).toBeUndefined()

    expect(await rowsOf(doomed.id)).toEqual({})
    expect(await rowsOf(keeper.id)).toEqual(kept)
    await p.host.enable('calendar')
  })

  test("rows left behind (a crash, a plugin not loaded at the time) go at the plugin's next enable; other orgs' rows never", async () => {
    const keeper = p.org!
    const kept = await rowsOf(keeper.id)
    const now = dialect === 'sqlite' ? Date.now() : new Date().toISOString()
    const label = (id: string, orgId: string) =>
      p.store.query('insert into planning_labels (id, org_id, project_id, name, color, created_at) values (?, ?, ?, ?, ?, ?)', [id, orgId, `project-of-${id}`, 'Ghost', '#888888', now])
    // a deletion recorded (Orgs.deleteOrg's transaction) whose sweep never ran, and a row of it
    await p.store.query('insert into core_deleted_orgs (org_id, deleted_at) values (?, ?)', ['crashed-org', now])
    await label('orphan-label', 'crashed-org')
    // a row naming an organization that is not recorded as deleted is not the sweep's business
    await label('unknown-label', 'never-deleted-org')
    expect(await rowsOf('crashed-org')).toEqual({ planning_labels: 1 })

    // nothing happens while it stays enabled; disable and enable sweeps it
    await p.host.disable('planning', { cascade: true })
    await p.host.enable('planning')
    await p.host.settledQueue()
    expect(await rowsOf('crashed-org')).toEqual({})
    expect(await rowsOf('never-deleted-org')).toEqual({ planning_labels: 1 })
    expect(await rowsOf(keeper.id)).toEqual(kept)
    // the sweep reports what it removed; a second one finds nothing
    expect(await p.host.sweepDeletedOrgs()).toEqual([])
  })
})
