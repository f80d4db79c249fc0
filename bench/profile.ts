// Profiling helper (not part of `npm run bench`): starts the server from source under --cpu-prof-md,
// seeds the 10,000-task project, loads one planning URL with wrk, stops, and leaves the profile.
// usage: bun bench/profile.ts <api|list|board|/any/path> [seconds]   (env: NO_PROF=1, PROF_JSON=1, BASELINE=1, BINARY=1, KEEP_DB=<file>)
// BASELINE=1 also loads the bare baseline right after: the same queries for api/list/board, the same bytes ready-made for a path.
import { join } from 'node:path'
import { seedPlanning } from './planning.ts'
import { cpuMs, signInAs, ensureWrk, freePort, spawn, stop, tempDir, waitFor200, wrk } from './lib.ts'

const ROOT = join(import.meta.dir, '..')
const which = process.argv[2] ?? 'api'
const seconds = process.argv[3] ?? '5'
const profDir = process.env.PROF_DIR ?? '/tmp/prof'
const dataDir = tempDir('coder-ide-prof-')
const user = { email: 'prof@example.com', password: 'profile password 1' }
const main = join(ROOT, 'core/main.ts')
const admin = spawn([process.execPath, main, 'admin', 'create', '--email', user.email, '--name', 'Prof', '--org', 'Prof', '--data-dir', dataDir, '--log-level', 'warn'], { env: { ...process.env, ADMIN_PASSWORD: user.password } })
if ((await admin.exited) !== 0) throw new Error('admin create failed')
const port = freePort()
const profile = process.env.NO_PROF ? [] : [process.env.PROF_JSON ? '--cpu-prof' : '--cpu-prof-md', `--cpu-prof-dir=${profDir}`]
// BINARY=1 runs the compiled dist/coder-ide instead of the sources (no profile then)
const server = spawn([...(process.env.BINARY ? [join(ROOT, 'dist/coder-ide')] : [process.execPath, ...profile, main]), 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'])
const base = `http://127.0.0.1:${port}`
await waitFor200(`${base}/readyz`, performance.now())
const session = await signInAs(base, user)
const { projectId } = await seedPlanning(base, session, join(dataDir, 'coder-ide.db'))
const url = which.startsWith('/') ? base + which : { api: `${base}/api/v1/planning/tasks?project=WEB&limit=50`, list: `${base}/planning/projects/WEB?priority=high`, board: `${base}/planning/projects/WEB/board` }[which]!
if (!url) throw new Error(`unknown target ${which}: use api, list, board or a path like /healthz`)
const sample = await fetch(url, { headers: { cookie: session } })
const sampleText = await sample.text()
console.log(which, sample.status, Buffer.byteLength(sampleText), 'bytes')
// For a path, the baseline answers the same bytes ready-made (as `npm run bench` does for the shell page).
const sameBytesFile = join(dataDir, 'same-bytes.html')
await Bun.write(sameBytesFile, sampleText)
await ensureWrk()
await wrk(url, { threads: 2, connections: 16, duration: '1s', headers: { cookie: session } })
const cpu0 = cpuMs(server.pid)
const r = await wrk(url, { threads: 2, connections: 16, duration: `${seconds}s`, headers: { cookie: session } })
const cpuPerRequest = ((cpuMs(server.pid) - cpu0) * 1000) / r.requests
console.log(which, r)
console.log(`CPU per request: ${cpuPerRequest.toFixed(0)} us`)
if (process.env.BASELINE) {
  // the bare Bun.serve running the same queries on the same file, loaded the same way, right after
  const bport = freePort()
  const baseline = spawn([process.execPath, join(import.meta.dir, 'baseline.ts'), String(bport), join(dataDir, 'coder-ide.db'), sameBytesFile])
  await waitFor200(`http://127.0.0.1:${bport}/const`, performance.now())
  const burl = which.startsWith('/') ? `http://127.0.0.1:${bport}/shell` : `http://127.0.0.1:${bport}/tasks?project=${projectId}`
  await wrk(burl, { threads: 2, connections: 16, duration: '1s' })
  const bcpu0 = cpuMs(baseline.pid)
  const b = await wrk(burl, { threads: 2, connections: 16, duration: `${seconds}s` })
  const bcpu = ((cpuMs(baseline.pid) - bcpu0) * 1000) / b.requests
  console.log(`baseline ${new URL(burl).pathname} ${b.rps} req/s; ${which} ${r.rps} req/s = ${(r.rps / b.rps).toFixed(2)} of the baseline`)
  console.log(`CPU per request: baseline ${bcpu.toFixed(0)} us, ${which} ${cpuPerRequest.toFixed(0)} us: ${(bcpu / cpuPerRequest).toFixed(2)} of the baseline's efficiency`)
  await stop(baseline)
}
if (process.env.KEEP_DB) for (const ext of ['', '-wal', '-shm']) { try { require('node:fs').copyFileSync(join(dataDir, 'coder-ide.db' + ext), process.env.KEEP_DB + ext) } catch {} }
await stop(server)
