import { afterEach, beforeEach, expect, test } from 'bun:test'
import { Elysia, t as tb } from 'elysia'
import { eachDialect, testStore, type TestStore } from '../../test/helpers/store.ts'
import { notes, broken } from '../../test/fixtures/index.ts'
import { setLogLevel } from '../log.ts'
import { definePlugin, type PluginManifest } from './contract.ts'
import { PluginHost, PluginError } from './host.ts'
import { guard } from '../http/guard.ts'

setLogLevel('silent')

/** A tiny plugin for lifecycle tests. */
function plugin(id: string, extra: Partial<PluginManifest> = {}): PluginManifest {
  return definePlugin({ id, name: id, version: '1.0.0', api: 1, setup: () => {}, ...extra })
}

async function refusal(p: Promise<unknown>): Promise<PluginError> {
  try {
    await p
  } catch (err) {
    if (err instanceof PluginError) return err
    throw err
  }
  throw new Error('expected a PluginError')
}

eachDialect('plugin host', (dialect) => {
  let t: TestStore
  let host: PluginHost
  beforeEach(async () => {
    t = await testStore(dialect)
    host = new PluginHost(t.store)
  })
  afterEach(async () => {
    await host.stop()
    await t.cleanup()
  })

  test('boot migrates and enables built-ins; a throwing setup is marked failed and the rest serve', async () => {
    host.register(notes)
    host.register(broken)
    await host.boot()
    expect(host.describe('fixture-notes').status).toBe('enabled')
    const b = host.describe('fixture-broken')
    expect(b.status).toBe('failed')
    expect(b.error).toContain('fixture-broken cannot start: missing FIXTURE_KEY')
    const res = await host.handlerFor('fixture-notes')!(new Request('http://localhost/api/v1/fixture-notes/notes'))
    expect(res.status).toBe(200)
    expect(host.handlerFor('fixture-broken')).toBeUndefined()
    expect(host.settled).toBe(true)
  })

  test('state is kept in the store and restored at boot', async () => {
    host.register(notes)
    host.register(plugin('other'))
    await host.boot()
    await host.disable('fixture-notes')
    await host.stop()
    const next = new PluginHost(t.store)
    next.register(notes)
    next.register(plugin('other'))
    await next.boot()
    expect(next.describe('fixture-notes').status).toBe('disabled')
    expect(next.describe('other').status).toBe('enabled')
    await next.stop()
  })

  test('requires: enabling with the dependency off is refused, naming it', async () => {
    host.register(plugin('base'))
    host.register(plugin('child', { requires: ['base'] }))
    await host.boot()
    await host.disable('child')
    await host.disable('base')
    const err = await refusal(host.enable('child'))
    expect(err.status).toBe(409)
    expect(err.message).toBe('cannot enable "child": it requires "base", which is disabled. Enable "base" first.')
    await host.enable('base')
    expect((await host.enable('child')).status).toBe('enabled')
  })

  test('disabling a required plugin is refused with the dependents; cascade disables them all', async () => {
    host.register(plugin('base'))
    host.register(plugin('mid', { requires: ['base'] }))
    host.register(plugin('top', { requires: ['mid'] }))
    await host.boot()
    const err = await refusal(host.disable('base'))
    expect(err.message).toContain('cannot disable "base": "mid", "top" require it')
    expect(host.describe('base').status).toBe('enabled')
    const off = await host.disable('base', { cascade: true })
    expect(off.map((p) => p.id)).toEqual(['top', 'mid', 'base'])
    expect(host.list().every((p) => p.status === 'disabled')).toBe(true)
  })

  test('an api-version mismatch is refused with a clear message', async () => {
    host.register(plugin('future', { api: 2 }))
    await host.boot()
    expect(host.describe('future').status).toBe('failed')
    expect(host.describe('future').error).toBe('plugin "future" was written for plugin API 2; this core speaks API 1. Update the plugin.')
  })

  test('id collisions name both plugins; reserved and malformed ids are refused', async () => {
    host.register(plugin('a', { permissions: { 'a.thing.read': 'x' }, events: { 'a.thing.happened': 'x' } }))
    expect(() => host.register(plugin('a'))).toThrow('plugin id "a" from the built-in list collides with plugin "a" from the built-in list')
    expect(() => host.register(plugin('api'))).toThrow('reserved by core')
    expect(() => host.register(plugin('Bad_Id'))).toThrow('not kebab-case')
    await host.boot()
    expect(host.describe('a').status).toBe('enabled')
  })

  test("a plugin may declare only permissions and events under its own id: core's and others' are refused", async () => {
    host.register(plugin('a', { permissions: { 'a.thing.read': 'x' }, events: { 'a.thing.happened': 'x' } }))
    const refused = (extra: Partial<PluginManifest>, id = 'b') => {
      try {
        host.register(plugin(id, extra))
      } catch (err) {
        expect(err).toBeInstanceOf(PluginError)
        expect((err as PluginError).status).toBe(422)
        return (err as Error).message
      }
      throw new Error('expected a refusal')
    }
    expect(refused({ permissions: { 'core.members.manage': { description: 'take over', grant: 'guest' } } })).toBe(
      'plugin "b" may not declare permission "core.members.manage": it belongs to core; a plugin declares only its own permissions, named b.<noun>.<verb>',
    )
    expect(refused({ permissions: { 'core.instance.admin': 'x' } })).toContain('it belongs to core')
    expect(refused({ events: { 'core.plugin.enabled': 'x' } })).toBe(
      'plugin "b" may not declare event "core.plugin.enabled": it belongs to core; a plugin declares only its own events, named b.<noun>.<past-verb>',
    )
    expect(refused({ permissions: { 'a.thing.read': 'y' } })).toBe('plugin "b" may not declare permission "a.thing.read": a plugin declares only its own permissions, named b.<noun>.<verb>')
    expect(refused({ events: { 'a.thing.happened': 'y' } })).toContain('may not declare event "a.thing.happened"')
    // a prefix of another id is not the id: "a-b" may not declare "a.*", nor "a" declare "a-b.*"
    expect(refused({ permissions: { 'a.x.read': 'y' } }, 'a-b')).toContain('may not declare permission "a.x.read"')
    expect(refused({ permissions: { 'Not.Dotted': 'y' } })).toContain('which is not dotted lower case')
    expect(host.has('b')).toBe(false)
    host.register(plugin('b', { permissions: { 'b.thing.read': 'y' }, events: { 'b.thing.happened': 'y' } }))
    await host.boot()
    expect(host.list().map((p) => [p.id, p.status])).toEqual([
      ['a', 'enabled'],
      ['b', 'enabled'],
    ])
  })

  test('disable removes handlers, timers, contributions and services; data stays; enable brings them back', async () => {
    let ticks = 0
    let heard = 0
    host.register(notes)
    host.register(
      plugin('listener', {
        setup(ctx) {
          ctx.bus.on('fixture-notes.note.created', () => {
            heard++
          })
          ctx.every(5, () => {
            ticks++
          })
          ctx.nav({ label: 'Listener', href: '/listener' })
          ctx.contribute('custom.point', { id: 'w' })
          ctx.provide('listener.echo', (s: string) => s)
        },
      }),
    )
    await host.boot()
    expect(host.contributions('nav').map((n) => n.label)).toEqual(['Notes', 'Listener'])
    expect(host.contributions('custom.point')).toEqual([{ id: 'w' }])
    expect(host.service<(s: string) => string>('listener.echo')!('hi')).toBe('hi')
    const { notes: table } = (await import('../../test/fixtures/fixture-notes/schema.ts')).schema((await import('../store/facade.ts')).columnFacade(dialect))
    const post = async () => {
      await t.store.db.insert(table).values({ title: 'n', createdAt: new Date() })
      host.bus.emit('fixture-notes.note.created', { id: 1, title: 'n' })
    }
    await post()
    expect(heard).toBe(1)
    await Bun.sleep(30)
    expect(ticks).toBeGreaterThan(0)

    await host.disable('listener')
    const ticksAtDisable = ticks
    await post()
    await Bun.sleep(30)
    expect(heard).toBe(1)
    expect(ticks).toBe(ticksAtDisable)
    expect(host.contributions('nav').map((n) => n.label)).toEqual(['Notes'])
    expect(host.contributions('custom.point')).toEqual([])
    expect(host.service('listener.echo')).toBeUndefined()

    await host.disable('fixture-notes')
    expect(host.handlerFor('fixture-notes')).toBeUndefined()
    await host.enable('fixture-notes')
    const res = await host.handlerFor('fixture-notes')!(new Request('http://localhost/api/v1/fixture-notes/notes'))
    expect(((await res.json()) as { notes: unknown[] }).notes).toHaveLength(2)
  })

  test('a plugin may not serve outside its own prefixes, and every route declares its permission', async () => {
    host.register(plugin('sneaky', { setup: () => new Elysia().use(guard).get('/api/v1/admin/plugins', () => 'mine', { public: true }) }))
    host.register(plugin('undeclared', { setup: () => new Elysia().use(guard).get('/undeclared', () => 'open to all?') }))
    await host.boot()
    expect(host.describe('sneaky').status).toBe('failed')
    expect(host.describe('sneaky').error).toBe('route GET /api/v1/admin/plugins is outside /sneaky and /api/v1/sneaky')
    expect(host.describe('undeclared').status).toBe('failed')
    expect(host.describe('undeclared').error).toContain('route GET /undeclared declares no permission')
  })

  test('a failing migration marks the plugin failed, applies nothing, and others keep serving', async () => {
    host.register(notes)
    host.register(
      plugin('bad-migration', {
        migrations: {
          sqlite: [{ tag: '0000_init', sql: 'create table bad_migration_items (id integer)\n--> statement-breakpoint\nnot sql' }],
          postgres: [{ tag: '0000_init', sql: 'create table bad_migration_items (id integer)\n--> statement-breakpoint\nnot sql' }],
        },
      }),
    )
    await host.boot()
    expect(host.describe('bad-migration').status).toBe('failed')
    expect(host.describe('bad-migration').error).toContain('migration 0000_init of plugin "bad-migration" failed')
    await expect(t.store.query('select * from bad_migration_items')).rejects.toThrow()
    expect(host.describe('fixture-notes').status).toBe('enabled')
  })

  test('settings: defaults, validation with field errors, and saved values reach the plugin', async () => {
    host.register(notes)
    await host.boot()
    const get = async () => (await host.handlerFor('fixture-notes')!(new Request('http://localhost/fixture-notes'))).text()
    expect(await get()).toContain('<h1>Hello</h1>')
    const err = await refusal(host.updateSettings('fixture-notes', { greeting: '' }))
    expect(err.status).toBe(422)
    expect(err.message).toContain('greeting:')
    await host.updateSettings('fixture-notes', { greeting: 'Hej' })
    expect(await get()).toContain('<h1>Hej</h1>')
  })

  test('reload swaps the instance; a failing new version leaves the old one serving', async () => {
    let version = 'one'
    const make = (v: string, fail = false): PluginManifest =>
      plugin('swap', {
        version: v,
        setup() {
          if (fail) throw new Error('new version broken')
          return new Elysia().use(guard).get('/swap', () => v, { public: true })
        },
      })
    host.register(make(version))
    await host.boot()
    const read = async () => (await host.handlerFor('swap')!(new Request('http://localhost/swap'))).text()
    expect(await read()).toBe('one')
    version = 'two'
    await host.reload('swap', async () => make(version))
    expect(await read()).toBe('two')
    const err = await refusal(host.reload('swap', async () => make('three', true)))
    expect(err.message).toBe('reload of "swap" failed, the running version stays: new version broken')
    expect(await read()).toBe('two')
    expect(host.describe('swap').status).toBe('enabled')
  })

  test('reload makes the checks enable makes: api version, requires and names; refused, the old version keeps serving', async () => {
    const make = (v: string, extra: Partial<PluginManifest> = {}): PluginManifest =>
      plugin('swap', { version: v, setup: () => new Elysia().use(guard).get('/swap', () => v, { public: true }), ...extra })
    host.register(plugin('base'))
    host.register(make('one'))
    await host.boot()
    await host.disable('base')
    const read = async () => (await host.handlerFor('swap')!(new Request('http://localhost/swap'))).text()
    expect(await read()).toBe('one')

    const api = await refusal(host.reload('swap', async () => make('two', { api: 2 })))
    expect(api.status).toBe(422)
    expect(api.message).toBe('reload of "swap" refused, the running version stays: the new version was written for plugin API 2; this core speaks API 1. Update the plugin.')
    const requires = await refusal(host.reload('swap', async () => make('two', { requires: ['base'] })))
    expect(requires.status).toBe(409)
    expect(requires.message).toBe('reload of "swap" refused, the running version stays: the new version requires "base", which is disabled. Enable "base" first.')
    const missing = await refusal(host.reload('swap', async () => make('two', { requires: ['ghost'] })))
    expect(missing.message).toBe('reload of "swap" refused, the running version stays: the new version requires "ghost", which is not installed')
    const names = await refusal(host.reload('swap', async () => make('two', { permissions: { 'core.members.manage': { description: 'x', grant: 'guest' } } })))
    expect(names.status).toBe(422)
    expect(names.message).toStartWith('reload of "swap" refused, the running version stays: plugin "swap" may not declare permission "core.members.manage"')
    expect(host.describe('swap')).toMatchObject({ status: 'enabled', version: 'one', permissions: {} })
    expect(await read()).toBe('one')

    await host.enable('base')
    await host.reload('swap', async () => make('two', { requires: ['base'] }))
    expect(await read()).toBe('two')
    // a disabled plugin's new code is checked for names too (the rest is checked when it is enabled)
    await host.disable('swap')
    const off = await refusal(host.reload('swap', async () => make('three', { events: { 'base.thing.happened': 'x' } })))
    expect(off.message).toStartWith('reload of "swap" refused: plugin "swap" may not declare event "base.thing.happened"')
  })

  test('a contribution made after setup (a settings change, a timer) shows at once', async () => {
    let later: ((label: string) => void) | undefined
    host.register(
      plugin('late', {
        setup(ctx) {
          ctx.nav({ label: 'First', href: '/late' })
          later = (label) => ctx.nav({ label, href: `/late/${label}` })
        },
      }),
    )
    await host.boot()
    expect(host.contributions('nav').map((n) => n.label)).toEqual(['First']) // read: now cached
    later!('Second')
    expect(host.contributions('nav').map((n) => n.label)).toEqual(['First', 'Second'])
  })

  test('unknown plugins answer 404 errors', async () => {
    await host.boot()
    expect((await refusal(host.enable('ghost'))).status).toBe(404)
    expect((await refusal(host.disable('ghost'))).message).toBe('no plugin "ghost": see the list of plugins')
  })
})

test('a settings schema is a typebox object', () => {
  expect(notes.settings).toEqual(tb.Object({ greeting: tb.String({ default: 'Hello', minLength: 1 }) }))
})
