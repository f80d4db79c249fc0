/**
 * @module Column facade: a plugin describes its tables once; core builds them for the active
 * dialect. Types are SQLite's (so queries type-check once); at run time on PostgreSQL the same
 * calls produce pg-core columns with the same JavaScript values (Date, boolean, object).
 */
import * as s from 'drizzle-orm/sqlite-core'
import * as p from 'drizzle-orm/pg-core'

/** PostgreSQL bytea read and written as Buffer (drizzle's pg-core has no bytea column). */
const bytea = p.customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })

/** The two stores one binary can run on. */
export type Dialect = 'sqlite' | 'postgres'

const sqliteFacade = {
  dialect: 'sqlite' as Dialect,
  /** A table; name it `<pluginId>_<plural>`. */
  table: s.sqliteTable,
  /** Text of any length. */
  text: (name: string) => s.text(name),
  /** Text limited to the given values (checked by TypeScript, stored as text). */
  enumText: <const T extends readonly [string, ...string[]]>(name: string, values: T) => s.text(name, { enum: values as unknown as [T[number], ...T[number][]] }),
  /**
   * A 32-bit integer (-2^31 .. 2^31-1). PostgreSQL refuses larger values (SQLite would store them):
   * use `bigint` for sizes, counters and epochs.
   */
  int: (name: string) => s.integer(name, { mode: 'number' }),
  /** A 64-bit integer read as a JavaScript number: exact up to 2^53 (Number.MAX_SAFE_INTEGER). */
  bigint: (name: string) => s.integer(name, { mode: 'number' }),
  /** An auto-incrementing integer primary key (32-bit on PostgreSQL). */
  serial: (name: string) => s.integer(name, { mode: 'number' }).primaryKey({ autoIncrement: true }),
  /** An auto-incrementing 64-bit integer primary key, read as a number. */
  bigserial: (name: string) => s.integer(name, { mode: 'number' }).primaryKey({ autoIncrement: true }),
  /** A double-precision number. */
  real: (name: string) => s.real(name),
  /** true / false. */
  bool: (name: string) => s.integer(name, { mode: 'boolean' }),
  /** A point in time, read and written as Date (milliseconds). */
  time: (name: string) => s.integer(name, { mode: 'timestamp_ms' }),
  /** A JSON value (jsonb on PostgreSQL). */
  json: <T>(name: string) => s.text(name, { mode: 'json' }).$type<T>(),
  /** Binary data, read and written as Buffer (blob on SQLite, bytea on PostgreSQL). */
  bytes: (name: string) => s.blob(name, { mode: 'buffer' }),
  index: s.index,
  uniqueIndex: s.uniqueIndex,
  primaryKey: s.primaryKey,
}

const postgresFacade = {
  dialect: 'postgres' as Dialect,
  table: p.pgTable,
  text: (name: string) => p.text(name),
  enumText: <const T extends readonly [string, ...string[]]>(name: string, values: T) => p.text(name, { enum: values as unknown as [T[number], ...T[number][]] }),
  int: (name: string) => p.integer(name),
  bigint: (name: string) => p.bigint(name, { mode: 'number' }),
  serial: (name: string) => p.integer(name).primaryKey().generatedByDefaultAsIdentity(),
  bigserial: (name: string) => p.bigint(name, { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  real: (name: string) => p.doublePrecision(name),
  bool: (name: string) => p.boolean(name),
  time: (name: string) => p.timestamp(name, { mode: 'date', withTimezone: true, precision: 3 }),
  json: <T>(name: string) => p.jsonb(name).$type<T>(),
  bytes: (name: string) => bytea(name),
  index: p.index,
  uniqueIndex: p.uniqueIndex,
  primaryKey: p.primaryKey,
}

/** What a schema factory receives. */
export type ColumnFacade = typeof sqliteFacade

/** A plugin's tables, built for whichever dialect core runs on. */
export type SchemaFactory<T extends Record<string, s.SQLiteTable> = Record<string, s.SQLiteTable>> = (t: ColumnFacade) => T

/** Returns the facade for a dialect. */
export function columnFacade(dialect: Dialect): ColumnFacade {
  return dialect === 'sqlite' ? sqliteFacade : (postgresFacade as unknown as ColumnFacade)
}

/** Identity helper that keeps a schema factory's table types. */
export function defineSchema<T extends Record<string, s.SQLiteTable>>(factory: SchemaFactory<T>): SchemaFactory<T> {
  return factory
}
