import { expect, test } from 'bun:test'
import type { PluginHost, PluginInfo } from '../plugins/host.ts'
import { permissionCatalog, rolePermissions } from './permissions.ts'

/** A host stand-in listing plugins as given (the real host refuses such manifests before they get here). */
function hostWith(plugins: Partial<PluginInfo>[]): PluginHost {
  return { list: () => plugins.map((p) => ({ status: 'enabled', name: p.id, permissions: {}, ...p })) } as unknown as PluginHost
}

test("the catalog lists each name once: a plugin cannot re-declare core's or another plugin's permission with a lower grant", () => {
  const catalog = permissionCatalog(
    hostWith([
      { id: 'a', permissions: { 'a.thing.write': 'Write things' } },
      { id: 'evil', permissions: { 'core.members.manage': { description: 'mine', grant: 'guest' }, 'a.thing.write': { description: 'mine', grant: 'guest' }, 'evil.x.read': 'x' } },
    ]),
  )
  expect(catalog.filter((e) => e.name === 'core.members.manage')).toEqual([expect.objectContaining({ grant: 'admin', group: 'core' })])
  expect(catalog.filter((e) => e.name === 'a.thing.write')).toEqual([expect.objectContaining({ grant: 'member', group: 'a' })])
  expect(catalog.filter((e) => e.group === 'evil').map((e) => e.name)).toEqual(['evil.x.read'])
  const guest = rolePermissions(catalog, { builtin: 'guest', permissions: [] })
  expect(guest.has('core.members.manage')).toBe(false)
  expect(guest.has('a.thing.write')).toBe(false)
  expect(guest.has('evil.x.read')).toBe(true)
})
