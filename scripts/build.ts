/**
 * Builds the single executable dist/coder-ide: core, built-in plugins, migrations, htmx and CSS
 * embedded; bytecode-compiled for a fast cold start. Usage: bun scripts/build.ts [--outfile <path>]
 */
import { join } from 'node:path'

const root = join(import.meta.dir, '..')
const at = process.argv.indexOf('--outfile')
const outfile = at > 0 ? process.argv[at + 1]! : join(root, 'dist/coder-ide')
const started = performance.now()
console.log(`building ${outfile} ...`)
const proc = Bun.spawnSync(
  [process.execPath, 'build', '--compile', '--minify', '--bytecode', '--sourcemap', join(root, 'core/main.ts'), '--outfile', outfile],
  { cwd: root, stdout: 'inherit', stderr: 'inherit' },
)
if (proc.exitCode !== 0) {
  console.error('build failed: see the messages above')
  process.exit(1)
}
console.log(`built ${outfile} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
