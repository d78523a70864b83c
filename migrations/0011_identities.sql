CREATE TABLE `identities` (
	`project_id` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`user_id` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `anonymous_id`)
);
--> statement-breakpoint
CREATE INDEX `identities_project_user` ON `identities` (`project_id`,`user_id`);