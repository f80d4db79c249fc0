CREATE TABLE "core_plugins" (
	"id" text PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"version" text NOT NULL,
	"error" text,
	"settings" jsonb,
	"updated_at" timestamp (3) with time zone NOT NULL
);

