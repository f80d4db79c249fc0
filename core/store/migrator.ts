/** @module Migrator: applies each plugin's embedded SQL migrations, all-or-nothing, and records them. */
import type { Dialect } from './facade.ts'
import type { Statement, Store } from './connect.ts'

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

const BREAKPOINT = '--> statement-breakpoint'

/** Creates the bookkeeping table; safe to run at every boot. */
export async function ensureMigrationTable(store: Store): Promise<void> {
  await store.query(
    'create table if not exists core_migrations (plugin text not null, tag text not null, checksum text not null, applied_at bigint not null, primary key (plugin, tag))',
  )
}

/** Tags already applied for a plugin, in order. */
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

function checksum(sql: string): string {
  return new Bun.CryptoHasher('sha256').update(sql).digest('hex').slice(0, 16)
}

/**
 * Applies the plugin's pending migrations in one transaction and returns their tags.
 * On failure nothing is applied and MigrationError names the plugin, the migration and the cause.
 */
export async function migratePlugin(store: Store, plugin: string, set: MigrationSet | undefined): Promise<string[]> {
  const list = set?.[store.dialect] ?? []
  if (list.length === 0) return []
  const applied = new Set((await appliedMigrations(store, plugin)).map((m) => m.tag))
  const pending = list.filter((m) => !applied.has(m.tag))
  if (pending.length === 0) return []
  const statements: Statement[] = []
  for (const m of pending) {
    for (const sql of splitStatements(m.sql)) statements.push({ sql })
    statements.push({
      sql: 'insert into core_migrations (plugin, tag, checksum, applied_at) values (?, ?, ?, ?)',
      params: [plugin, m.tag, checksum(m.sql), Date.now()],
    })
  }
  try {
    await store.batch(statements)
  } catch (err) {
    // Find which migration failed, for the message; the whole batch was rolled back either way.
    const failed = await findFailing(store, pending).catch(() => pending[0]!.tag)
    throw new MigrationError(
      `migration ${failed} of plugin "${plugin}" failed: ${(err as Error).message}. Nothing was applied; fix the migration and enable the plugin again.`,
    )
  }
  return pending.map((m) => m.tag)
}

/** Re-runs the pending migrations one by one inside rolled-back transactions to name the bad one. */
async function findFailing(store: Store, pending: Migration[]): Promise<string> {
  const done: Statement[] = []
  for (const m of pending) {
    done.push(...splitStatements(m.sql).map((sql) => ({ sql })))
    try {
      await store.batch([...done, { sql: 'select * from core_migrations_rollback_probe' }])
    } catch (err) {
      if (!String((err as Error).message).includes('core_migrations_rollback_probe')) return m.tag
    }
  }
  return pending[0]!.tag
}

/** Applied and pending tags per plugin, for `coder-ide migrate status`. */
export async function migrationStatus(
  store: Store,
  plugins: { id: string; migrations?: MigrationSet }[],
): Promise<{ plugin: string; applied: string[]; pending: string[] }[]> {
  await ensureMigrationTable(store)
  const out = []
  for (const p of plugins) {
    const applied = (await appliedMigrations(store, p.id)).map((m) => m.tag)
    const pending = (p.migrations?.[store.dialect] ?? []).map((m) => m.tag).filter((t) => !applied.includes(t))
    out.push({ plugin: p.id, applied, pending })
  }
  return out
}
