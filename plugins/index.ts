/**
 * @module The built-in plugins, in registration order. A compiled binary cannot scan its own
 * folders, so each plugin is listed here explicitly; core/main.ts is the only core file importing it.
 */
import type { PluginManifest } from '../core/plugins/contract.ts'
import collaboration from './collaboration/index.ts'
import planning from './planning/index.ts'
import calendar from './calendar/index.ts'
import dashboard from './dashboard/index.ts'

/** Every plugin shipped in the binary. The other domain plugins land here one issue at a time. */
export const builtinPlugins: PluginManifest<any>[] = [collaboration, planning, calendar, dashboard]
