/** @module Test stores on both dialects: a temp SQLite file, or a fresh PostgreSQL schema per store. */
import { describe } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { connect, type Store } from '../../core/store/connect.ts'
import type { Dialect } from '../../core/store/facade.ts'

/** The PostgreSQL the suite uses; it must be reachable (the suite fails, never skips). */
export const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
export const DIALECTS: Dialect[] = ['sqlite', 'postgres']

let counter = 0

/** A store nobody else uses, and how to throw it away. */
export interface TestStore {
  store: Store
  /** The URL the store was opened with (PostgreSQL: pass `pgSchema` too). */
  url: string
  pgSchema?: string
  dataDir: string
  cleanup(): Promise<void>
}

/** Opens a fresh store on `dialect`. */
export async function testStore(dialect: Dialect): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coder-ide-test-'))
  if (dialect === 'sqlite') {
    const url = `sqlite:${join(dataDir, 'test.db')}`
    const store = await connect(url)
    return {
      store,
      url,
      dataDir,
      async cleanup() {
        await store.close()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  }
  const pgSchema = `t_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`
  let store: Store
  try {
    store = await connect(PG_URL, { pgSchema, pgPoolSize: 5 })
  } catch (err) {
    throw new Error(`the suite needs PostgreSQL (TEST_DATABASE_URL=${PG_URL}): ${(err as Error).message}`)
  }
  return {
    store,
    url: PG_URL,
    pgSchema,
    dataDir,
    async cleanup() {
      await store.close()
      await dropSchema(pgSchema)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Drops a test schema. */
export async function dropSchema(schema: string): Promise<void> {
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`drop schema if exists "${schema}" cascade`)
  } finally {
    await admin.end()
  }
}

/** Declares the same tests once per dialect: `describe('<name> [sqlite]')` and `[postgres]`. */
export function eachDialect(name: string, fn: (dialect: Dialect) => void): void {
  for (const dialect of DIALECTS) describe(`${name} [${dialect}]`, () => fn(dialect))
}
