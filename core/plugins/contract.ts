/** @module The plugin contract: what a plugin declares (manifest) and what it receives (context). */
import type { AnyElysia } from 'elysia'
import type { TObject } from '@sinclair/typebox'
import type { BusScope } from '../bus.ts'
import type { Auth } from '../auth/resolve.ts'
import type { CalendarSource, DashboardWidget, DemoSeed, EntityLink, McpTool, Person, ShellHeaderItem, ShellHome, WorkflowAction, WorkflowTrigger } from './points.ts'
import type { Logger } from '../log.ts'
import type { Db, Store } from '../store/connect.ts'
import type { SchemaFactory } from '../store/facade.ts'
import type { MigrationSet } from '../store/migrator.ts'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'

/** The plugin API this core speaks; a plugin declaring another is refused with a clear error. */
export const PLUGIN_API = 1

/** First path segments core keeps for itself; no plugin may take them as its id. */
export const RESERVED_SEGMENTS = ['api', 'public', 'healthz', 'readyz', 'admin', 'login', 'logout', 'setup', 'account', 'auth', 'core', 'search', 'orgs', 'invite', 'events', 'me', 'org', 'reset']

/** A permission with an explicit lowest built-in role that holds it. */
export interface PermissionSpec {
  description: string
  grant: 'guest' | 'member' | 'admin' | 'owner'
}

/** An entry in the shell's navigation. */
export interface NavItem {
  label: string
  href: string
  /** Only users holding it see the entry (enforced once accounts exist). */
  permission?: string
  /** A lucide icon name. */
  icon?: string
  /** Lower comes first; default 100. */
  order?: number
}

/**
 * Extension points: what one plugin may contribute for others (or the shell) to use. Plugins that
 * own a point add it by declaration merging; every contribution vanishes when its plugin is disabled.
 */
export interface ExtensionPoints {
  nav: NavItem
  'search.provider': SearchProvider
  'dashboard.widget': DashboardWidget
  'calendar.source': CalendarSource
  'entity.link': EntityLink
  'mcp.tool': McpTool
  'workflow.trigger': WorkflowTrigger
  'workflow.action': WorkflowAction
  'shell.header': ShellHeaderItem
  'shell.home': ShellHome
  'demo.seed': DemoSeed
}

/** One hit of the global search. */
export interface SearchResult {
  title: string
  href: string
  snippet?: string
}

/** Answers the global search box for one plugin's content. */
export interface SearchProvider {
  /** Heading of this provider's results ("Tasks"). */
  label: string
  /** Only viewers holding it are searched. */
  permission?: string
  search(query: string, auth: Auth): Promise<SearchResult[]>
}

/** A point's name, or any string for points declared by external plugins. */
export type PointName = keyof ExtensionPoints | (string & {})
/** What a contribution to a point looks like. */
export type Contribution<K> = K extends keyof ExtensionPoints ? ExtensionPoints[K] : unknown

/** What `setup` receives. Everything registered through it is removed on disable. */
export interface PluginContext<T extends Record<string, SQLiteTable> = Record<string, SQLiteTable>> {
  readonly id: string
  /** The shared drizzle handle; touch only your own tables (`tables`). */
  readonly db: Db
  /** This plugin's tables, built for the active dialect. */
  readonly tables: T
  readonly store: Store
  readonly bus: BusScope
  readonly log: Logger
  /** Current settings, defaults filled in from the settings schema. */
  settings<S = Record<string, unknown>>(): S
  /** Adds to an extension point. */
  contribute<K extends PointName>(point: K, value: Contribution<K>): void
  /** What the enabled plugins (this one included) contributed to a point, in registration order. */
  contributions<K extends PointName>(point: K): Contribution<K>[]
  /** The same, with the id of the plugin behind each contribution. */
  contributionsBy<K extends PointName>(point: K): { pluginId: string; value: Contribution<K> }[]
  /** Every plugin's id, name, status and last error (for health views). */
  plugins(): { id: string; name: string; status: 'enabled' | 'disabled' | 'failed'; error?: string }[]
  /** Shorthand for `contribute('nav', item)`. */
  nav(item: NavItem): void
  /** Offers a service other plugins reach with `service(name)`; name it after the plugin id. */
  provide(name: string, impl: unknown): void
  /** A service another enabled plugin provides, or undefined when it is off. */
  service<S>(name: string): S | undefined
  /** The people of the platform: members of an organization, users by id. */
  readonly people: People
  /** Renders `body` as a page in the shell (or as a fragment for htmx requests). */
  page(request: Request, auth: Auth, options: { title: string; body: string; status?: number; headers?: Record<string, string> }): Promise<Response>
  /** Runs `fn` every interval (`'30s'`, `'5m'`, `'1h'` or milliseconds); errors are logged, never thrown. */
  every(interval: string | number, fn: () => unknown): void
  /**
   * Outgoing email, or undefined while the platform sends none (no SMTP_URL): check before offering
   * anything that depends on it. The server, its credentials and the sender stay with core.
   */
  readonly mail?: PluginMail
}

/**
 * Email for plugins. `to` is one plain address, one a plugin read from `ctx.people` (a member who is
 * not disabled: `members` or `authFor` tell), never one typed in by a user; core does not look it up
 * again. Messages are plain text, sent from MAIL_FROM.
 */
export interface PluginMail {
  /** Sends one message; true when the SMTP server accepted it, false (logged) when not. Never throws. */
  send(message: { to: string; subject: string; text: string }): Promise<boolean>
  /** The absolute URL of a path on this platform (`/planning/tasks/X-1` -> PUBLIC_URL + path), for links in emails. */
  link(path: string): string
}

/** Read access to accounts for plugins (assignees, attendees, mentions). */
export interface People {
  /** Members of an organization, by name. */
  members(orgId: string): Promise<Person[]>
  /** Users by id (unknown ids are left out). */
  byIds(ids: string[]): Promise<Person[]>
  /** Teams of an organization with their members' ids. */
  teams(orgId: string): Promise<{ id: string; name: string; memberIds: string[] }[]>
  /**
   * The identity another user would have in an organization (undefined when they are not a member
   * or are disabled): to check what they may see before telling them about it.
   */
  authFor(userId: string, orgId: string): Promise<Auth | undefined>
}

/** What renders pages in the shell (core's Renderer). */
export interface PageRenderer {
  page(request: Request, auth: Auth, options: { title: string; body: string; status?: number; headers?: Record<string, string> }): Promise<Response>
}

/** A plugin: read its index.ts to know it. */
export interface PluginManifest<T extends Record<string, SQLiteTable> = Record<string, SQLiteTable>> {
  /** kebab-case; names the folder, URL prefix, tables, events, permissions and log tag. */
  id: string
  name: string
  version: string
  /** The plugin API it was written for (PLUGIN_API). */
  api: number
  description?: string
  /** Plugins that must be enabled first. */
  requires?: string[]
  /**
   * Services of other plugins this one uses when they are on (soft dependencies): service name ->
   * what it does with it, in words for an admin (`'collaboration.thread': 'comments on tasks'`).
   * The plugins page lists these when the provider is about to be disabled; asking `service(name)`
   * for an undeclared name logs a warning once.
   */
  uses?: Record<string, string>
  /**
   * `<id>.<noun>.<verb>` -> what it allows. Built-in roles get a permission by its verb (read/view/list:
   * guest and up; manage/admin/configure: admin and up; anything else: member and up) unless `grant` says.
   */
  permissions?: Record<string, string | PermissionSpec>
  /** `<id>.<noun>.<past-verb>` -> what happened. */
  events?: Record<string, string>
  schema?: SchemaFactory<T>
  migrations?: MigrationSet
  /** A typebox object schema; values are validated before they are saved. */
  settings?: TObject
  /**
   * Files the browser loads (scripts, styles, images), served at `/public/<id>/<name>` while the
   * plugin is enabled: name -> file. A built-in plugin imports each file `with { type: 'file' }` so
   * the binary embeds it; an external plugin gives a path relative to its folder.
   */
  assets?: Record<string, string>
  /**
   * Names of `assets` that are stylesheets every signed-in page links while the plugin is on, after
   * core's app.css, in plugin registration order (`/public/<id>/<name>?v=<content hash>`, cached
   * for a year). The plugin's markup shows on other plugins' pages too (comment threads, dashboard
   * widgets, calendar layers, header items), so its styles cannot wait for its own pages.
   */
  styles?: string[]
  /** Runs on enable. Return the plugin's Elysia instance to serve `/<id>/...` and `/api/v1/<id>/...`. */
  setup(ctx: PluginContext<T>): void | AnyElysia | Promise<void | AnyElysia>
  /** Runs on disable, after routes stop taking new requests. */
  teardown?(ctx: PluginContext<T>): void | Promise<void>
}

/** Declares a plugin; checks the shape at compile time and returns it unchanged. */
export function definePlugin<T extends Record<string, SQLiteTable> = Record<string, SQLiteTable>>(
  manifest: PluginManifest<T>,
): PluginManifest<T> {
  return manifest
}
