/**
 * `coder-ide admin create` reads the password from stdin: on a terminal without echoing it (run
 * under a pseudo-terminal with util-linux `script`, so what the terminal shows is captured), piped
 * as a plain line. A control shows the harness sees echo when a program reads in cooked mode. The
 * password is then checked by signing in. SQLite: this is about the terminal, not the store.
 */
import { afterAll, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testConfig } from './helpers/platform.ts'
import { Client } from './helpers/client.ts'
import { openPlatform, servePlatform } from '../core/platform.ts'

const root = join(import.meta.dir, '..')
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'coder-ide-pw-'))
  dirs.push(d)
  return d
}

const SCRIPT = '/usr/bin/script'

/**
 * Runs `command` on a pseudo-terminal; once the output shows `prompt`, types `input` and Enter.
 * Returns everything the terminal showed (the program's output and any echo) and the exit code.
 */
async function onTerminal(command: string, env: Record<string, string>, prompt: string, input: string): Promise<{ shown: string; code: number }> {
  const proc = Bun.spawn([SCRIPT, '-qefc', command, '/dev/null'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'dumb', ...env }, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' })
  let shown = ''
  const reader = proc.stdout.getReader()
  const decoder = new TextDecoder()
  let typed = false
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const { value, done } = await reader.read()
    if (done) break
    shown += decoder.decode(value)
    if (!typed && shown.includes(prompt)) {
      typed = true
      await Bun.sleep(200) // the program switches the terminal to raw mode right after the prompt
      proc.stdin.write(`${input}\r`)
      await proc.stdin.flush()
    }
  }
  proc.stdin.end()
  return { shown, code: await proc.exited }
}

async function signsIn(dir: string, email: string, password: string): Promise<boolean> {
  const running = await servePlatform(await openPlatform(testConfig(dir), []))
  try {
    return (await new Client(running.url).signIn(email, password)).status === 303
  } finally {
    await running.stop()
  }
}

test(
  'on a terminal the password is not echoed, and it is the one saved',
  async () => {
    // util-linux's script(1) (Debian's essential bsdutils) gives the command a real terminal
    expect(existsSync(SCRIPT)).toBe(true)
    // control: a shell reading a line in cooked mode echoes it, and the harness sees that
    const control = await onTerminal('printf "Say: "; read x; echo "got $x"', {}, 'Say: ', 'echoed-word')
    expect(control.shown.split('echoed-word').length - 1).toBe(2) // the echo and the program's own "got ..."

    const dir = dataDir()
    const password = 'tty password 42!'
    const run = await onTerminal(
      `${process.execPath} core/main.ts admin create --email tty@example.com --name Tty`,
      { DATA_DIR: dir, LOG_LEVEL: 'error' },
      'Password (8 to 256 characters): ',
      password,
    )
    expect(run.shown).toContain('created instance admin tty@example.com')
    expect(run.shown).not.toContain('tty password')
    expect(run.code).toBe(0)
    expect(await signsIn(dir, 'tty@example.com', password)).toBe(true)
  },
  90_000,
)

test(
  'piped, the first line of stdin is the password',
  async () => {
    const dir = dataDir()
    const proc = Bun.spawn([process.execPath, 'core/main.ts', 'admin', 'create', '--email', 'pipe@example.com', '--name', 'Pipe'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dir, LOG_LEVEL: 'error' },
      stdin: new Blob(['piped password 1\nnot this line\n']),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    expect(err).toBe('Password (8 to 256 characters): ')
    expect(out).toContain('created instance admin pipe@example.com')
    expect(code).toBe(0)
    expect(await signsIn(dir, 'pipe@example.com', 'piped password 1')).toBe(true)
  },
  60_000,
)
