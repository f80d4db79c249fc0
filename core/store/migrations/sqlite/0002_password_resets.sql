CREATE TABLE `core_password_resets` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);

--> statement-breakpoint
CREATE UNIQUE INDEX `core_password_resets_token` ON `core_password_resets` (`token_hash`);
--> statement-breakpoint
CREATE INDEX `core_password_resets_user` ON `core_password_resets` (`user_id`);
