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

/** Comments out of CSS or JS/TS source (what a test of names should not read). */
function withoutComments(text: string, css = false): string {
  const blocks = text.replace(/\/\*[\s\S]*?\*\//g, '')
  return css ? blocks : blocks.replace(/(^|[^:])\/\/.*$/gm, '$1')
}

/**
 * Where core still says a plugin's id on purpose: the extension points core defines for plugins to
 * fill (ARCHITECTURE.md lists `dashboard.widget` and `calendar.source`), and a Lucide icon that
 * happens to share a plugin's name. Each entry is `file names match`.
 */
const CORE_MAY_NAME = new Set([
  "core/plugins/contract.ts names 'dashboard.",
  "core/plugins/contract.ts names 'calendar.",
  "core/plugins/host.ts names 'dashboard.",
  "core/plugins/host.ts names 'calendar.",
  "views/icons.ts names 'calendar'",
])

test("core's code, views and browser script name no plugin: no id as a string or path, no '<id>.' name (comments aside)", () => {
  const ids = pluginIds.join('|')
  const named = new RegExp(`['"\`]/?(?:public/)?(?:${ids})(?:['"\`/]|\\.)`, 'g')
  const files = [...sources(join(root, 'core')), ...sources(join(root, 'views')), join(root, 'public', 'app.js')]
  const problems: string[] = []
  for (const file of files) {
    const rel = relative(root, file)
    if (rel === 'core/main.ts' || rel.endsWith('.test.ts')) continue
    for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(named)) {
      const problem = `${rel} names ${m[0]}`
      if (!CORE_MAY_NAME.has(problem)) problems.push(problem)
    }
  }
  expect(problems).toEqual([])
})

test("core's stylesheet names no plugin and styles only what core renders (plugins ship their own, see `styles`)", () => {
  const css = withoutComments(readFileSync(join(root, 'public', 'app.css'), 'utf8'), true)
  const problems: string[] = []
  // a plugin id in a selector (.dashboard-grid) or anywhere else in a rule
  for (const m of css.matchAll(new RegExp(`(?<![\\w-])(?:${pluginIds.join('|')})(?![\\w])`, 'g'))) problems.push(`app.css names ${m[0]} near "${css.slice(Math.max(0, m.index! - 30), m.index! + 30).replace(/\s+/g, ' ')}"`)
  // every class it styles appears in core's markup: core/, views/ or public/app.js (a class only a
  // plugin's markup carries, like .cal-month or .pl-board, belongs in that plugin's stylesheet)
  const markup = [...sources(join(root, 'core')), ...sources(join(root, 'views')), join(root, 'public', 'app.js')]
    .filter((f) => !f.endsWith('.test.ts'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
  // classes core makes at run time: flash-${kind}, and htmx's own
  const runtime = new Set(['flash-ok', 'flash-error', 'htmx-indicator', 'htmx-request'])
  const classes = new Set([...css.replace(/\{[^{}]*\}/g, '{}').matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].map((m) => m[1]!))
  for (const c of classes) {
    if (runtime.has(c)) continue
    if (!new RegExp(`(?<![\\w-])${c.replace(/-/g, '\\-')}(?![\\w-])`).test(markup)) problems.push(`app.css styles .${c}, which no markup of core's carries`)
  }
  expect(problems).toEqual([])
})
