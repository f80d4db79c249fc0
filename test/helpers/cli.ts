/** @module The command line as a separate process (`bun core/main.ts`), and a store of its own for it. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import type { Dialect } from '../../core/store/facade.ts'
import { PG_URL } from './store.ts'

const root = join(import.meta.dir, '..', '..')

/** Runs `bun core/main.ts <args>` to completion from the repository root. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, join(root, 'core/main.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'error', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, out, err }
}

/**
 * A data dir and, on PostgreSQL, a database of its own, for processes that open the store
 * themselves: `env` (DATA_DIR, and DATABASE_URL once `create` ran) for them; `drop` removes both.
 */
export function processStore(dialect: Dialect, name: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `coder-ide-${name}-`))
  const database = `${name.replace(/-/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const env: Record<string, string> = { DATA_DIR: dataDir }
  let pg: ReturnType<typeof postgres> | undefined
  return {
    dataDir,
    env,
    async create(): Promise<void> {
      if (dialect !== 'postgres') return
      pg = postgres(PG_URL, { max: 1, onnotice: () => {} })
      await pg.unsafe(`create database "${database}"`)
      const url = new URL(PG_URL)
      url.pathname = `/${database}`
      env.DATABASE_URL = url.toString()
    },
    async drop(): Promise<void> {
      if (pg) {
        await pg.unsafe(`drop database if exists "${database}" with (force)`)
        await pg.end()
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
