ALTER TABLE "core_users" ADD COLUMN "totp_last_step" integer;
