DROP INDEX "calendar_events_reminders";
--> statement-breakpoint
CREATE INDEX "calendar_events_reminders_start" ON "calendar_events" USING btree ("has_reminders","start_at");
