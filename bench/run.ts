// `npm run bench`: load-tests the compiled binary against a bare Bun.serve baseline measured in the same run.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureWrk, freePort, removeTempDir, rssMB, spawn, stop, tempDir, waitFor200, wrk, type WrkResult } from './lib.ts'
import { ITEMS_SQL } from './plugin.tsx'

const ROOT = join(import.meta.dir, '..')
const BIN = join(ROOT, 'dist/coder-ide')
const LOAD = { threads: 2, connections: Number(process.env.BENCH_CONNECTIONS ?? 32), duration: process.env.BENCH_DURATION ?? '5s' }
const WARMUP = { ...LOAD, duration: process.env.BENCH_WARMUP ?? '1s' }
const ROWS = 1000
const COLD_RUNS = 10
const AIMS = { ratio: 0.6, coldMs: 150, idleMB: 70 }

/** Builds dist/coder-ide when missing; warns when it is older than the sources it embeds. */
async function ensureBinary(): Promise<void> {
  if (!existsSync(BIN)) {
    console.log('dist/coder-ide missing: building it')
    const build = spawn([process.execPath, join(ROOT, 'scripts/build.ts')], { stdout: 'inherit', cwd: ROOT })
    if ((await build.exited) !== 0) throw new Error('build failed: see above')
    return
  }
  const sources = ['core', 'plugins', 'views', 'public'].flatMap((d) =>
    readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(ROOT, d, f)).mtimeMs),
  )
  if (Math.max(...sources) > statSync(BIN).mtimeMs) console.log('note: dist/coder-ide is older than the sources; run `npm run build` to bench the current code')
}

/** Writes the bench plugin as an external plugin, importing the SDK the way external code does. */
function writePlugin(dataDir: string): void {
  const source = readFileSync(join(import.meta.dir, 'plugin.tsx'), 'utf8')
  const external = source.replace(`from '../core/plugins/sdk.ts'`, `from 'coder-ide/sdk'`)
  if (external === source) throw new Error('bench/plugin.tsx: the SDK import to rewrite was not found')
  mkdirSync(join(dataDir, 'plugins/bench'), { recursive: true })
  writeFileSync(join(dataDir, 'plugins/bench/index.tsx'), external)
}

function serve(dataDir: string, port: number) {
  return spawn([BIN, 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'])
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text}`)
  return JSON.parse(text)
}

/** Spawn to first /healthz 200, each run with a fresh data dir; one discarded run first warms the page cache. */
async function coldStart(runs: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i <= runs; i++) {
    const dir = tempDir('coder-ide-cold-')
    const port = freePort()
    const started = performance.now()
    const proc = serve(dir, port)
    const ms = await waitFor200(`http://127.0.0.1:${port}/healthz`, started)
    await stop(proc)
    removeTempDir(dir)
    if (i > 0) times.push(ms)
  }
  return times.sort((a, b) => a - b)
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-')
const aim = (ok: boolean) => (ok ? 'PASS' : 'MISS')

async function main(): Promise<void> {
  await ensureWrk()
  await ensureBinary()
  console.log(`wrk -t${LOAD.threads} -c${LOAD.connections} -d${LOAD.duration} --latency (warm-up ${WARMUP.duration}); ${navigator.hardwareConcurrency} cores; bun ${Bun.version}\n`)

  console.log(`cold start: ${COLD_RUNS} runs ...`)
  const cold = await coldStart(COLD_RUNS)
  const coldMedian = (cold[(cold.length - 1) >> 1]! + cold[cold.length >> 1]!) / 2

  const dataDir = tempDir('coder-ide-bench-')
  writePlugin(dataDir)
  const port = freePort()
  const base = `http://127.0.0.1:${port}`
  const server = serve(dataDir, port)
  await waitFor200(`${base}/healthz`, performance.now())
  await Bun.sleep(1000)
  const idleMB = rssMB(server.pid)

  await post(`${base}/api/v1/admin/plugins/bench/enable`, {})
  await post(`${base}/api/v1/bench/seed`, { count: ROWS })

  const bport = freePort()
  const bbase = `http://127.0.0.1:${bport}`
  const baseline = spawn([process.execPath, join(import.meta.dir, 'baseline.ts'), String(bport), join(dataDir, 'coder-ide.db'), ITEMS_SQL])
  await waitFor200(`${bbase}/const`, performance.now())
  const baselineIdleMB = rssMB(baseline.pid)

  // Same rows from both sides, and the HTML really escapes the titles.
  const [mine, theirs] = await Promise.all([fetch(`${base}/api/v1/bench/items`).then((r) => r.text()), fetch(`${bbase}/items`).then((r) => r.text())])
  if (mine !== theirs) throw new Error(`plugin and baseline answer differently:\n${mine.slice(0, 200)}\n${theirs.slice(0, 200)}`)
  const page = await fetch(`${base}/bench`).then((r) => r.text())
  if (!page.includes('Item &lt;1&gt; &amp;') || (page.match(/<tr>/g) ?? []).length !== 51) throw new Error(`unexpected /bench page:\n${page.slice(0, 300)}`)

  const targets: { name: string; url: string; vs?: number; result?: WrkResult }[] = [
    { name: 'baseline  GET /const', url: `${bbase}/const` },
    { name: 'coder-ide GET /healthz', url: `${base}/healthz`, vs: 0 },
    { name: `baseline  GET /items (50 of ${ROWS} rows)`, url: `${bbase}/items` },
    { name: 'plugin    GET /api/v1/bench/items', url: `${base}/api/v1/bench/items`, vs: 2 },
    { name: 'plugin    GET /bench (HTML)', url: `${base}/bench`, vs: 2 },
  ]
  for (const t of targets) {
    console.log(`loading ${t.url} ...`)
    await wrk(t.url, WARMUP)
    t.result = await wrk(t.url, LOAD)
  }
  const loadedMB = rssMB(server.pid)
  const baselineLoadedMB = rssMB(baseline.pid)
  await Promise.all([stop(server), stop(baseline)])

  const ratio = (t: (typeof targets)[number]) => (t.vs === undefined ? NaN : t.result!.rps / targets[t.vs]!.result!.rps)
  console.log(`\n${'target'.padEnd(40)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ratio'.padStart(8)}  errors`)
  for (const t of targets) {
    const r = t.result!
    console.log(`${t.name.padEnd(40)}${fmt(r.rps).padStart(10)}${fmt(r.p50, 2).padStart(9)}${fmt(r.p99, 2).padStart(9)}${fmt(ratio(t), 2).padStart(8)}  ${r.errors}`)
  }
  console.log(`\ncold start (spawn to first /healthz 200, fresh data dir): median ${fmt(coldMedian, 1)} ms, min ${fmt(cold[0]!, 1)}, max ${fmt(cold.at(-1)!, 1)} (${cold.length} runs)`)
  console.log(`RSS coder-ide: idle ${fmt(idleMB, 1)} MB, after load ${fmt(loadedMB, 1)} MB  |  baseline: idle ${fmt(baselineIdleMB, 1)} MB, after load ${fmt(baselineLoadedMB, 1)} MB`)

  const [json, html] = [ratio(targets[3]!), ratio(targets[4]!)]
  console.log('\naims (a report, not a test):')
  console.log(`  ${aim(json >= AIMS.ratio)}  plugin JSON route >= ${AIMS.ratio} of baseline: ${fmt(json, 2)}`)
  console.log(`  ${aim(html >= AIMS.ratio)}  plugin HTML route >= ${AIMS.ratio} of baseline: ${fmt(html, 2)}`)
  console.log(`  ${aim(coldMedian < AIMS.coldMs)}  cold start < ${AIMS.coldMs} ms: ${fmt(coldMedian, 1)} ms`)
  console.log(`  ${aim(idleMB < AIMS.idleMB)}  idle RSS < ${AIMS.idleMB} MB: ${fmt(idleMB, 1)} MB`)
  const errors = targets.reduce((n, t) => n + t.result!.errors, 0)
  if (errors) console.log(`  note: ${errors} non-2xx answers or socket errors under load; the figures above are suspect`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
