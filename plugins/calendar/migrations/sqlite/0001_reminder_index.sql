DROP INDEX `calendar_events_reminders`;
--> statement-breakpoint
CREATE INDEX `calendar_events_reminders_start` ON `calendar_events` (`has_reminders`,`start_at`);
