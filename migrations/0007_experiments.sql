-- Experiments (issue 10): definitions, their change history, per-day results; and experiment_id on decisions.
CREATE TABLE `experiment_changes` (
	`experiment_id` text NOT NULL,
	`version` integer NOT NULL,
	`project_id` text NOT NULL,
	`action` text NOT NULL,
	`changed_by` text NOT NULL,
	`changes` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`experiment_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `experiment_results` (
	`experiment_id` text NOT NULL,
	`metric` text NOT NULL,
	`day` text NOT NULL,
	`variant` text NOT NULL,
	`project_id` text NOT NULL,
	`units` integer NOT NULL,
	`sum` real NOT NULL,
	`sum_squares` real NOT NULL,
	`denominator_sum` real,
	`denominator_sum_squares` real,
	`sum_of_products` real,
	`pre_sum` real,
	`pre_sum_squares` real,
	`pre_post_sum_of_products` real,
	`final` integer NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`experiment_id`, `metric`, `day`, `variant`)
);
--> statement-breakpoint
CREATE TABLE `experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`variants` text NOT NULL,
	`traffic_allocation` real NOT NULL,
	`seed` text NOT NULL,
	`ranges` text NOT NULL,
	`primary_metric` text NOT NULL,
	`guardrail_metrics` text DEFAULT '[]' NOT NULL,
	`decision_type` text,
	`allocation` text DEFAULT 'fixed' NOT NULL,
	`start_at` integer,
	`end_at` integer,
	`started_at` integer,
	`stopped_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_project_key` ON `experiments` (`project_id`,`key`);--> statement-breakpoint
CREATE INDEX `experiments_status` ON `experiments` (`status`);--> statement-breakpoint
ALTER TABLE `decisions` ADD `experiment_id` text;