// The host at 18 plugins, before the other fourteen exist (not part of `npm run bench`).
// usage: bun bench/scale.ts [runs]
//
// Writes 14 stand-in plugins as external plugins of a data dir. Each has the footprint of a domain
// plugin: three tables with migrations, a schema through the column facade, permissions, events,
// settings, a nav entry, a dashboard widget, a search provider, event handlers, a JSON list, a JSX
// page and a write route. They measure what the plugin host, the store and the router cost per
// plugin, not the future plugins' own code. External plugins are transpiled at every start, which
// built-in ones (bundled into the binary) are not, so the 18-plugin start time is an upper bound.
// Prints, for the binary with the four built-in plugins and with all 18: cold start (spawn to
// /readyz 200, everything enabled and migrated), idle RSS, and RSS after every plugin served.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, removeTempDir, rssMB, signInAs, spawn, stop, tempDir, waitFor200 } from './lib.ts'

const ROOT = join(import.meta.dir, '..')
const BIN = join(ROOT, 'dist/coder-ide')
const RUNS = Number(process.argv[2] ?? 7)
const IDS = ['secrets', 'usage', 'embeddings', 'ai', 'execution', 'mcp', 'knowledge', 'messaging', 'logging', 'learning', 'quality', 'resources', 'workflow', 'observability'].map((id) => `${id}-standin`)
const ADMIN = { email: 'scale@example.com', password: 'scale password 1' }

/** One stand-in plugin's source: the shape of a domain plugin, with honest (small) work in each route. */
function standIn(id: string): string {
  const name = id.replace(/-standin$/, '')
  const table = id.replace(/-/g, '_')
  return `/** @jsxImportSource @kitajs/html */
import { Elysia, t } from 'elysia'
import { and, desc, eq, sql } from 'drizzle-orm'
import { defineSchema, definePlugin, guard } from 'coder-ide/sdk'

const schema = defineSchema((c) => ({
  items: c.table('${table}_items', {
    id: c.text('id').primaryKey(),
    orgId: c.text('org_id').notNull(),
    title: c.text('title').notNull(),
    body: c.text('body').notNull().default(''),
    state: c.text('state').notNull().default('open'),
    createdAt: c.time('created_at').notNull(),
    updatedAt: c.time('updated_at').notNull(),
  }),
  notes: c.table('${table}_notes', {
    id: c.text('id').primaryKey(),
    orgId: c.text('org_id').notNull(),
    itemId: c.text('item_id').notNull(),
    text: c.text('text').notNull(),
    createdAt: c.time('created_at').notNull(),
  }),
  counters: c.table('${table}_counters', {
    orgId: c.text('org_id').primaryKey(),
    seen: c.int('seen').notNull().default(0),
  }),
}))

const DDL = [
  'create table ${table}_items (id text primary key not null, org_id text not null, title text not null, body text not null default \\'\\', state text not null default \\'open\\', created_at TIME not null, updated_at TIME not null)',
  'create index ${table}_items_org on ${table}_items (org_id, updated_at)',
  'create table ${table}_notes (id text primary key not null, org_id text not null, item_id text not null, text text not null, created_at TIME not null)',
  'create table ${table}_counters (org_id text primary key not null, seen integer not null default 0)',
]
const TIME = { sqlite: 'integer', postgres: 'timestamptz' }

export default definePlugin({
  id: '${id}',
  name: '${name} (stand-in)',
  version: '0.0.1',
  api: 1,
  description: 'A stand-in with the footprint of the ${name} plugin, for bench/scale.ts.',
  permissions: {
    '${id}.item.read': { description: 'See items', grant: 'guest' },
    '${id}.item.write': { description: 'Write items', grant: 'member' },
    '${id}.item.manage': { description: 'Manage', grant: 'admin' },
  },
  events: { '${id}.item.created': 'An item was created', '${id}.item.updated': 'An item changed' },
  schema,
  migrations: {
    sqlite: [{ tag: '0000_init', sql: DDL.map((s) => s.replace(/TIME/g, TIME.sqlite)).join(';\\n') }],
    postgres: [{ tag: '0000_init', sql: DDL.map((s) => s.replace(/TIME/g, TIME.postgres)).join(';\\n') }],
  },
  settings: t.Object({ pageSize: t.Number({ default: 50, minimum: 1, maximum: 500 }), label: t.String({ default: '${name}' }) }),
  setup(ctx) {
    const { items, counters } = ctx.tables
    const list = (orgId: string, limit: number) =>
      ctx.store.prepared('${id}.items', (db) => db.select().from(items).where(eq(items.orgId, sql.placeholder('org'))).orderBy(desc(items.updatedAt)).limit(sql.placeholder('limit')), { org: orgId, limit })
    ctx.nav({ label: '${name}', href: '/${id}', icon: 'plug', permission: '${id}.item.read', order: 200 })
    ctx.contribute('dashboard.widget', { id: 'recent', title: '${name}: recent', permission: '${id}.item.read', render: async (_r, auth) => String((await list(auth.org!.id, 5)).length) + ' items' })
    ctx.contribute('search.provider', { label: '${name}', permission: '${id}.item.read', search: async (q, auth) => (await list(auth.org!.id, 50)).filter((i) => i.title.includes(q)).slice(0, 5).map((i) => ({ title: i.title, href: '/${id}' })) })
    ctx.bus.on('planning.task.created', async () => {})
    ctx.bus.on('${id}.item.created', async (e) => {
      await ctx.db.insert(counters).values({ orgId: e.orgId, seen: 1 }).onConflictDoUpdate({ target: counters.orgId, set: { seen: sql\`\${counters.seen} + 1\` } })
    })
    return new Elysia({ name: 'plugin:${id}' })
      .use(guard)
      .get('/${id}', async ({ request, auth }) => {
        const rows = await list(auth.org!.id, ctx.settings<{ pageSize: number }>().pageSize)
        const body = (
          <section>
            <h1 safe>{ctx.settings<{ label: string }>().label}</h1>
            <table>
              <tbody>{rows.map((r) => <tr><td safe>{r.title}</td><td safe>{r.state}</td></tr>)}</tbody>
            </table>
          </section>
        ) as string
        return ctx.page(request, auth, { title: '${name}', body })
      }, { permission: '${id}.item.read' })
      .get('/api/v1/${id}/items', async ({ auth }) => ({ items: await list(auth.org!.id, 50), nextCursor: null }), { permission: '${id}.item.read' })
      .post('/api/v1/${id}/items', async ({ auth, body, set }) => {
        const now = new Date()
        const [row] = await ctx.db.insert(items).values({ id: Bun.randomUUIDv7(), orgId: auth.org!.id, title: body.title, createdAt: now, updatedAt: now }).returning()
        ctx.bus.emit('${id}.item.created', { orgId: auth.org!.id, id: row!.id })
        set.status = 201
        return row
      }, { permission: '${id}.item.write', body: t.Object({ title: t.String({ minLength: 1, maxLength: 200 }) }) })
      .get('/api/v1/${id}/items/:id', async ({ auth, params, set }) => {
        const [row] = await ctx.db.select().from(items).where(and(eq(items.orgId, auth.org!.id), eq(items.id, params.id)))
        if (!row) { set.status = 404; return { error: { code: 'not_found', message: 'no such item' } } }
        return row
      }, { permission: '${id}.item.read' })
  },
})
`
}

function writeStandIns(dataDir: string): void {
  for (const id of IDS) {
    const dir = join(dataDir, 'plugins', id)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'index.tsx'), standIn(id))
  }
}

async function run(cmd: string[], env: Record<string, string> = {}): Promise<void> {
  const proc = spawn(cmd, { stdout: 'pipe', stderr: 'pipe', env: { ...process.env, ...env } })
  if ((await proc.exited) !== 0) throw new Error(`${cmd.slice(1).join(' ')} failed: ${await new Response(proc.stderr).text()}`)
}

interface Figures {
  plugins: number
  coldMs: number[]
  idleMB: number
  servedMB: number
}

/** Prepares a data dir (admin, and the stand-ins enabled when `withStandIns`), then measures it. */
async function measure(withStandIns: boolean): Promise<Figures> {
  const dataDir = tempDir('coder-ide-scale-')
  if (withStandIns) writeStandIns(dataDir)
  await run([BIN, 'admin', 'create', '--email', ADMIN.email, '--name', 'Scale', '--org', 'Scale', '--data-dir', dataDir, '--log-level', 'warn'], { ADMIN_PASSWORD: ADMIN.password })
  if (withStandIns) for (const id of IDS) await run([BIN, 'plugins', 'enable', id, '--data-dir', dataDir, '--log-level', 'warn'])
  const serve = (port: number) => spawn([BIN, 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'])
  const coldMs: number[] = []
  for (let i = 0; i <= RUNS; i++) {
    const port = freePort()
    const started = performance.now()
    const proc = serve(port)
    const ms = await waitFor200(`http://127.0.0.1:${port}/readyz`, started)
    await stop(proc)
    if (i > 0) coldMs.push(ms) // the first run warms the page cache
  }
  const port = freePort()
  const server = serve(port)
  const base = `http://127.0.0.1:${port}`
  await waitFor200(`${base}/readyz`, performance.now())
  const token = (await Bun.file(join(dataDir, 'admin.token')).text()).trim()
  const listed = (await (await fetch(`${base}/api/v1/admin/plugins`, { headers: { authorization: `Bearer ${token}` } })).json()) as { plugins: { id: string; status: string; error?: string }[] }
  const all = listed.plugins
  const failed = all.filter((p) => p.status !== 'enabled')
  if (failed.length) throw new Error(`not enabled: ${failed.map((p) => `${p.id} (${p.status}${p.error ? ': ' + p.error : ''})`).join(', ')}`)
  const plugins = all.length
  await Bun.sleep(1000)
  const idleMB = rssMB(server.pid)
  const session = await signInAs(base, ADMIN)
  const pages = ['/dashboard', '/planning', '/calendar', '/collaboration/inbox', '/search?q=a', ...(withStandIns ? IDS.flatMap((id) => [`/${id}`, `/api/v1/${id}/items`]) : [])]
  for (let round = 0; round < 20; round++) {
    for (const path of pages) {
      const res = await fetch(base + path, { headers: { cookie: session } })
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
      await res.arrayBuffer()
    }
  }
  await Bun.sleep(500)
  const servedMB = rssMB(server.pid)
  await stop(server)
  removeTempDir(dataDir)
  return { plugins, coldMs: coldMs.sort((a, b) => a - b), idleMB, servedMB }
}

if (!(await Bun.file(BIN).exists())) throw new Error('dist/coder-ide is missing: run `npm run build` first')
const median = (xs: number[]) => (xs[(xs.length - 1) >> 1]! + xs[xs.length >> 1]!) / 2
console.log(`cold start = spawn to first /readyz 200 (plugins migrated and enabled), median of ${RUNS}; RSS from /proc\n`)
const rows: [string, Figures][] = [
  ['4 built-in plugins', await measure(false)],
  ['4 built-in + 14 stand-ins (external)', await measure(true)],
]
for (const [label, f] of rows) {
  console.log(`${label.padEnd(38)} ${f.plugins} enabled  cold ${median(f.coldMs).toFixed(0)} ms (min ${f.coldMs[0]!.toFixed(0)})  idle ${f.idleMB.toFixed(0)} MB  after serving every plugin ${f.servedMB.toFixed(0)} MB`)
}
const [, small] = rows[0]!
const [, big] = rows[1]!
console.log(`\nper stand-in plugin: +${((median(big.coldMs) - median(small.coldMs)) / IDS.length).toFixed(1)} ms start, +${((big.idleMB - small.idleMB) / IDS.length).toFixed(1)} MB idle, +${((big.servedMB - small.servedMB) / IDS.length).toFixed(1)} MB served`)
console.log(`aims at 18 plugins: cold start <= 200 ms: ${median(big.coldMs) <= 200 ? 'PASS' : 'MISS'}; memory <= 100 MB: ${big.servedMB <= 100 ? 'PASS' : 'MISS'}`)
