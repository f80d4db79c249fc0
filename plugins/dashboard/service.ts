/**
 * @module Dashboard domain logic: which widgets exist and who may see them, each user's layout,
 * the organization's default, and rendering one widget with a time limit.
 */
import { and, eq } from 'drizzle-orm'
import type { PluginContext } from '../../core/plugins/contract.ts'
import type { DashboardWidget } from '../../core/plugins/points.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { InputError } from '../../core/auth/accounts.ts'
import type { schema } from './schema.ts'

type Tables = ReturnType<typeof schema>

/** A widget with the plugin behind it; `key` (`<pluginId>.<widgetId>`) is what layouts store. */
export interface WidgetEntry {
  key: string
  pluginId: string
  widget: DashboardWidget
}

/** Widget keys are `<pluginId>.<widgetId>`: lower-case plugin id, simple widget id. */
export const KEY = /^[a-z][a-z0-9-]{0,62}\.[A-Za-z0-9_-]{1,64}$/

/** How long a widget may take to render before it counts as failed (tests lower it). */
export const widgetTimeout = { ms: 3000 }

/**
 * `<pluginId>.*` in a stored layout: the widgets of a plugin that was off when the layout was saved
 * (their keys were unknown then); they take that place when the plugin returns.
 */
export const WILDCARD = /^([a-z][a-z0-9-]{0,62})\.\*$/

/** Most widgets one layout shows. */
const MAX_WIDGETS = 50
/** Most keys one layout stores (shown ones plus those of plugins that are off). */
const MAX_STORED = 100

/** Every widget the enabled plugins contribute, keyed by plugin id; malformed entries are skipped. */
export function allWidgets(ctx: PluginContext): WidgetEntry[] {
  const out: WidgetEntry[] = []
  const seen = new Set<string>()
  for (const { pluginId, value } of ctx.contributionsBy('dashboard.widget')) {
    if (!value || typeof value.id !== 'string' || typeof value.render !== 'function' || typeof value.title !== 'string') continue
    const key = `${pluginId}.${value.id}`
    if (!KEY.test(key) || seen.has(key)) continue
    seen.add(key)
    out.push({ key, pluginId, widget: value })
  }
  return out
}

/** Whether this viewer may see a widget. */
export function mayView(auth: Auth, w: DashboardWidget): boolean {
  if (w.adminOnly && !auth.user.isAdmin) return false
  if (w.permission && !can(auth, w.permission)) return false
  return true
}

/** The widgets this viewer may see. */
export function visibleWidgets(ctx: PluginContext, auth: Auth): WidgetEntry[] {
  return allWidgets(ctx).filter((e) => mayView(auth, e.widget))
}

/** Renders a widget's body within the time limit; throws what it throws, or a timeout error. */
export async function renderWithin(entry: WidgetEntry, request: Request, auth: Auth, ms = widgetTimeout.ms): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      Promise.resolve().then(() => entry.widget.render(request, auth)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`widget ${entry.key} took longer than ${ms} ms`)), ms)
      }),
    ]).then((html) => (typeof html === 'string' ? html : String(html ?? '')))
  } finally {
    if (timer) clearTimeout(timer)
  }
}

/**
 * Keys in order without duplicates, limited to `available`, minus `dismissed`. A `<pluginId>.*` entry
 * stands for that plugin's available widgets that the layout does not name elsewhere.
 */
export function effectiveLayout(available: string[], saved: string[] | null | undefined, orgDefault: string[] | null | undefined, dismissed: string[] = []): string[] {
  const base = saved ?? orgDefault ?? available
  const ok = new Set(available)
  const named = new Set(base)
  const out: string[] = []
  const put = (k: string) => {
    if (ok.has(k) && !dismissed.includes(k) && !out.includes(k)) out.push(k)
  }
  for (const k of base) {
    const all = WILDCARD.exec(k)
    if (all) for (const a of available) a.startsWith(`${all[1]}.`) && !named.has(a) && put(a)
    else put(k)
  }
  return out
}

/** The plugin id of a stored key (`planning.due-soon`, `planning.*`). */
function pluginOf(key: string): string {
  return key.slice(0, key.indexOf('.'))
}

/**
 * The keys to store when a viewer arranges `next` (the widgets they see, in order) over `base` (what
 * was stored: their layout, the org default, or null for the built-in one). Keys they do not see now
 * stay where they were (first or last if they were, else after the shown key that preceded them):
 * those of plugins that are off, and
 * those their role does not show them. Keys of widgets that no longer exist are dropped. The built-in
 * layout stores `<pluginId>.*` for each plugin that is off, in plugin order.
 */
export function keepHidden(ctx: PluginContext, next: string[], base: string[] | null, available: string[]): string[] {
  const plugins = ctx.plugins()
  const status = new Map(plugins.map((p) => [p.id, p.status]))
  const every = allWidgets(ctx).map((e) => e.key)
  const exists = new Set(every)
  const shown = new Set(available)
  const off = (pluginId: string) => {
    const s = status.get(pluginId)
    return s !== undefined && s !== 'enabled'
  }
  const keep = (k: string) => !shown.has(k) && (off(pluginOf(k)) || (!WILDCARD.test(k) && exists.has(k)))
  const from =
    base ??
    plugins.flatMap((p) => (p.status === 'enabled' ? every.filter((k) => pluginOf(k) === p.id) : [`${p.id}.*`]))
  const placed = new Set(next)
  const after = new Map<string | null, string[]>()
  const kept = new Set<string>()
  let anchor: string | null = null
  let pending: string[] = []
  for (const k of from) {
    if (placed.has(k)) {
      if (pending.length) after.set(anchor, [...(after.get(anchor) ?? []), ...pending])
      pending = []
      anchor = k
    } else if (kept.size < MAX_STORED - next.length && !kept.has(k) && keep(k)) {
      kept.add(k)
      pending.push(k)
    }
  }
  // Those that came first stay first, those that came last stay last.
  const out = [...(after.get(null) ?? [])]
  for (const k of next) out.push(k, ...(after.get(k) ?? []))
  return [...out, ...pending]
}

/** What the dashboard shows one user, and where it came from. */
export interface UserLayout {
  keys: string[]
  source: 'user' | 'org' | 'builtin'
  dismissed: string[]
}

/** Layouts per user and the organization default. */
export class Layouts {
  constructor(
    private readonly ctx: PluginContext<Tables>,
  ) {}

  private get t() {
    return this.ctx.tables
  }

  private async row(orgId: string, userId: string) {
    const [row] = await this.ctx.db.select().from(this.t.layouts).where(and(eq(this.t.layouts.orgId, orgId), eq(this.t.layouts.userId, userId))).limit(1)
    return row
  }

  /** The organization's default keys, or undefined when admins set none. */
  async orgDefault(orgId: string): Promise<string[] | undefined> {
    const [row] = await this.ctx.db.select().from(this.t.defaults).where(eq(this.t.defaults.orgId, orgId)).limit(1)
    return row ? cleanKeys(row.widgets) : undefined
  }

  /** The user's effective layout among `available` keys. */
  async forUser(orgId: string, userId: string, available: string[]): Promise<UserLayout> {
    const [row, def] = await Promise.all([this.row(orgId, userId), this.orgDefault(orgId)])
    const saved = row?.widgets ? cleanKeys(row.widgets) : null
    const dismissed = cleanKeys(row?.dismissed)
    return { keys: effectiveLayout(available, saved, def, dismissed), source: saved ? 'user' : def ? 'org' : 'builtin', dismissed }
  }

  private async write(orgId: string, userId: string, values: { widgets?: string[] | null; dismissed?: string[] }): Promise<void> {
    const now = new Date()
    await this.ctx.db
      .insert(this.t.layouts)
      .values({ id: Bun.randomUUIDv7(), orgId, userId, widgets: values.widgets ?? null, dismissed: values.dismissed ?? [], updatedAt: now })
      .onConflictDoUpdate({ target: [this.t.layouts.orgId, this.t.layouts.userId], set: { ...values, updatedAt: now } })
  }

  /** What the user's layout is stored as: their own keys, the org default, or null (built-in). */
  private async stored(orgId: string, userId: string): Promise<{ base: string[] | null; dismissed: string[] }> {
    const [row, def] = await Promise.all([this.row(orgId, userId), this.orgDefault(orgId)])
    return { base: row?.widgets ? cleanKeys(row.widgets) : (def ?? null), dismissed: cleanKeys(row?.dismissed) }
  }

  /**
   * Replaces the user's layout with `keys` (each must be available). Widgets they cannot see now
   * (their plugin is off) keep their place for when they return.
   */
  async save(orgId: string, userId: string, keys: string[], available: string[]): Promise<string[]> {
    const clean: string[] = []
    for (const k of keys) {
      if (!available.includes(k)) throw new InputError(`There is no widget "${k}" you can add.`, 'key', 422)
      if (!clean.includes(k)) clean.push(k)
    }
    if (clean.length > MAX_WIDGETS) throw new InputError(`A dashboard holds at most ${MAX_WIDGETS} widgets.`, 'key', 422)
    const { base, dismissed } = await this.stored(orgId, userId)
    await this.write(orgId, userId, { widgets: keepHidden(this.ctx, clean, base, available), dismissed: dismissed.filter((d) => !clean.includes(d)) })
    return clean
  }

  /** Adds a widget at the end (and un-dismisses it). */
  async add(orgId: string, userId: string, key: string, available: string[]): Promise<string[]> {
    const { keys } = await this.forUser(orgId, userId, available)
    if (!available.includes(key)) throw new InputError(`There is no widget "${key}" you can add.`, 'key', 422)
    return this.save(orgId, userId, keys.includes(key) ? keys : [...keys, key], available)
  }

  /** Removes a widget from the user's layout. */
  async remove(orgId: string, userId: string, key: string, available: string[]): Promise<string[]> {
    const { keys } = await this.forUser(orgId, userId, available)
    if (!keys.includes(key)) throw new InputError(`The widget "${key}" is not on your dashboard.`, 'key', 422)
    return this.save(orgId, userId, keys.filter((k) => k !== key), available)
  }

  /** Moves a widget one place up or down. */
  async move(orgId: string, userId: string, key: string, dir: string, available: string[]): Promise<string[]> {
    if (dir !== 'up' && dir !== 'down') throw new InputError('Move a widget up or down.', 'dir', 422)
    const { keys } = await this.forUser(orgId, userId, available)
    const i = keys.indexOf(key)
    if (i < 0) throw new InputError(`The widget "${key}" is not on your dashboard.`, 'key', 422)
    const j = dir === 'up' ? i - 1 : i + 1
    if (j < 0 || j >= keys.length) return keys
    const next = [...keys]
    ;[next[i], next[j]] = [next[j]!, next[i]!]
    return this.save(orgId, userId, next, available)
  }

  /** Forgets the user's layout and dismissals: the org default (or the built-in one) applies again. */
  async restore(orgId: string, userId: string): Promise<void> {
    await this.write(orgId, userId, { widgets: null, dismissed: [] })
  }

  /** Hides a widget for this user (the getting-started checklist's "Dismiss"). */
  async dismiss(orgId: string, userId: string, key: string, available: string[]): Promise<void> {
    if (!available.includes(key)) throw new InputError(`There is no widget "${key}".`, 'key', 404)
    const row = await this.row(orgId, userId)
    const dismissed = cleanKeys(row?.dismissed)
    if (!dismissed.includes(key)) dismissed.push(key)
    await this.write(orgId, userId, { widgets: row?.widgets ?? null, dismissed })
  }

  /**
   * Makes the admin's layout (what they see, `available`) the organization's default, with the
   * widgets of plugins that are off kept in place.
   */
  async setOrgDefault(orgId: string, actorId: string, available: string[]): Promise<void> {
    const now = new Date()
    const [mine, { base }] = await Promise.all([this.forUser(orgId, actorId, available), this.stored(orgId, actorId)])
    const widgets = cleanKeys(keepHidden(this.ctx, mine.keys, base, available))
    await this.ctx.db
      .insert(this.t.defaults)
      .values({ orgId, widgets, updatedBy: actorId, updatedAt: now })
      .onConflictDoUpdate({ target: this.t.defaults.orgId, set: { widgets, updatedBy: actorId, updatedAt: now } })
  }
}

/** Keeps well-formed keys (and `<pluginId>.*` entries) from stored JSON. */
function cleanKeys(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string' && (KEY.test(k) || WILDCARD.test(k))).slice(0, MAX_STORED) : []
}
