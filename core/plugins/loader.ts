/**
 * @module Loader for external plugins: `$DATA_DIR/plugins/<id>/index.tsx` (or .ts, .js), imported
 * at run time. Inside the compiled binary npm packages cannot be resolved, so the names an external
 * plugin may import (elysia, @kitajs/html, drizzle-orm, coder-ide/sdk) are served as virtual modules.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as elysia from 'elysia'
import * as drizzle from 'drizzle-orm'
import * as kitaHtml from '@kitajs/html'
import * as kitaJsx from '@kitajs/html/jsx-runtime'
import * as kitaJsxDev from '@kitajs/html/jsx-dev-runtime'
import * as sdk from './sdk.ts'
import type { PluginManifest } from './contract.ts'

const ENTRY_FILES = ['index.tsx', 'index.ts', 'index.jsx', 'index.js']
let registered = false

/** Registers the virtual modules once per process. */
export function registerVirtualModules(): void {
  if (registered) return
  registered = true
  const modules: Record<string, Record<string, unknown>> = {
    elysia,
    '@kitajs/html': kitaHtml,
    '@kitajs/html/jsx-runtime': kitaJsx,
    '@kitajs/html/jsx-dev-runtime': kitaJsxDev,
    // the query operators (eq, and, sql, desc...) for ctx.db and ctx.store.prepared
    'drizzle-orm': drizzle,
    'coder-ide/sdk': sdk,
  }
  Bun.plugin({
    name: 'coder-ide-virtual-modules',
    setup(build) {
      for (const [name, exports] of Object.entries(modules)) {
        build.module(name, () => ({ exports: { ...exports }, loader: 'object' }))
      }
    },
  })
}

/** An external plugin's folder, found on disk. */
export interface ExternalPluginFile {
  id: string
  file: string
}

/** Lists `<dir>/<id>/index.*`; folders without an entry file are ignored. */
export function discoverExternal(dir: string): ExternalPluginFile[] {
  if (!existsSync(dir)) return []
  const out: ExternalPluginFile[] = []
  for (const id of readdirSync(dir).sort()) {
    const folder = join(dir, id)
    if (!statSync(folder).isDirectory()) continue
    const entry = ENTRY_FILES.map((f) => join(folder, f)).find((f) => existsSync(f))
    if (entry) out.push({ id, file: entry })
  }
  return out
}

/** The mtime of each external file when it was last imported. */
const importedAt = new Map<string, number>()

/** Whether `file` changed on disk since it was last imported (or was never imported). */
export function changedSinceImport(file: string): boolean {
  try {
    return importedAt.get(file) !== statSync(file).mtimeMs
  } catch {
    return true // gone: let the import say so
  }
}

/**
 * Imports the plugin module afresh (a query suffix with the file's mtime defeats the module cache)
 * and returns its default export. Throws with the file name when it does not load or is no plugin.
 */
export async function importExternal(file: string): Promise<PluginManifest> {
  registerVirtualModules()
  const mtime = statSync(file).mtimeMs
  const version = `${mtime}-${Date.now()}`
  importedAt.set(file, mtime)
  let mod: { default?: PluginManifest }
  try {
    mod = await import(`${file}?v=${version}`)
  } catch (err) {
    throw new Error(`${file} does not load: ${firstError(err)}`)
  }
  const manifest = mod.default
  if (!manifest || typeof manifest !== 'object' || typeof manifest.setup !== 'function') {
    throw new Error(`${file} does not export a plugin: use export default definePlugin({...}) from 'coder-ide/sdk'`)
  }
  return manifest
}

/** The first build error with its position (Bun reports syntax errors as an AggregateError). */
function firstError(err: unknown): string {
  const first = (err as { errors?: { message: string; position?: { line: number; column: number; lineText: string } }[] }).errors?.[0]
  if (first?.position) return `line ${first.position.line}:${first.position.column}: ${first.message} (${first.position.lineText.trim().slice(0, 80)})`
  return ((first?.message ?? (err as Error).message) || String(err)).split('\n')[0]!
}
