CREATE TABLE `dashboard_layouts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`widgets` text,
	`dismissed` text,
	`updated_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `dashboard_layouts_org_user` ON `dashboard_layouts` (`org_id`,`user_id`);
--> statement-breakpoint
CREATE TABLE `dashboard_defaults` (
	`org_id` text PRIMARY KEY NOT NULL,
	`widgets` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL
);

