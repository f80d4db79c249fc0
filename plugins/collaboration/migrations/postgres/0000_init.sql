CREATE TABLE "collaboration_comments" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"parent_id" text,
	"author_id" text NOT NULL,
	"body" text NOT NULL,
	"mentions" jsonb,
	"created_at" timestamp (3) with time zone NOT NULL,
	"edited_at" timestamp (3) with time zone,
	"deleted_at" timestamp (3) with time zone
);

--> statement-breakpoint
CREATE TABLE "collaboration_reactions" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"comment_id" text NOT NULL,
	"user_id" text NOT NULL,
	"emoji" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "collaboration_watches" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "collaboration_notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"text" text,
	"href" text,
	"actor_id" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"read_at" timestamp (3) with time zone
);

--> statement-breakpoint
CREATE TABLE "collaboration_preferences" (
	"user_id" text PRIMARY KEY NOT NULL,
	"mentions" boolean DEFAULT true NOT NULL,
	"comments" boolean DEFAULT true NOT NULL,
	"changes" boolean DEFAULT true NOT NULL,
	"reminders" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE TABLE "collaboration_activity" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"event" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"entity_type" text,
	"entity_id" text,
	"entity_title" text,
	"entity_href" text,
	"text" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);

--> statement-breakpoint
CREATE INDEX "collaboration_comments_entity" ON "collaboration_comments" USING btree ("org_id","entity_type","entity_id","created_at");
--> statement-breakpoint
CREATE UNIQUE INDEX "collaboration_reactions_once" ON "collaboration_reactions" USING btree ("comment_id","user_id","emoji");
--> statement-breakpoint
CREATE UNIQUE INDEX "collaboration_watches_once" ON "collaboration_watches" USING btree ("org_id","entity_type","entity_id","user_id");
--> statement-breakpoint
CREATE INDEX "collaboration_notifications_user" ON "collaboration_notifications" USING btree ("user_id","org_id","read_at");
--> statement-breakpoint
CREATE INDEX "collaboration_activity_org" ON "collaboration_activity" USING btree ("org_id","created_at");
--> statement-breakpoint
CREATE INDEX "collaboration_activity_entity" ON "collaboration_activity" USING btree ("org_id","entity_type","entity_id");
