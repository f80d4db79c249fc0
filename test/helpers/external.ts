/** @module Writes external plugin files into a data dir, the way an admin would drop them in. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Source of a small external plugin serving `/<id>` (HTML) and `/api/v1/<id>/version` (JSON), which
 * counts its table's rows through drizzle (imported as external code does) and its own schema, and
 * declares the asset `public/app.js` (served at `/public/<id>/app.js` once written beside it).
 */
export function externalPluginSource(id: string, version: string): string {
  return `/** @jsxImportSource @kitajs/html */
import { Elysia } from 'elysia'
import { sql } from 'drizzle-orm'
import { defineSchema, definePlugin, guard } from 'coder-ide/sdk'

const schema = defineSchema((c) => ({ hits: c.table('${id.replace(/-/g, '_')}_hits', { id: c.int('id').primaryKey() }) }))

export default definePlugin({
  id: '${id}',
  name: 'External ${id}',
  version: '${version}',
  api: 1,
  schema,
  assets: { 'app.js': 'public/app.js' },
  migrations: {
    sqlite: [{ tag: '0000_init', sql: 'create table ${id.replace(/-/g, '_')}_hits (id integer primary key)' }],
    postgres: [{ tag: '0000_init', sql: 'create table ${id.replace(/-/g, '_')}_hits (id integer primary key)' }],
  },
  setup(ctx) {
    ctx.nav({ label: 'External ${id}', href: '/${id}' })
    return new Elysia({ name: 'plugin:${id}' })
      .use(guard)
      .get('/${id}', () => new Response(<p class="version" safe>{'${version} <b>'}</p>, { headers: { 'content-type': 'text/html; charset=utf-8' } }), { public: true })
      .get('/api/v1/${id}/version', async () => ({ version: '${version}', rows: (await ctx.db.select({ n: sql<number>\`count(*)\` }).from(ctx.tables.hits)).length }), { public: true })
  },
})
`
}

/** Writes `<dataDir>/plugins/<id>/<file>` (folders included). */
export function writeExternalPlugin(dataDir: string, id: string, source: string, file = 'index.tsx'): string {
  const path = join(dataDir, 'plugins', id, file)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, source)
  return path
}
