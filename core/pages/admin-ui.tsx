/** @module Pieces the instance admin pages share: the tab bar and the page frame around each tab. */
import type { Actor } from '../auth/accounts.ts'
import type { Auth } from '../auth/resolve.ts'
import type { ServerDeps } from '../http/server.ts'
import { PageHeader } from '../../views/components.tsx'
import { actorOf } from './context.ts'

/** The admin tabs, in order. */
export const ADMIN_TABS = [
  { key: 'plugins', label: 'Plugins', href: '/admin/plugins' },
  { key: 'users', label: 'Users', href: '/admin/users' },
  { key: 'orgs', label: 'Organizations', href: '/admin/orgs' },
  { key: 'audit', label: 'Audit log', href: '/admin/audit' },
] as const

export type AdminTab = (typeof ADMIN_TABS)[number]['key']

/** The tab bar; the active tab carries aria-current. */
export function AdminTabs(props: { active: AdminTab }) {
  return (
    <nav aria-label="Instance admin">
      <ul class="tabs">
        {ADMIN_TABS.map((tab) => (
          <li>
            <a href={tab.href} aria-current={tab.key === props.active ? 'page' : undefined}>
              {tab.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** Renders an admin tab in the shell: heading, tab bar, then `body` (trusted, already rendered). */
export function adminPage(
  deps: ServerDeps,
  request: Request,
  auth: Auth,
  tab: AdminTab,
  options: { title: string; body: string; status?: number; headers?: Record<string, string> },
): Promise<Response> {
  const safeBody = options.body
  const html = (
    <>
      <PageHeader title="Instance admin" subtitle="Plugins, accounts and the audit log of this whole instance." />
      <AdminTabs active={tab} />
      {safeBody}
    </>
  ) as string
  return deps.renderer.page(request, auth, { title: `${options.title} · Admin`, body: html, status: options.status, headers: options.headers })
}

/** Parses a positive integer query parameter; anything else is undefined. */
export function positiveInt(value: string | undefined | null): number | undefined {
  if (!value || !/^\d{1,15}$/.test(value)) return undefined
  const n = Number(value)
  return n > 0 && Number.isSafeInteger(n) ? n : undefined
}

/** The actor of an instance-wide action: no organization (org audit logs stay about the org). */
export function instanceActor(request: Request, auth: Auth | null): Actor {
  return { ...actorOf(request, auth), orgId: null }
}
