CREATE TABLE "calendar_calendars" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"owner_kind" text NOT NULL,
	"owner_id" text NOT NULL,
	"name" text NOT NULL,
	"color" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "calendar_shares" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"calendar_id" text NOT NULL,
	"user_id" text NOT NULL,
	"access" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "calendar_events" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"calendar_id" text NOT NULL,
	"uid" text NOT NULL,
	"series_id" text,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"all_day" boolean DEFAULT false NOT NULL,
	"time_zone" text NOT NULL,
	"start_at" timestamp (3) with time zone NOT NULL,
	"end_at" timestamp (3) with time zone NOT NULL,
	"rrule" text,
	"exdates" jsonb NOT NULL,
	"reminders" jsonb NOT NULL,
	"has_reminders" boolean DEFAULT false NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "calendar_overrides" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"event_id" text NOT NULL,
	"original_start" timestamp (3) with time zone NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"start_at" timestamp (3) with time zone NOT NULL,
	"end_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "calendar_attendees" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"event_id" text NOT NULL,
	"user_id" text NOT NULL,
	"rsvp" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "calendar_reminders_sent" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"event_id" text NOT NULL,
	"occurrence_start" timestamp (3) with time zone NOT NULL,
	"minutes" integer NOT NULL,
	"sent_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "calendar_layer_prefs" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"layer" text NOT NULL,
	"hidden" boolean NOT NULL
);

--> statement-breakpoint
CREATE TABLE "calendar_feed_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE INDEX "calendar_calendars_org" ON "calendar_calendars" USING btree ("org_id","owner_kind","owner_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_shares_cal_user" ON "calendar_shares" USING btree ("calendar_id","user_id");
--> statement-breakpoint
CREATE INDEX "calendar_shares_user" ON "calendar_shares" USING btree ("org_id","user_id");
--> statement-breakpoint
CREATE INDEX "calendar_events_cal" ON "calendar_events" USING btree ("org_id","calendar_id");
--> statement-breakpoint
CREATE INDEX "calendar_events_start" ON "calendar_events" USING btree ("org_id","start_at");
--> statement-breakpoint
CREATE INDEX "calendar_events_uid" ON "calendar_events" USING btree ("org_id","uid");
--> statement-breakpoint
CREATE INDEX "calendar_events_reminders" ON "calendar_events" USING btree ("has_reminders");
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_overrides_event_start" ON "calendar_overrides" USING btree ("event_id","original_start");
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_attendees_event_user" ON "calendar_attendees" USING btree ("event_id","user_id");
--> statement-breakpoint
CREATE INDEX "calendar_attendees_user" ON "calendar_attendees" USING btree ("org_id","user_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_reminders_sent_key" ON "calendar_reminders_sent" USING btree ("event_id","occurrence_start","minutes");
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_layer_prefs_key" ON "calendar_layer_prefs" USING btree ("org_id","user_id","layer");
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feed_tokens_hash" ON "calendar_feed_tokens" USING btree ("token_hash");
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feed_tokens_user" ON "calendar_feed_tokens" USING btree ("org_id","user_id");
