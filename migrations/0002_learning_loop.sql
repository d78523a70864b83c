CREATE TABLE `bandit_stats_versions` (
	`project_id` text NOT NULL,
	`decision_type` text NOT NULL,
	`policy_id` text NOT NULL,
	`version` integer NOT NULL,
	`outcomes_counted` integer NOT NULL,
	`fresh_outcomes` integer NOT NULL,
	`watermark` integer NOT NULL,
	`half_life_days` real,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `decision_type`, `policy_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `decision_outcomes` (
	`decision_id` text NOT NULL,
	`pass` integer NOT NULL,
	`project_id` text NOT NULL,
	`decision_type` text NOT NULL,
	`bucket` text NOT NULL,
	`action` text NOT NULL,
	`simulated` integer NOT NULL,
	`decided_at` integer NOT NULL,
	`reward` real NOT NULL,
	`normalized_reward` real NOT NULL,
	`learn_value` real NOT NULL,
	`success` integer NOT NULL,
	`metrics` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`decision_id`, `pass`)
);
--> statement-breakpoint
CREATE INDEX `decision_outcomes_type_pass_computed` ON `decision_outcomes` (`project_id`,`decision_type`,`pass`,`computed_at`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`job` text NOT NULL,
	`params` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`rows_written` integer DEFAULT 0 NOT NULL,
	`message` text,
	`continues` text
);
--> statement-breakpoint
CREATE INDEX `job_runs_job_started` ON `job_runs` (`job`,`started_at`);