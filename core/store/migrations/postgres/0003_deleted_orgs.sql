CREATE TABLE "core_deleted_orgs" (
	"org_id" text PRIMARY KEY NOT NULL,
	"deleted_at" timestamp (3) with time zone NOT NULL
);

