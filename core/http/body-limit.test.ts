import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { eachDialect } from '../../test/helpers/store.ts'
import { startPlatform, type TestPlatform } from '../../test/helpers/platform.ts'
import { fixturePlugins } from '../../test/fixtures/index.ts'
import { definePlugin } from '../plugins/contract.ts'
import { guard } from './guard.ts'
import { BODY_LIMITS, bodyLimitFor, MAX_BODY_BYTES } from './body-limit.ts'

/** Routes that read whatever body they get and say how long it was. */
const sink = definePlugin({
  id: 'fixture-body',
  name: 'Body sink',
  version: '1.0.0',
  api: 1,
  setup() {
    return new Elysia({ name: 'plugin:fixture-body' })
      .use(guard)
      .post('/api/v1/fixture-body/echo', async ({ request }) => ({ bytes: (await request.arrayBuffer()).byteLength }), { public: true, parse: 'none' })
      .post('/api/v1/fixture-body/import', async ({ request }) => ({ bytes: (await request.arrayBuffer()).byteLength }), { public: true, parse: 'none' })
  },
})

const MB = 1024 * 1024
const bearer = (p: TestPlatform) => ({ authorization: p.serviceAuth, 'content-type': 'application/octet-stream' })

/** A body sent in chunks without Content-Length. */
function chunked(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes
  return new ReadableStream({
    pull(c) {
      if (left <= 0) return c.close()
      const n = Math.min(left, 64 * 1024)
      left -= n
      c.enqueue(new Uint8Array(n).fill(120))
    },
  })
}

/** Sends only the request head (a large Content-Length, no body) over a raw socket and returns what comes back first. */
async function headOnly(url: string, path: string, length: number, type = 'application/x-www-form-urlencoded'): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    let got = ''
    const timer = setTimeout(() => reject(new Error(`no answer without the body; got: ${got}`)), 3000)
    Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        open(s) {
          s.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`)
        },
        data(s, chunk) {
          got += chunk.toString()
          if (got.includes('\r\n\r\n')) {
            clearTimeout(timer)
            setTimeout(() => {
              s.end()
              resolve(got)
            }, 50)
          }
        },
        close() {
          clearTimeout(timer)
          resolve(got)
        },
        error(_s, err) {
          reject(err)
        },
      },
    }).catch(reject)
  })
}

test('one clear set of limits: 1 MB by default, 10 MB for routes ending in /import (CSV and .ics files of up to 5 MB), the largest is the hard cap', () => {
  expect(BODY_LIMITS).toEqual({ default: MB, import: 10 * MB })
  expect(MAX_BODY_BYTES).toBe(10 * MB)
  expect(bodyLimitFor('/login')).toBe(MB)
  expect(bodyLimitFor('/planning/projects/WEB/import')).toBe(10 * MB)
  expect(bodyLimitFor('/calendar/import')).toBe(10 * MB)
  expect(bodyLimitFor('/api/v1/planning/tasks')).toBe(MB)
})

eachDialect('request body limits', (dialect) => {
  let p: TestPlatform
  beforeAll(async () => {
    p = await startPlatform(dialect, [...fixturePlugins, sink])
    await p.host.enable('fixture-body')
  })
  afterAll(() => p.stop())

  test('a form over 1 MB is a 413 page saying the limit, before the CSRF step reads it; a JSON call gets the same in JSON', async () => {
    const c = p.client()
    await c.get('/login')
    const big = await c.post('/login', { email: 'a@example.com', password: 'x'.repeat(2 * MB) })
    expect(big.status).toBe(413)
    expect(big.headers.get('content-type')).toContain('text/html')
    expect(await big.text()).toContain('larger than 1 MB')
    const api = await fetch(`${p.url}/api/v1/fixture-body/echo`, { method: 'POST', headers: bearer(p), body: new Uint8Array(MB + 1) })
    expect(api.status).toBe(413)
    expect(await api.json()).toEqual({ error: { code: 'body_too_large', message: expect.stringContaining('larger than 1 MB') } })
    // at the limit it passes
    const fits = await fetch(`${p.url}/api/v1/fixture-body/echo`, { method: 'POST', headers: bearer(p), body: new Uint8Array(MB) })
    expect(await fits.json()).toEqual({ bytes: MB })
  })

  test('the 413 comes from the Content-Length alone: the body is never waited for (a 100 MB claim included)', async () => {
    const small = await headOnly(p.url, '/login', 2 * MB)
    expect(small).toStartWith('HTTP/1.1 413')
    expect(small).toContain('text/html')
    const huge = await headOnly(p.url, '/api/v1/fixture-body/import', 100 * MB, 'application/octet-stream')
    expect(huge).toStartWith('HTTP/1.1 413')
  })

  test('a chunked body (no Content-Length) is bounded too: past 1 MB a 413; under it the route reads all of it', async () => {
    const over = await fetch(`${p.url}/api/v1/fixture-body/echo`, { method: 'POST', headers: bearer(p), body: chunked(MB + 64 * 1024), duplex: 'half' } as RequestInit)
    expect(over.status).toBe(413)
    expect((await over.json()).error.message).toContain('larger than 1 MB')
    const under = await fetch(`${p.url}/api/v1/fixture-body/echo`, { method: 'POST', headers: bearer(p), body: chunked(300 * 1024), duplex: 'half' } as RequestInit)
    expect(await under.json()).toEqual({ bytes: 300 * 1024 })
  })

  test('an import route takes up to 10 MB (sent whole or chunked), and no more', async () => {
    const six = await fetch(`${p.url}/api/v1/fixture-body/import`, { method: 'POST', headers: bearer(p), body: new Uint8Array(6 * MB) })
    expect(await six.json()).toEqual({ bytes: 6 * MB })
    const chunks = await fetch(`${p.url}/api/v1/fixture-body/import`, { method: 'POST', headers: bearer(p), body: chunked(6 * MB), duplex: 'half' } as RequestInit)
    expect(await chunks.json()).toEqual({ bytes: 6 * MB })
    const over = await fetch(`${p.url}/api/v1/fixture-body/import`, { method: 'POST', headers: bearer(p), body: chunked(10 * MB + 64 * 1024), duplex: 'half' } as RequestInit).catch(() => undefined)
    if (over) expect(over.status).toBe(413) // Bun's own refusal (the connection may also just close)
  })
})
