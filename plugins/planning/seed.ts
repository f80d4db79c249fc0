/**
 * @module Demo data: three projects with tasks across states, labels, a milestone and a current cycle;
 * in each a parent task with two sub-tasks, one task blocking another, and a saved view (the current
 * cycle by priority) for the first person.
 */
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
    parent: ['Launch checklist', 'Redirect the old URLs', 'Announce the relaunch on the blog'],
    /** Task indexes (above): the first blocks the second. */
    blocks: [0, 2],
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
    parent: ['API tokens', 'Create and revoke tokens in the account page', 'Scope tokens to read or write'],
    blocks: [0, 2],
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
    parent: ['Restore drill', 'Restore last night\'s backup to a scratch server', 'Time the restore and write it down'],
    blocks: [0, 1],
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
      let nViews = 0
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
        const created: string[] = []
        for (const [ti, [title, state, priority, labels, estimate]] of spec.tasks.entries()) {
          const assignee = people.length ? people[(ti + pi) % people.length] : undefined
          const task = await tasks.create(orgId, actor, project.id, {
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
          created.push(task.id)
          nTasks++
        }
        // a parent with two sub-tasks, in the current cycle
        const [parentTitle, ...subTitles] = spec.parent
        const parent = await tasks.create(orgId, actor, project.id, { title: parentTitle, description: `Everything ${parentTitle.toLowerCase()} needs, as sub-tasks.`, state: 'In Progress', priority: 'high', cycleId: cycle.id, milestoneId: milestone.id })
        nTasks++
        for (const [si, title] of subTitles.entries()) {
          await tasks.create(orgId, actor, project.id, { title, state: si === 0 ? 'Done' : 'Todo', priority: 'medium', parent: parent.id, cycleId: cycle.id, estimate: 2, assigneeEmail: people.length ? people[(si + pi + 1) % people.length]!.email : '' })
          nTasks++
        }
        // one task blocks another
        await tasks.relate(orgId, actor, created[spec.blocks[0]]!, 'blocks', created[spec.blocks[1]]!)
        // a saved view for the first person: the current cycle by priority (keys in the list's order,
        // so the list marks the view as the current one)
        if (people[0]) {
          await projects.saveView(orgId, people[0].id, project.id, { name: 'This cycle', query: `sort=priority&cycle=${encodeURIComponent(cycle.id)}` })
          nViews++
        }
      }
      return `${nProjects} projects, ${nTasks} tasks, ${nViews} saved views`
    },
  }
}
