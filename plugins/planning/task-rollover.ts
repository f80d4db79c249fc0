/**
 * @module Cycle rollover: the unfinished tasks of a cycle move to the project's next cycle (or a
 * chosen one) in one transaction, each with its history line; the events follow the commit.
 */
import { eq } from 'drizzle-orm'
import { InputError } from '../../core/auth/accounts.ts'
import { day, type Actor, type Cycle, type Deps, type Project, type ProjectService } from './service.ts'
import type { Task, TaskService } from './tasks.ts'
import type { UpdatePlan } from './task-update.ts'

/** What a rollover would do: from which cycle, which tasks, and to which cycle (none when the project has no next one). */
export interface RolloverPlan {
  project: Project
  from: Cycle
  /** The cycle the tasks would go to: the chosen one, else the next by start date. */
  to?: Cycle
  /** The next cycle by start date, if any. */
  next?: Cycle
  /** The project's other cycles, by start date (what may be chosen). */
  others: Cycle[]
  /** The tasks of `from` whose state is neither completed nor cancelled, by number. */
  tasks: Task[]
}

/** Tasks read per page while collecting a cycle's unfinished tasks. */
const PAGE = 500

/** A cycle of the project by id or name (case aside). */
function findCycle(cycles: Cycle[], ref: string): Cycle | undefined {
  const v = ref.trim()
  return cycles.find((c) => c.id === v) ?? cycles.find((c) => c.name.toLowerCase() === v.toLowerCase())
}

/**
 * The plan of moving `cycleRef`'s unfinished tasks: `toRef` (an id or name of another cycle of the
 * project) or else the next cycle by start date. An unknown cycle is a 404; an unknown `toRef` or the
 * cycle itself a 422 (field `to`).
 */
export async function rolloverPlan(tasks: TaskService, projects: ProjectService, orgId: string, projectRef: string, cycleRef: string, toRef?: string): Promise<RolloverPlan> {
  const project = await projects.get(orgId, projectRef)
  const cycles = await projects.cycles(project.id)
  const from = findCycle(cycles, String(cycleRef ?? ''))
  if (!from) throw new InputError(`${project.key} has no cycle '${String(cycleRef).slice(0, 60)}'.`, 'cycle', 404)
  const others = cycles.filter((c) => c.id !== from.id)
  const next = others.find((c) => c.startsAt > from.startsAt)
  let to = next
  if (toRef !== undefined && toRef !== null && String(toRef).trim()) {
    to = findCycle(cycles, String(toRef))
    if (!to) throw new InputError(`Unknown cycle '${String(toRef).slice(0, 60)}' in ${project.key}: use the id or name of one of its cycles.`, 'to')
    if (to.id === from.id) throw new InputError(`Choose another cycle than ${from.name} to move its unfinished tasks to.`, 'to')
  }
  const list: Task[] = []
  let cursor: string | undefined
  do {
    const page = await tasks.list(orgId, { projectId: project.id, cycleId: from.id, open: true, sort: 'number', dir: 'asc' }, { cursor, limit: PAGE })
    list.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return { project, from, to, next, others, tasks: list }
}

/**
 * Moves the unfinished tasks of a cycle (state group neither completed nor cancelled) to `toRef` or
 * else the project's next cycle by start date, all in one transaction: a failure moves none. Each
 * gets what `update` would give it (history "cycle: Sprint 1 -> Sprint 2", a new version, and after
 * the commit planning.task.updated with the field 'cycle'); finished tasks stay, and so does a task
 * moved to another cycle since the plan was read. Returns the cycles and the tasks moved. With no
 * next cycle and none chosen: a 409 saying to create one first.
 */
export async function rolloverCycle(tasks: TaskService, projects: ProjectService, deps: Deps, orgId: string, actor: Actor, projectRef: string, cycleRef: string, toRef?: string): Promise<{ from: Cycle; to: Cycle; moved: Task[] }> {
  const plan = await rolloverPlan(tasks, projects, orgId, projectRef, cycleRef, toRef)
  const { from } = plan
  const to = rolloverTarget(plan)
  const t = deps.tables.tasks
  // each move planned as `update` plans it, then all written in one transaction; a task moved to
  // another cycle since the plan was read no longer meets `onlyIf` and stays
  const plans: UpdatePlan[] = []
  for (const task of plan.tasks) {
    const move = await tasks.planUpdate(orgId, actor, task, { cycleId: to.id }, { onlyIf: eq(t.cycleId, from.id) })
    if (move) plans.push(move)
  }
  const moved = await tasks.writeUpdates(plans)
  return { from, to, moved }
}

/** The plan's target cycle; without one (no next cycle, none chosen) a 409 saying to create the next cycle first. */
export function rolloverTarget(plan: RolloverPlan): Cycle {
  if (plan.to) return plan.to
  const after = new Date(plan.from.endsAt.getTime() + 86_400_000)
  throw new InputError(`${plan.from.name} is the last cycle of ${plan.project.key}: create the next cycle (starting ${day(after)} or later) first, then move the unfinished tasks of ${plan.from.name} to it.`, 'to', 409)
}
