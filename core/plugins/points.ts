/**
 * @module The platform's extension points: what plugins contribute for each other without importing
 * each other. Each contribution vanishes when its plugin is disabled. Owners: the shell (`nav`,
 * `search.provider`), dashboard (`dashboard.widget`), calendar (`calendar.source`), collaboration
 * (`entity.link`), mcp (`mcp.tool`), workflow (`workflow.trigger`, `workflow.action`).
 */
import type { TObject } from '@sinclair/typebox'
import type { Auth } from '../auth/resolve.ts'

/** A dashboard card; the dashboard loads each one on its own and shows an error card if it fails. */
export interface DashboardWidget {
  /** Unique within the plugin; the dashboard keys layouts by `<pluginId>.<id>`. */
  id: string
  title: string
  description?: string
  /** Only viewers holding it see the widget. */
  permission?: string
  /** Instance admins only (plugin health, say). */
  adminOnly?: boolean
  /** Safe HTML of the card body. */
  render(request: Request, auth: Auth): Promise<string> | string
}

/** One item a calendar source puts in the calendar for a range. */
export interface CalendarItem {
  id: string
  title: string
  start: Date
  end?: Date
  allDay: boolean
  href?: string
}

/** A layer of read-only items in the calendar (planning's due dates, milestones, cycles). */
export interface CalendarSource {
  id: string
  label: string
  /** A CSS color for the layer. */
  color: string
  permission?: string
  items(range: { from: Date; to: Date }, auth: Auth): Promise<CalendarItem[]>
}

/** Something comments, watches and activity can point at: `planning.task` and friends. */
export interface EntityLink {
  /** `<pluginId>.<noun>`. */
  type: string
  label: string
  /** Needed to see the entity (and so its comments). */
  permission: string
  /** The entity's title and page, when it exists in the viewer's organization. */
  resolve(id: string, auth: Auth): Promise<{ title: string; href: string } | undefined>
}

/** A tool the MCP server offers to AI clients; calls the same service functions as the pages. */
export interface McpTool {
  /** `<pluginId>_<verb>_<noun>`, e.g. planning_list_tasks. */
  name: string
  description: string
  input: TObject
  permission: string
  call(input: Record<string, unknown>, auth: Auth): Promise<unknown>
}

/** An event workflows can start from. */
export interface WorkflowTrigger {
  /** The bus event name. */
  event: string
  label: string
}

/** A step workflows can run. */
export interface WorkflowAction {
  /** `<pluginId>.<verb>_<noun>`. */
  id: string
  label: string
  input: TObject
  permission: string
  run(input: Record<string, unknown>, auth: Auth): Promise<unknown>
}

/**
 * What an event payload carries to appear in activity feeds. Events with an `activity` field are
 * recorded by collaboration ("Ana moved WEB-42 to Done"); the rest of the payload is the plugin's.
 */
export interface ActivityFact {
  orgId: string
  actor: { id: string; name: string }
  /** The entity it is about, for per-entity feeds and watchers. */
  entity?: { type: string; id: string; title: string; href?: string }
  /** Plain text, rendered escaped: "moved WEB-42 to Done". */
  text: string
}

/** Something in the shell's header for signed-in users (collaboration's notification bell). */
export interface ShellHeaderItem {
  id: string
  order?: number
  /** Safe HTML. */
  render(auth: Auth): Promise<string> | string
}

/**
 * A start page: where `/` sends a signed-in user (Backstage's home, a dashboard). The lowest `order`
 * the user may see wins; with none, core shows its own tiles of the menu.
 */
export interface ShellHome {
  /** A plugin path such as `/dashboard`. */
  href: string
  /** Only users holding it are sent there. */
  permission?: string
  /** Lower wins; default 100. */
  order?: number
}

/** A person as plugins see them (assignees, attendees, mentions). */
export interface Person {
  id: string
  name: string
  email: string
}

/**
 * Services plugins provide to each other by name (`ctx.provide(name, impl)`, `ctx.service<T>(name)`).
 * A consumer treats `undefined` as "that plugin is off" and degrades quietly. Core names none: each
 * providing plugin adds its own by declaration merging, in its events.ts, as it adds its events:
 *
 *     declare module '../../core/plugins/points.ts' {
 *       interface KnownServices { 'planning.summary': { projects(orgId: string): Promise<number> } }
 *     }
 *
 * A consumer then writes `ctx.service<KnownServices['planning.summary']>('planning.summary')`
 * without importing the provider's files (or declares the shape it needs locally).
 */
export interface KnownServices {}

/** Fills a new organization with realistic sample data (`coder-ide demo`). */
export interface DemoSeed {
  /** Lower runs first (planning before collaboration comments on its tasks). */
  order: number
  /** Creates the data; returns a one-line summary ("3 projects, 42 tasks"). */
  run(input: { orgId: string; people: Person[]; now: Date }): Promise<string>
}
