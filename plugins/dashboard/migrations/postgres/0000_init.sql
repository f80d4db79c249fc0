CREATE TABLE "dashboard_layouts" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"widgets" jsonb,
	"dismissed" jsonb,
	"updated_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "dashboard_defaults" (
	"org_id" text PRIMARY KEY NOT NULL,
	"widgets" jsonb NOT NULL,
	"updated_by" text,
	"updated_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX "dashboard_layouts_org_user" ON "dashboard_layouts" USING btree ("org_id","user_id");
