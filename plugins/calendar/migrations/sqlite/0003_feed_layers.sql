ALTER TABLE `calendar_feed_tokens` ADD `layers` text;
