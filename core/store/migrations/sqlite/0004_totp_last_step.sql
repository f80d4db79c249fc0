ALTER TABLE `core_users` ADD `totp_last_step` integer;
