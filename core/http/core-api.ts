/**
 * @module Core's JSON API beside the admin API: who the caller is (`GET /api/v1/me`) and the current
 * organization's members, teams and audit log (`GET /api/v1/org/...`). The same services and
 * permissions as the pages (/orgs/members and /orgs/teams: core.members.read; /orgs/audit:
 * core.audit.read), answered to a browser session or an API token alike. Lists are cursor pages
 * (`?cursor=<opaque>&limit=50`, answer `{ items, nextCursor }`), errors `{ error: { code, message } }`.
 * Members are paged in the store and may be searched (`?q=`: name, or email for those who see
 * emails, as on the page). In the audit log, a caller who may not see emails gets each actor's
 * `name` with `email` masked ("s•••@example.com"), and in targets and details (strings nested in
 * arrays and objects too) a member's email replaced by their name, anyone else's masked. An address
 * there is any non-space text around an "@", as sign-up accepts it ("zoë@…", "first/last@…"), so
 * the whole local part is hidden, not only its ASCII tail (views/audit-table.tsx).
 */
import { Elysia } from 'elysia'
import { guard } from './guard.ts'
import { jsonError } from './respond.ts'
import { can, type Auth } from '../auth/resolve.ts'
import { INSTANCE_ADMIN, SIGNED_IN } from '../auth/permissions.ts'
import type { Org } from '../auth/orgs.ts'
import { isoString } from '../time.ts'
import type { ServerDeps } from './server.ts'
import { auditNames, maskedAuditEntry } from '../../views/audit-table.tsx'

/** The first path segments under /api/v1/ that core serves itself (no plugin may answer them). */
export const CORE_API_SEGMENTS: readonly string[] = ['admin', 'me', 'org']

/**
 * Permissions core's API handlers check beyond the route's own (the route table cannot show them):
 * a token needs them as scopes too. `core.emails.read`: members' email addresses.
 */
export const CORE_API_INNER_SCOPES: readonly string[] = ['core.emails.read']

/**
 * Permissions the handlers honour too but the token form does not offer for them: a token that has
 * `core.members.manage` sees members' emails (as the page shows them to managers), but the API
 * cannot manage members, so the scope is not worth offering; an older token holding it is not
 * said to grant nothing.
 */
export const CORE_API_HONOURED: readonly string[] = ['core.members.manage']

/**
 * Whether the caller sees members' emails, as on the members page: `core.emails.read`, or managing
 * members (the rule of `seesEmails` in core/auth/permissions.ts); everyone who reads members when
 * the catalog has no `core.emails.read`.
 */
function seesEmails(auth: Auth, catalog: { name: string }[]): boolean {
  if (!catalog.some((e) => e.name === 'core.emails.read')) return true
  return auth.permissions.has('core.emails.read') || auth.permissions.has('core.members.manage')
}

/** The page size when a list request sends no `limit`, and the largest it may ask for. */
export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 100

/** A bad query parameter: a 400 that says what to send instead. */
class QueryError extends Error {}

/** `limit`: DEFAULT_LIMIT when absent, else a whole number from 1 to MAX_LIMIT. */
function pageLimit(value: unknown): number {
  if (value === undefined || value === '') return DEFAULT_LIMIT
  const s = String(value)
  if (!/^\d{1,9}$/.test(s) || +s < 1 || +s > MAX_LIMIT) throw new QueryError(`limit must be a whole number from 1 to ${MAX_LIMIT} (got "${s.slice(0, 20)}")`)
  return +s
}

/** The longest member search, as on the members page. */
const MAX_QUERY = 100

/** `q`: the text a member search looks for (trimmed; empty finds everyone), at most MAX_QUERY characters. */
function searchText(value: unknown): string {
  const s = value === undefined ? '' : String(value).trim()
  if (s.length > MAX_QUERY) throw new QueryError(`q must be at most ${MAX_QUERY} characters (got ${s.length})`)
  return s
}

/** An opaque cursor: the sort key of the last item of a page. */
function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The sort key a cursor carries, checked against its expected shape; a 400 when it is not one of ours. */
function decodeCursor<T extends (string | number)[]>(value: unknown, shape: ('string' | 'number')[]): T | undefined {
  if (value === undefined || value === '') return undefined
  const s = String(value)
  try {
    if (s.length <= 400 && /^[\w-]+$/.test(s)) {
      const key = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown
      if (Array.isArray(key) && key.length === shape.length && key.every((k, i) => typeof k === shape[i])) return key as T
    }
  } catch {
    // not JSON: refused below
  }
  throw new QueryError('the cursor is not valid: send the nextCursor of the previous page, or start again without it')
}

/** Orders by name, then id (byte order, the same on SQLite and PostgreSQL), for stable pages. */
function byNameThenId(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** One page of a list sorted by (name, id): the items after the cursor's key, and the next cursor. */
function pageByName<T>(list: T[], key: (item: T) => { name: string; id: string }, query: Record<string, unknown>): { items: T[]; nextCursor: string | null } {
  const limit = pageLimit(query.limit)
  const after = decodeCursor<[string, string]>(query.cursor, ['string', 'string'])
  const sorted = [...list].sort((a, b) => byNameThenId(key(a), key(b)))
  const start = after ? sorted.findIndex((item) => byNameThenId(key(item), { name: after[0], id: after[1] }) > 0) : 0
  const items = start === -1 ? [] : sorted.slice(start, start + limit)
  const last = items[items.length - 1]
  const more = start !== -1 && start + limit < sorted.length
  return { items, nextCursor: more && last ? encodeCursor([key(last).name, key(last).id]) : null }
}

/** The organization a request acts in; the permission check already needs one (a 404 if not). */
function currentOrg(auth: Auth): Org | Response {
  return auth.org ?? jsonError(404, 'no_organization', 'you belong to no organization: create one on /orgs/new or accept an invitation')
}

/** Answers `run`, turning a bad query into a 400. */
async function answer(run: () => unknown): Promise<unknown> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof QueryError) return jsonError(400, 'invalid', err.message)
    throw err
  }
}

/** Core's JSON API routes. */
export function coreApi(deps: Pick<ServerDeps, 'identity'>) {
  const { accounts, orgs, tokens, resolver } = deps.identity

  return new Elysia({ name: 'core:api' })
    .use(guard)
    .get(
      '/api/v1/me',
      async ({ auth }) => {
        const kind = auth.tokenId === 'service-token' ? 'service' : auth.tokenId ? 'token' : 'session'
        const token = kind === 'token' ? (await tokens.list(auth.user.id)).find((t) => t.id === auth.tokenId) : undefined
        const permissions = [...auth.permissions]
        if (can(auth, INSTANCE_ADMIN) && !permissions.includes(INSTANCE_ADMIN)) permissions.push(INSTANCE_ADMIN)
        return {
          user: { id: auth.user.id, name: auth.user.name, email: auth.user.email, isAdmin: auth.user.isAdmin },
          org: auth.org ? { id: auth.org.id, slug: auth.org.slug, name: auth.org.name } : null,
          role: auth.role ? { id: auth.role.id, name: auth.role.name, builtin: auth.role.builtin } : null,
          permissions: permissions.sort(),
          via: kind === 'token' ? { kind, tokenId: auth.tokenId, name: token?.name ?? null, expiresAt: token ? isoString(token.expiresAt) : null } : { kind },
        }
      },
      { permission: SIGNED_IN },
    )
    .get(
      '/api/v1/org/members',
      ({ auth, query }) =>
        answer(async () => {
          const org = currentOrg(auth)
          if (org instanceof Response) return org
          const limit = pageLimit(query.limit)
          const after = decodeCursor<[string, string]>(query.cursor, ['string', 'string'])
          const emails = seesEmails(auth, resolver.catalog())
          // Searched and paged in the store, (name, id) in byte order; one more row than asked says whether there is a next page.
          const rows = await orgs.searchMembers(org.id, { query: searchText(query.q), byEmail: emails, limit: limit + 1, after: after && { name: after[0], id: after[1] } })
          const items = rows.slice(0, limit)
          const last = items[items.length - 1]
          return {
            items: items.map((m) => ({
              id: m.user.id,
              name: m.user.name,
              email: emails ? m.user.email : null,
              role: { id: m.role.id, name: m.role.name, builtin: m.role.builtin },
              joinedAt: isoString(m.joinedAt),
            })),
            nextCursor: rows.length > limit && last ? encodeCursor([last.user.name, last.user.id]) : null,
          }
        }),
      { permission: 'core.members.read' },
    )
    .get(
      '/api/v1/org/teams',
      ({ auth, query }) =>
        answer(async () => {
          const org = currentOrg(auth)
          if (org instanceof Response) return org
          const page = pageByName(await orgs.listTeams(org.id), (t) => t, query)
          return {
            items: page.items.map((t) => ({ id: t.id, name: t.name, description: t.description, memberIds: t.memberIds })),
            nextCursor: page.nextCursor,
          }
        }),
      { permission: 'core.members.read' },
    )
    .get(
      '/api/v1/org/audit',
      ({ auth, query }) =>
        answer(async () => {
          const org = currentOrg(auth)
          if (org instanceof Response) return org
          const limit = pageLimit(query.limit)
          const before = decodeCursor<[number]>(query.cursor, ['number'])?.[0]
          if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) throw new QueryError('the cursor is not valid: send the nextCursor of the previous page, or start again without it')
          // newest first, as /orgs/audit shows them; one more row than asked says whether there are older ones
          const rows = await accounts.listAudit({ orgId: org.id, before, limit: limit + 1 })
          const page = rows.slice(0, limit)
          const last = page[page.length - 1]
          const emails = seesEmails(auth, resolver.catalog())
          const names = await auditNames(deps.identity, org.id, page, emails)
          const items = page.map((e) => ({ ...(emails ? e : maskedAuditEntry(e, names)), actorName: (e.actorId && names.byId.get(e.actorId)) || null }))
          return {
            items: items.map((e) => ({
              id: e.id,
              at: isoString(e.at),
              actor: e.actorId || e.actorEmail ? { id: e.actorId, name: e.actorName, email: e.actorEmail } : null,
              action: e.action,
              target: e.target,
              ip: e.ip,
              details: e.details ?? null,
            })),
            nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
          }
        }),
      { permission: 'core.audit.read' },
    )
}
