/**
 * @module Event bus over mitt. Events are facts (`<id>.<noun>.<past-verb>`), typed by declaration
 * merging on `Events`. Every handler is isolated: a throw or a rejection is logged and counted
 * against its plugin and never reaches the emitter or the other handlers.
 */
import mitt, { type Emitter } from 'mitt'
import { createLogger, type Logger } from './log.ts'

/**
 * The event map. Plugins add their events in events.ts:
 * `declare module '<path>/core/bus.ts' { interface Events { 'planning.task.created': {...} } }`
 */
// biome-ignore lint: an interface is what declaration merging needs
export interface Events {
  'core.plugin.enabled': { id: string }
  'core.plugin.disabled': { id: string }
  /**
   * An organization and its core rows (members, teams, roles, invitations) are gone. Plugins
   * delete their own rows of `id` when they hear it; until they do, that data stays in the store,
   * reachable by nobody.
   */
  'core.org.deleted': { id: string; name: string; slug: string }
}

/** A name in the event map, or any string for events from external plugins. */
export type EventName = keyof Events | (string & {})
/** The payload of an event; unknown for names outside the map. */
export type Payload<K> = K extends keyof Events ? Events[K] : unknown

type AnyHandler = (payload: unknown) => unknown

/** The part of the bus one plugin sees; everything it registers goes away on `dispose`. */
export interface BusScope {
  emit<K extends EventName>(name: K, payload: Payload<K>): void
  on<K extends EventName>(name: K, handler: (payload: Payload<K>) => unknown): () => void
  /** Hears every event (activity feeds, workflow triggers); same isolation as `on`. */
  onAny(handler: (name: string, payload: unknown) => unknown): () => void
  dispose(): void
}

/** The process-wide bus. */
export class Bus {
  private readonly emitter: Emitter<Record<string, unknown>> = mitt()
  private readonly failures = new Map<string, number>()
  private readonly refused = new Map<string, number>()
  /** `owner event` pairs already logged as refused (each is logged once). */
  private readonly refusedLogged = new Set<string>()
  private readonly log: Logger

  constructor(log: Logger = createLogger('bus')) {
    this.log = log
  }

  /** Emits to every handler; returns once the synchronous parts have run. Never throws. */
  emit<K extends EventName>(name: K, payload: Payload<K>): void {
    this.emitter.emit(name as string, payload)
  }

  /** Subscribes on behalf of `owner` (a plugin id or 'core'); returns the unsubscribe function. */
  on<K extends EventName>(owner: string, name: K, handler: (payload: Payload<K>) => unknown): () => void {
    const wrapped: AnyHandler = (payload) => {
      try {
        const result = (handler as AnyHandler)(payload)
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          ;(result as Promise<unknown>).then(undefined, (err: unknown) => this.fail(owner, name as string, err))
        }
      } catch (err) {
        this.fail(owner, name as string, err)
      }
    }
    this.emitter.on(name as string, wrapped)
    return () => this.emitter.off(name as string, wrapped)
  }

  /** Subscribes to every event on behalf of `owner`. */
  onAny(owner: string, handler: (name: string, payload: unknown) => unknown): () => void {
    const wrapped = (name: string, payload: unknown) => {
      try {
        const result = handler(name, payload)
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          ;(result as Promise<unknown>).then(undefined, (err: unknown) => this.fail(owner, name, err))
        }
      } catch (err) {
        this.fail(owner, name, err)
      }
    }
    this.emitter.on('*', wrapped as never)
    return () => this.emitter.off('*', wrapped as never)
  }

  /** A scope for one plugin: its handlers are removed together. */
  scope(owner: string): BusScope {
    const offs = new Set<() => void>()
    const track = (off: () => void) => {
      const remove = () => {
        off()
        offs.delete(remove)
      }
      offs.add(remove)
      return remove
    }
    // After dispose (a disabled plugin, or a setup given up on that carries on) nothing subscribes.
    let disposed = false
    return {
      emit: (name, payload) => {
        // Rule 1 of the house: a plugin's events are `<id>.<noun>.<past-verb>`. A plugin emitting
        // core's or another plugin's event would forge facts others act on: dropped, logged, counted.
        if (!(name as string).startsWith(`${owner}.`)) return this.refuse(owner, name as string)
        this.emit(name, payload)
      },
      on: (name, handler) => (disposed ? () => {} : track(this.on(owner, name, handler))),
      onAny: (handler) => (disposed ? () => {} : track(this.onAny(owner, handler))),
      dispose: () => {
        disposed = true
        for (const off of [...offs]) off()
      },
    }
  }

  /** How many handler failures each owner has had since start. */
  failureCounts(): Record<string, number> {
    return Object.fromEntries(this.failures)
  }

  /** How many events outside its own `<id>.` namespace each owner tried to emit (all dropped). */
  refusedCounts(): Record<string, number> {
    return Object.fromEntries(this.refused)
  }

  /** Number of handlers currently subscribed to `name`. */
  listenerCount(name: string): number {
    return this.emitter.all.get(name)?.length ?? 0
  }

  private refuse(owner: string, event: string): void {
    this.refused.set(owner, (this.refused.get(owner) ?? 0) + 1)
    const key = `${owner} ${event}`
    if (this.refusedLogged.has(key)) return
    this.refusedLogged.add(key)
    this.log.error(`plugin ${owner} may not emit ${event}: a plugin emits only its own events (${owner}.<noun>.<past-verb>); dropped`, { plugin: owner, event })
  }

  private fail(owner: string, event: string, err: unknown): void {
    const count = (this.failures.get(owner) ?? 0) + 1
    this.failures.set(owner, count)
    // Log the first failures and then every hundredth, so a handler that always throws cannot flood the log.
    if (count <= 5 || count % 100 === 0) {
      this.log.error(`handler of ${owner} failed on ${event}`, { error: err instanceof Error ? err.message : String(err), failures: count })
    }
  }
}
