/** The SQLite store's files, its folder when the store creates it, and backups are the owner's only. */
import { afterEach, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backupStore, connect } from './connect.ts'

const root = mkdtempSync(join(tmpdir(), 'coder-ide-modes-'))
afterEach(() => rmSync(root, { recursive: true, force: true }))

const mode = (path: string) => statSync(path).mode & 0o777

test('a new data dir is 0700; the database, its -wal and -shm and a backup are 0600', async () => {
  const dir = join(root, 'data')
  const file = join(dir, 'coder-ide.db')
  const store = await connect(`sqlite:${file}`)
  await store.query('create table t (id integer primary key)')
  await store.query('insert into t (id) values (1)')
  expect(mode(dir)).toBe(0o700)
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    expect(existsSync(f)).toBe(true)
    expect(mode(f)).toBe(0o600)
  }
  await store.close()
  const copy = await backupStore(`sqlite:${file}`, join(root, 'backups', 'copy.db'))
  expect(mode(copy.path)).toBe(0o600)
  expect(mode(join(root, 'backups'))).toBe(0o700)
})
