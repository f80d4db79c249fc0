/** @module PostgreSQL side of the store, loaded only when DATABASE_URL says postgres. */
import postgres from 'postgres'
import { fillPlaceholders, sql as sqlTag, type SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import { rowMapper } from './prepared.ts'
import { redactUrl } from '../config.ts'
import { boundedSet, PREPARED_QUERIES, StoreError, type ConnectOptions, type Db, type RawQuery, type Store } from './connect.ts'

/** Turns `?` placeholders into `$1, $2, ...` (our raw SQL never has `?` inside strings). */
function numbered(sql: string): string {
  let i = 0
  return sql.replace(/\?/g, () => `$${++i}`)
}

/** Error codes of a PostgreSQL server that is not up yet: refused, unknown host, timed out, starting or shutting down. */
const NOT_UP_YET = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'CONNECT_TIMEOUT', '57P03', '57P01'])

/** Connects (waiting up to `pgWaitMs` for a server that is not up yet), checks the server answers, and returns the store. */
export async function connectPostgres(url: string, options: ConnectOptions): Promise<Store> {
  const label = redactUrl(url)
  const connection: Record<string, string> = { application_name: 'coder-ide' }
  if (options.pgSchema) connection.search_path = options.pgSchema
  const sql = postgres(url, {
    max: options.pgPoolSize ?? 10,
    connect_timeout: 5,
    idle_timeout: 60,
    onnotice: () => {},
    connection,
  })
  const deadline = Date.now() + (options.pgWaitMs ?? 0)
  for (let attempt = 1; ; attempt++) {
    try {
      if (options.pgSchema) {
        const admin = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} })
        try {
          await admin.unsafe(`create schema if not exists "${options.pgSchema.replace(/"/g, '')}"`)
        } finally {
          await admin.end()
        }
      }
      await sql`select 1`
      break
    } catch (err) {
      const e = err as Error & { code?: string }
      const reason = `${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' ').trim()
      // a server not up yet (refused, unknown host while a compose network starts, starting up, timed
      // out) is worth waiting for; wrong credentials or a missing database are not
      const delay = Math.min(250 * 2 ** (attempt - 1), 2000)
      if (NOT_UP_YET.has(e.code ?? '') && Date.now() + delay < deadline) {
        options.onWait?.(`PostgreSQL at ${label} is not accepting connections yet (${reason}): retrying in ${(delay / 1000).toFixed(1)} s`)
        await Bun.sleep(delay)
        continue
      }
      await sql.end({ timeout: 1 }).catch(() => {})
      throw new StoreError(`cannot reach PostgreSQL at ${label}: ${reason}. Check DATABASE_URL and that the server is running.`)
    }
  }
  const db = drizzle(sql) as unknown as Db
  type Run = (values?: Record<string, unknown>) => Promise<unknown>
  const prepared = new Map<string, Run>()
  /** Runs `query` as raw rows through a flat mapper where possible (drizzle's own way otherwise). */
  const runner = (query: { execute(values?: Record<string, unknown>): Promise<unknown>; queryString: string; params: unknown[] }): Run => {
    const map = rowMapper(query)
    if (!map) return (values) => query.execute(values)
    return async (values) => (await sql.unsafe(query.queryString, fillPlaceholders(query.params, values ?? {}) as never[], { prepare: true }).values()).map((row) => map(row as unknown[]))
  }
  return {
    dialect: 'postgres',
    db,
    label,
    async query<T>(text: string, params: unknown[] = []) {
      return (await sql.unsafe(numbered(text), params as never[])) as unknown as T[]
    },
    async batch(statements) {
      await sql.begin(async (tx) => {
        for (const st of statements) {
          await (st.params?.length ? tx.unsafe(numbered(st.sql), st.params as never[]) : tx.unsafe(st.sql))
        }
      })
    },
    async schemaTx<T>(fn: (query: RawQuery) => Promise<T>): Promise<T> {
      return (await sql.begin((tx) =>
        fn(async <R>(text: string, params: unknown[] = []) =>
          (await (params.length ? tx.unsafe(numbered(text), params as never[]) : tx.unsafe(text))) as unknown as R[],
        ),
      )) as T
    },
    async tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      return (db as unknown as { transaction: (f: (tx: Db) => Promise<T>) => Promise<T> }).transaction(fn)
    },
    async lockKey(tx, key) {
      await (tx as unknown as { execute(q: SQL): Promise<unknown> }).execute(sqlTag`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`)
    },
    async prepared(key, build, values) {
      // A name makes postgres.js prepare the statement on the server (once per connection).
      const run = prepared.get(key) ?? boundedSet(prepared, key, runner(build(db).prepare(key) as unknown as Parameters<typeof runner>[0]), PREPARED_QUERIES)
      return (await run(values)) as never
    },
    async ping() {
      await sql`select 1`
    },
    async backup() {
      throw new StoreError('backup copies SQLite stores only: on PostgreSQL use pg_dump, e.g. pg_dump "$DATABASE_URL" > backup.sql')
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
}
