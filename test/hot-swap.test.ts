/** Hot swap under load: plugin toggled 50 times while 20 clients hammer its routes over real HTTP. */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { eachDialect } from './helpers/store.ts'
import { startPlatform, type TestPlatform } from './helpers/platform.ts'
import { fixturePlugins } from './fixtures/index.ts'

const CLIENTS = 20
const CYCLES = 50

eachDialect('hot swap under load', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, fixturePlugins)
  })
  afterAll(() => p.stop())

  test(`${CLIENTS} clients, ${CYCLES} disable/enable cycles: only 200s and the defined 404, no 5xx, no dropped connection`, async () => {
    const post = (action: 'enable' | 'disable') =>
      fetch(`${p.url}/api/v1/admin/plugins/fixture-notes/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: p.serviceAuth }, body: '{}' })
    let running = true
    const counts = { ok: 0, disabled: 0 }
    const unexpected: string[] = []
    const slowResults: Promise<number>[] = []

    const client = async (n: number) => {
      while (running) {
        const path = n % 2 === 0 ? '/api/v1/fixture-notes/notes' : '/fixture-notes'
        try {
          const res = await fetch(p.url + path)
          const body = await res.text()
          if (res.status === 200) counts.ok++
          else if (res.status === 404 && (body.includes('plugin_disabled') || body.includes('Notes is disabled'))) counts.disabled++
          else unexpected.push(`${res.status} ${path} ${body.slice(0, 120)}`)
        } catch (err) {
          unexpected.push(`network error on ${path}: ${(err as Error).message}`)
        }
      }
    }
    const clients = Array.from({ length: CLIENTS }, (_, i) => client(i))

    for (let i = 0; i < CYCLES; i++) {
      // a request that starts before the disable must finish with the plugin's 200
      if (i % 10 === 0) {
        slowResults.push(fetch(`${p.url}/fixture-notes/slow`).then(async (r) => (r.status === 200 && (await r.text()) === 'slow done' ? 200 : r.status)))
        await Bun.sleep(20)
      }
      const off = await post('disable')
      expect(off.status).toBe(200)
      await Bun.sleep(5)
      const on = await post('enable')
      expect(on.status).toBe(200)
      await Bun.sleep(5)
    }
    running = false
    await Promise.all(clients)

    expect(unexpected).toEqual([])
    expect(await Promise.all(slowResults)).toEqual([200, 200, 200, 200, 200])
    expect(counts.ok).toBeGreaterThan(CLIENTS)
    expect(counts.disabled).toBeGreaterThan(0)
    const final = await fetch(`${p.url}/api/v1/fixture-notes/notes`)
    expect(final.status).toBe(200)
  }, 120_000)
})
