CREATE TABLE `metrics` (
	`project_id` text NOT NULL,
	`date` text NOT NULL,
	`metric_name` text NOT NULL,
	`dimensions` text NOT NULL,
	`value` real NOT NULL,
	`time_zone` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `date`, `metric_name`, `dimensions`)
);
--> statement-breakpoint
ALTER TABLE `projects` ADD `time_zone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `signup_event` text;