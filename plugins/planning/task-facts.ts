/** @module What task events carry: the task reference and the activity fact. */
import type { ActivityFact } from '../../core/plugins/points.ts'
import type { TaskRef } from './events.ts'
import type { Actor } from './service.ts'
import type { Task } from './tasks.ts'

/** What events carry about a task. */
export function ref(task: Task): TaskRef {
  return { id: task.id, orgId: task.orgId, projectId: task.projectId, key: task.key, title: task.title }
}

/** The activity fact of a task event. */
export function activity(task: Task, actor: Actor, textValue: string): ActivityFact {
  return { orgId: task.orgId, actor: { id: actor.id, name: actor.name }, entity: { type: 'planning.task', id: task.id, title: `${task.key} ${task.title}`, href: `/planning/tasks/${task.key}` }, text: textValue }
}
