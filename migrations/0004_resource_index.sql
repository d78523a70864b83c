CREATE TABLE `exports` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`report_type` text NOT NULL,
	`format` text NOT NULL,
	`params` text NOT NULL,
	`status` text NOT NULL,
	`r2_key` text NOT NULL,
	`rows` integer DEFAULT 0 NOT NULL,
	`file_size_bytes` integer,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	`expires_at` integer,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `exports_project_created` ON `exports` (`project_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `exports_status_expires` ON `exports` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `events_project_resource_occurred` ON `events` (`project_id`,`resource_type`,`resource_id`,`occurred_at`);