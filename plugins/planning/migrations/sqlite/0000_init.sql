CREATE TABLE `planning_projects` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`lead_id` text,
	`status` text DEFAULT 'active' NOT NULL,
	`task_counter` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `planning_projects_org_key` ON `planning_projects` (`org_id`,`key`);
--> statement-breakpoint
CREATE TABLE `planning_states` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`group_name` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `planning_states_project` ON `planning_states` (`project_id`);
--> statement-breakpoint
CREATE TABLE `planning_labels` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`color` text DEFAULT '#6b7280' NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `planning_labels_project_name` ON `planning_labels` (`project_id`,`name`);
--> statement-breakpoint
CREATE TABLE `planning_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`state_id` text NOT NULL,
	`priority` text DEFAULT 'none' NOT NULL,
	`assignee_id` text,
	`estimate` integer,
	`due_at` integer,
	`parent_id` text,
	`milestone_id` text,
	`cycle_id` text,
	`position` real DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer
);

--> statement-breakpoint
CREATE UNIQUE INDEX `planning_tasks_project_number` ON `planning_tasks` (`project_id`,`number`);
--> statement-breakpoint
CREATE INDEX `planning_tasks_org_assignee` ON `planning_tasks` (`org_id`,`assignee_id`);
--> statement-breakpoint
CREATE INDEX `planning_tasks_org_due` ON `planning_tasks` (`org_id`,`due_at`);
--> statement-breakpoint
CREATE TABLE `planning_task_labels` (
	`task_id` text NOT NULL,
	`label_id` text NOT NULL,
	`org_id` text NOT NULL,
	PRIMARY KEY(`task_id`, `label_id`)
);

--> statement-breakpoint
CREATE INDEX `planning_task_labels_label` ON `planning_task_labels` (`label_id`);
--> statement-breakpoint
CREATE TABLE `planning_relations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`blocker_id` text NOT NULL,
	`blocked_id` text NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `planning_relations_pair` ON `planning_relations` (`blocker_id`,`blocked_id`);
--> statement-breakpoint
CREATE INDEX `planning_relations_blocked` ON `planning_relations` (`blocked_id`);
--> statement-breakpoint
CREATE TABLE `planning_history` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`task_id` text NOT NULL,
	`actor_id` text,
	`actor_name` text NOT NULL,
	`field` text NOT NULL,
	`from_value` text,
	`to_value` text,
	`at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `planning_history_task` ON `planning_history` (`task_id`,`at`);
--> statement-breakpoint
CREATE TABLE `planning_views` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `planning_views_user` ON `planning_views` (`project_id`,`user_id`);
--> statement-breakpoint
CREATE TABLE `planning_milestones` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`target_date` integer,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `planning_milestones_project` ON `planning_milestones` (`project_id`);
--> statement-breakpoint
CREATE TABLE `planning_cycles` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `planning_cycles_project` ON `planning_cycles` (`project_id`);
