/** @jsxImportSource @kitajs/html */
// The external plugin the benchmark loads; run.ts copies it to <dataDir>/plugins/bench/index.tsx.
import { Elysia, t } from 'elysia'
import { definePlugin } from '../core/plugins/sdk.ts' // run.ts rewrites this to 'coder-ide/sdk'

interface Item {
  id: number
  title: string
  done: number
}

/** The query both plugin routes and the baseline run. */
export const ITEMS_SQL = 'select id, title, done from bench_items order by id limit 50'

const TABLE = 'create table bench_items (id integer primary key, title text not null, done integer not null)'

export default definePlugin({
  id: 'bench',
  name: 'Bench',
  version: '1.0.0',
  api: 1,
  migrations: {
    sqlite: [{ tag: '0000_init', sql: TABLE }],
    postgres: [{ tag: '0000_init', sql: TABLE }],
  },
  setup(ctx) {
    const items = () => ctx.store.query<Item>(ITEMS_SQL)
    return new Elysia({ name: 'plugin:bench' })
      .get('/bench', async () => {
        const rows = await items()
        const html = (
          <table>
            <thead>
              <tr><th>id</th><th>title</th><th>done</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr><td safe>{String(r.id)}</td><td safe>{r.title}</td><td>{r.done ? 'yes' : 'no'}</td></tr>
              ))}
            </tbody>
          </table>
        ) as string
        return new Response('<!doctype html><title>Bench</title>' + html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
      })
      .get('/api/v1/bench/items', async () => ({ items: await items() }))
      .post(
        '/api/v1/bench/seed',
        async ({ body }) => {
          // Titles carry <, & and quotes so the HTML route really escapes something.
          const rows = Array.from({ length: body.count }, (_, i) => ({
            sql: 'insert into bench_items (id, title, done) values (?, ?, ?)',
            params: [i + 1, `Item <${i + 1}> & "friends"`, i % 3 === 0 ? 1 : 0],
          }))
          await ctx.store.batch([{ sql: 'delete from bench_items' }, ...rows])
          return { seeded: body.count }
        },
        { body: t.Object({ count: t.Integer({ minimum: 1, maximum: 100_000 }) }) },
      )
  },
})
