CREATE TABLE `core_plugins` (
	`id` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`version` text NOT NULL,
	`error` text,
	`settings` text,
	`updated_at` integer NOT NULL
);

