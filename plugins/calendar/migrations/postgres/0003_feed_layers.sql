ALTER TABLE "calendar_feed_tokens" ADD COLUMN "layers" jsonb;
