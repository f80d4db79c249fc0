// The baseline: a bare Bun.serve over the same SQLite file, to measure what the platform costs.
import { Database } from 'bun:sqlite'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ITEMS_SQL, itemsPage, type Item } from './items.tsx'
import { baselineTasks } from './planning.ts'

const [port, file, shellFile, fixedDir] = process.argv.slice(2)
if (!port || !file) throw new Error('usage: bun bench/baseline.ts <port> <sqlite file> [shell page file] [folder of fixed pages]')
const shell = shellFile ? await Bun.file(shellFile).text() : ''
// Copies of coder-ide's pages (list, board) served as fixed bytes at /fixed/<name>: the floor for
// answering that page at all, so the gap is what the platform's work for it costs.
const fixed = new Map<string, string>()
if (fixedDir) for (const name of readdirSync(fixedDir)) fixed.set(`/fixed/${name.replace(/\.html$/, '')}`, await Bun.file(join(fixedDir, name)).text())

const db = new Database(file, { create: false })
db.exec('PRAGMA busy_timeout = 5000')
let itemsQuery: ReturnType<typeof db.query<Item, []>> | undefined
const items = { all: () => (itemsQuery ??= db.query<Item, []>(ITEMS_SQL)).all() }
let tasks: ReturnType<typeof baselineTasks> | undefined

Bun.serve({
  port: Number(port),
  hostname: '127.0.0.1',
  fetch(request) {
    const { pathname } = new URL(request.url)
    if (pathname === '/const') return Response.json({ status: 'ok' })
    if (pathname === '/items') return Response.json({ items: items.all() })
    if (pathname === '/tasks') return Response.json((tasks ??= baselineTasks(db))(new URL(request.url).searchParams.get('project') ?? ''))
    if (pathname === '/shell') return new Response(shell, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    const page = fixed.get(pathname)
    if (page !== undefined) return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    if (pathname === '/page') return new Response(itemsPage(items.all()), { headers: { 'content-type': 'text/html; charset=utf-8' } })
    return new Response('not found', { status: 404 })
  },
})
