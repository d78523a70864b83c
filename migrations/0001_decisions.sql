CREATE TABLE `bandit_arm_stats` (
	`project_id` text NOT NULL,
	`decision_type` text NOT NULL,
	`policy_id` text NOT NULL,
	`bucket` text NOT NULL,
	`action` text NOT NULL,
	`version` integer NOT NULL,
	`n` real NOT NULL,
	`successes` real NOT NULL,
	`failures` real NOT NULL,
	`reward_sum` real NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `decision_type`, `policy_id`, `bucket`, `action`)
);
--> statement-breakpoint
CREATE TABLE `bucket_values` (
	`project_id` text NOT NULL,
	`decision_type` text NOT NULL,
	`field` text NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `decision_type`, `field`, `value`)
);
--> statement-breakpoint
CREATE TABLE `decision_type_versions` (
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`config` text NOT NULL,
	`changed_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `name`, `version`)
);
--> statement-breakpoint
CREATE TABLE `decision_types` (
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`config` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `name`)
);
--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`decision_type` text NOT NULL,
	`unit_id` text NOT NULL,
	`bucket` text NOT NULL,
	`action` text NOT NULL,
	`policy_id` text NOT NULL,
	`policy_version` integer NOT NULL,
	`propensity` real NOT NULL,
	`explored` integer NOT NULL,
	`context` text,
	`resource_type` text,
	`resource_id` text,
	`request_id` text,
	`simulated` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_project_request` ON `decisions` (`project_id`,`request_id`);--> statement-breakpoint
CREATE INDEX `decisions_project_type_created` ON `decisions` (`project_id`,`decision_type`,`created_at`);--> statement-breakpoint
CREATE TABLE `policy_starts` (
	`project_id` text NOT NULL,
	`decision_type` text NOT NULL,
	`policy_id` text NOT NULL,
	`started_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `decision_type`, `policy_id`)
);
