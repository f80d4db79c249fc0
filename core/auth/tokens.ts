/** @module Personal API tokens: named, scoped to permissions, expiring, shown once, stored hashed. */
import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Accounts } from './accounts.ts'
import { InputError } from './accounts.ts'
import { newId, randomToken, sha256 } from './crypto.ts'

/** Every token starts with this, so leaked tokens are easy to spot and scan for. */
export const TOKEN_PREFIX = 'cit_'

export interface ApiToken {
  id: string
  userId: string
  orgId: string
  name: string
  permissions: string[]
  createdAt: Date
  expiresAt: Date | null
  lastUsedAt: Date | null
}

/** API token services. */
export class Tokens {
  constructor(private readonly accounts: Accounts) {}

  private get t() {
    return this.accounts.t
  }

  /** Creates a token; the returned `secret` is shown once and never again. */
  async create(input: { userId: string; orgId: string; name: string; permissions: string[]; expiresInDays: number | null }): Promise<{ token: ApiToken; secret: string }> {
    const name = input.name.trim()
    if (!name || name.length > 60) throw new InputError('enter a token name of 1 to 60 characters', 'name')
    if (input.permissions.length === 0) throw new InputError('choose at least one permission', 'permissions')
    if (input.expiresInDays !== null && (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > 366)) {
      throw new InputError('expiry: choose 1 to 366 days, or never', 'expires')
    }
    const secret = TOKEN_PREFIX + randomToken(32)
    const token: ApiToken = {
      id: newId(),
      userId: input.userId,
      orgId: input.orgId,
      name,
      permissions: [...new Set(input.permissions)],
      createdAt: new Date(),
      expiresAt: input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000),
      lastUsedAt: null,
    }
    await this.accounts.store.db.insert(this.t.apiTokens).values({ ...token, tokenHash: sha256(secret) })
    return { token, secret }
  }

  /** The user's live tokens, newest first. */
  async list(userId: string): Promise<ApiToken[]> {
    const rows = await this.accounts.store.db
      .select()
      .from(this.t.apiTokens)
      .where(and(eq(this.t.apiTokens.userId, userId), isNull(this.t.apiTokens.revokedAt)))
      .orderBy(desc(this.t.apiTokens.createdAt))
    return rows.map(({ tokenHash: _h, revokedAt: _r, ...rest }) => rest)
  }

  /** Revokes one of the user's tokens; InputError(404) when it is not theirs. */
  async revoke(userId: string, id: string): Promise<ApiToken> {
    const [row] = await this.accounts.store.db
      .update(this.t.apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(this.t.apiTokens.id, id), eq(this.t.apiTokens.userId, userId), isNull(this.t.apiTokens.revokedAt)))
      .returning()
    if (!row) throw new InputError('no such token', 'token', 404)
    const { tokenHash: _h, revokedAt: _r, ...token } = row
    return token
  }

  /** The live token for a secret, or undefined (unknown, revoked, expired). */
  async fromSecret(secret: string): Promise<ApiToken | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return undefined
    const [row] = await this.accounts.store.db.select().from(this.t.apiTokens).where(eq(this.t.apiTokens.tokenHash, sha256(secret)))
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await this.accounts.store.db.update(this.t.apiTokens).set({ lastUsedAt: new Date() }).where(eq(this.t.apiTokens.id, row.id))
    }
    const { tokenHash: _h, revokedAt: _r, ...rest } = row
    return rest
  }
}
