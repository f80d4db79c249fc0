/** @module Tables of the planning plugin: projects, states, labels, tasks, relations, history, views, milestones, cycles. */
import { defineSchema } from '../../core/store/facade.ts'

export const STATE_GROUPS = ['backlog', 'unstarted', 'started', 'completed', 'cancelled'] as const
export const PRIORITIES = ['urgent', 'high', 'medium', 'low', 'none'] as const
export const PROJECT_STATUSES = ['planned', 'active', 'paused', 'completed', 'cancelled'] as const

export const schema = defineSchema((t) => ({
  projects: t.table(
    'planning_projects',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      key: t.text('key').notNull(),
      name: t.text('name').notNull(),
      description: t.text('description').notNull().default(''),
      leadId: t.text('lead_id'),
      status: t.enumText('status', PROJECT_STATUSES).notNull().default('active'),
      /** The last task number handed out (WEB-<n>). */
      taskCounter: t.int('task_counter').notNull().default(0),
      createdBy: t.text('created_by'),
      createdAt: t.time('created_at').notNull(),
      updatedAt: t.time('updated_at').notNull(),
    },
    (tb) => [t.uniqueIndex('planning_projects_org_key').on(tb.orgId, tb.key)],
  ),
  states: t.table(
    'planning_states',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      projectId: t.text('project_id').notNull(),
      name: t.text('name').notNull(),
      group: t.enumText('group_name', STATE_GROUPS).notNull(),
      position: t.int('position').notNull().default(0),
      createdAt: t.time('created_at').notNull(),
    },
    (tb) => [t.index('planning_states_project').on(tb.projectId)],
  ),
  labels: t.table(
    'planning_labels',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      projectId: t.text('project_id').notNull(),
      name: t.text('name').notNull(),
      color: t.text('color').notNull().default('#6b7280'),
      createdAt: t.time('created_at').notNull(),
    },
    (tb) => [t.uniqueIndex('planning_labels_project_name').on(tb.projectId, tb.name)],
  ),
  tasks: t.table(
    'planning_tasks',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      projectId: t.text('project_id').notNull(),
      number: t.int('number').notNull(),
      title: t.text('title').notNull(),
      description: t.text('description').notNull().default(''),
      stateId: t.text('state_id').notNull(),
      priority: t.enumText('priority', PRIORITIES).notNull().default('none'),
      assigneeId: t.text('assignee_id'),
      estimate: t.int('estimate'),
      dueAt: t.time('due_at'),
      parentId: t.text('parent_id'),
      milestoneId: t.text('milestone_id'),
      cycleId: t.text('cycle_id'),
      /** Order within a board column. */
      position: t.real('position').notNull().default(0),
      createdBy: t.text('created_by'),
      createdAt: t.time('created_at').notNull(),
      updatedAt: t.time('updated_at').notNull(),
      completedAt: t.time('completed_at'),
    },
    (tb) => [
      t.uniqueIndex('planning_tasks_project_number').on(tb.projectId, tb.number),
      t.index('planning_tasks_org_assignee').on(tb.orgId, tb.assigneeId),
      t.index('planning_tasks_org_due').on(tb.orgId, tb.dueAt),
      // The board and 'recently updated' lists sort a project's tasks by update time.
      t.index('planning_tasks_project_updated').on(tb.projectId, tb.updatedAt),
      // Counts and progress (stats.ts, the board's column counts) group by state without reading the
      // rows; each board column takes its most recently updated tasks straight from it, in the
      // board's full order (updated, then number: no sort step).
      t.index('planning_tasks_board_column').on(tb.projectId, tb.stateId, tb.updatedAt, tb.number),
      t.index('planning_tasks_milestone').on(tb.milestoneId, tb.stateId, tb.estimate),
      t.index('planning_tasks_cycle').on(tb.cycleId, tb.stateId, tb.estimate),
    ],
  ),
  taskLabels: t.table(
    'planning_task_labels',
    {
      taskId: t.text('task_id').notNull(),
      labelId: t.text('label_id').notNull(),
      orgId: t.text('org_id').notNull(),
    },
    (tb) => [t.primaryKey({ columns: [tb.taskId, tb.labelId] }), t.index('planning_task_labels_label').on(tb.labelId)],
  ),
  relations: t.table(
    'planning_relations',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      /** This task blocks `blockedId`. */
      blockerId: t.text('blocker_id').notNull(),
      blockedId: t.text('blocked_id').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (tb) => [t.uniqueIndex('planning_relations_pair').on(tb.blockerId, tb.blockedId), t.index('planning_relations_blocked').on(tb.blockedId)],
  ),
  history: t.table(
    'planning_history',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      taskId: t.text('task_id').notNull(),
      actorId: t.text('actor_id'),
      actorName: t.text('actor_name').notNull(),
      field: t.text('field').notNull(),
      fromValue: t.text('from_value'),
      toValue: t.text('to_value'),
      at: t.time('at').notNull(),
    },
    (tb) => [t.index('planning_history_task').on(tb.taskId, tb.at)],
  ),
  views: t.table(
    'planning_views',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      projectId: t.text('project_id').notNull(),
      userId: t.text('user_id').notNull(),
      name: t.text('name').notNull(),
      /** The list's query string (filters and sort). */
      query: t.text('query').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (tb) => [t.index('planning_views_user').on(tb.projectId, tb.userId)],
  ),
  milestones: t.table(
    'planning_milestones',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      projectId: t.text('project_id').notNull(),
      name: t.text('name').notNull(),
      description: t.text('description').notNull().default(''),
      targetDate: t.time('target_date'),
      createdAt: t.time('created_at').notNull(),
    },
    (tb) => [t.index('planning_milestones_project').on(tb.projectId)],
  ),
  cycles: t.table(
    'planning_cycles',
    {
      id: t.text('id').primaryKey(),
      orgId: t.text('org_id').notNull(),
      projectId: t.text('project_id').notNull(),
      name: t.text('name').notNull(),
      startsAt: t.time('starts_at').notNull(),
      endsAt: t.time('ends_at').notNull(),
      createdAt: t.time('created_at').notNull(),
    },
    (tb) => [t.index('planning_cycles_project').on(tb.projectId)],
  ),
}))
