/** @module Store connection: bun:sqlite or postgres.js behind one drizzle-typed handle. */
import { Database } from 'bun:sqlite'
import { chmodSync, mkdirSync, existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { drizzle as drizzleSqlite, type BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite'
import { redactUrl } from '../config.ts'
import type { Dialect } from './facade.ts'
import { rowMapper } from './prepared.ts'
import { gateFor, holdGate, passGate } from './sqlite-gate.ts'

/** The drizzle handle plugins query with. Typed as SQLite; use `await` only so both dialects run. */
export type Db = BunSQLiteDatabase<Record<string, never>>

/** One SQL statement with positional parameters (`?` on both dialects; core rewrites for pg). */
export interface Statement {
  sql: string
  params?: unknown[]
}

/** Raw SQL with `?` placeholders, run inside `Store.schemaTx`. */
export type RawQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>

/** The store every plugin shares. */
export interface Store {
  readonly dialect: Dialect
  readonly db: Db
  /** The URL with its password hidden, for logs and errors. */
  readonly label: string
  /** Runs raw SQL and returns rows. Use `?` placeholders. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  /** Runs statements atomically: all apply or none do. */
  batch(statements: Statement[]): Promise<void>
  /**
   * Runs `fn` in a transaction. On SQLite (one connection) transactions run one at a time and
   * queries from elsewhere wait until the open one ends (see sqlite-gate.ts); keep them short.
   */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>
  /**
   * Inside `store.tx` (`db` is its handle): waits until no other transaction holds `key`, then holds
   * it until this one commits or rolls back. For a check that must see every committed write of its
   * kind before writing (no loop of blocking tasks). On PostgreSQL a transaction-scoped advisory lock
   * on a 64-bit hash of `key`; take it first in the transaction, before any row lock, so two
   * transactions never wait for each other. On SQLite nothing: transactions already run one at a time.
   */
  lockKey(db: Db, key: string): Promise<void>
  /**
   * Runs `fn` in one write transaction of raw SQL, all or nothing: for schema changes (the migrator).
   * On SQLite it holds the write gate throughout and turns foreign key enforcement off around the
   * transaction (inside one, `PRAGMA foreign_keys` does nothing), so the DROP TABLE of a table
   * rebuild does not cascade to child rows. `fn` must check `PRAGMA foreign_key_check` itself before
   * it returns (throwing rolls everything back). On PostgreSQL: a transaction on one connection.
   */
  schemaTx<T>(fn: (query: RawQuery) => Promise<T>): Promise<T>
  /**
   * Runs a select that is built and compiled once per `key`, then only executed: drizzle's prepared
   * query, on both dialects. For hot read paths, where building the SQL costs more than running it.
   * `build` must give the same query for the same key (put the query's shape in the key: which
   * filters, how many list items) and take every value from `sql.placeholder(name)`, which `values`
   * fills, as the driver takes them (encode a Date with its column: `table.col.mapToDriverValue(d)`).
   * It runs outside any open transaction.
   */
  prepared<Q extends Preparable>(key: string, build: (db: Db) => Q, values?: Record<string, unknown>): Promise<PreparedRows<Q>>
  /** Throws when the database does not answer. */
  ping(): Promise<void>
  /** Consistent copy of the live store (SQLite only). */
  backup(file: string): Promise<void>
  close(): Promise<void>
}

/** A drizzle select that can be prepared (`db.select()...` before it is awaited). */
export interface Preparable {
  prepare(name?: string): { all(values?: Record<string, unknown>): unknown }
}

/** The rows a prepared `Q` returns. */
export type PreparedRows<Q extends Preparable> = Awaited<ReturnType<ReturnType<Q['prepare']>['all']>>

/** How many prepared queries a store keeps (least recently built go first). */
export const PREPARED_QUERIES = 300

/** A small map that forgets its oldest entry beyond `max`. */
export function boundedSet<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  if (map.size >= max) map.delete(map.keys().next().value!)
  map.set(key, value)
  return value
}

/** A database that cannot be reached or opened. main prints the message and exits 1. */
export class StoreError extends Error {
  override name = 'StoreError'
}

export interface ConnectOptions {
  /** PostgreSQL schema to use (tests use a fresh one per run); created if missing. */
  pgSchema?: string
  /** Connections in the PostgreSQL pool. */
  pgPoolSize?: number
  /**
   * How long to keep retrying a PostgreSQL server that refuses connections or is still starting
   * (0, the default: fail at once). Wrong credentials or a missing database fail at once anyway.
   */
  pgWaitMs?: number
  /** Told of each retry while waiting for PostgreSQL. */
  onWait?: (message: string) => void
  /**
   * Refuse to create anything: a SQLite file that does not exist is a StoreError ("no store at
   * <path>: ...") instead of a new empty database. For commands that read or copy a store.
   */
  mustExist?: boolean
}

/** Opens the store named by `url` (`sqlite:<file>`, `sqlite::memory:` or `postgres://...`). */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) return connectSqlite(url.slice('sqlite:'.length), options)
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { connectPostgres } = await import('./postgres.ts')
    return connectPostgres(url, options)
  }
  throw new StoreError(`unsupported database URL ${redactUrl(url)}: use sqlite:<file> or postgres://...`)
}

/**
 * Makes the store's files readable by their owner only (0600): they hold password hashes, session
 * and API token digests and every organization's data. Files that do not exist are skipped.
 */
function ownerOnly(...files: string[]): void {
  for (const f of files) {
    try {
      chmodSync(f, 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}

/** The one-line error for a store that is not where the configuration says. */
function missingStore(file: string): StoreError {
  return new StoreError(`no store at ${resolve(file)}: check DATA_DIR or DATABASE_URL`)
}

function connectSqlite(file: string, options: ConnectOptions): Store {
  const mustExist = options.mustExist === true && file !== ':memory:'
  if (mustExist && !existsSync(file)) throw missingStore(file)
  let client: Database
  try {
    if (file !== ':memory:' && !mustExist && !existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    client = new Database(file, { readwrite: true, create: !mustExist, strict: true })
    client.exec('PRAGMA journal_mode = WAL')
    if (file !== ':memory:') ownerOnly(file, `${file}-wal`, `${file}-shm`)
    client.exec('PRAGMA foreign_keys = ON')
    client.exec('PRAGMA busy_timeout = 5000')
    client.exec('PRAGMA synchronous = NORMAL')
    // Sorts and temp tables in memory, not in temp files (an ORDER BY over 10k rows spilled to disk).
    client.exec('PRAGMA temp_store = MEMORY')
  } catch (err) {
    if (mustExist && !existsSync(file)) throw missingStore(file)
    throw new StoreError(`cannot open SQLite database ${file}: ${(err as Error).message}. Check that DATA_DIR is writable.`)
  }
  const statements = cachePreparedStatements(client)
  const db = drizzleSqlite(client) as Db
  const gate = gateFor(client)
  const prepared = new Map<string, (values?: Record<string, unknown>) => unknown>()
  /** Compiles `query` once; runs it as raw rows through a flat mapper where possible. */
  const runner = (query: ReturnType<Preparable['prepare']>) => {
    const map = rowMapper(query)
    const raw = query as unknown as { values(values?: Record<string, unknown>): unknown[][] }
    return map ? (values?: Record<string, unknown>) => raw.values(values).map(map) : (values?: Record<string, unknown>) => query.all(values)
  }
  let lock: Promise<unknown> = Promise.resolve()
  const store: Store = {
    dialect: 'sqlite',
    db,
    label: `sqlite:${file}`,
    async query<T>(sql: string, params: unknown[] = []) {
      await passGate(gate)
      return client.query(sql).all(...(params as never[])) as T[]
    },
    async batch(statements) {
      await passGate(gate)
      client.transaction(() => {
        for (const st of statements) client.query(st.sql).run(...((st.params ?? []) as never[]))
      }).immediate()
    },
    tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      const run = lock.then(async () => {
        await passGate(gate)
        return holdGate(gate, async () => {
          client.exec('BEGIN IMMEDIATE')
          try {
            const result = await fn(db)
            client.exec('COMMIT')
            return result
          } catch (err) {
            client.exec('ROLLBACK')
            throw err
          }
        })
      })
      lock = run.catch(() => undefined)
      return run
    },
    async lockKey() {
      // transactions already run one after another (the `lock` chain above, and BEGIN IMMEDIATE)
    },
    schemaTx<T>(fn: (query: RawQuery) => Promise<T>): Promise<T> {
      const query: RawQuery = async <R>(sql: string, params: unknown[] = []) => client.query(sql).all(...(params as never[])) as R[]
      const run = lock.then(async () => {
        await passGate(gate)
        return holdGate(gate, async () => {
          // A no-op inside a transaction: switched off before BEGIN, on again after COMMIT/ROLLBACK.
          client.exec('PRAGMA foreign_keys = OFF')
          try {
            client.exec('BEGIN IMMEDIATE')
            try {
              const result = await fn(query)
              client.exec('COMMIT')
              return result
            } catch (err) {
              if (client.inTransaction) client.exec('ROLLBACK')
              throw err
            }
          } finally {
            client.exec('PRAGMA foreign_keys = ON')
          }
        })
      })
      lock = run.catch(() => undefined)
      return run
    },
    async prepared(key, build, values) {
      // The statement belongs to the prepared query for its whole life: keep it out of the LRU.
      const run = prepared.get(key) ?? boundedSet(prepared, key, statements.unshared(() => runner(build(db).prepare())), PREPARED_QUERIES)
      await passGate(gate)
      return run(values) as never
    },
    async ping() {
      client.query('select 1').get()
    },
    async backup(target) {
      if (existsSync(target)) throw new StoreError(`${target} exists already: choose a new file name`)
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 })
      await passGate(gate) // VACUUM INTO cannot run inside an open transaction
      client.query('VACUUM INTO ?').run(target)
      ownerOnly(target)
    },
    async close() {
      client.close()
    },
  }
  return store
}

/** What `backupStore` wrote. */
export interface BackupResult {
  /** Absolute path of the copy. */
  path: string
  bytes: number
  ms: number
}

/**
 * `coder-ide backup <file>`: opens the SQLite store named by `url` (it must exist; nothing else is
 * started), copies it consistently to `file`, then opens the copy and runs `PRAGMA integrity_check`.
 * Throws StoreError with one line for a missing store, an existing target, PostgreSQL (use pg_dump)
 * or a copy that fails the check.
 */
export async function backupStore(url: string, file: string): Promise<BackupResult> {
  if (!url.startsWith('sqlite:')) throw new StoreError('backup copies SQLite stores only: on PostgreSQL use pg_dump, e.g. pg_dump "$DATABASE_URL" > backup.sql')
  const path = resolve(file)
  const started = performance.now()
  const store = await connect(url, { mustExist: true })
  try {
    await store.backup(path)
  } finally {
    await store.close()
  }
  const copy = new Database(path, { readonly: true })
  try {
    const rows = copy.query('PRAGMA integrity_check').all() as { integrity_check: string }[]
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok')
    if (problems.length) throw new StoreError(`the copy at ${path} fails PRAGMA integrity_check: ${problems.slice(0, 3).join('; ')}. Do not rely on it.`)
  } finally {
    copy.close()
  }
  return { path, bytes: statSync(path).size, ms: Math.round(performance.now() - started) }
}

/** Statements kept compiled per SQLite connection (least recently used are finalized). */
const STATEMENT_CACHE = 500

/**
 * drizzle compiles every query with `prepare`, again on every call; compiling costs more than running
 * a small indexed query. Keep the compiled statements by their SQL text (queries run synchronously
 * on this one connection, so a statement is never in use twice at once).
 */
function cachePreparedStatements(client: Database): { unshared<T>(fn: () => T): T } {
  const compile = client.prepare.bind(client)
  const cache = new Map<string, ReturnType<Database['prepare']>>()
  let bypass = false
  client.prepare = ((sql: string, ...rest: unknown[]) => {
    if (rest.length || bypass) return compile(sql, ...(rest as []))
    let statement = cache.get(sql)
    if (statement) {
      cache.delete(sql) // most recently used goes last
    } else {
      statement = compile(sql)
      if (cache.size >= STATEMENT_CACHE) {
        const [oldest, old] = cache.entries().next().value!
        cache.delete(oldest)
        old.finalize()
      }
    }
    cache.set(sql, statement)
    return statement
  }) as Database['prepare']
  return {
    /** Runs `fn` with statements compiled afresh and never cached (nor finalized by the cache). */
    unshared<T>(fn: () => T): T {
      bypass = true
      try {
        return fn()
      } finally {
        bypass = false
      }
    },
  }
}
