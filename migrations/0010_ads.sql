CREATE TABLE `ad_entities` (
	`project_id` text NOT NULL,
	`config_id` integer NOT NULL,
	`entity_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`parent_id` text,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`daily_budget` real,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `config_id`, `entity_id`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ad_entities_level` ON `ad_entities` (`project_id`,`config_id`,`entity_type`,`parent_id`);--> statement-breakpoint
CREATE TABLE `ad_insights` (
	`project_id` text NOT NULL,
	`config_id` integer NOT NULL,
	`entity_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`date` text NOT NULL,
	`spend` real NOT NULL,
	`impressions` integer NOT NULL,
	`reach` integer NOT NULL,
	`clicks` integer NOT NULL,
	`leads` integer NOT NULL,
	`frequency` real,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `config_id`, `entity_id`, `date`)
);
--> statement-breakpoint
CREATE INDEX `ad_insights_level_date` ON `ad_insights` (`project_id`,`config_id`,`entity_type`,`date`);--> statement-breakpoint
CREATE TABLE `ml_anomalies` (
	`project_id` text NOT NULL,
	`config_id` integer NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`metric` text NOT NULL,
	`date` text NOT NULL,
	`value` real NOT NULL,
	`expected` real NOT NULL,
	`score` real NOT NULL,
	`severity` text NOT NULL,
	`direction` text NOT NULL,
	`detected_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `config_id`, `entity_id`, `metric`, `date`)
);
--> statement-breakpoint
CREATE INDEX `ml_anomalies_level_date` ON `ml_anomalies` (`project_id`,`config_id`,`entity_type`,`date`);--> statement-breakpoint
CREATE TABLE `ml_classifications` (
	`project_id` text NOT NULL,
	`config_id` integer NOT NULL,
	`entity_type` text DEFAULT 'campaign' NOT NULL,
	`entity_id` text NOT NULL,
	`tier` text NOT NULL,
	`confidence` real NOT NULL,
	`drivers` text NOT NULL,
	`as_of_date` text NOT NULL,
	`classified_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `config_id`, `entity_id`)
);
--> statement-breakpoint
CREATE INDEX `idx_ml_classifications_entity_type` ON `ml_classifications` (`project_id`,`entity_type`);--> statement-breakpoint
CREATE INDEX `idx_ml_classifications_config_entity` ON `ml_classifications` (`project_id`,`config_id`,`entity_type`,`entity_id`);--> statement-breakpoint
CREATE TABLE `ml_features` (
	`project_id` text NOT NULL,
	`config_id` integer NOT NULL,
	`entity_type` text DEFAULT 'campaign' NOT NULL,
	`entity_id` text NOT NULL,
	`as_of_date` text NOT NULL,
	`features` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `config_id`, `entity_id`, `as_of_date`)
);
--> statement-breakpoint
CREATE INDEX `ml_features_level` ON `ml_features` (`project_id`,`config_id`,`entity_type`,`as_of_date`);--> statement-breakpoint
CREATE TABLE `ml_forecasts` (
	`project_id` text NOT NULL,
	`config_id` integer NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`metric` text NOT NULL,
	`as_of_date` text NOT NULL,
	`horizon_days` integer NOT NULL,
	`model` text NOT NULL,
	`predictions` text NOT NULL,
	`backtest` text,
	`generated_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `config_id`, `entity_id`, `metric`)
);
--> statement-breakpoint
CREATE INDEX `ml_forecasts_level` ON `ml_forecasts` (`project_id`,`config_id`,`entity_type`);--> statement-breakpoint
CREATE TABLE `ml_recommendations` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`config_id` integer NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`priority` text NOT NULL,
	`reason` text NOT NULL,
	`evidence` text NOT NULL,
	`as_of_date` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ml_recommendations_open` ON `ml_recommendations` (`project_id`,`config_id`,`entity_id`,`type`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `ml_recommendations_level` ON `ml_recommendations` (`project_id`,`config_id`,`entity_type`,`status`);