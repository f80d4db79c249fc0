/** @module Core's own tables (plugin state); migrations under core/store/migrations. */
import { defineSchema } from './facade.ts'

/** Tables the host keeps; `core_migrations` is created by the migrator itself. */
export const coreSchema = defineSchema((t) => ({
  plugins: t.table('core_plugins', {
    id: t.text('id').primaryKey(),
    enabled: t.bool('enabled').notNull(),
    version: t.text('version').notNull(),
    error: t.text('error'),
    settings: t.json<Record<string, unknown>>('settings'),
    updatedAt: t.time('updated_at').notNull(),
  }),
}))
