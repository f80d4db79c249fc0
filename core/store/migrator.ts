/** @module Migrator: applies each plugin's embedded SQL migrations, all-or-nothing, and records them. */
import type { Dialect } from './facade.ts'
import type { RawQuery, Store } from './connect.ts'
import { createLogger, type Logger } from '../log.ts'

/** One generated migration: statements separated by drizzle-kit's breakpoint marker. */
export interface Migration {
  tag: string
  sql: string
}

/** A plugin's migrations for both dialects (see plugins/<id>/migrations/index.ts). */
export type MigrationSet = Record<Dialect, Migration[]>

/** A migration that failed; nothing of the plugin's pending migrations was applied. */
export class MigrationError extends Error {
  override name = 'MigrationError'
}

/**
 * The store holds migrations this code does not know: it was written by a newer coder-ide (or a
 * newer version of a plugin). Running older code on it could corrupt data, so start is refused.
 */
export class UnknownMigrationsError extends MigrationError {
  override name = 'UnknownMigrationsError'
  constructor(readonly unknown: { plugin: string; tags: string[] }[]) {
    super(
      `the store has migrations this version does not know (${unknown.map((u) => `${u.plugin}: ${u.tags.join(', ')}`).join('; ')}); a newer coder-ide wrote it: run that newer version, or restore a backup taken before the upgrade`,
    )
  }
}

/** Applied tags the code's list does not have (applied by a newer version). */
export function unknownApplied(list: Migration[], applied: { tag: string }[]): string[] {
  const known = new Set(list.map((m) => m.tag))
  return applied.filter((a) => !known.has(a.tag)).map((a) => a.tag)
}

const BREAKPOINT = '--> statement-breakpoint'

/** Creates the bookkeeping table; safe to run at every boot, from several processes at once. */
export async function ensureMigrationTable(store: Store): Promise<void> {
  const create =
    'create table if not exists core_migrations (plugin text not null, tag text not null, checksum text not null, applied_at bigint not null, primary key (plugin, tag))'
  if (store.dialect === 'sqlite') return void (await store.query(create))
  // Two processes racing on `create table if not exists` can both pass the check and one then fails.
  await store.schemaTx(async (query) => {
    await query("select pg_advisory_xact_lock(hashtext('coder-ide:migrate'))")
    await query(create)
  })
}

/** Whether core_migrations exists (read-only; `migrate status` must not create anything). */
export async function hasMigrationTable(store: Store): Promise<boolean> {
  const rows =
    store.dialect === 'sqlite'
      ? await store.query("select 1 from sqlite_master where type = 'table' and name = 'core_migrations'")
      : await store.query("select 1 from (select to_regclass('core_migrations') as t) x where t is not null")
  return rows.length > 0
}

/** Tags already applied for a plugin, in order, with the checksum of the SQL as it was applied. */
export async function appliedMigrations(store: Store, plugin: string): Promise<{ tag: string; checksum: string }[]> {
  return store.query('select tag, checksum from core_migrations where plugin = ? order by tag', [plugin])
}

/** Splits a generated migration into statements. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(BREAKPOINT)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** `PRAGMA foreign_keys=OFF;` / `=ON;` on a line of its own (drizzle-kit's SQLite table rebuilds). */
const FOREIGN_KEYS_PRAGMA = /^[ \t]*PRAGMA[ \t]+foreign_keys[ \t]*=[ \t]*\w+[ \t]*;?[ \t]*$/gim

/**
 * The statements a migration runs on `dialect`. On SQLite its `PRAGMA foreign_keys` lines are
 * dropped: they do nothing inside the migration's transaction; the migrator switches enforcement
 * off around it and checks every foreign key before committing.
 */
export function migrationStatements(sql: string, dialect: Dialect): string[] {
  const statements = splitStatements(sql)
  if (dialect !== 'sqlite') return statements
  return statements.map((s) => s.replace(FOREIGN_KEYS_PRAGMA, '').trim()).filter((s) => s.length > 0)
}

/** The checksum recorded for a migration's SQL (as embedded, before any statement is dropped). */
export function migrationChecksum(sql: string): string {
  return new Bun.CryptoHasher('sha256').update(sql).digest('hex').slice(0, 16)
}

/** Applied migrations whose SQL in the code no longer has the checksum recorded when they ran. */
export function changedSinceApplied(list: Migration[], applied: { tag: string; checksum: string }[]): string[] {
  const now = new Map(list.map((m) => [m.tag, migrationChecksum(m.sql)]))
  return applied.filter((a) => now.has(a.tag) && now.get(a.tag) !== a.checksum).map((a) => a.tag)
}

/** Throws, naming table, rowid and parent, when a row points at a parent row that does not exist. */
async function checkForeignKeys(query: RawQuery): Promise<void> {
  const rows = await query<{ table: string; rowid: number | null; parent: string }>('select "table", rowid, parent from pragma_foreign_key_check limit 4')
  if (rows.length === 0) return
  const listed = rows.slice(0, 3).map((r) => `${r.table} rowid ${r.rowid ?? '?'} points to a missing row of ${r.parent}`)
  throw new Error(`it leaves foreign keys dangling (PRAGMA foreign_key_check): ${listed.join('; ')}${rows.length > 3 ? '; and more' : ''}`)
}

let defaultLog: Logger | undefined

/**
 * Applies the plugin's pending migrations in one transaction and returns their tags.
 * On failure nothing is applied and MigrationError names the plugin, the migration and the cause.
 *
 * Applied migrations whose SQL changed since are not run again; each is logged as a warning.
 * The pending set is computed inside the transaction: on PostgreSQL after taking the plugin's
 * advisory lock (two processes migrating at once: the second waits, then finds nothing to do);
 * on SQLite under the write lock, with foreign keys enforced only by the check before commit
 * (a drizzle-kit table rebuild must not cascade its DROP TABLE to child rows).
 */
export async function migratePlugin(
  store: Store,
  plugin: string,
  set: MigrationSet | undefined,
  options: { log?: Logger } = {},
): Promise<string[]> {
  const list = set?.[store.dialect] ?? []
  // A first look outside any transaction: most boots have nothing to apply and need no write lock.
  const seen = await appliedMigrations(store, plugin)
  const unknown = unknownApplied(list, seen)
  if (unknown.length) throw new UnknownMigrationsError([{ plugin, tags: unknown }])
  if (list.length === 0) return []
  const log = options.log ?? (defaultLog ??= createLogger('store'))
  for (const tag of changedSinceApplied(list, seen)) {
    log.warn(`migration ${tag} of plugin "${plugin}" changed since it was applied; it is not run again. Put schema changes in a new migration (npm run generate) and restore the applied one.`)
  }
  const seenTags = new Set(seen.map((m) => m.tag))
  if (list.every((m) => seenTags.has(m.tag))) return []
  let current: Migration | undefined
  try {
    return await store.schemaTx(async (query) => {
      if (store.dialect === 'postgres') await query("select pg_advisory_xact_lock(hashtext('coder-ide:migrate:' || ?::text))", [plugin])
      const applied = new Set((await query<{ tag: string }>('select tag from core_migrations where plugin = ?', [plugin])).map((r) => r.tag))
      const pending = list.filter((m) => !applied.has(m.tag))
      for (const m of pending) {
        current = m
        for (const sql of migrationStatements(m.sql, store.dialect)) await query(sql)
        if (store.dialect === 'sqlite') await checkForeignKeys(query)
        await query('insert into core_migrations (plugin, tag, checksum, applied_at) values (?, ?, ?, ?)', [plugin, m.tag, migrationChecksum(m.sql), Date.now()])
      }
      current = undefined
      return pending.map((m) => m.tag)
    })
  } catch (err) {
    const which = current ? `migration ${current.tag} of plugin "${plugin}"` : `migrating plugin "${plugin}"`
    throw new MigrationError(`${which} failed: ${(err as Error).message}. Nothing was applied; fix the migration and enable the plugin again.`)
  }
}

/** One plugin's line in `coder-ide migrate status`. */
export interface MigrationStatusRow {
  plugin: string
  applied: string[]
  pending: string[]
  /** Applied migrations whose SQL changed since they were applied. */
  changed: string[]
  /** Applied migrations this code does not know (a newer version applied them). */
  unknown: string[]
}

/**
 * Applied, pending and changed-since-applied tags per plugin, for `coder-ide migrate status`.
 * Read-only: a store without core_migrations has nothing applied (and stays as it is).
 */
export async function migrationStatus(store: Store, plugins: { id: string; migrations?: MigrationSet }[]): Promise<MigrationStatusRow[]> {
  const present = await hasMigrationTable(store)
  const out: MigrationStatusRow[] = []
  for (const p of plugins) {
    const list = p.migrations?.[store.dialect] ?? []
    const rows = present ? await appliedMigrations(store, p.id) : []
    const applied = rows.map((m) => m.tag)
    const pending = list.map((m) => m.tag).filter((t) => !applied.includes(t))
    out.push({ plugin: p.id, applied, pending, changed: changedSinceApplied(list, rows), unknown: unknownApplied(list, rows) })
  }
  return out
}

/** The text `coder-ide migrate status` prints for one plugin (external: loaded from $DATA_DIR/plugins). */
export function formatMigrationStatus(row: MigrationStatusRow, external = false): string {
  const changed = row.changed.length ? `  changed since applied: ${row.changed.join(', ')}` : ''
  const unknown = row.unknown.length ? `  unknown to this version (a newer one applied them): ${row.unknown.join(', ')}` : ''
  return `${row.plugin.padEnd(16)} applied ${String(row.applied.length).padStart(3)}  pending ${row.pending.length ? row.pending.join(', ') : 'none'}${changed}${unknown}${external ? '  (external)' : ''}`
}
