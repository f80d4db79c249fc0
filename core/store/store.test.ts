import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eq, gt, sql } from 'drizzle-orm'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from 'bun:sqlite'
import { eachDialect, testStore, type TestStore } from '../../test/helpers/store.ts'
import { schema as notesSchema } from '../../test/fixtures/fixture-notes/schema.ts'
import { migrations as notesMigrations } from '../../test/fixtures/fixture-notes/migrations/index.ts'
import { columnFacade } from './facade.ts'
import { ensureMigrationTable, migratePlugin, migrationStatus, MigrationError, appliedMigrations } from './migrator.ts'
import { connect, StoreError } from './connect.ts'
import { thrown } from '../../test/helpers/thrown.ts'

eachDialect('store', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await testStore(dialect)
    await ensureMigrationTable(t.store)
  })
  afterAll(() => t.cleanup())

  test('migrations apply once, are recorded, and report status', async () => {
    expect(await migratePlugin(t.store, 'fixture-notes', notesMigrations)).toEqual(['0000_init'])
    expect(await migratePlugin(t.store, 'fixture-notes', notesMigrations)).toEqual([])
    const status = await migrationStatus(t.store, [{ id: 'fixture-notes', migrations: notesMigrations }])
    expect(status).toEqual([{ plugin: 'fixture-notes', applied: ['0000_init'], pending: [], changed: [], unknown: [] }])
  })

  test('one schema, both dialects: Date, boolean and JSON round-trip the same', async () => {
    const { notes } = notesSchema(columnFacade(dialect))
    const at = new Date('2026-11-25T10:11:12.345Z')
    const [row] = await t.store.db.insert(notes).values({ title: 'Write tests', done: true, meta: { tags: ['a', 'b'] }, createdAt: at }).returning()
    expect(row).toMatchObject({ title: 'Write tests', done: true, meta: { tags: ['a', 'b'] } })
    const [read] = await t.store.db.select().from(notes).where(eq(notes.id, row!.id))
    expect(read!.createdAt).toBeInstanceOf(Date)
    expect(read!.createdAt.getTime()).toBe(at.getTime())
    expect(read!.done).toBe(true)
    await t.store.db.update(notes).set({ done: false }).where(eq(notes.id, row!.id))
    const [after] = await t.store.db.select({ done: notes.done }).from(notes).where(eq(notes.id, row!.id))
    expect(after!.done).toBe(false)
  })

  test('prepared queries: built once per key, run with fresh values, on both dialects', async () => {
    const { notes } = notesSchema(columnFacade(dialect))
    const at = new Date('2031-01-02T03:04:05.000Z') // later than other tests' notes
    await t.store.db.insert(notes).values([
      { title: 'prepared one', done: false, meta: { tags: [] }, createdAt: at },
      { title: 'prepared two', done: true, meta: { tags: [] }, createdAt: new Date(at.getTime() + 1000) },
    ])
    let builds = 0
    const byTitle = (title: string) =>
      t.store.prepared('test.notes-by-title', (db) => {
        builds++
        return db.select().from(notes).where(eq(notes.title, sql.placeholder('title')))
      }, { title })
    expect((await byTitle('prepared one')).map((n) => n.title)).toEqual(['prepared one'])
    expect((await byTitle('prepared two'))[0]!.done).toBe(true)
    expect(await byTitle('nothing like it')).toEqual([])
    expect(builds).toBe(1)
    // Dates go in the column's encoding; rows come back mapped (Date, boolean).
    const since = await t.store.prepared('test.notes-since', (db) => db.select().from(notes).where(gt(notes.createdAt, sql.placeholder('since'))), {
      since: notes.createdAt.mapToDriverValue(at),
    })
    expect(since.map((n) => n.title)).toEqual(['prepared two'])
    expect(since[0]!.createdAt).toBeInstanceOf(Date)
    if (dialect === 'sqlite') {
      // 600 other statements push everything out of the statement cache; the prepared one keeps its own.
      for (let i = 0; i < 600; i++) await t.store.query(`select ${i} as n`)
      expect((await byTitle('prepared one')).length).toBe(1)
      expect(builds).toBe(1)
    }
  })

  test('a failing migration applies nothing, names itself, and leaves earlier state intact', async () => {
    const set = {
      sqlite: [
        { tag: '0000_ok', sql: 'create table fixture_bad_a (id integer primary key)' },
        { tag: '0001_bad', sql: 'create table fixture_bad_b (id integer primary key)\n--> statement-breakpoint\ncreate tabel oops' },
      ],
      postgres: [
        { tag: '0000_ok', sql: 'create table fixture_bad_a (id integer primary key)' },
        { tag: '0001_bad', sql: 'create table fixture_bad_b (id integer primary key)\n--> statement-breakpoint\ncreate tabel oops' },
      ],
    }
    const error = await thrown(MigrationError, () => migratePlugin(t.store, 'fixture-bad', set))
    expect(error.message).toContain('migration 0001_bad of plugin "fixture-bad" failed')
    expect(error.message).toContain('Nothing was applied')
    expect(await appliedMigrations(t.store, 'fixture-bad')).toEqual([])
    // neither table exists: the good migration before it was rolled back too
    await expect(t.store.query('select * from fixture_bad_a')).rejects.toThrow()
    await expect(t.store.query('select * from fixture_bad_b')).rejects.toThrow()
    // the other plugin's data is untouched
    expect((await t.store.query('select count(*) as n from fixture_notes_notes'))[0]).toBeDefined()
  })

  test('tx commits on success and rolls back on a throw', async () => {
    const { notes } = notesSchema(columnFacade(dialect))
    await t.store.tx(async (db) => {
      await db.insert(notes).values({ title: 'kept', createdAt: new Date() })
    })
    await expect(
      t.store.tx(async (db) => {
        await db.insert(notes).values({ title: 'rolled back', createdAt: new Date() })
        throw new Error('no')
      }),
    ).rejects.toThrow('no')
    const titles = (await t.store.db.select({ title: notes.title }).from(notes)).map((r) => r.title)
    expect(titles).toContain('kept')
    expect(titles).not.toContain('rolled back')
  })

  test('a write from elsewhere while a transaction is open is not part of it (and survives its rollback)', async () => {
    const { notes } = notesSchema(columnFacade(dialect))
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const tx = t.store.tx(async (db) => {
      await db.insert(notes).values({ title: 'inside the failed tx', createdAt: new Date() })
      await held // the transaction stays open while the other request writes
      throw new Error('roll back')
    })
    await Bun.sleep(20)
    // `.then` starts the query now (a drizzle builder runs only when awaited)
    const outside = t.store.db.insert(notes).values({ title: 'written outside', createdAt: new Date() }).then(() => 'done')
    const raw = t.store.query('select count(*) as n from fixture_notes_notes')
    await Bun.sleep(20)
    release()
    await expect(tx).rejects.toThrow('roll back')
    await outside
    await raw
    const titles = (await t.store.db.select({ title: notes.title }).from(notes)).map((r) => r.title)
    expect(titles).toContain('written outside')
    expect(titles).not.toContain('inside the failed tx')
  })

  test('lockKey: a transaction taking a key held by another waits until that one commits, and then sees its writes', async () => {
    const { notes } = notesSchema(columnFacade(dialect))
    const order: string[] = []
    let held!: () => void
    const first = new Promise<void>((resolve) => (held = resolve))
    const a = t.store.tx(async (db) => {
      await t.store.lockKey(db, 'test:lock-a')
      order.push('a has the key')
      held()
      await Bun.sleep(100)
      await db.insert(notes).values({ title: 'written under the key', createdAt: new Date() })
      order.push('a wrote')
    })
    await first
    const b = t.store.tx(async (db) => {
      await t.store.lockKey(db, 'test:lock-a')
      order.push('b has the key')
      return (await db.select({ title: notes.title }).from(notes).where(eq(notes.title, 'written under the key'))).length
    })
    const [, seen] = await Promise.all([a, b])
    expect(order).toEqual(['a has the key', 'a wrote', 'b has the key'])
    expect(seen).toBe(1)
  })

  test('lockKey: another key does not wait on PostgreSQL (SQLite runs every transaction after the other anyway)', async () => {
    const order: string[] = []
    let held!: () => void
    const first = new Promise<void>((resolve) => (held = resolve))
    const a = t.store.tx(async (db) => {
      await t.store.lockKey(db, 'test:lock-x')
      held()
      await Bun.sleep(100)
      order.push('a done')
    })
    await first
    const b = t.store.tx(async (db) => {
      await t.store.lockKey(db, 'test:lock-y')
      order.push('b has its key')
    })
    await Promise.all([a, b])
    expect(order).toEqual(dialect === 'postgres' ? ['b has its key', 'a done'] : ['a done', 'b has its key'])
  })

  test('raw query takes ? placeholders on both dialects', async () => {
    const rows = await t.store.query<{ title: string }>('select title from fixture_notes_notes where title = ?', ['kept'])
    expect(rows.map((r) => r.title)).toEqual(['kept'])
  })

  test('backup: a consistent copy on SQLite; PostgreSQL says to use pg_dump', async () => {
    const file = join(t.dataDir, 'backups', 'copy.db')
    if (dialect === 'sqlite') {
      await t.store.backup(file)
      const copy = new Database(file, { readonly: true })
      const n = copy.query('select count(*) as n from fixture_notes_notes').get() as { n: number }
      copy.close()
      expect(n.n).toBeGreaterThan(0)
      await expect(t.store.backup(file)).rejects.toThrow('exists already')
    } else {
      await expect(t.store.backup(file)).rejects.toThrow('use pg_dump')
      expect(existsSync(file)).toBe(false)
    }
  })

  test('ping answers', async () => {
    await t.store.ping()
  })
})

test('an unreachable PostgreSQL is one clear StoreError', async () => {
  const error = await thrown(StoreError, () => connect('postgres://postgres:secret@127.0.0.1:1/none'))
  expect(error.message).toContain('cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:1/none')
  expect(error.message).toContain('Check DATABASE_URL')
  expect(error.message).not.toContain('secret')
})

test('an unwritable SQLite location is one clear StoreError', async () => {
  await expect(connect('sqlite:/proc/nope/x.db')).rejects.toThrow(/cannot open SQLite database .*Check that DATA_DIR is writable/)
})
