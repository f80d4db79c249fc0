ALTER TABLE "collaboration_notifications" ADD COLUMN "entity_type" text;
--> statement-breakpoint
ALTER TABLE "collaboration_notifications" ADD COLUMN "entity_id" text;
--> statement-breakpoint
ALTER TABLE "collaboration_notifications" ADD COLUMN "entity_known" boolean DEFAULT false NOT NULL;
