ALTER TABLE `calendar_events` ADD `updated_by` text;
