/** @module Dashboard routes: the page, one widget's body, and layout changes (per user; org default for admins). */
import { Elysia } from 'elysia'
import type { PluginContext } from '../../core/plugins/contract.ts'
import { guard } from '../../core/http/guard.ts'
import { redirect } from '../../core/http/render.ts'
import { htmlError } from '../../core/http/respond.ts'
import { InputError } from '../../core/auth/accounts.ts'
import { can, type Auth } from '../../core/auth/resolve.ts'
import { SIGNED_IN } from '../../core/auth/permissions.ts'
import { readForm, readFormAll } from '../../core/pages/context.ts'
import { EmptyState, PageHeader } from '../../views/components.tsx'
import { KEY, Layouts, renderWithin, visibleWidgets, type WidgetEntry } from './service.ts'
import { Dashboard, FailedBody, GoneBody, ReadyBody } from './views/dashboard.tsx'
import type { schema } from './schema.ts'

type Ctx = PluginContext<ReturnType<typeof schema>>

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }

/** The dashboard's routes. */
export function dashboardRoutes(ctx: Ctx, layouts: Layouts) {
  /** Renders one widget's body; failures and timeouts become the error body. */
  const body = async (entry: WidgetEntry, request: Request, auth: Auth): Promise<string> => {
    try {
      return ReadyBody({ safeHtml: await renderWithin(entry, request, auth) }) as string
    } catch (err) {
      ctx.log.warn('widget failed', { widget: entry.key, error: err })
      return FailedBody({ entry }) as string
    }
  }

  /** The dashboard for this viewer (full page, or the `#dashboard` fragment for htmx). */
  const page = async (request: Request, auth: Auth, opts: { customize: boolean; inline?: boolean; error?: string; status?: number }) => {
    const org = auth.org!
    const visible = visibleWidgets(ctx, auth)
    const layout = await layouts.forUser(org.id, auth.user.id, visible.map((e) => e.key))
    const byKey = new Map(visible.map((e) => [e.key, e]))
    const cards = layout.keys.map((k) => byKey.get(k)!)
    let inline: Map<string, string> | undefined
    if (opts.inline) {
      const bodies = await Promise.all(cards.map((e) => body(e, request, auth)))
      inline = new Map(cards.map((e, i) => [e.key, bodies[i]!]))
    }
    const html = Dashboard({
      orgName: org.name,
      cards,
      addable: visible.filter((e) => !layout.keys.includes(e.key)),
      customize: opts.customize,
      inline,
      csrf: auth.session?.csrf,
      canManage: can(auth, 'dashboard.layout.manage'),
      source: layout.source,
      error: opts.error,
    }) as string
    const scripts = '<script src="/public/sortable.min.js" defer></script><script src="/public/dashboard/dashboard.js" defer></script>'
    return ctx.page(request, auth, { title: 'Dashboard', body: html + scripts, status: opts.status, headers: { 'cache-control': 'no-store' } })
  }

  /** After a layout change: the customize view for htmx, a redirect otherwise; 422 with the message on bad input. */
  const change = async (request: Request, auth: Auth, fn: (orgId: string, available: string[]) => Promise<unknown>, done: string) => {
    const org = auth.org
    if (!org) return htmlError(404, 'No organization', 'Join or create an organization first.')
    try {
      await fn(org.id, visibleWidgets(ctx, auth).map((e) => e.key))
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      return page(request, auth, { customize: true, error: err.message, status: err.status })
    }
    if (request.headers.get('hx-request') === 'true') return page(request, auth, { customize: true })
    return redirect(request, '/dashboard?customize=1', { kind: 'ok', text: done })
  }

  const keyOf = (form: Record<string, string>) => (form.key ?? '').trim().slice(0, 200)

  return new Elysia({ name: 'plugin:dashboard' })
    .use(guard)
    .get(
      '/dashboard',
      async ({ request, auth, query }) => {
        if (!auth.org) {
          const body = (
            <>
              <PageHeader title="Dashboard" />
              <EmptyState title="You belong to no organization yet">
                <p>
                  <a href="/orgs/new">Create an organization</a>, or ask for an invitation.
                </p>
              </EmptyState>
            </>
          ) as string
          return ctx.page(request, auth, { title: 'Dashboard', body })
        }
        if (!can(auth, 'dashboard.widget.read')) return htmlError(403, 'Not allowed', 'You need the permission "dashboard.widget.read" here. Ask an admin of your organization for it.')
        return page(request, auth, { customize: query.customize === '1', inline: query.inline === '1' })
      },
      { permission: SIGNED_IN },
    )
    .get(
      '/dashboard/widgets/:key',
      async ({ request, auth, params }) => {
        const key = params.key
        const entry = auth.org && KEY.test(key) ? visibleWidgets(ctx, auth).find((e) => e.key === key) : undefined
        if (!entry) return new Response(GoneBody() as string, { status: 404, headers: HTML })
        return new Response(await body(entry, request, auth), { status: 200, headers: HTML })
      },
      { permission: 'dashboard.widget.read' },
    )
    .post(
      '/dashboard/layout/add',
      async ({ request, auth }) => {
        const key = keyOf(await readForm(request))
        return change(request, auth, (orgId, available) => layouts.add(orgId, auth.user.id, key, available), 'Widget added.')
      },
      { permission: 'dashboard.widget.read' },
    )
    .post(
      '/dashboard/layout/remove',
      async ({ request, auth }) => {
        const key = keyOf(await readForm(request))
        return change(request, auth, (orgId, available) => layouts.remove(orgId, auth.user.id, key, available), 'Widget removed.')
      },
      { permission: 'dashboard.widget.read' },
    )
    .post(
      '/dashboard/layout/move',
      async ({ request, auth }) => {
        const form = await readForm(request)
        return change(request, auth, (orgId, available) => layouts.move(orgId, auth.user.id, keyOf(form), form.dir ?? '', available), 'Widget moved.')
      },
      { permission: 'dashboard.widget.read' },
    )
    .post(
      '/dashboard/layout',
      async ({ request, auth }) => {
        // The whole order at once (drag and drop): widgets=<key>&widgets=<key>...
        const { all } = await readFormAll(request)
        const keys = (all.widgets ?? []).map((k) => k.trim()).filter(Boolean)
        return change(request, auth, (orgId, available) => layouts.save(orgId, auth.user.id, keys, available), 'Layout saved.')
      },
      { permission: 'dashboard.widget.read' },
    )
    .post(
      '/dashboard/layout/restore',
      ({ request, auth }) => change(request, auth, (orgId) => layouts.restore(orgId, auth.user.id), 'Default layout restored.'),
      { permission: 'dashboard.widget.read' },
    )
    .post(
      '/dashboard/layout/org-default',
      ({ request, auth }) =>
        change(
          request,
          auth,
          (orgId, available) => layouts.setOrgDefault(orgId, auth.user.id, available),
          'Saved as the organization default.',
        ),
      { permission: 'dashboard.layout.manage' },
    )
    .post(
      '/dashboard/dismiss',
      async ({ request, auth }) => {
        const key = keyOf(await readForm(request))
        const res = await change(request, auth, (orgId, available) => layouts.dismiss(orgId, auth.user.id, key, available), 'Dismissed. Add it back under Customize.')
        // Dismissing from the dashboard itself returns there, not to the customize view.
        if (res.status === 303) res.headers.set('location', '/dashboard')
        if (res.headers.get('hx-redirect')) res.headers.set('hx-redirect', '/dashboard')
        return res
      },
      { permission: 'dashboard.widget.read' },
    )
}
