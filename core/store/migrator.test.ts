/**
 * Migrator safety: table rebuilds keep child rows, dangling foreign keys are refused, changed
 * migrations are reported, concurrent migrators apply once, and read-only commands create nothing.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { eachDialect, PG_URL, testStore, type TestStore } from '../../test/helpers/store.ts'
import { backupStore, connect, StoreError, type Store } from './connect.ts'
import {
  appliedMigrations,
  ensureMigrationTable,
  formatMigrationStatus,
  hasMigrationTable,
  migratePlugin,
  migrationStatements,
  migrationStatus,
  MigrationError,
  type MigrationSet,
} from './migrator.ts'
import type { Logger } from '../log.ts'
import { thrown } from '../../test/helpers/thrown.ts'

/** Parent and child with ON DELETE CASCADE, as drizzle-kit writes them. */
const INIT = {
  sqlite: [
    'CREATE TABLE `fixture_fk_parents` (\n\t`id` text PRIMARY KEY NOT NULL,\n\t`name` text\n);',
    'CREATE TABLE `fixture_fk_children` (\n\t`id` text PRIMARY KEY NOT NULL,\n\t`parent_id` text NOT NULL,\n\tFOREIGN KEY (`parent_id`) REFERENCES `fixture_fk_parents`(`id`) ON UPDATE no action ON DELETE cascade\n);',
  ].join('\n--> statement-breakpoint\n'),
  postgres: [
    'CREATE TABLE "fixture_fk_parents" ("id" text PRIMARY KEY NOT NULL, "name" text);',
    'CREATE TABLE "fixture_fk_children" ("id" text PRIMARY KEY NOT NULL, "parent_id" text NOT NULL);',
    'ALTER TABLE "fixture_fk_children" ADD CONSTRAINT "fixture_fk_children_parent_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."fixture_fk_parents"("id") ON DELETE cascade ON UPDATE no action;'.replace(
      '"public".',
      '',
    ),
  ].join('\n--> statement-breakpoint\n'),
}

/**
 * `name` becomes NOT NULL DEFAULT '': drizzle-kit's SQLite output is a table rebuild (copied from
 * its generator); on PostgreSQL the same change is two ALTERs.
 */
const REBUILD = {
  sqlite: [
    'PRAGMA foreign_keys=OFF;',
    "CREATE TABLE `__new_fixture_fk_parents` (\n\t`id` text PRIMARY KEY NOT NULL,\n\t`name` text DEFAULT '' NOT NULL\n);\n",
    'INSERT INTO `__new_fixture_fk_parents`("id", "name") SELECT "id", coalesce("name", \'\') FROM `fixture_fk_parents`;',
    'DROP TABLE `fixture_fk_parents`;',
    'ALTER TABLE `__new_fixture_fk_parents` RENAME TO `fixture_fk_parents`;',
    'PRAGMA foreign_keys=ON;',
  ].join('\n--> statement-breakpoint\n'),
  postgres: [
    'UPDATE "fixture_fk_parents" SET "name" = \'\' WHERE "name" IS NULL;',
    'ALTER TABLE "fixture_fk_parents" ALTER COLUMN "name" SET DEFAULT \'\';',
    'ALTER TABLE "fixture_fk_parents" ALTER COLUMN "name" SET NOT NULL;',
  ].join('\n--> statement-breakpoint\n'),
}

/** Creates a table (to prove nothing is kept), then leaves a child pointing at no parent. */
const DANGLING = [
  'CREATE TABLE fixture_fk_extra (id text PRIMARY KEY NOT NULL);',
  "INSERT INTO fixture_fk_children (id, parent_id) VALUES ('c9', 'no-such-parent');",
].join('\n--> statement-breakpoint\n')

const set = (...tags: ('init' | 'rebuild' | 'dangling')[]): MigrationSet => {
  const out: MigrationSet = { sqlite: [], postgres: [] }
  const all = { init: ['0000_init', INIT], rebuild: ['0001_rebuild', REBUILD], dangling: ['0002_dangling', { sqlite: DANGLING, postgres: DANGLING }] } as const
  for (const t of tags) {
    const [tag, sql] = all[t]
    out.sqlite.push({ tag, sql: sql.sqlite })
    out.postgres.push({ tag, sql: sql.postgres })
  }
  return out
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent }

async function children(store: Store): Promise<string[]> {
  return (await store.query<{ id: string }>('select id from fixture_fk_children order by id')).map((r) => r.id)
}

async function tableExists(store: Store, name: string): Promise<boolean> {
  const rows =
    store.dialect === 'sqlite'
      ? await store.query("select 1 from sqlite_master where type = 'table' and name = ?", [name])
      : await store.query('select 1 from (select to_regclass(?) as t) x where t is not null', [name])
  return rows.length > 0
}

test('SQLite: PRAGMA foreign_keys lines are dropped from the statements, nothing else', () => {
  const statements = migrationStatements(REBUILD.sqlite, 'sqlite')
  expect(statements).toHaveLength(4)
  expect(statements.some((s) => /pragma/i.test(s))).toBe(false)
  expect(migrationStatements(REBUILD.postgres, 'postgres')).toHaveLength(3)
  expect(migrationStatements('PRAGMA foreign_keys = off\nCREATE TABLE a (id integer);', 'sqlite')).toEqual(['CREATE TABLE a (id integer);'])
})

test('SQLite control: the same rebuild run as a plain batch (foreign keys on) loses the children', async () => {
  const t = await testStore('sqlite')
  try {
    for (const sql of migrationStatements(INIT.sqlite, 'sqlite')) await t.store.query(sql)
    await t.store.query("insert into fixture_fk_parents (id, name) values ('p1', 'one')")
    await t.store.query("insert into fixture_fk_children (id, parent_id) values ('c1', 'p1'), ('c2', 'p1')")
    await t.store.batch(REBUILD.sqlite.split('--> statement-breakpoint').map((sql) => ({ sql: sql.trim() })))
    expect(await children(t.store)).toEqual([]) // what migratePlugin did before: data loss
  } finally {
    await t.cleanup()
  }
})

eachDialect('migrator safety', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await testStore(dialect)
    await ensureMigrationTable(t.store)
  })
  afterAll(() => t.cleanup())

  test('a table rebuild keeps the child rows; a dangling foreign key is refused and nothing is applied', async () => {
    expect(await migratePlugin(t.store, 'fixture-fk', set('init'))).toEqual(['0000_init'])
    await t.store.query("insert into fixture_fk_parents (id, name) values ('p1', 'one'), ('p2', null)")
    await t.store.query("insert into fixture_fk_children (id, parent_id) values ('c1', 'p1'), ('c2', 'p1'), ('c3', 'p2')")

    // The rebuild and the dangling migration are pending together: the second fails, both roll back.
    const error = await thrown(MigrationError, () => migratePlugin(t.store, 'fixture-fk', set('init', 'rebuild', 'dangling')))
    const message = error.message
    expect(message).toContain('migration 0002_dangling of plugin "fixture-fk" failed')
    expect(message).toContain('Nothing was applied')
    if (dialect === 'sqlite') expect(message).toMatch(/fixture_fk_children rowid \d+ points to a missing row of fixture_fk_parents/)
    else expect(message).toContain('foreign key')
    expect((await appliedMigrations(t.store, 'fixture-fk')).map((m) => m.tag)).toEqual(['0000_init'])
    expect(await tableExists(t.store, 'fixture_fk_extra')).toBe(false)
    expect(await tableExists(t.store, '__new_fixture_fk_parents')).toBe(false)
    expect(await children(t.store)).toEqual(['c1', 'c2', 'c3'])
    const [p2] = await t.store.query<{ name: string | null }>("select name from fixture_fk_parents where id = 'p2'")
    expect(p2!.name).toBeNull() // the rebuild was rolled back too

    // The rebuild alone: applied, and every child is still there.
    expect(await migratePlugin(t.store, 'fixture-fk', set('init', 'rebuild'))).toEqual(['0001_rebuild'])
    expect(await children(t.store)).toEqual(['c1', 'c2', 'c3'])
    const parents = await t.store.query<{ id: string; name: string }>('select id, name from fixture_fk_parents order by id')
    expect(parents).toEqual([
      { id: 'p1', name: 'one' },
      { id: 'p2', name: '' },
    ])

    // Foreign keys are enforced again afterwards, and the cascade still points at the new table.
    if (dialect === 'sqlite') expect(await t.store.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }])
    await expect(t.store.query("insert into fixture_fk_children (id, parent_id) values ('c8', 'nobody')")).rejects.toThrow()
    await t.store.query("delete from fixture_fk_parents where id = 'p2'")
    expect(await children(t.store)).toEqual(['c1', 'c2'])
  })

  test('migrate status shows an applied migration whose SQL changed; migrating warns and runs nothing', async () => {
    const original: MigrationSet = {
      sqlite: [{ tag: '0000_init', sql: 'create table fixture_cs_items (id integer primary key)' }],
      postgres: [{ tag: '0000_init', sql: 'create table fixture_cs_items (id integer primary key)' }],
    }
    expect(await migratePlugin(t.store, 'fixture-cs', original, { log: silent })).toEqual(['0000_init'])
    let [row] = await migrationStatus(t.store, [{ id: 'fixture-cs', migrations: original }])
    expect(row).toEqual({ plugin: 'fixture-cs', applied: ['0000_init'], pending: [], changed: [], unknown: [] })

    const edited: MigrationSet = {
      sqlite: [{ tag: '0000_init', sql: 'create table fixture_cs_items (id integer primary key, name text)' }],
      postgres: [{ tag: '0000_init', sql: 'create table fixture_cs_items (id integer primary key, name text)' }],
    }
    ;[row] = await migrationStatus(t.store, [{ id: 'fixture-cs', migrations: edited }])
    expect(row!.changed).toEqual(['0000_init'])
    expect(formatMigrationStatus(row!)).toContain('changed since applied: 0000_init')
    expect(formatMigrationStatus(row!, true)).toEndWith('(external)')

    const warnings: string[] = []
    const log: Logger = { ...silent, warn: (msg) => void warnings.push(msg) }
    expect(await migratePlugin(t.store, 'fixture-cs', edited, { log })).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('migration 0000_init of plugin "fixture-cs" changed since it was applied')
    // not refused: a new migration after it still applies
    edited[dialect].push({ tag: '0001_more', sql: 'create table fixture_cs_more (id integer primary key)' })
    expect(await migratePlugin(t.store, 'fixture-cs', edited, { log })).toEqual(['0001_more'])
    expect(warnings).toHaveLength(2)
  })

  test('two migrators of the same plugin at once: both succeed, the migration is applied once', async () => {
    // PostgreSQL: a second connection pool, as a second process would have.
    const other = dialect === 'postgres' ? await connect(PG_URL, { pgSchema: t.pgSchema, pgPoolSize: 2 }) : t.store
    try {
      const slow = dialect === 'postgres' ? 'select pg_sleep(0.3)' : 'select 1'
      const migrations: MigrationSet = {
        sqlite: [{ tag: '0000_init', sql: `create table fixture_race_items (id integer primary key)\n--> statement-breakpoint\n${slow}` }],
        postgres: [{ tag: '0000_init', sql: `create table fixture_race_items (id integer primary key)\n--> statement-breakpoint\n${slow}` }],
      }
      const results = await Promise.all([migratePlugin(t.store, 'fixture-race', migrations), migratePlugin(other, 'fixture-race', migrations)])
      expect(results.map((r) => r.join(',')).sort()).toEqual(['', '0000_init'])
      const rows = await t.store.query<{ n: number }>("select count(*) as n from core_migrations where plugin = 'fixture-race'")
      expect(Number(rows[0]!.n)).toBe(1)
    } finally {
      if (other !== t.store) await other.close()
    }
  })

  test('two processes creating the migration table at once both succeed', async () => {
    const fresh = await testStore(dialect)
    const other = dialect === 'postgres' ? await connect(PG_URL, { pgSchema: fresh.pgSchema, pgPoolSize: 2 }) : fresh.store
    try {
      await Promise.all([ensureMigrationTable(fresh.store), ensureMigrationTable(other), ensureMigrationTable(fresh.store)])
      expect(await hasMigrationTable(fresh.store)).toBe(true)
    } finally {
      if (other !== fresh.store) await other.close()
      await fresh.cleanup()
    }
  })

  test('migrate status is read-only: without core_migrations everything is pending and nothing is created', async () => {
    const fresh = await testStore(dialect)
    try {
      const rows = await migrationStatus(fresh.store, [{ id: 'fixture-fk', migrations: set('init', 'rebuild') }])
      expect(rows).toEqual([{ plugin: 'fixture-fk', applied: [], pending: ['0000_init', '0001_rebuild'], changed: [], unknown: [] }])
      expect(await hasMigrationTable(fresh.store)).toBe(false)
    } finally {
      await fresh.cleanup()
    }
  })
})

test('connect with mustExist: a missing SQLite file is one line naming the absolute path, and nothing is created', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coder-ide-test-'))
  try {
    const file = join(dir, 'wrong', 'coder.db')
    const error = await thrown(StoreError, () => connect(`sqlite:${file}`, { mustExist: true }))
    expect(error.message).toBe(`no store at ${file}: check DATA_DIR or DATABASE_URL`)
    expect(existsSync(join(dir, 'wrong'))).toBe(false)
    // a relative path is reported absolute
    await expect(connect('sqlite:no-such-dir-here/coder.db', { mustExist: true })).rejects.toThrow(`no store at ${resolve('no-such-dir-here/coder.db')}: check DATA_DIR or DATABASE_URL`)
    expect(existsSync('no-such-dir-here')).toBe(false)
    // an existing store opens
    const created = await connect(`sqlite:${join(dir, 'ok.db')}`)
    await created.query('create table x (id integer)')
    await created.close()
    const opened = await connect(`sqlite:${join(dir, 'ok.db')}`, { mustExist: true })
    expect(await opened.query('select count(*) as n from x')).toEqual([{ n: 0 }])
    await opened.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('backupStore: copies an existing SQLite store, checks the copy, reports absolute path and size', async () => {
  const t = await testStore('sqlite')
  try {
    await t.store.query('create table fixture_backup_items (id integer primary key, v text)')
    await t.store.query("insert into fixture_backup_items (v) values ('a'), ('b')")
    const target = join(t.dataDir, 'backups', 'copy.db')
    const result = await backupStore(t.url, target)
    expect(result.path).toBe(target)
    expect(result.bytes).toBeGreaterThan(0)
    await expect(backupStore(t.url, target)).rejects.toThrow('exists already')
    const missing = join(t.dataDir, 'elsewhere', 'coder.db')
    await expect(backupStore(`sqlite:${missing}`, join(t.dataDir, 'b2.db'))).rejects.toThrow(`no store at ${missing}: check DATA_DIR or DATABASE_URL`)
    expect(existsSync(missing)).toBe(false)
    expect(existsSync(join(t.dataDir, 'b2.db'))).toBe(false)
    await expect(backupStore(PG_URL, join(t.dataDir, 'b3.db'))).rejects.toThrow('use pg_dump')
  } finally {
    await t.cleanup()
  }
})
