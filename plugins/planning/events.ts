/** @module The planning plugin's events: facts about projects, tasks, milestones and cycles, with activity facts for feeds. */
import type { ActivityFact } from '../../core/plugins/points.ts'

/** What events say about a task. */
export interface TaskRef {
  id: string
  orgId: string
  projectId: string
  /** `WEB-42`. */
  key: string
  title: string
}

declare module '../../core/bus.ts' {
  interface Events {
    /** A task was created. */
    'planning.task.created': { task: TaskRef; activity: ActivityFact }
    /** Fields of a task changed (`fields` names them). */
    'planning.task.updated': { task: TaskRef; fields: string[]; activity: ActivityFact }
    /** A task moved to another state. */
    'planning.task.state_changed': { task: TaskRef; from: { id: string; name: string; group: string }; to: { id: string; name: string; group: string }; activity: ActivityFact }
    /** A task got another assignee (null: unassigned). */
    'planning.task.assigned': { task: TaskRef; assigneeId: string | null; previousAssigneeId: string | null; activity: ActivityFact }
    /** A task was deleted. */
    'planning.task.deleted': { task: TaskRef; activity: ActivityFact }
    'planning.project.created': { project: { id: string; orgId: string; key: string; name: string }; activity: ActivityFact }
    'planning.project.updated': { project: { id: string; orgId: string; key: string; name: string }; fields: string[]; activity: ActivityFact }
    'planning.project.deleted': { project: { id: string; orgId: string; key: string; name: string }; activity: ActivityFact }
    'planning.milestone.created': { milestone: { id: string; orgId: string; projectId: string; name: string }; activity: ActivityFact }
    'planning.milestone.updated': { milestone: { id: string; orgId: string; projectId: string; name: string }; activity: ActivityFact }
    'planning.milestone.deleted': { milestone: { id: string; orgId: string; projectId: string; name: string }; activity: ActivityFact }
    'planning.cycle.created': { cycle: { id: string; orgId: string; projectId: string; name: string }; activity: ActivityFact }
    'planning.cycle.updated': { cycle: { id: string; orgId: string; projectId: string; name: string }; activity: ActivityFact }
    'planning.cycle.deleted': { cycle: { id: string; orgId: string; projectId: string; name: string }; activity: ActivityFact }
    /** A project's labels changed (configuration: no activity in feeds). */
    'planning.label.created': { label: { id: string; orgId: string; projectId: string; name: string } }
    'planning.label.updated': { label: { id: string; orgId: string; projectId: string; name: string }; fields: string[] }
    'planning.label.deleted': { label: { id: string; orgId: string; projectId: string; name: string } }
  }
}

/** The service planning provides (`ctx.provide`), for consumers' `ctx.service<KnownServices[...]>`. */
declare module '../../core/plugins/points.ts' {
  interface KnownServices {
    /** How far an organization has come with planning (the getting-started checklist asks). */
    'planning.summary': { projects(orgId: string): Promise<number> }
  }
}

/** Event names and descriptions for the manifest. */
export const EVENTS: Record<string, string> = {
  'planning.task.created': 'A task was created',
  'planning.task.updated': 'A task was edited',
  'planning.task.state_changed': 'A task moved to another state',
  'planning.task.assigned': 'A task was assigned',
  'planning.task.deleted': 'A task was deleted',
  'planning.project.created': 'A project was created',
  'planning.project.updated': 'A project was edited',
  'planning.project.deleted': 'A project was deleted',
  'planning.milestone.created': 'A milestone was created',
  'planning.milestone.updated': 'A milestone was edited',
  'planning.milestone.deleted': 'A milestone was deleted',
  'planning.cycle.created': 'A cycle was created',
  'planning.cycle.updated': 'A cycle was edited',
  'planning.cycle.deleted': 'A cycle was deleted',
  'planning.label.created': 'A label was added to a project',
  'planning.label.updated': 'A label was renamed or recolored',
  'planning.label.deleted': 'A label was deleted (and taken off its tasks)',
}
