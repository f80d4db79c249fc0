/** @module The dashboard's own widgets: getting started, recent activity, plugin health (admins). */
import { escapeHtml } from '@kitajs/html'
import type { PluginContext } from '../../core/plugins/contract.ts'
import type { DashboardWidget, KnownServices } from '../../core/plugins/points.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { CsrfField, EmptyState, formatDate } from '../../views/components.tsx'
import type { Layouts } from './service.ts'

/** Collaboration's activity service: the feed is per viewer (rows they may not see are left out). */
type ActivityService = KnownServices['collaboration.activity']

/** A link target that stays on this site. */
function localHref(href: string | undefined): string | undefined {
  return href && href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/\\') ? href : undefined
}

/** A getting-started step; `show`: whether this viewer may take it. */
interface Step {
  show: boolean
  done: boolean
  label: string
  href?: string
  hint?: string
}

/** The built-in widgets. */
export function builtinWidgets(ctx: PluginContext, layouts: Layouts): DashboardWidget[] {
  const gettingStarted: DashboardWidget = {
    id: 'getting-started',
    title: 'Getting started',
    description: 'A checklist for a new instance.',
    permission: 'dashboard.widget.read',
    async render(_request: Request, auth: Auth) {
      const orgId = auth.org!.id
      const plugins = ctx.plugins()
      const on = (id: string) => plugins.some((p) => p.id === id && p.status === 'enabled')
      const apps = plugins.filter((p) => p.id !== ctx.id && p.status === 'enabled')
      const admin = auth.user.isAdmin
      const may = (permission: string) => can(auth, permission)
      const planning = ctx.service<KnownServices['planning.summary']>('planning.summary')
      // only what the steps this viewer sees need (a member sees none of the members or projects)
      const [members, layout, projects] = await Promise.all([
        may('core.members.manage') ? ctx.people.members(orgId) : Promise.resolve([]),
        layouts.forUser(orgId, auth.user.id, []),
        planning && may('planning.project.manage') ? planning.projects(orgId) : Promise.resolve(0),
      ])
      // Each step is shown only to those who can take it (members were told to invite people and turn
      // on apps, which they may not do); "n of m done" counts the steps shown.
      const steps: Step[] = [
        { show: may('core.members.manage'), done: members.length > 1, label: 'Invite a teammate', href: '/orgs/members', hint: `${members.length} member${members.length === 1 ? '' : 's'} so far` },
        { show: admin, done: apps.length > 0, label: 'Turn on the apps your team needs', href: '/admin/plugins', hint: apps.length ? apps.map((p) => p.name).join(', ') : undefined },
        on('planning')
          ? { show: may('planning.project.manage'), done: projects > 0, label: 'Create a project', href: '/planning' }
          : { show: admin, done: false, label: 'Create a project', hint: 'Turn on Planning first' },
        { show: true, done: layout.source === 'user', label: 'Arrange your dashboard', href: '/dashboard?customize=1' },
      ]
      const items = steps.filter((step) => step.show)
      const done = items.filter((i) => i.done).length
      return (
        <>
          <p class="muted">
            {done} of {items.length} done
          </p>
          <ul class="checklist">
            {items.map((i) => (
              <li class={i.done ? 'done' : undefined}>
                <span class="check" aria-hidden="true">
                  {i.done ? '&#10003;' : '&#9675;'}
                </span>
                <span class="visually-hidden">{i.done ? 'Done: ' : 'To do: '}</span>
                {i.href && !i.done ? (
                  <a href={i.href} safe>
                    {i.label}
                  </a>
                ) : (
                  <span safe>{i.label}</span>
                )}
                {i.hint ? (
                  <>
                    {' '}
                    <small class="muted">{`&mdash; ${escapeHtml(i.hint)}` as 'safe'}</small>
                  </>
                ) : (
                  ''
                )}
              </li>
            ))}
          </ul>
          <form method="post" action="/dashboard/dismiss" class="inline-form">
            <CsrfField token={auth.session?.csrf} />
            <input type="hidden" name="key" value={`${ctx.id}.getting-started`} />
            <button type="submit" class="secondary outline small">
              Dismiss
            </button>
          </form>
        </>
      ) as string
    },
  }

  const recentActivity: DashboardWidget = {
    id: 'recent-activity',
    title: 'Recent activity',
    description: 'What happened lately in your organization.',
    permission: 'dashboard.widget.read',
    async render(_request: Request, auth: Auth) {
      const activity = ctx.service<ActivityService>('collaboration.activity')
      if (!activity) {
        return (
          <EmptyState title="Turn on Collaboration to see activity">
            <p class="muted">{auth.user.isAdmin ? <a href="/admin/plugins">Open the plugins page</a> : 'Ask an instance admin to turn it on.'}</p>
          </EmptyState>
        ) as string
      }
      const items = await activity.recent(auth.org!.id, 10, auth)
      if (!items.length) return (<EmptyState title="No activity yet">Changes your team makes show up here.</EmptyState>) as string
      return (
        <ul class="activity-list">
          {items.map((a) => {
            const href = localHref(a.href)
            return (
              <li>
                <strong safe>{a.actorName}</strong>{' '}
                {href ? (
                  <a href={href} safe>
                    {a.text}
                  </a>
                ) : (
                  <span safe>{a.text}</span>
                )}{' '}
                <time class="muted" datetime={new Date(a.at).toISOString()} safe>
                  {formatDate(new Date(a.at))}
                </time>
              </li>
            )
          })}
        </ul>
      ) as string
    },
  }

  const pluginHealth: DashboardWidget = {
    id: 'plugin-health',
    title: 'Plugin health',
    description: 'Enabled and failed plugins, with their errors.',
    adminOnly: true,
    render() {
      const plugins = ctx.plugins()
      const count = (s: string) => plugins.filter((p) => p.status === s).length
      const order = { failed: 0, enabled: 1, disabled: 2 }
      const label = { failed: 'Failed', enabled: 'Enabled', disabled: 'Disabled' }
      const sorted = [...plugins].sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name))
      return (
        <>
          <p>
            <span class="badge badge-ok">{count('enabled')} enabled</span>{' '}
            {count('failed') ? <span class="badge badge-danger">{count('failed')} failed</span> : ''}{' '}
            <span class="badge">{count('disabled')} off</span>
          </p>
          <ul class="plugin-health">
            {sorted.map((p) => (
              <li class={`status-${p.status}`}>
                <span safe>{p.name}</span>{' '}
                <span class={`badge${p.status === 'enabled' ? ' badge-ok' : p.status === 'failed' ? ' badge-danger' : ''}`} safe>{label[p.status]}</span>
                {p.error ? (
                  <small class="plugin-error" safe>
                    {p.error}
                  </small>
                ) : (
                  ''
                )}
              </li>
            ))}
          </ul>
          <p>
            <a href="/admin/plugins">Manage plugins</a>
          </p>
        </>
      ) as string
    },
  }

  return [gettingStarted, recentActivity, pluginHealth]
}
