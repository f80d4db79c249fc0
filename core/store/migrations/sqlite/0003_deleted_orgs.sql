CREATE TABLE `core_deleted_orgs` (
	`org_id` text PRIMARY KEY NOT NULL,
	`deleted_at` integer NOT NULL
);

