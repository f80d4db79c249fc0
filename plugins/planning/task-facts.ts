/** @module What task events carry: the task reference and the activity fact. */
import type { ActivityFact } from '../../core/plugins/points.ts'
import type { TaskRef } from './events.ts'
import type { TaskChange } from './task-history.ts'
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

/** The words the task form uses for the fields of history lines (the others are their own word). */
const FIELD_WORDS: Record<string, string> = { due: 'due date', parent: 'parent task' }

/** "a", "a and b", "a, b and c". */
const listed = (words: string[]) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`)

/**
 * The activity text of planning.task.updated, in the task page's words: a cycle change alone says
 * where the task went ("moved WEB-11 to Sprint 2", "took WEB-11 out of Sprint 1"); anything else
 * names the fields ("updated the priority and due date of WEB-1").
 */
export function updatedText(key: string, changes: TaskChange[]): string {
  const [only] = changes
  if (changes.length === 1 && only!.field === 'cycle') return only!.to ? `moved ${key} to ${only!.to}` : `took ${key} out of ${only!.from}`
  return `updated the ${listed(changes.map((c) => FIELD_WORDS[c.field] ?? c.field))} of ${key}`
}
