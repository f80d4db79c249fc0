/**
 * The committed migrations match the schemas: generating from core's, every built-in plugin's and
 * every fixture's schema into a copy of its migrations folder writes nothing. A schema edited
 * without `bun scripts/generate-migrations.ts` fails here, naming the plugin and the new file.
 */
import { expect, test } from 'bun:test'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { coreSchema } from '../core/store/schema.ts'
import type { SchemaFactory } from '../core/store/facade.ts'
import { builtinPlugins } from '../plugins/index.ts'
import { generateMigrations, type GenerateTarget } from '../scripts/generate-migrations.ts'
import { fixturePlugins } from './fixtures/index.ts'

const root = join(import.meta.dir, '..')

test('every schema has its migrations committed: regenerating writes no new migration', async () => {
  const targets: GenerateTarget[] = [{ id: 'core', schema: coreSchema, dir: join(root, 'core/store/migrations') }]
  for (const [dir, list] of [
    ['plugins', builtinPlugins],
    ['test/fixtures', fixturePlugins],
  ] as const) {
    for (const p of list) if (p.schema) targets.push({ id: p.id, schema: p.schema as SchemaFactory, dir: join(root, dir, p.id, 'migrations') })
  }
  expect(targets.map((t) => t.id)).toEqual(expect.arrayContaining(['core', 'planning', 'calendar', 'dashboard', 'collaboration']))
  const scratch = mkdtempSync(join(tmpdir(), 'coder-ide-migrations-'))
  try {
    const drift: string[] = []
    for (const target of targets) {
      expect(existsSync(target.dir)).toBe(true)
      const copy = join(scratch, target.id)
      cpSync(target.dir, copy, { recursive: true })
      const written = await generateMigrations({ ...target, dir: copy })
      for (const file of written) drift.push(`${target.id}: ${file} (run bun scripts/generate-migrations.ts and commit it)`)
    }
    expect(drift).toEqual([])
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}, 60_000)
