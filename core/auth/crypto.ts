/** @module Random tokens, ids and hashes used by accounts, sessions, invitations and API tokens; sealing secrets at rest. */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'

/** A URL-safe random token with `bytes` of entropy (default 256 bits). */
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url')
}

/** SHA-256 of a string, hex: what we store instead of a token. */
export function sha256(value: string): string {
  return new Bun.CryptoHasher('sha256').update(value).digest('hex')
}

/** A new time-ordered id. */
export function newId(): string {
  return Bun.randomUUIDv7()
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Reads an instance key written as 64 hex digits or as base64 (standard or URL-safe, padded or
 * not) of exactly 32 bytes; undefined for anything else. SECRET_KEY and `$DATA_DIR/secret.key`
 * take this form (`openssl rand -base64 32`).
 */
export function decodeKey(raw: string): Uint8Array | undefined {
  const text = raw.trim()
  if (/^[0-9a-f]{64}$/i.test(text)) return new Uint8Array(Buffer.from(text, 'hex'))
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  return bytes.length === 32 ? new Uint8Array(bytes) : undefined
}

/** A key for one purpose (`purpose` names it), derived from the instance key with HKDF-SHA256. */
export function purposeKey(instanceKey: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', instanceKey, new Uint8Array(0), `coder-ide ${purpose}`, 32))
}

/** What a sealed value starts with: the format, so a plaintext value from before is told apart. */
export const SEALED = 'v1:'

/** A sealed value cannot be opened: the key is not the one that sealed it, or the value was altered. */
export class UnsealError extends Error {
  override name = 'UnsealError'
}

/** Whether a stored value was sealed (`v1:...`), as opposed to plaintext written before sealing existed. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED)
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key`: `v1:` then base64url of nonce (12 bytes),
 * ciphertext and tag. `context` (a user id, say) is authenticated but not stored, so a sealed
 * value copied onto another row does not open there.
 */
export function seal(key: Uint8Array, plaintext: string, context: string): string {
  const nonce = crypto.getRandomValues(new Uint8Array(12))
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  cipher.setAAD(Buffer.from(context))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return SEALED + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')
}

/** Opens what `seal` made with the same key and context; throws UnsealError otherwise. */
export function unseal(key: Uint8Array, stored: string, context: string): string {
  if (!isSealed(stored)) throw new UnsealError('the value is not sealed')
  const raw = Buffer.from(stored.slice(SEALED.length), 'base64url')
  if (raw.length < 12 + 16) throw new UnsealError('the sealed value is cut short')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
    decipher.setAAD(Buffer.from(context))
    decipher.setAuthTag(raw.subarray(raw.length - 16))
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8')
  } catch {
    throw new UnsealError('the sealed value does not open with this key')
  }
}
