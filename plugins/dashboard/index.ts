/**
 * @module The dashboard plugin: the page after sign-in, a grid of widget cards that other plugins
 * contribute ('dashboard.widget'), each loading and failing on its own; per-user layouts with an
 * organization default; built-in widgets (getting started, recent activity, plugin health).
 */
import { definePlugin } from '../../core/plugins/contract.ts'
import dashboardJs from './public/dashboard.js' with { type: 'file' }
import dashboardCss from './public/dashboard.css' with { type: 'file' }
import { migrations } from './migrations/index.ts'
import { schema } from './schema.ts'
import { Layouts } from './service.ts'
import { builtinWidgets } from './widgets.tsx'
import { dashboardRoutes } from './routes.tsx'

export default definePlugin({
  id: 'dashboard',
  name: 'Dashboard',
  version: '1.0.0',
  api: 1,
  uses: { 'collaboration.activity': 'the Recent activity widget', 'planning.summary': 'the project step of the Getting started checklist' },
  description: 'The start page: widgets from every plugin, arranged per user.',
  permissions: {
    'dashboard.widget.read': { description: 'See the dashboard and arrange your own widgets', grant: 'guest' },
    'dashboard.layout.manage': { description: "Set the organization's default dashboard", grant: 'admin' },
  },
  schema,
  assets: { 'dashboard.js': dashboardJs, 'dashboard.css': dashboardCss },
  styles: ['dashboard.css'],
  migrations,
  setup(ctx) {
    const layouts = new Layouts(ctx)
    ctx.nav({ label: 'Dashboard', href: '/dashboard', icon: 'layout-dashboard', order: 1, permission: 'dashboard.widget.read' })
    ctx.contribute('shell.home', { href: '/dashboard', permission: 'dashboard.widget.read' })
    for (const w of builtinWidgets(ctx, layouts)) ctx.contribute('dashboard.widget', w)
    return dashboardRoutes(ctx, layouts)
  },
})
