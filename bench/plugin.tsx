// The external plugin the benchmark loads: run.ts copies it to <dataDir>/plugins/bench/index.tsx, with items.tsx beside it.
import { Elysia } from 'elysia'
import { definePlugin, guard } from '../core/plugins/sdk.ts' // run.ts rewrites this to 'coder-ide/sdk', as external plugins import it
import { ITEMS_SQL, itemsPage, type Item } from './items.tsx'

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
      .use(guard)
      .get('/bench', async () => new Response(itemsPage(await items()), { headers: { 'content-type': 'text/html; charset=utf-8' } }), { public: true })
      .get('/api/v1/bench/items', async () => ({ items: await items() }), { public: true })
  },
})
