/**
 * The instance key: SECRET_KEY validated like every setting (one line, exit 2), or the key file
 * made once (0600) and kept; sealing with AES-256-GCM; `backup` says to keep the key too.
 */
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { processStore, runCli } from '../../test/helpers/cli.ts'
import { eachDialect } from '../../test/helpers/store.ts'
import { ConfigError, loadConfig } from '../config.ts'
import { decodeKey, isSealed, purposeKey, seal, unseal, UnsealError } from './crypto.ts'
import { loadInstanceKey } from './secret-key.ts'
import { thrown } from '../../test/helpers/thrown.ts'

const KEY = crypto.getRandomValues(new Uint8Array(32))

describe('instance key', () => {
  test('decodeKey: 64 hex digits or base64 (standard or URL-safe, padded or not) of 32 bytes; nothing else', () => {
    const b64 = Buffer.from(KEY).toString('base64')
    for (const text of [Buffer.from(KEY).toString('hex'), Buffer.from(KEY).toString('hex').toUpperCase(), b64, b64.replace(/=$/, ''), Buffer.from(KEY).toString('base64url'), ` ${b64}\n`]) {
      expect(decodeKey(text)).toEqual(KEY)
    }
    for (const text of ['', 'short', 'x'.repeat(64), Buffer.from(KEY.slice(0, 31)).toString('base64'), Buffer.from(KEY.slice(0, 31)).toString('hex'), Buffer.concat([KEY, KEY]).toString('base64'), `${b64}==`]) {
      expect(decodeKey(text)).toBeUndefined()
    }
  })

  test('seal: v1: with a fresh nonce each time; opens only with the same key and context; an altered value does not open', () => {
    const key = purposeKey(KEY, 'totp-secret')
    expect(key).not.toEqual(KEY)
    expect(purposeKey(KEY, 'other')).not.toEqual(key)
    const a = seal(key, 'JBSWY3DPEHPK3PXP', 'user-1')
    const b = seal(key, 'JBSWY3DPEHPK3PXP', 'user-1')
    expect(a).toStartWith('v1:')
    expect(isSealed(a)).toBe(true)
    expect(isSealed('JBSWY3DPEHPK3PXP')).toBe(false)
    expect(a).not.toBe(b)
    expect(a).not.toContain('JBSWY3DPEHPK3PXP')
    expect(unseal(key, a, 'user-1')).toBe('JBSWY3DPEHPK3PXP')
    expect(() => unseal(purposeKey(crypto.getRandomValues(new Uint8Array(32)), 'totp-secret'), a, 'user-1')).toThrow(UnsealError)
    expect(() => unseal(key, a, 'user-2')).toThrow(UnsealError) // copied onto another account
    const flipped = a.slice(0, 10) + (a[10] === 'A' ? 'B' : 'A') + a.slice(11)
    expect(() => unseal(key, flipped, 'user-1')).toThrow(UnsealError)
    expect(() => unseal(key, 'v1:abc', 'user-1')).toThrow(UnsealError)
  })

  test('without SECRET_KEY: made once in $DATA_DIR/secret.key (0600, base64), then read back; SECRET_KEY wins and makes no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coder-ide-key-'))
    try {
      const dataDir = join(dir, 'data') // not there yet: made 0700
      const first = loadInstanceKey({ dataDir, secretKey: undefined })
      expect(first.source).toBe('new file')
      expect(first.file).toBe(join(dataDir, 'secret.key'))
      expect(statSync(first.file).mode & 0o777).toBe(0o600)
      expect(statSync(dataDir).mode & 0o777).toBe(0o700)
      expect(decodeKey(readFileSync(first.file, 'utf8'))).toEqual(first.bytes)
      const second = loadInstanceKey({ dataDir, secretKey: undefined })
      expect(second.source).toBe('file')
      expect(second.bytes).toEqual(first.bytes)

      const other = join(dir, 'other')
      const given = loadInstanceKey({ dataDir: other, secretKey: KEY })
      expect(given).toEqual({ bytes: KEY, source: 'SECRET_KEY', file: join(other, 'secret.key') })
      expect(() => statSync(join(other, 'secret.key'))).toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a key file without a key is a one-line ConfigError naming it, and is left as it is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coder-ide-key-'))
    try {
      const file = join(dataDir, 'secret.key')
      for (const content of ['', 'not a key\n']) {
        writeFileSync(file, content)
        const error = await thrown(ConfigError, () => loadInstanceKey({ dataDir, secretKey: undefined }))
        expect(error.message).toStartWith(`${file} holds no key: it must hold 32 bytes as base64 or hex`)
        expect(error.message).not.toContain('\n')
        expect(readFileSync(file, 'utf8')).toBe(content)
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('SECRET_KEY: base64 or hex of 32 bytes; anything else is one line naming it and what it takes, without the value', async () => {
    expect(loadConfig({}).secretKey).toBeUndefined()
    expect(loadConfig({ SECRET_KEY: Buffer.from(KEY).toString('base64') }).secretKey).toEqual(KEY)
    expect(loadConfig({}, [`--secret-key=${Buffer.from(KEY).toString('hex')}`]).secretKey).toEqual(KEY)
    for (const [env, args, name] of [
      [{ SECRET_KEY: 'hunter2-is-my-key' }, [], 'SECRET_KEY'],
      [{ SECRET_KEY: Buffer.from(KEY.slice(0, 16)).toString('hex') }, [], 'SECRET_KEY'],
      [{}, ['--secret-key', 'hunter2-is-my-key'], '--secret-key'],
    ] as [Record<string, string>, string[], string][]) {
      const error = await thrown(ConfigError, () => loadConfig(env, args))
      const message = error.message
      expect(message).toBe(`${name} is not a key: use 32 random bytes as base64 (44 characters) or hex (64 digits), as openssl rand -base64 32 prints`)
      expect(message).not.toContain(env.SECRET_KEY ?? args[1]!)
    }
  })
})

eachDialect('instance key from the command line', (dialect) => {
  test('serve: a bad SECRET_KEY, or a key file without a key, exits 2 with one line', async () => {
    const s = processStore(dialect, 'secret-key')
    try {
      await s.create()
      const env = { ...s.env, PORT: '0', HOST: '127.0.0.1' }
      const bad = await runCli(['serve'], { ...env, SECRET_KEY: 'hunter2-is-my-key' })
      expect(bad.code).toBe(2)
      expect(bad.err.trim()).toBe('coder-ide: SECRET_KEY is not a key: use 32 random bytes as base64 (44 characters) or hex (64 digits), as openssl rand -base64 32 prints')
      expect(bad.out + bad.err).not.toContain('hunter2')

      const file = join(s.dataDir, 'secret.key')
      writeFileSync(file, 'garbage\n', { mode: 0o600 })
      const broken = await runCli(['serve'], env)
      expect(broken.code).toBe(2)
      expect(broken.err.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^coder-ide: ${file} holds no key: `))])
      expect(readFileSync(file, 'utf8')).toBe('garbage\n')
    } finally {
      await s.drop()
    }
  }, 60_000)
})

test('backup says the instance key is not in the copy and names it', async () => {
  const s = processStore('sqlite', 'secret-key-backup')
  try {
    expect((await runCli(['migrate'], s.env)).code).toBe(0)
    const copy = join(s.dataDir, 'copy.db')
    const plain = await runCli(['backup', copy], s.env)
    expect(plain.code).toBe(0)
    expect(plain.out).toContain(`two-factor secrets in it open only with ${join(s.dataDir, 'secret.key')}: keep a copy of that key too`)
    const withKey = await runCli(['backup', join(s.dataDir, 'copy2.db')], { ...s.env, SECRET_KEY: Buffer.from(KEY).toString('hex') })
    expect(withKey.out).toContain('two-factor secrets in it open only with this SECRET_KEY: keep a copy of that key too')
    expect(withKey.out).not.toContain(Buffer.from(KEY).toString('hex'))
  } finally {
    await s.drop()
  }
}, 60_000)
