/**
 * @module Loader for external plugins: `$DATA_DIR/plugins/<id>/index.tsx` (or .ts, .js), imported
 * at run time. Inside the compiled binary npm packages cannot be resolved, so the names an external
 * plugin may import (elysia, @kitajs/html, drizzle-orm, coder-ide/sdk) are served as virtual modules.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
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

/** The newest modification time among a plugin folder's files (node_modules and dot folders aside). */
function folderStamp(folder: string): number {
  let newest = 0
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  walk(folder)
  return newest
}

/** Each external entry file's folder stamp when it was last imported. */
const importedAt = new Map<string, number>()

/** Whether any file of the plugin's folder changed since it was last imported (or it never was). */
export function changedSinceImport(file: string): boolean {
  try {
    return importedAt.get(file) !== folderStamp(dirname(file))
  } catch {
    return true // gone: let the import say so
  }
}

let copies = 0

/**
 * Removes copies no one runs: this process keeps its newest two (the one just imported and the one
 * still serving if the new code fails to start); another process's copies go only once it is gone
 * (a `migrate` or `demo` run beside the server must not pull the server's files away).
 */
function pruneCopies(cache: string): void {
  const mine = readdirSync(cache)
    .filter((name) => name.startsWith(`${process.pid}-`))
    .sort()
  for (const name of mine.slice(0, -2)) rmSync(join(cache, name), { recursive: true, force: true })
  for (const name of readdirSync(cache)) {
    const pid = Number(name.split('-')[0])
    if (pid === process.pid || !Number.isInteger(pid)) continue
    try {
      process.kill(pid, 0)
    } catch {
      rmSync(join(cache, name), { recursive: true, force: true })
    }
  }
}

/**
 * Imports the plugin afresh and returns its default export. The module cache keys on paths, so the
 * whole folder is copied to `$DATA_DIR/.cache/plugins/<id>/<pid>-<n>/` and imported from there:
 * every file of a plugin split over several files is read anew, not only its entry. Copies no one
 * runs are removed (pruneCopies). Throws with the file name when it does not load or is no plugin.
 */
export async function importExternal(file: string): Promise<PluginManifest> {
  registerVirtualModules()
  const folder = dirname(file)
  const id = basename(folder)
  const cache = join(dirname(dirname(folder)), '.cache', 'plugins', id)
  const stamp = folderStamp(folder)
  const copy = join(cache, `${process.pid}-${(copies++).toString().padStart(6, '0')}`)
  mkdirSync(cache, { recursive: true })
  cpSync(folder, copy, { recursive: true, filter: (src) => !/(^|\/)(node_modules|\.[^/]*)$/.test(src.slice(folder.length)) })
  // its own dependencies resolve as from its folder
  if (existsSync(join(folder, 'node_modules'))) symlinkSync(join(folder, 'node_modules'), join(copy, 'node_modules'), 'dir')
  importedAt.set(file, stamp)
  let mod: { default?: PluginManifest }
  try {
    mod = await import(join(copy, basename(file)))
  } catch (err) {
    rmSync(copy, { recursive: true, force: true })
    throw new Error(`${file} does not load: ${firstError(err)}`)
  }
  pruneCopies(cache)
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
