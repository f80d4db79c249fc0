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

  test('collisions of ids, permissions and events name both plugins', async () => {
    host.register(plugin('a', { permissions: { 'shared.thing.read': 'x' }, events: { 'shared.thing.happened': 'x' } }))
    expect(() => host.register(plugin('a'))).toThrow('plugin id "a" from the built-in list collides with plugin "a" from the built-in list')
    host.register(plugin('b', { permissions: { 'shared.thing.read': 'y' } }))
    host.register(plugin('c', { events: { 'shared.thing.happened': 'y' } }))
    expect(() => host.register(plugin('api'))).toThrow('reserved by core')
    expect(() => host.register(plugin('Bad_Id'))).toThrow('not kebab-case')
    await host.boot()
    expect(host.describe('a').status).toBe('enabled')
    expect(host.describe('b').error).toBe('cannot enable "b": its permission "shared.thing.read" collides with the same permission of plugin "a"')
    expect(host.describe('c').error).toBe('cannot enable "c": its event "shared.thing.happened" collides with the same event of plugin "a"')
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

  test('unknown plugins answer 404 errors', async () => {
    await host.boot()
    expect((await refusal(host.enable('ghost'))).status).toBe(404)
    expect((await refusal(host.disable('ghost'))).message).toBe('no plugin "ghost": see the list of plugins')
  })
})

test('a settings schema is a typebox object', () => {
  expect(notes.settings).toEqual(tb.Object({ greeting: tb.String({ default: 'Hello', minLength: 1 }) }))
})
