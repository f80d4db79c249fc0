/** @module Tables of the dashboard: each user's layout (widget keys in order) and each organization's default. */
import { defineSchema } from '../../core/store/facade.ts'

export const schema = defineSchema((t) => ({
  layouts: t.table(
    'dashboard_layouts',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      userId: t.text('user_id').notNull(),
      /** Widget keys (`<pluginId>.<widgetId>`) in order; null: follow the organization's default. */
      widgets: t.json<string[]>('widgets'),
      /** Widget keys this user dismissed (the getting-started checklist). */
      dismissed: t.json<string[]>('dismissed'),
      updatedAt: t.time('updated_at').notNull(),
    },
    (l) => [t.uniqueIndex('dashboard_layouts_org_user').on(l.orgId, l.userId)],
  ),
  defaults: t.table('dashboard_defaults', {
    orgId: t.text('org_id').primaryKey(),
    widgets: t.json<string[]>('widgets').notNull(),
    updatedBy: t.text('updated_by'),
    updatedAt: t.time('updated_at').notNull(),
  }),
}))
