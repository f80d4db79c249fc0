/** @module Demo data: three projects with tasks across states, labels, a milestone and a current cycle. */
import type { DemoSeed } from '../../core/plugins/points.ts'
import type { Actor, ProjectService } from './service.ts'
import type { TaskService } from './tasks.ts'

const PROJECTS = [
  {
    key: 'WEB',
    name: 'Website relaunch',
    description: 'New marketing site: faster pages, a clearer pricing page and a blog.',
    labels: [['frontend', '#3b82f6'], ['design', '#ec4899'], ['bug', '#ef4444'], ['seo', '#10b981']],
    tasks: [
      ['Design the new pricing page', 'In Progress', 'high', 'design', 5],
      ['Fix broken links in the footer', 'Todo', 'medium', 'bug', 1],
      ['Set up the blog with Markdown posts', 'Backlog', 'low', 'frontend', 8],
      ['Compress hero images (LCP under 2.5 s)', 'Done', 'high', 'frontend;seo', 3],
      ['Write meta descriptions for the top 20 pages', 'Todo', 'medium', 'seo', 2],
      ['Cookie banner that respects Do Not Track', 'In Progress', 'urgent', 'frontend', 3],
      ['Dark mode for the documentation', 'Backlog', 'none', 'design', 5],
      ['Remove the old jQuery carousel', 'Cancelled', 'low', 'frontend', 1],
    ],
  },
  {
    key: 'API',
    name: 'Public API v2',
    description: 'Versioned REST API with cursor pagination and API tokens.',
    labels: [['backend', '#f59e0b'], ['docs', '#6366f1'], ['breaking', '#ef4444']],
    tasks: [
      ['Cursor pagination for every list endpoint', 'Done', 'high', 'backend', 5],
      ['Rate limits per token', 'In Progress', 'high', 'backend', 3],
      ['OpenAPI description and reference docs', 'Todo', 'medium', 'docs', 5],
      ['Deprecate /v1/search', 'Backlog', 'low', 'breaking', 2],
      ['Webhooks with signed payloads', 'Todo', 'urgent', 'backend', 8],
    ],
  },
  {
    key: 'OPS',
    name: 'Operations',
    description: 'Backups, monitoring and on-call.',
    labels: [['infra', '#14b8a6'], ['incident', '#ef4444']],
    tasks: [
      ['Nightly database backups to object storage', 'Done', 'high', 'infra', 3],
      ['Alert when disk usage passes 80%', 'In Progress', 'medium', 'infra', 2],
      ['Write the on-call runbook', 'Todo', 'medium', '', 3],
      ['Post-mortem: login outage', 'Backlog', 'high', 'incident', 1],
    ],
  },
] as const

/** The demo seed (order 10: before collaboration comments on the tasks). */
export function demoSeed(projects: ProjectService, tasks: TaskService): DemoSeed {
  return {
    order: 10,
    async run({ orgId, people, now }) {
      const actor: Actor = people[0] ? { id: people[0].id, name: people[0].name } : { id: 'demo', name: 'Demo' }
      let nProjects = 0
      let nTasks = 0
      const dayMs = 86_400_000
      const iso = (d: Date) => d.toISOString().slice(0, 10)
      for (const [pi, spec] of PROJECTS.entries()) {
        const existing = await projects.get(orgId, spec.key).catch(() => undefined)
        if (existing) continue
        const project = await projects.create(orgId, actor, { key: spec.key, name: spec.name, description: spec.description, leadId: people[pi % Math.max(people.length, 1)]?.id ?? '', status: 'active' })
        nProjects++
        for (const [name, color] of spec.labels) await projects.addLabel(orgId, project.id, { name, color })
        const milestone = await projects.addMilestone(orgId, actor, project.id, { name: pi === 0 ? 'Public launch' : pi === 1 ? 'API v2 beta' : 'Backups verified', targetDate: iso(new Date(now.getTime() + (20 + pi * 25) * dayMs)), description: 'The first release worth announcing.' })
        const monday = new Date(now.getTime() - ((now.getUTCDay() + 6) % 7) * dayMs)
        const cycle = await projects.addCycle(orgId, actor, project.id, { name: 'Cycle 1', startsAt: iso(monday), endsAt: iso(new Date(monday.getTime() + 13 * dayMs)) })
        for (const [ti, [title, state, priority, labels, estimate]] of spec.tasks.entries()) {
          const assignee = people.length ? people[(ti + pi) % people.length] : undefined
          await tasks.create(orgId, actor, project.id, {
            title,
            description: `${title}.\n\nAcceptance:\n- reviewed by a teammate\n- shipped behind a flag if risky`,
            state,
            priority,
            labels: labels ? labels.split(';') : [],
            estimate,
            assigneeEmail: assignee?.email ?? '',
            due: ti % 3 === 0 ? iso(new Date(now.getTime() + (ti + 2) * dayMs)) : '',
            milestoneId: ti % 2 === 0 ? milestone.id : '',
            cycleId: state === 'In Progress' || state === 'Todo' || state === 'Done' ? cycle.id : '',
          })
          nTasks++
        }
      }
      return `${nProjects} projects, ${nTasks} tasks`
    },
  }
}
