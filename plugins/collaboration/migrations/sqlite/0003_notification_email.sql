ALTER TABLE `collaboration_preferences` ADD `email` integer DEFAULT false NOT NULL;
