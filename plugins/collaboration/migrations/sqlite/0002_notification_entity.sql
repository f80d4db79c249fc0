ALTER TABLE `collaboration_notifications` ADD `entity_type` text;
--> statement-breakpoint
ALTER TABLE `collaboration_notifications` ADD `entity_id` text;
--> statement-breakpoint
ALTER TABLE `collaboration_notifications` ADD `entity_known` integer DEFAULT false NOT NULL;
