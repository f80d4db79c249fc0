/** @module Personal API tokens: named, scoped to permissions, expiring, shown once, stored hashed. */
import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Accounts } from './accounts.ts'
import { InputError } from './accounts.ts'
import { newId, randomToken, sha256 } from './crypto.ts'
import { SIGNED_IN } from './permissions.ts'

/** Every token starts with this, so leaked tokens are easy to spot and scan for. */
export const TOKEN_PREFIX = 'cit_'

/** The lifetimes the account page offers, in days; every token expires. */
export const TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const
/** The lifetime the form preselects. */
export const TOKEN_DEFAULT_DAYS = 30
/** The longest lifetime a token may have. */
export const TOKEN_MAX_DAYS = 365

const DAY_MS = 86_400_000

/** Where tokens count: the JSON API only (pages and forms ignore the Authorization header). */
export const TOKEN_API_PREFIX = '/api/v1/'

/**
 * What a token scoped to `core.instance.admin` can do. The scope reaches the instance admin's JSON
 * API only, which today is the plugins API; the admin pages (users, organizations, audit log)
 * need a browser session.
 */
export const INSTANCE_ADMIN_SCOPE = 'Manage plugins through the admin API (list, enable, disable, reload, settings)'

/**
 * The permissions some JSON API route checks, from a route table (core/http/server.ts `routeTable`):
 * the only scopes a token can use. `core.account.use` (every token has it) and public routes are
 * left out.
 */
export function apiScopes(routes: { path: string; permission: string | false | undefined }[]): Set<string> {
  const out = new Set<string>()
  for (const r of routes) {
    if (r.path.startsWith(TOKEN_API_PREFIX) && typeof r.permission === 'string' && r.permission !== SIGNED_IN) out.add(r.permission)
  }
  return out
}

/**
 * When a token stops working. Tokens created before expiry was required have none stored: they
 * expire TOKEN_MAX_DAYS after they were created, like the longest token one can create now.
 */
export function tokenExpiry(row: { createdAt: Date; expiresAt: Date | null }): Date {
  return row.expiresAt ?? new Date(row.createdAt.getTime() + TOKEN_MAX_DAYS * DAY_MS)
}

export interface ApiToken {
  id: string
  userId: string
  orgId: string
  name: string
  permissions: string[]
  createdAt: Date
  /** Always set: see `tokenExpiry` for tokens stored without one. */
  expiresAt: Date
  lastUsedAt: Date | null
}

/** A stored row without its hash and revocation, with its expiry filled in. */
function toToken({ tokenHash: _h, revokedAt: _r, ...rest }: Omit<ApiToken, 'expiresAt'> & { expiresAt: Date | null; tokenHash: string; revokedAt: Date | null }): ApiToken {
  return { ...rest, expiresAt: tokenExpiry(rest) }
}

/** API token services. */
export class Tokens {
  constructor(private readonly accounts: Accounts) {}

  private get t() {
    return this.accounts.t
  }

  /**
   * Creates a token; the returned `secret` is shown once and never again, and only its hash is
   * stored. Every token expires, after 1 to TOKEN_MAX_DAYS days.
   */
  async create(input: { userId: string; orgId: string; name: string; permissions: string[]; expiresInDays: number }): Promise<{ token: ApiToken; secret: string }> {
    const name = input.name.trim()
    if (!name || name.length > 60) throw new InputError('enter a token name of 1 to 60 characters', 'name')
    if (input.permissions.length === 0) throw new InputError('choose at least one permission', 'permissions')
    const days = input.expiresInDays as unknown
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > TOKEN_MAX_DAYS) {
      throw new InputError(`choose when the token expires: after 1 to ${TOKEN_MAX_DAYS} days`, 'expires')
    }
    const secret = TOKEN_PREFIX + randomToken(32)
    const token: ApiToken = {
      id: newId(),
      userId: input.userId,
      orgId: input.orgId,
      name,
      permissions: [...new Set(input.permissions)],
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + days * DAY_MS),
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
    return rows.map(toToken)
  }

  /** Revokes one of the user's tokens; InputError(404) when it is not theirs. */
  async revoke(userId: string, id: string): Promise<ApiToken> {
    const [row] = await this.accounts.store.db
      .update(this.t.apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(this.t.apiTokens.id, id), eq(this.t.apiTokens.userId, userId), isNull(this.t.apiTokens.revokedAt)))
      .returning()
    if (!row) throw new InputError('no such token', 'token', 404)
    return toToken(row)
  }

  /** Revokes every live token of the user (an instance admin's "Revoke all tokens"); returns how many. */
  async revokeAll(userId: string): Promise<number> {
    const rows = await this.accounts.store.db
      .update(this.t.apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(this.t.apiTokens.userId, userId), isNull(this.t.apiTokens.revokedAt)))
      .returning({ id: this.t.apiTokens.id })
    return rows.length
  }

  /** The live token for a secret, or undefined (unknown, revoked, expired; see `tokenExpiry`). */
  async fromSecret(secret: string): Promise<ApiToken | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return undefined
    const [row] = await this.accounts.store.db.select().from(this.t.apiTokens).where(eq(this.t.apiTokens.tokenHash, sha256(secret)))
    if (!row || row.revokedAt || tokenExpiry(row).getTime() <= Date.now()) return undefined
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await this.accounts.store.db.update(this.t.apiTokens).set({ lastUsedAt: new Date() }).where(eq(this.t.apiTokens.id, row.id))
    }
    return toToken(row)
  }
}
