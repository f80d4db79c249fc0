// Helpers for bench/run.ts: child processes and temp dirs cleaned up on exit, wrk, ports, RSS.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Subprocess } from 'bun'

const children = new Set<Subprocess>()
const tempDirs = new Set<string>()

function cleanup(): void {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping children and removing temp dirs`)
    process.exit(130)
  })
}

/** Spawns a child that is killed when the benchmark exits, however it exits. */
export function spawn(cmd: string[], options: { stdout?: 'inherit' | 'pipe' | 'ignore'; stderr?: 'inherit' | 'pipe' | 'ignore'; cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const proc = Bun.spawn(cmd, { stdout: options.stdout ?? 'ignore', stderr: options.stderr ?? 'inherit', stdin: 'ignore', cwd: options.cwd, env: options.env })
  children.add(proc)
  void proc.exited.then(() => children.delete(proc))
  return proc
}

/** Stops a child with SIGTERM (SIGKILL after 3 s) and waits for it. */
export async function stop(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), 3000)
  await proc.exited
  clearTimeout(timer)
}

/** A temp dir removed at exit (or earlier with removeTempDir). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = s.port
  s.stop(true)
  return port
}

/** Polls `url` every `everyMs` until it answers 200; returns the ms since `since`. */
export async function waitFor200(url: string, since: number, timeoutMs = 10_000, everyMs = 2): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return performance.now() - since
    } catch {
      // not listening yet
    }
    await Bun.sleep(everyMs)
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
}

/** Resident memory of a process in MB (10^6 bytes), from /proc/<pid>/status. */
export function rssMB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`)
  return (Number(kb) * 1024) / 1e6
}

/** Installs wrk from Debian's packages when it is missing, showing apt's progress. */
export async function ensureWrk(): Promise<string> {
  const found = Bun.which('wrk')
  if (found) return found
  const sudo = process.getuid?.() === 0 ? [] : ['sudo']
  console.log('wrk not found: installing it with apt-get (Debian package "wrk") ...')
  for (const cmd of [[...sudo, 'apt-get', 'update'], [...sudo, 'apt-get', 'install', '-y', 'wrk']]) {
    const proc = spawn(cmd, { stdout: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if ((await proc.exited) !== 0) throw new Error(`${cmd.join(' ')} failed: install wrk by hand and run again`)
  }
  const installed = Bun.which('wrk')
  if (!installed) throw new Error('apt-get installed wrk but it is not on PATH')
  return installed
}

export interface WrkResult {
  rps: number
  p50: number
  p99: number
  /** Non-2xx answers, socket errors and timeouts: anything but 0 makes the figure suspect. */
  errors: number
  /** 95th percentile latency in ms (printed by a tiny wrk Lua script). */
  p95: number
  /** Requests completed. */
  requests: number
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; 10 ms resolution). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  // after the command name: state is field 3, utime 14 and stime 15 (1-based, in clock ticks of 10 ms)
  return (Number(fields[11]) + Number(fields[12])) * 10
}

let scriptFile: string | undefined
/** A wrk script whose `done` prints the 95th percentile, which wrk's --latency table leaves out. */
function p95Script(): string {
  if (!scriptFile) {
    scriptFile = join(tmpdir(), `coder-ide-wrk-p95-${process.pid}.lua`)
    writeFileSync(scriptFile, 'done = function(summary, latency, requests)\n  io.write(string.format("p95_us %d\\n", latency:percentile(95)))\nend\n')
  }
  return scriptFile
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

/** Runs wrk with --latency and parses requests/s and the 50th/99th percentile latency (ms). */
export async function wrk(url: string, o: { threads: number; connections: number; duration: string; headers?: Record<string, string> }): Promise<WrkResult> {
  const headers = Object.entries(o.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`])
  const proc = spawn(['wrk', `-t${o.threads}`, `-c${o.connections}`, `-d${o.duration}`, '--latency', '-s', p95Script(), ...headers, url], { stdout: 'pipe' })
  const out = await new Response(proc.stdout).text()
  if ((await proc.exited) !== 0) throw new Error(`wrk failed on ${url}:\n${out}`)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out)
    return m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN
  }
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0
  if (!Number.isFinite(rps)) throw new Error(`could not read Requests/sec from wrk:\n${out}`)
  const p95 = Number(/^p95_us (\d+)/m.exec(out)?.[1]) / 1000
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  return { rps, p50: pct('50'), p95, p99: pct('99'), errors: non2xx + socketErrors, requests }
}

/** Signs in through the real form; returns the Cookie header of the session. */
export async function signInAs(base: string, user: { email: string; password: string }, headers: Record<string, string> = {}): Promise<string> {
  const form = await fetch(`${base}/login`, { headers })
  const csrfCookie = form.headers.getSetCookie().find((c) => c.startsWith('csrf='))!.split(';')[0]!
  const body = new URLSearchParams({ _csrf: csrfCookie.slice('csrf='.length), email: user.email, password: user.password })
  const res = await fetch(`${base}/login`, { method: 'POST', body, headers: { ...headers, cookie: csrfCookie }, redirect: 'manual' })
  const sid = res.headers.getSetCookie().find((c) => c.startsWith('sid='))
  if (res.status !== 303 || !sid) throw new Error(`bench sign-in failed: ${res.status}`)
  return sid.split(';')[0]!
}
