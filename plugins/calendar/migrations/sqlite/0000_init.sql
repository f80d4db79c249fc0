CREATE TABLE `calendar_calendars` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`owner_kind` text NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`color` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `calendar_calendars_org` ON `calendar_calendars` (`org_id`,`owner_kind`,`owner_id`);
--> statement-breakpoint
CREATE TABLE `calendar_shares` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`calendar_id` text NOT NULL,
	`user_id` text NOT NULL,
	`access` text NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_shares_cal_user` ON `calendar_shares` (`calendar_id`,`user_id`);
--> statement-breakpoint
CREATE INDEX `calendar_shares_user` ON `calendar_shares` (`org_id`,`user_id`);
--> statement-breakpoint
CREATE TABLE `calendar_events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`calendar_id` text NOT NULL,
	`uid` text NOT NULL,
	`series_id` text,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`location` text DEFAULT '' NOT NULL,
	`all_day` integer DEFAULT false NOT NULL,
	`time_zone` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`rrule` text,
	`exdates` text NOT NULL,
	`reminders` text NOT NULL,
	`has_reminders` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);

--> statement-breakpoint
CREATE INDEX `calendar_events_cal` ON `calendar_events` (`org_id`,`calendar_id`);
--> statement-breakpoint
CREATE INDEX `calendar_events_start` ON `calendar_events` (`org_id`,`start_at`);
--> statement-breakpoint
CREATE INDEX `calendar_events_uid` ON `calendar_events` (`org_id`,`uid`);
--> statement-breakpoint
CREATE INDEX `calendar_events_reminders` ON `calendar_events` (`has_reminders`);
--> statement-breakpoint
CREATE TABLE `calendar_overrides` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`original_start` integer NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`location` text DEFAULT '' NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_overrides_event_start` ON `calendar_overrides` (`event_id`,`original_start`);
--> statement-breakpoint
CREATE TABLE `calendar_attendees` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`user_id` text NOT NULL,
	`rsvp` text NOT NULL,
	`updated_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_attendees_event_user` ON `calendar_attendees` (`event_id`,`user_id`);
--> statement-breakpoint
CREATE INDEX `calendar_attendees_user` ON `calendar_attendees` (`org_id`,`user_id`);
--> statement-breakpoint
CREATE TABLE `calendar_reminders_sent` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`occurrence_start` integer NOT NULL,
	`minutes` integer NOT NULL,
	`sent_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_reminders_sent_key` ON `calendar_reminders_sent` (`event_id`,`occurrence_start`,`minutes`);
--> statement-breakpoint
CREATE TABLE `calendar_layer_prefs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`layer` text NOT NULL,
	`hidden` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_layer_prefs_key` ON `calendar_layer_prefs` (`org_id`,`user_id`,`layer`);
--> statement-breakpoint
CREATE TABLE `calendar_feed_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL
);

--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_feed_tokens_hash` ON `calendar_feed_tokens` (`token_hash`);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_feed_tokens_user` ON `calendar_feed_tokens` (`org_id`,`user_id`);
