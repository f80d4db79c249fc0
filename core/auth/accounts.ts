/**
 * @module Accounts: users, sessions and the audit log. Services take plain values and return plain
 * values (no Request, no JSX), so pages, the JSON API and the CLI call the same functions.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Db, Store } from '../store/connect.ts'
import { columnFacade } from '../store/facade.ts'
import { coreSchema, type CoreTables } from '../store/schema.ts'
import { newId, randomToken, sha256 } from './crypto.ts'
import { hashPassword, passwordProblem, verifyPassword, dummyHash, PASSWORD_MAX } from './passwords.ts'
import { isUniqueViolation } from '../store/errors.ts'
import { containsPattern } from '../store/like.ts'

/** Idle sessions end after this long without a request. */
export const SESSION_IDLE_MS = 7 * 24 * 3600_000
/** Every session ends this long after sign-in, however active. */
export const SESSION_ABSOLUTE_MS = 30 * 24 * 3600_000
/** Live sessions one user keeps at most (all devices and pending two-factor steps): a new one past it ends the least recently used. */
export const SESSIONS_PER_USER = 50
/** A pending second-factor step expires quickly. */
export const MFA_STEP_MS = 10 * 60_000
/** How long a set-password link an admin made stays valid. */
export const PASSWORD_RESET_TTL_MS = 24 * 3600_000
/** Users on one page of the admin list. */
export const USERS_PAGE = 50
/** The longest search text the user list takes. */
export const USER_QUERY_MAX = 100
/** How long the audit log's list of distinct actions is kept before it is read again. */
const AUDIT_ACTIONS_MS = 10 * 60_000

/** A user as services hand it around (never the password hash). */
export interface User {
  id: string
  email: string
  name: string
  isAdmin: boolean
  disabled: boolean
  totpEnabled: boolean
  createdAt: Date
}

/** A session row joined with its user. */
export interface SessionInfo {
  id: string
  stage: 'full' | 'mfa'
  csrf: string
  orgId: string | null
  user: User
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
  ip: string
  userAgent: string
}

/** Bad input: the message says what to fix; `field` names the form field it belongs to. */
export class InputError extends Error {
  override name = 'InputError'
  constructor(
    message: string,
    readonly field?: string,
    readonly status: 400 | 403 | 404 | 409 | 422 | 429 = 422,
  ) {
    super(message)
  }
}

/** Who did something, from where: every audited action carries it. */
export interface Actor {
  userId: string | null
  email: string | null
  ip: string
  orgId?: string | null
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** The longest email address (RFC 5321's path limit); longer input is refused before any lookup. */
export const EMAIL_MAX = 254

/** Lower-cased, trimmed email, or InputError. */
export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase()
  if (e.length > EMAIL_MAX || !EMAIL.test(e)) throw new InputError('enter an email address like ana@example.com', 'email')
  return e
}

/** Users, sessions and audit entries in the store. */
export class Accounts {
  readonly t: CoreTables
  /**
   * Bumped by every change that can alter a request's identity (sessions ended, users disabled or
   * renamed, memberships and roles changed); caches of resolved identities key on it.
   */
  generation = 0

  /** Marks identity data as changed (see `generation`). */
  changed(): void {
    this.generation++
  }

  constructor(readonly store: Store) {
    this.t = coreSchema(columnFacade(store.dialect))
  }

  private get db() {
    return this.store.db
  }

  // ---- users

  /** How many accounts exist (0 means the instance still needs setup). */
  async countUsers(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)` }).from(this.t.users)
    return Number(row?.n ?? 0)
  }

  /**
   * Creates an account; email unique, password 8 to 256 characters. `onlyFirst` (first-run setup)
   * creates it only while there is no account at all: the count is checked again inside the
   * insert's transaction (on PostgreSQL with the users table locked against other inserts), so two
   * setups at once, in this process or another, make one administrator.
   */
  async createUser(input: { email: string; name: string; password: string; isAdmin?: boolean; onlyFirst?: boolean }): Promise<User> {
    const email = normalizeEmail(input.email)
    const name = input.name.trim()
    if (!name || name.length > 100) throw new InputError('enter a name of 1 to 100 characters', 'name')
    const problem = passwordProblem(input.password)
    if (problem) throw new InputError(`password: ${problem}`, 'password')
    if (await this.findUserByEmail(email)) throw new InputError('an account with this email exists already', 'email', 409)
    const row = {
      id: newId(),
      email,
      name,
      passwordHash: await hashPassword(input.password),
      isAdmin: input.isAdmin ?? false,
      disabled: false,
      totpEnabled: false,
      createdAt: new Date(),
    }
    if (!input.onlyFirst) await this.db.insert(this.t.users).values(row)
    else {
      await this.store.tx(async (db) => {
        // SQLite transactions here are BEGIN IMMEDIATE (one writer); PostgreSQL's read committed
        // needs the lock, or two transactions could both count none.
        if (this.store.dialect === 'postgres') await (db as unknown as { execute(q: SQL): Promise<unknown> }).execute(sql`lock table ${this.t.users} in share row exclusive mode`)
        const [count] = await db.select({ n: sql<number>`count(*)` }).from(this.t.users)
        if (Number(count?.n ?? 0) > 0) throw new InputError('this instance is set up already: sign in', 'setup', 409)
        await db.insert(this.t.users).values(row)
      })
    }
    return toUser(row)
  }

  async findUserByEmail(email: string): Promise<(User & { passwordHash: string; totpSecret: string | null; recoveryCodes: string[] | null }) | undefined> {
    const [row] = await this.db.select().from(this.t.users).where(eq(this.t.users.email, email.trim().toLowerCase()))
    return row ? { ...toUser(row), passwordHash: row.passwordHash, totpSecret: row.totpSecret, recoveryCodes: row.recoveryCodes } : undefined
  }

  /** The columns of a User: never the password hash, the TOTP secret or the recovery codes. */
  private get userColumns() {
    const u = this.t.users
    return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, disabled: u.disabled, totpEnabled: u.totpEnabled, createdAt: u.createdAt }
  }

  async getUser(id: string): Promise<User | undefined> {
    const [row] = await this.db.select(this.userColumns).from(this.t.users).where(eq(this.t.users.id, id))
    return row ? toUser(row) : undefined
  }

  /** Users by id in one query (unknown ids are left out). */
  async usersByIds(ids: string[]): Promise<User[]> {
    const unique = [...new Set(ids)]
    if (unique.length === 0) return []
    const values = Object.fromEntries(unique.map((id, i) => [`u${i}`, id]))
    const rows = await this.store.prepared(`core.users-by-ids:${unique.length}`, (db) =>
      db.select(this.userColumns).from(this.t.users).where(inArray(this.t.users.id, unique.map((_, i) => sql.placeholder(`u${i}`)))),
    values)
    return rows.map(toUser)
  }

  /** Every account, oldest first. */
  async listUsers(): Promise<User[]> {
    return (await this.db.select(this.userColumns).from(this.t.users).orderBy(this.t.users.createdAt)).map(toUser)
  }

  /**
   * One page of accounts, oldest first (ids are time-ordered), for the admin list. `query` keeps
   * those whose email or name contains it (any case; `%` and `_` literal). Keyset paging: `after`
   * gives the page after that id, `before` the page before it. `prev`/`next` are the ids to page
   * from, when there is such a page.
   */
  async searchUsers(options: { query?: string; after?: string; before?: string; limit?: number } = {}): Promise<{ users: User[]; prev?: string; next?: string }> {
    const limit = Math.min(Math.max(options.limit ?? USERS_PAGE, 1), 200)
    const u = this.t.users
    const query = (options.query ?? '').trim().slice(0, USER_QUERY_MAX)
    const conds: SQL[] = []
    if (query) {
      const pattern = containsPattern(query)
      conds.push(sql`(lower(${u.email}) like ${pattern} escape '\\' or lower(${u.name}) like ${pattern} escape '\\')`)
    }
    const backwards = !options.after && !!options.before
    if (options.after) conds.push(gt(u.id, options.after))
    else if (options.before) conds.push(lt(u.id, options.before))
    const rows = await this.db
      .select(this.userColumns)
      .from(u)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(backwards ? desc(u.id) : asc(u.id))
      .limit(limit + 1)
    const more = rows.length > limit
    const page = rows.slice(0, limit).map(toUser)
    if (backwards) page.reverse()
    const first = page[0]?.id
    const last = page[page.length - 1]?.id
    // Whether anything matches on the other side of the page (only asked when paging).
    const beyond = async (id: string | undefined, side: 'before' | 'after') => {
      if (!id) return false
      const [hit] = await this.db
        .select({ id: u.id })
        .from(u)
        .where(and(...conds.slice(0, query ? 1 : 0), side === 'before' ? lt(u.id, id) : gt(u.id, id)))
        .limit(1)
      return !!hit
    }
    const prev = (backwards ? more : !!options.after && (await beyond(first, 'before'))) ? first : undefined
    const next = (backwards ? await beyond(last, 'after') : more) ? last : undefined
    return { users: page, prev, next }
  }

  /**
   * Checks email and password. Returns the user, or undefined for any mismatch (unknown email,
   * wrong password, disabled account) so callers cannot tell which.
   */
  async checkPassword(email: string, password: string): Promise<(User & { totpSecret: string | null; recoveryCodes: string[] | null }) | undefined> {
    // Longer than any account's email or password can be: wrong, without a lookup or a hash.
    if (email.trim().length > EMAIL_MAX || password.length > PASSWORD_MAX) return undefined
    const user = await this.findUserByEmail(email).catch(() => undefined)
    if (!user) {
      await verifyPassword(password, await dummyHash())
      return undefined
    }
    const ok = await verifyPassword(password, user.passwordHash)
    return ok && !user.disabled ? user : undefined
  }

  /** Changes a user's display name (1 to 100 characters). */
  async renameUser(userId: string, name: string): Promise<User> {
    const trimmed = name.trim()
    if (!trimmed || trimmed.length > 100) throw new InputError('enter a name of 1 to 100 characters', 'name')
    const [row] = await this.db.update(this.t.users).set({ name: trimmed }).where(eq(this.t.users.id, userId)).returning()
    if (!row) throw new InputError('no such user', 'user', 404)
    this.changed()
    return toUser(row)
  }

  /**
   * Changes a user's sign-in address (instance admins do this): normalized and unique as at sign-up,
   * 409 when another account has it. Sessions stay; the old address no longer signs in.
   */
  async changeEmail(userId: string, email: string): Promise<{ user: User; from: string }> {
    const next = normalizeEmail(email)
    const before = await this.getUser(userId)
    if (!before) throw new InputError('no such user', 'user', 404)
    if (before.email === next) return { user: before, from: before.email }
    const taken = () => new InputError('another account uses this email', 'email', 409)
    if (await this.findUserByEmail(next)) throw taken()
    let row
    try {
      ;[row] = await this.db.update(this.t.users).set({ email: next }).where(eq(this.t.users.id, userId)).returning()
    } catch (err) {
      // the unique index caught an account created with it meanwhile
      if (isUniqueViolation(err)) throw taken()
      throw err
    }
    if (!row) throw new InputError('no such user', 'user', 404)
    this.changed()
    return { user: toUser(row), from: before.email }
  }

  /** Changes a password after checking the current one; ends the user's other sessions. */
  async changePassword(userId: string, current: string, next: string, keepSessionId?: string): Promise<void> {
    const wrong = new InputError('the current password is not right', 'current')
    if (current.length > PASSWORD_MAX) throw wrong // longer than any password: not worth a hash
    const [row] = await this.db.select().from(this.t.users).where(eq(this.t.users.id, userId))
    if (!row || !(await verifyPassword(current, row.passwordHash))) throw wrong
    const problem = passwordProblem(next)
    if (problem) throw new InputError(`new password: ${problem}`, 'password')
    await this.db.update(this.t.users).set({ passwordHash: await hashPassword(next) }).where(eq(this.t.users.id, userId))
    await this.endSessions(userId, keepSessionId)
    await this.dropPasswordResets(userId)
  }

  /** Disables or re-enables an account; disabling ends its sessions and its open set-password links. */
  async setDisabled(userId: string, disabled: boolean): Promise<void> {
    // Disabling the last active instance admin would leave nobody to run the instance: refused (409),
    // checked in the update's transaction (PostgreSQL: the users table locked against other writes),
    // so two admins disabling each other at once leave one.
    await this.store.tx(async (db) => {
      const u = this.t.users
      if (disabled) {
        await this.lockUsers(db)
        const [target] = await db.select({ isAdmin: u.isAdmin, disabled: u.disabled, name: u.name }).from(u).where(eq(u.id, userId))
        if (target?.isAdmin && !target.disabled) await this.assertAnotherActiveAdmin(db, userId, target.name)
      }
      await db.update(u).set({ disabled }).where(eq(u.id, userId))
    })
    this.changed()
    if (disabled) {
      await this.endSessions(userId)
      await this.dropPasswordResets(userId)
    }
  }

  /**
   * Makes an account instance admin, or takes it away. `actingUserId` is who asks: nobody removes
   * their own rights, and the last active instance admin keeps them (409), checked inside the
   * update's transaction (PostgreSQL: the users table locked against other writes), so two admins
   * removing each other at once leave one. Sessions see the change on their next request.
   */
  async setInstanceAdmin(userId: string, isAdmin: boolean, actingUserId: string | null): Promise<{ user: User; changed: boolean }> {
    const user = await this.getUser(userId)
    if (!user) throw new InputError('no such user', 'user', 404)
    if (user.isAdmin === isAdmin) return { user, changed: false }
    if (isAdmin && user.disabled) throw new InputError(`${user.name} is disabled: enable the account first`, 'user', 409)
    if (!isAdmin && userId === actingUserId) throw new InputError('you cannot remove your own instance admin rights: ask another instance admin', 'user', 409)
    await this.store.tx(async (db) => {
      await this.lockUsers(db)
      if (!isAdmin) await this.assertAnotherActiveAdmin(db, userId, user.name)
      await db.update(this.t.users).set({ isAdmin }).where(eq(this.t.users.id, userId))
    })
    this.changed()
    return { user: { ...user, isAdmin }, changed: true }
  }

  /** PostgreSQL: locks the users table against other writes until the transaction ends (SQLite's write lock does that already). */
  private async lockUsers(db: Db): Promise<void> {
    if (this.store.dialect === 'postgres') await (db as unknown as { execute(q: SQL): Promise<unknown> }).execute(sql`lock table ${this.t.users} in share row exclusive mode`)
  }

  /** Refuses (409) unless an active instance admin other than `userId` exists: the instance always keeps one. */
  private async assertAnotherActiveAdmin(db: Db, userId: string, name: string): Promise<void> {
    const u = this.t.users
    const [others] = await db.select({ n: sql<number>`count(*)` }).from(u).where(and(eq(u.isAdmin, true), eq(u.disabled, false), ne(u.id, userId)))
    if (Number(others?.n ?? 0) === 0) throw new InputError(`${name} is the last active instance admin: make someone else instance admin first`, 'user', 409)
  }

  /**
   * Sets a password without the current one (the command line): 8 to 256
   * characters, hashed in the shared queue; ends every session of the user and their open links.
   */
  async setPassword(userId: string, password: string): Promise<void> {
    const problem = passwordProblem(password)
    if (problem) throw new InputError(`password: ${problem}`, 'password')
    const hash = await hashPassword(password)
    const done = await this.db.update(this.t.users).set({ passwordHash: hash }).where(eq(this.t.users.id, userId)).returning({ id: this.t.users.id })
    if (done.length === 0) throw new InputError('no such user', 'user', 404)
    await this.endSessions(userId)
    await this.dropPasswordResets(userId)
  }

  // ---- set-password links (an instance admin hands one over when a password is forgotten)

  /**
   * A single-use set-password link token for an account (returned once; only its SHA-256 is
   * stored), valid PASSWORD_RESET_TTL_MS. Earlier open links of the account stop working, except
   * for a `selfService` request ("Forgot your password?"): anyone who knows the address can make
   * one, so it must not cancel a link an admin handed over; it adds one (the rate limit bounds how
   * many), and using any link ends the others. Refused for a disabled account (409).
   */
  async createPasswordReset(userId: string, createdBy: string | null, options: { selfService?: boolean } = {}): Promise<{ id: string; token: string; expiresAt: Date; user: User }> {
    const user = await this.getUser(userId)
    if (!user) throw new InputError('no such user', 'user', 404)
    if (user.disabled) throw new InputError(`${user.name} is disabled: enable the account first, then create a link`, 'user', 409)
    const token = randomToken(32)
    const row = {
      id: newId(),
      userId,
      tokenHash: sha256(token),
      createdBy,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + PASSWORD_RESET_TTL_MS),
    }
    await this.store.tx(async (db) => {
      if (!options.selfService) await db.delete(this.t.passwordResets).where(and(eq(this.t.passwordResets.userId, userId), isNull(this.t.passwordResets.usedAt)))
      await db.insert(this.t.passwordResets).values(row)
    })
    return { id: row.id, token, expiresAt: row.expiresAt, user }
  }

  /** The account an open (unused, unexpired) link is for, or undefined (unknown, used, expired, account disabled). */
  async findPasswordReset(token: string): Promise<{ id: string; user: User; expiresAt: Date } | undefined> {
    if (!token || token.length > 200) return undefined
    const [row] = await this.db
      .select({ r: this.t.passwordResets, u: this.userColumns })
      .from(this.t.passwordResets)
      .innerJoin(this.t.users, eq(this.t.users.id, this.t.passwordResets.userId))
      .where(eq(this.t.passwordResets.tokenHash, sha256(token)))
    if (!row || row.r.usedAt || row.r.expiresAt.getTime() <= Date.now() || row.u.disabled) return undefined
    return { id: row.r.id, user: toUser(row.u), expiresAt: row.r.expiresAt }
  }

  /**
   * Sets the password through a link: the password checked first (422, the link stays usable),
   * then the link marked used in the same transaction as the new hash is written (single use even
   * for two posts at once: the second gets 404). Ends every session of the user, revokes their API
   * tokens (a recovery: whoever knew the old password may have made some) and ends their other
   * open links.
   */
  async usePasswordReset(token: string, password: string): Promise<User> {
    const gone = () => new InputError('this link does not work any more: ask an instance admin for a new one', 'token', 404)
    const reset = await this.findPasswordReset(token)
    if (!reset) throw gone()
    const problem = passwordProblem(password)
    if (problem) throw new InputError(`password: ${problem}`, 'password')
    const hash = await hashPassword(password)
    await this.store.tx(async (db) => {
      const used = await db
        .update(this.t.passwordResets)
        .set({ usedAt: new Date() })
        .where(and(eq(this.t.passwordResets.id, reset.id), isNull(this.t.passwordResets.usedAt), gt(this.t.passwordResets.expiresAt, new Date())))
        .returning({ id: this.t.passwordResets.id })
      if (used.length === 0) throw gone()
      await db.update(this.t.users).set({ passwordHash: hash }).where(eq(this.t.users.id, reset.user.id))
      // account recovery: whoever held the old password may have made tokens with it
      await db.update(this.t.apiTokens).set({ revokedAt: new Date() }).where(and(eq(this.t.apiTokens.userId, reset.user.id), isNull(this.t.apiTokens.revokedAt)))
    })
    await this.endSessions(reset.user.id)
    await this.dropPasswordResets(reset.user.id)
    return reset.user
  }

  /** Forgets a user's open links (a new password, or the account disabled). Used ones stay as the record. */
  private async dropPasswordResets(userId: string): Promise<void> {
    await this.db.delete(this.t.passwordResets).where(and(eq(this.t.passwordResets.userId, userId), isNull(this.t.passwordResets.usedAt)))
  }

  // ---- sessions

  /** Starts a session and returns the cookie token (only its hash is stored). */
  async createSession(userId: string, meta: { ip: string; userAgent: string; stage?: 'full' | 'mfa'; orgId?: string | null }): Promise<{ token: string; id: string }> {
    const token = randomToken(32)
    const id = sha256(token)
    const now = new Date()
    const stage = meta.stage ?? 'full'
    await this.db.insert(this.t.sessions).values({
      id,
      userId,
      stage,
      csrf: randomToken(24),
      orgId: meta.orgId ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent.slice(0, 300),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + (stage === 'mfa' ? MFA_STEP_MS : SESSION_ABSOLUTE_MS)),
    })
    await this.endSessionsPast(userId)
    return { token, id }
  }

  /** Ends the user's sessions past SESSIONS_PER_USER, least recently used first (a few each time, never all at once). */
  private async endSessionsPast(userId: string): Promise<void> {
    const s = this.t.sessions
    const extra = await this.db.select({ id: s.id }).from(s).where(eq(s.userId, userId)).orderBy(desc(s.lastSeenAt), desc(s.createdAt)).limit(1000).offset(SESSIONS_PER_USER)
    if (extra.length === 0) return
    await this.db.delete(s).where(inArray(s.id, extra.map((r) => r.id)))
    this.changed()
  }

  /** The live session for a cookie token, or undefined (unknown, expired, idle too long, user disabled). */
  async sessionFromToken(token: string): Promise<SessionInfo | undefined> {
    if (!token || token.length > 100) return undefined
    const id = sha256(token)
    const [row] = await this.db
      .select({ s: this.t.sessions, u: this.t.users })
      .from(this.t.sessions)
      .innerJoin(this.t.users, eq(this.t.users.id, this.t.sessions.userId))
      .where(eq(this.t.sessions.id, id))
    if (!row) return undefined
    const now = Date.now()
    if (row.u.disabled || row.s.expiresAt.getTime() <= now || row.s.lastSeenAt.getTime() + SESSION_IDLE_MS <= now) {
      await this.db.delete(this.t.sessions).where(eq(this.t.sessions.id, id))
      return undefined
    }
    // Write the last-seen time at most once a minute, not on every request.
    if (now - row.s.lastSeenAt.getTime() > 60_000) {
      await this.db.update(this.t.sessions).set({ lastSeenAt: new Date(now) }).where(eq(this.t.sessions.id, id))
    }
    return { ...row.s, stage: row.s.stage as 'full' | 'mfa', user: toUser(row.u) }
  }

  /** The user's live sessions (neither expired nor idle too long), most recently used first; at most SESSIONS_PER_USER. */
  async listSessions(userId: string): Promise<Omit<SessionInfo, 'user' | 'csrf'>[]> {
    const now = Date.now()
    const rows = await this.db
      .select()
      .from(this.t.sessions)
      .where(
        and(
          eq(this.t.sessions.userId, userId),
          eq(this.t.sessions.stage, 'full'),
          gt(this.t.sessions.expiresAt, new Date(now)),
          gt(this.t.sessions.lastSeenAt, new Date(now - SESSION_IDLE_MS)),
        ),
      )
      .orderBy(desc(this.t.sessions.lastSeenAt))
      .limit(SESSIONS_PER_USER)
    return rows.map(({ csrf: _csrf, ...s }) => ({ ...s, stage: s.stage as 'full' | 'mfa' }))
  }

  /** Ends one of the user's sessions; false when it is not theirs. */
  async endSession(userId: string, sessionId: string): Promise<boolean> {
    const gone = await this.db
      .delete(this.t.sessions)
      .where(and(eq(this.t.sessions.id, sessionId), eq(this.t.sessions.userId, userId)))
      .returning({ id: this.t.sessions.id })
    this.changed()
    return gone.length > 0
  }

  /** Ends every session of a user, except one (the caller's own, after a password change). */
  async endSessions(userId: string, exceptId?: string): Promise<void> {
    await this.db
      .delete(this.t.sessions)
      .where(exceptId ? and(eq(this.t.sessions.userId, userId), ne(this.t.sessions.id, exceptId)) : eq(this.t.sessions.userId, userId))
    this.changed()
  }

  /** Moves a session to another organization (the switcher). */
  async setSessionOrg(sessionId: string, orgId: string): Promise<void> {
    await this.db.update(this.t.sessions).set({ orgId }).where(eq(this.t.sessions.id, sessionId))
    this.changed()
  }

  /** Deletes dead sessions (expired, or idle past SESSION_IDLE_MS); run from a timer. */
  async pruneSessions(): Promise<void> {
    const now = Date.now()
    await this.db.delete(this.t.sessions).where(or(lte(this.t.sessions.expiresAt, new Date(now)), lte(this.t.sessions.lastSeenAt, new Date(now - SESSION_IDLE_MS))))
  }

  // ---- audit

  /** Appends to the audit log. There is no update or delete. */
  async audit(actor: Actor, action: string, target?: string, details?: Record<string, unknown>): Promise<void> {
    await this.db.insert(this.t.audit).values({
      at: new Date(),
      actorId: actor.userId,
      actorEmail: actor.email,
      orgId: actor.orgId ?? null,
      action,
      target: target ?? null,
      ip: actor.ip,
      details: details ?? null,
    })
    this.auditActionCache?.actions.add(action)
  }

  /**
   * Audit entries, newest first; of one organization, or all. `action` keeps those whose action
   * starts with it; `actor` those whose actor email contains it (any case, `%` and `_` literal);
   * `from` (inclusive) and `to` (exclusive) bound the time.
   */
  async listAudit(options: { orgId?: string; limit?: number; before?: number; action?: string; actor?: string; from?: Date; to?: Date } = {}) {
    const conds = []
    if (options.orgId) conds.push(eq(this.t.audit.orgId, options.orgId))
    if (options.before) conds.push(lt(this.t.audit.id, options.before))
    if (options.action) conds.push(sql`substr(${this.t.audit.action}, 1, ${options.action.length}) = ${options.action}`)
    if (options.actor) conds.push(sql`lower(${this.t.audit.actorEmail}) like ${containsPattern(options.actor)} escape '\\'`)
    if (options.from) conds.push(gte(this.t.audit.at, options.from))
    if (options.to) conds.push(lt(this.t.audit.at, options.to))
    return this.db
      .select()
      .from(this.t.audit)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(this.t.audit.id))
      .limit(Math.min(options.limit ?? 50, 200))
  }

  /** The audit log's distinct actions, read at most every AUDIT_ACTIONS_MS (a scan of the log), then kept up by `audit`. */
  private auditActionCache: { actions: Set<string>; at: number } | undefined

  /** The distinct actions the audit log holds, sorted (at most 500: a filter's choices). */
  async auditActions(): Promise<string[]> {
    if (!this.auditActionCache || Date.now() - this.auditActionCache.at > AUDIT_ACTIONS_MS) {
      const rows = await this.db.selectDistinct({ action: this.t.audit.action }).from(this.t.audit).orderBy(asc(this.t.audit.action)).limit(500)
      this.auditActionCache = { actions: new Set(rows.map((r) => r.action)), at: Date.now() }
    }
    return [...this.auditActionCache.actions].sort().slice(0, 500)
  }
}

function toUser(row: { id: string; email: string; name: string; isAdmin: boolean; disabled: boolean; totpEnabled: boolean; createdAt: Date }): User {
  return { id: row.id, email: row.email, name: row.name, isAdmin: row.isAdmin, disabled: row.disabled, totpEnabled: row.totpEnabled, createdAt: row.createdAt }
}
