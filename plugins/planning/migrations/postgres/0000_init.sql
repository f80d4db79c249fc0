CREATE TABLE "planning_projects" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"lead_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"task_counter" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "planning_states" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"group_name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "planning_labels" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"color" text DEFAULT '#6b7280' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "planning_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"project_id" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"state_id" text NOT NULL,
	"priority" text DEFAULT 'none' NOT NULL,
	"assignee_id" text,
	"estimate" integer,
	"due_at" timestamp (3) with time zone,
	"parent_id" text,
	"milestone_id" text,
	"cycle_id" text,
	"position" double precision DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"completed_at" timestamp (3) with time zone
);

--> statement-breakpoint
CREATE TABLE "planning_task_labels" (
	"task_id" text NOT NULL,
	"label_id" text NOT NULL,
	"org_id" text NOT NULL,
	CONSTRAINT "planning_task_labels_task_id_label_id_pk" PRIMARY KEY("task_id","label_id")
);

--> statement-breakpoint
CREATE TABLE "planning_relations" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"blocker_id" text NOT NULL,
	"blocked_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "planning_history" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"task_id" text NOT NULL,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"field" text NOT NULL,
	"from_value" text,
	"to_value" text,
	"at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "planning_views" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"project_id" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "planning_milestones" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"target_date" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "planning_cycles" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX "planning_projects_org_key" ON "planning_projects" USING btree ("org_id","key");
--> statement-breakpoint
CREATE INDEX "planning_states_project" ON "planning_states" USING btree ("project_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "planning_labels_project_name" ON "planning_labels" USING btree ("project_id","name");
--> statement-breakpoint
CREATE UNIQUE INDEX "planning_tasks_project_number" ON "planning_tasks" USING btree ("project_id","number");
--> statement-breakpoint
CREATE INDEX "planning_tasks_org_assignee" ON "planning_tasks" USING btree ("org_id","assignee_id");
--> statement-breakpoint
CREATE INDEX "planning_tasks_org_due" ON "planning_tasks" USING btree ("org_id","due_at");
--> statement-breakpoint
CREATE INDEX "planning_task_labels_label" ON "planning_task_labels" USING btree ("label_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "planning_relations_pair" ON "planning_relations" USING btree ("blocker_id","blocked_id");
--> statement-breakpoint
CREATE INDEX "planning_relations_blocked" ON "planning_relations" USING btree ("blocked_id");
--> statement-breakpoint
CREATE INDEX "planning_history_task" ON "planning_history" USING btree ("task_id","at");
--> statement-breakpoint
CREATE INDEX "planning_views_user" ON "planning_views" USING btree ("project_id","user_id");
--> statement-breakpoint
CREATE INDEX "planning_milestones_project" ON "planning_milestones" USING btree ("project_id");
--> statement-breakpoint
CREATE INDEX "planning_cycles_project" ON "planning_cycles" USING btree ("project_id");
