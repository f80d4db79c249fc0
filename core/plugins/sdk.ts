/**
 * @module The SDK external plugins import as `coder-ide/sdk`: the contract and helpers, with no
 * path into core's internals. Built-in plugins import the same names from core directly.
 */
export { definePlugin, PLUGIN_API } from './contract.ts'
export type { NavItem, PluginContext, PluginMail, PluginManifest, ExtensionPoints, SearchProvider, SearchResult } from './contract.ts'
export type * from './points.ts'
export { defineSchema } from '../store/facade.ts'
export type { ColumnFacade } from '../store/facade.ts'
export { guard, requestAuth } from '../http/guard.ts'
export { can } from '../auth/resolve.ts'
export type { Auth } from '../auth/resolve.ts'
