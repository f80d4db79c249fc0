/**
 * PostgreSQL that is not up yet at start (a compose stack starting together): `connect` keeps
 * trying for `pgWaitMs`, telling of each wait, and connects once the server accepts; without the
 * wait, or past it, one clear error. Wrong credentials fail at once, waiting or not.
 */
import { afterEach, expect, test } from 'bun:test'
import type { Socket, TCPSocketListener } from 'bun'
import { connect } from './connect.ts'
import { PG_URL } from '../../test/helpers/store.ts'

const pg = new URL(PG_URL)
let proxy: TCPSocketListener<{ upstream?: Socket<unknown>; pending: Uint8Array[] }> | undefined
afterEach(() => proxy?.stop(true))

/** A free port nothing listens on (yet). */
function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = probe.port
  probe.stop(true)
  return port
}

/** Starts forwarding `port` to the real PostgreSQL: the server "comes up". */
function startProxy(port: number) {
  proxy = Bun.listen<{ upstream?: Socket<unknown>; pending: Uint8Array[] }>({
    hostname: '127.0.0.1',
    port,
    socket: {
      open(client) {
        client.data = { pending: [] }
        Bun.connect({
          hostname: pg.hostname,
          port: Number(pg.port || 5432),
          socket: {
            open(up) {
              client.data.upstream = up
              for (const chunk of client.data.pending) up.write(chunk)
              client.data.pending = []
            },
            data(_up, chunk) {
              client.write(chunk)
            },
            close() {
              client.end()
            },
          },
        })
      },
      data(client, chunk) {
        if (client.data.upstream) client.data.upstream.write(chunk)
        else client.data.pending.push(new Uint8Array(chunk))
      },
      close(client) {
        client.data.upstream?.end()
      },
    },
  })
}

const urlOn = (port: number) => {
  const u = new URL(PG_URL)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  return u.toString()
}

test('a server that comes up while we wait: retried with a message per wait, then connected', async () => {
  const port = freePort()
  const waits: string[] = []
  setTimeout(() => startProxy(port), 900)
  const store = await connect(urlOn(port), { pgWaitMs: 10_000, onWait: (m) => waits.push(m) })
  try {
    expect(await store.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }])
    expect(waits.length).toBeGreaterThanOrEqual(2)
    expect(waits[0]).toMatch(new RegExp(`^PostgreSQL at postgres://.*127\\.0\\.0\\.1:${port}/.* is not accepting connections yet \\(ECONNREFUSED.*\\): retrying in 0\\.3 s$`))
  } finally {
    await store.close()
  }
})

test('without a wait, or once the wait is over: one clear error', async () => {
  const port = freePort()
  const started = Date.now()
  await expect(connect(urlOn(port))).rejects.toThrow(new RegExp(`^cannot reach PostgreSQL at postgres://.*127\\.0\\.0\\.1:${port}/.*ECONNREFUSED.*Check DATABASE_URL and that the server is running\\.$`))
  expect(Date.now() - started).toBeLessThan(3000)
  const waits: string[] = []
  await expect(connect(urlOn(port), { pgWaitMs: 1200, onWait: (m) => waits.push(m) })).rejects.toThrow(/^cannot reach PostgreSQL/)
  expect(waits.length).toBeGreaterThanOrEqual(2)
  expect(Date.now() - started).toBeLessThan(6000)
})

test('wrong credentials are not waited for', async () => {
  const u = new URL(PG_URL)
  u.username = 'no_such_role_here'
  const waits: string[] = []
  const started = Date.now()
  await expect(connect(u.toString(), { pgWaitMs: 10_000, onWait: (m) => waits.push(m) })).rejects.toThrow(/^cannot reach PostgreSQL at .*no_such_role_here/)
  expect(waits).toEqual([])
  expect(Date.now() - started).toBeLessThan(3000)
})
