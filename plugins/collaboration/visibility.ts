/**
 * @module Which activity rows and notifications a viewer may see. A row about an
 * entity shows when an enabled plugin's 'entity.link' for its type exists, the viewer holds the link's
 * permission, and the link's resolve() finds the entity for them (a private calendar event resolves
 * for the people who may see it only). A row without an entity (a task that was deleted) takes its
 * type from its event name (`planning.task.deleted` -> `planning.task`) and needs that link's
 * permission. Everything else is hidden. Notifications follow the same rule for their stored entity,
 * checked again each time they are read (seesNotification).
 *
 * One ActivityViewer serves one request (a page of the feed, a widget): each entity is resolved once,
 * a type the viewer may not read costs no lookup at all, and the entities of a batch of rows are
 * resolved together, a few at a time. The contract has no batch resolve, so this is as far as
 * batching goes.
 */
import { can, type Auth } from '../../core/auth/resolve.ts'
import type { EntityLink } from '../../core/plugins/points.ts'
import type { ActivityRow, NotificationRow } from './service.ts'

/** What a notification's visibility depends on. */
export type NotificationRef = Pick<NotificationRow, 'entityType' | 'entityId' | 'entityKnown'>

/** Resolves running at once for one viewer. */
const PARALLEL = 8

/** `<plugin>.<noun>` of an event name `<plugin>.<noun>.<verb>`. */
export function typeOfEvent(event: string): string | undefined {
  const parts = event.split('.')
  return parts.length >= 3 ? `${parts[0]}.${parts[1]}` : undefined
}

/** Viewer keys by Auth: core keeps a session's Auth for a while, so the bell hashes its permissions once, not on every page. */
const viewerKeys = new WeakMap<Auth, string>()

/**
 * What decides a viewer's answers besides the entities themselves: their user, org and permissions,
 * as a short key (see ActivityViewer.key).
 */
export function viewerKey(auth: Auth): string {
  let key = viewerKeys.get(auth)
  if (key === undefined) {
    key = Bun.hash(`${auth.user.id}\n${auth.org?.id ?? ''}\n${[...auth.permissions].sort().join(',')}`).toString(36)
    viewerKeys.set(auth, key)
  }
  return key
}

export class ActivityViewer {
  private readonly links = new Map<string, EntityLink>()
  private readonly known = new Map<string, Promise<boolean>>()
  private running = 0
  private readonly waiting: (() => void)[] = []
  /** Calls to a link's resolve() so far (tests look). */
  lookups = 0

  constructor(
    links: EntityLink[],
    private readonly auth: Auth,
  ) {
    for (const link of links) if (!this.links.has(link.type)) this.links.set(link.type, link)
  }

  /** Records an entity the caller already resolved for this viewer. */
  allow(type: string, id: string): void {
    this.known.set(`${type}\n${id}`, Promise.resolve(true))
  }

  /** The link of `type` when the viewer may read that type at all. */
  private readable(type: string | null | undefined): EntityLink | undefined {
    const link = type ? this.links.get(type) : undefined
    return link && this.auth.org && can(this.auth, link.permission) ? link : undefined
  }

  /** Whether the viewer may see one row. */
  visible(row: ActivityRow): Promise<boolean> {
    if (!row.entityType || !row.entityId) return Promise.resolve(Boolean(this.readable(typeOfEvent(row.event))))
    return this.sees(row.entityType, row.entityId)
  }

  /**
   * Whether the viewer may see a notification now (it was checked at delivery, but roles and
   * entities change): one about an entity while they may see the entity; one about nothing, yes;
   * an old one whose entity was never recorded (`entityKnown` false), no: it cannot be checked.
   */
  seesNotification(row: NotificationRef): Promise<boolean> {
    if (row.entityType && row.entityId) return this.sees(row.entityType, row.entityId)
    return Promise.resolve(row.entityKnown)
  }

  /**
   * What decides this viewer's answers besides the entities themselves: their user, org and
   * permissions, as a short key. A count cached under one key never serves another (a role change).
   */
  get key(): string {
    return viewerKey(this.auth)
  }

  /** Whether the viewer may see one entity: its type's link permission, then its resolve() (once per entity). */
  sees(type: string, id: string): Promise<boolean> {
    const link = this.readable(type)
    if (!link) return Promise.resolve(false)
    const key = `${type}\n${id}`
    let hit = this.known.get(key)
    if (!hit) {
      hit = this.limited(async () => {
        this.lookups++
        return Boolean(await link.resolve(id, this.auth))
      }).catch(() => false)
      this.known.set(key, hit)
    }
    return hit
  }

  /** The rows the viewer may see, in order. */
  async filter(rows: ActivityRow[]): Promise<ActivityRow[]> {
    const keep = await Promise.all(rows.map((r) => this.visible(r)))
    return rows.filter((_, i) => keep[i])
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing lookup hands its slot straight to the next waiting one.
    if (this.running >= PARALLEL) await new Promise<void>((go) => this.waiting.push(go))
    else this.running++
    try {
      return await fn()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}
