/**
 * @module Plugin host: registry and lifecycle (register, migrate, enable, disable, reload), state
 * kept in core_plugins and restored at boot. Lifecycle operations run one at a time.
 */
import { dirname, isAbsolute, join } from 'node:path'
import type { TObject } from '@sinclair/typebox'
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

// `format: 'password'` marks a secret setting (the admin page hides it); any string is valid.
if (!FormatRegistry.Has('password')) FormatRegistry.Set('password', () => true)
import { Bus } from '../bus.ts'
import { createLogger, type Logger } from '../log.ts'
import type { Store } from '../store/connect.ts'
import { columnFacade } from '../store/facade.ts'
import { ensureMigrationTable, migratePlugin, unknownApplied, UnknownMigrationsError, type MigrationSet } from '../store/migrator.ts'
import { coreSchema } from '../store/schema.ts'
import { migrations as coreMigrations } from '../store/migrations/index.ts'
import { PLUGIN_API, RESERVED_SEGMENTS, type PermissionSpec, type Contribution, type PluginManifest, type PointName } from './contract.ts'
import type { PageRenderer, People } from './contract.ts'
import { settingsWithDefaults, startInstance, type CoreMail, type Handler, type Instance, type RouteInfo } from './instance.ts'
import { sweepOrphans, type SweptTable } from './org-sweep.ts'
import { deadline, formatDuration, LIFECYCLE_TIMEOUT_MS } from './deadline.ts'

/** Where a plugin's code came from. */
export type PluginSource = { kind: 'builtin' } | { kind: 'external'; file: string }

/** enabled: serving; disabled: off by choice; failed: wanted on but could not start (see error). */
export type PluginStatus = 'enabled' | 'disabled' | 'failed'

/** A refused or failed lifecycle operation; `status` is the HTTP status the admin API answers with. */
export class PluginError extends Error {
  override name = 'PluginError'
  constructor(
    message: string,
    readonly status: 404 | 409 | 422 = 409,
  ) {
    super(message)
  }
}

interface PluginRecord {
  id: string
  manifest?: PluginManifest
  source: PluginSource
  status: PluginStatus
  error?: string
  instance?: Instance
  settings?: Record<string, unknown>
}

/** One row of `plugins list` and of the admin API. */
export interface PluginInfo {
  id: string
  name: string
  version: string
  description?: string
  status: PluginStatus
  error?: string
  source: 'builtin' | 'external'
  requires: string[]
  requiredBy: string[]
  permissions: Record<string, string | PermissionSpec>
  routes: RouteInfo[]
}

/** What disabling a plugin takes away (`PluginHost.disableImpact`). */
export interface DisableImpact {
  plugin: PluginInfo
  /** Enabled plugins that require it: disabling it disables them too. */
  dependents: PluginInfo[]
  /** What it and those dependents contribute, by kind ("Menu entries": ["Inbox"]). */
  features: { kind: string; labels: string[] }[]
  /** Other enabled plugins and what they lose: their `uses` of its services ("comments on tasks"). */
  losses: { plugin: string; what: string[] }[]
}

/** Extension points as an admin reads them. */
const POINT_NAMES: Record<string, string> = {
  nav: 'Menu entries',
  'dashboard.widget': 'Dashboard widgets',
  'calendar.source': 'Calendar layers',
  'search.provider': 'Search results',
  'shell.header': 'Header items',
  'shell.home': 'The start page after sign-in',
  'entity.link': 'Items other plugins link to',
  'mcp.tool': 'MCP tools',
  'workflow.trigger': 'Workflow triggers',
  'workflow.action': 'Workflow actions',
}

/** The name a contribution goes by (label, title, name or id, whichever it has). */
function contributionLabel(value: unknown): string {
  const v = (value ?? {}) as Record<string, unknown>
  for (const key of ['label', 'title', 'name', 'id']) if (typeof v[key] === 'string' && v[key]) return v[key] as string
  return ''
}

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const DOTTED = /^[a-z0-9-]+(\.[a-z0-9_-]+)+$/

/** The registry and lifecycle of every plugin in this process. */
export class PluginHost {
  readonly bus: Bus
  readonly log: Logger
  private readonly records = new Map<string, PluginRecord>()
  private readonly core: ReturnType<typeof coreSchema>['plugins']
  private queue: Promise<unknown> = Promise.resolve()
  private contributionCache = new Map<string, unknown[]>()
  /** Built-in id -> why an external folder with the same id was refused (see refuseShadowing). */
  private shadowed = new Map<string, string>()
  /** True once boot has enabled (or failed) every plugin; /readyz waits for it. */
  settled = false
  /** Bumped whenever the set of running plugins changes; caches derived from plugins key on it. */
  generation = 0
  /** The shell renderer core sets once identity exists; plugins reach it through `ctx.page`. */
  ui?: PageRenderer
  /** Read access to accounts core sets once identity exists; plugins reach it through `ctx.people`. */
  people?: People
  /** Email core sets when SMTP_URL is on; plugins reach it through `ctx.mail` (never the mailer itself). */
  mail?: CoreMail
  /** How long setup and teardown may take; past it a setup is failed, a teardown abandoned. */
  readonly lifecycleTimeoutMs: number

  constructor(
    readonly store: Store,
    options: { bus?: Bus; log?: Logger; lifecycleTimeoutMs?: number } = {},
  ) {
    this.core = coreSchema(columnFacade(store.dialect)).plugins
    this.lifecycleTimeoutMs = options.lifecycleTimeoutMs ?? LIFECYCLE_TIMEOUT_MS
    this.log = options.log ?? createLogger('plugins')
    this.bus = options.bus ?? new Bus(this.log.child('bus'))
  }

  /** Adds a plugin to the registry (it stays off until enabled). Refuses bad ids and duplicates. */
  register(manifest: PluginManifest, source: PluginSource = { kind: 'builtin' }): void {
    const id = manifest?.id
    if (typeof id !== 'string' || !ID.test(id)) {
      throw new PluginError(`plugin id "${String(id)}" is not kebab-case (a-z, 0-9 and single dashes)`, 422)
    }
    if (RESERVED_SEGMENTS.includes(id)) throw new PluginError(`plugin id "${id}" is reserved by core (${RESERVED_SEGMENTS.join(', ')})`, 422)
    const existing = this.records.get(id)
    if (existing) throw new PluginError(`plugin id "${id}" from ${describe(source)} collides with plugin "${id}" from ${describe(existing.source)}`)
    checkNames(manifest)
    this.records.set(id, { id, manifest, source, status: 'disabled' })
  }

  /**
   * Records the external plugin folders refused because a built-in plugin has their id (the whole
   * current list: folders no longer there are forgotten). Each is logged once and shown as an error
   * of the built-in plugin in the list, naming both.
   */
  refuseShadowing(folders: { id: string; file: string }[]): void {
    const next = new Map<string, string>()
    for (const { id, file } of folders) {
      const builtin = this.records.get(id)
      if (builtin?.source.kind !== 'builtin') continue
      const message = `external plugin folder ${dirname(file)} is refused: its id "${id}" is the built-in plugin "${id}" (${builtin.manifest?.name ?? id}), which keeps serving. Give the external plugin another id and folder name.`
      next.set(id, message)
      if (this.shadowed.get(id) !== message) this.log.error(message)
    }
    this.shadowed = next
  }

  /** Records an external plugin whose code could not be loaded, so the admin sees why. */
  registerBroken(id: string, source: PluginSource, error: string): void {
    const existing = this.records.get(id)
    if (existing?.manifest) throw new PluginError(`plugin id "${id}" from ${describe(source)} collides with plugin "${id}" from ${describe(existing.source)}`)
    this.records.set(id, { id, source, status: 'failed', error })
  }

  /** Migrates core, then enables every plugin whose stored state says so (built-ins default on). */
  async boot(): Promise<void> {
    await ensureMigrationTable(this.store)
    await this.refuseDowngrade()
    await migratePlugin(this.store, 'core', coreMigrations)
    const rows = await this.store.db.select().from(this.core)
    const wanted = new Map(rows.map((r) => [r.id, r]))
    for (const rec of this.records.values()) rec.settings = wanted.get(rec.id)?.settings ?? undefined
    const order = this.dependencyOrder([...this.records.keys()])
    for (const id of order) {
      const rec = this.records.get(id)!
      const row = wanted.get(id)
      const want = row ? row.enabled : rec.source.kind === 'builtin'
      if (!want) continue
      if (!rec.manifest) continue // broken external plugin: stays failed with its load error
      try {
        await this.serialize(() => this.doEnable(id, { persist: !row }))
      } catch (err) {
        // Refused (a dependency is off or failed, an API mismatch): keep booting the rest.
        rec.status = 'failed'
        rec.error = (err as Error).message
        this.log.error(`plugin ${id} not started`, { error: rec.error })
      }
    }
    this.settled = true
    // After readiness, not before: a sweep of a large store must not slow the start.
    this.sweepLater([...this.records.values()].filter((r) => r.status === 'enabled').map((r) => r.id))
  }

  /**
   * Throws UnknownMigrationsError naming every tag core or a built-in plugin has applied that this
   * binary does not know (a newer version wrote the store). External plugins are checked when they
   * migrate: such a plugin alone fails.
   */
  private async refuseDowngrade(): Promise<void> {
    const sets = [{ plugin: 'core', set: coreMigrations as MigrationSet | undefined }]
    for (const rec of this.records.values()) if (rec.source.kind === 'builtin' && rec.manifest) sets.push({ plugin: rec.id, set: rec.manifest.migrations })
    const byPlugin = new Map<string, string[]>()
    for (const r of await this.store.query<{ plugin: string; tag: string }>('select plugin, tag from core_migrations order by plugin, tag')) {
      byPlugin.set(r.plugin, [...(byPlugin.get(r.plugin) ?? []), r.tag])
    }
    const unknown = sets
      .map(({ plugin, set }) => ({ plugin, tags: unknownApplied(set?.[this.store.dialect] ?? [], (byPlugin.get(plugin) ?? []).map((tag) => ({ tag }))) }))
      .filter((u) => u.tags.length)
    if (unknown.length) throw new UnknownMigrationsError(unknown)
  }

  /** Turns a plugin on: checks, migrates, runs setup, routes go live. */
  enable(id: string): Promise<PluginInfo> {
    return this.serialize(async () => {
      const was = this.records.get(id)?.status
      await this.doEnable(id, { persist: true })
      const rec = this.records.get(id)!
      if (rec.status === 'failed') throw new PluginError(`plugin "${id}" failed to start: ${rec.error}`, 422)
      if (was !== 'enabled') this.sweepLater([id])
      return this.info(rec)
    })
  }

  /**
   * Removes the rows of deleted organizations (core_deleted_orgs) from plugin tables (see org-sweep.ts): from every
   * registered plugin whose tables exist (disabled ones too), or only from `ids`. Core calls it
   * after deleting an organization; it also runs by itself after boot and after each enable, to
   * catch up with deletions a plugin's code was not there for. Runs between lifecycle operations.
   * A plugin whose sweep fails is logged and skipped (the next sweep tries again).
   */
  sweepDeletedOrgs(ids?: string[]): Promise<SweptTable[]> {
    return this.serialize(() => this.sweep(ids))
  }

  /** Resolves once every lifecycle operation and sweep queued so far has finished. */
  async settledQueue(): Promise<void> {
    await this.serialize(async () => undefined)
  }

  private sweepLater(ids: string[]): void {
    if (ids.length) void this.sweepDeletedOrgs(ids)
  }

  private async sweep(ids?: string[]): Promise<SweptTable[]> {
    const migrated = new Set((await this.store.query<{ plugin: string }>('select distinct plugin from core_migrations')).map((r) => r.plugin))
    const swept: SweptTable[] = []
    for (const rec of this.records.values()) {
      if (ids && !ids.includes(rec.id)) continue
      const schema = rec.manifest?.schema
      if (!schema || !migrated.has(rec.id)) continue
      try {
        const tables = rec.instance?.ctx.tables ?? schema(columnFacade(this.store.dialect))
        for (const t of await sweepOrphans(this.store, rec.id, tables)) {
          this.log.info(`removed ${t.rows} row${t.rows === 1 ? '' : 's'} of deleted organizations from ${t.table}`, { plugin: rec.id })
          swept.push(t)
        }
      } catch (err) {
        this.log.error(`could not remove deleted organizations' rows from plugin ${rec.id}; the next sweep tries again`, { error: (err as Error).message })
      }
    }
    return swept
  }

  /**
   * Turns a plugin off: new requests get the disabled answer, in-flight ones finish, its handlers,
   * timers and contributions go; its data stays. Refused when enabled plugins require it, unless cascade.
   */
  disable(id: string, options: { cascade?: boolean } = {}): Promise<PluginInfo[]> {
    return this.serialize(async () => {
      const rec = this.get(id)
      const dependents = this.dependentsOf(id).filter((d) => this.records.get(d)!.status === 'enabled')
      if (dependents.length && !options.cascade) {
        throw new PluginError(
          `cannot disable "${id}": ${dependents.map((d) => `"${d}"`).join(', ')} require${dependents.length === 1 ? 's' : ''} it. Disable ${dependents.length === 1 ? 'it' : 'them'} first, or cascade.`,
        )
      }
      const off: PluginInfo[] = []
      for (const dep of [...dependents].reverse()) off.push(await this.doDisable(dep, true))
      off.push(await this.doDisable(rec.id, true))
      return off
    })
  }

  /**
   * Replaces the plugin's code and instance. For external plugins the module is imported afresh
   * by `load`; if the new version fails, the old one keeps serving and the error is returned.
   */
  reload(id: string, load?: () => Promise<PluginManifest>): Promise<PluginInfo> {
    return this.serialize(async () => {
      const rec = this.get(id)
      let manifest = rec.manifest
      if (load) {
        try {
          manifest = await load()
        } catch (err) {
          throw new PluginError(`reload of "${id}" failed, the running version stays: ${(err as Error).message}`, 422)
        }
        if (manifest?.id !== id) throw new PluginError(`reload of "${id}" failed: the new code declares id "${String(manifest?.id)}"`, 422)
      }
      if (!manifest) throw new PluginError(`plugin "${id}" has no code to reload: ${rec.error ?? 'unknown error'}`, 422)
      if (rec.status !== 'enabled') {
        try {
          checkNames(manifest)
        } catch (err) {
          throw new PluginError(`reload of "${id}" refused: ${(err as Error).message}`, 422)
        }
        rec.manifest = manifest
        if (rec.status === 'failed') await this.doEnable(id, { persist: true })
        if (rec.status === 'failed') throw new PluginError(`plugin "${id}" failed to start: ${rec.error}`, 422)
        return this.info(rec)
      }
      // The checks enabling makes, on the new code; a refusal leaves the running version serving.
      try {
        checkNames(manifest)
        this.checkStartable(manifest, 'the new version')
      } catch (err) {
        const refusal = err as PluginError
        this.log.warn(`reload of ${id} refused`, { error: refusal.message })
        throw new PluginError(`reload of "${id}" refused, the running version stays: ${refusal.message}`, refusal.status ?? 422)
      }
      const next = await this.prepare(manifest, rec).catch((err: Error) => {
        throw new PluginError(`reload of "${id}" failed, the running version stays: ${err.message}`, 422)
      })
      const old = rec.instance
      rec.manifest = manifest
      rec.instance = next // the swap: the next request is served by the new code
      this.changed()
      await old?.dispose()
      await this.persist(rec, true)
      this.log.info(`reloaded ${id}`, { version: manifest.version })
      return this.info(rec)
    })
  }

  /** Validates and saves settings; throws PluginError(422) listing each bad field. */
  updateSettings(id: string, values: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.serialize(async () => {
      const rec = this.get(id)
      const schema = rec.manifest?.settings
      if (!schema) throw new PluginError(`plugin "${id}" has no settings`, 422)
      const merged = settingsWithDefaults(rec.manifest!, values)
      const errors = [...Value.Errors(schema, merged)].map((e) => `${e.path.slice(1) || '(root)'}: ${e.message}`)
      if (errors.length) throw new PluginError(`invalid settings for "${id}": ${errors.join('; ')}`, 422)
      rec.settings = values
      await this.persist(rec, rec.status !== 'disabled')
      return merged
    })
  }

  /** The settings schema a plugin declares, or undefined (unknown plugin, or none declared). */
  settingsSchema(id: string): TObject | undefined {
    return this.records.get(id)?.manifest?.settings
  }

  /** A plugin's current settings with defaults filled in; PluginError(404) for an unknown plugin. */
  settingsOf(id: string): Record<string, unknown> {
    const rec = this.get(id)
    return rec.manifest ? settingsWithDefaults(rec.manifest, rec.settings) : { ...rec.settings }
  }

  /** The request handler of an enabled plugin, or undefined. Hot path: one map lookup. */
  handlerFor(id: string): Handler | undefined {
    const rec = this.records.get(id)
    return rec?.status === 'enabled' ? rec.instance?.handler : undefined
  }

  /**
   * The file behind `/public/<id>/<name>` of an enabled plugin (see the manifest's `assets`), or
   * undefined. External plugins' relative paths resolve against their folder.
   */
  assetFor(id: string, name: string): string | undefined {
    const rec = this.records.get(id)
    if (rec?.status !== 'enabled') return undefined
    const assets = rec.manifest?.assets
    const path = assets && Object.hasOwn(assets, name) ? assets[name] : undefined
    if (typeof path !== 'string' || !path) return undefined
    return rec.source.kind === 'external' && !isAbsolute(path) ? join(dirname(rec.source.file), path) : path
  }

  /**
   * The stylesheets every page links (see the manifest's `styles`): each enabled plugin's, in
   * registration order, with the file behind it. Changes only with `generation`.
   */
  stylesheets(): { id: string; name: string; file: string }[] {
    const out: { id: string; name: string; file: string }[] = []
    for (const rec of this.records.values()) {
      if (rec.status !== 'enabled') continue
      for (const name of rec.manifest?.styles ?? []) {
        const file = this.assetFor(rec.id, name)
        if (file) out.push({ id: rec.id, name, file })
      }
    }
    return out
  }

  /** Whether a plugin with this id is registered (enabled or not). */
  has(id: string): boolean {
    return this.records.has(id)
  }

  /** Display name of a plugin, or its id. */
  nameOf(id: string): string {
    return this.records.get(id)?.manifest?.name ?? id
  }

  /** Every contribution to a point from enabled plugins, in registration order. */
  contributions<K extends PointName>(point: K): Contribution<K>[] {
    let list = this.contributionCache.get(point)
    if (!list) {
      list = []
      for (const rec of this.records.values()) {
        if (rec.status !== 'enabled' || !rec.instance) continue
        for (const c of rec.instance.contributions) if (c.point === point) list.push(c.value)
      }
      this.contributionCache.set(point, list)
    }
    return list as Contribution<K>[]
  }

  /** Contributions to a point with the id of the plugin behind each, in registration order. */
  contributionsBy<K extends PointName>(point: K): { pluginId: string; value: Contribution<K> }[] {
    const out: { pluginId: string; value: Contribution<K> }[] = []
    for (const rec of this.records.values()) {
      if (rec.status !== 'enabled' || !rec.instance) continue
      for (const c of rec.instance.contributions) if (c.point === point) out.push({ pluginId: rec.id, value: c.value as Contribution<K> })
    }
    return out
  }

  /**
   * What disabling `id` would take away, for the admin to read before confirming: the enabled
   * plugins that require it (they go too), what it and they contribute (menu entries, widgets,
   * calendar layers...), and what other enabled plugins lose because they use its services
   * (their manifests' `uses`). Nothing changes.
   */
  disableImpact(id: string): DisableImpact {
    const rec = this.get(id)
    const dependents = this.dependentsOf(id).filter((d) => this.records.get(d)!.status === 'enabled')
    const going = new Set([id, ...dependents])
    const features: DisableImpact['features'] = []
    for (const goingId of [id, ...dependents]) {
      const instance = this.records.get(goingId)?.instance
      if (!instance) continue
      for (const c of instance.contributions) {
        if (c.point === 'demo.seed') continue
        const kind = POINT_NAMES[c.point] ?? c.point
        const label = contributionLabel(c.value)
        let group = features.find((f) => f.kind === kind)
        if (!group) features.push((group = { kind, labels: [] }))
        if (label && !group.labels.includes(label)) group.labels.push(label)
      }
    }
    const provided = new Set<string>()
    for (const goingId of going) for (const name of this.records.get(goingId)?.instance?.services.keys() ?? []) provided.add(name)
    const losses: DisableImpact['losses'] = []
    for (const other of this.records.values()) {
      if (going.has(other.id) || other.status !== 'enabled') continue
      const what = Object.entries(other.manifest?.uses ?? {})
        .filter(([service]) => provided.has(service))
        .map(([, does]) => does)
      if (what.length) losses.push({ plugin: other.manifest?.name ?? other.id, what })
    }
    return { plugin: this.info(rec), dependents: dependents.map((d) => this.info(this.records.get(d)!)), features, losses }
  }

  /** A service provided by an enabled plugin. */
  service<S>(name: string): S | undefined {
    for (const rec of this.records.values()) {
      if (rec.status === 'enabled' && rec.instance?.services.has(name)) return rec.instance.services.get(name) as S
    }
    return undefined
  }

  /** Every plugin, in registration order. */
  list(): PluginInfo[] {
    return [...this.records.values()].map((r) => this.info(r))
  }

  /** One plugin, or PluginError(404). */
  describe(id: string): PluginInfo {
    return this.info(this.get(id))
  }

  /** Source of a registered plugin (the loader needs it to reload external ones). */
  sourceOf(id: string): PluginSource | undefined {
    return this.records.get(id)?.source
  }

  /** Stops every plugin in reverse dependency order without changing stored state (shutdown). */
  async stop(): Promise<void> {
    await this.serialize(async () => {
      const order = this.dependencyOrder([...this.records.keys()]).reverse()
      for (const id of order) if (this.records.get(id)!.status === 'enabled') await this.doDisable(id, false)
    })
  }

  private changed(): void {
    this.contributionCache.clear()
    this.generation++
  }

  private get(id: string): PluginRecord {
    const rec = this.records.get(id)
    if (!rec) throw new PluginError(`no plugin "${id}": see the list of plugins`, 404)
    return rec
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async doEnable(id: string, { persist }: { persist: boolean }): Promise<void> {
    const rec = this.get(id)
    if (rec.status === 'enabled') return
    const manifest = rec.manifest
    if (!manifest) throw new PluginError(`plugin "${id}" could not be loaded: ${rec.error}`, 422)
    this.checkStartable(manifest)
    const started = performance.now()
    try {
      rec.instance = await this.prepare(manifest, rec)
      rec.status = 'enabled'
      rec.error = undefined
    } catch (err) {
      rec.status = 'failed'
      rec.error = (err as Error).message
      this.log.error(`plugin ${id} failed to start`, { error: rec.error })
    }
    this.changed()
    await this.persist(rec, true, persist || rec.status === 'failed')
    if (rec.status === 'enabled') {
      this.log.info(`enabled ${id}`, { version: manifest.version, ms: Math.round((performance.now() - started) * 10) / 10 })
      this.bus.emit('core.plugin.enabled', { id })
    }
  }

  /** Migrates and starts an instance without touching the record's live state. */
  private async prepare(manifest: PluginManifest, rec: PluginRecord): Promise<Instance> {
    // Migrations run in a transaction that cannot be abandoned safely; a long one is named in the log.
    const slow = setInterval(
      () => this.log.warn(`migrations of ${manifest.id} still running after ${formatDuration(this.lifecycleTimeoutMs)}`, { plugin: manifest.id }),
      this.lifecycleTimeoutMs,
    )
    try {
      await migratePlugin(this.store, manifest.id, manifest.migrations)
    } finally {
      clearInterval(slow)
    }
    return startInstance(manifest, {
      setupTimeoutMs: this.lifecycleTimeoutMs,
      store: this.store,
      bus: this.bus,
      log: this.log,
      findService: (name) => this.service(name),
      ui: () => this.ui,
      contributionsBy: (point) => this.contributionsBy(point),
      plugins: () => this.list().map((p) => ({ id: p.id, name: p.name, status: p.status, error: p.error })),
      people: () => this.people,
      mail: () => this.mail,
      settingsOf: () => settingsWithDefaults(manifest, rec.settings),
      contributed: () => this.changed(),
    })
  }

  private async doDisable(id: string, persist: boolean): Promise<PluginInfo> {
    const rec = this.get(id)
    const instance = rec.instance
    rec.status = 'disabled'
    rec.error = undefined
    rec.instance = undefined
    this.changed()
    if (instance) {
      try {
        const teardown = instance.manifest.teardown?.(instance.ctx)
        if (teardown) await deadline(Promise.resolve(teardown), this.lifecycleTimeoutMs, `teardown did not finish in ${formatDuration(this.lifecycleTimeoutMs)}`)
      } catch (err) {
        this.log.error(`teardown of ${id} failed`, { error: err })
      }
      await instance.dispose()
    }
    if (persist) await this.persist(rec, false)
    this.log.info(`disabled ${id}`)
    this.bus.emit('core.plugin.disabled', { id })
    return this.info(rec)
  }

  /**
   * What enabling checks before any code runs: the plugin API, that what it requires is enabled,
   * and that no enabled plugin declares the same permission or event (names are namespaced by id,
   * so this holds unless a check elsewhere is bypassed). `subject` words the messages for reload.
   */
  private checkStartable(manifest: PluginManifest, subject?: string): void {
    const id = manifest.id
    const it = subject ? `${subject} ` : `cannot enable "${id}": it `
    const its = subject ? `${subject}'s ` : `cannot enable "${id}": its `
    if (manifest.api !== PLUGIN_API) {
      const who = subject ?? `plugin "${id}"`
      throw new PluginError(`${who} was written for plugin API ${manifest.api}; this core speaks API ${PLUGIN_API}. Update the plugin.`, 422)
    }
    for (const dep of manifest.requires ?? []) {
      const d = this.records.get(dep)
      if (!d) throw new PluginError(`${it}requires "${dep}", which is not installed`)
      if (d.status !== 'enabled') throw new PluginError(`${it}requires "${dep}", which is ${d.status}. Enable "${dep}" first.`)
    }
    for (const other of this.records.values()) {
      if (other.id === id || other.status !== 'enabled' || !other.manifest) continue
      for (const [kind, mine, theirs] of [
        ['permission', manifest.permissions, other.manifest.permissions],
        ['event', manifest.events, other.manifest.events],
      ] as const) {
        for (const name of Object.keys(mine ?? {})) {
          if (theirs && name in theirs) throw new PluginError(`${its}${kind} "${name}" collides with the same ${kind} of plugin "${other.id}"`)
        }
      }
    }
  }

  private async persist(rec: PluginRecord, enabled: boolean, write = true): Promise<void> {
    if (!write) return
    const values = {
      id: rec.id,
      enabled,
      version: rec.manifest?.version ?? '',
      error: rec.error ?? null,
      settings: rec.settings ?? null,
      updatedAt: new Date(),
    }
    await this.store.db
      .insert(this.core)
      .values(values)
      .onConflictDoUpdate({ target: this.core.id, set: { enabled, version: values.version, error: values.error, settings: values.settings, updatedAt: values.updatedAt } })
  }

  /** Ids of plugins that (transitively) require `id`, nearest first. */
  private dependentsOf(id: string): string[] {
    const out: string[] = []
    const visit = (target: string) => {
      for (const rec of this.records.values()) {
        if (rec.manifest?.requires?.includes(target) && !out.includes(rec.id)) {
          out.push(rec.id)
          visit(rec.id)
        }
      }
    }
    visit(id)
    return out
  }

  /** Dependencies before dependents; cycles fall back to registration order. */
  private dependencyOrder(ids: string[]): string[] {
    const out: string[] = []
    const seen = new Set<string>()
    const visit = (id: string, path: string[]) => {
      if (seen.has(id) || path.includes(id)) return
      const rec = this.records.get(id)
      for (const dep of rec?.manifest?.requires ?? []) if (this.records.has(dep)) visit(dep, [...path, id])
      seen.add(id)
      out.push(id)
    }
    for (const id of ids) visit(id, [])
    return out
  }

  private info(rec: PluginRecord): PluginInfo {
    const m = rec.manifest
    return {
      id: rec.id,
      name: m?.name ?? rec.id,
      version: m?.version ?? '',
      description: m?.description,
      status: rec.status,
      error: this.shadowed.has(rec.id) ? [rec.error, this.shadowed.get(rec.id)].filter(Boolean).join('; ') : rec.error,
      source: rec.source.kind,
      requires: m?.requires ?? [],
      requiredBy: this.dependentsOf(rec.id),
      permissions: m?.permissions ?? {},
      routes: rec.instance?.routes ?? [],
    }
  }
}

/** An asset's name under /public/<id>/: path segments that never start with a dot. */
const ASSET_NAME = /^[\w-][\w.-]*(\/[\w-][\w.-]*)*$/

/**
 * A plugin declares only permissions and events in its own namespace, `<id>.<noun>.<verb>`: core's
 * (`core.*`) and other plugins' names are not its to declare (a plugin declaring
 * `core.members.manage` with grant 'guest' would hand guests core's powers). Asset names are paths
 * without dot segments; `styles` names only declared .css assets.
 */

function checkNames(manifest: PluginManifest): void {
  const id = manifest.id
  for (const name of Object.keys(manifest.assets ?? {})) {
    if (!ASSET_NAME.test(name)) throw new PluginError(`plugin "${id}" declares asset "${name}": name files like board.js or css/app.css (letters, digits, . _ - and /, no leading dot)`, 422)
  }
  if (manifest.styles !== undefined && !Array.isArray(manifest.styles)) throw new PluginError(`plugin "${id}" declares styles that are not a list: give the names of its .css assets, like ['${id}.css']`, 422)
  for (const name of manifest.styles ?? []) {
    if (typeof name !== 'string' || !Object.hasOwn(manifest.assets ?? {}, name) || !name.endsWith('.css')) {
      throw new PluginError(`plugin "${id}" lists "${String(name)}" in styles: name a .css file it declares in assets`, 422)
    }
  }
  for (const [kind, names] of [['permission', manifest.permissions], ['event', manifest.events]] as const) {
    for (const name of Object.keys(names ?? {})) {
      if (!DOTTED.test(name)) throw new PluginError(`plugin "${id}" declares ${kind} "${name}", which is not dotted lower case like ${id}.item.read`, 422)
      if (!name.startsWith(`${id}.`)) {
        const owner = name.startsWith('core.') ? 'it belongs to core; ' : ''
        const shape = kind === 'event' ? `${id}.<noun>.<past-verb>` : `${id}.<noun>.<verb>`
        throw new PluginError(`plugin "${id}" may not declare ${kind} "${name}": ${owner}a plugin declares only its own ${kind}s, named ${shape}`, 422)
      }
    }
  }
}

function describe(source: PluginSource): string {
  return source.kind === 'builtin' ? 'the built-in list' : source.file
}
