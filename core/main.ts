#!/usr/bin/env bun
/** @module The command line: serve | migrate | plugins | backup. The only core file that imports the plugin list. */
import pkg from '../package.json' with { type: 'json' }
import { builtinPlugins } from '../plugins/index.ts'
import { ConfigError, loadConfig, OPTIONS, redactUrl, type Config } from './config.ts'
import { createLogger, setLogLevel } from './log.ts'
import { keepServingOnStrayErrors, openPlatform, runningServer, runtimeTokenFile, servePlatform, type Platform } from './platform.ts'
import { ListenError, urlHost } from './http/server.ts'
import { readFileSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { InputError } from './auth/accounts.ts'
import { backupStore, connect, StoreError } from './store/connect.ts'
import { migrationStatus, formatMigrationStatus, MigrationError, UnknownMigrationsError, ensureMigrationTable, migratePlugin, type MigrationSet } from './store/migrator.ts'
import { PluginError, PluginHost, type PluginInfo } from './plugins/host.ts'
import { createIdentity } from './auth/index.ts'
import { secretKeyFile } from './auth/secret-key.ts'
import { importExternal } from './plugins/loader.ts'
import { migrations as coreMigrations } from './store/migrations/index.ts'

const HELP = `Coder IDE ${pkg.version}: a team platform in one binary.

Usage: coder-ide [command] [flags]

Commands:
  serve                      run the server (the default)
  migrate                    apply pending migrations of core and every plugin
  migrate status             list applied and pending migrations per plugin
  plugins list               list plugins with their status
  plugins enable <id>        enable a plugin (on the running server when one answers)
  plugins disable <id> [--cascade]
                             disable a plugin (--cascade: also those that require it)
  plugins reload <id>        load a plugin's code again and swap it in
  backup <file>              copy the live SQLite store to <file> (PostgreSQL: use pg_dump)
  demo [--org <name>]        fill a new organization with sample projects, tasks, events, comments
  admin create --email <e> --name <n> [--org <name>]
                             create an instance admin (password from ADMIN_PASSWORD or stdin)
  admin reset-password --email <e>
                             print a single-use set-password link (24 h) for an account;
                             with ADMIN_PASSWORD set, set that password directly instead
  help, --help               this text
  version, --version         the version

Configuration (flag, or environment variable; flags win):
${OPTIONS.map((o) => `  ${(o.flag + ' / ' + o.env).padEnd(44)} ${o.help} (default: ${o.default || 'unset'})`).join('\n')}
`

async function main(argv: string[]): Promise<number> {
  const words: string[] = []
  let i = 0
  while (i < argv.length && !argv[i]!.startsWith('-')) words.push(argv[i++]!)
  let rest = argv.slice(i)
  if (rest.includes('--help') || rest.includes('-h') || words[0] === 'help') return print(HELP)
  if (rest.includes('--version') || words[0] === 'version') return print(pkg.version)
  const cascade = rest.includes('--cascade')
  rest = rest.filter((a) => a !== '--cascade')
  const commandFlags: Record<string, string> = {}
  for (const name of ['--email', '--name', '--org']) {
    const at = rest.indexOf(name)
    if (at !== -1 && (words[0] === 'admin' || words[0] === 'demo')) {
      commandFlags[name.slice(2)] = rest[at + 1] ?? ''
      rest.splice(at, 2)
    }
  }

  const config = loadConfig(process.env, rest)
  setLogLevel(config.logLevel)
  const [command = 'serve', sub, arg] = words

  switch (command) {
    case 'serve':
      return serve(config)
    case 'migrate':
      return sub === 'status' ? migrateStatus(config) : sub === undefined ? migrateAll(config) : usage(`unknown migrate command "${sub}"`)
    case 'plugins':
      return plugins(config, sub, arg, cascade)
    case 'admin':
      if (sub === 'create') return adminCreate(config, commandFlags)
      if (sub === 'reset-password') return adminResetPassword(config, commandFlags)
      return usage('admin needs create or reset-password: coder-ide admin create --email <e> --name <n>, coder-ide admin reset-password --email <e>')
    case 'demo':
      return demo(config, commandFlags)
    case 'backup':
      return arg === undefined && sub ? backup(config, sub) : usage('backup needs one file name: coder-ide backup <file>')
    default:
      return usage(`unknown command "${command}"`)
  }
}

/** What shutdown may take beyond SHUTDOWN_TIMEOUT_MS (plugins stopping, the store closing) before the process exits regardless. */
const SHUTDOWN_GRACE_MS = 5_000

async function serve(config: Config): Promise<number> {
  const log = createLogger('core')
  const started = performance.now()
  keepServingOnStrayErrors(log)
  const platform = await openPlatform(config, builtinPlugins)
  const running = await servePlatform(platform)
  const enabled = platform.host.list().filter((p) => p.status === 'enabled').length
  const failed = platform.host.list().filter((p) => p.status === 'failed')
  log.info(`listening on ${running.url}`, {
    store: redactUrl(platform.store.label),
    mail: config.mail ? redactUrl(config.mail.smtpUrl) : 'off',
    plugins: `${enabled} enabled${failed.length ? `, ${failed.length} failed (${failed.map((p) => p.id).join(', ')})` : ''}`,
    startup_ms: Math.round(performance.now() - started),
  })
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info(`${signal}: shutting down`)
      // A hard deadline: draining has SHUTDOWN_TIMEOUT_MS, plugin teardowns their own limit, but a
      // store that never closes or a stuck lifecycle step must not keep the process alive forever.
      const hardMs = config.shutdownTimeoutMs + SHUTDOWN_GRACE_MS
      setTimeout(() => {
        log.error(`shutdown did not finish within ${hardMs} ms; exiting anyway`)
        process.exit(1)
      }, hardMs).unref()
      running.stop().then(resolve, (err) => {
        log.error('shutdown failed', { error: err })
        resolve()
      })
    }
    process.once('SIGTERM', () => shutdown('SIGTERM'))
    process.once('SIGINT', () => shutdown('SIGINT'))
  })
  log.info('stopped')
  return 0
}

/**
 * The migration sets of core, the built-in plugins and the external plugins in $DATA_DIR/plugins
 * (their code imported to read them); external ones whose code does not load are listed apart.
 */
async function migrationSets(platform: Platform): Promise<{ sets: { id: string; migrations?: MigrationSet }[]; broken: { id: string; error: string }[] }> {
  const sets: { id: string; migrations?: MigrationSet }[] = [{ id: 'core', migrations: coreMigrations }, ...builtinPlugins.map((p) => ({ id: p.id, migrations: p.migrations }))]
  const broken: { id: string; error: string }[] = []
  for (const info of platform.host.list()) {
    const source = platform.host.sourceOf(info.id)
    if (source?.kind !== 'external') continue
    try {
      const manifest = await importExternal(source.file)
      sets.push({ id: info.id, migrations: manifest.migrations })
    } catch (err) {
      broken.push({ id: info.id, error: (err as Error).message })
    }
  }
  return { sets, broken }
}

async function migrateAll(config: Config): Promise<number> {
  const platform = await openPlatform(config, builtinPlugins)
  try {
    await ensureMigrationTable(platform.store)
    const { sets, broken } = await migrationSets(platform)
    for (const p of sets) {
      const applied = await migratePlugin(platform.store, p.id, p.migrations)
      console.log(`${p.id.padEnd(16)} ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`)
    }
    for (const b of broken) console.log(`${b.id.padEnd(16)} not migrated: ${b.error}`)
    return broken.length ? 1 : 0
  } finally {
    await platform.store.close()
  }
}

async function migrateStatus(config: Config): Promise<number> {
  // Read-only: a wrong DATA_DIR is an error, not a new empty store.
  const platform = await openPlatform(config, builtinPlugins, { mustExist: true })
  try {
    const { sets, broken } = await migrationSets(platform)
    const rows = await migrationStatus(platform.store, sets)
    const external = new Set(platform.host.list().filter((p) => p.source === 'external').map((p) => p.id))
    console.log(`store: ${platform.store.label}`)
    for (const r of rows) console.log(formatMigrationStatus(r, external.has(r.plugin)))
    for (const b of broken) console.log(`${b.id.padEnd(16)} unknown: the code does not load (${b.error})  (external)`)
    return 0
  } finally {
    await platform.store.close()
  }
}

/** Talks to the running server's admin API; with no server answering, changes the stored state. */
async function plugins(config: Config, sub: string | undefined, id: string | undefined, cascade: boolean): Promise<number> {
  if (!sub || !['list', 'enable', 'disable', 'reload'].includes(sub)) return usage('plugins needs list, enable <id>, disable <id> or reload <id>')
  if (sub !== 'list' && !id) return usage(`plugins ${sub} needs a plugin id: coder-ide plugins ${sub} <id>`)
  // The configured address first; else the server this data dir's server.json names, if it runs.
  const configured = `http://${urlHost(config.host)}:${config.port}`
  const found = runningServer(config)
  let base = `${configured}/api/v1/admin/plugins`
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const token = config.adminToken ?? readRuntimeToken(config)
  if (token) headers.authorization = `Bearer ${token}`
  // who ran the command, for the audit log (the service token itself names nobody)
  headers['x-coder-cli-user'] = `${localOperator() ?? process.env.USER ?? 'unknown'}@${hostname()}`.replace(/[^\w.@-]/g, '_').slice(0, 100)
  const call = async (to: string) =>
    fetch(sub === 'list' ? new Request(to, { headers }) : new Request(`${to}/${id}/${sub}`, { method: 'POST', headers, body: JSON.stringify(sub === 'disable' ? { cascade } : {}) }), {
      signal: AbortSignal.timeout(30_000),
    })
  let response: Response | undefined
  try {
    response = await call(base)
  } catch {
    response = undefined
  }
  if (!response && found && found.url !== configured) {
    base = `${found.url}/api/v1/admin/plugins`
    response = await call(base).catch(() => undefined)
  }
  if (!response && found) {
    // A server runs on this data dir but does not answer: changing the store under it would not reach it.
    return fail(`a server (pid ${found.pid}) runs on this data dir at ${found.url} but does not answer; try again when it does, or stop it to change the store directly`)
  }
  if (response) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message: string }; plugins?: PluginInfo[] } & PluginInfo
    if (!response.ok) return fail(body.error?.message ?? `the server answered ${response.status}`)
    printPlugins(body.plugins ?? [body], sub === 'list' ? undefined : `on the running server at ${base.replace('/api/v1/admin/plugins', '')}`)
    return 0
  }
  return withStartedPlatform(config, async (platform) => {
    // Changes made here are audited like the admin API's, with the command line as the actor.
    const audit = (action: string, target: string, details: Record<string, unknown> = {}) =>
      platform.deps.identity.accounts.audit(CLI_ACTOR, action, target, { ...details, via: 'cli', operator: localOperator() })
    let result: PluginInfo[]
    if (sub === 'list') result = await platform.deps.list()
    else if (sub === 'enable') {
      const before = platform.host.has(id!) ? platform.host.describe(id!).status : undefined
      try {
        result = [await platform.deps.enable(id!)]
      } catch (err) {
        if (err instanceof PluginError && err.status !== 404) await audit('plugin.enable_failed', id!, { error: err.message.slice(0, 500) })
        throw err
      }
      if (before !== 'enabled') await audit('plugin.enabled', id!)
    } else if (sub === 'disable') {
      result = await platform.host.disable(id!, { cascade })
      await audit('plugin.disabled', id!, { cascade: result.map((p) => p.id).filter((other) => other !== id) })
    } else {
      result = [await platform.deps.reload(id!)]
      await audit('plugin.reloaded', id!, { version: result[0]!.version })
    }
    printPlugins(result, sub === 'list' ? undefined : 'in the store (no server answered; it applies when the server starts)')
    return 0
  })
}

/** The audit actor of changes made from the command line on this machine. */
const CLI_ACTOR = { userId: null, email: 'cli', ip: 'local', orgId: null }

/**
 * Opens the store with the built-in plugins started, runs `work`, and stops them and closes the
 * store again; a refused input or plugin change is the command's one-line failure.
 */
async function withStartedPlatform(config: Config, work: (platform: Platform) => Promise<number>): Promise<number> {
  const platform = await openPlatform(config, builtinPlugins)
  try {
    await platform.host.boot()
    return await work(platform)
  } catch (err) {
    if (err instanceof InputError || err instanceof PluginError) return fail(err.message)
    throw err
  } finally {
    await platform.host.stop()
    await platform.store.close()
  }
}

/** The local account running the command (for the audit details), when the system says. */
function localOperator(): string | undefined {
  try {
    return userInfo().username || undefined
  } catch {
    return undefined
  }
}

/** Reads the token the running server wrote for this data dir, if any. */
function readRuntimeToken(config: Config): string | undefined {
  try {
    return readFileSync(runtimeTokenFile(config), 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}

async function adminCreate(config: Config, flags: Record<string, string>): Promise<number> {
  const { email, name } = flags
  if (!email || !name) return usage('admin create needs --email <address> and --name <name>')
  const password = process.env.ADMIN_PASSWORD || (await readPassword('Password (8 to 256 characters): '))
  return withStartedPlatform(config, async (platform) => {
    const { accounts, orgs } = platform.deps.identity
    const user = await accounts.createUser({ email, name, password: password ?? '', isAdmin: true })
    const org = flags.org ? await orgs.createOrg({ name: flags.org }, user.id) : undefined
    await accounts.audit({ ...CLI_ACTOR, orgId: org?.id }, 'user.create', user.email, { isAdmin: true, via: 'cli' })
    console.log(`created instance admin ${user.email}${org ? ` and organization ${org.name}` : ''}`)
    return 0
  })
}

/**
 * A forgotten password, from the machine the server runs on: prints a set-password link (its path:
 * put the server's address in front), or with ADMIN_PASSWORD sets that password at once. Either
 * way the account's sessions end (a running server notices within 30 seconds: its identity cache)
 * and the change is audited with `cli` as the actor. A disabled account gets no link.
 */
async function adminResetPassword(config: Config, flags: Record<string, string>): Promise<number> {
  if (!flags.email) return usage('admin reset-password needs --email <address>')
  const direct = process.env.ADMIN_PASSWORD
  // Accounts only: no plugin is imported or started beside a live server for one row.
  const store = await connect(config.databaseUrl, { mustExist: true })
  try {
    await ensureMigrationTable(store)
    await migratePlugin(store, 'core', coreMigrations)
    const { accounts } = createIdentity(store, new PluginHost(store), [])
    const user = await accounts.findUserByEmail(flags.email)
    if (!user) return fail(`no account has the email ${flags.email.trim().toLowerCase()}`)
    const audit = (details: Record<string, unknown>) => accounts.audit(CLI_ACTOR, 'user.password_reset', user.email, { ...details, via: 'cli', operator: localOperator() })
    if (direct) {
      await accounts.setPassword(user.id, direct)
      await audit({ method: 'password' })
      console.log(`password of ${user.email} set; every session of the account has ended`)
      if (user.disabled) console.log(`note: ${user.email} is disabled and cannot sign in until an instance admin enables it on /admin/users`)
      return 0
    }
    const reset = await accounts.createPasswordReset(user.id, null)
    await audit({ method: 'link', link: reset.id, expiresAt: reset.expiresAt.toISOString() })
    console.log(`set-password link for ${user.email} (works once, until ${reset.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC):`)
    if (config.publicUrl) {
      console.log(`${config.publicUrl}/reset/${reset.token}`)
      console.log('hand it over; earlier links of this account no longer work')
    } else {
      console.log(`/reset/${reset.token}`)
      console.log(`put your server's address in front (https://<your server>/reset/...) and hand it over; earlier links of this account no longer work`)
    }
    return 0
  } catch (err) {
    if (err instanceof InputError) return fail(err.message)
    throw err
  } finally {
    await store.close()
  }
}

/**
 * Reads a password from stdin after `prompt` (on stderr). On a terminal it is not echoed (raw
 * mode: Enter ends it, Backspace deletes, Ctrl-C aborts with 130, Ctrl-U clears); piped, the first
 * line is read as it comes.
 */
async function readPassword(prompt: string): Promise<string | undefined> {
  process.stderr.write(prompt)
  const stdin = process.stdin
  if (!stdin.isTTY) {
    for await (const line of console) return line
    return undefined
  }
  return new Promise((resolve) => {
    let value = ''
    const finish = (result: string | undefined) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
      resolve(result)
    }
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(value)
        if (ch === '\u0003') {
          finish(undefined)
          process.exit(130)
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else if (ch === '\u0015') value = ''
        else if (ch >= ' ') value += ch
      }
    }
    stdin.setRawMode(true)
    stdin.on('data', onData)
    stdin.resume()
  })
}

/** The people `demo` adds to its organization. */
const DEMO_PEOPLE = [
  { name: 'Ana Lima', email: 'ana@demo.local' },
  { name: 'Ben Okafor', email: 'ben@demo.local' },
  { name: 'Chloé Martin', email: 'chloe@demo.local' },
  { name: 'Dev Patel', email: 'dev@demo.local' },
]

async function demo(config: Config, flags: Record<string, string>): Promise<number> {
  return withStartedPlatform(config, async (platform) => {
    const { accounts, orgs } = platform.deps.identity
    const admins = (await accounts.listUsers()).filter((u) => u.isAdmin && !u.disabled)
    if (admins.length === 0) return fail('no instance admin yet: open /setup in a browser or run coder-ide admin create first')
    const name = flags.org || `Demo ${new Date().toISOString().slice(0, 10)}`
    console.log(`creating organization "${name}" ...`)
    const org = await orgs.createOrg({ name }, admins[0]!.id)
    const roles = await orgs.listRoles(org.id)
    const memberRole = roles.find((r) => r.builtin === 'member')!
    const password = Bun.randomUUIDv7().slice(-12)
    const people = [{ id: admins[0]!.id, name: admins[0]!.name, email: admins[0]!.email }]
    for (const p of DEMO_PEOPLE) {
      const user = (await accounts.findUserByEmail(p.email)) ?? (await accounts.createUser({ ...p, password }))
      if (!(await orgs.membership(user.id, org.id))) await orgs.addMember(org.id, user.id, memberRole.id)
      people.push({ id: user.id, name: user.name, email: user.email })
    }
    console.log(`  ${people.length} members`)
    const seeds = platform.host.contributionsBy('demo.seed').sort((a, b) => a.value.order - b.value.order)
    if (seeds.length === 0) console.log('  no enabled plugin offers demo data')
    for (const { pluginId, value } of seeds) {
      process.stdout.write(`  ${pluginId} ... `)
      const summary = await value.run({ orgId: org.id, people, now: new Date() })
      console.log(summary)
    }
    await accounts.audit({ ...CLI_ACTOR, orgId: org.id }, 'org.demo_created', org.name)
    console.log(`done. Sign in as ${admins[0]!.email} and switch to "${org.name}".`)
    console.log(`The demo members (${DEMO_PEOPLE.map((p) => p.email).join(', ')}) share the password ${password}; disable them on a real instance.`)
    return 0
  })
}

async function backup(config: Config, file: string): Promise<number> {
  // Opens the store alone (no plugin starts), copies it, checks the copy with PRAGMA integrity_check.
  const copy = await backupStore(config.databaseUrl, file)
  const size = copy.bytes >= 1 << 20 ? `${(copy.bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(copy.bytes / 1024)} KB`
  console.log(`backup written to ${copy.path} (${size}, ${copy.bytes} bytes; integrity ok) in ${copy.ms} ms`)
  // Two-factor secrets in the copy are encrypted with the instance key, which is not in it.
  console.log(`two-factor secrets in it open only with ${config.secretKey ? 'this SECRET_KEY' : secretKeyFile(config)}: keep a copy of that key too (apart from the backup); without it, users with two-factor sign-in need a recovery code or an admin's reset`)
  return 0
}

function printPlugins(list: PluginInfo[], where?: string): void {
  for (const p of list) {
    const extra = [p.source === 'external' ? 'external' : '', p.requires.length ? `requires ${p.requires.join(', ')}` : '', p.error ? `error: ${p.error}` : '']
      .filter(Boolean)
      .join('; ')
    console.log(`${p.id.padEnd(16)} ${p.status.padEnd(9)} ${(p.version || '-').padEnd(8)} ${extra}`)
  }
  if (where) console.log(`(changed ${where})`)
}

function print(text: string): number {
  console.log(text)
  return 0
}

function usage(message: string): number {
  console.error(`coder-ide: ${message}. Run coder-ide --help for the commands.`)
  return 2
}

function fail(message: string): number {
  console.error(`coder-ide: ${message}`)
  return 1
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`coder-ide: ${err.message}`)
      process.exit(2)
    }
    if (err instanceof UnknownMigrationsError) {
      console.error(`coder-ide: ${err.message}`)
      process.exit(2)
    }
    if (err instanceof StoreError || err instanceof MigrationError || err instanceof PluginError || err instanceof ListenError) {
      console.error(`coder-ide: ${err.message}`)
      process.exit(1)
    }
    console.error(err)
    process.exit(1)
  },
)
