/**
 * @module Demo data: three projects with tasks across states, labels, a milestone and a current cycle;
 * in each a parent task with two sub-tasks, one task blocking another, and a saved view (the current
 * cycle by priority) for the first person.
 *
 * The work is spread over the demo's people the way a team would do it: each project's lead creates
 * it and its milestone, a teammate starts the cycle, tasks are filed by different people in Backlog or
 * Todo, the lead assigns some of them, and then the assignees move their tasks along (Todo -> In
 * Progress -> Done; the lead cancels one). History, the activity feed and the inbox show those moves
 * and assignments by their people ("Ana Lima moved WEB-4 to Done"), interleaved across projects.
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
    milestone: ['Public launch', 'The new site live on the main domain, old URLs redirected and the launch post out.'],
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
    milestone: ['API v2 beta', 'Pagination, tokens and rate limits in place for the first partners; v1 keeps working.'],
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
    milestone: ['Backups verified', 'A full restore from last night\'s backup done and timed, with the runbook written down.'],
  },
] as const

/** A follow-up done after every project exists: `phase` orders them, then they alternate between projects. */
interface Step {
  phase: number
  project: number
  run: () => Promise<unknown>
}

/** Phases of the follow-ups: the lead assigns, assignees start their tasks, then finish (or the lead cancels). */
const ASSIGN = 0
const START = 1
const FINISH = 2

/** The demo seed (order 10: before collaboration comments on the tasks). */
export function demoSeed(projects: ProjectService, tasks: TaskService): DemoSeed {
  return {
    order: 10,
    async run({ orgId, people, now }) {
      const cast: Actor[] = people.length ? people.map((p) => ({ id: p.id, name: p.name })) : [{ id: 'demo', name: 'Demo' }]
      /** The i-th person, round the team. */
      const person = (i: number): Actor => cast[i % cast.length]!
      const emailOf = (a: Actor) => people.find((p) => p.id === a.id)?.email ?? ''
      let nProjects = 0
      let nTasks = 0
      let nViews = 0
      const steps: Step[] = []
      const dayMs = 86_400_000
      const iso = (d: Date) => d.toISOString().slice(0, 10)
      for (const [pi, spec] of PROJECTS.entries()) {
        const existing = await projects.get(orgId, spec.key).catch(() => undefined)
        if (existing) continue
        // The first person (the admin who ran `demo`) leads nothing: the members do the work.
        const lead = person(pi + 1)
        const project = await projects.create(orgId, lead, { key: spec.key, name: spec.name, description: spec.description, leadId: people.length ? lead.id : '', status: 'active' })
        nProjects++
        for (const [name, color] of spec.labels) await projects.addLabel(orgId, project.id, { name, color })
        const [milestoneName, milestoneDescription] = spec.milestone
        const milestone = await projects.addMilestone(orgId, lead, project.id, { name: milestoneName, targetDate: iso(new Date(now.getTime() + (20 + pi * 25) * dayMs)), description: milestoneDescription })
        const monday = new Date(now.getTime() - ((now.getUTCDay() + 6) % 7) * dayMs)
        const cycle = await projects.addCycle(orgId, person(pi + 2), project.id, { name: 'Cycle 1', startsAt: iso(monday), endsAt: iso(new Date(monday.getTime() + 13 * dayMs)) })

        /** Queues the moves that take a task from where it was filed to `state`, by `mover`. */
        const moveAlong = (ref: string, state: string, mover: Actor) => {
          if (state === 'In Progress') steps.push({ phase: START, project: pi, run: () => tasks.update(orgId, mover, ref, { state: 'In Progress' }) })
          if (state === 'Done') {
            steps.push({ phase: START, project: pi, run: () => tasks.update(orgId, mover, ref, { state: 'In Progress' }) })
            steps.push({ phase: FINISH, project: pi, run: () => tasks.update(orgId, mover, ref, { state: 'Done' }) })
          }
          if (state === 'Cancelled') steps.push({ phase: FINISH, project: pi, run: () => tasks.update(orgId, lead, ref, { state: 'Cancelled' }) })
        }

        const created: string[] = []
        for (const [ti, [title, state, priority, labels, estimate]] of spec.tasks.entries()) {
          const assignee = people.length ? person(ti + pi) : undefined
          const reporter = person(ti + pi + 2)
          // every other task is filed already assigned; the lead assigns the rest afterwards (a task
          // of the lead's own they file so, rather than "Ana assigned WEB-2 to Ana")
          const assignNow = ti % 2 === 0 || assignee?.id === lead.id
          const task = await tasks.create(orgId, reporter, project.id, {
            title,
            description: `${title}.\n\nAcceptance:\n- reviewed by a teammate\n- shipped behind a flag if risky`,
            state: state === 'Backlog' ? 'Backlog' : 'Todo',
            priority,
            labels: labels ? labels.split(';') : [],
            estimate,
            assigneeEmail: assignee && assignNow ? emailOf(assignee) : '',
            due: ti % 3 === 0 ? iso(new Date(now.getTime() + (ti + 2) * dayMs)) : '',
            milestoneId: ti % 2 === 0 ? milestone.id : '',
            cycleId: state === 'In Progress' || state === 'Todo' || state === 'Done' ? cycle.id : '',
          })
          created.push(task.id)
          nTasks++
          if (assignee && !assignNow) steps.push({ phase: ASSIGN, project: pi, run: () => tasks.update(orgId, lead, task.id, { assigneeEmail: emailOf(assignee) }) })
          moveAlong(task.id, state, assignee ?? lead)
        }
        // a parent with two sub-tasks, in the current cycle: the lead files and starts it, teammates
        // take the sub-tasks and one of them is done
        const [parentTitle, ...subTitles] = spec.parent
        const parent = await tasks.create(orgId, lead, project.id, { title: parentTitle, description: `Everything ${parentTitle.toLowerCase()} needs, as sub-tasks.`, state: 'Todo', priority: 'high', cycleId: cycle.id, milestoneId: milestone.id })
        nTasks++
        moveAlong(parent.id, 'In Progress', lead)
        for (const [si, title] of subTitles.entries()) {
          const assignee = people.length ? person(si + pi + 2) : undefined
          const sub = await tasks.create(orgId, lead, project.id, { title, state: 'Todo', priority: 'medium', parent: parent.id, cycleId: cycle.id, estimate: 2, assigneeEmail: assignee ? emailOf(assignee) : '' })
          nTasks++
          if (si === 0) moveAlong(sub.id, 'Done', assignee ?? lead)
        }
        // one task blocks another: whoever works on the blocked one says so
        await tasks.relate(orgId, person(spec.blocks[1] + pi), created[spec.blocks[0]]!, 'blocks', created[spec.blocks[1]]!)
        // a saved view for the first person: the current cycle by priority (keys in the list's order,
        // so the list marks the view as the current one)
        if (people[0]) {
          await projects.saveView(orgId, people[0].id, project.id, { name: 'This cycle', query: `sort=priority&cycle=${encodeURIComponent(cycle.id)}` })
          nViews++
        }
      }
      // The follow-ups, phase by phase, alternating between projects (the feed reads like a team at
      // work, not one project after the other). Each task's steps keep their order.
      const queue = new Map<string, Step[]>()
      for (const step of steps) {
        const key = `${step.phase}:${step.project}`
        queue.set(key, [...(queue.get(key) ?? []), step])
      }
      for (const phase of [ASSIGN, START, FINISH]) {
        const lanes = PROJECTS.map((_, pi) => queue.get(`${phase}:${pi}`) ?? [])
        for (let i = 0; lanes.some((l) => i < l.length); i++) for (const lane of lanes) if (lane[i]) await lane[i]!.run()
      }
      return `${nProjects} projects, ${nTasks} tasks, ${nViews} saved views`
    },
  }
}
