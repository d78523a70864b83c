CREATE TABLE `dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`message_id` text NOT NULL,
	`project_id` text,
	`body` text NOT NULL,
	`reason` text NOT NULL,
	`attempts` integer NOT NULL,
	`failed_at` integer NOT NULL,
	`replayed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dead_letters_message` ON `dead_letters` (`queue`,`message_id`);--> statement-breakpoint
CREATE INDEX `dead_letters_project` ON `dead_letters` (`project_id`,`failed_at`);--> statement-breakpoint
CREATE TABLE `event_names` (
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `name`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `events` (
	`event_id` text NOT NULL,
	`project_id` text NOT NULL,
	`event_name` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`user_id` text,
	`user_identified` integer DEFAULT 0 NOT NULL,
	`client_session_id` text,
	`request_id` text,
	`resource_type` text,
	`resource_id` text,
	`decision_id` text,
	`policy_id` text,
	`src` text,
	`context` text,
	`properties` text,
	`country` text,
	`browser` text,
	`os` text,
	`device_type` text,
	PRIMARY KEY(`project_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `events_project_occurred` ON `events` (`project_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_decision` ON `events` (`decision_id`);--> statement-breakpoint
CREATE INDEX `events_project_user_occurred` ON `events` (`project_id`,`user_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_project_name_occurred` ON `events` (`project_id`,`event_name`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`ingest_rate_limit_per_minute` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `publishable_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`label` text,
	`allowed_origins` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publishable_keys_key_hash` ON `publishable_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `publishable_keys_project` ON `publishable_keys` (`project_id`);