/**
 * Downgrade: migrations applied by a newer version that this code does not know are refused (the
 * host does not boot, `serve` and `migrate` exit 2 with one line), and `migrate status` shows them.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { DIALECTS, eachDialect, testStore, type TestStore } from '../../test/helpers/store.ts'
import { processStore, runCli } from '../../test/helpers/cli.ts'
import { setLogLevel } from '../log.ts'
import { connect } from './connect.ts'
import { migratePlugin, migrationStatus, formatMigrationStatus, UnknownMigrationsError, type MigrationSet } from './migrator.ts'
import { PluginHost } from '../plugins/host.ts'
import { definePlugin } from '../plugins/contract.ts'

setLogLevel('silent')

const one = (tag: string) => ({ tag, sql: 'create table fixture_dg_items (id integer primary key)' })
const older: MigrationSet = { sqlite: [one('0000_init')], postgres: [one('0000_init')] }
const newer: MigrationSet = {
  sqlite: [one('0000_init'), { tag: '0001_more', sql: 'create table fixture_dg_more (id integer primary key)' }],
  postgres: [one('0000_init'), { tag: '0001_more', sql: 'create table fixture_dg_more (id integer primary key)' }],
}

eachDialect('downgrade', (dialect) => {
  let t: TestStore
  beforeEach(async () => {
    t = await testStore(dialect)
  })
  afterEach(() => t.cleanup())

  test('migrating with code that lacks an applied migration throws, naming the tag; status shows it', async () => {
    const host = new PluginHost(t.store)
    host.register(definePlugin({ id: 'fixture-dg', name: 'dg', version: '2.0.0', api: 1, migrations: newer, setup: () => {} }))
    await host.boot()
    await host.stop()
    const err = await migratePlugin(t.store, 'fixture-dg', older).catch((e) => e)
    expect(err).toBeInstanceOf(UnknownMigrationsError)
    expect(err.message).toContain('fixture-dg: 0001_more')
    const [row] = await migrationStatus(t.store, [{ id: 'fixture-dg', migrations: older }])
    expect(row!.unknown).toEqual(['0001_more'])
    expect(formatMigrationStatus(row!)).toContain('unknown to this version (a newer one applied them): 0001_more')

    // the older binary's host refuses to boot, naming the plugin and the tag
    const old = new PluginHost(t.store)
    old.register(definePlugin({ id: 'fixture-dg', name: 'dg', version: '1.0.0', api: 1, migrations: older, setup: () => {} }))
    const refused = await old.boot().catch((e) => e)
    expect(refused).toBeInstanceOf(UnknownMigrationsError)
    expect(refused.message).toContain('run that newer version, or restore a backup')
    expect(old.describe('fixture-dg').status).toBe('disabled')
  })
})

for (const dialect of DIALECTS) {
  describe(`downgrade CLI [${dialect}]`, () => {
    test('serve and migrate exit 2 with one line naming the unknown core tag; migrate status lists it', async () => {
      const s = processStore(dialect, 'downgrade')
      await s.create()
      try {
        expect((await runCli(['migrate'], s.env)).code).toBe(0)
        const store = await connect(s.env.DATABASE_URL ?? `sqlite:${join(s.dataDir, 'coder-ide.db')}`)
        await store.query('insert into core_migrations (plugin, tag, checksum, applied_at) values (?, ?, ?, ?)', ['core', '9999_from_the_future', 'x', Date.now()])
        await store.close()
        for (const args of [['serve', '--port', '0', '--host', '127.0.0.1'], ['migrate']]) {
          const r = await runCli(args, s.env)
          expect(r.code).toBe(2)
          expect(r.err.trim().split('\n')).toHaveLength(1)
          expect(r.err).toContain('core: 9999_from_the_future')
          expect(r.err).toContain('restore a backup')
        }
        const status = await runCli(['migrate', 'status'], s.env)
        expect(status.code).toBe(0)
        expect(status.out).toContain('9999_from_the_future')
      } finally {
        await s.drop()
      }
    }, 60_000)
  })
}
