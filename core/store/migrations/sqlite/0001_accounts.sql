CREATE TABLE `core_users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`totp_secret` text,
	`totp_enabled` integer DEFAULT false NOT NULL,
	`recovery_codes` text,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `core_users_email` ON `core_users` (`email`);
--> statement-breakpoint
CREATE TABLE `core_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`stage` text NOT NULL,
	`csrf` text NOT NULL,
	`org_id` text,
	`ip` text NOT NULL,
	`user_agent` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `core_sessions_user` ON `core_sessions` (`user_id`);
--> statement-breakpoint
CREATE TABLE `core_orgs` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `core_orgs_slug` ON `core_orgs` (`slug`);
--> statement-breakpoint
CREATE TABLE `core_roles` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`builtin` text,
	`permissions` text NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `core_roles_org_name` ON `core_roles` (`org_id`,`name`);
--> statement-breakpoint
CREATE TABLE `core_members` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `user_id`)
);

--> statement-breakpoint
CREATE INDEX `core_members_user` ON `core_members` (`user_id`);
--> statement-breakpoint
CREATE TABLE `core_teams` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `core_teams_org_name` ON `core_teams` (`org_id`,`name`);
--> statement-breakpoint
CREATE TABLE `core_team_members` (
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`)
);

--> statement-breakpoint
CREATE TABLE `core_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`role_id` text NOT NULL,
	`email` text,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_by` text
);

--> statement-breakpoint
CREATE UNIQUE INDEX `core_invitations_token` ON `core_invitations` (`token_hash`);
--> statement-breakpoint
CREATE TABLE `core_api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`permissions` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`last_used_at` integer,
	`revoked_at` integer
);

--> statement-breakpoint
CREATE UNIQUE INDEX `core_api_tokens_hash` ON `core_api_tokens` (`token_hash`);
--> statement-breakpoint
CREATE INDEX `core_api_tokens_user` ON `core_api_tokens` (`user_id`);
--> statement-breakpoint
CREATE TABLE `core_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_email` text,
	`org_id` text,
	`action` text NOT NULL,
	`target` text,
	`ip` text,
	`details` text
);

--> statement-breakpoint
CREATE INDEX `core_audit_at` ON `core_audit` (`at`);
--> statement-breakpoint
CREATE INDEX `core_audit_org` ON `core_audit` (`org_id`);
