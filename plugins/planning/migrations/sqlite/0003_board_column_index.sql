DROP INDEX `planning_tasks_project_state`;
--> statement-breakpoint
CREATE INDEX `planning_tasks_project_state_updated` ON `planning_tasks` (`project_id`,`state_id`,`updated_at`);
