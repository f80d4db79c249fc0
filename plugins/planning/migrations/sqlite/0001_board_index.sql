CREATE INDEX `planning_tasks_project_updated` ON `planning_tasks` (`project_id`,`updated_at`);
