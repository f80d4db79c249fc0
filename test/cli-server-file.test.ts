/**
 * The plugins CLI and `$DATA_DIR/server.json`: a file left by a server that died, naming a pid that
 * now belongs to another program, does not stop the CLI from working on the store (SQLite).
 */
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './helpers/cli.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'coder-ide-server-file-'))
const stranger = Bun.spawn(['sleep', '60'])
afterAll(() => {
  stranger.kill()
  rmSync(dataDir, { recursive: true, force: true })
})

const cli = (args: string[]) => runCli(args, { DATA_DIR: dataDir })

test("a stale server.json (its pid now another program's, its address dead) is ignored: the CLI changes the store", async () => {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') })
  const dead = probe.port!
  probe.stop(true)
  writeFileSync(join(dataDir, 'server.json'), JSON.stringify({ url: `http://127.0.0.1:${dead}`, pid: stranger.pid }))
  const r = await cli(['plugins', 'disable', 'dashboard', '--port', String(dead), '--host', '127.0.0.1'])
  expect(r.err).toBe('')
  expect(r.code).toBe(0)
  expect(r.out).toContain('in the store (no server answered')
}, 30_000)
