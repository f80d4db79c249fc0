/** @module External plugins on disk: picking up new folders at run time, and reloading their code. */
import { PluginError, type PluginHost, type PluginInfo } from './host.ts'
import { changedSinceImport, discoverExternal, importExternal } from './loader.ts'

/**
 * Registers every external plugin folder not yet known; a folder whose code fails is registered as
 * failed. A folder named like a built-in plugin is refused (never loaded): the built-in keeps
 * serving, and the refusal is logged and shown with the built-in in the plugins list.
 */
export async function syncExternal(host: PluginHost, dir: string): Promise<void> {
  const shadowing: { id: string; file: string }[] = []
  for (const { id, file } of discoverExternal(dir)) {
    const known = host.sourceOf(id)
    if (known?.kind === 'builtin') shadowing.push({ id, file })
    if (known) continue
    try {
      const manifest = await importExternal(file)
      if (manifest.id !== id) throw new Error(`${file} declares plugin id "${manifest.id}": name its folder "${manifest.id}"`)
      host.register(manifest, { kind: 'external', file })
    } catch (err) {
      host.log.error(`external plugin ${id} not loaded`, { error: err })
      host.registerBroken(id, { kind: 'external', file }, (err as Error).message)
    }
  }
  host.refuseShadowing(shadowing)
}

/** Reloads a plugin; external ones are imported afresh from their file. */
export function reloadPlugin(host: PluginHost, id: string): Promise<PluginInfo> {
  const source = host.sourceOf(id)
  return source?.kind === 'external' ? host.reload(id, () => importExternal(source.file)) : host.reload(id)
}

/**
 * Enables a plugin. An external one is picked up from disk first; one that failed, or whose file
 * changed since it was imported (fixed after a failure, updated while off), is imported afresh, so
 * enabling starts what is on disk now. An unchanged file is not imported again (each import is a
 * new module that stays in memory).
 */
export async function enablePlugin(host: PluginHost, dir: string, id: string): Promise<PluginInfo> {
  await syncExternal(host, dir)
  const source = host.sourceOf(id)
  const status = host.has(id) ? host.describe(id).status : undefined
  if (source?.kind === 'external' && status !== 'enabled' && (status === 'failed' || changedSinceImport(source.file))) {
    let info: PluginInfo
    try {
      info = await host.reload(id, () => importExternal(source.file))
    } catch (err) {
      if (err instanceof PluginError) throw new PluginError(`the code of "${id}" on disk does not start: ${err.message.replace(/^reload of "[^"]+" (failed|refused)(, the running version stays)?: /, '')}`, err.status)
      throw err
    }
    if (info.status === 'enabled') return info
  }
  return host.enable(id)
}
