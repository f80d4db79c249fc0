ALTER TABLE `collaboration_preferences` ADD `assignments` integer DEFAULT true NOT NULL;
--> statement-breakpoint
ALTER TABLE `collaboration_preferences` ADD `invitations` integer DEFAULT true NOT NULL;
