ALTER TABLE "calendar_events" ADD COLUMN "updated_by" text;
