import { describe, expect, test } from 'bun:test'
import { Bus } from './bus.ts'
import { createLogger, setLogLevel, setLogSink } from './log.ts'

describe('Bus', () => {
  test('a handler that throws on every event: the others receive all 10,000, the emitter never sees it', async () => {
    const lines: string[] = []
    const prev = setLogSink((line) => lines.push(line))
    // other test files in this process may have silenced the log
    const prevLevel = setLogLevel('error')
    try {
      const bus = new Bus(createLogger('bus'))
      let received = 0
      let asyncReceived = 0
      bus.on('bad', 'fixture.thing.happened', () => {
        throw new Error('always')
      })
      bus.on('bad-async', 'fixture.thing.happened', async () => {
        throw new Error('always async')
      })
      bus.on('good', 'fixture.thing.happened', () => {
        received++
      })
      bus.on('good-async', 'fixture.thing.happened', async () => {
        await Promise.resolve()
        asyncReceived++
      })
      for (let i = 0; i < 10_000; i++) expect(() => bus.emit('fixture.thing.happened', { i })).not.toThrow()
      await Bun.sleep(10)
      expect(received).toBe(10_000)
      expect(asyncReceived).toBe(10_000)
      expect(bus.failureCounts()).toEqual({ bad: 10_000, 'bad-async': 10_000 })
      // failures are logged, but not 20,000 times
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.length).toBeLessThan(250)
      expect(lines[0]).toContain('handler of bad failed on fixture.thing.happened')
    } finally {
      setLogSink(prev)
      setLogLevel(prevLevel)
    }
  })

  test('a scope removes exactly its own handlers on dispose', () => {
    const bus = new Bus(createLogger('bus'))
    const a = bus.scope('a')
    const b = bus.scope('b')
    const got: string[] = []
    a.on('x.y.z', () => got.push('a'))
    a.on('x.y.z', () => got.push('a2'))
    b.on('x.y.z', () => got.push('b'))
    expect(bus.listenerCount('x.y.z')).toBe(3)
    a.dispose()
    expect(bus.listenerCount('x.y.z')).toBe(1)
    bus.emit('x.y.z', {}) // b's scope may emit only b.* events
    expect(got).toEqual(['b'])
  })

  test('an unsubscribed handler stops receiving', () => {
    const bus = new Bus(createLogger('bus'))
    let n = 0
    const off = bus.scope('a').on('x.y.z', () => n++)
    bus.emit('x.y.z', {})
    off()
    bus.emit('x.y.z', {})
    expect(n).toBe(1)
  })
})

test('onAny hears every event with its name; a throwing one is isolated and removed with its scope', () => {
  const bus = new Bus(createLogger('bus'))
  const heard: string[] = []
  const scope = bus.scope('feed')
  scope.onAny((name) => {
    heard.push(name)
  })
  bus.scope('bad').onAny(() => {
    throw new Error('nope')
  })
  bus.emit('a.b.created', {})
  bus.emit('c.d.deleted', {})
  expect(heard).toEqual(['a.b.created', 'c.d.deleted'])
  expect(bus.failureCounts()).toEqual({ bad: 2 })
  scope.dispose()
  bus.emit('e.f.updated', {})
  expect(heard).toHaveLength(2)
})

test("a plugin's scope emits only its own events: core's and other plugins' are dropped, logged once and counted", () => {
  const logged: string[] = []
  const log = { error: (m: string) => logged.push(m), warn() {}, info() {}, debug() {}, child: () => log } as unknown as ConstructorParameters<typeof Bus>[0]
  const bus = new Bus(log)
  const heard: string[] = []
  bus.onAny('core', (name) => void heard.push(name))
  const rogue = bus.scope('rogue')
  rogue.emit('rogue.thing.happened', {})
  rogue.emit('core.org.deleted', { id: 'o1', name: 'Acme', slug: 'acme' })
  rogue.emit('other.thing.happened', {})
  rogue.emit('other.thing.happened', {})
  rogue.emit('roguex.thing.happened', {})
  expect(heard).toEqual(['rogue.thing.happened'])
  expect(bus.refusedCounts()).toEqual({ rogue: 4 })
  expect(logged.filter((m) => m.includes('may not emit other.thing.happened'))).toHaveLength(1)
  expect(logged.some((m) => m.includes('may not emit core.org.deleted'))).toBe(true)
  // core itself emits anything
  bus.emit('core.org.deleted', { id: 'o1', name: 'Acme', slug: 'acme' })
  expect(heard).toContain('core.org.deleted')
})
