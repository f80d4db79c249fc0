/** @module The layers other plugins add through `calendar.source` (planning's due dates, milestones, cycles): which a user may see, and their items. */
import type { Auth } from '../../core/auth/resolve.ts'
import { can } from '../../core/auth/resolve.ts'
import type { CalendarItem, CalendarSource } from '../../core/plugins/points.ts'
import type { Ctx } from './service-types.ts'

/** A layer a user may see, keyed `src:<pluginId>:<sourceId>` (the key layer preferences and feeds store). */
export interface LayerSource {
  key: string
  source: CalendarSource
}

/** The calendar.source layers of the enabled plugins that `auth` may see, in contribution order. */
export function layerSources(ctx: Ctx, auth: Auth): LayerSource[] {
  return ctx
    .contributionsBy('calendar.source')
    .filter((c) => !c.value.permission || can(auth, c.value.permission))
    .map((c) => ({ key: `src:${c.pluginId}:${c.value.id}`, source: c.value }))
}

/** A layer's items in [from, to) as `auth` may see them; undefined (and logged) when the source fails. */
export async function layerItems(ctx: Ctx, layer: LayerSource, from: Date, to: Date, auth: Auth): Promise<CalendarItem[] | undefined> {
  try {
    return await layer.source.items({ from, to }, auth)
  } catch (err) {
    ctx.log.error('calendar source failed', { source: layer.key, error: err })
    return undefined
  }
}
