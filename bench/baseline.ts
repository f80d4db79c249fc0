// The baseline: a bare Bun.serve over the same SQLite file, to measure what the platform costs.
// Usage: bun bench/baseline.ts <port> <sqlite file> <sql>
import { Database } from 'bun:sqlite'

const [portArg, file, sql] = process.argv.slice(2)
if (!portArg || !file || !sql) throw new Error('usage: bun bench/baseline.ts <port> <sqlite file> <sql>')

const db = new Database(file, { create: false })
db.exec('PRAGMA busy_timeout = 5000')
const items = db.query(sql)

const server = Bun.serve({
  port: Number(portArg),
  hostname: '127.0.0.1',
  fetch(request) {
    const { pathname } = new URL(request.url)
    if (pathname === '/const') return Response.json({ status: 'ok' })
    if (pathname === '/items') return Response.json({ items: items.all() })
    return new Response('not found', { status: 404 })
  },
})
console.log(`baseline listening on ${server.port}`)
