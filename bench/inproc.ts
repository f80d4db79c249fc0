// In-process timing of one URL through the whole HTTP front (no sockets): CPU µs per request, for
// quick A/B of request-path changes without wrk's noise. Not part of `npm run bench`.
// usage: bun bench/inproc.ts [/path] [requests]
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../core/config.ts'
import { setLogLevel } from '../core/log.ts'
import { openPlatform } from '../core/platform.ts'
import { createFetch } from '../core/http/server.ts'
import { builtinPlugins } from '../plugins/index.ts'

setLogLevel('warn')
const path = process.argv[2] ?? '/search'
const n = Number(process.argv[3] ?? 50_000)
const dataDir = mkdtempSync(join(tmpdir(), 'coder-ide-inproc-'))
const platform = await openPlatform(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), builtinPlugins)
await platform.host.boot()
const { accounts, orgs } = platform.deps.identity
const user = await accounts.createUser({ email: 'prof@example.com', name: 'Prof', password: 'profile password 1', isAdmin: true })
await orgs.createOrg({ name: 'Prof' }, user.id)
for (const id of ['collaboration', 'planning', 'calendar', 'dashboard']) await platform.host.enable(id).catch(() => {})
platform.deps.needsSetup = false
const session = await accounts.createSession(user.id, { ip: '127.0.0.1', userAgent: 'inproc' })
const front = createFetch(platform.deps)
const server = { requestIP: () => ({ address: '127.0.0.1', port: 1, family: 'IPv4' }) } as never
const cookie = `sid=${session.token}`
const url = `http://127.0.0.1:3000${path}`
const once = async () => {
  const res = await front.fetch(new Request(url, { headers: { cookie } }), server)
  return res.text()
}
const sample = await once()
console.log(path, sample.length, 'chars', sample.includes('main-nav') ? '(in the shell)' : '')
for (let i = 0; i < 5000; i++) await once()
for (let round = 0; round < 3; round++) {
  const t = process.cpuUsage()
  for (let i = 0; i < n; i++) await once()
  const d = process.cpuUsage(t)
  console.log(`round ${round + 1}: ${((d.user + d.system) / n).toFixed(2)} µs CPU per request`)
}
await platform.host.stop()
await platform.store.close()
