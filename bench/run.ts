// `npm run bench`: load-tests the compiled binary against a bare Bun.serve baseline measured in the same run.
import { Database } from 'bun:sqlite'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { seedPlanning, TASKS } from './planning.ts'
import { cpuMs, signInAs, ensureWrk, freePort, removeTempDir, rssMB, spawn, stop, tempDir, waitFor200, wrk, type WrkResult } from './lib.ts'

const ROOT = join(import.meta.dir, '..')
const BIN = join(ROOT, 'dist/coder-ide')
const LOAD = { threads: 2, connections: Number(process.env.BENCH_CONNECTIONS ?? 32), duration: process.env.BENCH_DURATION ?? '5s' }
const WARMUP = { ...LOAD, duration: process.env.BENCH_WARMUP ?? '1s' }
const ROWS = 1000
const COLD_RUNS = 10
/** Every target is loaded once per round; even rounds run in reverse order to cancel drift. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const AIMS = { ratio: 0.6, shell: 0.4, coldMs: 150, idleMB: 70, listP95: 50, listRatio: 0.8 }
const PLANNING_LOAD = { ...LOAD, connections: 16 }
/** The planning pages measured: the name of their fixed copy in the baseline, the path, a label. */
const PLANNING_PAGES: [string, string, string][] = [
  ['list', '/planning/projects/WEB', 'list page (first page)'],
  ['list-high', '/planning/projects/WEB?priority=high', 'list page (priority=high)'],
  ['board', '/planning/projects/WEB/board', 'board'],
]

/** Builds dist/coder-ide when missing; warns when it is older than the sources it embeds. */
async function ensureBinary(): Promise<void> {
  if (!existsSync(BIN)) {
    console.log('dist/coder-ide missing: building it')
    const build = spawn([process.execPath, join(ROOT, 'scripts/build.ts')], { stdout: 'inherit', cwd: ROOT })
    if ((await build.exited) !== 0) throw new Error('build failed: see above')
    return
  }
  const sources = ['core', 'plugins', 'views', 'public'].flatMap((d) =>
    readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' })
      .filter((f) => !f.endsWith('.test.ts'))
      .map((f) => statSync(join(ROOT, d, f), { throwIfNoEntry: false })?.mtimeMs ?? 0),
  )
  if (Math.max(...sources) > statSync(BIN).mtimeMs) console.log('note: dist/coder-ide is older than the sources; run `npm run build` to bench the current code')
}

/** Writes the bench plugin as an external plugin, importing the SDK the way external code does. */
function writePlugin(dataDir: string): void {
  const source = readFileSync(join(import.meta.dir, 'plugin.tsx'), 'utf8')
  const external = source.replace(`from '../core/plugins/sdk.ts'`, `from 'coder-ide/sdk'`)
  if (external === source) throw new Error('bench/plugin.tsx: the SDK import to rewrite was not found')
  const dir = join(dataDir, 'plugins/bench')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.tsx'), external)
  writeFileSync(join(dir, 'items.tsx'), readFileSync(join(import.meta.dir, 'items.tsx')))
}

function serve(dataDir: string, port: number) {
  // --trust-proxy: the sign-in rate below comes from many addresses (X-Forwarded-For), as a login
  // storm would; from one address the per-address limit (60 correct passwords a minute) would cap it
  return spawn([BIN, 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn', '--trust-proxy', 'on'])
}

/** Fills the plugin's table (after its migration ran) with rows whose titles need escaping. */
function seed(file: string, count: number): void {
  const db = new Database(file, { create: false })
  db.exec('PRAGMA busy_timeout = 5000')
  const insert = db.query('insert into bench_items (id, title, done) values (?, ?, ?)')
  db.transaction(() => {
    for (let i = 1; i <= count; i++) insert.run(i, `Item <${i}> & "friends"`, i % 3 === 0 ? 1 : 0)
  })()
  db.close()
}

const BENCH_USER = { email: 'bench@example.com', password: 'bench password 1' }

/** Creates the instance admin (and an organization) the way an operator would, before the server starts. */
async function createAdmin(dataDir: string): Promise<void> {
  const proc = spawn([BIN, 'admin', 'create', '--email', BENCH_USER.email, '--name', 'Bench', '--org', 'Bench', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdout: 'pipe',
    env: { ...process.env, ADMIN_PASSWORD: BENCH_USER.password },
  })
  if ((await proc.exited) !== 0) throw new Error(`admin create failed: ${await new Response(proc.stdout).text()}`)
}

const signIn = (base: string) => signInAs(base, BENCH_USER)

/** Sign-ins per second through the real form with `concurrency` clients for `seconds` (argon2id, capped). */
async function signInRate(base: string, concurrency: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000
  let done = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const n = done
        await signInAs(base, BENCH_USER, { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` })
        done++
      }
    }),
  )
  return done / seconds
}

let serviceToken = ''

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${serviceToken}` }, body: JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text}`)
  return JSON.parse(text)
}

/** Spawn to first /readyz 200 (listening, plugins migrated and started), each run with a fresh data dir; one discarded run first warms the page cache. */
async function coldStart(runs: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i <= runs; i++) {
    const dir = tempDir('coder-ide-cold-')
    const port = freePort()
    const started = performance.now()
    const proc = serve(dir, port)
    const ms = await waitFor200(`http://127.0.0.1:${port}/readyz`, started)
    await stop(proc)
    removeTempDir(dir)
    if (i > 0) times.push(ms)
  }
  return times.sort((a, b) => a - b)
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-')
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const aim = (ok: boolean) => (ok ? 'PASS' : 'MISS')

interface Target {
  name: string
  url: string
  /** Baselines this target is compared with, by name. */
  vs: string[]
  runs: WrkResult[]
  /** CPU time the serving process spent per request, in µs, per run. */
  cpu: number[]
  headers?: Record<string, string>
  /** wrk settings when they differ from LOAD (planning: 16 clients, as the issue's aim says). */
  load?: typeof LOAD
}

async function main(): Promise<void> {
  await ensureWrk()
  await ensureBinary()
  console.log(`wrk -t${LOAD.threads} -c${LOAD.connections} -d${LOAD.duration} --latency, warm-up ${WARMUP.duration}, ${ROUNDS} rounds; ${navigator.hardwareConcurrency} cores; bun ${Bun.version}\n`)

  console.log(`cold start: ${COLD_RUNS} runs ...`)
  const cold = await coldStart(COLD_RUNS)
  const coldMedian = (cold[(cold.length - 1) >> 1]! + cold[cold.length >> 1]!) / 2

  const dataDir = tempDir('coder-ide-bench-')
  writePlugin(dataDir)
  await createAdmin(dataDir)
  const port = freePort()
  const base = `http://127.0.0.1:${port}`
  const server = serve(dataDir, port)
  await waitFor200(`${base}/readyz`, performance.now())
  await Bun.sleep(1000)
  const idleMB = rssMB(server.pid)
  serviceToken = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim()
  const session = await signIn(base)

  await post(`${base}/api/v1/admin/plugins/bench/enable`, {})
  const dbFile = join(dataDir, 'coder-ide.db')
  seed(dbFile, ROWS)

  console.log(`planning: seeding a project of ${TASKS} tasks ...`)
  const { projectId } = await seedPlanning(base, session, join(dataDir, 'coder-ide.db'))
  const bport = freePort()
  const bbase = `http://127.0.0.1:${bport}`
  // The baseline also serves a copy of the signed-in shell page as fixed bytes: what the shell's own
  // work (session, layout, nav, rendering) costs is the gap between the two.
  const shellFile = join(dataDir, 'shell.html')
  writeFileSync(shellFile, await fetch(`${base}/search`, { headers: { cookie: session } }).then((r) => r.text()))
  // The same for the planning pages: the list (first page and filtered) and the board, as fixed bytes.
  const fixedDir = join(dataDir, 'fixed')
  mkdirSync(fixedDir)
  for (const [name, path] of PLANNING_PAGES) {
    const res = await fetch(`${base}${path}`, { headers: { cookie: session } })
    const html = await res.text()
    if (res.status !== 200 || !html.includes('WEB-')) throw new Error(`${path} answered ${res.status} without tasks`)
    writeFileSync(join(fixedDir, `${name}.html`), html)
  }
  const baseline = spawn([process.execPath, join(import.meta.dir, 'baseline.ts'), String(bport), dbFile, shellFile, fixedDir])
  await waitFor200(`${bbase}/const`, performance.now())
  const baselineIdleMB = rssMB(baseline.pid)

  // Both sides must answer the same bytes, and the page must really escape the titles.
  for (const [mine, theirs] of [['/api/v1/bench/items', '/items'], ['/bench', '/page']] as const) {
    const [a, b] = await Promise.all([fetch(base + mine).then((r) => r.text()), fetch(bbase + theirs).then((r) => r.text())])
    if (a !== b) throw new Error(`${mine} and baseline ${theirs} answer differently:\n${a.slice(0, 200)}\n${b.slice(0, 200)}`)
  }
  const page = await fetch(`${base}/bench`).then((r) => r.text())
  if (!page.includes('Item &lt;1&gt; &amp;') || page.split('<tr>').length !== 52) throw new Error(`unexpected /bench page:\n${page.slice(0, 300)}`)

  const targets: Target[] = [
    { name: 'baseline  GET /const', url: `${bbase}/const`, vs: [], runs: [], cpu: [] },
    { name: 'coder-ide GET /healthz', url: `${base}/healthz`, vs: ['/const'], runs: [], cpu: [] },
    { name: `baseline  GET /items (JSON, 50 of ${ROWS})`, url: `${bbase}/items`, vs: [], runs: [], cpu: [] },
    { name: 'plugin    GET /api/v1/bench/items', url: `${base}/api/v1/bench/items`, vs: ['/items'], runs: [], cpu: [] },
    { name: `baseline  GET /page (HTML, 50 of ${ROWS})`, url: `${bbase}/page`, vs: [], runs: [], cpu: [] },
    { name: 'plugin    GET /bench (HTML)', url: `${base}/bench`, vs: ['/items', '/page'], runs: [], cpu: [] },
    { name: 'baseline  GET /shell (same page, fixed)', url: `${bbase}/shell`, vs: [], runs: [], cpu: [] },
    { name: 'shell     GET /search (signed in)', url: `${base}/search`, vs: ['/shell', '/page', '/const'], runs: [], cpu: [], headers: { cookie: session } },
    { name: `baseline  GET /tasks (JSON, 50 of ${TASKS})`, url: `${bbase}/tasks?project=${projectId}`, vs: [], runs: [], cpu: [], load: PLANNING_LOAD },
    { name: 'planning  GET /api/v1/planning/tasks', url: `${base}/api/v1/planning/tasks?project=WEB&limit=50`, vs: ['/tasks'], runs: [], cpu: [], headers: { cookie: session }, load: PLANNING_LOAD },
    ...PLANNING_PAGES.flatMap(([name, path, label]): Target[] => [
      { name: `baseline  GET /fixed/${name} (same bytes)`, url: `${bbase}/fixed/${name}`, vs: [], runs: [], cpu: [], load: PLANNING_LOAD },
      { name: `planning  GET ${label}`, url: `${base}${path}`, vs: [`/fixed/${name}`, '/const', '/tasks'], runs: [], cpu: [], headers: { cookie: session }, load: PLANNING_LOAD },
    ]),
  ]
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 ? [...targets].reverse() : targets) {
      console.log(`round ${round + 1}: ${t.url}`)
      if (round === 0) await wrk(t.url, { ...WARMUP, connections: (t.load ?? LOAD).connections, headers: t.headers })
      const pid = t.url.startsWith(bbase) ? baseline.pid : server.pid
      const cpu0 = cpuMs(pid)
      const run = await wrk(t.url, { ...(t.load ?? LOAD), headers: t.headers })
      t.runs.push(run)
      t.cpu.push(((cpuMs(pid) - cpu0) * 1000) / Math.max(run.requests, 1))
    }
  }
  const shellPage = await fetch(`${base}/search`, { headers: { cookie: session } }).then((r) => r.text())
  if (!shellPage.includes('id="main-nav"') || !shellPage.includes('Bench')) throw new Error('the signed-in /search page did not render the shell')
  console.log('sign-ins per second (8 clients, 5 s, argon2id capped) ...')
  const signIns = await signInRate(base, 8, 5)
  const loadedMB = rssMB(server.pid)
  const baselineLoadedMB = rssMB(baseline.pid)
  await Promise.all([stop(server), stop(baseline)])

  const rps = (t: Target) => mean(t.runs.map((r) => r.rps))
  const baselineFor = (path: string) => targets.find((b) => b.url === bbase + path || b.url.startsWith(bbase + path + '?'))!
  const ratio = (t: Target, path: string) => rps(t) / rps(baselineFor(path))
  const cpu = (t: Target) => mean(t.cpu)
  /** The baseline's CPU per request over ours: the same figure as `ratio`, less moved by other load on the machine. */
  const efficiency = (t: Target, path: string) => cpu(baselineFor(path)) / cpu(t)
  /** Half the gap between the rounds, in % of the mean: how far to trust a figure. */
  const spread = (t: Target) => ((Math.max(...t.runs.map((r) => r.rps)) - Math.min(...t.runs.map((r) => r.rps))) / 2 / rps(t)) * 100
  console.log(`\n${'target (mean of the rounds)'.padEnd(42)}${'req/s'.padStart(9)}${'±%'.padStart(5)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'CPU µs'.padStart(8)}${'errors'.padStart(8)}   ratio to baseline: req/s (CPU)`)
  for (const t of targets) {
    const cols = [fmt(rps(t)).padStart(9), fmt(spread(t)).padStart(5), fmt(mean(t.runs.map((r) => r.p50)), 2).padStart(9), fmt(mean(t.runs.map((r) => r.p95)), 2).padStart(9), fmt(mean(t.runs.map((r) => r.p99)), 2).padStart(9), fmt(cpu(t)).padStart(8)]
    const errors = String(t.runs.reduce((n, r) => n + r.errors, 0)).padStart(8)
    console.log(`${t.name.padEnd(42)}${cols.join('')}${errors}   ${t.vs.map((p) => `${fmt(ratio(t, p), 2)} (${fmt(efficiency(t, p), 2)}) of ${p}`).join(', ')}`)
  }
  console.log(`\ncold start (spawn to first /readyz 200, fresh data dir): median ${fmt(coldMedian, 1)} ms, min ${fmt(cold[0]!, 1)}, max ${fmt(cold.at(-1)!, 1)} (${cold.length} runs)`)
  console.log(`RSS coder-ide: idle ${fmt(idleMB, 1)} MB, after load ${fmt(loadedMB, 1)} MB  |  baseline: idle ${fmt(baselineIdleMB, 1)} MB, after load ${fmt(baselineLoadedMB, 1)} MB`)

  const json = ratio(targets[3]!, '/items')
  const html = ratio(targets[5]!, '/page')
  console.log('\naims (a report, not a test):')
  console.log(`  ${aim(json >= AIMS.ratio)}  plugin JSON route >= ${AIMS.ratio} of the query baseline: ${fmt(json, 2)}`)
  console.log(`  ${aim(html >= AIMS.ratio)}  plugin HTML route >= ${AIMS.ratio} of bare Bun.serve rendering the same page from the same query: ${fmt(html, 2)}`)
  const shellTarget = targets.find((t) => t.url === `${base}/search`)!
  const shell = ratio(shellTarget, '/shell')
  console.log(`  ${aim(shell >= AIMS.shell)}  signed-in shell page >= ${AIMS.shell} of bare Bun.serve answering the same page: ${fmt(shell, 2)} (CPU ${fmt(efficiency(shellTarget, '/shell'), 2)}; ${fmt(ratio(shellTarget, '/page'), 2)} of the bare 50-row page, ${fmt(ratio(shellTarget, '/const'), 2)} of /const)`)
  for (const listPage of targets.filter((t) => t.name.includes('list page'))) {
    const listP95 = mean(listPage.runs.map((r) => r.p95))
    console.log(`  ${aim(listP95 < AIMS.listP95)}  planning ${listPage.name.replace(/^planning\s+GET /, '')} p95 < ${AIMS.listP95} ms at 16 clients: ${fmt(listP95, 1)} ms`)
  }
  for (const [name, , label] of PLANNING_PAGES) {
    const t = targets.find((x) => x.name === `planning  GET ${label}`)!
    console.log(`  info  planning ${label}: ${fmt(ratio(t, `/fixed/${name}`), 2)} of bare Bun.serve sending the same bytes, ${fmt(ratio(t, '/const'), 2)} of /const`)
  }
  const apiList = targets.find((t) => t.name.includes('/api/v1/planning/tasks'))!
  console.log(`  ${aim(ratio(apiList, '/tasks') >= AIMS.listRatio)}  signed-in JSON list >= ${AIMS.listRatio} of a bare handler running the same queries: ${fmt(ratio(apiList, '/tasks'), 2)} (CPU ${fmt(efficiency(apiList, '/tasks'), 2)})`)
  console.log(`  info  sign-ins per second (argon2id, at most 2 hashes at once): ${fmt(signIns, 1)}`)
  console.log(`  ${aim(coldMedian < AIMS.coldMs)}  cold start < ${AIMS.coldMs} ms: ${fmt(coldMedian, 1)} ms`)
  console.log(`  ${aim(idleMB < AIMS.idleMB)}  idle RSS < ${AIMS.idleMB} MB: ${fmt(idleMB, 1)} MB`)
  const errors = targets.reduce((n, t) => n + t.runs.reduce((m, r) => m + r.errors, 0), 0)
  if (errors) console.log(`  note: ${errors} non-2xx answers or socket errors under load; the figures above are suspect`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
