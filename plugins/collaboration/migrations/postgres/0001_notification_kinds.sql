ALTER TABLE "collaboration_preferences" ADD COLUMN "assignments" boolean DEFAULT true NOT NULL;
--> statement-breakpoint
ALTER TABLE "collaboration_preferences" ADD COLUMN "invitations" boolean DEFAULT true NOT NULL;
