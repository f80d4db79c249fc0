CREATE INDEX `planning_tasks_project_state` ON `planning_tasks` (`project_id`,`state_id`);
--> statement-breakpoint
CREATE INDEX `planning_tasks_milestone` ON `planning_tasks` (`milestone_id`,`state_id`,`estimate`);
--> statement-breakpoint
CREATE INDEX `planning_tasks_cycle` ON `planning_tasks` (`cycle_id`,`state_id`,`estimate`);
