-- Bandit experiments (issue 10): the propensity-weighted comparison per experiment, written by the results job.
CREATE TABLE `experiment_bandit_results` (
	`experiment_id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`rounds` integer NOT NULL,
	`decisions_without_outcome` integer NOT NULL,
	`result` text NOT NULL,
	`computed_at` integer NOT NULL
);
