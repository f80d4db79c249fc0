/** External plugin folders that shadow a built-in, and reloads whose new code the host must refuse. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { eachDialect, testStore } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { externalPluginSource, writeExternalPlugin } from '../../test/helpers/external.ts'
import { fixturePlugins, notes } from '../../test/fixtures/index.ts'
import { setLogLevel, setLogSink } from '../log.ts'
import { PluginHost } from './host.ts'
import { syncExternal } from './external.ts'

type Listed = { plugins: { id: string; status: string; source: string; version: string; error?: string }[] }

eachDialect('external plugins: refusals', (dialect) => {
  let p: TestPlatform
  const admin = (path: string, method = 'GET') =>
    fetch(`${p.url}/api/v1/admin/plugins${path}`, { method, headers: { 'content-type': 'application/json', authorization: p.serviceAuth } })
  const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message

  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  test('a folder named like a built-in plugin is refused, naming both; the built-in keeps serving; removed, the note goes', async () => {
    // Were it loaded, this code would take over /fixture-notes.
    const file = writeExternalPlugin(p.test.dataDir, 'fixture-notes', externalPluginSource('fixture-notes', '9.9.9'))
    const list = (await (await admin('')).json()) as Listed
    const row = list.plugins.find((x) => x.id === 'fixture-notes')!
    expect(list.plugins.filter((x) => x.id === 'fixture-notes')).toHaveLength(1)
    expect(row).toMatchObject({ status: 'enabled', source: 'builtin', version: '1.0.0' })
    expect(row.error).toBe(
      `external plugin folder ${dirname(file)} is refused: its id "fixture-notes" is the built-in plugin "fixture-notes" (Notes), which keeps serving. Give the external plugin another id and folder name.`,
    )
    expect((await fetch(`${p.url}/api/v1/fixture-notes/notes`)).status).toBe(200)
    expect(await (await fetch(`${p.url}/api/v1/fixture-notes/version`)).json()).toMatchObject({ error: { code: 'not_found' } })
    // enabling by that id reaches the built-in, never the folder
    expect(((await (await admin('/fixture-notes/enable', 'POST')).json()) as { version: string }).version).toBe('1.0.0')

    rmSync(dirname(file), { recursive: true })
    const after = (await (await admin('')).json()) as Listed
    expect(after.plugins.find((x) => x.id === 'fixture-notes')!.error).toBeUndefined()
  })

  test('enabling an external plugin that is off starts the code on disk now, not the copy read earlier', async () => {
    writeExternalPlugin(p.test.dataDir, 'ext-later', externalPluginSource('ext-later', '1.0.0'))
    expect((await admin('/ext-later/enable', 'POST')).status).toBe(200)
    expect((await admin('/ext-later/disable', 'POST')).status).toBe(200)
    // changed while off (an update, or the fix after a failure)
    writeExternalPlugin(p.test.dataDir, 'ext-later', externalPluginSource('ext-later', '1.1.0'))
    expect((await admin('/ext-later/enable', 'POST')).status).toBe(200)
    expect(await (await fetch(`${p.url}/api/v1/ext-later/version`)).json()).toEqual({ version: '1.1.0', rows: 1 })
    expect(p.host.describe('ext-later')).toMatchObject({ status: 'enabled', version: '1.1.0' })
  })

  test('an unchanged external plugin is not imported again on each enable; code that no longer loads says so plainly', async () => {
    const source = externalPluginSource('ext-once', '1.0.0').replace("export default definePlugin({", "const g = globalThis as { __extOnce?: number }\ng.__extOnce = (g.__extOnce ?? 0) + 1\nexport default definePlugin({")
    writeExternalPlugin(p.test.dataDir, 'ext-once', source)
    expect((await admin('/ext-once/enable', 'POST')).status).toBe(200)
    const imports = (globalThis as { __extOnce?: number }).__extOnce
    expect(imports).toBeGreaterThan(0)
    for (let i = 0; i < 3; i++) {
      expect((await admin('/ext-once/disable', 'POST')).status).toBe(200)
      expect((await admin('/ext-once/enable', 'POST')).status).toBe(200)
    }
    expect((globalThis as { __extOnce?: number }).__extOnce).toBe(imports)
    expect((await admin('/ext-once/disable', 'POST')).status).toBe(200)
    await Bun.sleep(5) // a new mtime
    writeExternalPlugin(p.test.dataDir, 'ext-once', 'export default {{{')
    const broken = await admin('/ext-once/enable', 'POST')
    expect(broken.status).toBe(422)
    const message = await errorOf(broken)
    expect(message).toStartWith('the code of "ext-once" on disk does not start: ')
    expect(message).toContain('does not load')
    expect(message).not.toContain('running version stays')
    expect(p.host.describe('ext-once').status).toBe('disabled')
  })

  test('reloading an external plugin whose new code speaks another plugin API is refused; the old version keeps serving', async () => {
    writeExternalPlugin(p.test.dataDir, 'ext-api', externalPluginSource('ext-api', '1.0.0'))
    expect((await admin('/ext-api/enable', 'POST')).status).toBe(200)
    expect(await (await fetch(`${p.url}/api/v1/ext-api/version`)).json()).toEqual({ version: '1.0.0', rows: 1 })

    writeExternalPlugin(p.test.dataDir, 'ext-api', externalPluginSource('ext-api', '2.0.0').replace('api: 1,', 'api: 2,'))
    const refused = await admin('/ext-api/reload', 'POST')
    expect(refused.status).toBe(422)
    expect(await errorOf(refused)).toBe(
      'reload of "ext-api" refused, the running version stays: the new version was written for plugin API 2; this core speaks API 1. Update the plugin.',
    )
    expect(await (await fetch(`${p.url}/api/v1/ext-api/version`)).json()).toEqual({ version: '1.0.0', rows: 1 })
    expect(p.host.describe('ext-api')).toMatchObject({ status: 'enabled', version: '1.0.0' })

    // new code that declares core's permissions is refused the same way
    const greedy = externalPluginSource('ext-api', '3.0.0').replace('api: 1,', "api: 1,\n  permissions: { 'core.members.manage': { description: 'mine now', grant: 'guest' } },")
    writeExternalPlugin(p.test.dataDir, 'ext-api', greedy)
    const taken = await admin('/ext-api/reload', 'POST')
    expect(taken.status).toBe(422)
    expect(await errorOf(taken)).toContain('plugin "ext-api" may not declare permission "core.members.manage": it belongs to core')
    expect(await (await fetch(`${p.url}/api/v1/ext-api/version`)).json()).toEqual({ version: '1.0.0', rows: 1 })
  })

  test("a new external plugin declaring core's permission is refused at pickup; guests gain nothing", async () => {
    const greedy = externalPluginSource('ext-greedy', '1.0.0').replace('api: 1,', "api: 1,\n  permissions: { 'core.members.manage': { description: 'mine now', grant: 'guest' } },")
    writeExternalPlugin(p.test.dataDir, 'ext-greedy', greedy)
    const row = ((await (await admin('')).json()) as Listed).plugins.find((x) => x.id === 'ext-greedy')!
    expect(row.status).toBe('failed')
    expect(row.error).toContain('may not declare permission "core.members.manage": it belongs to core')
    expect((await admin('/ext-greedy/enable', 'POST')).status).toBe(422)
    const { user } = await p.member('guest')
    const auth = await p.deps.identity.resolver.authFor(user.id, p.org!.id)
    expect(auth!.permissions.has('core.members.read')).toBe(true)
    expect(auth!.permissions.has('core.members.manage')).toBe(false)
    expect(p.deps.identity.resolver.catalog().filter((e) => e.name === 'core.members.manage')).toEqual([expect.objectContaining({ grant: 'admin', group: 'core' })])
  })
})

test('the refusal of a shadowing folder is logged once, not at every pickup', async () => {
  const t = await testStore('sqlite')
  const lines: string[] = []
  const prev = setLogSink((line) => lines.push(line))
  setLogLevel('info')
  const host = new PluginHost(t.store)
  try {
    host.register(notes)
    const dir = join(t.dataDir, 'plugins')
    writeExternalPlugin(t.dataDir, 'fixture-notes', 'throw new Error("never imported")')
    await syncExternal(host, dir)
    await syncExternal(host, dir)
    expect(lines.filter((l) => l.includes('external plugin folder'))).toHaveLength(1)
    expect(lines[0]).toContain(`ERROR [plugins] external plugin folder ${join(dir, 'fixture-notes')} is refused`)
    expect(host.describe('fixture-notes').error).toContain('built-in plugin "fixture-notes" (Notes)')
  } finally {
    setLogLevel('silent')
    setLogSink(prev)
    await host.stop()
    await t.cleanup()
  }
})
