DROP INDEX "planning_tasks_project_state_updated";
--> statement-breakpoint
CREATE INDEX "planning_tasks_board_column" ON "planning_tasks" USING btree ("project_id","state_id","updated_at","number");
