ALTER TABLE "collaboration_preferences" ADD COLUMN "email" boolean DEFAULT false NOT NULL;
