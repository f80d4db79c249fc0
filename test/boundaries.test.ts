/**
 * Plugin boundaries (ARCHITECTURE rule 2): a plugin imports no other plugin's files, names no other
 * plugin's tables, and core imports no plugin (only core/main.ts imports the list).
 */
import { expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = join(import.meta.dir, '..')
const pluginIds = readdirSync(join(root, 'plugins')).filter((d) => statSync(join(root, 'plugins', d)).isDirectory())

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f) && !f.includes('migrations/'))
    .map((f) => join(dir, f))
}

test('no plugin imports another plugin or touches its tables', () => {
  const problems: string[] = []
  for (const id of pluginIds) {
    for (const file of sources(join(root, 'plugins', id))) {
      const text = readFileSync(file, 'utf8')
      const rel = relative(root, file)
      for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        const spec = m[1]!
        const other = pluginIds.find((o) => o !== id && (spec.includes(`plugins/${o}/`) || spec.startsWith(`../${o}/`) || spec === `../${o}`))
        if (other) problems.push(`${rel} imports ${spec} (plugin ${other})`)
      }
      for (const other of pluginIds) {
        if (other === id) continue
        const table = new RegExp(`['"\`\\s]${other.replace(/-/g, '_')}_[a-z_]+`, 'g')
        for (const m of text.matchAll(table)) problems.push(`${rel} names ${m[0].trim()} (a table of ${other})`)
      }
    }
  }
  expect(problems).toEqual([])
})

test('core imports no plugin; only core/main.ts imports the built-in list', () => {
  const problems: string[] = []
  for (const file of sources(join(root, 'core'))) {
    const rel = relative(root, file)
    if (rel === 'core/main.ts' || rel.endsWith('.test.ts')) continue
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
      if (m[1]!.startsWith('.') && resolve(dirname(file), m[1]!).startsWith(join(root, 'plugins') + '/')) problems.push(`${rel} imports ${m[1]}`)
    }
  }
  expect(problems).toEqual([])
})

test("core's code names no plugin: no plugin id as a string or path, no plugin's files (comments aside)", () => {
  const ids = pluginIds.join('|')
  const named = new RegExp(`['"\`]/?(?:public/)?(${ids})['"\`/]`, 'g')
  const problems: string[] = []
  for (const file of sources(join(root, 'core'))) {
    const rel = relative(root, file)
    if (rel === 'core/main.ts' || rel.endsWith('.test.ts')) continue
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
    for (const m of code.matchAll(named)) problems.push(`${rel} names ${m[0]}`)
  }
  expect(problems).toEqual([])
})
