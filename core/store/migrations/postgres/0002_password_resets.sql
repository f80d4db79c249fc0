CREATE TABLE "core_password_resets" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"used_at" timestamp (3) with time zone
);

--> statement-breakpoint
CREATE UNIQUE INDEX "core_password_resets_token" ON "core_password_resets" USING btree ("token_hash");
--> statement-breakpoint
CREATE INDEX "core_password_resets_user" ON "core_password_resets" USING btree ("user_id");
